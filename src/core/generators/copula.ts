// Fitting the built-in Gaussian copula (DESIGN.md "built-in fitters"): per-column empirical marginals,
// rank-based normal scores, their pairwise-complete correlation, repaired to positive definite and
// factored. The fitted model is plain data; copulaGraph.ts writes it as ONNX, copulaSampler.ts
// evaluates the same math in TypeScript.
import { MedSynthError, throwIfAborted } from '../errors';
import type { Column, Table } from '../data/table/table';
import { choleskyOfCorrelation } from './linalg';
import { normalQuantile } from './normal';

/** Number of quantile knots per continuous column (the inverse marginal is interpolated between them). */
export const COPULA_KNOTS = 257;

export interface CopulaContinuousColumn {
  readonly kind: 'numeric' | 'datetime';
  readonly name: string;
  readonly integer: boolean;
  /**
   * The decimal places most source values are written with (the dominant precision, at most 10), so
   * synthetic values look like them: one stray 6-decimal value does not make every value 6 decimals.
   */
  readonly decimals?: number;
  readonly precision?: 'date' | 'datetime';
  /** Datetime columns: the source's spelling (DatetimeColumn.format), kept for writing. */
  readonly format?: string;
  readonly min: number;
  readonly max: number;
  /** COPULA_KNOTS empirical quantiles at p = j / (K - 1), linear interpolation between order statistics. */
  readonly knots: Float64Array;
  readonly missingRate: number;
}

export interface CopulaCategoricalColumn {
  readonly kind: 'categorical' | 'boolean';
  readonly name: string;
  readonly categories: readonly string[];
  /** Booleans: the source's spelling of false and true (CategoricalColumn.labels), kept for writing. */
  readonly labels?: readonly [string, string];
  /** Frequency of each category among present values. */
  readonly probabilities: Float64Array;
  readonly missingRate: number;
}

export type CopulaColumn =
  | CopulaContinuousColumn
  | CopulaCategoricalColumn
  | { readonly kind: 'identifier'; readonly name: string; readonly prefix: string }
  | { readonly kind: 'text'; readonly name: string };

export interface CopulaModel {
  readonly type: 'gaussian-copula';
  readonly sourceRows: number;
  /** Columns in table order. */
  readonly columns: readonly CopulaColumn[];
  /**
   * Latent dimension of each modelled column: continuous columns first, then categorical ones, each
   * group in table order, then one independent dimension per column with missing values.
   */
  readonly order: readonly number[];
  readonly missingOrder: readonly number[];
  /** Repaired correlation of normal scores and its lower Cholesky factor, P x P row-major (P = order.length). */
  readonly correlation: Float64Array;
  readonly cholesky: Float64Array;
}

function columnValues(c: Column): Float64Array {
  if (c.kind === 'numeric' || c.kind === 'datetime') return c.values;
  if (c.kind === 'categorical' || c.kind === 'boolean') return Float64Array.from(c.codes, (v) => (v < 0 ? NaN : v));
  throw new Error(`column ${c.name} is not modelled`);
}

const normalDensity = (z: number): number => (Number.isFinite(z) ? Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) : 0);

/** First position in `sorted` holding a value >= v. */
function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface ColumnSummary {
  /** Present values, ascending. */
  readonly sorted: Float64Array;
  /** Normal scores Phi^-1((r - 0.5) / n) by average rank r among present values; NaN where missing. */
  readonly scores: Float64Array;
  /**
   * corr(Z, S) for a standard normal latent Z and the normal score S the column's values give it
   * (ties share one score). Observed score correlations are the latent ones times these factors, so
   * dividing them out keeps categorical, boolean and heavily tied columns from being sampled with
   * weakened correlations (the polyserial correction; about 1 for columns without ties).
   */
  readonly attenuation: number;
}

/** One native sort per column; ranks of ties and the attenuation come from walking the tie groups. */
function summarizeColumn(values: Float64Array): ColumnSummary {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort();
  const n = sorted.length;
  const groupScore = new Float64Array(n);
  let cross = 0;
  let mean = 0;
  let square = 0;
  let lowZ = -Infinity;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    const score = normalQuantile(((i + j + 2) / 2 - 0.5) / n);
    const highZ = j + 1 >= n ? Infinity : normalQuantile((j + 1) / n);
    const p = (j - i + 1) / n;
    groupScore[i] = score;
    cross += score * (normalDensity(lowZ) - normalDensity(highZ));
    mean += p * score;
    square += p * score * score;
    lowZ = highZ;
    i = j + 1;
  }
  const scores = values.map((v) => (Number.isNaN(v) ? NaN : groupScore[lowerBound(sorted, v)]));
  const sd = Math.sqrt(Math.max(square - mean * mean, 0));
  return { sorted, scores, attenuation: sd > 0 ? Math.min(1, cross / sd) : 1 };
}

function quantileKnots(sorted: Float64Array): Float64Array {
  const knots = new Float64Array(COPULA_KNOTS);
  if (sorted.length === 0) return knots;
  for (let j = 0; j < COPULA_KNOTS; j++) {
    const pos = (j / (COPULA_KNOTS - 1)) * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    knots[j] = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
  return knots;
}

/** Pearson correlation over the rows where both score vectors are present. */
function pairwiseCorrelation(a: Float64Array, b: Float64Array): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) continue;
    n++;
    sa += a[i];
    sb += b[i];
  }
  if (n < 3) return 0;
  const ma = sa / n;
  const mb = sb / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) continue;
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb))) : 0;
}

/** A prefix that no source identifier starts with, so regenerated identifiers can never equal one. */
function freshPrefix(name: string, values: readonly (string | null)[]): string {
  for (let attempt = 0; ; attempt++) {
    const prefix = attempt === 0 ? 'SYN-' : `SYN${attempt}-`;
    if (!values.some((v) => v !== null && v.startsWith(prefix))) return prefix;
    if (attempt > 1000) throw new MedSynthError('BAD_INPUT', `cannot find an identifier prefix unused by column ${name}`);
  }
}

export function fitCopula(table: Table, opts: { signal?: AbortSignal } = {}): CopulaModel {
  const steps = fitCopulaSteps(table, opts.signal);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * fitCopula that gives the event loop a turn every few tens of milliseconds (between columns and
 * between rows of the correlation matrix), so a cancel from the editor or Ctrl-C lands while a large
 * table is being fitted instead of after it. The model is the same as fitCopula's.
 */
export async function fitCopulaAsync(table: Table, opts: { signal?: AbortSignal; sliceMs?: number } = {}): Promise<CopulaModel> {
  const steps = fitCopulaSteps(table, opts.signal);
  const sliceMs = opts.sliceMs ?? 20;
  let since = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - since >= sliceMs) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      throwIfAborted(opts.signal);
      since = performance.now();
    }
  }
}

/** The fit as a sequence of steps; each `yield` is a point where the caller may pause. */
function* fitCopulaSteps(table: Table, signal: AbortSignal | undefined): Generator<void, CopulaModel> {
  const n = table.rowCount;
  if (n < 2) throw new MedSynthError('BAD_INPUT', `a copula needs at least 2 rows, the table has ${n}`);
  const columns: CopulaColumn[] = [];
  const continuous: number[] = [];
  const categorical: number[] = [];
  const missing: number[] = [];
  const scores = new Map<number, Float64Array>();
  const attenuation = new Map<number, number>();
  for (let ci = 0; ci < table.columns.length; ci++) {
    const c = table.columns[ci];
    yield;
    throwIfAborted(signal);
    if (c.kind === 'identifier') {
      columns.push({ kind: 'identifier', name: c.name, prefix: freshPrefix(c.name, c.values) });
      continue;
    }
    if (c.kind === 'text') {
      columns.push({ kind: 'text', name: c.name });
      continue;
    }
    const values = columnValues(c);
    const summary = summarizeColumn(values);
    const present = summary.sorted.length;
    const missingRate = (n - present) / n;
    if (missingRate > 0) missing.push(ci);
    scores.set(ci, summary.scores);
    attenuation.set(ci, summary.attenuation);
    if (c.kind === 'numeric' || c.kind === 'datetime') {
      const knots = quantileKnots(summary.sorted);
      continuous.push(ci);
      columns.push({
        kind: c.kind,
        name: c.name,
        integer: c.kind === 'numeric' && c.integer,
        ...(c.kind === 'numeric' && !c.integer ? decimalsOf(summary.sorted) : {}),
        ...(c.kind === 'datetime' ? { precision: c.precision, ...(c.format !== undefined ? { format: c.format } : {}) } : {}),
        min: knots[0],
        max: knots[COPULA_KNOTS - 1],
        knots,
        missingRate,
      });
    } else if (c.kind === 'categorical' || c.kind === 'boolean') {
      const counts = new Float64Array(c.categories.length);
      for (const code of c.codes) if (code >= 0) counts[code]++;
      categorical.push(ci);
      columns.push({
        kind: c.kind,
        name: c.name,
        categories: [...c.categories],
        ...(c.labels !== undefined ? { labels: c.labels } : {}),
        probabilities: counts.map((k) => (present > 0 ? k / present : 0)),
        missingRate,
      });
    }
  }
  const order = [...continuous, ...categorical];
  if (order.length === 0)
    throw new MedSynthError('BAD_INPUT', 'the table has no numeric, datetime, categorical or boolean column to model');
  const p = order.length;
  const corrected = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    yield;
    throwIfAborted(signal);
    corrected[i * p + i] = 1;
    for (let j = 0; j < i; j++) {
      const r = pairwiseCorrelation(scores.get(order[i]) as Float64Array, scores.get(order[j]) as Float64Array);
      const scale = (attenuation.get(order[i]) as number) * (attenuation.get(order[j]) as number);
      const c = Math.max(-0.999, Math.min(0.999, scale > 0.05 ? r / scale : r));
      corrected[i * p + j] = corrected[j * p + i] = c;
    }
  }
  const { correlation, factor } = choleskyOfCorrelation(corrected, p);
  return { type: 'gaussian-copula', sourceRows: n, columns, order, missingOrder: missing, correlation, cholesky: factor };
}

/** Values needing more decimals than this are left unrounded. */
const MAX_DECIMALS = 10;

/** The fewest decimals d with round(v * 10^d) / 10^d equal to v (to 1e-9 relative), or MAX_DECIMALS + 1. */
function decimalsNeeded(v: number): number {
  let d = 0;
  while (d <= MAX_DECIMALS && Math.abs(Math.round(v * 10 ** d) / 10 ** d - v) > 1e-9 * Math.max(1, Math.abs(v))) d++;
  return d;
}

/**
 * The dominant precision: the number of decimals the most present values need (ties go to the
 * larger count, which loses less). None when that is more than MAX_DECIMALS (measured floats).
 */
export function decimalsOf(values: Float64Array): { decimals?: number } {
  const counts = new Float64Array(MAX_DECIMALS + 2);
  for (const v of values) if (Number.isFinite(v)) counts[decimalsNeeded(v)]++;
  let best = 0;
  for (let d = 1; d < counts.length; d++) if (counts[d] >= counts[best] && counts[d] > 0) best = d;
  return best > MAX_DECIMALS ? {} : { decimals: best };
}
