// Decoding a table generator's output through the manifest's column spec: a PyTorch-exported user
// model (test/reference/models_user_table.py) against torch's own output and a numpy decoding, plus
// hand-computed cases for each transform and the width check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { MedSynthError } from '../../../src/core/errors';
import type { TablePostprocess } from '../../../src/core/generators/manifest';
import { validateManifest } from '../../../src/core/generators/manifestValidation';
import { decodeTableSample } from '../../../src/core/generators/tableDecoding';
import { ROOT } from './copulaFixtures';

const USER = join(ROOT, 'test', 'fixtures', 'models', 'user-table');
const expected = JSON.parse(readFileSync(join(USER, 'expected.json'), 'utf8')) as {
  firstRow: number;
  latent: number[][];
  output: number[][];
  decoded: { record_id: string[]; age: number[]; stage: string[]; cholesterol: (number | null)[] };
};

test('a torch-exported user model runs in onnxruntime and decodes like the numpy reference', async () => {
  const manifest = validateManifest(JSON.parse(readFileSync(join(USER, 'medsynth.json'), 'utf8')), 'medsynth.json');
  const rows = expected.latent.length;
  const session = await ort.InferenceSession.create(join(USER, 'model.onnx'));
  const out = await session.run({ z: new ort.Tensor('float32', Float32Array.from(expected.latent.flat()), [rows, 4]) });
  const x = out.x.data as Float32Array;
  expected.output
    .flat()
    .forEach((v, i) => assert.ok(Math.abs(x[i] - v) <= 1e-5 * Math.max(1, Math.abs(v)), `output ${i}: ${x[i]} vs ${v}`));
  const table = decodeTableSample(manifest.postprocess as TablePostprocess, x, rows, expected.firstRow);
  assert.deepEqual(
    table.columns.map((c) => [c.name, c.kind]),
    [
      ['record_id', 'identifier'],
      ['age', 'numeric'],
      ['stage', 'categorical'],
      ['cholesterol', 'numeric'],
    ],
  );
  const [ids, age, stage, chol] = table.columns;
  assert.ok(ids.kind === 'identifier' && age.kind === 'numeric' && stage.kind === 'categorical' && chol.kind === 'numeric');
  assert.deepEqual(ids.values, expected.decoded.record_id);
  assert.deepEqual(Array.from(age.values), expected.decoded.age);
  assert.deepEqual(
    Array.from(stage.codes, (k) => stage.categories[k]),
    expected.decoded.stage,
  );
  assert.deepEqual(
    Array.from(chol.values, (v) => (Number.isNaN(v) ? null : v)),
    expected.decoded.cholesterol,
  );
  assert.ok(
    expected.decoded.cholesterol.some((v) => v === null) && expected.decoded.cholesterol.some((v) => v !== null),
    'the fixture exercises both branches',
  );
});

test('hand-computed transforms: minmax with a source interval, datetime dates, index categories, missing', () => {
  const post: TablePostprocess = {
    features: 4,
    columns: [
      { name: 'w', kind: 'numeric', index: 0, transform: { type: 'minmax', min: 40, max: 120, from: [-1, 1] }, round: 1 },
      { name: 'd', kind: 'datetime', index: 1, transform: { type: 'minmax', min: 0, max: 864_000_000 }, precision: 'date' },
      { name: 'k', kind: 'boolean', categories: ['false', 'true'], encoding: 'index', index: 2, missingIndex: 3 },
      { name: 'n', kind: 'text' },
    ],
  };
  // Row 0: w = 40 + (0.5 + 1) / 2 * 80 = 100; d = 0.26 * 10 days = 2.6 days -> day 3; k = round(0.7) = 1.
  // Row 1: w = 40 + (-1 + 1) / 2 * 80 = 40; d = 0.04 * 10 days -> day 0; k missing (indicator 0.9); 7 clamps.
  const t = decodeTableSample(post, Float32Array.from([0.5, 0.26, 0.7, 0.1, -1, 0.04, 7, 0.9]), 2, 0);
  const [w, d, k, n] = t.columns;
  assert.ok(w.kind === 'numeric' && d.kind === 'datetime' && k.kind === 'boolean' && n.kind === 'text');
  assert.deepEqual(Array.from(w.values), [100, 40]);
  assert.deepEqual(Array.from(d.values), [3 * 86_400_000, 0]);
  assert.deepEqual(Array.from(k.codes), [1, -1]);
  assert.deepEqual(n.values, [null, null]);
});

test('a sample whose width does not match the manifest is MODEL_MISMATCH', () => {
  const post: TablePostprocess = { features: 3, columns: [{ name: 'a', kind: 'numeric', index: 0 }] };
  assert.throws(
    () => decodeTableSample(post, new Float32Array(8), 2, 0),
    (e: unknown) => e instanceof MedSynthError && e.code === 'MODEL_MISMATCH' && /3 features/.test(e.message),
  );
  const beyond: TablePostprocess = { features: 1, columns: [{ name: 'a', kind: 'numeric', index: 0, missingIndex: 1 }] };
  assert.throws(
    () => decodeTableSample(beyond, new Float32Array(2), 2, 0),
    (e: unknown) => e instanceof MedSynthError && e.code === 'MODEL_MISMATCH',
  );
});
