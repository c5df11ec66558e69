// Synthetic numbers are written with the precision of the source: a column recorded with one decimal
// (BMI 27.9) comes out with at most one decimal, not as 27.90587410926819. The expected decimals are
// counted from the raw CSV text, independently of the parser and the fitter.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TablePostprocess } from '../../../src/core/generators/manifest';
import { fitCopula } from '../../../src/core/generators/copula';
import { buildCopulaGenerator } from '../../../src/core/generators/copulaGraph';
import { sampleCopula } from '../../../src/core/generators/copulaSampler';
import { fillLatent } from '../../../src/core/generators/latent';
import { decodeTableSample } from '../../../src/core/generators/tableDecoding';
import { readCsvTable, ROOT } from './copulaFixtures';

/** Most digits after the decimal point in each column of a plain (unquoted) CSV, from its text. */
function rawDecimals(path: string): Map<string, number> {
  const [head, ...rows] = readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n');
  const names = head.split(',');
  const most = new Map(names.map((n) => [n, 0]));
  for (const row of rows) {
    row.split(',').forEach((cell, j) => {
      const m = /^-?\d*\.(\d+)$/.exec(cell.trim());
      const d = m ? m[1].replace(/0+$/, '').length : 0;
      if (d > (most.get(names[j]) ?? 0)) most.set(names[j], d);
    });
  }
  return most;
}

function decimalsIn(v: number): number {
  const text = String(v);
  return text.includes('e') ? 99 : (text.split('.')[1] ?? '').length;
}

describe('copula output precision', () => {
  it('writes each numeric column of breast_cancer.csv with at most the source decimals', () => {
    const file = join(ROOT, 'test', 'fixtures', 'tables', 'breast_cancer.csv');
    const expected = rawDecimals(file);
    const model = fitCopula(readCsvTable(file));
    const { manifest } = buildCopulaGenerator(model);
    const post = manifest.postprocess as TablePostprocess;
    const rows = 2000;
    const latent = fillLatent(11, 0, rows, manifest.inputs.latent.shape[1], 'normal');
    const table = decodeTableSample(post, sampleCopula(model, latent, rows), rows, 0);
    let checked = 0;
    for (const column of table.columns) {
      if (column.kind !== 'numeric') continue;
      const limit = expected.get(column.name) ?? 0;
      let most = 0;
      for (const v of column.values) if (!Number.isNaN(v)) most = Math.max(most, decimalsIn(v));
      assert.ok(most <= limit, `${column.name}: synthetic values have ${most} decimals, the source at most ${limit}`);
      checked++;
    }
    assert.equal(checked, 31);
  });
});
