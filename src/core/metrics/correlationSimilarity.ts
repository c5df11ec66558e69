// fidelity.correlationSimilarity: whether pairwise linear relationships between numeric columns
// survive synthesis, following SDMetrics' CorrelationSimilarity (Pearson).
import { MedSynthError } from '../errors';
import { drawCounts, withResample } from './bootstrap';
import { checkTableShape, mean, notApplicable, numberPairs } from './tableColumns';
import type { LeftOut, MetricResult, TableMetric, TableMetricInput } from './types';
import { runSteps, runStepsYielding } from './workSteps';
import type { WorkSteps } from './workSteps';

export const CORRELATION_SIMILARITY_ID = 'fidelity.correlationSimilarity';

/**
 * Pearson correlation over the rows where both cells are present (pandas' pairwise-complete rule).
 * NaN when fewer than two such rows exist or either column is constant over them.
 */
export function pearsonPairwise(x: Float64Array, y: Float64Array): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) continue;
    n++;
    sx += x[i];
    sy += y[i];
  }
  if (n < 2) return Number.NaN;
  const mx = sx / n;
  const my = sy / n;
  // Centring first keeps the sums accurate for datetimes (~1.7e12 ms) where raw sums of squares lose digits.
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) continue;
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** The rows a bootstrap draw took at least once, with how often (a compact form of drawCounts). */
export interface DrawnRows {
  readonly rows: Uint32Array;
  readonly weights: Float64Array;
}

export function drawnRows(counts: Uint32Array): DrawnRows {
  let k = 0;
  for (const c of counts) if (c > 0) k++;
  const rows = new Uint32Array(k);
  const weights = new Float64Array(k);
  k = 0;
  for (let i = 0; i < counts.length; i++)
    if (counts[i] > 0) {
      rows[k] = i;
      weights[k++] = counts[i];
    }
  return { rows, weights };
}

/**
 * pearsonPairwise on a bootstrap resample (each drawn row weighted by how often it was drawn; the same
 * pairwise-complete rule), in one pass over the drawn rows: the values are shifted by cx, cy (the
 * columns' means, so that datetimes keep their digits) and the centred sums come from the raw ones.
 */
export function pearsonWeighted(x: Float64Array, y: Float64Array, drawn: DrawnRows, cx = 0, cy = 0): number {
  const { rows, weights } = drawn;
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let k = 0; k < rows.length; k++) {
    const dx = x[rows[k]] - cx;
    const dy = y[rows[k]] - cy;
    if (Number.isNaN(dx) || Number.isNaN(dy)) continue;
    const c = weights[k];
    n += c;
    sx += c * dx;
    sy += c * dy;
    sxx += c * dx * dx;
    syy += c * dy * dy;
    sxy += c * dx * dy;
  }
  if (n < 2) return Number.NaN;
  const vxx = sxx - (sx * sx) / n;
  const vyy = syy - (sy * sy) / n;
  // A column constant on the drawn rows: its centred sum is 0 up to rounding of the shifted values.
  if (!(vxx > 1e-12 * sxx) || !(vyy > 1e-12 * syy)) return Number.NaN;
  return Math.max(-1, Math.min(1, (sxy - (sx * sy) / n) / Math.sqrt(vxx * vyy)));
}

/** The mean of the present values of a column (0 when there is none), the shift of pearsonWeighted. */
function presentMean(values: Float64Array): number {
  let n = 0;
  let s = 0;
  for (const v of values)
    if (!Number.isNaN(v)) {
      n++;
      s += v;
    }
  return n > 0 ? s / n : 0;
}

/** Computes the metric; not applicable with fewer than two numeric columns, BAD_INPUT when no pair is defined. */
export function computeCorrelationSimilarity(input: TableMetricInput, signal?: AbortSignal): MetricResult {
  return runSteps(correlationSimilaritySteps(input), signal);
}

/** computeCorrelationSimilarity giving the event loop a turn every few tens of milliseconds (wide tables have many pairs). */
export function computeCorrelationSimilarityYielding(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  return runStepsYielding(correlationSimilaritySteps(input), signal);
}

function* correlationSimilaritySteps(input: TableMetricInput): WorkSteps<MetricResult> {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  const pairs = numberPairs(input.real, input.synth);
  if (pairs.length < 2)
    return notApplicable(CORRELATION_SIMILARITY_ID, 'correlation similarity needs at least two numeric or datetime columns');
  const perPair: Record<string, number> = {};
  const undefinedPairs: string[] = [];
  const scored: [number, number][] = [];
  for (let a = 0; a < pairs.length; a++) {
    for (let b = a + 1; b < pairs.length; b++) {
      yield;
      const key = `${pairs[a].name}|${pairs[b].name}`;
      const r = pearsonPairwise(pairs[a].real.values, pairs[b].real.values);
      const s = pearsonPairwise(pairs[a].synth.values, pairs[b].synth.values);
      // A constant or empty column has no correlation; scoring it as 0 would invent a relationship.
      if (Number.isNaN(r) || Number.isNaN(s)) {
        undefinedPairs.push(key);
        continue;
      }
      perPair[key] = 1 - Math.abs(s - r) / 2;
      scored.push([a, b]);
    }
  }
  const scores = Object.values(perPair);
  if (scores.length === 0) throw new MedSynthError('BAD_INPUT', 'no pair of numeric columns has a defined correlation in both tables');
  const leftOut: LeftOut[] = [];
  if (undefinedPairs.length > 0)
    leftOut.push({
      count: undefinedPairs.length,
      unit: 'column pairs',
      names: undefinedPairs,
      reason: 'a constant or empty column has no correlation',
    });
  const incomplete = rowsWithEmptyCell(pairs.map((p) => p.real.values)) + rowsWithEmptyCell(pairs.map((p) => p.synth.values));
  if (incomplete > 0)
    leftOut.push({
      count: incomplete,
      unit: 'rows',
      reason: 'real and synthetic rows with an empty numeric cell are left out of the correlations of the pairs where that cell is empty',
    });
  // Bootstrap: real and synthetic rows drawn once per resample for every pair; a pair whose correlation
  // is undefined on the drawn rows (a column constant there) is left out of that resample's mean.
  let shifts: { real: number[]; synth: number[] } | undefined;
  const resample = (draw: (n: number) => Uint32Array): number | null => {
    shifts ??= { real: pairs.map((p) => presentMean(p.real.values)), synth: pairs.map((p) => presentMean(p.synth.values)) };
    const { real: cr, synth: cs } = shifts;
    const dReal = drawnRows(drawCounts(draw(input.real.rowCount), input.real.rowCount));
    const dSynth = drawnRows(drawCounts(draw(input.synth.rowCount), input.synth.rowCount));
    const values: number[] = [];
    for (const [a, b] of scored) {
      const r = pearsonWeighted(pairs[a].real.values, pairs[b].real.values, dReal, cr[a], cr[b]);
      const s = pearsonWeighted(pairs[a].synth.values, pairs[b].synth.values, dSynth, cs[a], cs[b]);
      if (!Number.isNaN(r) && !Number.isNaN(s)) values.push(1 - Math.abs(s - r) / 2);
    }
    return values.length > 0 ? mean(values) : null;
  };
  return withResample({ id: CORRELATION_SIMILARITY_ID, score: mean(scores), details: { perPair, undefinedPairs }, leftOut }, resample);
}

/** Rows with an empty cell in any of the columns. */
function rowsWithEmptyCell(columns: readonly Float64Array[]): number {
  const rows = columns[0]?.length ?? 0;
  let n = 0;
  for (let r = 0; r < rows; r++) if (columns.some((c) => Number.isNaN(c[r]))) n++;
  return n;
}

export const correlationSimilarityMetric: TableMetric = {
  id: CORRELATION_SIMILARITY_ID,
  title: 'Pairwise correlations',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Mean over pairs of numeric/datetime columns of 1 − |S − R| / 2, where R and S are the Pearson correlations in the real and ' +
    'synthetic tables over pairwise-complete rows. 1 means every correlation is reproduced exactly; 0 means every correlation has ' +
    'flipped from +1 to −1 (or back). Pairs with a constant or empty column have no correlation and are not scored; the report says how many.',
  reference: 'SDMetrics CorrelationSimilarity (coefficient = Pearson)',
  compute: computeCorrelationSimilarityYielding,
};
