// Fitting the built-in Gaussian copula (DESIGN.md "built-in fitters"): per-column empirical marginals,
// rank-based normal scores, their pairwise-complete correlation, repaired to positive definite and
// factored. The fitted model is plain data; copulaGraph.ts writes it as ONNX, copulaSampler.ts
// evaluates the same math in TypeScript.
import { MedSynthError, throwIfAborted } from '../errors';
import type { Column, Table } from '../data/table';
import { choleskyOfCorrelation } from './linalg';
import { normalQuantile } from './normal';

/** Number of quantile knots per continuous column (the inverse marginal is interpolated between them). */
export const COPULA_KNOTS = 257;

export interface CopulaContinuousColumn {
  readonly kind: 'numeric' | 'datetime';
  readonly name: string;
  readonly integer: boolean;
  readonly precision?: 'date' | 'datetime';
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

/** Average ranks (1-based) of the present values, ties sharing the mean of their positions. */
function averageRanks(values: Float64Array, present: Int32Array): Float64Array {
  const idx = Array.from(present).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length).fill(NaN);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && values[idx[j + 1]] === values[idx[i]]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[idx[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

function columnValues(c: Column): Float64Array {
  if (c.kind === 'numeric' || c.kind === 'datetime') return c.values;
  if (c.kind === 'categorical' || c.kind === 'boolean') return Float64Array.from(c.codes, (v) => (v < 0 ? NaN : v));
  throw new Error(`column ${c.name} is not modelled`);
}

function presentRows(values: Float64Array): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) rows.push(i);
  return Int32Array.from(rows);
}

/** Normal scores Phi^-1((r - 0.5) / n) of the present values; NaN where missing. */
function normalScores(values: Float64Array): Float64Array {
  const present = presentRows(values);
  const ranks = averageRanks(values, present);
  const n = present.length;
  return ranks.map((r) => (Number.isNaN(r) ? NaN : normalQuantile((r - 0.5) / n)));
}

function quantileKnots(values: Float64Array): Float64Array {
  const sorted = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
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

const normalDensity = (z: number): number => (Number.isFinite(z) ? Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) : 0);

/**
 * corr(Z, S) for a standard normal latent Z and the normal score S the column's discrete values give
 * it (ties share one score). Correlations of such scores are the latent ones times these factors, so
 * dividing them out keeps categorical, boolean and heavily tied columns from being sampled with
 * weakened correlations (the polyserial correction; ~1 for columns without ties).
 */
function scoreAttenuation(values: Float64Array, scores: Float64Array): number {
  const groups = new Map<number, { count: number; score: number }>();
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    n++;
    const g = groups.get(values[i]);
    if (g) g.count++;
    else groups.set(values[i], { count: 1, score: scores[i] });
  }
  let cum = 0;
  let cross = 0;
  let mean = 0;
  let square = 0;
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const { count, score } = groups.get(key) as { count: number; score: number };
    const lo = normalQuantile(cum / n);
    cum += count;
    const hi = normalQuantile(Math.min(cum / n, 1));
    cross += score * (normalDensity(lo) - normalDensity(hi));
    mean += (count / n) * score;
    square += (count / n) * score * score;
  }
  const sd = Math.sqrt(square - mean * mean);
  return sd > 0 ? Math.min(1, cross / sd) : 1;
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
  const n = table.rowCount;
  if (n < 2) throw new MedSynthError('BAD_INPUT', `a copula needs at least 2 rows, the table has ${n}`);
  const columns: CopulaColumn[] = [];
  const continuous: number[] = [];
  const categorical: number[] = [];
  const missing: number[] = [];
  const scores = new Map<number, Float64Array>();
  const attenuation = new Map<number, number>();
  table.columns.forEach((c, ci) => {
    throwIfAborted(opts.signal);
    if (c.kind === 'identifier') {
      columns.push({ kind: 'identifier', name: c.name, prefix: freshPrefix(c.name, c.values) });
      return;
    }
    if (c.kind === 'text') {
      columns.push({ kind: 'text', name: c.name });
      return;
    }
    const values = columnValues(c);
    const present = presentRows(values).length;
    const missingRate = (n - present) / n;
    if (missingRate > 0) missing.push(ci);
    const columnScores = normalScores(values);
    scores.set(ci, columnScores);
    attenuation.set(ci, scoreAttenuation(values, columnScores));
    if (c.kind === 'numeric' || c.kind === 'datetime') {
      const knots = quantileKnots(values);
      continuous.push(ci);
      columns.push({
        kind: c.kind,
        name: c.name,
        integer: c.kind === 'numeric' && c.integer,
        ...(c.kind === 'datetime' ? { precision: c.precision } : {}),
        min: knots[0],
        max: knots[COPULA_KNOTS - 1],
        knots,
        missingRate,
      });
    } else if (c.kind === 'categorical' || c.kind === 'boolean') {
      const counts = new Float64Array(c.categories.length);
      for (const code of c.codes) if (code >= 0) counts[code]++;
      categorical.push(ci);
      columns.push({ kind: c.kind, name: c.name, categories: [...c.categories], probabilities: counts.map((k) => (present > 0 ? k / present : 0)), missingRate });
    }
  });
  const order = [...continuous, ...categorical];
  if (order.length === 0) throw new MedSynthError('BAD_INPUT', 'the table has no numeric, datetime, categorical or boolean column to model');
  const p = order.length;
  const corr = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    throwIfAborted(opts.signal);
    corr[i * p + i] = 1;
    for (let j = 0; j < i; j++) {
      const observed = pairwiseCorrelation(scores.get(order[i]) as Float64Array, scores.get(order[j]) as Float64Array);
      const scale = (attenuation.get(order[i]) as number) * (attenuation.get(order[j]) as number);
      const r = Math.max(-0.999, Math.min(0.999, scale > 0.05 ? observed / scale : observed));
      corr[i * p + j] = r;
      corr[j * p + i] = r;
    }
  }
  const { correlation, factor } = choleskyOfCorrelation(corr, p);
  return { type: 'gaussian-copula', sourceRows: n, columns, order, missingOrder: missing, correlation, cholesky: factor };
}
