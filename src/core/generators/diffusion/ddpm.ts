// One ancestral step of DDPM (Ho et al. 2020): sample x_prev from the forward-process posterior
// q(x_prev | x_t, x0) with x0 predicted by the model. Between two visited timesteps t > prev the
// marginals give alpha_t = alphaBar_t / alphaBar_prev and beta_t = 1 - alpha_t (for consecutive
// timesteps these are the schedule's own), and eq. 7 gives
//   mean     = sqrt(alphaBar_prev) beta_t / (1 - alphaBar_t) * x0 + sqrt(alpha_t) (1 - alphaBar_prev) / (1 - alphaBar_t) * x_t
//   variance = (1 - alphaBar_prev) / (1 - alphaBar_t) * beta_t      (beta-tilde, 'fixed_small')
// After the last visited timestep alphaBar_prev is 1: the variance is 0 and the mean is x0.
import { predictedX0, predictionCoefficients } from './prediction';
import type { SchedulerStepInput } from './types';

export interface DdpmCoefficients {
  readonly x0Coefficient: number;
  readonly sampleCoefficient: number;
  /** beta-tilde, the posterior variance ('fixed_small' of diffusers). */
  readonly variance: number;
}

/** The posterior coefficients of eq. 7 between alphaBar_t and alphaBar_prev (1 after the last step). */
export function ddpmCoefficients(alphaBarT: number, alphaBarPrev: number): DdpmCoefficients {
  const alphaT = alphaBarT / alphaBarPrev;
  const betaT = 1 - alphaT;
  const oneMinusBarT = 1 - alphaBarT;
  return {
    x0Coefficient: (Math.sqrt(alphaBarPrev) * betaT) / oneMinusBarT,
    sampleCoefficient: (Math.sqrt(alphaT) * (1 - alphaBarPrev)) / oneMinusBarT,
    variance: ((1 - alphaBarPrev) / oneMinusBarT) * betaT,
  };
}

/** x_prev = mean + sqrt(variance) z, elementwise, as float32 (what the next model call is fed). */
export function ddpmStep(input: SchedulerStepInput): Float32Array {
  const { sample, modelOutput, noise } = input;
  const p = predictionCoefficients(input.prediction, input.alphaBarT);
  const c = ddpmCoefficients(input.alphaBarT, input.alphaBarPrev);
  const sd = Math.sqrt(c.variance);
  if (sd > 0 && noise === undefined) throw new RangeError('a DDPM step before the last one needs noise');
  const out = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i++) {
    const x0 = predictedX0(p, sample[i], modelOutput[i], input.clipSample);
    const mean = c.x0Coefficient * x0 + c.sampleCoefficient * sample[i];
    out[i] = noise === undefined ? mean : mean + sd * noise[i];
  }
  return out;
}
