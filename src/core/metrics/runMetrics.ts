// The loop that runs a selection of metrics, shared by the table registry and the image list: unknown
// ids are BAD_USAGE before anything runs, a metric that fails becomes a result with `error` so one bad
// metric never sinks the whole report, an abort is CANCELLED. A result that offers `resample` gets its
// seeded bootstrap interval here (bootstrap.ts), and the closure never leaves this loop.
import { MedSynthError, throwIfAborted } from '../errors';
import { checkBootstrapSettings, runBootstrap } from './bootstrap';
import type { BootstrapSettings } from './bootstrap';
import { DEFAULT_BOOTSTRAP } from './metricOptions';
import { yieldToEventLoop } from './tableColumns';
import type { MetricResult } from './types';

/** What the loop needs of a metric: its id and its compute function. */
export interface RunnableMetric<I> {
  readonly id: string;
  /** The score's range, which bootstrap intervals are clamped to. */
  readonly range?: readonly [number, number];
  compute(input: I, signal?: AbortSignal): MetricResult | Promise<MetricResult>;
}

/** The bootstrap settings of a run; either may be left out (DEFAULT_BOOTSTRAP resamples, seed 0). */
export interface RunBootstrapOptions {
  readonly bootstrap?: number;
  readonly seed?: number;
}

/**
 * Runs the metrics of `all` named by `ids` (all of them by default) in the order asked. `kind` names the
 * list in the BAD_USAGE message ("table", "image"); `finish` may amend each computed result. Every result
 * with a score and a `resample` closure gets details.ci95 from `options.bootstrap` resamples (0 = none).
 */
export async function runMetrics<I, M extends RunnableMetric<I>>(
  kind: string,
  all: readonly M[],
  input: I,
  ids: readonly string[] | undefined,
  signal: AbortSignal | undefined,
  finish: (metric: M, result: MetricResult) => MetricResult = (_metric, result) => result,
  options: RunBootstrapOptions = {},
): Promise<MetricResult[]> {
  const settings: BootstrapSettings = { resamples: options.bootstrap ?? DEFAULT_BOOTSTRAP, seed: options.seed ?? 0 };
  checkBootstrapSettings(settings);
  const selected = (ids ?? all.map((m) => m.id)).map((id) => {
    const metric = all.find((m) => m.id === id);
    if (!metric) {
      throw new MedSynthError('BAD_USAGE', `unknown ${kind} metric "${id}"`, { expected: all.map((m) => m.id).join(', ') });
    }
    return metric;
  });
  const results: MetricResult[] = [];
  for (const metric of selected) {
    // Most metrics are synchronous; a turn of the event loop between them lets a cancel from the
    // editor or Ctrl-C land after each one instead of only after all of them.
    await yieldToEventLoop();
    throwIfAborted(signal);
    try {
      // runBootstrap throws nothing but CANCELLED: a failing closure costs the interval, not the score.
      results.push(finish(metric, await runBootstrap(await metric.compute(input, signal), settings, signal, undefined, metric.range)));
    } catch (e) {
      if (e instanceof MedSynthError && e.code === 'CANCELLED') throw e;
      if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled', {}, { cause: e });
      results.push({ id: metric.id, score: null, details: {}, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return results;
}
