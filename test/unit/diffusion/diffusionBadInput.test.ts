// Bad diffusion configurations and misbehaving denoisers: each is a typed MedSynthError that names
// the field, the numbers or the step, before or instead of a sample full of NaN.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import type { MedSynthErrorCode } from '../../../src/core/errors';
import { validateDiffusionConfig } from '../../../src/core/generators/diffusion/diffusionConfig';
import { sampleDiffusion } from '../../../src/core/generators/diffusion/sampleDiffusion';
import type { Denoiser } from '../../../src/core/generators/diffusion/sampleDiffusion';
import { sampleTimesteps } from '../../../src/core/generators/diffusion/timesteps';
import type { DiffusionConfig } from '../../../src/core/generators/diffusion/types';
import { tinyDenoiser } from './tinyDenoiser';

const GOOD: DiffusionConfig = { scheduler: 'ddpm', trainSteps: 50, sampleSteps: 10, betaSchedule: 'linear', prediction: 'epsilon' };

function rejects(code: MedSynthErrorCode, ...fragments: string[]): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof MedSynthError, `expected a MedSynthError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" does not mention ${f}`);
    return true;
  };
}

const run = (config: DiffusionConfig, denoise: Denoiser = tinyDenoiser(50)): Promise<Float32Array> =>
  sampleDiffusion(config, denoise, { seed: 1, firstSample: 0, count: 2, shape: [3], file: 'gen/medsynth.json' });

describe('diffusion configuration errors', () => {
  it('sampleSteps above trainSteps names both numbers and the manifest', async () => {
    await assert.rejects(run({ ...GOOD, sampleSteps: 60 }), rejects('MANIFEST_INVALID', '60', '50', 'gen/medsynth.json', 'sampleSteps'));
    assert.throws(() => sampleTimesteps(50, 60, 'leading'), rejects('MANIFEST_INVALID', '60', '50'));
  });

  it('sampleSteps below 1 or not an integer', () => {
    assert.throws(() => validateDiffusionConfig({ ...GOOD, sampleSteps: 0 }), rejects('MANIFEST_INVALID', 'sampleSteps 0', '50'));
    assert.throws(() => validateDiffusionConfig({ ...GOOD, sampleSteps: 2.5 }), rejects('MANIFEST_INVALID', 'sampleSteps 2.5'));
    assert.throws(() => validateDiffusionConfig({ ...GOOD, trainSteps: 0 }), rejects('MANIFEST_INVALID', 'trainSteps 0'));
  });

  for (const [field, value] of [
    ['scheduler', 'euler'],
    ['betaSchedule', 'sigmoid'],
    ['prediction', 'score'],
    ['timestepSpacing', 'karras'],
  ] as const) {
    it(`an unknown ${field} is named with the allowed values`, async () => {
      const bad = { ...GOOD, [field]: value } as unknown as DiffusionConfig;
      await assert.rejects(run(bad), rejects('MANIFEST_INVALID', field, `"${value}"`, 'expected one of'));
    });
  }

  it('betas outside (0, 1), eta outside [0, 1], a bad clip range and a non-finite guidance scale', () => {
    assert.throws(() => validateDiffusionConfig({ ...GOOD, betaStart: 0 }), rejects('MANIFEST_INVALID', 'betaStart 0'));
    assert.throws(() => validateDiffusionConfig({ ...GOOD, betaEnd: 1.5 }), rejects('MANIFEST_INVALID', 'betaEnd 1.5'));
    assert.throws(() => validateDiffusionConfig({ ...GOOD, scheduler: 'ddim', eta: 1.5 }), rejects('MANIFEST_INVALID', 'eta 1.5'));
    assert.throws(() => validateDiffusionConfig({ ...GOOD, clipSample: [1, -1] }), rejects('MANIFEST_INVALID', 'clipSample'));
    assert.throws(() => validateDiffusionConfig({ ...GOOD, guidanceScale: NaN }), rejects('MANIFEST_INVALID', 'guidanceScale'));
    // The cosine schedule ignores betaStart and betaEnd.
    assert.equal(validateDiffusionConfig({ ...GOOD, betaSchedule: 'cosine', betaStart: 0 }).betaSchedule, 'cosine');
  });

  it('bad run options are BAD_USAGE', async () => {
    await assert.rejects(
      sampleDiffusion(GOOD, tinyDenoiser(50), { seed: -1, firstSample: 0, count: 1, shape: [3] }),
      rejects('BAD_USAGE', 'seed'),
    );
    await assert.rejects(
      sampleDiffusion(GOOD, tinyDenoiser(50), { seed: 1, firstSample: 0, count: 1, shape: [0] }),
      rejects('BAD_USAGE', 'shape'),
    );
    await assert.rejects(
      sampleDiffusion(GOOD, tinyDenoiser(50), { seed: 1, firstSample: 0, count: 1, shape: [3], batchSize: 0 }),
      rejects('BAD_USAGE', 'batchSize'),
    );
  });
});

describe('misbehaving denoisers', () => {
  const good = tinyDenoiser(50);

  it('NaN from the denoiser names the step and timestep', async () => {
    const nanAtStep4: Denoiser = (x, t, c) => {
      const out = good(x, t, c);
      if (c.step === 4) out[2] = NaN;
      return out;
    };
    // Leading spacing, 10 of 50: timesteps 45, 40, 35, 30, ...; step 4 is timestep 30.
    await assert.rejects(run(GOOD, nanAtStep4), rejects('MODEL_MISMATCH', 'NaN', 'step 4', 'timestep 30', 'value 2'));
  });

  it('Infinity from the unconditional branch is named as that branch', async () => {
    const infUncond: Denoiser = (x, t, c) => {
      const out = good(x, t, c);
      if (c.branch === 'unconditional') out[0] = Infinity;
      return out;
    };
    await assert.rejects(run({ ...GOOD, guidanceScale: 2 }, infUncond), rejects('MODEL_MISMATCH', 'unconditional', 'Infinity', 'step 1'));
  });

  it('an output of the wrong length names both lengths', async () => {
    const short: Denoiser = (x, t, c) => good(x, t, c).subarray(1);
    await assert.rejects(run(GOOD, short), rejects('MODEL_MISMATCH', 'returned 5 values', 'step 1', 'expected 6 values'));
  });

  it('an output that is not a Float32Array', async () => {
    const wrongType = (() => new Float64Array(6)) as unknown as Denoiser;
    await assert.rejects(run(GOOD, wrongType), rejects('MODEL_MISMATCH', 'no float32 array'));
  });

  it('an error thrown by the denoiser passes through unchanged', async () => {
    const crash = new MedSynthError('INFERENCE_CRASHED', 'the inference process died');
    await assert.rejects(
      run(GOOD, () => {
        throw crash;
      }),
      (e: unknown) => e === crash,
    );
  });
});
