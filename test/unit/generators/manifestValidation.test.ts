// medsynth.json is untrusted input: each bad field is a typed error naming its JSON path, paths that
// leave the folder are PATH_ESCAPE, shapes are bounded, and a model whose signature does not match
// is MODEL_MISMATCH.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import type { MedSynthErrorCode } from '../../../src/core/errors';
import { checkModelSignature, validateManifest } from '../../../src/core/generators/manifestValidation';
import { ROOT } from './copulaFixtures';

const userManifest = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'models', 'user-table', 'medsynth.json'), 'utf8')) as Record<string, unknown>;

function rejects(change: (m: Record<string, unknown>) => void, code: MedSynthErrorCode, message: RegExp): void {
  const m = userManifest();
  change(m);
  assert.throws(
    () => validateManifest(m, 'gen/medsynth.json'),
    (e: unknown) => e instanceof MedSynthError && e.code === code && message.test(e.message) && e.message.includes('gen/medsynth.json'),
  );
}

type Obj = Record<string, Record<string, Record<string, unknown>>>;
const specs = (m: Record<string, unknown>): Record<string, unknown>[] =>
  (m as Obj).postprocess.columns as unknown as Record<string, unknown>[];

test('the user fixture manifest validates and keeps its fields', () => {
  const m = validateManifest(userManifest(), 'medsynth.json');
  assert.equal(m.family, 'single-pass');
  assert.deepEqual(m.inputs.latent, { name: 'z', shape: [-1, 4], distribution: 'normal' });
  assert.equal((m.postprocess as { features: number }).features, 6);
});

test('paths leaving the folder are PATH_ESCAPE', () => {
  for (const model of [
    '../x.onnx',
    'a/../../x.onnx',
    '/etc/passwd',
    '\\\\server\\share\\x.onnx',
    'sub\\..\\..\\x.onnx',
    'C:/x.onnx',
    'file:x.onnx',
  ]) {
    rejects((m) => (m.model = model), 'PATH_ESCAPE', /\$\.model/);
  }
  rejects((m) => (m.diffusion = { decoder: '../decoder.onnx' }), 'PATH_ESCAPE', /\$\.diffusion\.decoder/);
  rejects((m) => (m.model = './model.onnx'), 'MANIFEST_INVALID', /\$\.model/);
});

test('bad fields name their JSON path', () => {
  rejects((m) => (m.schema = 'medsynth.generator/2'), 'MANIFEST_INVALID', /\$\.schema/);
  rejects((m) => (m.family = 'gan'), 'MANIFEST_INVALID', /\$\.family.*single-pass/);
  rejects((m) => delete (m as Obj).inputs.latent.name, 'MANIFEST_INVALID', /\$\.inputs\.latent\.name/);
  rejects((m) => ((m as Obj).inputs.latent.shape = [-1, 0]), 'MANIFEST_INVALID', /\$\.inputs\.latent\.shape\[1\]/);
  rejects((m) => ((m as Obj).inputs.latent.shape = [-1, 2_000_000]), 'MANIFEST_INVALID', /\$\.inputs\.latent\.shape\[1\]/);
  rejects((m) => ((m as Obj).inputs.latent.shape = [-1, 1000, 1000, 1000]), 'LIMIT_EXCEEDED', /\$\.inputs\.latent\.shape/);
  rejects((m) => (((m as Obj).postprocess as Record<string, unknown>).features = 'six'), 'MANIFEST_INVALID', /\$\.postprocess\.features/);
  rejects((m) => (specs(m)[2].index = 4), 'MANIFEST_INVALID', /\$\.postprocess\.columns\[2\].*feature 6/);
  rejects((m) => (specs(m)[1].transform = { type: 'log' }), 'MANIFEST_INVALID', /\$\.postprocess\.columns\[1\]\.transform\.type/);
  rejects((m) => (specs(m)[3].name = 'age'), 'MANIFEST_INVALID', /duplicates column "age"/);
  assert.throws(
    () => validateManifest('not an object', 'x.json'),
    (e: unknown) => e instanceof MedSynthError && e.code === 'MANIFEST_INVALID' && /\$: is not an object/.test(e.message),
  );
});

const io = { inputs: [{ name: 'z', dims: ['batch', 4] }], outputs: [{ name: 'x', dims: ['batch', 6] }] };
const mismatch = (e: unknown): boolean => e instanceof MedSynthError && e.code === 'MODEL_MISMATCH';

test('checkModelSignature accepts the matching model and names what does not match', () => {
  const m = validateManifest(userManifest(), 'medsynth.json');
  checkModelSignature(m, io);
  assert.throws(
    () => checkModelSignature(m, { ...io, inputs: [{ name: 'noise', dims: ['batch', 4] }] }),
    (e: unknown) => mismatch(e) && /"z".*noise/.test((e as Error).message),
  );
  assert.throws(
    () => checkModelSignature(m, { ...io, inputs: [{ name: 'z', dims: ['batch', 5] }] }),
    (e: unknown) => mismatch(e) && /dimension 1 is 5/.test((e as Error).message),
  );
  assert.throws(
    () => checkModelSignature(m, { ...io, inputs: [...io.inputs, { name: 'extra', dims: [1] }] }),
    (e: unknown) => mismatch(e) && /extra/.test((e as Error).message),
  );
  assert.throws(
    () => checkModelSignature(m, { ...io, outputs: [{ name: 'y', dims: ['batch', 6] }] }),
    (e: unknown) => mismatch(e) && /"x".*y/.test((e as Error).message),
  );
  assert.throws(
    () => checkModelSignature(m, { ...io, outputs: [{ name: 'x', dims: ['batch', 7] }] }),
    (e: unknown) => mismatch(e) && /7 features/.test((e as Error).message),
  );
});
