// medsynth.json of an embedder folder ("schema": "medsynth.embedder/1"): the ONNX feature extractor
// whose output vectors the image metrics (FID, PRDC, MMD, DCR) compare. Checked as untrusted input, like
// a generator manifest (manifestValidation.ts, through the same jsonReader.ts): every field with its JSON path in the error, the model
// path kept inside the folder, the input size bounded before anything is allocated from it; then the
// manifest is checked against the ONNX model's declared signature (modelInfo.ts, no runtime needed).
//
//   {
//     "schema": "medsynth.embedder/1",
//     "name": "medsynth-random-conv-v1",
//     "model": "model.onnx",                               // relative to the folder
//     "input": { "name": "image", "shape": [-1, 1, 64, 64] },  // [batch, C (1 or 3), H, W]
//     "valueRange": [-1, 1],                               // the image's display range maps onto this
//     "output": { "name": "features", "dims": 384 },       // [batch, dims]; dims optional
//     "doc": "what it is, how it was made, its limits",
//     "license": "Apache-2.0"
//   }
import { MedSynthError } from '../errors';
import { describeValue, jsonNestingDepth, ManifestReader } from '../generators/jsonReader';
import { MAX_MANIFEST_BYTES, MAX_MANIFEST_DEPTH } from '../generators/manifestValidation';
import type { ModelSignature } from '../generators/manifestValidation';

export const EMBEDDER_SCHEMA = 'medsynth.embedder/1';

/** Largest input side (H or W) and feature width an embedder may declare. */
export const MAX_EMBEDDER_SIDE = 1024;
export const MAX_EMBEDDER_DIMS = 65_536;
/** Longest `doc` text; other strings stay under 4096 characters. */
export const MAX_EMBEDDER_DOC = 16_384;

export interface EmbedderManifest {
  readonly schema: typeof EMBEDDER_SCHEMA;
  readonly name: string;
  /** The .onnx file, relative to the embedder folder. */
  readonly model: string;
  readonly input: {
    readonly name: string;
    /** [-1 (any batch), channels, height, width]. */
    readonly shape: readonly [-1, 1 | 3, number, number];
  };
  /** [lo, hi], lo < hi: each image's display range is mapped linearly onto it (embedderInput.ts). */
  readonly valueRange: readonly [number, number];
  readonly output: {
    readonly name: string;
    /** Feature vector length, when the manifest declares it. */
    readonly dims?: number;
  };
  readonly doc: string;
  readonly license: string;
}

type Json = Readonly<Record<string, unknown>>;

/** The shared field readers (jsonReader.ts) with the embedder's own wording: values and lengths named. */
class EmbedderReader extends ManifestReader {
  constructor(source: string) {
    super(source, 'embedder folder');
  }

  override object(v: unknown, path: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw this.fail(path, `is ${describeValue(v)}`, 'an object');
    return v as Json;
  }

  override string(v: unknown, path: string, maxLength = 4096): string {
    if (typeof v !== 'string' || v.length === 0 || v.length > maxLength)
      throw this.fail(
        path,
        typeof v === 'string' && v.length > 0 ? `is a string of ${v.length} characters` : `is ${describeValue(v)}`,
        `a non-empty string of at most ${maxLength} characters`,
      );
    return v;
  }

  /** An array of exactly `length` items (`what` says which). */
  tuple(v: unknown, path: string, length: number, what: string): readonly unknown[] {
    if (!Array.isArray(v) || v.length !== length) throw this.fail(path, `is ${describeValue(v)}`, what);
    return v;
  }
}

/** Parses medsynth.json text: LIMIT_EXCEEDED past MAX_MANIFEST_BYTES, MANIFEST_INVALID for broken JSON. */
export function parseEmbedderManifest(text: string, source: string): EmbedderManifest {
  if (text.length > MAX_MANIFEST_BYTES)
    throw new MedSynthError('LIMIT_EXCEEDED', `the embedder manifest has ${text.length} characters`, {
      file: source,
      expected: `at most ${MAX_MANIFEST_BYTES}`,
    });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MedSynthError('MANIFEST_INVALID', `not valid JSON: ${e instanceof Error ? e.message : String(e)}`, {
      file: source,
      expected: 'a JSON object',
    });
  }
  return validateEmbedderManifest(json, source);
}

/**
 * Checks untrusted, already parsed medsynth.json from `source` and returns the embedder manifest with
 * the fields read here only (unknown fields are ignored, not passed on).
 */
export function validateEmbedderManifest(json: unknown, source: string): EmbedderManifest {
  if (jsonNestingDepth(json, MAX_MANIFEST_DEPTH) > MAX_MANIFEST_DEPTH)
    throw new MedSynthError('LIMIT_EXCEEDED', `the embedder manifest is nested more than ${MAX_MANIFEST_DEPTH} levels deep`, {
      file: source,
      expected: `objects and arrays nested at most ${MAX_MANIFEST_DEPTH} levels deep`,
    });
  const r = new EmbedderReader(source);
  const o = r.object(json, '$');
  if (o.schema !== EMBEDDER_SCHEMA) throw r.fail('$.schema', `is ${describeValue(o.schema)}`, `"${EMBEDDER_SCHEMA}"`);
  const name = r.string(o.name, '$.name', 200);
  const model = r.relativePath(o.model, '$.model');

  const input = r.object(o.input, '$.input');
  const inputName = r.string(input.name, '$.input.name');
  const shape = r.tuple(input.shape, '$.input.shape', 4, '[-1, C, H, W]: four dimensions');
  if (shape[0] !== -1) throw r.fail('$.input.shape[0]', `is ${describeValue(shape[0])}`, '-1 (the batch dimension)');
  const channels = r.integer(shape[1], '$.input.shape[1]', 1, 3);
  if (channels !== 1 && channels !== 3) throw r.fail('$.input.shape[1]', `is ${channels}`, '1 (grey) or 3 (RGB) channels');
  const height = r.integer(shape[2], '$.input.shape[2]', 1, MAX_EMBEDDER_SIDE);
  const width = r.integer(shape[3], '$.input.shape[3]', 1, MAX_EMBEDDER_SIDE);

  const range = r.tuple(o.valueRange, '$.valueRange', 2, '[lo, hi]');
  const lo = r.number(range[0], '$.valueRange[0]');
  const hi = r.number(range[1], '$.valueRange[1]');
  // The input tensor is float32: both ends, and the span between them, must be float32 numbers apart.
  const [lo32, hi32] = [Math.fround(lo), Math.fround(hi)];
  if (!(lo32 < hi32) || !Number.isFinite(lo32) || !Number.isFinite(hi32) || !Number.isFinite(hi - lo))
    throw r.fail('$.valueRange', `is [${lo}, ${hi}]`, '[lo, hi] with lo < hi as float32 numbers and a finite hi - lo');

  const output = r.object(o.output, '$.output');
  const outputName = r.string(output.name, '$.output.name');
  const dims = output.dims === undefined ? undefined : r.integer(output.dims, '$.output.dims', 1, MAX_EMBEDDER_DIMS);

  return {
    schema: EMBEDDER_SCHEMA,
    name,
    model,
    input: { name: inputName, shape: [-1, channels, height, width] },
    valueRange: [lo, hi],
    output: { name: outputName, ...(dims !== undefined ? { dims } : {}) },
    doc: r.string(o.doc, '$.doc', MAX_EMBEDDER_DOC),
    license: r.string(o.license, '$.license', 200),
  };
}

function shapeText(dims: readonly (number | string)[]): string {
  return `[${dims.map((d) => (typeof d === 'string' ? JSON.stringify(d) : String(d))).join(', ')}]`;
}

/**
 * Checks the manifest against the ONNX model's declared inputs and outputs (readOnnxModelInfo), so a
 * wrong model is refused before the runtime loads it: the named input exists, is the only input, has
 * rank 4 with a free batch dimension and the manifest's C, H, W where the model fixes them; the named
 * output exists with rank 2 ([batch, dims]) and, where both fix it, the manifest's dims. MODEL_MISMATCH
 * names `modelFile` and the expected shape. A dimension the model leaves symbolic is accepted. Returns
 * the feature width when the manifest or the model fixes it.
 */
export function checkEmbedderSignature(manifest: EmbedderManifest, io: ModelSignature, modelFile: string): { dims?: number } {
  const mismatch = (message: string, expected: string): MedSynthError =>
    new MedSynthError('MODEL_MISMATCH', message, { file: modelFile, expected });
  const names = (list: ModelSignature['inputs']): string => list.map((t) => `"${t.name}"`).join(', ') || 'none';
  const [, c, h, w] = manifest.input.shape;
  const expectedInput = `input "${manifest.input.name}" of shape [batch, ${c}, ${h}, ${w}]`;
  const input = io.inputs.find((i) => i.name === manifest.input.name);
  if (!input)
    throw mismatch(
      `the manifest's input "${manifest.input.name}" is not an input of the model (inputs: ${names(io.inputs)})`,
      expectedInput,
    );
  const extra = io.inputs.filter((i) => i.name !== manifest.input.name);
  if (extra.length > 0) throw mismatch(`the model needs inputs the embedder manifest does not describe: ${names(extra)}`, expectedInput);
  if (input.dims.length !== 4)
    throw mismatch(`input "${input.name}" has shape ${shapeText(input.dims)} (rank ${input.dims.length}) in the model`, expectedInput);
  if (typeof input.dims[0] === 'number' && input.dims[0] > 0)
    throw mismatch(
      `input "${input.name}" fixes the batch dimension to ${input.dims[0]}`,
      `${expectedInput} with a dynamic batch dimension`,
    );
  (['C', 'H', 'W'] as const).forEach((label, k) => {
    const d = input.dims[k + 1];
    const want = manifest.input.shape[k + 1];
    if (typeof d === 'number' && d > 0 && d !== want)
      throw mismatch(
        `input "${input.name}" has ${label} = ${d} in the model (shape ${shapeText(input.dims)}) but ${want} in the manifest`,
        expectedInput,
      );
  });
  const dimsText = manifest.output.dims ?? 'dims';
  const expectedOutput = `output "${manifest.output.name}" of shape [batch, ${dimsText}]`;
  const output = io.outputs.find((o) => o.name === manifest.output.name);
  if (!output)
    throw mismatch(
      `the manifest's output "${manifest.output.name}" is not an output of the model (outputs: ${names(io.outputs)})`,
      expectedOutput,
    );
  if (output.dims.length !== 2)
    throw mismatch(`output "${output.name}" has shape ${shapeText(output.dims)} (rank ${output.dims.length}) in the model`, expectedOutput);
  const modelDims = typeof output.dims[1] === 'number' && output.dims[1] > 0 ? output.dims[1] : undefined;
  if (modelDims !== undefined && manifest.output.dims !== undefined && modelDims !== manifest.output.dims)
    throw mismatch(
      `output "${output.name}" has ${modelDims} features in the model but ${manifest.output.dims} in the manifest`,
      expectedOutput,
    );
  const dims = manifest.output.dims ?? modelDims;
  return dims !== undefined ? { dims } : {};
}
