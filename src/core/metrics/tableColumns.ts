// Shared column plumbing for the table metrics: pairing real and synthetic columns by name, and
// reading them as plain numbers or labels. Every metric goes through here so that they all agree on
// which kinds count as numeric (numeric and datetime, as in SDMetrics) and which as categorical
// (categorical and boolean).
import type { CategoricalColumn, Column, DatetimeColumn, NumericColumn, Table } from '../data/table/table';
import { MedSynthError } from '../errors';
import type { MetricResult } from './types';

export type NumberLikeColumn = NumericColumn | DatetimeColumn;

/** A real column together with the synthetic column of the same name and the same family. */
export interface ColumnPair<C extends Column> {
  readonly name: string;
  readonly real: C;
  readonly synth: C;
}

export function isNumberLike(column: Column): column is NumberLikeColumn {
  return column.kind === 'numeric' || column.kind === 'datetime';
}

export function isCategoryLike(column: Column): column is CategoricalColumn {
  return column.kind === 'categorical' || column.kind === 'boolean';
}

function family(column: Column): 'number' | 'category' | 'text' {
  if (isNumberLike(column)) return 'number';
  if (isCategoryLike(column)) return 'category';
  return 'text';
}

/** Throws a BAD_INPUT error unless the table has rows and its columns have as many cells as it says. */
export function checkTableShape(table: Table, role: string): void {
  if (table.rowCount <= 0) throw new MedSynthError('BAD_INPUT', `the ${role} table has no rows`);
  for (const column of table.columns) {
    const cells = isCategoryLike(column) ? column.codes.length : column.values.length;
    if (cells !== table.rowCount) {
      throw new MedSynthError('BAD_INPUT', `column "${column.name}" of the ${role} table has ${cells} cells for ${table.rowCount} rows`);
    }
  }
}

/**
 * Pairs every real column of the requested families with the synthetic column of the same name.
 * A missing or differently typed synthetic column is an error: silently skipping it would let a
 * generator that drops columns score better than one that keeps them.
 */
export function pairColumns(
  real: Table,
  synth: Table,
  families: readonly ('number' | 'category' | 'text')[],
  role = 'synthetic',
): ColumnPair<Column>[] {
  const byName = new Map(synth.columns.map((c) => [c.name, c] as const));
  const pairs: ColumnPair<Column>[] = [];
  for (const column of real.columns) {
    const fam = family(column);
    if (!families.includes(fam)) continue;
    const other = byName.get(column.name);
    if (!other) throw new MedSynthError('BAD_INPUT', `the ${role} table has no column "${column.name}"`);
    if (family(other) !== fam) {
      throw new MedSynthError(
        'BAD_INPUT',
        `column "${column.name}" is ${column.kind} in the real table but ${other.kind} in the ${role} table`,
      );
    }
    pairs.push({ name: column.name, real: column, synth: other });
  }
  return pairs;
}

export function numberPairs(real: Table, synth: Table, role = 'synthetic'): ColumnPair<NumberLikeColumn>[] {
  return pairColumns(real, synth, ['number'], role) as ColumnPair<NumberLikeColumn>[];
}

export function categoryPairs(real: Table, synth: Table, role = 'synthetic'): ColumnPair<CategoricalColumn>[] {
  return pairColumns(real, synth, ['category'], role) as ColumnPair<CategoricalColumn>[];
}

/** The present (non-NaN) values of a numeric or datetime column, sorted ascending. */
export function sortedPresent(values: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[k++] = values[i];
  return out.sort();
}

/**
 * The result of a metric that does not apply to these tables (no columns of the kind it needs). It is
 * not an error: the run is fine, and reports show "n/a" with the reason instead of a failure.
 */
export function notApplicable(id: string, reason: string): MetricResult {
  return { id, score: null, details: {}, notApplicable: reason };
}

/** The arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** A linear-interpolation quantile (numpy's default) of an ascending array. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Lets a pending abort be delivered during long synchronous work; also keeps the host responsive. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
