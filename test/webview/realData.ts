// Real data for the webview tests: public fixture tables read through the data area's parseTable, and
// a report built by the real metrics registry and report builder on real vs a perturbed copy.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTable } from '../../src/core/data/table/tableReader';
import type { Column, ColumnKind, Table } from '../../src/core/data/table/table';
import { evaluateTableMetrics } from '../../src/core/metrics/registry';
import { buildReport } from '../../src/core/report/build';
import type { Report } from '../../src/core/report/model';
import { mulberry32 } from '../seededRandom';

export const ROOT = join(__dirname, '..', '..');

export async function loadTable(relPath: string, types?: Readonly<Record<string, ColumnKind>>): Promise<Table> {
  const bytes = new Uint8Array(await readFile(join(ROOT, relPath)));
  return parseTable(bytes, { fileName: relPath, types });
}

/**
 * A stand-in "synthetic" table: every column's values are shuffled within the column for half of the
 * rows (breaking the joint structure there), and numeric values get ±5% noise. Distributions stay
 * close, correlations weaken, exact copies become rare: a report with a spread of scores.
 */
export function perturbTable(table: Table, seed = 7): Table {
  const rand = mulberry32(seed);
  const n = table.rowCount;
  const half = Array.from({ length: n }, (_, i) => i).filter(() => rand() < 0.5);
  const shuffled = [...half];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const source = new Array<number>(n).fill(0).map((_, i) => i);
  half.forEach((row, k) => (source[row] = shuffled[k]));
  const columns: Column[] = table.columns.map((c) => {
    switch (c.kind) {
      case 'numeric': {
        const values = Float64Array.from(source, (s) => {
          const v = c.values[s];
          return Number.isNaN(v) ? v : c.integer ? Math.round(v * (0.95 + 0.1 * rand())) : v * (0.95 + 0.1 * rand());
        });
        return { ...c, values };
      }
      case 'datetime':
        return { ...c, values: Float64Array.from(source, (s) => c.values[s]) };
      case 'categorical':
      case 'boolean':
        return { ...c, codes: Int32Array.from(source, (s) => c.codes[s]) };
      case 'identifier':
      case 'text':
        return { ...c, values: source.map((s) => c.values[s]) };
    }
  });
  return { rowCount: n, columns, provenance: { file: 'synthetic/perturbed.csv', format: 'csv' } };
}

/** A table of `rows` rows made by repeating the real one: the virtualisation test needs 100k rows. */
export function repeatTable(table: Table, rows: number): Table {
  const pick = (i: number): number => i % table.rowCount;
  const columns: Column[] = table.columns.map((c) => {
    switch (c.kind) {
      case 'numeric':
      case 'datetime':
        return { ...c, values: Float64Array.from({ length: rows }, (_, i) => c.values[pick(i)]) };
      case 'categorical':
      case 'boolean':
        return { ...c, codes: Int32Array.from({ length: rows }, (_, i) => c.codes[pick(i)]) };
      case 'identifier':
      case 'text':
        return { ...c, values: Array.from({ length: rows }, (_, i) => c.values[pick(i)]) };
    }
  });
  return { rowCount: rows, columns, provenance: table.provenance };
}

export async function realReport(real: Table): Promise<Report> {
  const synth = perturbTable(real);
  const results = await evaluateTableMetrics({ real, synth });
  return buildReport(real, synth, results, {
    generator: { name: 'perturbed-copy', family: 'test', seed: 7, executionProvider: 'cpu' },
    createdAt: '2026-01-01T00:00:00.000Z',
  });
}
