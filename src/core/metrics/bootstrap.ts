// Seeded bootstrap intervals for every score: a metric that can recompute its score on resampled rows
// says so with MetricResult.resample (types.ts); runMetrics calls runBootstrap after the metric has
// computed, which draws `resamples` bootstrap samples, collects the resampled scores and writes
//   details.ci95       [lo, hi]: the 2.5th and 97.5th percentiles of the resampled scores (the percentile
//                      method: Efron & Tibshirani, An Introduction to the Bootstrap, 1993, ch. 13), with
//                      numpy.percentile's default quantile convention (linear interpolation between order
//                      statistics at position (m − 1) · q of the m sorted values, tableColumns.ts
//                      quantileSorted), each less the bootstrap estimate of the bias (the mean resampled
//                      score minus the score, ch. 10), clamped to the metric's range: see below
//   details.bootstrap  { resamples, seed, method: 'shifted percentile', completed, skipped, bias, stoppedEarly? },
//                      or { resamples, seed, method, error } when the closure failed (the score stands)
// and drops the closure, so that the stored result is plain JSON.
//
// The draws are counter-based (the murmur3 finalizer of generators/latent.ts): index i of the s-th draw
// call of resample b of metric `id` under `seed` is a pure function of (seed, id, b, s, i), so an interval
// does not depend on which other metrics ran, in which order, or on how many indices a metric drew in an
// earlier resample. Index = ⌊u · n / 2^32⌋ for a 32-bit hash u: the bias towards low indices is below
// n / 2^32 (2 · 10^-5 at 100k rows).
//
// What the interval says: the spread of the score under resampling of the compared rows, so that two
// runs whose intervals overlap are not told apart. For a similarity of the form 1 − distance (KS, TV,
// correlation, contingency, missing-value similarity) between two samples of nearly one distribution the
// resampled distances are larger than the observed one (a resample's own noise adds to it), so the plain
// percentile interval lies below the score and may exclude it: measured on two independent 10k-row
// samples of one table, KS complement 0.988 with a percentile interval [0.979, 0.986]. The interval is
// therefore shifted by the bootstrap's own estimate of that bias (details.bootstrap.bias, the mean
// resampled score − the score): its width is the percentile interval's, its place is centred on the score
// the way the resampled scores are centred on their mean, and it is clamped to the metric's range. A share
// (exact copies, identifier copies) has no such bias and is left where it is; the detection score is
// clamped at 1 (AUC ≤ 0.5), so near chance its interval ends at 1.
//
// Cost: each metric's closure precomputes what it can (sorted values, per-row codes), so one resample is
// O(n) or O(n log n). A metric's bootstrap stops after BOOTSTRAP_TIME_LIMIT_MS all the same, with the
// resamples done so far (details.bootstrap.completed, stoppedEarly: true; no interval from fewer than
// BOOTSTRAP_MIN_RESAMPLES resampled scores, unless fewer were asked for): an interval cut short by the
// clock depends on the machine's speed, so only one with completed = resamples is reproducible. Measured
// for 200 resamples on one core of the 2-core machine, 8 numeric + 4 categorical columns: 10k rows, KS,
// TV, missing values, correlations (28 pairs), contingency, detection and exact copies together 1.9 s
// with their scores (correlations 1.0 s of it); 100k rows, KS 5.5 s, correlations 7.5 s, missing values
// 1.5 s, contingency 1.9 s, TV 1.1 s, detection 0.4 s.
import { fmix32 } from '../generators/latent';
import { MedSynthError, throwIfAborted } from '../errors';
import { quantileSorted } from './tableColumns';
import type { MetricResult } from './types';
import { timeSlicer } from './workSteps';

/** The settings behind the intervals (MetricOptions.bootstrap and .seed). */
export interface BootstrapSettings {
  /** Resamples per metric; 0 = no intervals. */
  readonly resamples: number;
  /** Seed of the draws (a non-negative integer below 2^53). */
  readonly seed: number;
}

/** What details.bootstrap holds. */
export interface BootstrapRecord {
  readonly resamples: number;
  readonly seed: number;
  readonly method: 'shifted percentile';
  /** Resamples that gave a score (the interval's basis). */
  readonly completed: number;
  /** Resamples whose score was undefined (null, or NaN), left out. */
  readonly skipped: number;
  /**
   * Mean of the resampled scores minus the score. Not small for the "1 − distance" similarities when the
   * two samples are close: each resample adds its own sampling noise to the distance, so the resampled
   * scores sit below the score; ci95 is the percentile interval less this (see the header).
   */
  readonly bias?: number;
  /** Set when BOOTSTRAP_TIME_LIMIT_MS ran out before all resamples were drawn. */
  readonly stoppedEarly?: true;
}

/**
 * `result` with `resample` attached as a non-enumerable property: it is behaviour, not data, so two
 * results with equal numbers compare equal (assert.deepStrictEqual looks at enumerable properties only)
 * and JSON.stringify would leave it out even where runBootstrap has not dropped it.
 */
export function withResample(result: MetricResult, resample: NonNullable<MetricResult['resample']>): MetricResult {
  return Object.defineProperty({ ...result }, 'resample', { value: resample, enumerable: false, configurable: true });
}

/** The most time one metric's resamples may take, in milliseconds. */
export const BOOTSTRAP_TIME_LIMIT_MS = 30_000;
/** Below this many resampled scores no interval is given (its ends would be single draws). */
export const BOOTSTRAP_MIN_RESAMPLES = 20;

const TWO_POW_32 = 4294967296;

/** A 32-bit hash of a metric id (fmix32 chained over its UTF-16 code units). */
function idHash(id: string): number {
  let h = 0x3c6ef372;
  for (let k = 0; k < id.length; k++) h = fmix32((h ^ id.charCodeAt(k)) + 0x9e3779b9);
  return h;
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new MedSynthError('BAD_USAGE', `the bootstrap seed must be a non-negative integer, got ${seed}`);
}

/** BAD_USAGE unless resamples is a whole number from 0 to 10000 and the seed a non-negative integer. */
export function checkBootstrapSettings(settings: BootstrapSettings): void {
  const r = settings.resamples;
  if (!(Number.isInteger(r) && r >= 0 && r <= 10_000))
    throw new MedSynthError('BAD_USAGE', `the bootstrap resamples must be a whole number from 0 to 10000, not ${r}`);
  checkSeed(settings.seed);
}

/**
 * The draw function of resample `resample` of metric `id`: its s-th call (s = 0, 1, …) gives n indices in
 * 0..n−1, index i = ⌊fmix32(key_s + (i + 1) · 0x632be5ab) · n / 2^32⌋ with key_s a hash chain over
 * (seed, id, resample, s).
 */
export function bootstrapDraw(seed: number, id: string, resample: number): (n: number) => Uint32Array {
  checkSeed(seed);
  const lo = (seed % TWO_POW_32) >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  let key = fmix32((lo ^ 0x9e3779b9) >>> 0);
  key = fmix32((key ^ hi ^ 0x7f4a7c15) >>> 0);
  key = fmix32((key ^ idHash(id) ^ 0x94d049bb) >>> 0);
  key = fmix32((key ^ resample ^ 0xbf58476d) >>> 0);
  let call = 0;
  return (n: number) => {
    if (!Number.isInteger(n) || n < 0) throw new MedSynthError('BAD_USAGE', `a bootstrap draw needs a row count, not ${n}`);
    const k = fmix32((key ^ Math.imul(call + 1, 0x85ebca6b)) >>> 0);
    call++;
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor((fmix32((k + Math.imul(i + 1, 0x632be5ab)) >>> 0) / TWO_POW_32) * n);
    return out;
  };
}

/** How many times each of 0..n−1 occurs in a draw (the weights most closures work with). */
export function drawCounts(draw: Uint32Array, n: number): Uint32Array {
  const counts = new Uint32Array(n);
  for (const i of draw) counts[i]++;
  return counts;
}

/**
 * Counts the per-row codes (−1 = left out) of the drawn rows into `counts` (zeroed first); returns how
 * many drawn rows had a code.
 */
export function tallyCodes(byRow: Int32Array, rows: Uint32Array, counts: Uint32Array): number {
  counts.fill(0);
  let n = 0;
  for (const r of rows) {
    const q = byRow[r];
    if (q >= 0) {
      counts[q]++;
      n++;
    }
  }
  return n;
}

/**
 * [2.5th, 97.5th] percentiles of `values` (any order) with numpy.percentile's default linear
 * interpolation; undefined for no values.
 */
export function percentileInterval(values: readonly number[] | Float64Array, level = 0.95): [number, number] | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const tail = (1 - level) / 2;
  return [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)];
}

/**
 * The result with its interval written and its `resample` closure dropped. No interval (and no
 * details.bootstrap) when resamples is 0, the score is null or the metric has no closure. CANCELLED when
 * `signal` aborts between resamples; a closure that throws anything else costs the interval only
 * (details.bootstrap.error), never the score.
 */
export async function runBootstrap(
  result: MetricResult,
  settings: BootstrapSettings,
  signal?: AbortSignal,
  timeLimitMs = BOOTSTRAP_TIME_LIMIT_MS,
  range?: readonly [number, number],
): Promise<MetricResult> {
  const { resample, ...plain } = result;
  if (!resample || settings.resamples <= 0 || result.score === null) return plain;
  checkSeed(settings.seed);
  const slice = timeSlicer(signal);
  const started = performance.now();
  const scores: number[] = [];
  let skipped = 0;
  let stoppedEarly = false;
  try {
    for (let b = 0; b < settings.resamples; b++) {
      await slice();
      if (performance.now() - started > timeLimitMs) {
        stoppedEarly = true;
        break;
      }
      const s = resample(bootstrapDraw(settings.seed, result.id, b));
      if (s === null || Number.isNaN(s)) skipped++;
      else scores.push(s);
    }
    throwIfAborted(signal);
  } catch (e) {
    if (e instanceof MedSynthError && e.code === 'CANCELLED') throw e;
    if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled', {}, { cause: e });
    const error = `the bootstrap failed: ${e instanceof Error ? e.message : String(e)}`;
    return {
      ...plain,
      details: { ...plain.details, bootstrap: { resamples: settings.resamples, seed: settings.seed, method: 'shifted percentile', error } },
    };
  }
  const bias = scores.length > 0 ? scores.reduce((a, v) => a + v, 0) / scores.length - result.score : undefined;
  const record: BootstrapRecord = {
    resamples: settings.resamples,
    seed: settings.seed,
    method: 'shifted percentile',
    completed: scores.length,
    skipped,
    ...(bias !== undefined ? { bias } : {}),
    ...(stoppedEarly ? { stoppedEarly: true as const } : {}),
  };
  // A run asked for fewer resamples than the minimum gets its interval all the same: the user chose it.
  const enough = scores.length > 0 && scores.length >= Math.min(BOOTSTRAP_MIN_RESAMPLES, settings.resamples);
  const ci95 = enough ? shiftedInterval(percentileInterval(scores), bias ?? 0, range) : undefined;
  return { ...plain, details: { ...plain.details, ...(ci95 ? { ci95 } : {}), bootstrap: record } };
}

/** The percentile interval less the bias, clamped to the metric's range (when it has a finite one). */
export function shiftedInterval(
  interval: [number, number] | undefined,
  bias: number,
  range?: readonly [number, number],
): [number, number] | undefined {
  if (!interval) return undefined;
  const lo = Number.isFinite(range?.[0]) ? range![0] : -Infinity;
  const hi = Number.isFinite(range?.[1]) ? range![1] : Infinity;
  const clamp = (x: number): number => Math.min(hi, Math.max(lo, x));
  return [clamp(interval[0] - bias), clamp(interval[1] - bias)];
}
