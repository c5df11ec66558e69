// Which training timesteps a sampler visits when it runs sampleSteps (N) of the trainSteps (T) steps.
// Timesteps are 0-based as in diffusers (t in 0..T-1 indexes alphaBar), listed from noisiest to
// cleanest. The three spacings are the ones diffusers' DDPM/DDIM schedulers define for
// `timestep_spacing` (see Lin et al. 2024, "Common diffusion noise schedules and sample steps are
// flawed"), with numpy's round-half-to-even rounding so the same N and T give the same list.
import { MedSynthError } from '../../errors';
import { linspace } from './betaSchedule';
import type { TimestepSpacing } from './types';

/** numpy.round / Python's round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The N timesteps, descending:
 * - 'leading': k * floor(T / N) for k = N-1..0 (DDIM's paper; never visits t = T-1 unless N = T);
 * - 'trailing': round(T - k * T / N) - 1 for k = 0..N-1 (always starts at t = T-1);
 * - 'linspace': round(linspace(0, T - 1, N)) reversed (both ends visited).
 * diffusers builds 'trailing' with numpy.arange(T, 0, -T/N), which can give N + 1 values when T / N
 * is not exact in floating point; here it is always exactly N.
 */
export function sampleTimesteps(trainSteps: number, sampleSteps: number, spacing: TimestepSpacing): number[] {
  if (!Number.isSafeInteger(sampleSteps) || !Number.isSafeInteger(trainSteps) || sampleSteps < 1 || sampleSteps > trainSteps) {
    throw new MedSynthError(
      'MANIFEST_INVALID',
      `diffusion.sampleSteps ${sampleSteps} is outside 1..trainSteps (trainSteps ${trainSteps})`,
      {
        expected: `1 <= sampleSteps <= ${trainSteps}`,
      },
    );
  }
  const out: number[] = new Array<number>(sampleSteps);
  switch (spacing) {
    case 'leading': {
      const ratio = Math.floor(trainSteps / sampleSteps);
      for (let k = 0; k < sampleSteps; k++) out[k] = (sampleSteps - 1 - k) * ratio;
      return out;
    }
    case 'trailing': {
      const ratio = trainSteps / sampleSteps;
      for (let k = 0; k < sampleSteps; k++) out[k] = roundHalfEven(trainSteps - k * ratio) - 1;
      return out;
    }
    case 'linspace': {
      const values = linspace(0, trainSteps - 1, sampleSteps);
      for (let i = 0; i < sampleSteps; i++) out[sampleSteps - 1 - i] = roundHalfEven(values[i]);
      return out;
    }
    default:
      throw new MedSynthError('MANIFEST_INVALID', `diffusion.timestepSpacing ${JSON.stringify(spacing)} is not known`, {
        expected: 'one of leading, trailing, linspace',
      });
  }
}
