// Whether a metric moved between two runs (Compare Runs): B − A read against the metric's goal, and,
// when both runs carry a bootstrap interval for it (details.ci95), against those intervals.
//
// The rule, in this order:
//   unchanged     |B − A| < UNCHANGED_BELOW (shown to three decimals, the scores are the same).
//   withinNoise   both runs have a 95% interval and the two intervals overlap, ends included (closed
//                 intervals: [0.1, 0.2] and [0.2, 0.3] share 0.2, so they overlap). The resampling
//                 cannot tell the two scores apart, so the table says ≈ rather than better or worse.
//                 Overlap is a conservative reading (two intervals can overlap while the difference is
//                 real); it is meant to stop a reader from acting on noise, not to prove the runs equal.
//   better/worse  otherwise, by the sign of B − A and the goal: higher is better for 'maximize', lower
//                 for 'minimize'. This is the whole rule when either run has no interval (no score,
//                 --bootstrap 0, or a metric without resampling): the point delta, as before intervals.
import type { MetricGoal } from '../metrics/types';
import type { ReportMetric } from './model';
import { ci95Of } from './reportText';

export type DeltaKind = 'unchanged' | 'better' | 'worse' | 'withinNoise';

/** Below this absolute difference two scores count as unchanged. */
export const UNCHANGED_BELOW = 5e-4;

export interface ScoreAndInterval {
  readonly score: number;
  /** The 95% interval, in either order; absent when the run has none. */
  readonly ci95?: readonly [number, number];
}

/** True when two closed intervals share at least one point (touching ends overlap). */
export function intervalsOverlap(a: readonly [number, number], b: readonly [number, number]): boolean {
  const [aLo, aHi] = [Math.min(a[0], a[1]), Math.max(a[0], a[1])];
  const [bLo, bHi] = [Math.min(b[0], b[1]), Math.max(b[0], b[1])];
  return aLo <= bHi && bLo <= aHi;
}

/** B against A for a metric with this goal (the rule in the file header). */
export function scoreDeltaKind(a: ScoreAndInterval, b: ScoreAndInterval, goal: MetricGoal): DeltaKind {
  const delta = b.score - a.score;
  if (Math.abs(delta) < UNCHANGED_BELOW) return 'unchanged';
  if (a.ci95 && b.ci95 && intervalsOverlap(a.ci95, b.ci95)) return 'withinNoise';
  const better = goal === 'maximize' ? delta > 0 : delta < 0;
  return better ? 'better' : 'worse';
}

/** The mark Compare Runs shows for a kind. */
export function deltaKindMark(kind: DeltaKind): string {
  switch (kind) {
    case 'unchanged':
      return '=';
    case 'withinNoise':
      return '≈ within noise';
    case 'better':
      return '▲ better';
    case 'worse':
      return '▼ worse';
  }
}

/**
 * The kind for two runs' results of one metric, reading each one's details.ci95; undefined when either
 * has no finite score (nothing to compare).
 */
export function metricDeltaKind(a: ReportMetric | undefined, b: ReportMetric | undefined, goal: MetricGoal): DeltaKind | undefined {
  const side = (m: ReportMetric | undefined): ScoreAndInterval | undefined => {
    if (!m || typeof m.score !== 'number' || !Number.isFinite(m.score)) return undefined;
    const ci = ci95Of(m);
    return ci ? { score: m.score, ci95: ci } : { score: m.score };
  };
  const sa = side(a);
  const sb = side(b);
  return sa && sb ? scoreDeltaKind(sa, sb, goal) : undefined;
}
