// Generator folders on disk: loading a folder or a single self-describing .onnx, typed errors for
// corrupt models, escaping paths (also through symlinks) and mismatched manifests, and writing that
// leaves nothing partial behind.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createHash } from 'node:crypto';
import { MedSynthError } from '../../../src/core/errors';
import type { MedSynthErrorCode } from '../../../src/core/errors';
import type { GeneratorManifest } from '../../../src/core/generators/manifest';
import { loadGenerator, writeGenerator } from '../../../src/storage/generatorFolder';
import { COPULA_FIXTURES, ROOT } from './copulaFixtures';

const MODELS = join(ROOT, 'test', 'fixtures', 'models');
const scratch = mkdtempSync(join(tmpdir(), 'medsynth-gen-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function rejectsWith(path: string, code: MedSynthErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(
    loadGenerator(path),
    (e: unknown) => e instanceof MedSynthError && e.code === code && (message === undefined || message.test(e.message)),
  );
}

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

test('loads the user model folder with hashes and the parsed signature', async () => {
  const g = await loadGenerator(join(MODELS, 'user-table'));
  assert.equal(g.manifest.name, 'user-table-mlp');
  assert.equal(g.modelPath, join(MODELS, 'user-table', 'model.onnx'));
  assert.equal(g.modelSha256, sha(g.modelPath));
  assert.equal(g.manifestSha256, sha(join(MODELS, 'user-table', 'medsynth.json')));
  // The element type as the file declares it (models_user_table.py exports a float32 output).
  assert.deepEqual(g.signature?.outputs, [{ name: 'x', dims: ['batch', 6], type: 'float32' }]);
});

test('loads a single .onnx whose metadata_props carry the manifest', async () => {
  const g = await loadGenerator(join(COPULA_FIXTURES, 'model.onnx'));
  assert.equal(g.manifest.name, 'gaussian-copula');
  assert.equal(g.modelPath, join(COPULA_FIXTURES, 'model.onnx'));
  assert.equal(g.folder, COPULA_FIXTURES);
});

test('bad generators give typed errors', async () => {
  await rejectsWith(join(MODELS, 'bad', 'corrupt.onnx'), 'MODEL_INVALID', /corrupt\.onnx/);
  await rejectsWith(join(MODELS, 'bad', 'escape'), 'PATH_ESCAPE', /\$\.model/);
  await rejectsWith(join(MODELS, 'bad', 'wrong-output'), 'MODEL_MISMATCH', /"sample"/);
  await rejectsWith(join(MODELS, 'bad', 'wrong-features'), 'MODEL_MISMATCH', /7/);
  await rejectsWith(join(MODELS, 'user-table', 'model.onnx.missing'), 'BAD_USAGE');
  await rejectsWith(join(MODELS, 'bad'), 'MANIFEST_INVALID', /no medsynth\.json/);
  await rejectsWith(join(MODELS, 'copula', 'reference.json'), 'BAD_USAGE');
  const broken = join(scratch, 'broken-json');
  mkdirSync(broken);
  writeFileSync(join(broken, 'medsynth.json'), '{"schema": ');
  await rejectsWith(broken, 'MANIFEST_INVALID', /not valid JSON/);
});

test('symlinks out of the folder are PATH_ESCAPE, for the model and for the manifest', async () => {
  const outside = join(scratch, 'outside');
  mkdirSync(outside);
  cpSync(join(MODELS, 'user-table', 'model.onnx'), join(outside, 'model.onnx'));
  const viaModel = join(scratch, 'link-model');
  mkdirSync(viaModel);
  cpSync(join(MODELS, 'user-table', 'medsynth.json'), join(viaModel, 'medsynth.json'));
  symlinkSync(join(outside, 'model.onnx'), join(viaModel, 'model.onnx'));
  await rejectsWith(viaModel, 'PATH_ESCAPE', /model/);
  const viaManifest = join(scratch, 'link-manifest');
  mkdirSync(viaManifest);
  cpSync(join(MODELS, 'user-table', 'medsynth.json'), join(outside, 'medsynth.json'));
  symlinkSync(join(outside, 'medsynth.json'), join(viaManifest, 'medsynth.json'));
  await rejectsWith(viaManifest, 'PATH_ESCAPE', /medsynth\.json/);
});

const userManifest = (): GeneratorManifest =>
  JSON.parse(readFileSync(join(MODELS, 'user-table', 'medsynth.json'), 'utf8')) as GeneratorManifest;
const userOnnx = (): Uint8Array => readFileSync(join(MODELS, 'user-table', 'model.onnx'));

test('writeGenerator writes a loadable folder, also into an existing one, and leaves no temp folder', async () => {
  const out = join(scratch, 'written', 'gen');
  await writeGenerator(out, userOnnx(), userManifest());
  assert.equal((await loadGenerator(out)).manifest.name, 'user-table-mlp');
  const run = join(scratch, 'written', 'run');
  mkdirSync(run);
  writeFileSync(join(run, 'synthetic.csv'), 'a\n1\n');
  await writeGenerator(run, userOnnx(), userManifest());
  assert.deepEqual(readdirSync(run).sort(), ['medsynth.json', 'model.onnx', 'synthetic.csv']);
  assert.deepEqual(readdirSync(join(scratch, 'written')).sort(), ['gen', 'run']);
});

test('an aborted or invalid write leaves nothing behind', async () => {
  const parent = join(scratch, 'aborted');
  mkdirSync(parent);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    writeGenerator(join(parent, 'gen'), userOnnx(), userManifest(), controller.signal),
    (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
  );
  const bad = { ...userManifest(), model: '../escape.onnx' };
  await assert.rejects(
    writeGenerator(join(parent, 'gen'), userOnnx(), bad),
    (e: unknown) => e instanceof MedSynthError && e.code === 'PATH_ESCAPE',
  );
  assert.deepEqual(readdirSync(parent), []);
  assert.equal(existsSync(join(scratch, 'escape.onnx')), false);
});
