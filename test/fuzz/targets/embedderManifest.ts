// Fuzz target 'embedderManifest': parseEmbedderManifest on the bytes of one embedder medsynth.json
// (schema medsynth.embedder/1), then, for an accepted manifest, checkEmbedderSignature against the
// built-in embedder's model (assets/embedder/model.onnx, read without a runtime) and
// prepareEmbedderInput of a tiny fixed image set at the manifest's input size. An accepted manifest
// must keep its model path inside the folder and its shape and range within the documented bounds, and
// the prepared input must have C x H x W values inside valueRange; anything other than a MedSynthError
// is a bug. Seeds: the built-in manifest and an RGB variant; structured cases: hostile shapes, paths,
// ranges, dims and string lengths, deep nesting, a huge text, and the generic JSON edits.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageSet } from '../../../src/core/data/imageSet';
import { prepareEmbedderInput } from '../../../src/core/embedder/embedderInput';
import { MAX_EMBEDDER_SIDE, checkEmbedderSignature, parseEmbedderManifest } from '../../../src/core/embedder/embedderManifest';
import { readOnnxModelInfo } from '../../../src/core/generators/onnx/modelInfo';
import type { OnnxModelInfo } from '../../../src/core/generators/onnx/modelInfo';
import type { FuzzRandom } from '../random';
import { structuredManifest } from '../structured';
import type { Built } from '../structured';
import type { FuzzTargetSpec } from '../targetSpec';

const ASSETS = join(__dirname, '..', '..', '..', 'assets', 'embedder');
const enc = new TextEncoder();
const dec = new TextDecoder();
/** A small cap on the prepared input, far below the worker's memory bound (3 x 1024 x 1024 x 2 frames fits). */
const MAX_VALUES = 8 * 1024 * 1024;

let builtInModel: Promise<OnnxModelInfo> | undefined;
const modelInfo = (): Promise<OnnxModelInfo> =>
  (builtInModel ??= readFile(join(ASSETS, 'model.onnx')).then((b) => readOnnxModelInfo(new Uint8Array(b), 'assets/embedder/model.onnx')));

/** Two frames: a 3 x 2 grey PNG-like image and a 2 x 2 RGB DICOM-like one with a VOI window. */
const IMAGES: ImageSet = {
  modality: 'image',
  images: [
    {
      id: 'grey',
      frames: 1,
      rows: 3,
      columns: 2,
      channels: 1,
      data: Float32Array.of(0, 10, 128, 255, 300, -5),
      photometric: 'MONOCHROME2',
      windows: [{ center: 127.5, width: 256, name: 'min-max' }],
      sourceFiles: ['grey.png'],
      metadata: { format: 'PNG', bitDepth: 8 },
    },
    {
      id: 'mono1',
      frames: 1,
      rows: 2,
      columns: 2,
      channels: 1,
      data: Float32Array.of(-1000, 40, NaN, 3000),
      photometric: 'MONOCHROME1',
      windows: [{ center: 40, width: 400 }],
      sourceFiles: ['ct.dcm'],
      metadata: { transferSyntaxUid: '1.2.840.10008.1.2.1', bitsStored: 12 },
    },
  ],
};

async function loadCorpus(): Promise<Uint8Array[]> {
  const builtIn = await readFile(join(ASSETS, 'medsynth.json'));
  const json = JSON.parse(builtIn.toString('utf8')) as Record<string, unknown>;
  const rgb = {
    ...json,
    name: 'rgb-224',
    input: { name: 'pixels', shape: [-1, 3, 224, 224] },
    valueRange: [0, 1],
    output: { name: 'pooled' },
  };
  return [new Uint8Array(builtIn), enc.encode(JSON.stringify(rgb, null, 2))];
}

const PATHS = [
  '../model.onnx',
  'a/../../m.onnx',
  '/etc/passwd',
  'C:\\m.onnx',
  '\\\\host\\share\\m.onnx',
  'm.onnx\0.txt',
  './m.onnx',
  'a//m.onnx',
  'file:m.onnx',
  '',
];
const DIMS = [0, -1, -2, 1, 2, 3, 4, 1.5, 1024, 1025, 65_536, 65_537, 2 ** 31, 2 ** 53, 1e308, '64', null, [], {}];

function parsed(base: Uint8Array): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(dec.decode(base)) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function buildStructured(rng: FuzzRandom, base: Uint8Array): Built {
  const json = parsed(base);
  if (!json || rng.chance(0.35)) return structuredManifest(rng, base);
  const out = (how: string): Built => ({ bytes: enc.encode(JSON.stringify(json)), how: [how] });
  const input = (json.input ?? {}) as Record<string, unknown>;
  switch (rng.below(8)) {
    case 0: {
      const shape = [rng.pick([-1, 1, 0]), rng.pick(DIMS), rng.pick(DIMS), rng.pick(DIMS)];
      if (rng.chance(0.2)) shape.push(rng.pick(DIMS));
      json.input = { ...input, shape };
      return out(`shape:${JSON.stringify(shape)}`);
    }
    case 1: {
      const side = rng.pick([MAX_EMBEDDER_SIDE, MAX_EMBEDDER_SIDE - 1, 512]);
      json.input = { ...input, shape: [-1, rng.pick([1, 3]), side, rng.pick([1, side])] };
      return out(`bigInput:${side}`);
    }
    case 2:
      json.model = rng.pick(PATHS);
      return out(`model:${JSON.stringify(json.model)}`);
    case 3: {
      const v = rng.pick([
        [0, 0],
        [1, -1],
        [-1e308, 1e308],
        [-Number.MAX_VALUE, 0],
        [0, 5e-324],
        [-1e-300, 1e-300],
        [1e15, 1e15 + 1],
        ['0', 1],
        [0],
        [0, 1, 2],
        {},
      ]);
      json.valueRange = v;
      return out(`valueRange:${JSON.stringify(v)}`);
    }
    case 4: {
      const dims = rng.pick(DIMS);
      json.output = {
        ...((json.output ?? {}) as Record<string, unknown>),
        dims,
        ...(rng.chance(0.2) ? { name: rng.pick(['', 'image', 'x'.repeat(5000)]) } : {}),
      };
      return out(`outputDims:${JSON.stringify(dims)}`);
    }
    case 5: {
      const key = rng.pick(['doc', 'license', 'name', 'schema']);
      const n = rng.pick([0, 200, 201, 4096, 16_384, 16_385, 900_000]);
      json[key] = 'x'.repeat(n);
      return out(`longString:${key}:${n}`);
    }
    case 6: {
      const depth = rng.pick([31, 33, 1000, 100_000]);
      const text = JSON.stringify({ ...json, extra: '@@deep@@' }).replace('"@@deep@@"', `${'['.repeat(depth)}${']'.repeat(depth)}`);
      return { bytes: enc.encode(text), how: [`deep:${depth}`] };
    }
    default: {
      const n = rng.pick([1_048_000, 1_048_577, 3_000_000]);
      return { bytes: enc.encode(JSON.stringify({ ...json, pad: 'p'.repeat(n) })), how: [`hugeText:${n}`] };
    }
  }
}

async function execute(bytes: Uint8Array): Promise<'ok' | 'skipped'> {
  const m = parseEmbedderManifest(dec.decode(bytes), 'fuzz/medsynth.json');
  const fail = (what: string): never => {
    throw new Error(`accepted an invalid embedder manifest: ${what}`);
  };
  const segments = m.model.split('/');
  if (m.model.startsWith('/') || /[\\:\0]/.test(m.model) || segments.some((s) => s === '..' || s === '' || s === '.'))
    fail(`model path ${JSON.stringify(m.model)}`);
  const [batch, c, h, w] = m.input.shape;
  if (batch !== -1 || (c !== 1 && c !== 3)) fail(`shape ${JSON.stringify(m.input.shape)}`);
  for (const d of [h, w]) if (!(Number.isSafeInteger(d) && d >= 1 && d <= MAX_EMBEDDER_SIDE)) fail(`side ${d}`);
  const [lo, hi] = m.valueRange;
  if (!(Number.isFinite(Math.fround(lo)) && Math.fround(lo) < Math.fround(hi) && Number.isFinite(Math.fround(hi) - Math.fround(lo))))
    fail(`valueRange ${lo}, ${hi}`);
  if (m.output.dims !== undefined && !(Number.isSafeInteger(m.output.dims) && m.output.dims >= 1)) fail(`dims ${m.output.dims}`);
  for (const s of [m.name, m.doc, m.license, m.input.name, m.output.name])
    if (typeof s !== 'string' || s.length === 0) fail('an empty string');

  try {
    const { dims } = checkEmbedderSignature(m, await modelInfo(), 'assets/embedder/model.onnx');
    if (dims !== 384) fail(`the built-in model accepted with dims ${dims}`);
  } catch (e) {
    if (!(e instanceof Error && e.name === 'MedSynthError')) throw e;
  }
  const input = prepareEmbedderInput(IMAGES, m, { maxValues: MAX_VALUES });
  if (input.count !== 2 || input.data.length !== 2 * c * h * w) fail(`prepared ${input.data.length} values for 2 x ${c} x ${h} x ${w}`);
  // Stored as float32: the ends as float32 rounds them.
  const [lo32, hi32] = [Math.fround(lo), Math.fround(hi)];
  for (let i = 0; i < input.data.length; i++) {
    const v = input.data[i];
    if (!(v >= lo32 && v <= hi32)) throw new Error(`prepared value ${i} = ${v} outside [${lo}, ${hi}]`);
  }
  return 'ok';
}

export const embedderManifestTarget: FuzzTargetSpec = {
  name: 'embedderManifest',
  extension: 'json',
  loadCorpus,
  buildStructured,
  execute: (bytes) => execute(bytes),
};
