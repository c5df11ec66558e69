// Where the batches of one sample request go, whatever family made them: each batch's output is
// checked (float32, one row per sample, the same width every batch, under the child's value cap), then
// streamed to the engine as a sampleBatch message or gathered into the result's sample; after each batch
// a progress event, at the end the sampleResult.
import { MedSynthError } from '../core/errors';
import type { ProgressEvent, SampleBatch, SampleRequest, SampleResult } from '../protocol/inference';
import { MAX_SAMPLE_VALUES } from './sampleLimits';

export type Emit = (m: ProgressEvent | SampleBatch) => void;

/** The request's counts as the child checks them, whatever the family. */
export function checkSampleCounts(req: Pick<SampleRequest, 'rows' | 'firstRow' | 'batch'>): void {
  if (!Number.isSafeInteger(req.rows) || req.rows < 0)
    throw new MedSynthError('BAD_USAGE', `rows must be a non-negative integer, got ${req.rows}`);
  if (!Number.isSafeInteger(req.firstRow) || req.firstRow < 0)
    throw new MedSynthError('BAD_USAGE', `firstRow must be a non-negative integer, got ${req.firstRow}`);
  if (!Number.isSafeInteger(req.batch) || req.batch < 1)
    throw new MedSynthError('BAD_USAGE', `batch must be a positive integer, got ${req.batch}`);
}

/** The shape check of a latent-like input: [-1, d1, ...] with fixed positive dims; returns the tail. */
export function sampleTail(shape: readonly number[], what: string): number[] {
  if (shape.length < 2 || shape[0] !== -1 || shape.slice(1).some((d) => !Number.isInteger(d) || d < 1)) {
    throw new MedSynthError('MODEL_MISMATCH', `${what} shape must be [-1, d1, ...] with fixed positive dims, got [${shape.join(', ')}]`);
  }
  return shape.slice(1);
}

export class SampleSink {
  private features = -1;
  private sample = new Float32Array(0);
  /** Rows of the request taken so far. */
  done = 0;

  constructor(
    private readonly req: SampleRequest,
    private readonly emit: Emit,
  ) {}

  get width(): number {
    return Math.max(this.features, 0);
  }

  /** Takes the next `rows` rows: `data` is [rows, ...dims] of output `name`. */
  push(name: string, data: Float32Array, dims: readonly number[], rows: number): void {
    if (this.features < 0) {
      const features = rows > 0 ? data.length / rows : 0;
      if (!Number.isInteger(features) || dims[0] !== rows)
        throw new MedSynthError('MODEL_MISMATCH', `output '${name}' has shape [${dims.join(', ')}] for a batch of ${rows}`);
      // The engine checks this before it asks (with hints for its command); this is the child's own guard.
      if (features * this.req.rows > MAX_SAMPLE_VALUES) {
        throw new MedSynthError(
          'LIMIT_EXCEEDED',
          `${this.req.rows} rows × ${features} values per row is more than the ${MAX_SAMPLE_VALUES} values one sample request may produce`,
          { expected: 'fewer rows per request' },
        );
      }
      this.features = features;
      if (!this.req.stream) this.sample = new Float32Array(this.req.rows * features);
    } else if (data.length !== rows * this.features) {
      throw new MedSynthError('MODEL_MISMATCH', `output '${name}' changed width between batches`);
    }
    if (this.req.stream) {
      // Structured clone copies a view's whole underlying buffer, so a view into a larger one is cut out;
      // send() serializes at once, so the tensor can be released right after.
      const exact = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
      this.emit({ type: 'sampleBatch', id: this.req.id, offset: this.done, rows, features: this.features, data: exact });
    } else {
      this.sample.set(data, this.done * this.features);
    }
    this.done += rows;
  }

  /** Tells the engine how many rows of the request are done (after each batch). */
  progress(): void {
    this.emit({ type: 'progress', id: this.req.id, done: this.done, total: this.req.rows });
  }

  /** The request's sampleResult once every batch is in, with the run's provider and timings. */
  result(run: Pick<SampleResult, 'executionProvider' | 'msPerBatch' | 'sessionMs' | 'loopMs'>): SampleResult {
    return { type: 'sampleResult', id: this.req.id, sample: this.sample, rows: this.req.rows, features: this.width, ...run };
  }
}
