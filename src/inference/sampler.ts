// Runs a single-pass generator batch by batch: seeded latents from fillLatent (row r depends only on
// seed and r, so shards reproduce a single run), one session.run per batch, samples gathered row-major.
import * as ort from 'onnxruntime-node';
import { MedSynthError } from '../core/errors';
import { fillLatent } from '../core/generators/latent';
import { checkModelSignature } from '../core/generators/manifestValidation';
import type {
  DescribeModelRequest,
  DescribeModelResult,
  ProgressEvent,
  SampleBatch,
  SampleRequest,
  SampleResult,
} from '../protocol/inference';
import type { LatentJob, LatentPool } from './latentPool';
import { MAX_SAMPLE_VALUES } from './sampleLimits';
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

  get cancelled(): boolean {
    return this.cancelledAt !== undefined;
  }

  cancel(): void {
    this.cancelledAt ??= performance.now();
    this.runOptions.terminate = true;
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
  emit: (m: ProgressEvent | SampleBatch) => void,
  pool?: () => LatentPool | undefined,
  control: RunControl = new RunControl(),
): Promise<SampleResult> {
  if (!Number.isSafeInteger(req.rows) || req.rows < 0)
    throw new MedSynthError('BAD_USAGE', `rows must be a non-negative integer, got ${req.rows}`);
  if (!Number.isSafeInteger(req.firstRow) || req.firstRow < 0)
    throw new MedSynthError('BAD_USAGE', `firstRow must be a non-negative integer, got ${req.firstRow}`);
  if (!Number.isSafeInteger(req.batch) || req.batch < 1)
    throw new MedSynthError('BAD_USAGE', `batch must be a positive integer, got ${req.batch}`);
  const { latent, condition } = req.manifest.inputs;
  if (condition) throw new MedSynthError('UNSUPPORTED', `conditional generators are not supported yet (input '${condition.name}')`);
  if (latent.shape.length < 2 || latent.shape[0] !== -1 || latent.shape.slice(1).some((d) => !Number.isInteger(d) || d < 1)) {
    throw new MedSynthError(
      'MODEL_MISMATCH',
      `latent shape must be [-1, d1, ...] with fixed positive dims, got [${latent.shape.join(', ')}]`,
    );
  }
  const tail = latent.shape.slice(1);
  const dims = tail.reduce((a, b) => a * b, 1);

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
  const outName = req.manifest.outputs.sample.name;

  const msPerBatch: number[] = [];
  let sample = new Float32Array(0);
  let features = -1;
  const loopStart = performance.now();
  for (let j = 0, done = 0; j < batches; j++) {
    control.throwIfCancelled(j);
    const job = jobFor(j);
    const rows = job.rows;
    const pending = queued.get(j);
    queued.delete(j);
    if (j + ahead < batches) enqueue(j + ahead);
    const z = pending ? await pending : fillLatent(job.seed, job.firstRow, rows, dims, job.distribution);
    control.throwIfCancelled(j);
    const feeds = { [latent.name]: new ort.Tensor('float32', z, [rows, ...tail]) };
    const start = performance.now();
    const result = await ses.session.run(feeds, [outName], control.runOptions);
    msPerBatch.push(performance.now() - start);
    const out = result[outName];
    if (!out || out.type !== 'float32')
      throw new MedSynthError('MODEL_MISMATCH', `output '${outName}' must be float32, got ${out?.type ?? 'nothing'}`);
    const data = out.data as Float32Array;
    if (features < 0) {
      features = rows > 0 ? data.length / rows : 0;
      if (!Number.isInteger(features) || out.dims[0] !== rows)
        throw new MedSynthError('MODEL_MISMATCH', `output '${outName}' has shape [${out.dims.join(', ')}] for a batch of ${rows}`);
      // The engine checks this before it asks (with hints for its command); this is the child's own guard.
      if (features * req.rows > MAX_SAMPLE_VALUES) {
        throw new MedSynthError(
          'LIMIT_EXCEEDED',
          `${req.rows} rows × ${features} values per row is more than the ${MAX_SAMPLE_VALUES} values one sample request may produce`,
          { expected: 'fewer rows per request' },
        );
      }
      if (!req.stream) sample = new Float32Array(req.rows * features);
    } else if (data.length !== rows * features) {
      throw new MedSynthError('MODEL_MISMATCH', `output '${outName}' changed width between batches`);
    }
    if (req.stream) {
      // Structured clone copies a view's whole underlying buffer, so a view into a larger one is cut out;
      // send() serializes at once, so the tensor can be released right after.
      const exact = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
      emit({ type: 'sampleBatch', id: req.id, offset: done, rows, features, data: exact });
    } else {
      sample.set(data, done * features);
    }
    out.dispose();
    done += rows;
    emit({ type: 'progress', id: req.id, done, total: req.rows });
  }
  return {
    type: 'sampleResult',
    id: req.id,
    sample,
    rows: req.rows,
    features: Math.max(features, 0),
    executionProvider: ses.executionProvider,
    msPerBatch,
    sessionMs: cached ? 0 : ses.createMs,
    loopMs: performance.now() - loopStart,
  };
}

export async function describeModel(req: DescribeModelRequest, cache: SessionCache, log: LogSink): Promise<DescribeModelResult> {
  const ses = await cache.get(req.modelPath, ['cpu'], log).loaded;
  return { type: 'describeModelResult', id: req.id, inputs: ses.inputs, outputs: ses.outputs };
}
