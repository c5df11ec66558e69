// Diffusion generators through the real inference client and child: the tiny ONNX denoiser of
// test/fixtures/models/image_tiny/ computes the reference denoiser of test/reference/diffusion_reference.py,
// so each run is compared, per sample, with the numpy trajectories of
// test/fixtures/diffusion/reference_runs.json (DDPM, DDIM eta 0, 0.5 and 1, each prediction type, beta
// schedule and spacing, clipping, guidance) and with the numpy runs of models_image_tiny.py (guidance on
// one-hot and index classes, latent diffusion with a decoder). Batch sizes and shards give the same
// bytes; steps are reported; NaN, bad configurations and cancel are typed errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DiffusionConfig } from '../../../src/core/generators/diffusion/types';
import type { GeneratorManifest } from '../../../src/core/generators/manifest';
import { validateManifest } from '../../../src/core/generators/manifestValidation';
import type { InferenceClient } from '../../../src/engine/inferenceClient';
import type { SampleCondition, StepProgress } from '../../../src/protocol/inference';
import { rejectsWith } from '../typedErrors';
import { assertClose, EXPECTED, sampleTiny, testClient, tinyGenerator } from './imageTinyFixture';
import type { TinySampleOptions } from './imageTinyFixture';

interface RunCase extends DiffusionConfig {
  readonly seed: number;
  readonly firstSample: number;
  readonly count: number;
  readonly shape: number[];
}
const runs = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'diffusion', 'reference_runs.json'), 'utf8')) as {
    runs: { config: RunCase; timesteps: number[]; trajectory: number[][] }[];
  }
).runs;

// The numpy side evaluates the denoiser in float64 and rounds once; onnxruntime evaluates it in
// float32 (0.9 x + 0.6 t / T - 0.3 + 0.1 j, then tanh), a few ulps apart per call, carried along 8
// steps and amplified where x0 = (x - sqrt(1 - aBar) eps) / sqrt(aBar) divides by a small sqrt(aBar).
// The largest difference seen over every case is printed by the coverage test; this bound is 10x it.
const TOLERANCE = 2e-4;

const denoiser = tinyGenerator('denoiser');
const cfg = tinyGenerator('denoiser_cfg');

/** A manifest for the tiny denoiser with this case's sampler and a flat [-1, 1, 1, D] sample. */
function caseManifest(c: RunCase): { modelPath: string; manifest: GeneratorManifest } {
  const { seed: _s, firstSample: _f, count: _c, shape, ...config } = c;
  const base = c.guidanceScale === undefined ? denoiser : cfg;
  const d = shape.reduce((a, b) => a * b, 1);
  const json = {
    ...base.json,
    inputs: { ...(base.json.inputs as object), latent: { name: 'x_t', shape: [-1, 1, 1, d], distribution: 'normal' } },
    diffusion: { ...config, timestepInput: 't', ...(c.guidanceScale === undefined ? {} : { nullCondition: [0] }) },
  };
  return { modelPath: base.modelPath, manifest: validateManifest(json, join(base.dir, 'medsynth.json')) };
}

/** The reference's conditional term c = 1 + (i mod 2) as the vector condition of each sample. */
function referenceVectors(first: number, count: number): SampleCondition {
  return { kind: 'vectors', data: Float32Array.from({ length: count }, (_, r) => 1 + ((first + r) % 2)) };
}

describe('diffusion generators through the inference process', () => {
  let client: InferenceClient;
  before(() => (client = testClient()));
  after(() => client.dispose());

  const sample = (
    gen: { modelPath: string; manifest: GeneratorManifest },
    rows: number,
    extra: TinySampleOptions = {},
    onProgress?: (done: number, total: number, step?: StepProgress) => void,
  ) => sampleTiny(client, gen, rows, extra, onProgress ? { onProgress } : {});

  it('matches every numpy reference trajectory with trainSteps 1000 (86 of 87; the other needs a T = 20 model)', async () => {
    let worst = 0;
    const covered = new Set<string>();
    for (const run of runs) {
      const c = run.config;
      if (c.trainSteps !== 1000) continue;
      const gen = caseManifest(c);
      const res = await sample(gen, c.count, {
        firstRow: c.firstSample,
        seed: c.seed,
        batch: 2,
        ...(c.guidanceScale === undefined ? {} : { condition: referenceVectors(c.firstSample, c.count) }),
      });
      const what = `${c.scheduler} eta ${c.eta ?? 0} ${c.prediction} ${c.betaSchedule} ${c.timestepSpacing ?? 'leading'} seed ${c.seed}`;
      worst = Math.max(worst, assertClose(res.sample, run.trajectory[run.trajectory.length - 1], TOLERANCE, what));
      assert.equal(
        res.features,
        c.shape.reduce((a, b) => a * b, 1),
      );
      covered.add(`${c.scheduler}-${c.eta ?? 0}-${c.prediction}${c.guidanceScale === undefined ? '' : '-cfg'}`);
    }
    for (const s of ['ddpm-0', 'ddim-0', 'ddim-1'])
      for (const p of ['epsilon', 'v', 'x0']) assert.ok(covered.has(`${s}-${p}`), `${s} ${p}`);
    assert.ok([...covered].filter((k) => k.endsWith('-cfg')).length === 3);
    process.stdout.write(`# largest difference from the numpy trajectories: ${worst.toExponential(2)}\n`);
  });

  it('an image denoiser [-1, 1, 8, 8] with an int64 timestep per sample matches numpy', async () => {
    const e = EXPECTED.denoiser;
    const res = await sample(denoiser, e.rows, { seed: e.seed, firstRow: e.firstRow });
    assert.equal(res.features, 64);
    assertClose(res.sample, e.sample, TOLERANCE);
  });

  it('batch size and shards change nothing, byte for byte', async () => {
    const whole = (await sample(denoiser, 7, { seed: 5, firstRow: 3, batch: 7 })).sample;
    for (const batch of [1, 2, 3, 64])
      assert.deepEqual((await sample(denoiser, 7, { seed: 5, firstRow: 3, batch })).sample, whole, `batch ${batch}`);
    const a = (await sample(denoiser, 3, { seed: 5, firstRow: 3, batch: 2 })).sample;
    const b = (await sample(denoiser, 4, { seed: 5, firstRow: 6, batch: 3 })).sample;
    const joined = new Float32Array(a.length + b.length);
    joined.set(a);
    joined.set(b, a.length);
    assert.deepEqual(joined, whole);
  });

  it('guidance on one-hot classes: per-class counts, classes by global index, shards reproduce the run', async () => {
    const gen = tinyGenerator('denoiser_onehot');
    const e = EXPECTED.denoiser_onehot;
    const condition: SampleCondition = { kind: 'classes', counts: e.counts! };
    const res = await sample(gen, e.rows, { seed: e.seed, condition, batch: 2 });
    assertClose(res.sample, e.sample, TOLERANCE);
    const shard = await sample(gen, 3, { seed: e.seed, firstRow: 2, condition, batch: 1 });
    assert.deepEqual(shard.sample, res.sample.slice(2 * 64, 5 * 64));
    await rejectsWith(sample(gen, 2, { seed: e.seed, firstRow: 4, condition }), 'BAD_USAGE');
    await rejectsWith(sample(gen, 2, { condition: { kind: 'classes', counts: [1] } }), 'BAD_USAGE');
    await rejectsWith(sample(gen, 2), 'BAD_USAGE');
  });

  it('guidance on class indices (int64, null class 2), DDPM with clipping', async () => {
    const gen = tinyGenerator('denoiser_index');
    const e = EXPECTED.denoiser_index;
    const res = await sample(gen, e.rows, { seed: e.seed, condition: { kind: 'classes', counts: e.counts! }, batch: 3 });
    assertClose(res.sample, e.sample, TOLERANCE);
  });

  it('latent diffusion: latents divided by latentScale and decoded by the decoder', async () => {
    const gen = tinyGenerator('latent');
    const e = EXPECTED.latent;
    const res = await sample(gen, e.rows, { seed: e.seed, firstRow: e.firstRow, batch: 2 });
    assert.equal(res.features, 64);
    assertClose(res.sample, e.sample, TOLERANCE);
  });

  it('reports every step of every batch, with rows done and steps done', async () => {
    const events: { done: number; step?: StepProgress }[] = [];
    await sample(denoiser, 3, { batch: 2 }, (done, _total, step) => events.push({ done, ...(step ? { step } : {}) }));
    const steps = events.filter((e) => e.step);
    assert.equal(steps.length, 16);
    assert.deepEqual(
      steps.map((e) => e.step!.stepsDone),
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      steps.slice(0, 8).map((e) => e.step!.timestep),
      EXPECTED.denoiser.timesteps,
    );
    assert.ok(steps.every((e) => e.step!.stepsTotal === 16 && e.step!.steps === 8));
    assert.deepEqual(
      events.filter((e) => !e.step).map((e) => e.done),
      [2, 3],
    );
  });

  it('NaN from the model is MODEL_MISMATCH naming the step and timestep', async () => {
    const gen = tinyGenerator('nan_denoiser');
    const e = EXPECTED.nan_denoiser;
    const err = await rejectsWith(sample(gen, 2), 'MODEL_MISMATCH');
    assert.match(err.message, new RegExp(`NaN at value \\d+, step ${e.firstNanStep} \\(timestep ${e.firstNanTimestep}\\)`));
  });

  it('sampleSteps past trainSteps is MANIFEST_INVALID from the child too', async () => {
    const manifest = { ...denoiser.manifest, diffusion: { ...denoiser.manifest.diffusion!, sampleSteps: 1001 } };
    const err = await rejectsWith(sample({ modelPath: denoiser.modelPath, manifest }, 1), 'MANIFEST_INVALID');
    assert.match(err.message, /sampleSteps 1001 is outside 1\.\.trainSteps/);
  });

  it('more values than one request may produce is LIMIT_EXCEEDED before any sampling', async () => {
    const big = { ...denoiser.manifest, inputs: { latent: { ...denoiser.manifest.inputs.latent, shape: [-1, 1, 1024, 1024] } } };
    let steps = 0;
    await rejectsWith(
      sample({ modelPath: denoiser.modelPath, manifest: big }, 300, {}, () => steps++),
      'LIMIT_EXCEEDED',
    );
    assert.equal(steps, 0);
  });

  it('a missing decoder input or timestep input is MODEL_MISMATCH', async () => {
    const latent = tinyGenerator('latent');
    const noInput = { ...latent.manifest, diffusion: { ...latent.manifest.diffusion!, decoderInput: 'latents' } };
    assert.match(
      (await rejectsWith(sample({ modelPath: latent.modelPath, manifest: noInput }, 1), 'MODEL_MISMATCH')).message,
      /no input 'latents'/,
    );
    const noTimestep = { ...denoiser.manifest, diffusion: { ...denoiser.manifest.diffusion!, timestepInput: 'step' } };
    await rejectsWith(sample({ modelPath: denoiser.modelPath, manifest: noTimestep }, 1), 'MODEL_MISMATCH');
  });

  it('cancel mid-run is CANCELLED, and the next request works', async () => {
    const controller = new AbortController();
    const long = { ...denoiser.manifest, diffusion: { ...denoiser.manifest.diffusion!, sampleSteps: 1000 } };
    let seen = 0;
    const run = client.sample(
      { modelPath: denoiser.modelPath, manifest: long, rows: 10_000, firstRow: 0, seed: 1, batch: 256, executionProviders: ['cpu'] },
      {
        signal: controller.signal,
        onProgress: (_d, _t, step) => {
          if (step && ++seen === 3) controller.abort();
        },
      },
    );
    await rejectsWith(run, 'CANCELLED');
    assert.equal(seen >= 3, true);
    const e = EXPECTED.denoiser;
    assertClose((await sample(denoiser, e.rows, { seed: e.seed })).sample, e.sample, TOLERANCE);
  });

  it('cancel during a guided run (two model calls per step) is CANCELLED, and the next guided run matches numpy', async () => {
    const gen = tinyGenerator('denoiser_onehot');
    const e = EXPECTED.denoiser_onehot;
    const long = { ...gen.manifest, diffusion: { ...gen.manifest.diffusion!, sampleSteps: 1000 } };
    const controller = new AbortController();
    const run = client.sample(
      {
        modelPath: gen.modelPath,
        manifest: long,
        rows: 5000,
        firstRow: 0,
        seed: 1,
        batch: 500,
        executionProviders: ['cpu'],
        condition: { kind: 'classes', counts: [2500, 2500] },
      },
      { signal: controller.signal, onProgress: (_d, _t, step) => step && controller.abort() },
    );
    await rejectsWith(run, 'CANCELLED');
    const res = await sample(gen, e.rows, { seed: e.seed, condition: { kind: 'classes', counts: e.counts! } });
    assertClose(res.sample, e.sample, TOLERANCE);
  });
});
