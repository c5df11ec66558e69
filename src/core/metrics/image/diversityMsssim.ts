// diversity.msssim: how alike the synthetic images are to each other, beside how alike the real images
// are, by mean MS-SSIM over pairs (Odena et al. 2017 used it to spot mode collapse: a generator that
// repeats itself gives synthetic pairs far more similar than real pairs).
// Pairs: all pairs i < j when a set has at most MSSSIM_PAIRS of them, else MSSSIM_PAIRS pairs drawn
// with replacement from the seed: pair t is i = h(2t + 1) mod n, j = h(2t + 2) mod (n − 1), plus 1 when
// j ≥ i, where h(c) = fmix32((seed + c · 0x9e3779b9) mod 2³²) (the murmur3 finalizer of latent.ts).
// details.synthPairValues / realPairValues keep each pair's MS-SSIM in pair order (at most
// MSSSIM_PAIRS each), so the report can draw both distributions.
import { throwIfAborted } from '../../errors';
import { fmix32 } from '../../generators/latent';
import type { MetricResult } from '../types';
import { yieldToEventLoop } from '../tableColumns';
import { checkImages } from './imageMetric';
import type { GreyImage, ImageMetric, ImageMetricInput } from './imageMetric';
import { MSSSIM_WINDOW, multiScaleSsim } from './msssim';
import { checkDataRange } from './ssim';

export const DIVERSITY_MSSSIM_ID = 'diversity.msssim';
export const MSSSIM_PAIRS = 100;

/** The image pairs compared within a set of n images (see the file header). */
export function imagePairs(n: number, seed: number, maxPairs = MSSSIM_PAIRS): [number, number][] {
  const pairs: [number, number][] = [];
  if ((n * (n - 1)) / 2 <= maxPairs) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
    return pairs;
  }
  const h = (c: number): number => fmix32((seed + Math.imul(c, 0x9e3779b9)) >>> 0);
  for (let t = 0; t < maxPairs; t++) {
    const i = h(2 * t + 1) % n;
    let j = h(2 * t + 2) % (n - 1);
    if (j >= i) j++;
    pairs.push([i, j]);
  }
  return pairs;
}

/** max − min over every pixel of the images. */
export function valueRange(images: readonly GreyImage[]): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const im of images) {
    for (const v of im.data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return hi - lo;
}

/** MS-SSIM of each pair, in pair order. */
async function pairMsssim(
  images: readonly GreyImage[],
  pairs: readonly [number, number][],
  dataRange: number,
  signal?: AbortSignal,
): Promise<number[]> {
  const values: number[] = [];
  for (const [i, j] of pairs) {
    await yieldToEventLoop();
    throwIfAborted(signal);
    values.push(multiScaleSsim(images[i], images[j], dataRange));
  }
  return values;
}

/** The mean of the values, summed in order (as the score has always been computed). */
function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export async function computeDiversityMsssim(input: ImageMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  if (!input.synthImages || !input.realImages) {
    return { id: DIVERSITY_MSSSIM_ID, score: null, details: {}, notApplicable: 'no grey images were given, only features' };
  }
  const synth = checkImages(input.synthImages, 'synthetic', 2, MSSSIM_WINDOW, DIVERSITY_MSSSIM_ID);
  const real = checkImages(input.realImages, 'real', 2, MSSSIM_WINDOW, DIVERSITY_MSSSIM_ID);
  const dataRange = input.dataRange ?? valueRange(real);
  checkDataRange(dataRange, DIVERSITY_MSSSIM_ID);
  const seed = (input.seed ?? 0) >>> 0;
  const synthPairs = imagePairs(synth.length, seed);
  const realPairs = imagePairs(real.length, seed);
  const synthPairValues = await pairMsssim(synth, synthPairs, dataRange, signal);
  const realPairValues = await pairMsssim(real, realPairs, dataRange, signal);
  const synthetic = mean(synthPairValues);
  const realMean = mean(realPairValues);
  const score = realMean >= 1 ? 1 : Math.min(1, Math.max(0, (1 - synthetic) / (1 - realMean)));
  return {
    id: DIVERSITY_MSSSIM_ID,
    score,
    details: {
      synthetic,
      real: realMean,
      pairs: { synthetic: synthPairs.length, real: realPairs.length },
      dataRange,
      seed,
      synthPairValues,
      realPairValues,
    },
  };
}

export const diversityMsssimMetric: ImageMetric = {
  id: DIVERSITY_MSSSIM_ID,
  title: 'Diversity of synthetic images (MS-SSIM between pairs)',
  modality: 'image',
  usesFeatures: false,
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Mean MS-SSIM over pairs of synthetic images, beside the same for pairs of real images (details.synthetic, details.real; 1 = ' +
    "identical pairs; each pair's value in details.synthPairValues, details.realPairValues). Score = (1 − synthetic) / (1 − real), capped at 1: 1 means synthetic images differ from each other at least as " +
    'much as real images do; towards 0 the generator repeats itself (mode collapse), 0 meaning every synthetic pair is identical. ' +
    'Greater variety than the real images does not raise the score above 1 (noise is varied too).',
  reference: 'MS-SSIM of Wang, Simoncelli & Bovik 2003; pairwise diversity as in Odena et al. 2017 (AC-GAN)',
  compute: computeDiversityMsssim,
};
