// Runs a single-pass generator batch by batch: seeded latents from fillLatent (row r depends only on
// seed and r, so shards reproduce a single run), the condition of each row when the generator is
// conditional (conditioning.ts), one session.run per batch, samples streamed or gathered row-major
// (sampleSink.ts). Diffusion generators run in diffusionRunner.ts.
import * as ort from 'onnxruntime-node';
import { MedSynthError } from '../core/errors';
import { fillLatent } from '../core/generators/latent';
import { checkModelSignature } from '../core/generators/manifestValidation';
import type { DescribeModelRequest, DescribeModelResult, SampleRequest, SampleResult } from '../protocol/inference';
import { checkCondition, conditionFeed } from './conditioning';
import type { LatentJob, LatentPool } from './latentPool';
import { checkSampleCounts, SampleSink, sampleTail } from './sampleSink';
import type { Emit } from './sampleSink';
import type { LogSink, SessionCache } from './session';

/**
 * The native side of cancelling one request. onnxruntime reads RunOptions.terminate to stop incomplete
 * runs; the same options object goes to every session.run of the request, and a cancel also stops the
 * batch loop at the next batch. onnxruntime-node 1.23's binding documents terminate as WebAssembly-only
 * and runs session.run synchronously on this thread, so for a batch already inside the native call the
 * engine's kill, which follows the cancel message, is what ends it.
 */
export class RunControl {
  readonly runOptions: ort.InferenceSession.RunOptions & { terminate: boolean } = { terminate: false };
  private cancelledAt: number | undefined;
  private readonly abort = new AbortController();

  /** Aborted on cancel: the diffusion loop checks it between steps and between guidance's two calls. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get cancelled(): boolean {
    return this.cancelledAt !== undefined;
  }

  cancel(): void {
    this.cancelledAt ??= performance.now();
    this.runOptions.terminate = true;
    this.abort.abort();
  }

  throwIfCancelled(batch: number): void {
    if (this.cancelledAt !== undefined) throw new MedSynthError('CANCELLED', `cancelled before batch ${batch + 1}`);
  }
}

/** Batches below which worker start-up would cost more than it saves. */
const POOL_MIN_BATCHES = 4;

export async function runSample(
  req: SampleRequest,
  cache: SessionCache,
  log: LogSink,
  emit: Emit,
  pool?: () => LatentPool | undefined,
  control: RunControl = new RunControl(),
): Promise<SampleResult> {
  checkSampleCounts(req);
  const { latent } = req.manifest.inputs;
  const tail = sampleTail(latent.shape, 'latent');
  const dims = tail.reduce((a, b) => a * b, 1);
  checkCondition(req.manifest, req);

  const { loaded, cached } = cache.get(req.modelPath, req.executionProviders, log);
  const batches = Math.ceil(req.rows / req.batch);
  const workers = batches >= POOL_MIN_BATCHES ? pool?.() : undefined;
  const jobFor = (j: number): LatentJob => ({
    seed: req.seed,
    firstRow: req.firstRow + j * req.batch,
    rows: Math.min(req.batch, req.rows - j * req.batch),
    dims,
    distribution: latent.distribution,
  });
  // Latents for the next few batches are filled in worker threads while this thread runs the session;
  // the first ones are queued before the session exists, so they are ready when it is.
  const ahead = workers ? 6 : 0;
  const queued = new Map<number, Promise<Float32Array>>();
  const enqueue = (j: number): void => {
    if (!workers) return;
    const p = workers.fill(jobFor(j));
    // A load or signature failure may leave fills unread; their failure must not be unhandled.
    p.catch(() => undefined);
    queued.set(j, p);
  };
  for (let j = 0; j < Math.min(ahead, batches); j++) enqueue(j);
  const ses = await loaded;
  control.throwIfCancelled(0);
  checkModelSignature(req.manifest, { inputs: ses.inputs, outputs: ses.outputs });
  const condition = conditionFeed(req.manifest, req, ses.inputs);
  const outName = req.manifest.outputs.sample.name;

  const msPerBatch: number[] = [];
  const sink = new SampleSink(req, emit);
  const loopStart = performance.now();
  for (let j = 0; j < batches; j++) {
    control.throwIfCancelled(j);
    const job = jobFor(j);
    const rows = job.rows;
    const pending = queued.get(j);
    queued.delete(j);
    if (j + ahead < batches) enqueue(j + ahead);
    const z = pending ? await pending : fillLatent(job.seed, job.firstRow, rows, dims, job.distribution);
    control.throwIfCancelled(j);
    const feeds: Record<string, ort.Tensor> = { [latent.name]: new ort.Tensor('float32', z, [rows, ...tail]) };
    if (condition) feeds[condition.input.name] = condition.tensor(job.firstRow, rows);
    const start = performance.now();
    const result = await ses.session.run(feeds, [outName], control.runOptions);
    msPerBatch.push(performance.now() - start);
    const out = result[outName];
    if (!out || out.type !== 'float32')
      throw new MedSynthError('MODEL_MISMATCH', `output '${outName}' must be float32, got ${out?.type ?? 'nothing'}`);
    sink.push(outName, out.data as Float32Array, out.dims, rows);
    out.dispose();
    sink.progress();
  }
  return sink.result({
    executionProvider: ses.executionProvider,
    msPerBatch,
    sessionMs: cached ? 0 : ses.createMs,
    loopMs: performance.now() - loopStart,
  });
}

export async function describeModel(req: DescribeModelRequest, cache: SessionCache, log: LogSink): Promise<DescribeModelResult> {
  const ses = await cache.get(req.modelPath, ['cpu'], log).loaded;
  return { type: 'describeModelResult', id: req.id, inputs: ses.inputs, outputs: ses.outputs };
}
