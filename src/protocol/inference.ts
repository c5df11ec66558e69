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

/** Generate `rows` samples, global rows [firstRow, firstRow + rows), in batches of `batch`. */
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

export type InferenceRequest = SampleRequest | DescribeModelRequest | CrashRequest | CancelRequest;

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

export interface DescribeModelResult {
  readonly type: 'describeModelResult';
  readonly id: number;
  readonly inputs: readonly ModelIo[];
  readonly outputs: readonly ModelIo[];
}

export interface ProgressEvent {
  readonly type: 'progress';
  readonly id: number;
  readonly done: number;
  readonly total: number;
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

export type InferenceResponse = SampleResult | SampleBatch | DescribeModelResult | ProgressEvent | LogEvent | ErrorResponse;

export { assertNever } from './messageChecks';

/** Narrow an unknown IPC payload to a response; the channel is ours, so a shape check on `type` suffices. */
export function isInferenceResponse(value: unknown): value is InferenceResponse {
  if (typeof value !== 'object' || value === null) return false;
  const t = (value as { type?: unknown }).type;
  return t === 'sampleResult' || t === 'sampleBatch' || t === 'describeModelResult' || t === 'progress' || t === 'log' || t === 'error';
}

export function isInferenceRequest(value: unknown): value is InferenceRequest {
  if (typeof value !== 'object' || value === null) return false;
  const t = (value as { type?: unknown }).type;
  if (typeof (value as { id?: unknown }).id !== 'number') return false;
  if (t === 'cancel') return typeof (value as { target?: unknown }).target === 'number';
  return t === 'sample' || t === 'describeModel' || t === 'crash';
}
