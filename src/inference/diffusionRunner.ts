// Runs a diffusion generator: the core sampler (src/core/generators/diffusion/sampleDiffusion.ts, DDPM
// or DDIM with guidance) around the ONNX denoiser. Each batch of the request is one sampleDiffusion call
// whose denoiser callback is one session.run (x_t to the latent input, the timestep in the model's
// type, the condition or the null condition); every random draw is keyed by (seed, global sample
// index, step), so batch size and shards change nothing. A latent diffusion model's final latents are
// divided by latentScale and decoded by the decoder session; the batch is then streamed like a
// single-pass one. A cancel stops between steps and between guidance's two calls (RunControl's signal)
// and asks onnxruntime to stop inside a call (RunOptions.terminate).
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { MedSynthError } from '../core/errors';
import { createDiffusionScheduler } from '../core/generators/diffusion/scheduler';
import { sampleDiffusion } from '../core/generators/diffusion/sampleDiffusion';
import type { Denoiser } from '../core/generators/diffusion/sampleDiffusion';
import type { DiffusionSection, GeneratorManifest } from '../core/generators/manifest';
import { checkModelSignature } from '../core/generators/manifestValidation';
import type { ModelIo, SampleRequest, SampleResult } from '../protocol/inference';
import { checkCondition, conditionFeed } from './conditioning';
import type { RunControl } from './sampler';
import { MAX_SAMPLE_VALUES } from './sampleLimits';
import { checkSampleCounts, SampleSink, sampleTail } from './sampleSink';
import type { Emit } from './sampleSink';
import type { LoadedSession, LogSink, SessionCache } from './session';

function diffusionSection(manifest: GeneratorManifest, file: string): DiffusionSection {
  const d = manifest.diffusion;
  if (!d)
    throw new MedSynthError('MANIFEST_INVALID', 'a diffusion generator needs a diffusion section', {
      file,
      expected: '"diffusion": {...}',
    });
  return d;
}

/**
 * The timestep tensor in the type and rank the model declares: float32, int64 or int32; a scalar [], [1],
 * or one per sample [N].
 */
export function timestepFeeder(io: ModelIo | undefined, name: string): (t: number, rows: number) => ort.Tensor {
  if (!io) throw new MedSynthError('MODEL_MISMATCH', `the model has no timestep input '${name}'`);
  const rank = io.dims.length;
  if (rank > 1)
    throw new MedSynthError('MODEL_MISMATCH', `timestep input '${name}' has rank ${rank}`, { expected: 'a scalar [], [1] or [N]' });
  const dims = (rows: number): number[] => (rank === 0 ? [] : io.dims[0] === 1 ? [1] : [rows]);
  const count = (rows: number): number => (rank === 0 || io.dims[0] === 1 ? 1 : rows);
  switch (io.type) {
    case 'float32':
      return (t, rows) => new ort.Tensor('float32', new Float32Array(count(rows)).fill(t), dims(rows));
    case 'int64':
      return (t, rows) => new ort.Tensor('int64', new BigInt64Array(count(rows)).fill(BigInt(t)), dims(rows));
    case 'int32':
      return (t, rows) => new ort.Tensor('int32', new Int32Array(count(rows)).fill(t), dims(rows));
    default:
      throw new MedSynthError('MODEL_MISMATCH', `timestep input '${name}' has type ${io.type ?? 'unknown'}`, {
        expected: 'float32, int64 or int32',
      });
  }
}

function floatOutput(result: ort.InferenceSession.OnnxValueMapType, name: string, what: string): ort.Tensor {
  const out = result[name];
  if (!out || out.type !== 'float32')
    throw new MedSynthError('MODEL_MISMATCH', `${what} output '${name}' must be float32, got ${out?.type ?? 'nothing'}`);
  return out;
}

async function loadDecoder(
  req: SampleRequest,
  d: DiffusionSection,
  cache: SessionCache,
  log: LogSink,
): Promise<{ ses: LoadedSession; cached: boolean } | undefined> {
  if (d.decoder === undefined) return undefined;
  const path = req.decoderPath ?? join(dirname(req.modelPath), d.decoder);
  const { loaded, cached } = cache.get(path, req.executionProviders, log);
  const ses = await loaded;
  const names = (l: readonly ModelIo[]): string => l.map((i) => i.name).join(', ') || 'none';
  if (!ses.inputs.some((i) => i.name === d.decoderInput))
    throw new MedSynthError('MODEL_MISMATCH', `the decoder has no input '${d.decoderInput}' (inputs: ${names(ses.inputs)})`, {
      file: path,
    });
  if (!ses.outputs.some((o) => o.name === d.decoderOutput))
    throw new MedSynthError('MODEL_MISMATCH', `the decoder has no output '${d.decoderOutput}' (outputs: ${names(ses.outputs)})`, {
      file: path,
    });
  if (ses.inputs.length !== 1)
    throw new MedSynthError('MODEL_MISMATCH', `the decoder needs inputs the manifest does not describe: ${names(ses.inputs)}`, {
      file: path,
    });
  return { ses, cached };
}

export async function runDiffusion(
  req: SampleRequest,
  cache: SessionCache,
  log: LogSink,
  emit: Emit,
  control: RunControl,
): Promise<SampleResult> {
  checkSampleCounts(req);
  const { manifest } = req;
  const d = diffusionSection(manifest, req.modelPath);
  // The configuration is checked before any session exists: sampleSteps past trainSteps is MANIFEST_INVALID.
  const steps = createDiffusionScheduler(d, req.modelPath).timesteps.length;
  const latent = manifest.inputs.latent;
  const shape = sampleTail(latent.shape, 'latent');
  checkCondition(manifest, req);
  // Without a decoder the width is known now: refuse before hours of sampling, not after the first batch.
  const perSample = shape.reduce((a, b) => a * b, 1);
  if (d.decoder === undefined && perSample * req.rows > MAX_SAMPLE_VALUES)
    throw new MedSynthError(
      'LIMIT_EXCEEDED',
      `${req.rows} rows × ${perSample} values per row is more than the ${MAX_SAMPLE_VALUES} values one sample request may produce`,
      { expected: 'fewer rows per request' },
    );

  const { loaded, cached } = cache.get(req.modelPath, req.executionProviders, log);
  const ses = await loaded;
  control.throwIfCancelled(0);
  checkModelSignature(manifest, { inputs: ses.inputs, outputs: ses.outputs });
  const timestep = timestepFeeder(
    ses.inputs.find((i) => i.name === d.timestepInput),
    d.timestepInput,
  );
  const condition = conditionFeed(manifest, req, ses.inputs);
  const decoder = await loadDecoder(req, d, cache, log);
  control.throwIfCancelled(0);
  const outName = manifest.outputs.sample.name;

  const denoise: Denoiser = async (x, t, ctx) => {
    const feeds: Record<string, ort.Tensor> = {
      [latent.name]: new ort.Tensor('float32', x, [ctx.count, ...shape]),
      [d.timestepInput]: timestep(t, ctx.count),
    };
    if (condition)
      feeds[condition.input.name] =
        ctx.branch === 'unconditional' ? condition.nullTensor(ctx.count) : condition.tensor(ctx.firstSample, ctx.count);
    const out = floatOutput(await ses.session.run(feeds, [outName], control.runOptions), outName, 'the denoiser');
    return out.data as Float32Array;
  };

  const batches = Math.ceil(req.rows / req.batch);
  const stepsTotal = batches * steps;
  const msPerBatch: number[] = [];
  const sink = new SampleSink(req, emit);
  const latentScale = d.latentScale ?? 1;
  const loopStart = performance.now();
  for (let j = 0; j < batches; j++) {
    control.throwIfCancelled(j);
    const firstSample = req.firstRow + j * req.batch;
    const rows = Math.min(req.batch, req.rows - j * req.batch);
    const start = performance.now();
    const x = await sampleDiffusion(d, denoise, {
      seed: req.seed,
      firstSample,
      count: rows,
      shape,
      batchSize: rows,
      signal: control.signal,
      file: req.modelPath,
      onStep: (p) =>
        emit({
          type: 'progress',
          id: req.id,
          done: sink.done,
          total: req.rows,
          step: { step: p.step, steps: p.steps, timestep: p.timestep, stepsDone: j * steps + p.step, stepsTotal },
        }),
    });
    control.throwIfCancelled(j);
    if (decoder) {
      const z = latentScale === 1 ? x : x.map((v) => v / latentScale);
      const feeds = { [d.decoderInput as string]: new ort.Tensor('float32', z, [rows, ...shape]) };
      const out = floatOutput(
        await decoder.ses.session.run(feeds, [d.decoderOutput as string], control.runOptions),
        d.decoderOutput as string,
        'the decoder',
      );
      const data = out.data as Float32Array;
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i]))
          throw new MedSynthError('MODEL_MISMATCH', `the decoder returned ${data[i]} at value ${i} of batch ${j + 1}`, {
            expected: 'finite values',
          });
      }
      sink.push(d.decoderOutput as string, data, out.dims, rows);
      out.dispose();
    } else {
      sink.push(outName, x, [rows, ...shape], rows);
    }
    msPerBatch.push(performance.now() - start);
    sink.progress();
  }
  return sink.result({
    executionProvider: ses.executionProvider,
    msPerBatch,
    sessionMs: (cached ? 0 : ses.createMs) + (decoder && !decoder.cached ? decoder.ses.createMs : 0),
    loopMs: performance.now() - loopStart,
  });
}
