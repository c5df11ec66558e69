// The loop that runs a selection of metrics, shared by the table registry and the image list: unknown
// ids are BAD_USAGE before anything runs, a metric that fails becomes a result with `error` so one bad
// metric never sinks the whole report, an abort is CANCELLED.
import { MedSynthError, throwIfAborted } from '../errors';
import { yieldToEventLoop } from './tableColumns';
import type { MetricResult } from './types';

/** What the loop needs of a metric: its id and its compute function. */
export interface RunnableMetric<I> {
  readonly id: string;
  compute(input: I, signal?: AbortSignal): MetricResult | Promise<MetricResult>;
}

/**
 * Runs the metrics of `all` named by `ids` (all of them by default) in the order asked. `kind` names the
 * list in the BAD_USAGE message ("table", "image"); `finish` may amend each computed result.
 */
export async function runMetrics<I, M extends RunnableMetric<I>>(
  kind: string,
  all: readonly M[],
  input: I,
  ids: readonly string[] | undefined,
  signal: AbortSignal | undefined,
  finish: (metric: M, result: MetricResult) => MetricResult = (_metric, result) => result,
): Promise<MetricResult[]> {
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
      results.push(finish(metric, await metric.compute(input, signal)));
    } catch (e) {
      if (e instanceof MedSynthError && e.code === 'CANCELLED') throw e;
      if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled', {}, { cause: e });
      results.push({ id: metric.id, score: null, details: {}, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return results;
}
