// fidelity.prdc: precision, recall, density and coverage of the synthetic feature vectors against
// k-nearest-neighbour balls around the real ones (Naeem et al. 2020, "Reliable Fidelity and Diversity
// Metrics for Generative Models"), as the authors' `prdc` package defines them: Euclidean distances,
// the radius of a point = distance to its k-th nearest neighbour in its own set (itself excluded),
// strict "<" against the radius.
import { MedSynthError } from '../../errors';
import type { MetricResult } from '../types';
import { closerThan, forEachDistanceTile, nearestNeighbours } from './featureNeighbours';
import { checkFeatures, checkSameDims } from './imageMetric';
import type { FeatureMatrix, ImageMetric, ImageMetricInput } from './imageMetric';

export const PRDC_ID = 'fidelity.prdc';
export const PRDC_DEFAULT_K = 5;

export interface Prdc {
  readonly precision: number;
  readonly recall: number;
  readonly density: number;
  readonly coverage: number;
  readonly k: number;
}

async function radii(m: FeatureMatrix, k: number, signal?: AbortSignal): Promise<Float64Array> {
  const near = await nearestNeighbours(m, m, k, { excludeSelf: true }, signal);
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = near.distances[i * k + k - 1];
  return out;
}

/**
 * - precision: share of synthetic points inside at least one real ball;
 * - recall: share of real points inside at least one synthetic ball;
 * - density: (1/k) · mean over synthetic points of how many real balls contain them (can exceed 1);
 * - coverage: share of real points whose nearest synthetic point lies inside their own ball.
 * Needs more than k points on each side.
 */
export async function precisionRecallDensityCoverage(
  real: FeatureMatrix,
  synth: FeatureMatrix,
  k = PRDC_DEFAULT_K,
  signal?: AbortSignal,
): Promise<Prdc> {
  if (!Number.isInteger(k) || k < 1) throw new MedSynthError('BAD_USAGE', `${PRDC_ID}: k must be a whole number ≥ 1, got ${k}`);
  checkFeatures(real, 'real', k + 1, PRDC_ID);
  checkFeatures(synth, 'synthetic', k + 1, PRDC_ID);
  checkSameDims(real, synth, 'real', 'synthetic', PRDC_ID);
  const realRadius = await radii(real, k, signal);
  const synthRadius = await radii(synth, k, signal);
  const inRealBalls = new Uint32Array(synth.rows);
  const realInSynthBall = new Uint8Array(real.rows);
  await forEachDistanceTile(
    real,
    synth,
    (t) => {
      for (let i = t.i0; i < t.i0 + t.ni; i++) {
        for (let j = t.j0; j < t.j0 + t.nj; j++) {
          if (closerThan(t, i, j, realRadius[i], real, synth)) inRealBalls[j]++;
          if (realInSynthBall[i] === 0 && closerThan(t, i, j, synthRadius[j], real, synth)) realInSynthBall[i] = 1;
        }
      }
    },
    signal,
  );
  const nearestSynth = await nearestNeighbours(real, synth, 1, {}, signal);
  let precision = 0;
  let density = 0;
  for (const c of inRealBalls) {
    if (c > 0) precision++;
    density += c;
  }
  let recall = 0;
  for (const x of realInSynthBall) recall += x;
  let coverage = 0;
  for (let i = 0; i < real.rows; i++) if (nearestSynth.distances[i] < realRadius[i]) coverage++;
  return {
    precision: precision / synth.rows,
    recall: recall / real.rows,
    density: density / (k * synth.rows),
    coverage: coverage / real.rows,
    k,
  };
}

export async function computePrdc(input: ImageMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const p = await precisionRecallDensityCoverage(input.real, input.synth, PRDC_DEFAULT_K, signal);
  return { id: PRDC_ID, score: p.coverage, details: { ...p } };
}

export const prdcMetric: ImageMetric = {
  id: PRDC_ID,
  title: 'Precision, recall, density and coverage (image features)',
  modality: 'image',
  usesFeatures: true,
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Each real image feature gets a ball reaching its 5th nearest real neighbour (Euclidean). Score = coverage: the share of real ' +
    'images whose ball holds a synthetic image, so 1 means the synthetic set covers every region of the real data and 0 that it ' +
    'covers none. Details also give precision (share of synthetic images inside some real ball: realism), recall (share of real ' +
    'images inside some synthetic ball: diversity) and density (how many real balls hold a synthetic image on average, / 5; about 1 ' +
    'when both sets are alike, above 1 when synthetic images crowd into dense real regions).',
  reference: 'Naeem et al. 2020 (ICML), as the authors’ prdc package: k = 5, k-th neighbour excluding the point itself',
  compute: computePrdc,
};
