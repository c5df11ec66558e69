// The plain configuration object of a diffusion sampler, as a generator manifest's `diffusion` section
// spells it. Every field is checked by validateDiffusionConfig before any maths runs, because the
// values come from a user's JSON file.

/** How the noise variances beta_1..beta_T grow over the training steps. */
export type BetaScheduleName = 'linear' | 'scaled-linear' | 'cosine';

/** Which of the training timesteps the sampler visits (diffusers' `timestep_spacing`). */
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

/** What the denoiser predicts: the added noise, the velocity v (Salimans & Ho 2022) or the clean sample. */
export type PredictionType = 'epsilon' | 'v' | 'x0';

/** DDPM ancestral sampling (Ho et al. 2020) or DDIM (Song et al. 2021). */
export type SchedulerName = 'ddpm' | 'ddim';

export interface DiffusionConfig {
  readonly scheduler: SchedulerName;
  /** T, the number of steps the model was trained with. */
  readonly trainSteps: number;
  /** The number of denoising steps to run, 1..trainSteps. */
  readonly sampleSteps: number;
  readonly betaSchedule: BetaScheduleName;
  /** beta_1 for 'linear' and 'scaled-linear'; default 1e-4 (Ho et al. 2020). Ignored by 'cosine'. */
  readonly betaStart?: number;
  /** beta_T for 'linear' and 'scaled-linear'; default 0.02 (Ho et al. 2020). Ignored by 'cosine'. */
  readonly betaEnd?: number;
  readonly prediction: PredictionType;
  /** Default 'leading', the spacing of DDIM's paper and of diffusers' default configs. */
  readonly timestepSpacing?: TimestepSpacing;
  /** DDIM only: 0 is deterministic, 1 gives DDPM's posterior variance; default 0. */
  readonly eta?: number;
  /** Clip each predicted x0 to the output range [lo, hi]; no clipping when absent. */
  readonly clipSample?: readonly [number, number];
  /** Classifier-free guidance scale w (Ho & Salimans 2022); no guidance when absent. */
  readonly guidanceScale?: number;
}

/** A validated configuration with every default filled in. */
export interface ResolvedDiffusionConfig {
  readonly scheduler: SchedulerName;
  readonly trainSteps: number;
  readonly sampleSteps: number;
  readonly betaSchedule: BetaScheduleName;
  readonly betaStart: number;
  readonly betaEnd: number;
  readonly prediction: PredictionType;
  readonly timestepSpacing: TimestepSpacing;
  readonly eta: number;
  readonly clipSample: readonly [number, number] | undefined;
  readonly guidanceScale: number | undefined;
}

/** What one DDPM or DDIM update needs: the model output at x_t and the two alphaBar of the step. */
export interface SchedulerStepInput {
  readonly prediction: PredictionType;
  readonly alphaBarT: number;
  /** alphaBar at the next visited timestep, 1 after the last one. */
  readonly alphaBarPrev: number;
  readonly modelOutput: Float32Array;
  readonly sample: Float32Array;
  /** Standard normal noise of the sample's length; absent when the step adds none (its variance is 0). */
  readonly noise?: Float32Array;
  readonly clipSample?: readonly [number, number];
}

export const DEFAULT_BETA_START = 1e-4;
export const DEFAULT_BETA_END = 0.02;
