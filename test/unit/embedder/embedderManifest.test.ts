// The embedder manifest (medsynth.json, schema medsynth.embedder/1) is untrusted input: each bad field
// is MANIFEST_INVALID naming its JSON path and what was expected, a model path leaving the folder is
// PATH_ESCAPE, hostile nesting and size are LIMIT_EXCEEDED, and a model whose declared signature does
// not fit the manifest is MODEL_MISMATCH naming the model file and the expected shape.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import type { MedSynthErrorCode } from '../../../src/core/errors';
import { checkEmbedderSignature, parseEmbedderManifest, validateEmbedderManifest } from '../../../src/core/embedder/embedderManifest';
import type { EmbedderManifest } from '../../../src/core/embedder/embedderManifest';
import type { ModelSignature } from '../../../src/core/generators/manifestValidation';
import { readOnnxModelInfo } from '../../../src/core/generators/onnx/modelInfo';

const ROOT = join(__dirname, '..', '..', '..');
const BUILTIN = join(ROOT, 'assets', 'embedder');

const good = (): Record<string, unknown> => ({
  schema: 'medsynth.embedder/1',
  name: 'test-embedder',
  model: 'nets/model.onnx',
  input: { name: 'x', shape: [-1, 3, 32, 48] },
  valueRange: [0, 1],
  output: { name: 'y', dims: 10 },
  doc: 'a test embedder',
  license: 'MIT',
});

type Obj = Record<string, Record<string, unknown>>;

function rejects(change: (m: Record<string, unknown>) => void, code: MedSynthErrorCode, message: RegExp, expected?: RegExp): void {
  const m = good();
  change(m);
  assert.throws(
    () => validateEmbedderManifest(m, 'emb/medsynth.json'),
    (e: unknown) => {
      assert.ok(e instanceof MedSynthError, String(e));
      assert.equal(e.code, code, e.message);
      assert.match(e.message, message);
      assert.ok(e.message.includes('emb/medsynth.json'), e.message);
      if (expected) assert.match(e.location.expected ?? '', expected);
      return true;
    },
  );
}

test('a good manifest validates to exactly the fields read (unknown fields dropped)', () => {
  const m = validateEmbedderManifest({ ...good(), extra: { deep: [1, 2] } }, 'emb/medsynth.json');
  assert.deepEqual(m, {
    schema: 'medsynth.embedder/1',
    name: 'test-embedder',
    model: 'nets/model.onnx',
    input: { name: 'x', shape: [-1, 3, 32, 48] },
    valueRange: [0, 1],
    output: { name: 'y', dims: 10 },
    doc: 'a test embedder',
    license: 'MIT',
  });
  const noDims = good();
  (noDims as Obj).output = { name: 'y' };
  assert.deepEqual(validateEmbedderManifest(noDims, 'm').output, { name: 'y' });
});

test('the built-in manifest validates', () => {
  const m = parseEmbedderManifest(readFileSync(join(BUILTIN, 'medsynth.json'), 'utf8'), 'assets/embedder/medsynth.json');
  assert.equal(m.name, 'medsynth-random-conv-v1');
  assert.deepEqual(m.input, { name: 'image', shape: [-1, 1, 64, 64] });
  assert.deepEqual(m.valueRange, [-1, 1]);
  assert.deepEqual(m.output, { name: 'features', dims: 384 });
  assert.equal(m.license, 'Apache-2.0');
});

test('model paths leaving the folder are PATH_ESCAPE; unnormalized ones MANIFEST_INVALID', () => {
  for (const model of [
    '../x.onnx',
    'a/../../x.onnx',
    '/etc/passwd',
    '\\\\server\\share\\x.onnx',
    'sub\\..\\x.onnx',
    'C:/x.onnx',
    'file:x.onnx',
    'a\0b',
  ])
    rejects((m) => (m.model = model), 'PATH_ESCAPE', /\$\.model.*leaves the embedder folder/, /relative to the embedder folder/);
  for (const model of ['./model.onnx', 'a//b.onnx', 'dir/'])
    rejects((m) => (m.model = model), 'MANIFEST_INVALID', /\$\.model.*not a normalized relative path/);
});

test('bad fields name their JSON path and what was expected', () => {
  rejects((m) => (m.schema = 'medsynth.generator/1'), 'MANIFEST_INVALID', /\$\.schema/, /medsynth\.embedder\/1/);
  rejects((m) => delete m.schema, 'MANIFEST_INVALID', /\$\.schema: is missing/);
  rejects((m) => (m.name = ''), 'MANIFEST_INVALID', /\$\.name/, /non-empty string/);
  rejects((m) => (m.name = 'n'.repeat(201)), 'MANIFEST_INVALID', /\$\.name: is a string of 201 characters/);
  rejects((m) => (m.model = 3), 'MANIFEST_INVALID', /\$\.model/);
  rejects((m) => (m.input = [1]), 'MANIFEST_INVALID', /\$\.input: is an array/, /an object/);
  rejects((m) => delete (m as Obj).input.name, 'MANIFEST_INVALID', /\$\.input\.name: is missing/);
  rejects((m) => ((m as Obj).input.shape = [-1, 3, 32]), 'MANIFEST_INVALID', /\$\.input\.shape/, /\[-1, C, H, W\]/);
  rejects((m) => ((m as Obj).input.shape = 'NCHW'), 'MANIFEST_INVALID', /\$\.input\.shape/);
  rejects((m) => ((m as Obj).input.shape = [1, 3, 32, 32]), 'MANIFEST_INVALID', /\$\.input\.shape\[0\]: is 1/, /-1/);
  rejects((m) => ((m as Obj).input.shape = [-1, 2, 32, 32]), 'MANIFEST_INVALID', /\$\.input\.shape\[1\]: is 2/, /1 \(grey\) or 3 \(RGB\)/);
  rejects((m) => ((m as Obj).input.shape = [-1, 4, 32, 32]), 'MANIFEST_INVALID', /\$\.input\.shape\[1\]/);
  rejects((m) => ((m as Obj).input.shape = [-1, 3, 0, 32]), 'MANIFEST_INVALID', /\$\.input\.shape\[2\]/, /\[1, 1024\]/);
  rejects((m) => ((m as Obj).input.shape = [-1, 3, 32, 1025]), 'MANIFEST_INVALID', /\$\.input\.shape\[3\]/, /\[1, 1024\]/);
  rejects((m) => ((m as Obj).input.shape = [-1, 3, 32.5, 32]), 'MANIFEST_INVALID', /\$\.input\.shape\[2\]/);
  rejects((m) => ((m as Obj).input.shape = [-1, 3, -1, 32]), 'MANIFEST_INVALID', /\$\.input\.shape\[2\]/);
  rejects((m) => (m.valueRange = [1, 1]), 'MANIFEST_INVALID', /\$\.valueRange: is \[1, 1\]/, /lo < hi/);
  rejects((m) => (m.valueRange = [2, 1]), 'MANIFEST_INVALID', /\$\.valueRange/);
  rejects((m) => (m.valueRange = [-1e308, 1e308]), 'MANIFEST_INVALID', /\$\.valueRange/, /finite hi - lo/);
  rejects((m) => (m.valueRange = [0, 1e39]), 'MANIFEST_INVALID', /\$\.valueRange/, /float32/);
  rejects((m) => (m.valueRange = [1e15, 1e15 + 1]), 'MANIFEST_INVALID', /\$\.valueRange/, /float32/);
  rejects((m) => (m.valueRange = [0, '1']), 'MANIFEST_INVALID', /\$\.valueRange\[1\]/, /finite number/);
  rejects((m) => (m.valueRange = [0, 1, 2]), 'MANIFEST_INVALID', /\$\.valueRange/, /\[lo, hi\]/);
  rejects((m) => (m.valueRange = [null, 1]), 'MANIFEST_INVALID', /\$\.valueRange\[0\]/);
  rejects((m) => delete m.output, 'MANIFEST_INVALID', /\$\.output: is missing/);
  rejects((m) => ((m as Obj).output.dims = 0), 'MANIFEST_INVALID', /\$\.output\.dims/, /\[1, 65536\]/);
  rejects((m) => ((m as Obj).output.dims = 1e9), 'MANIFEST_INVALID', /\$\.output\.dims/);
  rejects((m) => delete (m as Obj).output.name, 'MANIFEST_INVALID', /\$\.output\.name/);
  rejects((m) => delete m.doc, 'MANIFEST_INVALID', /\$\.doc: is missing/);
  rejects((m) => (m.doc = 'd'.repeat(16_385)), 'MANIFEST_INVALID', /\$\.doc/, /16384/);
  rejects((m) => delete m.license, 'MANIFEST_INVALID', /\$\.license: is missing/);
  assert.throws(
    () => validateEmbedderManifest(null, 'e.json'),
    (e: unknown) => e instanceof MedSynthError && /\$: is null/.test(e.message),
  );
  assert.throws(
    () => validateEmbedderManifest([good()], 'e.json'),
    (e: unknown) => e instanceof MedSynthError && e.code === 'MANIFEST_INVALID',
  );
});

test('hostile depth and size are LIMIT_EXCEEDED before any field is read; broken JSON is MANIFEST_INVALID', () => {
  let deep: unknown = {};
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  rejects((m) => (m.extra = deep), 'LIMIT_EXCEEDED', /nested more than 32 levels/);
  assert.throws(
    () => parseEmbedderManifest(JSON.stringify({ ...good(), pad: 'x'.repeat(1024 * 1024) }), 'big.json'),
    (e: unknown) => e instanceof MedSynthError && e.code === 'LIMIT_EXCEEDED' && /big\.json/.test(e.message),
  );
  assert.throws(
    () => parseEmbedderManifest('{"schema": ', 'broken.json'),
    (e: unknown) => e instanceof MedSynthError && e.code === 'MANIFEST_INVALID' && /broken\.json.*not valid JSON/.test(e.message),
  );
  assert.equal(parseEmbedderManifest(JSON.stringify(good()), 'ok.json').name, 'test-embedder');
});

const manifest = (): EmbedderManifest => validateEmbedderManifest(good(), 'emb/medsynth.json');
const sig = (inputDims: (number | string)[], outputDims: (number | string)[], more: Partial<ModelSignature> = {}): ModelSignature => ({
  inputs: [{ name: 'x', dims: inputDims }],
  outputs: [{ name: 'y', dims: outputDims }],
  ...more,
});

function mismatches(io: ModelSignature, message: RegExp, expected: RegExp): void {
  assert.throws(
    () => checkEmbedderSignature(manifest(), io, 'emb/nets/model.onnx'),
    (e: unknown) => {
      assert.ok(e instanceof MedSynthError, String(e));
      assert.equal(e.code, 'MODEL_MISMATCH', e.message);
      assert.match(e.message, message);
      assert.ok(e.message.startsWith('emb/nets/model.onnx: '), e.message);
      assert.match(e.location.expected ?? '', expected);
      return true;
    },
  );
}

test('the model signature must fit the manifest (MODEL_MISMATCH naming the file and the expected shape)', () => {
  assert.deepEqual(checkEmbedderSignature(manifest(), sig(['N', 3, 32, 48], ['N', 10]), 'm.onnx'), { dims: 10 });
  assert.deepEqual(checkEmbedderSignature(manifest(), sig([-1, 'c', 'h', 'w'], [-1, 'd']), 'm.onnx'), { dims: 10 });
  const noDims = validateEmbedderManifest({ ...good(), output: { name: 'y' } }, 'm');
  assert.deepEqual(checkEmbedderSignature(noDims, sig(['N', 3, 32, 48], ['N', 77]), 'm.onnx'), { dims: 77 });
  assert.deepEqual(checkEmbedderSignature(noDims, sig(['N', 3, 32, 48], ['N', 'D']), 'm.onnx'), {});

  const input = /input "x" of shape \[batch, 3, 32, 48\]/;
  mismatches(sig(['N', 3, 32], ['N', 10]), /input "x" has shape \["N", 3, 32\] \(rank 3\)/, input);
  mismatches(sig(['N', 3, 32, 48, 1], ['N', 10]), /rank 5/, input);
  mismatches(sig(['N', 1, 32, 48], ['N', 10]), /C = 1 in the model .* but 3 in the manifest/, input);
  mismatches(sig(['N', 3, 64, 48], ['N', 10]), /H = 64/, input);
  mismatches(sig(['N', 3, 32, 47], ['N', 10]), /W = 47/, input);
  mismatches(sig([1, 3, 32, 48], ['N', 10]), /fixes the batch dimension to 1/, /dynamic batch/);
  mismatches(
    { inputs: [{ name: 'img', dims: ['N', 3, 32, 48] }], outputs: [{ name: 'y', dims: ['N', 10] }] },
    /input "x" is not an input of the model \(inputs: "img"\)/,
    input,
  );
  mismatches(
    sig(['N', 3, 32, 48], ['N', 10], {
      inputs: [
        { name: 'x', dims: ['N', 3, 32, 48] },
        { name: 'mask', dims: ['N'] },
      ],
    }),
    /inputs the embedder manifest does not describe: "mask"/,
    input,
  );
  const output = /output "y" of shape \[batch, 10\]/;
  mismatches(sig(['N', 3, 32, 48], ['N', 10, 1, 1]), /output "y" has shape \["N", 10, 1, 1\] \(rank 4\)/, output);
  mismatches(sig(['N', 3, 32, 48], ['N']), /rank 1/, output);
  mismatches(sig(['N', 3, 32, 48], ['N', 12]), /12 features in the model but 10 in the manifest/, output);
  mismatches(
    { inputs: [{ name: 'x', dims: ['N', 3, 32, 48] }], outputs: [{ name: 'z', dims: ['N', 10] }] },
    /output "y" is not an output of the model \(outputs: "z"\)/,
    output,
  );
});

test('the built-in model declares the signature its manifest promises (read without a runtime)', () => {
  const m = parseEmbedderManifest(readFileSync(join(BUILTIN, 'medsynth.json'), 'utf8'), 'assets/embedder/medsynth.json');
  const info = readOnnxModelInfo(new Uint8Array(readFileSync(join(BUILTIN, m.model))), 'assets/embedder/model.onnx');
  assert.deepEqual(info.inputs, [{ name: 'image', dims: ['N', 1, 64, 64], type: 'float32' }]);
  assert.deepEqual(info.outputs, [{ name: 'features', dims: ['N', 384], type: 'float32' }]);
  assert.deepEqual(checkEmbedderSignature(m, info, 'assets/embedder/model.onnx'), { dims: 384 });
  // The same model under a manifest promising RGB input is refused.
  const rgb = validateEmbedderManifest(
    { ...JSON.parse(readFileSync(join(BUILTIN, 'medsynth.json'), 'utf8')), input: { name: 'image', shape: [-1, 3, 64, 64] } },
    'x',
  );
  assert.throws(
    () => checkEmbedderSignature(rgb, info, 'assets/embedder/model.onnx'),
    (e: unknown) => e instanceof MedSynthError && e.code === 'MODEL_MISMATCH',
  );
});
