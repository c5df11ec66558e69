// Noise schedules of the forward process q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I),
// in float64 throughout: alphaBar_t near 0 at large t loses its relative precision in float32, and
// every sampler coefficient is a ratio of these products.
import type { BetaScheduleName } from './types';

/** The offset s of Nichol & Dhariwal (2021, eq. 17) that keeps beta_1 from being vanishingly small. */
const COSINE_OFFSET = 0.008;
/** Nichol & Dhariwal clip betas at 0.999 so the last steps do not reach beta = 1 (a singular t = T). */
const COSINE_MAX_BETA = 0.999;

/** numpy.linspace(start, stop, num): start + i * step with the last value exactly stop. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** f(t) of Nichol & Dhariwal (2021, eq. 17) at t / T = u; alphaBar_t = f(t) / f(0). */
function cosineAlphaBar(u: number): number {
  const c = Math.cos(((u + COSINE_OFFSET) / (1 + COSINE_OFFSET)) * (Math.PI / 2));
  return c * c;
}

/**
 * beta_1..beta_T (index 0 is beta_1, the variance added by the first training step):
 * - 'linear': evenly spaced from betaStart to betaEnd (Ho et al. 2020 use 1e-4 .. 0.02);
 * - 'scaled-linear': evenly spaced in sqrt(beta) and squared (latent diffusion's schedule);
 * - 'cosine': beta_t = 1 - alphaBar_t / alphaBar_{t-1} from the cosine alphaBar, clipped at 0.999.
 */
export function betaSchedule(name: BetaScheduleName, trainSteps: number, betaStart: number, betaEnd: number): Float64Array {
  switch (name) {
    case 'linear':
      return linspace(betaStart, betaEnd, trainSteps);
    case 'scaled-linear':
      return linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), trainSteps).map((r) => r * r);
    case 'cosine': {
      const betas = new Float64Array(trainSteps);
      for (let i = 0; i < trainSteps; i++) {
        const beta = 1 - cosineAlphaBar((i + 1) / trainSteps) / cosineAlphaBar(i / trainSteps);
        betas[i] = Math.min(beta, COSINE_MAX_BETA);
      }
      return betas;
    }
  }
}

/** alpha_t = 1 - beta_t. */
export function alphasOf(betas: Float64Array): Float64Array {
  return betas.map((b) => 1 - b);
}

/** alphaBar_t = prod_{s <= t} alpha_s, the signal fraction kept at timestep t (index 0 is t = 1). */
export function alphasCumprod(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length);
  let product = 1;
  for (let i = 0; i < betas.length; i++) {
    product *= 1 - betas[i];
    out[i] = product;
  }
  return out;
}
