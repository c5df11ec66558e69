// The sampling loop's reproducibility contract: every random draw is keyed by (seed, sample index,
// step), so the batch size and the sharding of a run change no byte of any sample. Also progress per
// step, cancellation between steps and an async denoiser.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { sampleDiffusion } from '../../../src/core/generators/diffusion/sampleDiffusion';
import type { DiffusionProgress } from '../../../src/core/generators/diffusion/sampleDiffusion';
import type { DiffusionConfig } from '../../../src/core/generators/diffusion/types';
import { tinyDenoiser } from './tinyDenoiser';

const CONFIGS: Record<string, DiffusionConfig> = {
  'DDPM (noise every step)': { scheduler: 'ddpm', trainSteps: 100, sampleSteps: 10, betaSchedule: 'linear', prediction: 'epsilon' },
  'DDIM eta 1 with guidance and clipping': {
    scheduler: 'ddim',
    trainSteps: 100,
    sampleSteps: 6,
    betaSchedule: 'cosine',
    prediction: 'v',
    eta: 1,
    guidanceScale: 2,
    clipSample: [-1, 1],
    timestepSpacing: 'trailing',
  },
};
const SHAPE = [2, 3];
const PER_SAMPLE = 6;
const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('diffusion sampling is keyed by (seed, sample index, step)', () => {
  for (const [name, config] of Object.entries(CONFIGS)) {
    it(`${name}: batch sizes 1, 4 and all give identical bytes`, async () => {
      const run = (batchSize?: number): Promise<Float32Array> =>
        sampleDiffusion(config, tinyDenoiser(config.trainSteps), {
          seed: 42,
          firstSample: 0,
          count: 10,
          shape: SHAPE,
          ...(batchSize ? { batchSize } : {}),
        });
      const all = await run();
      assert.equal(all.length, 10 * PER_SAMPLE);
      assert.ok(all.every(Number.isFinite));
      assert.ok(bytes(all).equals(bytes(await run(1))));
      assert.ok(bytes(all).equals(bytes(await run(4))));
    });

    it(`${name}: samples [0, 10) equal shards [0, 3), [3, 7), [7, 10) concatenated`, async () => {
      const run = (firstSample: number, count: number, batchSize: number): Promise<Float32Array> =>
        sampleDiffusion(config, tinyDenoiser(config.trainSteps), { seed: 42, firstSample, count, shape: SHAPE, batchSize });
      const single = await run(0, 10, 10);
      const shards = [await run(0, 3, 2), await run(3, 4, 3), await run(7, 3, 1)];
      const merged = new Float32Array(10 * PER_SAMPLE);
      let at = 0;
      for (const s of shards) {
        merged.set(s, at);
        at += s.length;
      }
      assert.ok(bytes(single).equals(bytes(merged)));
    });
  }

  it('another seed gives other samples, and samples differ from each other', async () => {
    const config = CONFIGS['DDPM (noise every step)'];
    const a = await sampleDiffusion(config, tinyDenoiser(100), { seed: 1, firstSample: 0, count: 2, shape: SHAPE });
    const b = await sampleDiffusion(config, tinyDenoiser(100), { seed: 2, firstSample: 0, count: 2, shape: SHAPE });
    assert.ok(!bytes(a).equals(bytes(b)));
    assert.ok(!bytes(a.subarray(0, PER_SAMPLE)).equals(bytes(a.subarray(PER_SAMPLE))));
  });
});

describe('diffusion sampling progress and cancellation', () => {
  const config = CONFIGS['DDPM (noise every step)'];

  it('reports every step of every batch, with a running total', async () => {
    const seen: DiffusionProgress[] = [];
    await sampleDiffusion(config, tinyDenoiser(100), {
      seed: 1,
      firstSample: 4,
      count: 5,
      shape: SHAPE,
      batchSize: 2,
      onStep: (p) => seen.push(p),
    });
    assert.equal(seen.length, 3 * 10);
    assert.deepEqual(
      seen.map((p) => p.done),
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    assert.ok(seen.every((p) => p.total === 30 && p.steps === 10));
    assert.deepEqual([...new Set(seen.map((p) => `${p.firstSample}+${p.count}`))], ['4+2', '6+2', '8+1']);
    assert.deepEqual(
      seen.slice(0, 10).map((p) => p.timestep),
      [90, 80, 70, 60, 50, 40, 30, 20, 10, 0],
    );
  });

  it('stops between steps when the signal aborts, with CANCELLED and no more model calls', async () => {
    const controller = new AbortController();
    let calls = 0;
    const denoise = tinyDenoiser(100);
    await assert.rejects(
      sampleDiffusion(
        config,
        (x, t, c) => {
          calls++;
          return denoise(x, t, c);
        },
        { seed: 1, firstSample: 0, count: 2, shape: SHAPE, signal: controller.signal, onStep: (p) => p.step === 3 && controller.abort() },
      ),
      (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
    assert.equal(calls, 3);
  });

  it('an already aborted signal calls the model never', async () => {
    let calls = 0;
    await assert.rejects(
      sampleDiffusion(config, () => (calls++, new Float32Array(12)), {
        seed: 1,
        firstSample: 0,
        count: 2,
        shape: SHAPE,
        signal: AbortSignal.abort(),
      }),
      (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
    assert.equal(calls, 0);
  });

  it('an async denoiser gives the same bytes as a synchronous one, and gets the signal and branch', async () => {
    const guided = CONFIGS['DDIM eta 1 with guidance and clipping'];
    const denoise = tinyDenoiser(100);
    const branches = new Set<string>();
    const signal = new AbortController().signal;
    const sync = await sampleDiffusion(guided, denoise, { seed: 9, firstSample: 0, count: 3, shape: SHAPE });
    const asyncRun = await sampleDiffusion(
      guided,
      async (x, t, c) => {
        branches.add(c.branch);
        assert.equal(c.signal, signal);
        await new Promise((resolve) => setImmediate(resolve));
        return denoise(x, t, c);
      },
      { seed: 9, firstSample: 0, count: 3, shape: SHAPE, signal },
    );
    assert.ok(bytes(sync).equals(bytes(asyncRun)));
    assert.deepEqual([...branches].sort(), ['conditional', 'unconditional']);
  });

  it('a denoiser that writes into its input cannot change the sample', async () => {
    const denoise = tinyDenoiser(100);
    const clean = await sampleDiffusion(config, denoise, { seed: 3, firstSample: 0, count: 2, shape: SHAPE });
    const scribbled = await sampleDiffusion(
      config,
      (x, t, c) => {
        const out = denoise(x, t, c);
        x.fill(1e6);
        return out;
      },
      { seed: 3, firstSample: 0, count: 2, shape: SHAPE },
    );
    assert.ok(bytes(clean).equals(bytes(scribbled)));
  });
});
