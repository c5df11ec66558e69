// fidelity.mmd for tables: the unbiased MMD² (Gretton et al. 2012) between the real and synthetic records
// with a Gaussian (RBF) kernel at the median-heuristic bandwidth, on the table features of
// tableFeatures.ts. The arithmetic is the image metric's (image/mmd.ts maximumMeanDiscrepancy: σ = the
// median Euclidean distance over the pairs of the pooled records, of at most MEDIAN_POINTS evenly spaced
// pooled records, real first).
import { maximumMeanDiscrepancy, MMD_ID } from './image/mmd';
import { encodeTableFeatures, featureDetails, NO_FEATURE_COLUMNS } from './tableFeatures';
import { notApplicable } from './tableColumns';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const TABLE_MMD_ID = MMD_ID;

/** Computes the metric; needs two rows in each table. Throws BAD_INPUT for unusable tables, CANCELLED on abort. */
export async function computeTableMmd(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const f = encodeTableFeatures(input.real, input.synth);
  if (!f) return notApplicable(TABLE_MMD_ID, NO_FEATURE_COLUMNS);
  const r = await maximumMeanDiscrepancy(f.real, f.synth, signal);
  return {
    id: TABLE_MMD_ID,
    score: r.mmd2,
    details: { mmd2: r.mmd2, bandwidth: r.bandwidth, kernel: 'rbf', ...featureDetails(f) },
    leftOut: f.leftOut,
  };
}

export const tableMmdMetric: TableMetric = {
  id: TABLE_MMD_ID,
  title: 'Maximum mean discrepancy of records (RBF kernel)',
  modality: 'table',
  goal: 'minimize',
  range: [0, 2],
  doc:
    'Each record becomes one feature vector (numbers and dates scaled to [0, 1] by the real range, categories and booleans ' +
    'one-hot, an empty cell as the real mean plus an "empty" indicator, identifiers and text left out; above 5,000 rows a table ' +
    'is thinned evenly). Score = the unbiased estimate of MMD² between the real and synthetic records with a Gaussian kernel ' +
    'whose width is the median distance between pooled records (of at most 1,000 evenly spaced ones). 0 means the two tables ' +
    'cannot be told apart by the kernel (the unbiased estimate then scatters around 0 and can be slightly negative); 2 is the ' +
    'largest possible value, two tables with nothing in common at that width.',
  reference:
    'Gretton et al. 2012 (unbiased MMD², eq. 3; median heuristic); kernel as sklearn.metrics.pairwise.rbf_kernel with ' +
    'gamma = 1 / (2σ²). synthcity\'s MaximumMeanDiscrepancy (kernel "rbf") differs: the biased V-statistic (means over the ' +
    'whole kernel matrices, diagonals included) at a fixed gamma = 1, no median heuristic',
  compute: computeTableMmd,
};
