// The schedules, timestep lists, noise stream seeds and whole sampling trajectories against
// test/reference/diffusion_reference.py, which computes them in numpy from the papers' equations (Ho et
// al. 2020, Song et al. 2021, Nichol & Dhariwal 2021, Salimans & Ho 2022, Ho & Salimans 2022) and the
// noise from its documented keying. Every step's x_t is compared, for DDPM, DDIM eta 0 and 1, each
// prediction type, beta schedule and spacing, and classifier-free guidance.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alphasCumprod, betaSchedule } from '../../../src/core/generators/diffusion/betaSchedule';
import { diffusionStreamSeed } from '../../../src/core/generators/diffusion/diffusionNoise';
import { sampleDiffusion } from '../../../src/core/generators/diffusion/sampleDiffusion';
import { sampleTimesteps } from '../../../src/core/generators/diffusion/timesteps';
import type { BetaScheduleName, DiffusionConfig, TimestepSpacing } from '../../../src/core/generators/diffusion/types';
import { tinyDenoiser } from './tinyDenoiser';

interface RunCase extends DiffusionConfig {
  readonly seed: number;
  readonly firstSample: number;
  readonly count: number;
  readonly shape: number[];
}
interface Doc {
  schedules: {
    betaSchedule: BetaScheduleName;
    trainSteps: number;
    betaStart: number;
    betaEnd: number;
    indices: number[];
    betas: number[];
    alphasCumprod: number[];
  }[];
  timesteps: { trainSteps: number; sampleSteps: number; timestepSpacing: TimestepSpacing; timesteps: number[] }[];
  streams: { seed: number; stream: number; streamSeed: number }[];
  runs: { config: RunCase; timesteps: number[]; trajectory: number[][] }[];
}
const doc = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'diffusion', 'reference_runs.json'), 'utf8')) as Doc;

// float32 storage between steps; the two sides round float64 intermediates in different orders, so an
// occasional last-bit difference is carried along a trajectory (the largest seen is 3.1e-7, a few ulps).
const TOLERANCE = 2e-6;

function describeCase(c: RunCase): string {
  const eta = c.scheduler === 'ddim' ? ` eta ${c.eta ?? 0}` : '';
  const extras = [c.clipSample ? `clip [${c.clipSample.join(', ')}]` : '', c.guidanceScale !== undefined ? `cfg ${c.guidanceScale}` : '']
    .filter((s) => s)
    .join(', ');
  return `${c.scheduler}${eta}, ${c.prediction}, ${c.betaSchedule}, ${c.timestepSpacing ?? 'leading'}, ${c.sampleSteps}/${c.trainSteps}${extras ? `, ${extras}` : ''}`;
}

describe('diffusion schedules against the numpy reference', () => {
  for (const s of doc.schedules) {
    it(`${s.betaSchedule}: betas and alphaBar in float64`, () => {
      const betas = betaSchedule(s.betaSchedule, s.trainSteps, s.betaStart, s.betaEnd);
      const bars = alphasCumprod(betas);
      s.indices.forEach((t, k) => {
        assert.ok(
          Math.abs(betas[t] - s.betas[k]) <= 1e-13 * Math.max(s.betas[k], 1e-300) + 1e-18,
          `beta[${t}] ${betas[t]} vs ${s.betas[k]}`,
        );
        assert.ok(
          Math.abs(bars[t] - s.alphasCumprod[k]) <= 1e-12 * s.alphasCumprod[k] + 1e-300,
          `alphaBar[${t}] ${bars[t]} vs ${s.alphasCumprod[k]}`,
        );
      });
    });
  }

  it('the cosine schedule clips its last beta at 0.999', () => {
    const betas = betaSchedule('cosine', 1000, 0, 0);
    assert.equal(betas[999], 0.999);
    assert.ok(betas.every((b) => b > 0 && b <= 0.999));
  });

  for (const t of doc.timesteps) {
    it(`timesteps ${t.timestepSpacing}, ${t.sampleSteps} of ${t.trainSteps}`, () => {
      assert.deepEqual(sampleTimesteps(t.trainSteps, t.sampleSteps, t.timestepSpacing), t.timesteps);
    });
  }

  it('noise stream seeds match the documented keying', () => {
    for (const s of doc.streams) assert.equal(diffusionStreamSeed(s.seed, s.stream), s.streamSeed, `seed ${s.seed}, stream ${s.stream}`);
  });
});

describe('diffusion trajectories against the numpy reference', () => {
  it('covers each sampler, prediction, schedule and spacing, clipping and guidance', () => {
    const configs = doc.runs.map((r) => r.config);
    for (const scheduler of ['ddpm', 'ddim-0', 'ddim-1']) {
      for (const prediction of ['epsilon', 'v', 'x0']) {
        for (const schedule of ['linear', 'scaled-linear', 'cosine']) {
          for (const spacing of ['leading', 'trailing', 'linspace']) {
            const found = configs.some(
              (c) =>
                (c.scheduler === 'ddpm' ? 'ddpm' : `ddim-${c.eta ?? 0}`) === scheduler &&
                c.prediction === prediction &&
                c.betaSchedule === schedule &&
                (c.timestepSpacing ?? 'leading') === spacing,
            );
            assert.ok(found, `${scheduler} ${prediction} ${schedule} ${spacing}`);
          }
        }
      }
    }
    assert.ok(configs.filter((c) => c.guidanceScale !== undefined).length >= 3);
    assert.ok(configs.some((c) => c.clipSample !== undefined));
  });

  for (const run of doc.runs) {
    const { seed, firstSample, count, shape, ...config } = run.config;
    it(describeCase(run.config), async () => {
      const steps: Float32Array[] = [];
      const timesteps: number[] = [];
      await sampleDiffusion(config, tinyDenoiser(config.trainSteps), {
        seed,
        firstSample,
        count,
        shape,
        onStep: (p) => {
          steps.push(p.sample.slice());
          timesteps.push(p.timestep);
        },
      });
      assert.deepEqual(timesteps, run.timesteps);
      assert.equal(steps.length, run.trajectory.length);
      run.trajectory.forEach((expected, k) => {
        assert.equal(steps[k].length, expected.length);
        expected.forEach((e, i) => {
          const got = steps[k][i];
          assert.ok(Math.abs(got - e) <= TOLERANCE * Math.max(1, Math.abs(e)), `step ${k + 1}, value ${i}: ${got} vs reference ${e}`);
        });
      });
    });
  }
});
