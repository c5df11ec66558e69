// The sampling loop: start from seeded noise, ask the denoiser at each visited timestep, update with
// the scheduler. The denoiser is a callback (the ONNX session plugs in here) that may be async. Samples
// are computed in batches, and every random draw is keyed by (seed, sample index, stream) (see
// diffusionNoise.ts), so sample i is the same bytes whatever the batch size or shard.
import { MedSynthError, throwIfAborted } from '../../errors';
import { diffusionNoise } from './diffusionNoise';
import { classifierFreeGuidance } from './guidance';
import { createDiffusionScheduler } from './scheduler';
import type { DiffusionConfig } from './types';

/**
 * Which model call this is: 'single' without guidance; with guidance, 'conditional' (the samples'
 * own condition) and 'unconditional' (the manifest's null condition).
 */
export type DenoiseBranch = 'single' | 'conditional' | 'unconditional';

export interface DenoiseContext {
  /** The global index of the batch's first sample, so a conditional denoiser can find each sample's class. */
  readonly firstSample: number;
  readonly count: number;
  readonly shape: readonly number[];
  /** 1-based index of the step in sampling order, and the number of steps. */
  readonly step: number;
  readonly steps: number;
  readonly branch: DenoiseBranch;
  readonly signal?: AbortSignal;
}

/** Returns the model output for x_t: [count, ...shape] row-major, the same length as `sample`. */
export type Denoiser = (sample: Float32Array, timestep: number, context: DenoiseContext) => Float32Array | Promise<Float32Array>;

export interface DiffusionProgress {
  readonly firstSample: number;
  readonly count: number;
  readonly step: number;
  readonly steps: number;
  readonly timestep: number;
  /** Steps done over the whole run (all batches), out of `total`. */
  readonly done: number;
  readonly total: number;
  /** x after this step for the batch, [count, ...shape]; the loop goes on from this array, so read it, never write it. */
  readonly sample: Float32Array;
}

export interface SampleDiffusionOptions {
  readonly seed: number;
  readonly firstSample: number;
  readonly count: number;
  /** The shape of one sample (e.g. [C, H, W]). */
  readonly shape: readonly number[];
  /** Samples per denoiser call; default all of them. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onStep?: (progress: DiffusionProgress) => void;
  /** Names the manifest in configuration errors. */
  readonly file?: string;
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new MedSynthError('BAD_USAGE', `${name} ${value} is not an integer >= ${min}`, { expected: `an integer >= ${min}` });
  }
}

/** Rejects an output of the wrong length or with a non-finite value, naming the step and timestep. */
function checkModelOutput(output: unknown, expected: number, step: number, timestep: number, branch: DenoiseBranch): Float32Array {
  const what = branch === 'single' ? 'the denoiser' : `the denoiser (${branch})`;
  if (!(output instanceof Float32Array)) {
    throw new MedSynthError('MODEL_MISMATCH', `${what} returned no float32 array at step ${step} (timestep ${timestep})`, {
      expected: 'a Float32Array',
    });
  }
  if (output.length !== expected) {
    throw new MedSynthError('MODEL_MISMATCH', `${what} returned ${output.length} values at step ${step} (timestep ${timestep})`, {
      expected: `${expected} values`,
    });
  }
  for (let i = 0; i < output.length; i++) {
    if (!Number.isFinite(output[i])) {
      throw new MedSynthError('MODEL_MISMATCH', `${what} returned ${output[i]} at value ${i}, step ${step} (timestep ${timestep})`, {
        expected: 'finite values',
      });
    }
  }
  return output;
}

/** Runs the sampler for samples firstSample..firstSample+count-1 and returns them, [count, ...shape]. */
export async function sampleDiffusion(config: DiffusionConfig, denoise: Denoiser, options: SampleDiffusionOptions): Promise<Float32Array> {
  const scheduler = createDiffusionScheduler(config, options.file);
  const { seed, firstSample, count, shape, signal, onStep } = options;
  checkCount('seed', seed, 0);
  checkCount('firstSample', firstSample, 0);
  checkCount('count', count, 0);
  for (const d of shape) checkCount('shape dimension', d, 1);
  const batchSize = options.batchSize ?? Math.max(count, 1);
  checkCount('batchSize', batchSize, 1);
  const perSample = shape.reduce((a, b) => a * b, 1);
  const steps = scheduler.timesteps.length;
  const guidance = scheduler.config.guidanceScale;
  const total = Math.ceil(count / batchSize) * steps;
  const out = new Float32Array(count * perSample);
  let done = 0;
  for (let offset = 0; offset < count; offset += batchSize) {
    const batchFirst = firstSample + offset;
    const batchCount = Math.min(batchSize, count - offset);
    const length = batchCount * perSample;
    let x = diffusionNoise(seed, 0, batchFirst, batchCount, perSample);
    for (let k = 0; k < steps; k++) {
      throwIfAborted(signal);
      const t = scheduler.timesteps[k];
      const call = async (branch: DenoiseBranch): Promise<Float32Array> => {
        const context: DenoiseContext = {
          firstSample: batchFirst,
          count: batchCount,
          shape,
          step: k + 1,
          steps,
          branch,
          ...(signal ? { signal } : {}),
        };
        // The denoiser gets its own copy, so a callback that writes into its input cannot change x.
        return checkModelOutput(await denoise(x.slice(), t, context), length, k + 1, t, branch);
      };
      let output: Float32Array;
      if (guidance === undefined) {
        output = await call('single');
      } else {
        const conditional = await call('conditional');
        throwIfAborted(signal);
        output = classifierFreeGuidance(await call('unconditional'), conditional, guidance);
      }
      throwIfAborted(signal);
      const noise = scheduler.needsNoise(k) ? diffusionNoise(seed, k + 1, batchFirst, batchCount, perSample) : undefined;
      x = scheduler.step(k, output, x, noise);
      done++;
      onStep?.({ firstSample: batchFirst, count: batchCount, step: k + 1, steps, timestep: t, done, total, sample: x });
    }
    out.set(x, offset * perSample);
  }
  return out;
}
