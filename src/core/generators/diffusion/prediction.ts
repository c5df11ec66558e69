// Converts what the denoiser predicts into the two quantities every sampler step needs: the clean
// sample x0 and the noise epsilon. With x_t = a x0 + s eps, a = sqrt(alphaBar_t), s = sqrt(1 - alphaBar_t)
// (Ho et al. 2020, eq. 4) and v = a eps - s x0 (Salimans & Ho 2022, section 4), each prediction type
// gives x0 and eps as a linear combination of x_t and the model output m:
//   epsilon: x0 = (x_t - s m) / a,  eps = m
//   v:       x0 = a x_t - s m,      eps = s x_t + a m
//   x0:      x0 = m,                eps = (x_t - a m) / s
// so a step needs four numbers per timestep rather than a branch per element.
import type { PredictionType } from './types';

/** x0 = x0FromSample * x_t + x0FromOutput * m and eps = epsFromSample * x_t + epsFromOutput * m. */
export interface PredictionCoefficients {
  readonly x0FromSample: number;
  readonly x0FromOutput: number;
  readonly epsFromSample: number;
  readonly epsFromOutput: number;
}

export function predictionCoefficients(prediction: PredictionType, alphaBar: number): PredictionCoefficients {
  const a = Math.sqrt(alphaBar);
  const s = Math.sqrt(1 - alphaBar);
  switch (prediction) {
    case 'epsilon':
      return { x0FromSample: 1 / a, x0FromOutput: -s / a, epsFromSample: 0, epsFromOutput: 1 };
    case 'v':
      return { x0FromSample: a, x0FromOutput: -s, epsFromSample: s, epsFromOutput: a };
    case 'x0':
      return { x0FromSample: 0, x0FromOutput: 1, epsFromSample: 1 / s, epsFromOutput: -a / s };
  }
}

/** The predicted clean sample for one element, clipped to `clip` when given. */
export function predictedX0(
  c: PredictionCoefficients,
  sample: number,
  output: number,
  clip: readonly [number, number] | undefined,
): number {
  const x0 = c.x0FromSample * sample + c.x0FromOutput * output;
  if (clip === undefined) return x0;
  return x0 < clip[0] ? clip[0] : x0 > clip[1] ? clip[1] : x0;
}
