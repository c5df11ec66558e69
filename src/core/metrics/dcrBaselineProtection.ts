// privacy.dcrBaselineProtection, SDMetrics' DCRBaselineProtection: how close the synthetic rows come to
// the real ones compared with rows that carry no information about any patient. The baseline is random
// data as SDMetrics makes it (its _generate_random_data): as many rows as the synthetic table, each
// column drawn independently and uniformly within the real column: integers uniform on [min, max],
// other numbers and dates uniform on [min, max), categories and booleans uniform over the labels the
// real column has; a cell is left empty with the real column's share of empty cells. Score =
// min(1, median DCR(synthetic → real) / median DCR(random → real)); no score when the random rows'
// median DCR is 0 (SDMetrics gives NaN there).
//
// Distance: privacy.dcr's (distanceSpace.ts / distanceSearch.ts): the mean per-column term, |a − b| /
// range of the real column for numbers and dates, 0/1 for labels, 1 between an empty and a present
// cell, 0 between two empty ones. Where that differs from SDMetrics' dcr_utils.calculate_dcr: it clips
// a numeric term at 1 (ours is not clipped, so synthetic values far outside the real range count
// more), and a zero-range column gives 1 for any difference there (ours 0, as every value of that
// column in the real data is the same). The random draws are seeded (options.seed, default 0; SDMetrics
// draws the empty cells from numpy's unseeded global generator).
//
// Bootstrap (details.ci95, bootstrap.ts): the synthetic rows and the random rows are resampled
// separately, with replacement (two draws: first the synthetic row count, then the random row count),
// and the score is min(1, median of the drawn synthetic DCRs / median of the drawn random DCRs), each
// drawn row keeping the distance to its closest real row computed once. The real rows are the fixed
// reference set (never resampled, so no drawn duplicate becomes a neighbour of its copy); the random
// rows are not drawn anew. A resample whose random median is 0 has no score (skipped). O(n) per
// resample (dcr.ts resampledQuantile).
import type { CategoricalColumn, Column, Table } from '../data/table/table';
import { MedSynthError } from '../errors';
import { withResample } from './bootstrap';
import { resampledQuantile } from './dcr';
import { buildDistanceSpaceYielding } from './distanceSpace';
import type { DistanceSpace, PackedRows } from './distanceSpace';
import { nearestRecords } from './distanceSearch';
import { mulberry32 } from '../math/mulberry32';
import { checkTableShape, isCategoryLike, isNumberLike, quantileSorted } from './tableColumns';
import type { LeftOut, MetricResult, TableMetric, TableMetricInput } from './types';

export const DCR_BASELINE_PROTECTION_ID = 'privacy.dcrBaselineProtection';

/** The mean per-column distance from each query row to its closest reference row. */
export async function closestDistances(
  space: DistanceSpace,
  query: PackedRows,
  ref: PackedRows,
  signal?: AbortSignal,
): Promise<Float64Array> {
  const near = await nearestRecords(space, query, ref, signal);
  const out = new Float64Array(query.count);
  for (let i = 0; i < query.count; i++) out[i] = near.d1[i] / space.columnCount;
  return out;
}

export function median(values: Float64Array): number {
  return quantileSorted(Float64Array.from(values).sort(), 0.5);
}

function randomColumn(column: Column, rows: number, random: () => number): Column | undefined {
  if (isNumberLike(column)) {
    let min = Infinity;
    let max = -Infinity;
    let empty = 0;
    for (const v of column.values) {
      if (Number.isNaN(v)) empty++;
      else {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    const share = empty / column.values.length;
    const integer = column.kind === 'numeric' && column.integer;
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const u = random();
      if (!Number.isFinite(min) || random() < share) values[r] = Number.NaN;
      else values[r] = integer ? min + Math.min(Math.floor(u * (max - min + 1)), max - min) : min + u * (max - min);
    }
    return { ...column, values };
  }
  if (!isCategoryLike(column)) return undefined;
  const used = new Uint8Array(column.categories.length);
  let empty = 0;
  for (const c of column.codes) {
    if (c < 0) empty++;
    else used[c] = 1;
  }
  const present = column.categories.map((_, i) => i).filter((i) => used[i] === 1);
  const share = empty / column.codes.length;
  const codes = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const u = random();
    codes[r] = present.length === 0 || random() < share ? -1 : present[Math.min(Math.floor(u * present.length), present.length - 1)];
  }
  const out: CategoricalColumn = { ...column, codes };
  return out;
}

/**
 * SDMetrics' random baseline for `real`: `rows` rows, numeric, datetime, categorical and boolean columns
 * only (identifier and text columns take no part in the distance). One mulberry32(seed) stream, column
 * by column, two draws a cell: the value, then whether it is empty.
 */
export function randomBaselineTable(real: Table, rows: number, seed = 0): Table {
  const random = mulberry32(seed);
  const columns: Column[] = [];
  for (const column of real.columns) {
    const c = randomColumn(column, rows, random);
    if (c) columns.push(c);
  }
  return { rowCount: rows, columns };
}

/**
 * The score on drawn rows, for the bootstrap: the synthetic rows' DCRs are drawn first, then the random
 * rows'; null when the drawn random rows' median is 0.
 */
export function baselineResample(syntheticDcr: Float64Array, randomDcr: Float64Array): (draw: (n: number) => Uint32Array) => number | null {
  const syntheticMedian = resampledQuantile(syntheticDcr, 0.5);
  const randomMedian = resampledQuantile(randomDcr, 0.5);
  return (draw) => {
    const s = syntheticMedian(draw);
    const r = randomMedian(draw);
    return r > 0 ? Math.min(1, s / r) : null;
  };
}

export interface BaselineOptions {
  /** The random rows to compare with (tests pass the reference script's); default randomBaselineTable(real, synth rows, seed). */
  readonly baseline?: Table;
}

/** Computes the metric. BAD_INPUT for unusable tables, CANCELLED on abort; no holdout needed. */
export async function computeDcrBaselineProtection(
  input: TableMetricInput,
  signal?: AbortSignal,
  opts: BaselineOptions = {},
): Promise<MetricResult> {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  const baseline = opts.baseline ?? randomBaselineTable(input.real, input.synth.rowCount, input.options?.seed ?? 0);
  if (baseline.rowCount <= 0) throw new MedSynthError('BAD_INPUT', 'the random baseline has no rows');
  // The random rows travel in the holdout's place: packed with the real table's ranges and labels.
  const space = await buildDistanceSpaceYielding(input.real, input.synth, baseline, signal);
  const randomRows = space.holdout;
  if (!randomRows) throw new MedSynthError('BAD_USAGE', 'the random baseline was not packed');
  const syntheticDcr = await closestDistances(space, space.synth, space.real, signal);
  const randomDcr = await closestDistances(space, randomRows, space.real, signal);
  const synthetic = median(syntheticDcr);
  const random = median(randomDcr);
  const details = {
    medianSynthetic: synthetic,
    medianRandom: random,
    randomRows: baseline.rowCount,
    columns: space.usedColumns,
    ignoredColumns: space.ignoredColumns,
  };
  const leftOut: LeftOut[] =
    space.ignoredColumns.length > 0
      ? [
          {
            count: space.ignoredColumns.length,
            unit: 'columns',
            names: space.ignoredColumns,
            reason: 'identifier and text columns take no part',
          },
        ]
      : [];
  if (!(random > 0)) {
    return {
      id: DCR_BASELINE_PROTECTION_ID,
      score: null,
      details,
      notApplicable: 'random rows lie on the real rows (median distance 0): the columns allow too few distinct records to compare with',
      leftOut,
    };
  }
  const result: MetricResult = { id: DCR_BASELINE_PROTECTION_ID, score: Math.min(1, synthetic / random), details, leftOut };
  return withResample(result, baselineResample(syntheticDcr, randomDcr));
}

export const dcrBaselineProtectionMetric: TableMetric = {
  id: DCR_BASELINE_PROTECTION_ID,
  title: 'DCR baseline protection',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Median distance from the synthetic rows to their closest real row, divided by the same median for random rows drawn uniformly ' +
    'within each real column (its range, its labels, its share of empty cells), capped at 1. 1 = the synthetic rows are at least as far ' +
    'from the patients as random data; 0.5 = half as far; 0 = they sit on real records. Distance as privacy.dcr: unlike SDMetrics, a ' +
    'numeric term is not clipped at 1 and a column with one real value contributes 0; the random rows are seeded. No score when the ' +
    'random rows themselves lie on real rows (median 0).',
  reference:
    'SDMetrics DCRBaselineProtection (single_table.privacy.dcr_baseline_protection: random data as _generate_random_data, ' +
    'score = min(median DCR synthetic / median DCR random, 1)), with privacy.dcr’s distance',
  compute: (input, signal) => computeDcrBaselineProtection(input, signal),
};
