// fidelity.prdc for tables: precision, recall, density and coverage (Naeem et al. 2020) of the synthetic
// records against k-NN balls around the real ones, on the table features of tableFeatures.ts. The
// arithmetic is the image metric's (image/prdc.ts precisionRecallDensityCoverage: Euclidean, k = 5, the
// k-th neighbour excluding the point itself, strict "<" against the radius, as the authors' prdc package).
import { precisionRecallDensityCoverage, PRDC_DEFAULT_K, PRDC_ID } from './image/prdc';
import { encodeTableFeatures, featureDetails, NO_FEATURE_COLUMNS } from './tableFeatures';
import { notApplicable } from './tableColumns';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const TABLE_PRDC_ID = PRDC_ID;

/**
 * Computes the metric. notApplicable when a table has no more than k rows (no k-th neighbour to draw a ball
 * with); BAD_INPUT for unusable tables (empty, ragged, a missing or retyped column), CANCELLED on abort.
 */
export async function computeTablePrdc(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const f = encodeTableFeatures(input.real, input.synth);
  if (!f) return notApplicable(TABLE_PRDC_ID, NO_FEATURE_COLUMNS);
  if (f.real.rows <= PRDC_DEFAULT_K || f.synth.rows <= PRDC_DEFAULT_K) {
    return notApplicable(
      TABLE_PRDC_ID,
      `needs more than ${PRDC_DEFAULT_K} rows in each table (a ball reaches the ${PRDC_DEFAULT_K}th nearest neighbour)`,
    );
  }
  const p = await precisionRecallDensityCoverage(f.real, f.synth, PRDC_DEFAULT_K, signal);
  return { id: TABLE_PRDC_ID, score: p.coverage, details: { ...p, ...featureDetails(f) }, leftOut: f.leftOut };
}

export const tablePrdcMetric: TableMetric = {
  id: TABLE_PRDC_ID,
  title: 'Precision, recall, density and coverage (records)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Each record becomes one feature vector (numbers and dates scaled to [0, 1] by the real range, categories and booleans ' +
    'one-hot, an empty cell as the real mean plus an "empty" indicator, identifiers and text left out; above 5,000 rows a table ' +
    'is thinned evenly). Each real record gets a ball reaching its 5th nearest real neighbour (Euclidean). Score = coverage: the ' +
    'share of real records whose ball holds a synthetic record, so 1 means the synthetic data covers every region of the real ' +
    'data and 0 that it covers none. Details also give precision (share of synthetic records inside some real ball: realism), ' +
    "recall (share of real records inside some synthetic record's ball: diversity) and density (how many real balls hold a " +
    'synthetic record on average, / 5; about 1 when both sets are alike, above 1 when synthetic records crowd into dense real regions). ' +
    'n/a with 5 rows or fewer in a table.',
  reference:
    'Naeem, Oh, Uh, Choi & Yoo 2020 (ICML), as the authors’ prdc package: k = 5, k-th neighbour excluding the point itself; ' +
    "synthcity's PRDCScore computes the same four numbers on its own encoding of the columns",
  compute: computeTablePrdc,
};
