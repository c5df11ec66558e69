// The explicit list of table metrics and the call that runs a selection of them (runMetrics.ts). A metric that
// fails becomes a result with an `error` field so one bad column never sinks the whole report; one
// that does not apply to the tables returns `notApplicable` itself.
import { contingencySimilarityMetric } from './contingencySimilarity';
import { correlationSimilarityMetric } from './correlationSimilarity';
import { dcrMetric } from './dcr';
import { detectionMetric } from './detection';
import { exactCopiesMetric } from './exactCopies';
import { identifierCopiesMetric } from './identifierCopies';
import { kAnonymityMetric } from './kAnonymity';
import { ksComplementMetric } from './ksComplement';
import { lDiversityMetric } from './lDiversity';
import { membershipInferenceMetric } from './membershipInference';
import { missingValueSimilarityMetric } from './missingValueSimilarity';
import { nndrMetric } from './nndr';
import { runMetrics } from './runMetrics';
import { tvComplementMetric } from './tvComplement';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const TABLE_METRICS: readonly TableMetric[] = [
  ksComplementMetric,
  tvComplementMetric,
  missingValueSimilarityMetric,
  correlationSimilarityMetric,
  contingencySimilarityMetric,
  detectionMetric,
  exactCopiesMetric,
  identifierCopiesMetric,
  dcrMetric,
  nndrMetric,
  membershipInferenceMetric,
  kAnonymityMetric,
  lDiversityMetric,
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
  return runMetrics('table', TABLE_METRICS, input, ids, signal);
}
