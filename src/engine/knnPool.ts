// Exact k-NN on all cores: the query rows of a packed search split across worker threads
// (knnWorkerMain.ts, bundled to dist/knnWorker.js beside cli.js and extension.js) that run the same
// WebAssembly kernel as the main thread, so the results are the same to the bit, indices included.
// Memory stays bounded: the query and reference rows are copied once into SharedArrayBuffers that every
// worker reads, and each worker's kernel holds one block of reference rows and 16 bytes per query row
// of its range. An abort terminates the workers at once (they are started again on the next search);
// a worker that cannot start or dies sends the search back to the in-thread kernel.
//
// installKnnWorkers() makes the shared neighbour passes of the privacy metrics (core/metrics/
// neighbourCache.ts) use a pool; core code itself never starts a thread.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ErrorPayload } from '../core/errors';
import { MedSynthError, fromErrorPayload } from '../core/errors';
import { completeTriangle, emptyNeighbours, mergeNeighbours, nearestNeighbours } from '../core/metrics/distanceKernel';
import type { KernelOptions, NeighbourPass } from '../core/metrics/distanceKernel';
import { setNeighbourSearch } from '../core/metrics/neighbourCache';

export interface KnnJob {
  readonly job: number;
  readonly query: SharedArrayBuffer;
  readonly ref: SharedArrayBuffer;
  readonly stride: number;
  /** Query rows [from, to). */
  readonly from: number;
  readonly to: number;
  readonly refBlockRows?: number;
  /** Also the reference rows' best two among this range (merged by the pool); triangular: the pairs j > i only. */
  readonly reverse: boolean;
  readonly triangular: boolean;
}

export type KnnReply =
  ({ readonly job: number; readonly error?: undefined } & NeighbourPass) | { readonly job: number; readonly error: ErrorPayload };

export interface KnnPoolOptions {
  /** The worker script: dist/knnWorker.js, or src/engine/knnWorkerMain.ts under tsx (tests, bench). */
  readonly script: string;
  /** Worker threads (default: os.availableParallelism()). */
  readonly size?: number;
  /** Searches with fewer row pairs than this run in-thread (starting threads costs more). */
  readonly minPairs?: number;
}

/** Jobs per worker per search: smaller ranges balance the load when cores are shared. */
const JOBS_PER_WORKER = 4;

function shared(rows: Float32Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(Math.max(4, rows.byteLength));
  new Float32Array(buffer, 0, rows.length).set(rows);
  return buffer;
}

export class KnnPool {
  private workers: Worker[] = [];
  private broken: Error | undefined;
  private nextJob = 0;
  readonly size: number;

  constructor(private readonly opts: KnnPoolOptions) {
    this.size = Math.max(1, opts.size ?? availableParallelism());
  }

  /** Whether the workers failed to start or died; searches then run in-thread. */
  get fallenBack(): boolean {
    return this.broken !== undefined;
  }

  /** A KernelSearch (distanceSearch.ts): same arguments and results as nearestNeighbours. */
  readonly search = async (query: Float32Array, ref: Float32Array, stride: number, opts: KernelOptions = {}): Promise<NeighbourPass> => {
    const nq = query.length / stride;
    const nr = ref.length / stride;
    if (this.broken || this.size < 2 || opts.forceScalar || !Number.isInteger(nq) || nq * nr < (this.opts.minPairs ?? 1 << 22)) {
      return nearestNeighbours(query, ref, stride, opts);
    }
    try {
      return await this.parallel(query, ref, stride, nq, opts);
    } catch (e) {
      if (e instanceof MedSynthError) throw e;
      // The threads could not run (no worker support, a missing script, a crash): in-thread from here on.
      this.broken = e instanceof Error ? e : new Error(String(e));
      await this.close();
      return nearestNeighbours(query, ref, stride, opts);
    }
  };

  private spawn(): Worker {
    const entry = this.opts.script;
    // Under tsx (tests, the bench) the worker registers tsx's require hook before loading the entry.
    return entry.endsWith('.ts') ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true }) : new Worker(entry);
  }

  private parallel(query: Float32Array, ref: Float32Array, stride: number, nq: number, opts: KernelOptions): Promise<NeighbourPass> {
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(new MedSynthError('CANCELLED', 'cancelled'));
    while (this.workers.length < Math.min(this.size, nq)) this.workers.push(this.spawn());
    const q = shared(query);
    const r = shared(ref);
    const out = emptyNeighbours(nq);
    const twoWay = opts.reverse === true || opts.triangular === true;
    const back = emptyNeighbours(twoWay ? ref.length / stride : 0);
    const per = Math.max(1, Math.ceil(nq / (this.workers.length * JOBS_PER_WORKER)));
    const ranges: [number, number][] = [];
    for (let from = 0; from < nq; from += per) ranges.push([from, Math.min(nq, from + per)]);
    return new Promise<NeighbourPass>((resolve, reject) => {
      let next = 0;
      let done = 0;
      let settled = false;
      const pending = new Map<number, number>();
      const detach: (() => void)[] = [];
      const finish = (f: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        for (const off of detach) off();
        f();
      };
      const feed = (w: Worker): void => {
        if (next >= ranges.length) return;
        const [from, to] = ranges[next++];
        const job = this.nextJob++;
        pending.set(job, from);
        w.postMessage({
          job,
          query: q,
          ref: r,
          stride,
          from,
          to,
          reverse: opts.reverse === true,
          triangular: opts.triangular === true,
          ...(opts.refBlockRows ? { refBlockRows: opts.refBlockRows } : {}),
        } satisfies KnnJob);
      };
      const onAbort = (): void => {
        finish(() => reject(new MedSynthError('CANCELLED', 'cancelled')));
        void this.close();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const w of this.workers) {
        const onMessage = (m: KnnReply): void => {
          const from = pending.get(m.job);
          if (from === undefined || settled) return;
          pending.delete(m.job);
          if (m.error) return finish(() => reject(fromErrorPayload(m.error)));
          out.d1.set(m.d1, from);
          out.d2.set(m.d2, from);
          out.i1.set(m.i1, from);
          out.i2.set(m.i2, from);
          // Each range's half of the reverse direction: merged in (distance, index) order.
          if (m.reverse) mergeNeighbours(back, m.reverse);
          if (++done < ranges.length) return feed(w);
          if (opts.triangular) finish(() => resolve(completeTriangle(out, back)));
          else finish(() => resolve(twoWay ? { ...out, reverse: back } : out));
        };
        const onError = (e: Error): void => finish(() => reject(e));
        const onExit = (code: number): void => finish(() => reject(new Error(`a k-NN worker exited (code ${code})`)));
        w.ref();
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        detach.push(() => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
          // Idle workers must not keep the process alive.
          w.unref();
        });
        feed(w);
      }
    });
  }

  /** Terminates the workers; the next search starts new ones. */
  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** dist/knnWorker.js beside the running bundle (cli.js, extension.js), when it is there. */
export function bundledKnnWorkerScript(): string | undefined {
  const script = join(__dirname, 'knnWorker.js');
  return existsSync(script) ? script : undefined;
}

/**
 * Makes the privacy metrics' shared neighbour passes run on a worker pool; without a worker script
 * (unbundled, e.g. unit tests under tsx) they stay on the in-thread kernel. Returns the undo.
 */
export function installKnnWorkers(opts: Partial<KnnPoolOptions> = {}): () => Promise<void> {
  const script = opts.script ?? bundledKnnWorkerScript();
  if (!script) return () => Promise.resolve();
  const pool = new KnnPool({ ...opts, script });
  setNeighbourSearch(pool.search);
  return async () => {
    setNeighbourSearch(null);
    await pool.close();
  };
}
