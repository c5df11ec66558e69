// The inference process end to end: a real forked child running real onnxruntime-node on a copula
// model. Expected samples come from running onnxruntime-node directly in this test on the same latent.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { MedSynthError } from '../../../src/core/errors';
import { fillLatent } from '../../../src/core/generators/latent';
import { InferenceClient } from '../../../src/engine/inferenceClient';
import { providerAbsent } from '../../../src/inference/session';
import type { CopulaFixture } from './copulaFixture';
import { INFERENCE_SCRIPT, writeCopulaFixture } from './copulaFixture';
import { rejectsWith } from '../typedErrors';

async function directRun(fx: CopulaFixture, seed: number, firstRow: number, rows: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(fx.modelPath, { executionProviders: ['cpu'] });
  const z = fillLatent(seed, firstRow, rows, fx.dims, 'normal');
  const out = await session.run({ z: new ort.Tensor('float32', z, [rows, fx.dims]) });
  await session.release();
  return out.x.data as Float32Array;
}

function assertClose(actual: Float32Array, expected: Float32Array): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const tol = 1e-5 * Math.max(1, Math.abs(expected[i]));
    if (Math.abs(actual[i] - expected[i]) > tol) assert.fail(`element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('inference process', () => {
  let fx: CopulaFixture;
  const logs: string[] = [];
  let client: InferenceClient;
  before(() => {
    fx = writeCopulaFixture();
    client = new InferenceClient({
      script: INFERENCE_SCRIPT,
      env: { ...process.env, MEDSYNTH_TEST_HOOKS: '1' },
      onLog: (level, m) => logs.push(`${level}: ${m}`),
    });
  });
  after(() => client.dispose());

  const request = (
    rows: number,
    extra: Partial<{ seed: number; firstRow: number; batch: number; executionProviders: ('cuda' | 'cpu')[] }> = {},
  ) => ({
    modelPath: fx.modelPath,
    manifest: fx.manifest,
    rows,
    firstRow: extra.firstRow ?? 0,
    seed: extra.seed ?? 7,
    batch: extra.batch ?? 128,
    executionProviders: extra.executionProviders ?? ['cpu' as const],
  });

  it('round-trips a sample request: Float32Array, rows, provider, time per batch, progress', async () => {
    const progress: number[] = [];
    const res = await client.sample(request(500, { firstRow: 40 }), { onProgress: (done) => progress.push(done) });
    assert.ok(res.sample instanceof Float32Array);
    assert.equal(res.rows, 500);
    assert.equal(res.executionProvider, 'cpu');
    assert.equal(res.msPerBatch.length, 4);
    assert.deepEqual(progress, [128, 256, 384, 500]);
    assert.equal(res.features * 500, res.sample.length);
    assertClose(res.sample, await directRun(fx, 7, 40, 500));
  });

  it('streams batches in order to onBatch (latents start before the session), and they join to the sample', async () => {
    const batches: { offset: number; rows: number; features: number; data: Float32Array }[] = [];
    // 700 rows in batches of 64: 11 batches, enough for the latent worker pool.
    const res = await client.sample(request(700, { firstRow: 13, batch: 64 }), { onBatch: (b) => batches.push(b) });
    assert.equal(res.sample.length, 0);
    assert.deepEqual(
      batches.map((b) => b.offset),
      Array.from({ length: 11 }, (_, j) => j * 64),
    );
    assert.equal(
      batches.reduce((a, b) => a + b.rows, 0),
      700,
    );
    const joined = new Float32Array(700 * res.features);
    for (const b of batches) {
      assert.equal(b.data.length, b.rows * res.features);
      joined.set(b.data, b.offset * res.features);
    }
    assertClose(joined, await directRun(fx, 7, 13, 700));
    assert.deepEqual(joined, (await client.sample(request(700, { firstRow: 13, batch: 64 }))).sample);
  });

  it('ends a request whose batch consumer throws with that error, and the next run works', async () => {
    const err = new MedSynthError('MODEL_MISMATCH', 'the manifest declares another width');
    await rejectsWith(
      client.sample(request(2000, { batch: 100 }), {
        onBatch: () => {
          throw err;
        },
      }),
      'MODEL_MISMATCH',
    );
    assert.equal((await client.sample(request(5))).rows, 5);
  });

  it('falls back from cuda to cpu on a machine without CUDA and says why in one info line, no warning', async () => {
    logs.length = 0;
    const res = await client.sample(request(10, { executionProviders: ['cuda', 'cpu'] }));
    assert.equal(res.executionProvider, 'cpu');
    if (providerAbsent('cuda')) {
      assert.deepEqual(
        logs.filter((l) => l.startsWith('warn')),
        [],
        logs.join('\n'),
      );
      assert.equal(logs.filter((l) => l.startsWith('info') && /running on cpu after fallback \(cuda: /.test(l)).length, 1, logs.join('\n'));
    } else {
      assert.ok(
        logs.some((l) => l.startsWith('warn') && l.includes("'cuda' unavailable")),
        logs.join('\n'),
      );
    }
  });

  it('cancels by killing the child, then the next run forks a new one', async () => {
    const controller = new AbortController();
    const firstPid = (await client.sample(request(1)), client.pid);
    const run = client.sample(request(5_000_000, { batch: 1000 }), { signal: controller.signal, onProgress: () => controller.abort() });
    await rejectsWith(run, 'CANCELLED');
    const res = await client.sample(request(3));
    assert.equal(res.rows, 3);
    assert.notEqual(client.pid, firstPid);
  });

  it('turns a crash of the child into INFERENCE_CRASHED, and recovers', async () => {
    await client.sample(request(1));
    const err = await rejectsWith(client.crashForTest(), 'INFERENCE_CRASHED');
    assert.match(err.message, /SIGKILL/);
    assert.equal((await client.sample(request(2))).rows, 2);
    // A kill from outside (OOM killer, native abort) looks the same.
    const run = client.sample(request(5_000_000, { batch: 1000 }), { onProgress: () => client.pid && process.kill(client.pid, 'SIGKILL') });
    await rejectsWith(run, 'INFERENCE_CRASHED');
    assert.equal((await client.sample(request(2))).rows, 2);
  });

  it('rejects a corrupt model with MODEL_INVALID and a mismatched manifest with MODEL_MISMATCH', async () => {
    const corrupt = join(fx.dir, 'corrupt.onnx');
    writeFileSync(corrupt, Buffer.from('this is not an onnx protobuf at all'));
    await rejectsWith(client.sample({ ...request(1), modelPath: corrupt }), 'MODEL_INVALID');
    const wrongOutput = { ...fx.manifest, outputs: { sample: { name: 'y' } } };
    await rejectsWith(client.sample({ ...request(1), manifest: wrongOutput }), 'MODEL_MISMATCH');
    const wrongLatent = { ...fx.manifest, inputs: { latent: { ...fx.manifest.inputs.latent, shape: [-1, fx.dims + 1] } } };
    await rejectsWith(client.sample({ ...request(1), manifest: wrongLatent }), 'MODEL_MISMATCH');
  });

  it('describes the model inputs and outputs', async () => {
    const io = await client.describeModel(fx.modelPath);
    assert.deepEqual(
      io.inputs.map((i) => i.name),
      ['z'],
    );
    assert.deepEqual(
      io.outputs.map((o) => o.name),
      ['x'],
    );
  });

  it('refuses an already aborted signal without starting anything', async () => {
    const c = new InferenceClient({ script: INFERENCE_SCRIPT });
    await rejectsWith(c.sample(request(1), { signal: AbortSignal.abort() }), 'CANCELLED');
    assert.equal(c.pid, undefined);
  });
});
