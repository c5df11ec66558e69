// The fixed tiny denoiser of test/reference/diffusion_reference.py, written the same way here: for
// element j of sample i at timestep t, m = tanh(0.9 x_j + 0.6 t / T - 0.3 + 0.1 (j mod 3) + 0.25 c),
// c = 0 for a single or unconditional call and 1 + (i mod 2) for the conditional branch. It is
// elementwise per sample, as a real model without batch statistics is, so batching cannot change it.
import type { DenoiseContext } from '../../../src/core/generators/diffusion/sampleDiffusion';

/** A Denoiser that answers synchronously, so tests can alter its output. */
export type SyncDenoiser = (sample: Float32Array, timestep: number, context: DenoiseContext) => Float32Array;

export function tinyDenoiser(trainSteps: number): SyncDenoiser {
  return (sample: Float32Array, timestep: number, context: DenoiseContext): Float32Array => {
    const perSample = sample.length / context.count;
    const out = new Float32Array(sample.length);
    for (let r = 0; r < context.count; r++) {
      const c = context.branch === 'conditional' ? 1 + ((context.firstSample + r) % 2) : 0;
      for (let j = 0; j < perSample; j++) {
        const i = r * perSample + j;
        out[i] = Math.tanh(0.9 * sample[i] + (0.6 * timestep) / trainSteps - 0.3 + 0.1 * (j % 3) + 0.25 * c);
      }
    }
    return out;
  };
}
