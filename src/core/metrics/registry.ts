// The explicit list of table metrics and the loop that runs a selection of them. A metric that
// fails becomes a result with an `error` field so one bad column never sinks the whole report; one
// that does not apply to the tables returns `notApplicable` itself.
import { MedSynthError, throwIfAborted } from '../errors';
import { yieldToEventLoop } from './tableColumns';
import { contingencySimilarityMetric } from './contingencySimilarity';
import { correlationSimilarityMetric } from './correlationSimilarity';
import { dcrMetric } from './dcr';
import { exactCopiesMetric } from './exactCopies';
import { identifierCopiesMetric } from './identifierCopies';
import { ksComplementMetric } from './ksComplement';
import { nndrMetric } from './nndr';
import { tvComplementMetric } from './tvComplement';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const TABLE_METRICS: readonly TableMetric[] = [
  ksComplementMetric,
  tvComplementMetric,
  correlationSimilarityMetric,
  contingencySimilarityMetric,
  exactCopiesMetric,
  identifierCopiesMetric,
  dcrMetric,
  nndrMetric,
];

export function getTableMetric(id: string): TableMetric | undefined {
  return TABLE_METRICS.find((m) => m.id === id);
}

/**
 * Runs the metrics named by `ids` (all of them by default) in registry order of the request.
 * Unknown ids throw BAD_USAGE before anything runs; cancellation throws CANCELLED; any other
 * failure of one metric becomes `{ score: null, error }` for that metric.
 */
export async function evaluateTableMetrics(
  input: TableMetricInput,
  ids?: readonly string[],
  signal?: AbortSignal,
): Promise<MetricResult[]> {
  const selected = (ids ?? TABLE_METRICS.map((m) => m.id)).map((id) => {
    const metric = getTableMetric(id);
    if (!metric) {
      throw new MedSynthError('BAD_USAGE', `unknown table metric "${id}"`, { expected: TABLE_METRICS.map((m) => m.id).join(', ') });
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
      results.push(await metric.compute(input, signal));
    } catch (e) {
      if (e instanceof MedSynthError && e.code === 'CANCELLED') throw e;
      if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled', {}, { cause: e });
      results.push({ id: metric.id, score: null, details: {}, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return results;
}
