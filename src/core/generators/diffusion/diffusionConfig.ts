// Checks a diffusion configuration before any maths runs: the values come from a user's manifest, so
// a wrong name or a step count the model was never trained for must become a MANIFEST_INVALID error
// naming the field and the numbers, not NaN samples later.
import { MedSynthError } from '../../errors';
import { DEFAULT_BETA_END, DEFAULT_BETA_START } from './types';
import type { BetaScheduleName, DiffusionConfig, PredictionType, ResolvedDiffusionConfig, SchedulerName, TimestepSpacing } from './types';

const SCHEDULERS: readonly SchedulerName[] = ['ddpm', 'ddim'];
const BETA_SCHEDULES: readonly BetaScheduleName[] = ['linear', 'scaled-linear', 'cosine'];
const PREDICTIONS: readonly PredictionType[] = ['epsilon', 'v', 'x0'];
const SPACINGS: readonly TimestepSpacing[] = ['leading', 'trailing', 'linspace'];

function invalid(message: string, expected: string, file: string | undefined): MedSynthError {
  return new MedSynthError('MANIFEST_INVALID', message, file === undefined ? { expected } : { file, expected });
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], file: string | undefined): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(`diffusion.${field} ${JSON.stringify(value)} is not known`, `one of ${allowed.join(', ')}`, file);
}

function positiveInteger(value: unknown, field: string, file: string | undefined): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  throw invalid(`diffusion.${field} ${JSON.stringify(value)} is not a positive integer`, 'an integer >= 1', file);
}

function finite(value: unknown, field: string, file: string | undefined): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw invalid(`diffusion.${field} ${JSON.stringify(value)} is not a finite number`, 'a finite number', file);
}

/**
 * Fills the defaults and checks every field; `file` names the manifest in the error. sampleSteps
 * must lie in 1..trainSteps: a model only knows the timesteps it was trained on.
 */
export function validateDiffusionConfig(config: DiffusionConfig, file?: string): ResolvedDiffusionConfig {
  const scheduler = oneOf(config.scheduler, 'scheduler', SCHEDULERS, file);
  const betaSchedule = oneOf(config.betaSchedule, 'betaSchedule', BETA_SCHEDULES, file);
  const prediction = oneOf(config.prediction, 'prediction', PREDICTIONS, file);
  const timestepSpacing = oneOf(config.timestepSpacing ?? 'leading', 'timestepSpacing', SPACINGS, file);
  const trainSteps = positiveInteger(config.trainSteps, 'trainSteps', file);
  if (typeof config.sampleSteps !== 'number' || !Number.isSafeInteger(config.sampleSteps)) {
    throw invalid(`diffusion.sampleSteps ${JSON.stringify(config.sampleSteps)} is not an integer`, `an integer in 1..${trainSteps}`, file);
  }
  const sampleSteps = config.sampleSteps;
  if (sampleSteps < 1 || sampleSteps > trainSteps) {
    throw invalid(
      `diffusion.sampleSteps ${sampleSteps} is outside 1..trainSteps (trainSteps ${trainSteps})`,
      `1 <= sampleSteps <= ${trainSteps}`,
      file,
    );
  }
  const betaStart = finite(config.betaStart ?? DEFAULT_BETA_START, 'betaStart', file);
  const betaEnd = finite(config.betaEnd ?? DEFAULT_BETA_END, 'betaEnd', file);
  if (betaSchedule !== 'cosine' && !(betaStart > 0 && betaStart <= betaEnd && betaEnd < 1)) {
    throw invalid(`diffusion.betaStart ${betaStart} and betaEnd ${betaEnd} do not make a schedule`, '0 < betaStart <= betaEnd < 1', file);
  }
  const eta = finite(config.eta ?? 0, 'eta', file);
  // Above 1 the DDIM noise sigma can exceed sqrt(1 - alphaBar_prev) and the update takes a negative root.
  if (eta < 0 || eta > 1) throw invalid(`diffusion.eta ${eta} is outside [0, 1]`, '0 <= eta <= 1', file);
  let clipSample: readonly [number, number] | undefined;
  if (config.clipSample !== undefined) {
    const range: unknown = config.clipSample;
    const ok =
      Array.isArray(range) && range.length === 2 && range.every((v) => typeof v === 'number' && Number.isFinite(v)) && range[0] < range[1];
    if (!ok) throw invalid(`diffusion.clipSample ${JSON.stringify(range)} is not a range`, '[lo, hi] with finite lo < hi', file);
    clipSample = [range[0] as number, range[1] as number];
  }
  const guidanceScale = config.guidanceScale === undefined ? undefined : finite(config.guidanceScale, 'guidanceScale', file);
  return {
    scheduler,
    trainSteps,
    sampleSteps,
    betaSchedule,
    betaStart,
    betaEnd,
    prediction,
    timestepSpacing,
    eta,
    clipSample,
    guidanceScale,
  };
}
