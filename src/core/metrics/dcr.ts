// privacy.dcr: distance to the closest real record for every synthetic row. Small distances mean
// the generator put synthetic rows on top of real patients; with a holdout set, comparing the
// distance to the training rows with the distance to unseen rows separates memorisation from a
// dense but honest distribution.
//
// Bootstrap (details.ci95, bootstrap.ts): the synthetic rows are resampled with replacement (one draw of
// the synthetic row count) and the score is the median of the drawn rows' distances, each row keeping the
// distance to its closest real row that the shared synth → real pass found. The real rows are the fixed
// reference set (a resample of them would leave out about 37% of the real records, so every synthetic row
// would seem farther from "the" real data than it is); the holdout rows take no part in the score. One
// resample is O(n): the distances are ranked once, on the first resample, and a resample counts ranks.
import { withResample } from './bootstrap';
import { neighbourSpace, sharedNeighbours } from './neighbourCache';
import { quantileSorted } from './tableColumns';
import type { LeftOut, MetricResult, TableMetric, TableMetricInput } from './types';

export const DCR_ID = 'privacy.dcr';
export const DCR_HISTOGRAM_BINS = 20;

export interface DistanceHistogram {
  /** BINS + 1 ascending edges from 0 to the largest distance (to 1 when every distance is 0). */
  readonly edges: number[];
  readonly counts: number[];
}

/** Equal-width bins from 0; the last bin includes its upper edge. */
export function distanceHistogram(sorted: Float64Array, bins = DCR_HISTOGRAM_BINS): DistanceHistogram {
  const top = sorted.length > 0 && sorted[sorted.length - 1] > 0 ? sorted[sorted.length - 1] : 1;
  const edges = Array.from({ length: bins + 1 }, (_, k) => (top * k) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (const d of sorted) counts[Math.min(bins - 1, Math.floor((d / top) * bins))]++;
  return { edges, counts };
}

/**
 * Share of synthetic rows whose closest training row is nearer than their closest holdout row,
 * ties counting one half. A generator that never saw the training rows gets the chance level
 * trainRows / (trainRows + holdoutRows): 0.5 only when both sets have the same size.
 */
export function shareCloserToTrain(toTrain: Float64Array, toHoldout: Float64Array): number {
  let closer = 0;
  for (let i = 0; i < toTrain.length; i++) {
    if (toTrain[i] < toHoldout[i]) closer += 1;
    else if (toTrain[i] === toHoldout[i]) closer += 0.5;
  }
  return closer / toTrain.length;
}

/** Counts of sorted distances in the bins of `edges`; values above the last edge go to the last bin. */
export function histogramOn(edges: readonly number[], values: Float64Array): number[] {
  const bins = edges.length - 1;
  const top = edges[bins];
  const counts = new Array<number>(bins).fill(0);
  for (const d of values) counts[Math.max(0, Math.min(bins - 1, Math.floor((d / top) * bins)))]++;
  return counts;
}

/** Median, 5th percentile and mean of per-row distances. */
export function distanceSummary(values: Float64Array): { median: number; p05: number; mean: number; sorted: Float64Array } {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const d of values) sum += d;
  return { median: quantileSorted(sorted, 0.5), p05: quantileSorted(sorted, 0.05), mean: sum / values.length, sorted };
}

/** What a holdout adds: shareCloserToTrain (computed by the caller) and each holdout row's distance to its closest real row. */
export interface HoldoutDistances {
  readonly shareCloserToTrain: number;
  readonly holdoutToReal: Float64Array;
  readonly rows: number;
}

/**
 * The DCR details tables and images share, from each synthetic row's distance to its closest real row:
 * median, p05, mean, histogram, then `extra`; with a holdout also shareCloserToTrain, the baseline (holdout
 * rows to the training rows) and holdoutHistogram, both histograms on edges that span both sets. The
 * score is the median.
 */
export function dcrDetails(
  toReal: Float64Array,
  extra: Record<string, unknown>,
  holdout?: HoldoutDistances,
): { score: number; details: Record<string, unknown> } {
  const summary = distanceSummary(toReal);
  const histogram = distanceHistogram(summary.sorted);
  const details: Record<string, unknown> = { median: summary.median, p05: summary.p05, mean: summary.mean, histogram, ...extra };
  if (holdout) {
    details.shareCloserToTrain = holdout.shareCloserToTrain;
    // The natural baseline: how far real patients the generator never saw are from its training rows.
    const base = distanceSummary(holdout.holdoutToReal);
    details.baseline = { median: base.median, p05: base.p05, mean: base.mean, rows: holdout.rows };
    // Both sets are binned on edges that span both, so holdout rows farther than every synthetic row
    // are not all piled into the last bin (the report draws them as an overlay on the same axis).
    const top = Math.max(histogram.edges[histogram.edges.length - 1], base.sorted[base.sorted.length - 1] ?? 0);
    const edges = Array.from({ length: DCR_HISTOGRAM_BINS + 1 }, (_, k) => (top * k) / DCR_HISTOGRAM_BINS);
    details.histogram = { edges, counts: histogramOn(edges, summary.sorted) };
    details.holdoutHistogram = { edges, counts: histogramOn(edges, base.sorted) };
  }
  return { score: summary.median, details };
}

/**
 * The q-quantile (quantileSorted's linear interpolation) of the drawn rows' values, for the bootstrap: the
 * values are ranked once (on the first call), each resample counts the drawn rows per rank and walks the
 * counts to the two order statistics it needs. `draw` is called once, with values.length. NaN for no rows.
 */
export function resampledQuantile(values: Float64Array, q: number): (draw: (n: number) => Uint32Array) => number {
  const n = values.length;
  let ranked: { rank: Uint32Array; sorted: Float64Array } | undefined;
  return (draw) => {
    const rows = draw(n);
    if (n === 0) return Number.NaN;
    if (!ranked) {
      const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
      const rank = new Uint32Array(n);
      order.forEach((row, k) => (rank[row] = k));
      ranked = { rank, sorted: Float64Array.from(order, (row) => values[row]) };
    }
    const { rank, sorted } = ranked;
    const counts = new Uint32Array(n);
    for (const r of rows) counts[rank[r]]++;
    const pos = (rows.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, rows.length - 1);
    // The values at drawn positions lo and hi (0-based) of the drawn rows in ascending order.
    let seen = 0;
    let k = 0;
    while (seen + counts[k] <= lo) seen += counts[k++];
    const atLo = sorted[k];
    while (seen + counts[k] <= hi) seen += counts[k++];
    const atHi = sorted[k];
    return atLo + (atHi - atLo) * (pos - lo);
  };
}

/** The columns the distance ignores, as a report's "left out" entry. */
export function ignoredColumnsLeftOut(ignored: readonly string[]): LeftOut[] {
  if (ignored.length === 0) return [];
  return [
    {
      count: ignored.length,
      unit: 'columns',
      names: ignored,
      reason: 'identifier and free-text columns take no part in distances (privacy.identifierCopies checks identifiers)',
    },
  ];
}

/** Computes the metric. Throws BAD_INPUT when nothing can be measured, CANCELLED on abort. */
export async function computeDcr(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const space = await neighbourSpace(input, signal, DCR_ID);
  const toReal = await sharedNeighbours(input, 'synth', 'real', signal);
  const dcr = toReal.d1.map((d) => d / space.columnCount);
  let holdout: HoldoutDistances | undefined;
  if (space.holdout) {
    const toHoldout = await sharedNeighbours(input, 'synth', 'holdout', signal);
    const holdoutToReal = await sharedNeighbours(input, 'holdout', 'real', signal);
    holdout = {
      shareCloserToTrain: shareCloserToTrain(toReal.d1, toHoldout.d1),
      holdoutToReal: holdoutToReal.d1.map((d) => d / space.columnCount),
      rows: space.holdout.count,
    };
  }
  const { score, details } = dcrDetails(dcr, { columns: space.usedColumns, ignoredColumns: space.ignoredColumns }, holdout);
  return withResample({ id: DCR_ID, score, details, leftOut: ignoredColumnsLeftOut(space.ignoredColumns) }, resampledQuantile(dcr, 0.5));
}

export const dcrMetric: TableMetric = {
  id: DCR_ID,
  title: 'Distance to closest real record',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Score = median over synthetic rows of the distance to the closest real row. Distance = mean over columns of |a − b| / range for ' +
    'numbers and dates (range of the real values) and 0 or 1 for labels; an empty cell against a filled one counts 1, two empty cells 0, ' +
    'so every row is compared. Identifier and free-text columns are not used. 0 means synthetic rows sit on real records. There is no ' +
    'fixed good value: it depends on how spread out the data are. With a holdout (real rows the generator never saw), the report shows ' +
    'the same distance for the holdout rows: synthetic rows at about that distance or more are as far from the training patients as new ' +
    'patients are, much smaller means they sit closer than real patients do. The report also says how often a synthetic row is closer to ' +
    'a training row than to a holdout row, against the level chance gives for the two set sizes.',
  reference: 'DCR as in synthcity / Zhao et al. 2021 (CTAB-GAN); holdout comparison as in Platzer & Reutterer 2021',
  compute: computeDcr,
};
