// privacy.nearDuplicates: synthetic images that reproduce a real image, either pixel for pixel or
// closer in feature space than real images ever are to each other: nearer to a real image than the
// 1st percentile (numpy's linear quantile) of the real–real nearest-neighbour distances (each real image
// to its closest other real image).
import { createHash } from 'node:crypto';
import type { MetricResult } from '../types';
import { quantileSorted } from '../tableColumns';
import { nearestNeighbours } from './featureNeighbours';
import { checkFeatures, checkImages, checkSameDims } from './imageMetric';
import type { GreyImage, ImageMetric, ImageMetricInput } from './imageMetric';
import { MedSynthError } from '../../errors';

export const NEAR_DUPLICATES_ID = 'privacy.nearDuplicates';
/** Closest pairs listed in the details. */
export const LISTED_PAIRS = 10;
export const THRESHOLD_QUANTILE = 0.01;

function pixelKey(im: GreyImage): string {
  const values = new Float64Array(im.data.length);
  for (let k = 0; k < values.length; k++) values[k] = im.data[k] + 0; // −0 and 0 are one value
  return createHash('sha256').update(`${im.rows}x${im.columns}:`).update(new Uint8Array(values.buffer)).digest('hex');
}

function sameImage(a: GreyImage, b: GreyImage): boolean {
  if (a.rows !== b.rows || a.columns !== b.columns) return false;
  for (let k = 0; k < a.data.length; k++) if (a.data[k] !== b.data[k]) return false;
  return true;
}

/** For each synthetic image, whether some real image has exactly its size and values. */
export function pixelIdenticalFlags(real: readonly GreyImage[], synth: readonly GreyImage[]): Uint8Array {
  const byKey = new Map<string, number[]>();
  real.forEach((im, r) => {
    const key = pixelKey(im);
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  });
  return Uint8Array.from(synth, (im) => ((byKey.get(pixelKey(im)) ?? []).some((r) => sameImage(real[r], im)) ? 1 : 0));
}

export async function computeNearDuplicates(input: ImageMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const { real, synth } = input;
  checkFeatures(real, 'real', 2, NEAR_DUPLICATES_ID);
  checkFeatures(synth, 'synthetic', 1, NEAR_DUPLICATES_ID);
  checkSameDims(real, synth, 'real', 'synthetic', NEAR_DUPLICATES_ID);
  let identical: Uint8Array | undefined;
  if (input.realImages && input.synthImages) {
    const ri = checkImages(input.realImages, 'real', real.rows, 1, NEAR_DUPLICATES_ID);
    const si = checkImages(input.synthImages, 'synthetic', synth.rows, 1, NEAR_DUPLICATES_ID);
    if (ri.length !== real.rows || si.length !== synth.rows) {
      throw new MedSynthError(
        'BAD_INPUT',
        `${NEAR_DUPLICATES_ID}: ${ri.length} real and ${si.length} synthetic images for ${real.rows} and ${synth.rows} feature rows`,
        {
          expected: 'one feature row per image',
        },
      );
    }
    identical = pixelIdenticalFlags(ri, si);
  }
  const realNearest = await nearestNeighbours(real, real, 1, { excludeSelf: true }, signal);
  const threshold = quantileSorted(Float64Array.from(realNearest.distances).sort(), THRESHOLD_QUANTILE);
  const toReal = await nearestNeighbours(synth, real, 1, {}, signal);
  let flagged = 0;
  let pixelIdentical = 0;
  for (let s = 0; s < synth.rows; s++) {
    const same = identical?.[s] === 1;
    if (same) pixelIdentical++;
    if (same || toReal.distances[s] < threshold) flagged++;
  }
  const order = Array.from({ length: synth.rows }, (_, s) => s).sort((a, b) => toReal.distances[a] - toReal.distances[b] || a - b);
  const pairs = order.slice(0, LISTED_PAIRS).map((s) => ({ synth: s, real: toReal.indices[s], distance: toReal.distances[s] }));
  return {
    id: NEAR_DUPLICATES_ID,
    score: flagged / synth.rows,
    details: {
      pixelIdentical: identical ? pixelIdentical : null,
      nearDuplicates: flagged,
      synthCount: synth.rows,
      threshold,
      pairs,
    },
  };
}

export const nearDuplicatesMetric: ImageMetric = {
  id: NEAR_DUPLICATES_ID,
  title: 'Near-duplicates of real images',
  modality: 'image',
  usesFeatures: true,
  goal: 'minimize',
  range: [0, 1],
  doc:
    'Score = share of synthetic images that copy a real image: pixel-identical to one (when the images are given), or closer to one ' +
    'in feature space than the closest 1% of real images are to their nearest other real image. 0 means no synthetic image is ' +
    'nearer a real patient than real patients are to each other; 1 means every synthetic image is such a copy. Details list the ' +
    'closest pairs (synthetic index, real index, feature distance).',
  reference:
    'Memorisation test on embeddings as in Carlini et al. 2023 ("Extracting training data from diffusion models"); threshold from real–real distances',
  compute: computeNearDuplicates,
};
