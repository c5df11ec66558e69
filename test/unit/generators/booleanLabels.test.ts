// A boolean column keeps its source spelling end to end: read from a hand-made CSV whose smoker column
// says no/yes, fitted, sampled, decoded and written, the synthetic CSV and JSON Lines say no/yes too,
// while Parquet keeps real booleans. The expected spellings are the ones typed into the CSV below.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { booleanLabels } from '../../../src/core/data/table/cellValues';
import { parseTable } from '../../../src/core/data/table/tableReader';
import type { Table } from '../../../src/core/data/table/table';
import { serializeTable } from '../../../src/core/data/table/tableWriter';
import { MedSynthError } from '../../../src/core/errors';
import { fitCopula } from '../../../src/core/generators/copula';
import { buildCopulaGenerator } from '../../../src/core/generators/copulaGraph';
import { sampleCopula } from '../../../src/core/generators/copulaSampler';
import { fillLatent } from '../../../src/core/generators/latent';
import type { TablePostprocess } from '../../../src/core/generators/manifest';
import { validateManifest } from '../../../src/core/generators/manifestValidation';
import { decodeTableSample } from '../../../src/core/generators/tableDecoding';
import { ROOT } from './copulaFixtures';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** 12 rows: smoker spelled no (5) / yes (4) / Yes (1) / NO (1), one NA; age numeric so the copula has two columns. */
const CSV =
  'age,smoker\n' +
  ['34,no', '51,yes', '47,no', '62,Yes', '29,no', '70,yes', '55,NO', '41,no', '66,yes', '38,NA', '59,yes', '44,no'].join('\n') +
  '\n';

async function synthetic(rows: number): Promise<{ table: Table; post: TablePostprocess }> {
  const source = await parseTable(text(CSV), { fileName: 'smokers.csv' });
  const { manifest } = buildCopulaGenerator(fitCopula(source));
  const checked = validateManifest(JSON.parse(JSON.stringify(manifest)), 'medsynth.json');
  const post = checked.postprocess as TablePostprocess;
  const latent = fillLatent(3, 0, rows, manifest.inputs.latent.shape[1], 'normal');
  return { table: decodeTableSample(post, sampleCopula(fitCopula(source), latent, rows), rows, 0), post };
}

describe('boolean spelling', () => {
  it('booleanLabels picks the most frequent spelling of each value, and the other word of the pair when one is absent', () => {
    const codes = (cells: string[]): Int32Array => Int32Array.from(cells, (c) => (c === '' ? -1 : /^(yes|true)$/i.test(c.trim()) ? 1 : 0));
    const labels = (cells: string[]): readonly [string, string] | undefined => booleanLabels(cells, codes(cells));
    assert.deepEqual(labels(['no', 'yes', 'No', 'no', ' yes ', 'Yes', '']), ['no', 'yes']);
    assert.deepEqual(labels(['True', 'False', 'True']), ['False', 'True']);
    // Ties go to the spelling seen first.
    assert.deepEqual(labels(['YES', 'yes', 'no']), ['no', 'YES']);
    assert.deepEqual(labels(['Yes', 'Yes']), ['No', 'Yes']);
    assert.deepEqual(labels(['NO']), ['NO', 'YES']);
    assert.equal(labels(['true']), undefined, 'a lone true pairs with false: the default');
    assert.equal(labels(['false', 'true', 'true']), undefined, 'the writers default needs no labels');
    assert.equal(labels(['', '']), undefined);
  });

  it('the reader records no/yes on the column; categories stay false/true', async () => {
    const table = await parseTable(text(CSV), { fileName: 'smokers.csv' });
    const smoker = table.columns[1];
    assert.ok(smoker.kind === 'boolean');
    assert.deepEqual(smoker.categories, ['false', 'true']);
    assert.deepEqual(smoker.labels, ['no', 'yes']);
    const plain = await parseTable(text('b\ntrue\nfalse\n'), { fileName: 'b.csv' });
    assert.ok(plain.columns[0].kind === 'boolean' && plain.columns[0].labels === undefined);
  });

  it('the manifest carries the labels, and synthetic CSV and JSON Lines are written in them', async () => {
    const { table, post } = await synthetic(400);
    const spec = post.columns.find((c) => c.name === 'smoker');
    assert.ok(spec && spec.kind === 'boolean');
    assert.deepEqual(spec.labels, ['no', 'yes']);
    const csv = new TextDecoder().decode(await serializeTable(table, 'csv'));
    const cells = csv
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[1]);
    assert.equal(cells.length, 400);
    assert.deepEqual([...new Set(cells.filter((c) => c !== ''))].sort(), ['no', 'yes'], 'both values occur, in the source spelling only');
    const jsonl = new TextDecoder()
      .decode(await serializeTable(table, 'jsonl'))
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { smoker: unknown }).smoker);
    assert.deepEqual([...new Set(jsonl.filter((v) => v !== null))].sort(), ['no', 'yes']);
    // Read back, the written spelling is still a boolean with the same labels.
    const back = await parseTable(text(csv), { fileName: 'synthetic.csv' });
    assert.ok(back.columns[1].kind === 'boolean');
    assert.deepEqual(back.columns[1].labels, ['no', 'yes']);
  });

  it('Parquet keeps real booleans', async () => {
    const { table } = await synthetic(50);
    const back = await parseTable(await serializeTable(table, 'parquet'), { fileName: 'synthetic.parquet' });
    const smoker = back.columns[1];
    assert.ok(smoker.kind === 'boolean');
    assert.equal(smoker.labels, undefined, 'Parquet BOOLEAN values read as true/false');
    const source = table.columns[1];
    assert.ok(source.kind === 'boolean');
    assert.deepEqual(Array.from(smoker.codes), Array.from(source.codes));
  });
});

describe('manifest validation of boolean labels', () => {
  const manifestWith = (spec: Record<string, unknown>): Record<string, unknown> => {
    const m = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'models', 'user-table', 'medsynth.json'), 'utf8')) as {
      postprocess: { columns: Record<string, unknown>[] };
    };
    // Feature 4 is cholesterol's; the boolean reads the same feature, which validation allows.
    m.postprocess.columns.push({ name: 'smoker', kind: 'boolean', categories: ['false', 'true'], encoding: 'index', index: 4, ...spec });
    return m as unknown as Record<string, unknown>;
  };
  const invalid = (spec: Record<string, unknown>, message: RegExp): void =>
    assert.throws(
      () => validateManifest(manifestWith(spec), 'gen/medsynth.json'),
      (e: unknown) => e instanceof MedSynthError && e.code === 'MANIFEST_INVALID' && message.test(e.message),
    );

  it('accepts two spellings the reader reads back as false and true', () => {
    for (const labels of [
      ['no', 'yes'],
      ['False', 'True'],
      ['NO', 'YES'],
    ]) {
      const m = validateManifest(manifestWith({ labels }), 'gen/medsynth.json');
      const spec = (m.postprocess as TablePostprocess).columns.find((c) => c.name === 'smoker');
      assert.ok(spec && spec.kind === 'boolean');
      assert.deepEqual(spec.labels, labels);
    }
    const without = validateManifest(manifestWith({}), 'gen/medsynth.json');
    const spec = (without.postprocess as TablePostprocess).columns.find((c) => c.name === 'smoker');
    assert.ok(spec && !('labels' in spec));
  });

  it('refuses other spellings, swapped or missing values, extra items, and labels on a categorical column', () => {
    invalid({ labels: ['N', 'Y'] }, /labels\[0\]: is "N"/);
    invalid({ labels: ['yes', 'no'] }, /labels\[0\]: is "yes"/);
    invalid({ labels: ['no', ' yes'] }, /labels\[1\]/);
    invalid({ labels: ['no'] }, /labels: has 1 item/);
    invalid({ labels: ['no', 'yes', 'maybe'] }, /labels: has 3 items/);
    invalid({ labels: 'no,yes' }, /labels: is not an array/);
    invalid({ labels: ['no', 1] }, /labels\[1\]: is not a non-empty string/);
    invalid({ kind: 'categorical', labels: ['no', 'yes'] }, /labels: is given for a categorical column/);
  });
});
