// Hostile medsynth.json: nesting a hundred thousand levels deep (which overflowed the stack inside
// JSON.stringify of an error message), objects where strings belong, and files over 1 MiB must end
// in typed errors, from validateManifest and from loadGenerator alike.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { describeValue } from '../../../src/core/generators/jsonReader';
import { MAX_MANIFEST_BYTES, MAX_MANIFEST_DEPTH, validateManifest } from '../../../src/core/generators/manifestValidation';
import { loadGenerator } from '../../../src/storage/generatorFolder';
import { ROOT } from './copulaFixtures';

const USER = join(ROOT, 'test', 'fixtures', 'models', 'user-table');
const userManifest = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(USER, 'medsynth.json'), 'utf8')) as Record<string, unknown>;
const scratch = mkdtempSync(join(tmpdir(), 'medsynth-manifest-limits-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const deep = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
const typed =
  (code: string, pattern: RegExp) =>
  (e: unknown): boolean =>
    e instanceof MedSynthError && e.code === code && pattern.test(e.message);

test(`values nested deeper than ${MAX_MANIFEST_DEPTH} levels are LIMIT_EXCEEDED, wherever they are`, () => {
  for (const key of ['family', 'schema', 'extra']) {
    const m = userManifest();
    m[key] = deep(100_000);
    assert.throws(() => validateManifest(m, 'gen/medsynth.json'), typed('LIMIT_EXCEEDED', /nested more than 32 levels/));
  }
  // The real manifest is far shallower than the cap.
  assert.equal(validateManifest(userManifest(), 'medsynth.json').family, 'single-pass');
});

test('an object where a string belongs is described, not printed', () => {
  const m = userManifest();
  m.family = { a: 'x'.repeat(100_000) };
  assert.throws(() => validateManifest(m, 'gen/medsynth.json'), typed('MANIFEST_INVALID', /\$\.family: is an object/));
  assert.equal(describeValue('x'.repeat(200)).length, 80);
  assert.equal(describeValue([1, 2]), 'an array of 2 items');
  assert.equal(describeValue('single-pass'), '"single-pass"');
});

function folderWith(name: string, text: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  copyFileSync(join(USER, 'model.onnx'), join(dir, 'model.onnx'));
  writeFileSync(join(dir, 'medsynth.json'), text);
  return dir;
}

test('loadGenerator refuses a deeply nested or oversized medsynth.json with LIMIT_EXCEEDED', async () => {
  const nested = JSON.stringify({ ...userManifest(), family: 'DEEP' }).replace('"DEEP"', `${'['.repeat(50_000)}${']'.repeat(50_000)}`);
  await assert.rejects(loadGenerator(folderWith('nested', nested)), typed('LIMIT_EXCEEDED', /nested more than/));
  const padded = `${JSON.stringify(userManifest())}${' '.repeat(MAX_MANIFEST_BYTES)}`;
  await assert.rejects(loadGenerator(folderWith('big', padded)), typed('LIMIT_EXCEEDED', /too large/));
  const fine = await loadGenerator(folderWith('fine', JSON.stringify(userManifest())));
  assert.equal(fine.manifest.model, 'model.onnx');
});
