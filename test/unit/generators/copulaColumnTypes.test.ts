// What the copula writes for the column kinds the reader infers: integer identifiers are regenerated
// (never a real id), integer codes come back as their source labels, datetimes in the source's
// spelling and rounded to what it prints, and numbers with the column's dominant precision. The
// tables go through the real reader (parseTable), so inference and synthesis are checked together.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { serializeTable } from '../../../src/core/data/table/tableWriter';
import { MedSynthError } from '../../../src/core/errors';
import { decimalsOf, fitCopula } from '../../../src/core/generators/copula';
import { buildCopulaGenerator } from '../../../src/core/generators/copulaGraph';
import { sampleCopula } from '../../../src/core/generators/copulaSampler';
import { fillLatent } from '../../../src/core/generators/latent';
import type { TablePostprocess } from '../../../src/core/generators/manifest';
import { validateManifest } from '../../../src/core/generators/manifestValidation';
import { decodeTableSample } from '../../../src/core/generators/tableDecoding';
import { ROOT } from './copulaFixtures';

const TABLES = join(ROOT, 'test', 'fixtures', 'tables');

async function synthesize(table: Table, rows: number, seed = 5): Promise<{ synthetic: Table; post: TablePostprocess; text: string[][] }> {
  const model = fitCopula(table);
  const { manifest } = buildCopulaGenerator(model);
  // The manifest as written to disk must validate, format fields included.
  const post = validateManifest(JSON.parse(JSON.stringify(manifest)), 'medsynth.json').postprocess as TablePostprocess;
  const latent = fillLatent(seed, 0, rows, manifest.inputs.latent.shape[1], 'normal');
  const synthetic = decodeTableSample(post, sampleCopula(model, latent, rows), rows, 0);
  const text = new TextDecoder()
    .decode(await serializeTable(synthetic, 'csv'))
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  return { synthetic, post, text };
}

const csvTable = (text: string): Promise<Table> => parseTable(new TextEncoder().encode(text), { fileName: 'mem.csv' });

describe('copula output by column kind', () => {
  it('integer patient ids are regenerated: no synthetic id equals a real one', async () => {
    const table = await parseTable(readFileSync(join(TABLES, 'patients_numeric_ids.csv')), { fileName: 'patients_numeric_ids.csv' });
    const { post, text } = await synthesize(table, 2000);
    const spec = post.columns.find((c) => c.name === 'patient_id');
    assert.equal(spec?.kind, 'identifier');
    // The real ids, from the file's text.
    const real = new Set(
      readFileSync(join(TABLES, 'patients_numeric_ids.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    );
    assert.equal(real.size, 500);
    const ids = text.slice(1).map((r) => r[0]);
    assert.equal(ids[0], 'SYN-00000000');
    assert.equal(new Set(ids).size, 2000);
    assert.equal(ids.filter((id) => real.has(id) || real.has(id.replace(/\D/g, '').replace(/^0+/, ''))).length, 0);
  });

  it("breast_cancer.csv's target is modelled as a category and written as '0'/'1'", async () => {
    const table = await parseTable(readFileSync(join(TABLES, 'breast_cancer.csv')), { fileName: 'breast_cancer.csv' });
    const { post, text } = await synthesize(table, 1000);
    const spec = post.columns.find((c) => c.name === 'target');
    assert.ok(spec?.kind === 'categorical');
    assert.deepEqual(spec.categories, ['0', '1']);
    const j = text[0].indexOf('target');
    const labels = new Set(text.slice(1).map((r) => r[j]));
    assert.deepEqual([...labels].sort(), ['0', '1']);
  });

  it('datetimes come out in the source spelling, rounded to the unit it prints', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const mon = ['Jan', 'Mar', 'Sep', 'Dec'][i % 4];
      const yy = String(i % 10).padStart(2, '0');
      const minute = String((i * 7) % 60).padStart(2, '0');
      return `${day}-${mon}-${yy},2003-09-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:${minute},${10 + (i % 5)}`;
    });
    const table = await csvTable(`seen,taken,dose\n${rows.join('\n')}\n`);
    const [seen, taken] = table.columns;
    assert.ok(seen.kind === 'datetime' && seen.format === 'DD-Mon-YY');
    assert.ok(taken.kind === 'datetime' && taken.format === 'YYYY-MM-DD HH:mm');
    const { synthetic, post, text } = await synthesize(table, 500);
    assert.deepEqual(
      post.columns.filter((c) => c.kind === 'datetime').map((c) => (c.kind === 'datetime' ? c.format : undefined)),
      ['DD-Mon-YY', 'YYYY-MM-DD HH:mm'],
    );
    for (const r of text.slice(1)) {
      assert.match(r[0], /^\d\d-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d\d$/);
      assert.match(r[1], /^2003-09-\d\d \d\d:\d\d$/);
    }
    const synthTaken = synthetic.columns[1];
    assert.ok(synthTaken.kind === 'datetime');
    assert.ok(
      [...synthTaken.values].every((v) => v % 60_000 === 0),
      'whole minutes',
    );
  });

  it('numbers keep the dominant precision: one 6-decimal value among 2-decimal values gives 2 decimals', async () => {
    const values = Array.from({ length: 178 }, (_, i) => (i === 17 ? '13.123456' : (12 + ((i * 37) % 300) / 100).toFixed(2)));
    const table = await csvTable(`alcohol\n${values.join('\n')}\n`);
    const { text } = await synthesize(table, 500);
    const decimals = text.slice(1).map((r) => (r[0].split('.')[1] ?? '').length);
    assert.ok(
      decimals.every((d) => d <= 2),
      `most decimals ${Math.max(...decimals)}`,
    );
    assert.ok(decimals.some((d) => d === 2));
  });

  it('decimalsOf takes the commonest precision, ties to the larger', () => {
    assert.deepEqual(decimalsOf(Float64Array.from([1.25, 2.5, 3.75, 0.123456])), { decimals: 2 });
    assert.deepEqual(decimalsOf(Float64Array.from([1.5, 2.25, 3])), { decimals: 2 });
    assert.deepEqual(decimalsOf(Float64Array.from([1, 2, 3.5])), { decimals: 0 });
    // To 1e-9 relative, pi needs 9 decimals (3.141592654), e needs 8 (2.71828183), 1.5 one: a tie.
    assert.deepEqual(decimalsOf(Float64Array.from([Math.PI, Math.E, 1.5])), { decimals: 9 });
    assert.deepEqual(decimalsOf(Float64Array.from([NaN, 0.1, 0.2])), { decimals: 1 });
  });

  it('a manifest datetime format that is not a format is MANIFEST_INVALID naming the field', () => {
    const manifest = {
      schema: 'medsynth.generator/1',
      name: 'x',
      modality: 'table',
      family: 'single-pass',
      model: 'model.onnx',
      inputs: { latent: { name: 'z', shape: [-1, 1], distribution: 'normal' } },
      outputs: { sample: { name: 'x' } },
      postprocess: { features: 1, columns: [{ name: 'd', kind: 'datetime', index: 0, precision: 'date', format: 'YYYY-MM' }] },
    };
    assert.throws(
      () => validateManifest(manifest, 'medsynth.json'),
      (e: unknown) =>
        e instanceof MedSynthError && e.code === 'MANIFEST_INVALID' && /\$\.postprocess\.columns\[0\]\.format/.test(e.message),
    );
  });
});
