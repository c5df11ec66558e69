// Latents are the expensive part of sampling a small generator (a counter-based hash and Box-Muller per
// element cost more than the copula graph itself), and session.run blocks this thread. So worker
// threads fill the next batches' latents while the current batch runs. Row r still depends only on
// (seed, r), so the output is identical to filling inline.
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fillLatent } from '../core/generators/latent';

export interface LatentJob {
  readonly seed: number;
  readonly firstRow: number;
  readonly rows: number;
  readonly dims: number;
  readonly distribution: 'normal' | 'uniform';
}

interface JobMessage extends LatentJob {
  readonly job: number;
}

interface ResultMessage {
  readonly job: number;
  readonly latent?: Float32Array;
  readonly error?: string;
}

const ROLE = 'medsynth-latent-worker';

/** True in a latent worker thread; the inference entry then serves latents instead of IPC. */
export function isLatentWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === ROLE;
}

export function serveLatents(): void {
  parentPort?.on('message', (m: JobMessage) => {
    try {
      const latent = fillLatent(m.seed, m.firstRow, m.rows, m.dims, m.distribution);
      parentPort?.postMessage({ job: m.job, latent } satisfies ResultMessage, [latent.buffer as ArrayBuffer]);
    } catch (e) {
      parentPort?.postMessage({ job: m.job, error: e instanceof Error ? e.message : String(e) } satisfies ResultMessage);
    }
  });
}

/** Workers to use: leave a core for session.run, never more than three (enough to keep ORT fed). */
export function latentWorkerCount(): number {
  return Math.min(3, Math.max(1, availableParallelism() - 1));
}

export class LatentPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { job: LatentJob; resolve: (z: Float32Array) => void; reject: (e: Error) => void }>();
  private nextJob = 0;
  private broken: Error | undefined;

  /** `entry` is the script that runs this module's serveLatents in a worker (the inference entry). */
  constructor(entry: string, size: number) {
    for (let i = 0; i < size; i++) {
      // Under tsx (tests, development) the worker registers tsx's require hook before loading the entry.
      const w = entry.endsWith('.ts')
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true, workerData: { role: ROLE } })
        : new Worker(entry, { workerData: { role: ROLE } });
      w.on('message', (m: ResultMessage) => this.settle(m));
      w.on('error', (e) => this.fail(e));
      // Workers are helpers: they must not keep the process alive.
      w.unref();
      this.workers.push(w);
    }
  }

  fill(job: LatentJob): Promise<Float32Array> {
    if (this.broken) return Promise.resolve(fillLatent(job.seed, job.firstRow, job.rows, job.dims, job.distribution));
    const id = this.nextJob++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.waiting.set(id, { job, resolve, reject });
      this.workers[id % this.workers.length].postMessage({ ...job, job: id } satisfies JobMessage);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private settle(m: ResultMessage): void {
    const w = this.waiting.get(m.job);
    if (!w) return;
    this.waiting.delete(m.job);
    if (m.latent) w.resolve(m.latent);
    else w.reject(new Error(m.error ?? 'latent worker failed'));
  }

  /** A worker that dies (e.g. cannot start) must not fail the run: its jobs are filled inline. */
  private fail(e: Error): void {
    this.broken = e;
    for (const w of this.waiting.values()) w.resolve(fillLatent(w.job.seed, w.job.firstRow, w.job.rows, w.job.dims, w.job.distribution));
    this.waiting.clear();
  }
}
