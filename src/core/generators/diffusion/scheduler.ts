// The sampler object with diffusers' tiny scheduler API: the timesteps it visits (set_timesteps) and
// step(model output, step index, sample) for one update. The maths lives in the pure functions of
// betaSchedule.ts, timesteps.ts, ddpm.ts and ddim.ts; this file only wires them to one config.
import { alphasCumprod, betaSchedule } from './betaSchedule';
import { ddimSigma, ddimStep } from './ddim';
import { validateDiffusionConfig } from './diffusionConfig';
import { ddpmCoefficients, ddpmStep } from './ddpm';
import { sampleTimesteps } from './timesteps';
import type { DiffusionConfig, ResolvedDiffusionConfig } from './types';

export interface DiffusionScheduler {
  readonly config: ResolvedDiffusionConfig;
  /** alphaBar_t for t = 0..trainSteps-1, float64. */
  readonly alphasCumprod: Float64Array;
  /** The visited timesteps, noisiest first (length sampleSteps). */
  readonly timesteps: readonly number[];
  /** Whether step `stepIndex` (0-based, sampling order) adds noise, so the caller draws it only then. */
  needsNoise(stepIndex: number): boolean;
  /** x at the next visited timestep (x0 after the last step) from x at timesteps[stepIndex]. */
  step(stepIndex: number, modelOutput: Float32Array, sample: Float32Array, noise?: Float32Array): Float32Array;
}

export function createDiffusionScheduler(config: DiffusionConfig, file?: string): DiffusionScheduler {
  const resolved = validateDiffusionConfig(config, file);
  const bars = alphasCumprod(betaSchedule(resolved.betaSchedule, resolved.trainSteps, resolved.betaStart, resolved.betaEnd));
  const timesteps = sampleTimesteps(resolved.trainSteps, resolved.sampleSteps, resolved.timestepSpacing);
  const clipSample = resolved.clipSample;
  const alphaBarAt = (stepIndex: number): number => bars[timesteps[stepIndex]];
  // After the last visited timestep the sample is clean: alphaBar = 1 (diffusers' set_alpha_to_one).
  const alphaBarAfter = (stepIndex: number): number => (stepIndex + 1 < timesteps.length ? bars[timesteps[stepIndex + 1]] : 1);
  const checkIndex = (stepIndex: number): void => {
    if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= timesteps.length) {
      throw new RangeError(`step index ${stepIndex} is outside 0..${timesteps.length - 1}`);
    }
  };
  const needsNoise = (stepIndex: number): boolean => {
    checkIndex(stepIndex);
    if (resolved.scheduler === 'ddpm') return ddpmCoefficients(alphaBarAt(stepIndex), alphaBarAfter(stepIndex)).variance > 0;
    return ddimSigma(alphaBarAt(stepIndex), alphaBarAfter(stepIndex), resolved.eta) > 0;
  };
  const step = (stepIndex: number, modelOutput: Float32Array, sample: Float32Array, noise?: Float32Array): Float32Array => {
    checkIndex(stepIndex);
    const common = {
      prediction: resolved.prediction,
      alphaBarT: alphaBarAt(stepIndex),
      alphaBarPrev: alphaBarAfter(stepIndex),
      modelOutput,
      sample,
      ...(noise === undefined ? {} : { noise }),
      ...(clipSample === undefined ? {} : { clipSample }),
    };
    return resolved.scheduler === 'ddpm' ? ddpmStep(common) : ddimStep({ ...common, eta: resolved.eta });
  };
  return { config: resolved, alphasCumprod: bars, timesteps, needsNoise, step };
}
