// The explicit list of table metrics and the call that runs a selection of them (runMetrics.ts). A metric that
// fails becomes a result with an `error` field so one bad column never sinks the whole report; one
// that does not apply to the tables returns `notApplicable` itself.
import { alphaPrecisionMetric, betaRecallMetric } from './alphaBeta';
import { authenticityMetric } from './authenticity';
import { inferenceMetric } from './attacks/inference';
import { linkabilityMetric } from './attacks/linkability';
import { singlingOutMetric } from './attacks/singlingOut';
import { attributeInferenceMetric } from './attributeInference';
import { contingencySimilarityMetric } from './contingencySimilarity';
import { correlationSimilarityMetric } from './correlationSimilarity';
import { dcrMetric } from './dcr';
import { dcrBaselineProtectionMetric } from './dcrBaselineProtection';
import { dcrOverfittingProtectionMetric } from './dcrOverfittingProtection';
import { detectionMetric } from './detection';
import { exactCopiesMetric } from './exactCopies';
import { identifierCopiesMetric } from './identifierCopies';
import { identifiabilityMetric } from './identifiability';
import { kAnonymityMetric } from './kAnonymity';
import { ksComplementMetric } from './ksComplement';
import { lDiversityMetric } from './lDiversity';
import { membershipDensityMetric } from './membershipDensity';
import { membershipInferenceMetric } from './membershipInference';
import { missingValueSimilarityMetric } from './missingValueSimilarity';
import { nndrMetric } from './nndr';
import { runMetrics } from './runMetrics';
import { tableMmdMetric } from './tableMmd';
import { tablePrdcMetric } from './tablePrdc';
import { tvComplementMetric } from './tvComplement';
import { tstrMetric } from './utility/tstr';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const TABLE_METRICS: readonly TableMetric[] = [
  ksComplementMetric,
  tvComplementMetric,
  missingValueSimilarityMetric,
  correlationSimilarityMetric,
  contingencySimilarityMetric,
  detectionMetric,
  alphaPrecisionMetric,
  betaRecallMetric,
  tablePrdcMetric,
  tableMmdMetric,
  exactCopiesMetric,
  identifierCopiesMetric,
  dcrMetric,
  nndrMetric,
  membershipInferenceMetric,
  identifiabilityMetric,
  authenticityMetric,
  membershipDensityMetric,
  dcrBaselineProtectionMetric,
  dcrOverfittingProtectionMetric,
  singlingOutMetric,
  linkabilityMetric,
  inferenceMetric,
  attributeInferenceMetric,
  kAnonymityMetric,
  lDiversityMetric,
  tstrMetric,
];

export function getTableMetric(id: string): TableMetric | undefined {
  return TABLE_METRICS.find((m) => m.id === id);
}

/**
 * Runs the metrics named by `ids` (all of them by default) in registry order of the request.
 * Unknown ids throw BAD_USAGE before anything runs; cancellation throws CANCELLED; any other
 * failure of one metric becomes `{ score: null, error }` for that metric. Each score gets its seeded
 * bootstrap interval (details.ci95) from input.options.bootstrap and .seed (runMetrics, bootstrap.ts).
 */
export async function evaluateTableMetrics(
  input: TableMetricInput,
  ids?: readonly string[],
  signal?: AbortSignal,
): Promise<MetricResult[]> {
  const bootstrap = { bootstrap: input.options?.bootstrap, seed: input.options?.seed };
  return runMetrics('table', TABLE_METRICS, input, ids, signal, undefined, bootstrap);
}
