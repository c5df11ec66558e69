// Reads a dataset's summary in a worker thread (datasetWorkerMain.ts), for the extension host: the
// host's thread stays free while decoders run, cancel terminates the worker at once (even inside a
// WebAssembly codec), and a worker that dies or exceeds its heap ends in a typed error, not a crash.
import { Worker } from 'node:worker_threads';
import type { DecodeLimits } from '../core/data/decodeLimits';
import type { ErrorPayload } from '../core/errors';
import { MedSynthError, fromErrorPayload, throwIfAborted } from '../core/errors';

export type DatasetWorkerReply =
  { readonly ok: true; readonly description: Record<string, unknown> } | { readonly ok: false; readonly error: ErrorPayload };

export interface InspectInWorkerOptions {
  /** The worker script: dist/datasetWorker.js in the packaged extension. */
  readonly script: string;
  readonly limits?: DecodeLimits;
  readonly signal?: AbortSignal;
  /** Heap cap for the worker's JavaScript objects (typed arrays are bounded by the decode caps). */
  readonly maxHeapMb?: number;
}

export function inspectInWorker(path: string, opts: InspectInWorkerOptions): Promise<Record<string, unknown>> {
  throwIfAborted(opts.signal);
  return new Promise((resolve, reject) => {
    const worker = new Worker(opts.script, {
      workerData: { path, limits: opts.limits },
      resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 4096 },
      stdout: false,
      stderr: false,
    });
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
      void worker.terminate();
    };
    const onAbort = (): void => finish(() => reject(new MedSynthError('CANCELLED', 'cancelled', { file: path })));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (reply: DatasetWorkerReply) =>
      finish(() => (reply.ok ? resolve(reply.description) : reject(fromErrorPayload(reply.error)))),
    );
    worker.on('error', (e: Error & { code?: string }) =>
      finish(() =>
        reject(
          e.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new MedSynthError('LIMIT_EXCEEDED', `reading ran out of the ${opts.maxHeapMb ?? 4096} MB heap allowed for it`, { file: path })
            : new MedSynthError('IO', `the reader stopped: ${e.message}`, { file: path }, { cause: e }),
        ),
      ),
    );
    worker.on('exit', (code) =>
      finish(() => reject(new MedSynthError('IO', `the reader exited (code ${code}) without a result`, { file: path }))),
    );
  });
}
