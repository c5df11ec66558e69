// Probabilistic PCA (Tipping & Bishop, "Probabilistic principal component analysis", J. R. Statist.
// Soc. B 61(3), 1999) fitted on the frames of an image set: the closed-form maximum-likelihood model
//     x = W z + mu + eps,   z ~ N(0, I_q),   eps ~ N(0, sigma^2 I_d),   so   x ~ N(mu, W W^T + sigma^2 I).
//
// Data: every 2D frame of every volume (core/data/imageResample.ts framesOf), resampled bilinearly to
// the set's common size (commonImageSize, each side at most `sizeCap`), flattened channel-first
// (index c * rows * columns + r * columns + col, the order of an NCHW tensor), in modality units (HU,
// 0..255, ...), accumulated in float64. mu is the mean frame; S = (X - mu)^T (X - mu) / n is the
// sample covariance divided by n (the ML estimate; sklearn's explained_variance_ divides by n - 1).
// Its eigen-decomposition is taken in Gram form, G = (X - mu)(X - mu)^T / n (n x n), when there are
// no more frames than values (eigenvectors mapped back: u = (X - mu)^T v / sqrt(n lambda)), and
// directly (d x d) otherwise. The two share their non-zero eigenvalues.
//
// q = the smallest k whose cumulative explained-variance ratio exceeds `varianceKept` (sklearn's rule
// for a fractional n_components), capped at min(n - 1, d - 1, maxComponents) and at the numerical rank
// (eigenvalues above 1e-10 of the largest). sigma^2 = (trace S - sum of the q kept eigenvalues) /
// (d - q), the mean of the d - q discarded eigenvalues (zeros included, as in the paper; sklearn's
// noise_variance_ averages over min(n, d) - q instead). W = U_q (Lambda_q - sigma^2 I)^(1/2), R = I.
//
// Refused with BAD_INPUT: fewer than 2 frames, grey mixed with colour, NaN or infinite values, and a
// set whose frames are all the same after resampling (PPCA would have no variation to model and
// could only hand back that one image). A set of constant frames with different values is a valid
// model with one component (the brightness). What PPCA keeps: the mean image and the main modes of
// variation across frames (overall shape, contrast, position of large structures). What it cannot:
// fine texture, sharp edges that move from frame to frame and anything non-Gaussian: samples are
// blurred towards the mean plus white pixel noise of variance sigma^2.
import { MedSynthError, throwIfAborted } from '../../errors';
import { commonImageSize, frameCount, framesOf, resizeFrame, setChannels } from '../../data/imageResample';
import type { ImageSet } from '../../data/imageSet';
import { mirrorUpper, multiplyTransposedSteps } from '../../math/dense';
import { eighLargestYielding } from '../../math/symmetricEigen';
import { runStepsYielding, timeSlicer } from '../../metrics/workSteps';

export interface PpcaOptions {
  /** Fraction of the total variance the kept components explain, in (0, 1); default 0.95. */
  readonly varianceKept?: number;
  /** At most this many components (default 256). */
  readonly maxComponents?: number;
  /** Longest side of the common frame size (default 128). */
  readonly sizeCap?: number;
  /** How messages name the set (a path or the dataset's name). */
  readonly label?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (message: string) => void;
}

export const PPCA_DEFAULTS = { varianceKept: 0.95, maxComponents: 256, sizeCap: 128 } as const;

/**
 * Largest eigen-decomposition (min(frames, values per frame)) the fit takes on: an O(m^3) reduction of
 * some seconds at 2048 (bench/results-images.md), on top of the Gram product. Beyond it the fit is
 * refused (LIMIT_EXCEEDED) rather than run for hours.
 */
export const PPCA_MAX_EIGEN_ORDER = 2048;
/** Largest data matrix (frames × values) held in memory for the Gram form: 2^26 float64 = 512 MiB. */
export const PPCA_MAX_VALUES = 2 ** 26;
/** Eigenvalues at or below this fraction of the largest count as zero (numerical rank). */
const RANK_TOLERANCE = 1e-10;
/** Columns per block of the back-projection loop (a block of all frames stays in cache). */
const COLUMN_BLOCK = 256;

export interface PpcaModel {
  readonly rows: number;
  readonly columns: number;
  readonly channels: 1 | 3;
  /** Values per frame d = channels × rows × columns. */
  readonly dims: number;
  /** Training frames n. */
  readonly frames: number;
  /** mu, channel-first (c, row, column). */
  readonly mean: Float64Array;
  /** q. */
  readonly components: number;
  /** W^T: q × d row-major, row k = column k of W = u_k sqrt(lambda_k - sigma^2). */
  readonly loadings: Float64Array;
  /** sigma^2. */
  readonly noiseVariance: number;
  /** The min(n, d) eigenvalues of S, descending (clamped at 0). */
  readonly eigenvalues: Float64Array;
  /** trace S. */
  readonly totalVariance: number;
  /** Sum of the q kept eigenvalues over trace S. */
  readonly explainedVariance: number;
  /** Smallest and largest value of the training frames as read (before resampling). */
  readonly valueRange: readonly [number, number];
  readonly form: 'gram' | 'covariance';
  readonly varianceKept: number;
  readonly maxComponents: number;
  readonly sizeCap: number;
}

function fileOf(set: ImageSet, image: number): string {
  const v = set.images[image];
  return v.sourceFiles[0] ?? v.id;
}

function checkOptions(opts: PpcaOptions): { varianceKept: number; maxComponents: number; sizeCap: number } {
  const varianceKept = opts.varianceKept ?? PPCA_DEFAULTS.varianceKept;
  const maxComponents = opts.maxComponents ?? PPCA_DEFAULTS.maxComponents;
  const sizeCap = opts.sizeCap ?? PPCA_DEFAULTS.sizeCap;
  if (!(varianceKept > 0 && varianceKept < 1))
    throw new MedSynthError('BAD_USAGE', `varianceKept is ${varianceKept}`, { expected: 'a fraction strictly between 0 and 1' });
  if (!Number.isSafeInteger(maxComponents) || maxComponents < 1)
    throw new MedSynthError('BAD_USAGE', `maxComponents is ${maxComponents}`, { expected: 'a positive integer' });
  if (!Number.isSafeInteger(sizeCap) || sizeCap < 1)
    throw new MedSynthError('BAD_USAGE', `sizeCap is ${sizeCap}`, { expected: 'a positive integer' });
  return { varianceKept, maxComponents, sizeCap };
}

/** Writes a resampled frame (rows × columns × channels, interleaved) channel-first into `out` at `at`. */
function writeChannelFirst(frame: Float64Array, pixels: number, channels: number, out: Float64Array, at: number): void {
  if (channels === 1) {
    out.set(frame, at);
    return;
  }
  for (let p = 0; p < pixels; p++) for (let c = 0; c < channels; c++) out[at + c * pixels + p] = frame[p * channels + c];
}

/** Fits PPCA to the frames of `set` (see the file header), giving the event loop a turn every 20 ms. */
export async function fitPpca(set: ImageSet, opts: PpcaOptions = {}): Promise<PpcaModel> {
  const label = opts.label ?? 'the image set';
  const { varianceKept, maxComponents, sizeCap } = checkOptions(opts);
  const slice = timeSlicer(opts.signal);
  throwIfAborted(opts.signal);
  const channels = setChannels(set, label);
  const n = frameCount(set);
  if (n < 2)
    throw new MedSynthError('BAD_INPUT', `PPCA needs at least 2 frames (images or slices), ${label} has ${n}`, {
      file: label,
      expected: 'two or more images',
    });
  const { rows, columns } = commonImageSize(set, sizeCap);
  const pixels = rows * columns;
  const d = pixels * channels;
  const order = Math.min(n, d);
  if (order > PPCA_MAX_EIGEN_ORDER)
    throw new MedSynthError(
      'LIMIT_EXCEEDED',
      `PPCA on ${n} frames of ${rows}×${columns}${channels === 3 ? '×3' : ''} needs an eigen-decomposition of order ${order}, above ${PPCA_MAX_EIGEN_ORDER}`,
      { file: label, expected: `at most ${PPCA_MAX_EIGEN_ORDER} frames, or a smaller size cap` },
    );
  const form: PpcaModel['form'] = n <= d ? 'gram' : 'covariance';
  if (form === 'gram' && n * d > PPCA_MAX_VALUES)
    throw new MedSynthError('LIMIT_EXCEEDED', `PPCA on ${n} frames of ${d} values would hold ${n * d} values in memory`, {
      file: label,
      expected: `at most ${PPCA_MAX_VALUES} values (frames × rows × columns × channels): fewer frames or a smaller size cap`,
    });
  opts.onProgress?.(`PPCA: ${n} frames resampled to ${rows}×${columns}${channels === 3 ? ' RGB' : ''} (${d} values each)`);

  // Pass 1: check, resample and (Gram form) keep every frame; the mean, the value range, and whether
  // any frame differs from the first.
  const data = form === 'gram' ? new Float64Array(n * d) : undefined;
  const sum = new Float64Array(d);
  let first: Float64Array | undefined;
  let allSame = true;
  let lo = Infinity;
  let hi = -Infinity;
  const row = new Float64Array(d);
  /** Each frame resampled and channel-first: a row of `data` (Gram form) or the scratch `row`. */
  const eachFrame = function* (): Generator<Float64Array> {
    let index = 0;
    for (const f of framesOf(set)) {
      const resized = resizeFrame(f.data, f.rows, f.columns, f.channels, rows, columns);
      writeChannelFirst(resized, pixels, channels, data ?? row, data ? index * d : 0);
      yield data ? data.subarray(index * d, (index + 1) * d) : row;
      index++;
    }
  };
  for (const f of framesOf(set)) {
    for (let i = 0; i < f.data.length; i++) {
      const v = f.data[i];
      if (!Number.isFinite(v))
        throw new MedSynthError('BAD_INPUT', `frame ${f.frame + 1} has a ${Number.isNaN(v) ? 'NaN' : 'infinite'} value at index ${i}`, {
          file: fileOf(set, f.image),
          expected: 'finite pixel values (PPCA cannot model missing pixels)',
        });
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    await slice();
  }
  let done = 0;
  for (const x of eachFrame()) {
    for (let p = 0; p < d; p++) sum[p] += x[p];
    if (!first) first = Float64Array.from(x);
    else if (allSame) for (let p = 0; p < d && allSame; p++) allSame = x[p] === first[p];
    done++;
    if (done % 256 === 0) opts.onProgress?.(`PPCA: read ${done}/${n} frames`);
    await slice();
  }
  if (allSame)
    throw new MedSynthError(
      'BAD_INPUT',
      `every frame of ${label} is the same after resampling to ${rows}×${columns}: PPCA has no variation to model (it could only copy that image)`,
      { file: label, expected: 'frames that differ' },
    );
  const mean = new Float64Array(d);
  for (let p = 0; p < d; p++) mean[p] = sum[p] / n;

  // The n×n Gram matrix or the d×d covariance, lower triangle mirrored, divided by n.
  const m = order;
  const matrix = new Float64Array(m * m);
  let trace = 0;
  if (data) {
    for (let i = 0; i < n; i++) {
      const at = i * d;
      for (let p = 0; p < d; p++) data[at + p] -= mean[p];
      await slice();
    }
    opts.onProgress?.(`PPCA: Gram matrix of ${n} frames`);
    // X Xᵀ by the tiled product of src/core/math/dense.ts (rows of X against rows of X), the upper
    // triangle only; mirrored below.
    await runStepsYielding(multiplyTransposedSteps(matrix, data, n, data, n, d, true), opts.signal);
    mirrorUpper(matrix, n);
  } else {
    opts.onProgress?.(`PPCA: covariance of ${d} values over ${n} frames`);
    const centred = new Float64Array(d);
    for (const x of eachFrame()) {
      for (let p = 0; p < d; p++) centred[p] = x[p] - mean[p];
      for (let p = 0; p < d; p++) {
        const cp = centred[p];
        const at = p * d;
        for (let r = 0; r <= p; r++) matrix[at + r] += cp * centred[r];
      }
      await slice();
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      const v = matrix[i * m + j] / n;
      matrix[i * m + j] = v;
      matrix[j * m + i] = v;
    }
    trace += matrix[i * m + i];
  }

  opts.onProgress?.(`PPCA: eigen-decomposition of order ${m}`);
  // Eigenvalues first; q by explained variance, capped; then the eigenvectors of the q largest only.
  const eigenvalues = new Float64Array(m);
  let q = 0;
  let kept = 0;
  const chooseComponents = (ascending: Float64Array): number => {
    for (let k = 0; k < m; k++) eigenvalues[k] = Math.max(0, ascending[m - 1 - k]);
    let rank = 0;
    while (rank < m && eigenvalues[rank] > RANK_TOLERANCE * eigenvalues[0]) rank++;
    while (q < m && !(kept / trace > varianceKept)) kept += eigenvalues[q++];
    const cap = Math.max(1, Math.min(n - 1, d - 1, maxComponents, rank));
    if (q > cap) q = cap;
    kept = 0;
    for (let k = 0; k < q; k++) kept += eigenvalues[k];
    return q;
  };
  const eig = await eighLargestYielding(matrix, m, chooseComponents, opts.signal);
  const noiseVariance = Math.max(0, (trace - kept) / (d - q));

  // W^T rows: u_k sqrt(lambda_k - sigma^2), with u_k = (X - mu)^T v_k / sqrt(n lambda_k) in Gram form.
  const loadings = new Float64Array(q * d);
  const scale = new Float64Array(q);
  for (let k = 0; k < q; k++) scale[k] = Math.sqrt(Math.max(eigenvalues[k] - noiseVariance, 0));
  const vector = (k: number, i: number): number => eig.vectors[k * m + i]; // entry i of the k-th largest's eigenvector
  if (data) {
    opts.onProgress?.(`PPCA: ${q} component images`);
    const coef = new Float64Array(q * n); // coef[k * n + i] = v_k[i] * scale_k / sqrt(n lambda_k)
    for (let k = 0; k < q; k++) {
      const f = scale[k] / Math.sqrt(n * eigenvalues[k]);
      for (let i = 0; i < n; i++) coef[k * n + i] = vector(k, i) * f;
    }
    // Four frames at a time: each loadings value is loaded and stored once per four products.
    for (let c0 = 0; c0 < d; c0 += COLUMN_BLOCK) {
      const c1 = Math.min(d, c0 + COLUMN_BLOCK);
      for (let i = 0; i < n; i += 4) {
        const rowsHere = Math.min(4, n - i);
        const a0 = i * d;
        const a1 = (i + Math.min(1, rowsHere - 1)) * d;
        const a2 = (i + Math.min(2, rowsHere - 1)) * d;
        const a3 = (i + Math.min(3, rowsHere - 1)) * d;
        for (let k = 0; k < q; k++) {
          const at = k * n + i;
          const w0 = coef[at];
          const w1 = rowsHere > 1 ? coef[at + 1] : 0;
          const w2 = rowsHere > 2 ? coef[at + 2] : 0;
          const w3 = rowsHere > 3 ? coef[at + 3] : 0;
          const ak = k * d;
          for (let p = c0; p < c1; p++) loadings[ak + p] += w0 * data[a0 + p] + w1 * data[a1 + p] + w2 * data[a2 + p] + w3 * data[a3 + p];
        }
        await slice();
      }
    }
  } else {
    for (let k = 0; k < q; k++) for (let p = 0; p < d; p++) loadings[k * d + p] = vector(k, p) * scale[k];
  }
  throwIfAborted(opts.signal);
  opts.onProgress?.(`PPCA: ${q} component${q === 1 ? '' : 's'} keep ${((100 * kept) / trace).toFixed(1)}% of the variance`);
  return {
    rows,
    columns,
    channels,
    dims: d,
    frames: n,
    mean,
    components: q,
    loadings,
    noiseVariance,
    eigenvalues,
    totalVariance: trace,
    explainedVariance: kept / trace,
    valueRange: [lo, hi],
    form,
    varianceKept,
    maxComponents,
    sizeCap,
  };
}
