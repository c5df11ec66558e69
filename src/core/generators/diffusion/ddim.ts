// One step of DDIM (Song et al. 2021, eq. 12): with x0 and eps predicted at timestep t,
//   x_prev = sqrt(alphaBar_prev) x0 + sqrt(1 - alphaBar_prev - sigma^2) eps + sigma z,
//   sigma  = eta sqrt((1 - alphaBar_prev) / (1 - alphaBar_t)) sqrt(1 - alphaBar_t / alphaBar_prev)  (eq. 16).
// eta = 0 is the deterministic implicit model; eta = 1 makes sigma^2 DDPM's posterior variance. As in
// diffusers' default (use_clipped_model_output false), clipping changes x0 only, not the eps term.
import { predictedX0, predictionCoefficients } from './prediction';
import type { SchedulerStepInput } from './types';

/** sigma_t of eq. 16 for the step from alphaBar_t to alphaBar_prev. */
export function ddimSigma(alphaBarT: number, alphaBarPrev: number, eta: number): number {
  if (eta === 0) return 0;
  const variance = ((1 - alphaBarPrev) / (1 - alphaBarT)) * (1 - alphaBarT / alphaBarPrev);
  return eta * Math.sqrt(Math.max(variance, 0));
}

export interface DdimStepInput extends SchedulerStepInput {
  /** 0 deterministic, 1 DDPM-like; step noise is needed only when sigma > 0. */
  readonly eta: number;
}

export function ddimStep(input: DdimStepInput): Float32Array {
  const { sample, modelOutput, noise } = input;
  const p = predictionCoefficients(input.prediction, input.alphaBarT);
  const sigma = ddimSigma(input.alphaBarT, input.alphaBarPrev, input.eta);
  const x0Coefficient = Math.sqrt(input.alphaBarPrev);
  // Rounding can make 1 - alphaBar_prev - sigma^2 a hair below 0 when eta = 1 at the last steps.
  const epsCoefficient = Math.sqrt(Math.max(1 - input.alphaBarPrev - sigma * sigma, 0));
  if (sigma > 0 && noise === undefined) throw new RangeError('a DDIM step with eta > 0 needs noise');
  const out = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i++) {
    const x = sample[i];
    const m = modelOutput[i];
    const x0 = predictedX0(p, x, m, input.clipSample);
    const eps = p.epsFromSample * x + p.epsFromOutput * m;
    const mean = x0Coefficient * x0 + epsCoefficient * eps;
    out[i] = noise === undefined || sigma === 0 ? mean : mean + sigma * noise[i];
  }
  return out;
}
