// The engine's side of the inference process. It forks the child on first use, matches answers to
// requests by id, and turns the child's death into a typed error: a kill we asked for (cancel) is
// CANCELLED, any other exit is INFERENCE_CRASHED. The next request forks a fresh child. A cancel first
// asks the child to stop natively (onnxruntime's RunOptions.terminate, and no further batches), then
// kills it after a short grace, so a run stuck inside one native call still ends within a second.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MedSynthError, fromErrorPayload } from '../core/errors';
import { isInferenceResponse } from '../protocol/inference';
import type {
  CancelRequest,
  DescribeModelResult,
  EmbedResult,
  GramResult,
  ExecutionProviderName,
  InferenceRequest,
  InferenceResponse,
  SampleBatch,
  SampleRequest,
  SampleResult,
  StepProgress,
} from '../protocol/inference';

export type InferenceLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface InferenceClientOptions {
  /** The inference entry: dist/inference.js in a bundle, src/inference/main.ts under tsx. */
  readonly script?: string;
  /** Node flags for the child; defaults to ['--import', 'tsx'] for a .ts script, none otherwise. */
  readonly execArgv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly onLog?: InferenceLog;
  /** How long a cancelled child may stop on its own before it is killed (default 250 ms, at most 900). */
  readonly cancelGraceMs?: number;
}

export interface InferenceCallOptions {
  readonly signal?: AbortSignal;
  /** Rows done of total; a diffusion run also says which step it is at, after every step. */
  readonly onProgress?: (done: number, total: number, step?: StepProgress) => void;
}

export interface EmbedCallOptions extends InferenceCallOptions {
  /** Images per session.run (default 64). */
  readonly batch?: number;
  /** Default cpu: an embedder is small next to a generator, and its features must not depend on the device. */
  readonly executionProviders?: readonly ExecutionProviderName[];
}

export interface SampleCallOptions extends InferenceCallOptions {
  /**
   * Receives each batch as the child finishes it (rows [offset, offset + rows) of the request); the
   * result's sample is then empty. Without it the batches are assembled into the result's sample.
   * A callback that throws ends the request with that error and kills the child.
   */
  readonly onBatch?: (batch: SampleBatch) => void;
}

interface Pending {
  readonly resolve: (r: InferenceResponse) => void;
  readonly reject: (e: MedSynthError) => void;
  readonly onProgress?: (done: number, total: number, step?: StepProgress) => void;
  readonly onBatch?: (batch: SampleBatch) => void;
  /** The child the request went to: only its death ends this request. */
  readonly child: ChildProcess;
}

/** dist/inference.js beside this bundle; under tsx (tests, dev) the TypeScript entry instead. */
export function defaultInferenceScript(): string {
  const bundled = join(__dirname, 'inference.js');
  if (existsSync(bundled)) return bundled;
  const source = join(__dirname, '..', 'inference', 'main.ts');
  if (existsSync(source)) return source;
  return bundled;
}

export class InferenceClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly killedOnPurpose = new WeakSet<ChildProcess>();
  private stderrTail = '';

  constructor(private readonly options: InferenceClientOptions = {}) {}

  /** The running child's pid, if one is running (tests use it to simulate a native crash). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async sample(req: Omit<SampleRequest, 'type' | 'id' | 'stream'>, opts: SampleCallOptions = {}): Promise<SampleResult> {
    // The child always streams its batches: transfer then overlaps sampling, and no single message
    // (one structured clone) holds the whole sample. Batches arrive in order; without a consumer they
    // are copied once into the result.
    let assembled: Float32Array | undefined;
    const collect = (b: SampleBatch): void => {
      if (b.offset === 0 && b.rows === req.rows) {
        assembled = b.data;
        return;
      }
      assembled ??= new Float32Array(req.rows * b.features);
      assembled.set(b.data, b.offset * b.features);
    };
    const res = await this.request((id) => ({ type: 'sample', id, ...req, stream: true }), { ...opts, onBatch: opts.onBatch ?? collect });
    if (res.type !== 'sampleResult') throw new MedSynthError('INFERENCE_CRASHED', `inference: unexpected answer '${res.type}' to sample`);
    return opts.onBatch ? res : { ...res, sample: assembled ?? new Float32Array(0) };
  }

  /**
   * Features of `images` ([rows, C, H, W] row-major, `shape` = [rows, C, H, W]) from the embedder at
   * `modelPath`: its input `inputName` takes the images, its output `outputName` gives [rows, dims].
   */
  async embed(
    modelPath: string,
    inputName: string,
    outputName: string,
    images: Float32Array,
    shape: readonly number[],
    opts: EmbedCallOptions = {},
  ): Promise<EmbedResult> {
    const res = await this.request(
      (id) => ({
        type: 'embed',
        id,
        modelPath,
        input: inputName,
        output: outputName,
        images,
        shape: [...shape],
        batch: opts.batch ?? 64,
        executionProviders: opts.executionProviders ?? ['cpu'],
      }),
      opts,
    );
    if (res.type !== 'embedResult') throw new MedSynthError('INFERENCE_CRASHED', `inference: unexpected answer '${res.type}' to embed`);
    return res;
  }

  /**
   * product = a · bᵀ (float64, row-major rowsA × rowsB) for a [rowsA, dims] and b [rowsB, dims], on the
   * first provider of `executionProviders` (default cpu) that loads the built-in gram model.
   */
  async gram(
    a: Float64Array,
    rowsA: number,
    b: Float64Array,
    rowsB: number,
    dims: number,
    opts: InferenceCallOptions & {
      readonly executionProviders?: readonly ExecutionProviderName[];
      /** The k nearest rows of b per row of a instead of the product (GramRequest.nearest). */
      readonly nearest?: { readonly k: number; readonly normsA: Float64Array; readonly normsB: Float64Array };
    } = {},
  ): Promise<GramResult> {
    const res = await this.request(
      (id) => ({
        type: 'gram',
        id,
        a,
        b,
        rowsA,
        rowsB,
        dims,
        executionProviders: opts.executionProviders ?? ['cpu'],
        ...(opts.nearest ? { nearest: opts.nearest } : {}),
      }),
      opts,
    );
    if (res.type !== 'gramResult') throw new MedSynthError('INFERENCE_CRASHED', `inference: unexpected answer '${res.type}' to gram`);
    return res;
  }

  async describeModel(modelPath: string, opts: InferenceCallOptions = {}): Promise<DescribeModelResult> {
    const res = await this.request((id) => ({ type: 'describeModel', id, modelPath }), opts);
    if (res.type !== 'describeModelResult')
      throw new MedSynthError('INFERENCE_CRASHED', `inference: unexpected answer '${res.type}' to describeModel`);
    return res;
  }

  /** Test hook: asks the child to die abruptly (honoured only when MEDSYNTH_TEST_HOOKS=1 in its env). */
  async crashForTest(): Promise<void> {
    await this.request((id) => ({ type: 'crash', id }), {});
  }

  /** Kills the child; pending requests end with CANCELLED. Safe to call twice. */
  dispose(): void {
    this.kill();
  }

  private request(make: (id: number) => InferenceRequest, opts: SampleCallOptions): Promise<InferenceResponse> {
    if (opts.signal?.aborted) return Promise.reject(new MedSynthError('CANCELLED', 'cancelled'));
    const child = this.ensureChild();
    const id = this.nextId++;
    return new Promise<InferenceResponse>((resolve, reject) => {
      const onAbort = (): void => this.cancel(child, id);
      const done = (): void => {
        this.pending.delete(id);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      this.pending.set(id, {
        resolve: (r) => (done(), resolve(r)),
        reject: (e) => (done(), reject(e)),
        onProgress: opts.onProgress,
        onBatch: opts.onBatch,
        child,
      });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      child.send(make(id), (err) => {
        if (err) this.pending.get(id)?.reject(new MedSynthError('INFERENCE_CRASHED', `inference: could not send request (${err.message})`));
      });
    });
  }

  private ensureChild(): ChildProcess {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null && this.child.connected) return this.child;
    const script = this.options.script ?? defaultInferenceScript();
    const execArgv = this.options.execArgv ?? (script.endsWith('.ts') ? ['--import', 'tsx'] : []);
    const child = fork(script, [], {
      serialization: 'advanced',
      execArgv: [...execArgv],
      env: this.options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.stderrTail = '';
    // onnxruntime writes provider-loading noise to stderr; keep it out of the user's terminal but
    // remember the tail so a crash can say what happened.
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    child.stdout?.resume();
    child.on('message', (m: unknown) => this.onMessage(m));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (err) => this.options.onLog?.('error', `inference: ${err.message}`));
    this.child = child;
    return child;
  }

  private onMessage(message: unknown): void {
    if (!isInferenceResponse(message)) return;
    if (message.type === 'log') {
      this.options.onLog?.(message.level, message.message);
      return;
    }
    const p = this.pending.get(message.id);
    if (!p) return;
    switch (message.type) {
      case 'progress':
        p.onProgress?.(message.done, message.total, message.step);
        return;
      case 'sampleBatch':
        try {
          p.onBatch?.(message);
        } catch (e) {
          const child = p.child;
          p.reject(
            e instanceof MedSynthError
              ? e
              : new MedSynthError(
                  'INFERENCE_CRASHED',
                  `inference: a batch could not be taken (${e instanceof Error ? e.message : String(e)})`,
                ),
          );
          this.cancel(child, message.id);
        }
        return;
      case 'error':
        p.reject(fromErrorPayload(message.error));
        return;
      default:
        p.resolve(message);
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    const onPurpose = this.killedOnPurpose.has(child);
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const tail = this.stderrTail.trim().split('\n').slice(-1)[0];
    const err = onPurpose
      ? new MedSynthError('CANCELLED', 'cancelled')
      : new MedSynthError(
          'INFERENCE_CRASHED',
          `the inference process died (${how})${tail ? `: ${tail}` : ''}; the next run starts a new one`,
        );
    for (const p of [...this.pending.values()]) if (p.child === child) p.reject(err);
  }

  private kill(): void {
    const child = this.child;
    if (!child) return;
    this.killedOnPurpose.add(child);
    this.child = undefined;
    child.kill('SIGKILL');
  }

  /**
   * Cancels request `id` on `child`: the request ends with CANCELLED at once (the caller never waits on
   * the child), the child is asked to stop natively, and it is killed after the grace period. Other
   * requests on that child end with CANCELLED too, since the child does not survive a cancel.
   */
  private cancel(child: ChildProcess, id: number): void {
    this.killedOnPurpose.add(child);
    if (this.child === child) this.child = undefined;
    if (child.connected) child.send({ type: 'cancel', id: this.nextId++, target: id } satisfies CancelRequest, () => undefined);
    const cancelled = new MedSynthError('CANCELLED', 'cancelled');
    for (const p of [...this.pending.values()]) if (p.child === child) p.reject(cancelled);
    const grace = Math.min(Math.max(this.options.cancelGraceMs ?? 250, 0), 900);
    const timer = setTimeout(() => child.kill('SIGKILL'), grace);
    child.once('exit', () => clearTimeout(timer));
  }
}
