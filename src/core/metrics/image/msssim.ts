// Multi-scale structural similarity (Wang, Simoncelli & Bovik 2003, "Multi-scale structural
// similarity for image quality assessment"), as the authors' reference code computes it: at each of 5
// scales the contrast-structure term cs = mean((2σxy + C2) / (σx² + σy² + C2)), at the last scale the
// full SSIM mean instead, combined as Π cs_j^{w_j} · ssim_M^{w_M} with w = 0.0448, 0.2856, 0.3001,
// 0.2363, 0.1333. Statistics are weighted by an 11 x 11 Gaussian window (σ = 1.5, normalised), at the
// positions where the window lies inside the image ("valid"), with plain (not n − 1) moments;
// K1 = 0.01, K2 = 0.03, C = (K·data range)². Between scales each image is averaged over 2 x 2 blocks
// (an odd last row or column is dropped).
// Choices the paper leaves open, stated: a negative cs or SSIM term is taken as 0 before the power
// (as pytorch-msssim does), so the result stays real and in [0, 1]; an image too small for all 5
// scales (a side below 11 pixels at some scale, i.e. below 176 pixels at full size) uses the scales it
// has, with their weights renormalised to sum to 1; below 11 x 11 at full size it is refused.
import { MedSynthError } from '../../errors';
import type { GreyImage } from './imageMetric';
import { checkDataRange, checkPair, SSIM_K1, SSIM_K2, windowMoments } from './ssim';

export const MSSSIM_WEIGHTS: readonly number[] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];
export const MSSSIM_WINDOW = 11;
export const MSSSIM_SIGMA = 1.5;

const GAUSS = ((): Float64Array => {
  const g = new Float64Array(MSSSIM_WINDOW);
  const half = (MSSSIM_WINDOW - 1) / 2;
  let s = 0;
  for (let k = 0; k < MSSSIM_WINDOW; k++) s += g[k] = Math.exp(-((k - half) ** 2) / (2 * MSSSIM_SIGMA * MSSSIM_SIGMA));
  for (let k = 0; k < MSSSIM_WINDOW; k++) g[k] /= s;
  return g;
})();

interface Plane {
  readonly rows: number;
  readonly columns: number;
  readonly data: Float64Array;
}

function halve(p: Plane): Plane {
  const rows = Math.floor(p.rows / 2);
  const columns = Math.floor(p.columns / 2);
  const data = new Float64Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const a = 2 * r * p.columns;
    const b = a + p.columns;
    for (let c = 0; c < columns; c++)
      data[r * columns + c] = (p.data[a + 2 * c] + p.data[a + 2 * c + 1] + p.data[b + 2 * c] + p.data[b + 2 * c + 1]) / 4;
  }
  return { rows, columns, data };
}

/** Mean cs and mean SSIM of one scale. */
function scaleTerms(x: Plane, y: Plane, c1: number, c2: number): { cs: number; ssim: number } {
  const { x: mx, y: my, xx: exx, yy: eyy, xy: exy } = windowMoments(x.data, y.data, x.rows, x.columns, GAUSS);
  let cs = 0;
  let ssim = 0;
  for (let k = 0; k < mx.length; k++) {
    const vx = exx[k] - mx[k] * mx[k];
    const vy = eyy[k] - my[k] * my[k];
    const vxy = exy[k] - mx[k] * my[k];
    const csk = (2 * vxy + c2) / (vx + vy + c2);
    cs += csk;
    ssim += (csk * (2 * mx[k] * my[k] + c1)) / (mx[k] * mx[k] + my[k] * my[k] + c1);
  }
  return { cs: cs / mx.length, ssim: ssim / mx.length };
}

/** How many of the 5 scales an image of this size has (each at least 11 x 11). */
export function msssimScales(rows: number, columns: number): number {
  let scales = 0;
  let r = rows;
  let c = columns;
  while (scales < MSSSIM_WEIGHTS.length && r >= MSSSIM_WINDOW && c >= MSSSIM_WINDOW) {
    scales++;
    r = Math.floor(r / 2);
    c = Math.floor(c / 2);
  }
  return scales;
}

/** MS-SSIM of two same-sized grey images (at least 11 x 11) on a value scale of width `dataRange`. */
export function multiScaleSsim(a: GreyImage, b: GreyImage, dataRange: number): number {
  checkPair(a, b, MSSSIM_WINDOW, 'MS-SSIM');
  checkDataRange(dataRange, 'MS-SSIM');
  const scales = msssimScales(a.rows, a.columns);
  if (scales < 1) throw new MedSynthError('BAD_INPUT', 'MS-SSIM: image too small');
  let weightSum = 0;
  for (let j = 0; j < scales; j++) weightSum += MSSSIM_WEIGHTS[j];
  const c1 = (SSIM_K1 * dataRange) ** 2;
  const c2 = (SSIM_K2 * dataRange) ** 2;
  let x: Plane = { rows: a.rows, columns: a.columns, data: Float64Array.from(a.data) };
  let y: Plane = { rows: b.rows, columns: b.columns, data: Float64Array.from(b.data) };
  let result = 1;
  for (let j = 0; j < scales; j++) {
    const t = scaleTerms(x, y, c1, c2);
    const w = MSSSIM_WEIGHTS[j] / weightSum;
    result *= Math.max(0, j === scales - 1 ? t.ssim : t.cs) ** w;
    if (j < scales - 1) {
      x = halve(x);
      y = halve(y);
    }
  }
  return result;
}
