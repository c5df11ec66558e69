// Reads a dataset's summary in a worker thread (datasetWorkerMain.ts), for the extension host: the
// host's thread stays free while decoders run, cancel terminates the worker at once (even inside a
// WebAssembly codec), and a worker that dies or exceeds its heap ends in a typed error, not a crash.
// openImageSession keeps the worker alive holding an image dataset and hands out one frame at a time
// (the image viewer's frames on demand).
import { Worker } from 'node:worker_threads';
import type { DecodeLimits } from '../core/data/decodeLimits';
import type { DisplayWindow } from '../core/data/imageDisplay';
import type { ImageVolume } from '../core/data/imageSet';
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

/** One image volume as the image worker describes it: everything but its values, plus their finite range. */
export interface ImageVolumeInfo extends Omit<ImageVolume, 'data'> {
  /** Finite min..max of the volume's values; absent when none is finite. */
  readonly valueRange?: { readonly min: number; readonly max: number };
  /** The window the PNG writer and `displayPixels` use (src/core/data/imageDisplay.ts), for grey volumes. */
  readonly defaultWindow?: DisplayWindow;
}

/** Host -> image worker: one frame of one volume (0-based), answered by id. */
export interface ImageWorkerRequest {
  readonly type: 'frame';
  readonly id: number;
  readonly volume: number;
  readonly frame: number;
}

export type ImageWorkerReply =
  | { readonly type: 'opened'; readonly ok: true; readonly format: string; readonly volumes: readonly ImageVolumeInfo[] }
  | { readonly type: 'opened'; readonly ok: false; readonly error: ErrorPayload }
  /** The frame's values (rows x columns x channels) in a buffer of their own, transferred. */
  | { readonly type: 'frame'; readonly id: number; readonly data: Float32Array }
  | { readonly type: 'frameError'; readonly id: number; readonly error: ErrorPayload };

/** An image dataset decoded and held in a worker thread, handing out one frame at a time. */
export interface ImageFrameSession {
  readonly format: string;
  readonly volumes: readonly ImageVolumeInfo[];
  /** Frame `frame` of volume `volume`: a copy with its own buffer, so it can be posted on without the rest. */
  frame(volume: number, frame: number): Promise<Float32Array>;
  /** Terminates the worker; pending frames reject with CANCELLED. */
  close(): void;
}

/**
 * Reads an image dataset in a worker thread that stays alive and holds the decoded volumes, so a viewer
 * can ask for frames as the user scrolls without the extension host decoding or holding the whole set.
 * A signal or tokenizer dataset is UNSUPPORTED; a dead worker rejects what is pending with a typed error.
 */
export function openImageSession(path: string, opts: InspectInWorkerOptions): Promise<ImageFrameSession> {
  throwIfAborted(opts.signal);
  return new Promise((resolve, reject) => {
    const worker = new Worker(opts.script, {
      workerData: { path, limits: opts.limits, mode: 'imageFrames' },
      resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 4096 },
      stdout: false,
      stderr: false,
    });
    const pending = new Map<number, { resolve: (data: Float32Array) => void; reject: (e: MedSynthError) => void }>();
    let nextId = 1;
    let opened = false;
    let ended: MedSynthError | undefined;
    const end = (e: MedSynthError): void => {
      if (ended) return;
      ended = e;
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (!opened) reject(e);
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    };
    const onAbort = (): void => end(new MedSynthError('CANCELLED', 'cancelled', { file: path }));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (reply: ImageWorkerReply) => {
      if (reply.type === 'opened') {
        if (!reply.ok) return end(fromErrorPayload(reply.error));
        opened = true;
        // Once open, the signal no longer applies: close() ends the session.
        opts.signal?.removeEventListener('abort', onAbort);
        resolve({
          format: reply.format,
          volumes: reply.volumes,
          frame: (volume, frame) =>
            new Promise<Float32Array>((res, rej) => {
              if (ended) return rej(ended);
              const id = nextId++;
              pending.set(id, { resolve: res, reject: rej });
              worker.postMessage({ type: 'frame', id, volume, frame } satisfies ImageWorkerRequest);
            }),
          close: () => end(new MedSynthError('CANCELLED', 'the image viewer was closed', { file: path })),
        });
        return;
      }
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.type === 'frame') p.resolve(reply.data);
      else p.reject(fromErrorPayload(reply.error));
    });
    worker.on('error', (e: Error & { code?: string }) =>
      end(
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new MedSynthError('LIMIT_EXCEEDED', `reading ran out of the ${opts.maxHeapMb ?? 4096} MB heap allowed for it`, { file: path })
          : new MedSynthError('IO', `the reader stopped: ${e.message}`, { file: path }, { cause: e }),
      ),
    );
    worker.on('exit', (code) => end(new MedSynthError('IO', `the reader exited (code ${code})`, { file: path })));
  });
}
