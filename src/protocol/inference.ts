// Messages between the engine (host or CLI) and the inference child process. They cross a
// child_process.fork channel with serialization 'advanced', so Float32Arrays travel as typed arrays
// (structured clone), not as JSON number lists. Every request carries an id; every answer names it.
import type { ErrorPayload } from '../core/errors';
import type { GeneratorManifest } from '../core/generators/manifest';

/** Execution providers onnxruntime-node knows by name; the list order is the order tried. */
export const KNOWN_EXECUTION_PROVIDERS = ['cuda', 'tensorrt', 'dml', 'coreml', 'webgpu', 'cpu'] as const;
export type ExecutionProviderName = (typeof KNOWN_EXECUTION_PROVIDERS)[number];

export function isExecutionProviderName(name: string): name is ExecutionProviderName {
  return (KNOWN_EXECUTION_PROVIDERS as readonly string[]).includes(name);
}

/** The platform's GPU providers first, then cpu, which is always there. */
export function defaultExecutionProviders(platform: NodeJS.Platform = process.platform): readonly ExecutionProviderName[] {
  switch (platform) {
    case 'win32':
      return ['dml', 'cpu'];
    case 'darwin':
      return ['coreml', 'cpu'];
    case 'linux':
      return ['cuda', 'cpu'];
    default:
      return ['cpu'];
  }
}

/**
 * What conditions the samples of a request whose generator has `inputs.condition`:
 * - 'classes' (onehot and index conditions): how many samples of each class the whole run makes, in the
 *   manifest's class order. Global sample g gets class classOfSample(counts, g): counts[0] samples of
 *   class 0 first, then counts[1] of class 1, and so on, so a shard (firstRow, rows) makes exactly the
 *   rows of the single run; the request's rows must lie inside the total count;
 * - 'vectors' (vector conditions): one vector per row of the request, [rows, ...condition shape tail];
 * - 'sources' (source conditions, translation): one real sample per row, [rows, ...condition shape
 *   tail], prepared by the engine; the model makes one output per source.
 */
export type SampleCondition =
  | { readonly kind: 'classes'; readonly counts: readonly number[] }
  | { readonly kind: 'vectors'; readonly data: Float32Array }
  | { readonly kind: 'sources'; readonly data: Float32Array };

/** The class of global sample `index` under per-class `counts` (see SampleCondition); -1 past the total. */
export function classOfSample(counts: readonly number[], index: number): number {
  let end = 0;
  for (let k = 0; k < counts.length; k++) {
    end += counts[k];
    if (index < end) return k;
  }
  return -1;
}

/** The class of each of global rows [firstRow, firstRow + rows), in order (-1 past the total). */
export function classesOfRows(counts: readonly number[], firstRow: number, rows: number): Int32Array {
  const out = new Int32Array(rows);
  let k = 0;
  let end = counts.length > 0 ? counts[0] : 0;
  for (let r = 0; r < rows; r++) {
    const g = firstRow + r;
    while (k < counts.length && g >= end) end += counts[++k] ?? 0;
    out[r] = k < counts.length ? k : -1;
  }
  return out;
}

/**
 * Generate `rows` samples, global rows [firstRow, firstRow + rows), in batches of `batch`. The manifest's
 * family decides how: single-pass runs the model once per batch; diffusion runs the DDPM/DDIM sampler
 * of its `diffusion` section around the model (one or two session.run per step and batch), then its
 * decoder. Every random draw is keyed by (seed, global sample index, step), so batch size and shards
 * change nothing.
 */
export interface SampleRequest {
  readonly type: 'sample';
  readonly id: number;
  readonly modelPath: string;
  readonly manifest: GeneratorManifest;
  readonly rows: number;
  readonly firstRow: number;
  readonly seed: number;
  readonly batch: number;
  readonly executionProviders: readonly ExecutionProviderName[];
  /**
   * Stream the output: each batch goes back as a `sampleBatch` message as soon as it has run, and the
   * final `sampleResult` carries an empty sample. The engine then decodes and writes while the child
   * keeps sampling, and no single message holds the whole sample.
   */
  readonly stream?: boolean;
  /** Required exactly when the manifest has `inputs.condition`. */
  readonly condition?: SampleCondition;
  /**
   * Latent diffusion: the decoder file, resolved by the engine inside the generator folder. Absent: the
   * manifest's `diffusion.decoder` beside the model.
   */
  readonly decoderPath?: string;
}

/**
 * Run an embedder on prepared images: `images` is row-major [rows, ...] of `shape` ([rows, C, H, W]),
 * fed to input `input` in batches of `batch`; output `output` gives [rows, dims] features.
 */
export interface EmbedRequest {
  readonly type: 'embed';
  readonly id: number;
  readonly modelPath: string;
  readonly input: string;
  readonly output: string;
  readonly images: Float32Array;
  readonly shape: readonly number[];
  readonly batch: number;
  readonly executionProviders: readonly ExecutionProviderName[];
}

/**
 * One tile of embedding products for the distance-based image metrics: product = a · bᵀ in float64, a
 * [rowsA, dims] and b [rowsB, dims] row-major (src/core/metrics/image/gramModel.ts is the graph).
 */
export interface GramRequest {
  readonly type: 'gram';
  readonly id: number;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly rowsA: number;
  readonly rowsB: number;
  readonly dims: number;
  readonly executionProviders: readonly ExecutionProviderName[];
  /**
   * Instead of the product: the `k` smallest squared distances of each row of a to the rows of b, from
   * the squared norms given (gramModel.ts nearestModelBytes); the result then holds rowsA × k values and
   * indices into b.
   */
  readonly nearest?: { readonly k: number; readonly normsA: Float64Array; readonly normsB: Float64Array };
}

/** Describe a model's inputs and outputs (for `inspect` and the generator card). */
export interface DescribeModelRequest {
  readonly type: 'describeModel';
  readonly id: number;
  readonly modelPath: string;
}

/** Test-only: makes the child die the way a native crash would. Honoured only with MEDSYNTH_TEST_HOOKS=1. */
export interface CrashRequest {
  readonly type: 'crash';
  readonly id: number;
}

/**
 * Stop the request `target` natively: the child sets onnxruntime's RunOptions.terminate for that run
 * and leaves its batch loop at the next batch, answering `target` with a CANCELLED error. The engine
 * still kills the child shortly after, so a run stuck inside one native call cannot outlive a cancel.
 */
export interface CancelRequest {
  readonly type: 'cancel';
  readonly id: number;
  readonly target: number;
}

export type InferenceRequest = SampleRequest | EmbedRequest | GramRequest | DescribeModelRequest | CrashRequest | CancelRequest;

export interface ModelIo {
  readonly name: string;
  readonly dims: readonly (number | string)[];
  readonly type?: string;
}

export interface SampleResult {
  readonly type: 'sampleResult';
  readonly id: number;
  /** Row-major, `rows` × `features`. */
  readonly sample: Float32Array;
  readonly rows: number;
  readonly features: number;
  /** The provider the session actually ran on, after any fallback. */
  readonly executionProvider: ExecutionProviderName;
  /** Wall time of each session.run, in order. */
  readonly msPerBatch: readonly number[];
  /** Time spent creating the session (0 when a cached session was reused). */
  readonly sessionMs: number;
  /** Time of the whole batch loop in the child: latents, session.run and gathering the output. */
  readonly loopMs: number;
}

/** One streamed batch of a `stream` sample request: rows [offset, offset + rows) of the request. */
export interface SampleBatch {
  readonly type: 'sampleBatch';
  readonly id: number;
  /** Row offset within the request (0 for its first row, not the global row number). */
  readonly offset: number;
  readonly rows: number;
  readonly features: number;
  /** Row-major, `rows` × `features`. */
  readonly data: Float32Array;
}

export interface EmbedResult {
  readonly type: 'embedResult';
  readonly id: number;
  /** Row-major, `rows` × `dims`. */
  readonly features: Float32Array;
  readonly rows: number;
  readonly dims: number;
  readonly executionProvider: ExecutionProviderName;
  readonly msPerBatch: readonly number[];
  readonly sessionMs: number;
}

export interface GramResult {
  readonly type: 'gramResult';
  readonly id: number;
  /** Row-major, rowsA × rowsB; with `nearest`, rowsA × k squared distances, ascending per row. */
  readonly product: Float64Array;
  /** With `nearest`: rowsA × k indices into b (ties: lower index first). */
  readonly indices?: Int32Array;
  readonly executionProvider: ExecutionProviderName;
}

export interface DescribeModelResult {
  readonly type: 'describeModelResult';
  readonly id: number;
  readonly inputs: readonly ModelIo[];
  readonly outputs: readonly ModelIo[];
}

/** Where a diffusion run is: sent after every denoising step of every batch. */
export interface StepProgress {
  /** 1-based step of the current batch, in sampling order, of `steps`; the timestep it visited. */
  readonly step: number;
  readonly steps: number;
  readonly timestep: number;
  /** Steps done over the whole request (all batches), of `stepsTotal`: a finer fraction than rows. */
  readonly stepsDone: number;
  readonly stepsTotal: number;
}

export interface ProgressEvent {
  readonly type: 'progress';
  readonly id: number;
  /** Rows (samples, embedded images) finished, of `total`. */
  readonly done: number;
  readonly total: number;
  /** Diffusion only. */
  readonly step?: StepProgress;
}

export interface LogEvent {
  readonly type: 'log';
  readonly id?: number;
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface ErrorResponse {
  readonly type: 'error';
  readonly id: number;
  readonly error: ErrorPayload;
}

export type InferenceResponse =
  SampleResult | SampleBatch | EmbedResult | GramResult | DescribeModelResult | ProgressEvent | LogEvent | ErrorResponse;

export { assertNever } from './messageChecks';

/** Narrow an unknown IPC payload to a response; the channel is ours, so a shape check on `type` suffices. */
export function isInferenceResponse(value: unknown): value is InferenceResponse {
  if (typeof value !== 'object' || value === null) return false;
  const t = (value as { type?: unknown }).type;
  return (
    t === 'sampleResult' ||
    t === 'sampleBatch' ||
    t === 'embedResult' ||
    t === 'gramResult' ||
    t === 'describeModelResult' ||
    t === 'progress' ||
    t === 'log' ||
    t === 'error'
  );
}

export function isInferenceRequest(value: unknown): value is InferenceRequest {
  if (typeof value !== 'object' || value === null) return false;
  const t = (value as { type?: unknown }).type;
  if (typeof (value as { id?: unknown }).id !== 'number') return false;
  if (t === 'cancel') return typeof (value as { target?: unknown }).target === 'number';
  return t === 'sample' || t === 'embed' || t === 'gram' || t === 'describeModel' || t === 'crash';
}
