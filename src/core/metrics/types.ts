// What every metric is: a pure compute function plus a descriptor saying what its score means.
import type { Table } from '../data/table/table';
import type { MetricOptions } from './metricOptions';

export type Modality = 'image' | 'signal' | 'table' | 'text';
export type MetricGoal = 'maximize' | 'minimize';

export interface MetricDescriptor {
  /** `fidelity.*`, `privacy.*`, `utility.*` or `diversity.*`. */
  readonly id: string;
  readonly title: string;
  readonly modality: Modality;
  readonly goal: MetricGoal;
  readonly range: readonly [number, number];
  /** Plain language: what a score of 0 and of 1 (or the range ends) mean. */
  readonly doc: string;
  /** The definition this follows (paper or library). */
  readonly reference: string;
}

export interface TableMetricInput {
  readonly real: Table;
  readonly synth: Table;
  readonly holdout?: Table;
  /** Quasi-identifiers, secret, k, target, bootstrap and seed (metricOptions.ts); checked against `real`. */
  readonly options?: MetricOptions;
}

/**
 * Rows, cells or columns a metric did not use, counted, so that every view of the report (summary,
 * HTML, Markdown, the report webview) can say how many instead of burying it in the details.
 */
export interface LeftOut {
  readonly count: number;
  readonly unit: 'rows' | 'cells' | 'columns' | 'column pairs';
  /** The columns (or "a|b" pairs) concerned, where naming them helps. */
  readonly names?: readonly string[];
  /** Why, in plain words. */
  readonly reason: string;
}

export interface MetricResult {
  readonly id: string;
  /** null when the metric could not be computed (`error` says why) or does not apply (`notApplicable`). */
  readonly score: number | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly error?: string;
  /**
   * Set, with a null score and no error, when the tables simply have no columns of the kind the metric
   * needs (no categorical column for a category metric, say): a fine run, not a failure. The reason.
   */
  readonly notApplicable?: string;
  /** What the score did not take into account; absent or empty when it used everything. */
  readonly leftOut?: readonly LeftOut[];
  /**
   * Set by a metric that can recompute its score cheaply from per-record values it already has: the
   * score on one bootstrap resample. `draw(n)` gives n indices drawn with replacement from 0..n−1 (call it
   * once per sample resampled: real, synthetic, holdout). runMetrics calls it `bootstrap` times with a
   * seeded generator, writes details.ci95 = [2.5th, 97.5th percentile] and details.bootstrap, and drops it
   * before the result is stored. A resample that returns null (undefined there) is skipped.
   */
  readonly resample?: (draw: (n: number) => Uint32Array) => number | null;
}

export interface TableMetric extends MetricDescriptor {
  readonly modality: 'table';
  compute(input: TableMetricInput, signal?: AbortSignal): MetricResult | Promise<MetricResult>;
}
