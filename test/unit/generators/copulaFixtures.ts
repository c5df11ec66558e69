// Test helpers for the generator tests: a deliberately tiny CSV reader for the committed fixtures
// (unquoted cells, explicit column kinds, so the tests do not depend on the table reader under
// construction elsewhere) and small statistics written independently of the code under test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Column, ColumnKind, Table } from '../../../src/core/data/table/table';

export const ROOT = join(__dirname, '..', '..', '..');
export const COPULA_FIXTURES = join(ROOT, 'test', 'fixtures', 'models', 'copula');
export const MIXED_KINDS: Readonly<Record<string, ColumnKind>> = {
  patient_id: 'identifier',
  sex: 'categorical',
  diagnosis: 'categorical',
  smoker: 'boolean',
  admitted: 'datetime',
  note: 'text',
};

export function readCsvTable(path: string, kinds: Readonly<Record<string, ColumnKind>> = {}): Table {
  const lines = readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const header = lines[0].split(',');
  const cells = lines.slice(1).map((l) => l.split(','));
  const columns = header.map((name, j): Column => {
    const raw = cells.map((r) => r[j]);
    const kind = kinds[name] ?? 'numeric';
    if (kind === 'numeric') {
      const values = Float64Array.from(raw, (v) => (v === '' ? NaN : Number(v)));
      return { kind, name, values, integer: values.every((v) => Number.isNaN(v) || Number.isInteger(v)) };
    }
    if (kind === 'datetime')
      return { kind, name, values: Float64Array.from(raw, (v) => (v === '' ? NaN : Date.parse(`${v}T00:00:00Z`))), precision: 'date' };
    if (kind === 'categorical' || kind === 'boolean') {
      const categories = kind === 'boolean' ? ['false', 'true'] : [...new Set(raw.filter((v) => v !== ''))];
      return { kind, name, categories, codes: Int32Array.from(raw, (v) => (v === '' ? -1 : categories.indexOf(v))) };
    }
    return { kind, name, values: raw.map((v) => (v === '' ? null : v)) };
  });
  return { rowCount: cells.length, columns };
}

export function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Two-sample Kolmogorov-Smirnov statistic over the present (non-NaN) values. */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): { d: number; n: number; m: number } {
  const x = Float64Array.from(a)
    .filter((v) => !Number.isNaN(v))
    .sort();
  const y = Float64Array.from(b)
    .filter((v) => !Number.isNaN(v))
    .sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return { d, n: x.length, m: y.length };
}

/** Normal scores by average rank, the definition scipy's rankdata + norm.ppf gives in the reference. */
export function rankNormalScores(values: ArrayLike<number>, quantile: (p: number) => number): Float64Array {
  const v = Float64Array.from(values);
  const idx = [...v.keys()].filter((i) => !Number.isNaN(v[i])).sort((p, q) => v[p] - v[q]);
  const out = new Float64Array(v.length).fill(NaN);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    for (let k = i; k <= j; k++) out[idx[k]] = quantile(((i + j + 2) / 2 - 0.5) / idx.length);
    i = j + 1;
  }
  return out;
}

export function pearsonComplete(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) continue;
    xs.push(a[i]);
    ys.push(b[i]);
  }
  const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const my = ys.reduce((s, v) => s + v, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** A column's values as numbers: categorical codes (missing -> NaN) or numeric/datetime values. */
export function numericView(c: Column): Float64Array {
  if (c.kind === 'numeric' || c.kind === 'datetime') return c.values;
  if (c.kind === 'categorical' || c.kind === 'boolean') return Float64Array.from(c.codes, (v) => (v < 0 ? NaN : v));
  throw new Error(`column ${c.name} has no numeric view`);
}

/** Spearman correlation as scipy computes it: ranks taken within the rows where both are present. */
export function spearmanComplete(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) continue;
    xs.push(a[i]);
    ys.push(b[i]);
  }
  return pearsonComplete(
    rankNormalScores(xs, (p) => p),
    rankNormalScores(ys, (p) => p),
  );
}
