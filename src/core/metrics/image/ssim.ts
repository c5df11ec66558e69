// Structural similarity (Wang et al. 2004) of two grey images, as scikit-image's
// skimage.metrics.structural_similarity computes it by default for 2-D float images with data_range
// given: a 7 x 7 uniform window, K1 = 0.01, K2 = 0.03, sample (n − 1) variances and covariance, and the
// mean of the SSIM map over the positions whose window lies inside the image (scikit-image filters the
// whole image, then crops (7 − 1) / 2 pixels from every side before taking the mean, which leaves
// exactly those). Arithmetic in float64. The window statistics (validFilter, windowMoments) serve
// msssim.ts too, with its Gaussian window.
import { MedSynthError } from '../../errors';
import type { GreyImage } from './imageMetric';

export const SSIM_WINDOW = 7;
export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;

/**
 * "Valid" filtering of `x` by the separable window `weights` (length w): the weighted sums over every
 * w x w window inside the image ((rows − w + 1) x (columns − w + 1), row major), rows then columns.
 */
export function validFilter(x: ArrayLike<number>, rows: number, columns: number, weights: ArrayLike<number>): Float64Array {
  const size = weights.length;
  const outRows = rows - size + 1;
  const outCols = columns - size + 1;
  const horizontal = new Float64Array(rows * outCols);
  for (let r = 0; r < rows; r++) {
    const o = r * columns;
    for (let c = 0; c < outCols; c++) {
      let s = 0;
      for (let t = 0; t < size; t++) s += weights[t] * x[o + c + t];
      horizontal[r * outCols + c] = s;
    }
  }
  const out = new Float64Array(outRows * outCols);
  for (let r = 0; r < outRows; r++) {
    for (let c = 0; c < outCols; c++) {
      let s = 0;
      for (let t = 0; t < size; t++) s += weights[t] * horizontal[(r + t) * outCols + c];
      out[r * outCols + c] = s;
    }
  }
  return out;
}

/** The window statistics SSIM is built from: x, y, x², y² and xy, each filtered by `weights`. */
export interface WindowMoments {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly xx: Float64Array;
  readonly yy: Float64Array;
  readonly xy: Float64Array;
}

/** Filters two same-sized images and their products by the separable window `weights` ("valid" positions). */
export function windowMoments(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rows: number,
  columns: number,
  weights: ArrayLike<number>,
): WindowMoments {
  const n = rows * columns;
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    xx[k] = a[k] * a[k];
    yy[k] = b[k] * b[k];
    xy[k] = a[k] * b[k];
  }
  return {
    x: validFilter(a, rows, columns, weights),
    y: validFilter(b, rows, columns, weights),
    xx: validFilter(xx, rows, columns, weights),
    yy: validFilter(yy, rows, columns, weights),
    xy: validFilter(xy, rows, columns, weights),
  };
}

/** The 7-wide uniform window as weights of 1: `validFilter` then gives plain window sums. */
const BOX: Float64Array = new Float64Array(SSIM_WINDOW).fill(1);

export function checkPair(a: GreyImage, b: GreyImage, minSide: number, what: string): void {
  if (a.rows !== b.rows || a.columns !== b.columns) {
    throw new MedSynthError('BAD_INPUT', `${what}: images of ${a.rows} x ${a.columns} and ${b.rows} x ${b.columns} pixels`, {
      expected: 'two images of one size',
    });
  }
  if (a.rows < minSide || a.columns < minSide) {
    throw new MedSynthError('BAD_INPUT', `${what}: a ${a.rows} x ${a.columns} image is smaller than the ${minSide} x ${minSide} window`, {
      expected: `at least ${minSide} x ${minSide} pixels`,
    });
  }
}

export function checkDataRange(dataRange: number, what: string): void {
  if (!(Number.isFinite(dataRange) && dataRange > 0)) {
    throw new MedSynthError('BAD_INPUT', `${what}: the data range must be a positive number, got ${dataRange}`, {
      expected: 'max − min of the values the images can take',
    });
  }
}

/** Mean SSIM of two same-sized grey images (at least 7 x 7); `dataRange` = max − min of the value scale. */
export function structuralSimilarity(a: GreyImage, b: GreyImage, dataRange: number): number {
  checkPair(a, b, SSIM_WINDOW, 'SSIM');
  checkDataRange(dataRange, 'SSIM');
  const np = SSIM_WINDOW * SSIM_WINDOW;
  const { x: sx, y: sy, xx: sxx, yy: syy, xy: sxy } = windowMoments(a.data, b.data, a.rows, a.columns, BOX);
  const covNorm = np / (np - 1);
  const c1 = (SSIM_K1 * dataRange) ** 2;
  const c2 = (SSIM_K2 * dataRange) ** 2;
  let sum = 0;
  for (let k = 0; k < sx.length; k++) {
    const ux = sx[k] / np;
    const uy = sy[k] / np;
    const vx = covNorm * (sxx[k] / np - ux * ux);
    const vy = covNorm * (syy[k] / np - uy * uy);
    const vxy = covNorm * (sxy[k] / np - ux * uy);
    sum += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  }
  return sum / sx.length;
}
