// Mean and sample covariance of feature rows (rows x dims, row major), as numpy.mean(axis=0) and
// numpy.cov(rowvar=False): two passes in float64 (the mean, then the centred cross products) and the
// n − 1 denominator. Rows are centred and transposed a block at a time so the cross products read
// contiguous columns (src/core/math/dense.ts).
import { MedSynthError } from '../errors';
import { runSteps, runStepsYielding } from '../metrics/workSteps';
import type { WorkSteps } from '../metrics/workSteps';
import { mirrorUpper, multiplyTransposedSteps } from './dense';

export interface MeanAndCovariance {
  /** dims column means. */
  readonly mean: Float64Array;
  /** dims x dims row major, Σ (x − mean)(x − mean)ᵀ / (rows − 1). */
  readonly cov: Float64Array;
}

/** Rows centred and transposed together. */
const BLOCK_ROWS = 256;

function check(features: Float32Array | Float64Array, rows: number, dims: number, what: string): void {
  if (!Number.isInteger(rows) || !Number.isInteger(dims) || dims < 1) {
    throw new MedSynthError('BAD_USAGE', `${what}: rows and dims must be whole numbers (dims ≥ 1), got ${rows} x ${dims}`);
  }
  if (rows < 2) {
    throw new MedSynthError('BAD_INPUT', `${what}: a sample covariance needs at least 2 rows, got ${rows}`, { expected: '≥ 2 rows' });
  }
  if (features.length !== rows * dims) {
    throw new MedSynthError('BAD_INPUT', `${what}: ${rows} x ${dims} features need ${rows * dims} values, got ${features.length}`, {
      expected: `${rows * dims} values`,
    });
  }
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i])) {
      throw new MedSynthError('BAD_INPUT', `${what}: row ${Math.floor(i / dims)}, dimension ${i % dims} is ${features[i]}`, {
        expected: 'finite numbers',
      });
    }
  }
}

export function* covarianceSteps(features: Float32Array | Float64Array, rows: number, dims: number): WorkSteps<MeanAndCovariance> {
  check(features, rows, dims, 'covariance');
  const mean = new Float64Array(dims);
  for (let r = 0; r < rows; r++) {
    const o = r * dims;
    for (let j = 0; j < dims; j++) mean[j] += features[o + j];
  }
  for (let j = 0; j < dims; j++) mean[j] /= rows;
  const cov = new Float64Array(dims * dims);
  const block = new Float64Array(dims * BLOCK_ROWS);
  for (let r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, rows - r0);
    // block[j][r] = x[r0 + r][j] − mean[j], rows of the block = dimensions.
    for (let r = 0; r < count; r++) {
      const o = (r0 + r) * dims;
      for (let j = 0; j < dims; j++) block[j * count + r] = features[o + j] - mean[j];
    }
    const t = count === BLOCK_ROWS ? block : block.subarray(0, dims * count);
    yield* multiplyTransposedSteps(cov, t, dims, t, dims, count, true);
  }
  const scale = 1 / (rows - 1);
  for (let i = 0; i < dims; i++) for (let k = i; k < dims; k++) cov[i * dims + k] *= scale;
  mirrorUpper(cov, dims);
  return { mean, cov };
}

/**
 * Column means and the sample covariance (n − 1 denominator) of `rows` feature vectors of `dims`
 * values each. BAD_INPUT for fewer than 2 rows, a wrong length or a non-finite value.
 */
export function covariance(features: Float32Array | Float64Array, rows: number, dims: number, signal?: AbortSignal): MeanAndCovariance {
  return runSteps(covarianceSteps(features, rows, dims), signal);
}

/** covariance, giving the event loop a turn every few tens of milliseconds. */
export function covarianceYielding(
  features: Float32Array | Float64Array,
  rows: number,
  dims: number,
  signal?: AbortSignal,
): Promise<MeanAndCovariance> {
  return runStepsYielding(covarianceSteps(features, rows, dims), signal);
}
