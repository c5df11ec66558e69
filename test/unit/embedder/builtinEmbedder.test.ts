// The built-in embedder (assets/embedder) in the real onnxruntime: it loads, its signature is the one
// its manifest promises, its features equal the independent numpy forward pass that
// test/reference/embedder_builtin.py recorded (test/fixtures/embedder), they are finite and
// deterministic and do not depend on the batch, and they separate clearly different image sets (noise
// against CT and MR slices) far more than near-identical ones (shifted crops of one CT slice,
// neighbouring slices of one MR volume). The README names the model's sha256.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { ImageSet, ImageVolume } from '../../../src/core/data/imageSet';
import { readDicomImage } from '../../../src/core/data/dicom/image';
import { readNifti } from '../../../src/core/data/nifti/niftiReader';
import { prepareEmbedderInput } from '../../../src/core/embedder/embedderInput';
import { checkEmbedderSignature, parseEmbedderManifest } from '../../../src/core/embedder/embedderManifest';
import type { EmbedderManifest } from '../../../src/core/embedder/embedderManifest';
import { readOnnxModelInfo } from '../../../src/core/generators/onnx/modelInfo';
import { mulberry32 } from '../../seededRandom';

const ROOT = join(__dirname, '..', '..', '..');
const ASSETS = join(ROOT, 'assets', 'embedder');
const FIX = join(ROOT, 'test', 'fixtures');
const REF = JSON.parse(readFileSync(join(FIX, 'embedder', 'builtin_reference.json'), 'utf8')) as {
  modelSha256: string;
  manifestSha256: string;
  inputs: { file: string; shape: number[]; names: string[] };
  dims: number;
  parameters: number;
  features: number[][];
};
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let manifest: EmbedderManifest;
let session: ort.InferenceSession;
const modelBytes = new Uint8Array(readFileSync(join(ASSETS, 'model.onnx')));

before(async () => {
  manifest = parseEmbedderManifest(readFileSync(join(ASSETS, 'medsynth.json'), 'utf8'), 'assets/embedder/medsynth.json');
  session = await ort.InferenceSession.create(modelBytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
});

async function embed(data: Float32Array, count: number): Promise<Float32Array> {
  const [, c, h, w] = manifest.input.shape;
  const out = await session.run({ [manifest.input.name]: new ort.Tensor('float32', data, [count, c, h, w]) });
  const t = out[manifest.output.name];
  assert.deepEqual(t.dims, [count, REF.dims]);
  return t.data as Float32Array;
}

test('the shipped files are the ones the reference script made, and the README names the model hash', () => {
  assert.equal(sha256(modelBytes), REF.modelSha256);
  assert.equal(sha256(new Uint8Array(readFileSync(join(ASSETS, 'medsynth.json')))), REF.manifestSha256);
  assert.ok(modelBytes.length < 2 * 1024 * 1024, `${modelBytes.length} bytes`);
  const readme = readFileSync(join(ASSETS, 'README.md'), 'utf8');
  assert.ok(readme.includes(REF.modelSha256), 'README.md does not name the model sha256');
  assert.ok(readme.includes(`${modelBytes.length.toLocaleString('en-US')} bytes`), 'README.md gives another model size');
  assert.ok(readme.includes(REF.parameters.toLocaleString('en-US')), 'README.md gives another weight count');
});

test('onnxruntime loads it with the signature of its manifest (and the runtime-free reader agrees)', () => {
  assert.deepEqual(session.inputNames, [manifest.input.name]);
  assert.deepEqual(session.outputNames, [manifest.output.name]);
  const info = readOnnxModelInfo(modelBytes, 'assets/embedder/model.onnx');
  assert.deepEqual(checkEmbedderSignature(manifest, info, 'assets/embedder/model.onnx'), { dims: REF.dims });
  assert.equal(manifest.output.dims, REF.dims);
});

test('its features equal the numpy forward pass, are finite, deterministic and independent of the batch', async () => {
  const raw = readFileSync(join(FIX, 'embedder', REF.inputs.file));
  const x = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const n = REF.inputs.shape[0];
  const f = await embed(x, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < REF.dims; j++) {
      const want = REF.features[i][j];
      const got = f[i * REF.dims + j];
      assert.ok(Number.isFinite(got), `${REF.inputs.names[i]}[${j}] = ${got}`);
      // float32 network against float64 numpy: a few units in the 5th significant digit at most.
      const err = Math.abs(got - want) / (1e-3 + Math.abs(want));
      assert.ok(err <= 1e-3, `${REF.inputs.names[i]}[${j}]: onnxruntime ${got}, numpy ${want}`);
    }
  assert.deepEqual(await embed(x, n), f, 'a second run gives other bytes');
  const item = x.length / n;
  for (const i of [0, 3]) {
    const one = await embed(x.slice(i * item, (i + 1) * item), 1);
    for (let j = 0; j < REF.dims; j++) assert.ok(Math.abs(one[j] - f[i * REF.dims + j]) <= 1e-5 * (1 + Math.abs(f[i * REF.dims + j])));
  }
});

// ---- separation on real images ----

function framesVolume(base: ImageVolume, rows: number, columns: number, frames: Float32Array[]): ImageVolume {
  const data = new Float32Array(frames.length * rows * columns);
  frames.forEach((f, i) => data.set(f, i * rows * columns));
  // The base's metadata and its 'min-max' preset: the volume's own min..max is recomputed.
  return {
    ...base,
    id: `${base.id} (${frames.length} frames)`,
    frames: frames.length,
    rows,
    columns,
    data,
    windows: [{ center: 0, width: 1, name: 'min-max' }],
  };
}

function crop(v: ImageVolume, top: number, left: number, size: number): Float32Array {
  const out = new Float32Array(size * size);
  for (let r = 0; r < size; r++) out.set(v.data.subarray((top + r) * v.columns + left, (top + r) * v.columns + left + size), r * size);
  return out;
}

function noise(count: number, rows: number, columns: number, lo: number, hi: number, seed: number): Float32Array[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: rows * columns }, () => lo + (hi - lo) * rand()));
}

async function features(set: ImageSet): Promise<number[][]> {
  const input = prepareEmbedderInput(set, manifest);
  const f = await embed(input.data, input.count);
  return Array.from({ length: input.count }, (_, i) => Array.from(f.subarray(i * REF.dims, (i + 1) * REF.dims)));
}

const mean = (rows: number[][]): number[] => rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
const dist = (a: number[], b: number[]): number => Math.sqrt(a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0));
const one = (v: ImageVolume): ImageSet => ({ modality: 'image', images: [v] });

/** ||mean(A) - mean(B)|| against ||mean(A) - mean(A')||, and every A' item's nearest neighbour lies in A, not in B. */
function checkSeparation(a: number[][], near: number[][], far: number[][], label: string): number {
  const ratio = dist(mean(a), mean(far)) / dist(mean(a), mean(near));
  assert.ok(ratio > 5, `${label}: mean-feature distance ratio ${ratio.toFixed(2)}`);
  for (const x of near) {
    const toA = Math.min(...a.map((y) => dist(x, y)));
    const toFar = Math.min(...far.map((y) => dist(x, y)));
    assert.ok(toA < toFar, `${label}: an item is nearer the noise (${toFar}) than its own set (${toA})`);
  }
  return ratio;
}

test('features separate noise from CT crops and MR slices far more than near-identical sets', async () => {
  const ct = (
    await readDicomImage(new Uint8Array(readFileSync(join(FIX, 'dicom', 'pydicom', 'CT_small.dcm'))), { fileName: 'CT_small.dcm' })
  ).images[0];
  // 16 crops of 112 x 112 shifted by 0..15 pixels, split by the parity of the shift: two near-identical sets.
  const crops = Array.from({ length: 16 }, (_, k) => crop(ct, 4 * (k % 4), 4 * Math.floor(k / 4), 112));
  const ctA = await features(
    one(
      framesVolume(
        ct,
        112,
        112,
        crops.filter((_, k) => k % 2 === 0),
      ),
    ),
  );
  const ctB = await features(
    one(
      framesVolume(
        ct,
        112,
        112,
        crops.filter((_, k) => k % 2 === 1),
      ),
    ),
  );
  const ctNoise = await features(one({ ...framesVolume(ct, 112, 112, noise(8, 112, 112, -896, 1167, 1)) }));
  const r1 = checkSeparation(ctA, ctB, ctNoise, 'CT_small crops');

  const mr = (await readNifti(new Uint8Array(readFileSync(join(FIX, 'images', 'anatomical.nii'))), { fileName: 'anatomical.nii' }))
    .images[0];
  const size = mr.rows * mr.columns;
  const slices = Array.from({ length: mr.frames }, (_, k) => mr.data.slice(k * size, (k + 1) * size));
  const even = await features(
    one(
      framesVolume(
        mr,
        mr.rows,
        mr.columns,
        slices.filter((_, k) => k % 2 === 0),
      ),
    ),
  );
  const odd = await features(
    one(
      framesVolume(
        mr,
        mr.rows,
        mr.columns,
        slices.filter((_, k) => k % 2 === 1),
      ),
    ),
  );
  const mrNoise = await features(one(framesVolume(mr, mr.rows, mr.columns, noise(12, mr.rows, mr.columns, -610, 30393, 2))));
  const r2 = checkSeparation(even, odd, mrNoise, 'anatomical.nii slices');
  // Recorded for the report: how far apart the sets are.
  assert.ok(Number.isFinite(r1) && Number.isFinite(r2));
  console.log(`separation ratios: CT_small crops ${r1.toFixed(1)}, anatomical.nii slices ${r2.toFixed(1)}`);
});
