// fidelity.alphaPrecision and fidelity.betaRecall (Alaa, van Breugel, Saveliev & van der Schaar 2022,
// "How Faithful is your Synthetic Data? Sample-level Metrics for Evaluating and Auditing Generative
// Models", ICML), on the table features of tableFeatures.ts (Euclidean; no learned embedding).
//
// α-precision: the real α-support is the ball around c_r = the mean of the real features whose radius
// r_α is the α-quantile (numpy's linear interpolation) of the real rows' distances to c_r. P_α = share
// of synthetic rows at distance ≤ r_α from c_r. Ideal: P_α = α.
// β-recall: the synthetic β-support is the ball around c_g = the mean of the synthetic features with
// radius the β-quantile of the synthetic rows' distances to c_g. R_β = share of real rows x_i whose
// nearest synthetic row inside the β-support lies in x_i's k-NN ball, strictly closer than NND_k(x_i)
// (the distance to x_i's k-th nearest other real row), the paper's k-NN estimator of P(X_r ∈ S_g^β).
// Ideal: R_β = β. Computed in one pass: m_i = the smallest distance to c_g among the synthetic rows in
// x_i's ball; x_i counts at β when m_i ≤ the β radius (the supports are nested balls).
// Integrated scores (the paper's IP_α, IR_β): 1 − 2 ∫₀¹ |curve − α| dα, by the trapezoid rule on
// ALPHA_STEPS evenly spaced α from 0 to 1; the score is that value floored at 0 (it can reach −0.5 for a
// curve that crosses the diagonal badly); details.integrated keeps the raw value.
import { MedSynthError, throwIfAborted } from '../errors';
import { exactSquaredDistance, forEachDistanceTile, nearestNeighbours } from './image/featureNeighbours';
import { checkFeatures, checkSameDims } from './image/imageMetric';
import type { FeatureMatrix } from './image/imageMetric';
import { encodeTableFeatures, featureDetails, NO_FEATURE_COLUMNS } from './tableFeatures';
import { notApplicable, quantileSorted } from './tableColumns';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const ALPHA_PRECISION_ID = 'fidelity.alphaPrecision';
export const BETA_RECALL_ID = 'fidelity.betaRecall';
/** Points of the α (β) grid: 0, 0.01, …, 1. */
export const ALPHA_STEPS = 101;
/** k of the real k-NN balls of β-recall: the nearest other real row, as the authors' code and synthcity. */
export const BETA_RECALL_K = 1;

export interface SupportCurve {
  /** The α (or β) grid. */
  readonly levels: number[];
  /** P_α (or R_β) at each level. */
  readonly curve: number[];
  /** 1 − 2 ∫ |curve − level|, trapezoid rule (may be below 0). */
  readonly integrated: number;
}

/** The α grid: ALPHA_STEPS evenly spaced values from 0 to 1, as numpy's linspace (i · step, the last exactly 1). */
export function alphaGrid(steps = ALPHA_STEPS): number[] {
  const step = 1 / (steps - 1);
  return Array.from({ length: steps }, (_, i) => (i === steps - 1 ? 1 : i * step));
}

/** 1 − 2 ∫₀¹ |curve(α) − α| dα by the trapezoid rule on the evenly spaced grid. */
export function integratedScore(levels: readonly number[], curve: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < levels.length; i++) {
    area += ((Math.abs(curve[i] - levels[i]) + Math.abs(curve[i - 1] - levels[i - 1])) / 2) * (levels[i] - levels[i - 1]);
  }
  return 1 - 2 * area;
}

function centre(m: FeatureMatrix): Float64Array {
  const c = new Float64Array(m.dims);
  for (let r = 0; r < m.rows; r++) for (let k = 0; k < m.dims; k++) c[k] += m.data[r * m.dims + k];
  for (let k = 0; k < m.dims; k++) c[k] /= m.rows;
  return c;
}

function distancesTo(m: FeatureMatrix, c: Float64Array): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let k = 0; k < m.dims; k++) {
      const d = m.data[r * m.dims + k] - c[k];
      s += d * d;
    }
    out[r] = Math.sqrt(s);
  }
  return out;
}

/** Share of `values` ≤ each threshold (thresholds ascending), from the values sorted ascending. */
function sharesAtOrBelow(sortedValues: Float64Array, thresholds: readonly number[]): number[] {
  let n = 0;
  return thresholds.map((t) => {
    while (n < sortedValues.length && sortedValues[n] <= t) n++;
    return n / sortedValues.length;
  });
}

function checkPair(real: FeatureMatrix, synth: FeatureMatrix, metric: string, minReal: number): void {
  checkFeatures(real, 'real', minReal, metric);
  checkFeatures(synth, 'synthetic', 1, metric);
  checkSameDims(real, synth, 'real', 'synthetic', metric);
}

/** The α-precision curve and IP_α of `synth` against `real` (needs one row on each side). */
export function alphaPrecisionCurve(real: FeatureMatrix, synth: FeatureMatrix, steps = ALPHA_STEPS): SupportCurve {
  checkPair(real, synth, ALPHA_PRECISION_ID, 1);
  const c = centre(real);
  const realRadii = distancesTo(real, c).sort();
  const levels = alphaGrid(steps);
  const radii = levels.map((a) => quantileSorted(realRadii, a));
  const curve = sharesAtOrBelow(distancesTo(synth, c).sort(), radii);
  return { levels, curve, integrated: integratedScore(levels, curve) };
}

/**
 * The β-recall curve and IR_β (see the file header); needs k + 1 real rows. CANCELLED once `signal` aborts.
 */
export async function betaRecallCurve(
  real: FeatureMatrix,
  synth: FeatureMatrix,
  k = BETA_RECALL_K,
  steps = ALPHA_STEPS,
  signal?: AbortSignal,
): Promise<SupportCurve> {
  if (!Number.isInteger(k) || k < 1) throw new MedSynthError('BAD_USAGE', `${BETA_RECALL_ID}: k must be a whole number ≥ 1, got ${k}`);
  checkPair(real, synth, BETA_RECALL_ID, k + 1);
  const toCentre = distancesTo(synth, centre(synth));
  const near = await nearestNeighbours(real, real, k, { excludeSelf: true }, signal);
  const ball = new Float64Array(real.rows);
  for (let i = 0; i < real.rows; i++) ball[i] = near.distances[i * k + k - 1];
  // m_i: the smallest distance to c_g among the synthetic rows strictly inside x_i's ball.
  const m = new Float64Array(real.rows).fill(Infinity);
  await forEachDistanceTile(
    real,
    synth,
    (t) => {
      for (let i = t.i0; i < t.i0 + t.ni; i++) {
        const r = ball[i];
        const r2 = r * r;
        const o = (i - t.i0) * t.nj;
        for (let j = t.j0; j < t.j0 + t.nj; j++) {
          if (toCentre[j] >= m[i]) continue;
          const d2 = t.d2[o + j - t.j0];
          // The gram form d2 cancels digits; recompute exactly when it is too close to the radius to call.
          const inside =
            Math.abs(d2 - r2) > 1e-12 * t.scale(i, j) + 1e-300 ? d2 < r2 : Math.sqrt(exactSquaredDistance(real, i, synth, j)) < r;
          if (inside) m[i] = toCentre[j];
        }
      }
    },
    signal,
  );
  const levels = alphaGrid(steps);
  const sortedToCentre = Float64Array.from(toCentre).sort();
  const radii = levels.map((b) => quantileSorted(sortedToCentre, b));
  const curve = sharesAtOrBelow(m.sort(), radii);
  return { levels, curve, integrated: integratedScore(levels, curve) };
}

async function withFeatures(
  id: string,
  input: TableMetricInput,
  score: (real: FeatureMatrix, synth: FeatureMatrix) => Promise<{ curve: SupportCurve; extra: Record<string, unknown> }>,
): Promise<MetricResult> {
  const f = encodeTableFeatures(input.real, input.synth);
  if (!f) return notApplicable(id, NO_FEATURE_COLUMNS);
  const { curve, extra } = await score(f.real, f.synth);
  return {
    id,
    score: Math.max(0, curve.integrated),
    details: { integrated: curve.integrated, levels: curve.levels, curve: curve.curve, ...extra, ...featureDetails(f) },
    leftOut: f.leftOut,
  };
}

/** Computes fidelity.alphaPrecision. Throws BAD_INPUT for unusable tables, CANCELLED on abort. */
export async function computeAlphaPrecision(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  return withFeatures(ALPHA_PRECISION_ID, input, async (real, synth) => {
    throwIfAborted(signal);
    return { curve: alphaPrecisionCurve(real, synth), extra: { centre: 'mean of the real features' } };
  });
}

/** Computes fidelity.betaRecall. Throws BAD_INPUT for unusable tables, CANCELLED on abort. */
export async function computeBetaRecall(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  return withFeatures(BETA_RECALL_ID, input, async (real, synth) => ({
    curve: await betaRecallCurve(real, synth, BETA_RECALL_K, ALPHA_STEPS, signal),
    extra: { k: BETA_RECALL_K, centre: 'mean of the synthetic features' },
  }));
}

const FEATURES_DOC =
  'Each record becomes one feature vector: numbers and dates scaled to [0, 1] by the real range, categories and booleans one-hot, ' +
  'an empty cell as the real mean plus an "empty" indicator, identifiers and text left out; above 5,000 rows a table is thinned evenly. ';

const SYNTHCITY_DIFFERS =
  'synthcity (eval_statistical.AlphaPrecision) differs: it first maps the records through a OneClass (Deep SVDD) network trained on ' +
  'the real data and centres on that network\'s centre (its "_naive" variant uses min-max scaled columns and the real mean, as here); ' +
  'it needs as many synthetic as real rows; it integrates over 30 levels as a sum × step (n/(n − 1) times the mean, no trapezoid); ' +
  "and for β-recall it takes each real row's nearest synthetic row among all of them, then asks whether that row lies within the " +
  'β-quantile of the distances of those nearest rows (one per real row) to the synthetic mean, with ≤ against the ball. We use no ' +
  'learned embedding: the feature space directly.';

export const alphaPrecisionMetric: TableMetric = {
  id: ALPHA_PRECISION_ID,
  title: 'α-precision (integrated)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    FEATURES_DOC +
    'For every α from 0 to 1, the real α-support is the smallest ball around the real mean holding a share α of the real records; ' +
    'α-precision(α) is the share of synthetic records inside it, ideally α. Score = 1 − 2 × the area between that curve and the ' +
    'diagonal (floored at 0): 1 means synthetic records are spread over the typical and the rarer real regions in the real ' +
    'proportions (a copy of the real data scores about 1); 0 that none lies in the real support, or all pile up in its core. ' +
    'The report keeps the whole curve.',
  reference:
    'Alaa, van Breugel, Saveliev & van der Schaar 2022 (ICML), α-precision P_α and the integrated IP_α, on the feature space ' +
    'directly (the paper uses a learned embedding). ' +
    SYNTHCITY_DIFFERS,
  compute: computeAlphaPrecision,
};

export const betaRecallMetric: TableMetric = {
  id: BETA_RECALL_ID,
  title: 'β-recall (integrated)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    FEATURES_DOC +
    'For every β from 0 to 1, the synthetic β-support is the smallest ball around the synthetic mean holding a share β of the ' +
    'synthetic records; β-recall(β) is the share of real records whose nearest synthetic record in it is closer than their own ' +
    'nearest other real record, ideally β. Score = 1 − 2 × the area between that curve and the diagonal (floored at 0): 1 means ' +
    'the synthetic data reaches every part of the real data (a copy scores about 1), 0 that it reaches none. A fresh sample of ' +
    "the same population scores well below 1 (each real record's neighbourhood is small), so compare generators rather than " +
    'reading it against 1. The report keeps the whole curve.',
  reference:
    'Alaa, van Breugel, Saveliev & van der Schaar 2022 (ICML), β-recall R_β by the k-NN estimator (k = 1, strict) and the ' +
    'integrated IR_β, on the feature space directly (the paper uses a learned embedding). ' +
    SYNTHCITY_DIFFERS,
  compute: computeBetaRecall,
};
