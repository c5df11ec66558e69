// One feature vector per table record, for the metrics that work in a Euclidean feature space
// (fidelity.alphaPrecision, fidelity.betaRecall, the table fidelity.prdc and fidelity.mmd). They reuse
// the image metrics' Euclidean cores (image/featureNeighbours.ts, image/prdc.ts, image/mmd.ts) on the
// FeatureMatrix made here. No learned embedding: the features are the columns themselves.
//
// Encoding, fitted on the real table alone (every real row, before any thinning):
//   numeric, datetime  (v − min) / (max − min) of the real column's present values (datetimes in
//                      milliseconds since the epoch); a zero range (or no present real value) gives 0 for
//                      every cell, synthetic ones included. Synthetic values outside the real range fall
//                      outside [0, 1]. When either table has an empty cell in the column, an empty cell
//                      takes the mean of the real column's scaled present values and one more feature
//                      "name (empty)" is 1 for it (0 otherwise).
//   categorical,       one-hot, one feature per label (booleans: "false" and "true"). Labels are ranked
//   boolean            by their count in the real table, then labels only the synthetic table has by
//                      their count there (ties in first-seen order); the first MAX_LABELS_PER_COLUMN keep
//                      a feature of their own and the rest share "name (other)". When either table has
//                      an empty cell there, "name (empty)" is one more one-hot position.
//   identifier, text   left out (leftOut, columns).
// Rows: above maxRows (default TABLE_FEATURE_MAX_ROWS) a table is thinned evenly to rows
// floor(t · n / maxRows), t = 0..maxRows − 1, for cost (the metrics are quadratic in the rows); the
// thinned rows are counted in leftOut.
import type { CategoricalColumn, Column, Table } from '../data/table/table';
import type { FeatureMatrix } from './image/imageMetric';
import { checkTableShape, isCategoryLike, isNumberLike, pairColumns } from './tableColumns';
import type { LeftOut } from './types';

/** The most rows of each table that enter the feature metrics (they are quadratic in the rows). */
export const TABLE_FEATURE_MAX_ROWS = 5000;
/** One-hot width cap per categorical column; rarer labels share one "(other)" feature. */
export const MAX_LABELS_PER_COLUMN = 32;

export interface TableFeatures {
  readonly real: FeatureMatrix;
  readonly synth: FeatureMatrix;
  /** One per feature: "age", "age (empty)", "sex=F", "diagnosis (other)". */
  readonly names: readonly string[];
  readonly usedColumns: readonly string[];
  readonly ignoredColumns: readonly string[];
  /** Rows of each table in the source and after thinning. */
  readonly rows: { readonly real: number; readonly synth: number; readonly realUsed: number; readonly synthUsed: number };
  readonly leftOut: readonly LeftOut[];
}

/** The rows kept when `n` rows are thinned evenly to at most `max`. */
export function thinnedRows(n: number, max: number): Uint32Array {
  if (n <= max) return Uint32Array.from({ length: n }, (_, i) => i);
  return Uint32Array.from({ length: max }, (_, t) => Math.floor((t * n) / max));
}

type Encoder = {
  readonly names: string[];
  /** Writes the features of `row` of `col` at out[at..]; the slots start at 0. */
  readonly fill: (col: Column, row: number, out: Float32Array, at: number) => void;
};

function hasEmpty(col: Column): boolean {
  if (isNumberLike(col)) return col.values.some(Number.isNaN);
  return isCategoryLike(col) && col.codes.some((k) => k < 0);
}

function numberEncoder(name: string, real: Column, synth: Column): Encoder {
  const values = isNumberLike(real) ? real.values : new Float64Array(0);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = Number.isFinite(min) && max > min ? 1 / (max - min) : 0;
  let sum = 0;
  let present = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    sum += (v - min) * scale;
    present++;
  }
  const fillValue = present > 0 ? sum / present : 0;
  const indicator = hasEmpty(real) || hasEmpty(synth);
  return {
    names: indicator ? [name, `${name} (empty)`] : [name],
    fill: (col, row, out, at) => {
      const v = isNumberLike(col) ? col.values[row] : Number.NaN;
      if (Number.isNaN(v)) {
        out[at] = fillValue;
        if (indicator) out[at + 1] = 1;
      } else out[at] = scale === 0 ? 0 : (v - min) * scale;
    },
  };
}

function labelCounts(col: CategoricalColumn): Map<string, number> {
  const perCode = new Float64Array(col.categories.length);
  for (const k of col.codes) if (k >= 0) perCode[k]++;
  const counts = new Map<string, number>();
  col.categories.forEach((label, k) => {
    if (perCode[k] > 0) counts.set(label, (counts.get(label) ?? 0) + perCode[k]);
  });
  return counts;
}

function categoryEncoder(name: string, real: CategoricalColumn, synth: CategoricalColumn): Encoder {
  const realCounts = labelCounts(real);
  const synthCounts = labelCounts(synth);
  // Stable sorts: ties keep first-seen order.
  const realLabels = [...realCounts.keys()].sort((a, b) => realCounts.get(b)! - realCounts.get(a)!);
  const synthOnly = [...synthCounts.keys()].filter((l) => !realCounts.has(l)).sort((a, b) => synthCounts.get(b)! - synthCounts.get(a)!);
  const ranked = [...realLabels, ...synthOnly];
  const kept = ranked.slice(0, MAX_LABELS_PER_COLUMN);
  const names = kept.map((l) => `${name}=${l}`);
  const position = new Map(kept.map((l, i) => [l, i] as const));
  const other = ranked.length > kept.length ? names.push(`${name} (other)`) - 1 : -1;
  const empty = hasEmpty(real) || hasEmpty(synth) ? names.push(`${name} (empty)`) - 1 : -1;
  const slots = new Map<Column, Int32Array>(
    [real, synth].map((col) => [col, Int32Array.from(col.categories, (l) => position.get(l) ?? other)] as const),
  );
  return {
    names,
    fill: (col, row, out, at) => {
      const k = (col as CategoricalColumn).codes[row];
      if (k < 0) out[at + empty] = 1;
      else out[at + slots.get(col)![k]] = 1;
    },
  };
}

function thinnedLeftOut(table: string, n: number, used: number): LeftOut[] {
  if (used >= n) return [];
  return [
    {
      count: n - used,
      unit: 'rows',
      reason: `${table} rows thinned evenly to ${used} for cost (the feature metrics are quadratic in the rows)`,
    },
  ];
}

/**
 * Encodes the real and synthetic records as described at the top of this file, or returns null when no
 * column is numeric, datetime, categorical or boolean (the caller reports notApplicable). Throws BAD_INPUT
 * for an empty or ragged table and for a real column the synthetic table lacks or has with another kind.
 */
export function encodeTableFeatures(real: Table, synth: Table, maxRows = TABLE_FEATURE_MAX_ROWS): TableFeatures | null {
  checkTableShape(real, 'real');
  checkTableShape(synth, 'synthetic');
  const pairs = pairColumns(real, synth, ['number', 'category']);
  const ignoredColumns = real.columns.filter((c) => !isNumberLike(c) && !isCategoryLike(c)).map((c) => c.name);
  if (pairs.length === 0) return null;
  const encoders = pairs.map((p) =>
    isNumberLike(p.real)
      ? numberEncoder(p.name, p.real, p.synth)
      : categoryEncoder(p.name, p.real as CategoricalColumn, p.synth as CategoricalColumn),
  );
  const names = encoders.flatMap((e) => e.names);
  const dims = names.length;
  const encode = (side: 'real' | 'synth', rows: Uint32Array): FeatureMatrix => {
    const data = new Float32Array(rows.length * dims);
    let offset = 0;
    pairs.forEach((p, c) => {
      const col = p[side];
      for (let i = 0; i < rows.length; i++) encoders[c].fill(col, rows[i], data, i * dims + offset);
      offset += encoders[c].names.length;
    });
    return { data, rows: rows.length, dims };
  };
  const realRows = thinnedRows(real.rowCount, maxRows);
  const synthRows = thinnedRows(synth.rowCount, maxRows);
  const leftOut: LeftOut[] = [
    ...thinnedLeftOut('real', real.rowCount, realRows.length),
    ...thinnedLeftOut('synthetic', synth.rowCount, synthRows.length),
  ];
  if (ignoredColumns.length > 0) {
    leftOut.push({
      count: ignoredColumns.length,
      unit: 'columns',
      names: ignoredColumns,
      reason: 'identifier and text columns have no feature',
    });
  }
  return {
    real: encode('real', realRows),
    synth: encode('synth', synthRows),
    names,
    usedColumns: pairs.map((p) => p.name),
    ignoredColumns,
    rows: { real: real.rowCount, synth: synth.rowCount, realUsed: realRows.length, synthUsed: synthRows.length },
    leftOut,
  };
}

export const NO_FEATURE_COLUMNS = 'no numeric, datetime, categorical or boolean column to build features from';

/** The details every feature metric adds: which columns and rows it used. */
export function featureDetails(f: TableFeatures): Record<string, unknown> {
  return {
    features: f.names.length,
    columns: f.usedColumns,
    ignoredColumns: f.ignoredColumns,
    realRows: f.rows.realUsed,
    synthRows: f.rows.synthUsed,
  };
}
