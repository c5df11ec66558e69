// The worker-thread entry (bundled to dist/knnWorker.js) of the k-NN pool (knnPool.ts): runs the same
// WebAssembly kernel as the main thread (core/metrics/distanceKernel.ts) on one range of query rows
// against the whole reference, both read from SharedArrayBuffers, and posts back the two nearest
// distances and indices per query row (and, for a two-way or triangular pass, its half of the reference
// rows' best two, which the pool merges). One job at a time; the pool terminates the thread to cancel.
import { parentPort } from 'node:worker_threads';
import { toErrorPayload } from '../core/errors';
import { nearestNeighbours } from '../core/metrics/distanceKernel';
import type { KnnJob, KnnReply } from './knnPool';

async function run(m: KnnJob): Promise<void> {
  let reply: KnnReply;
  try {
    const query = new Float32Array(m.query, m.from * m.stride * 4, (m.to - m.from) * m.stride);
    const near = await nearestNeighbours(query, new Float32Array(m.ref), m.stride, {
      ...(m.refBlockRows ? { refBlockRows: m.refBlockRows } : {}),
      reverse: m.reverse,
      triangular: m.triangular,
      queryOffset: m.from,
      partial: true,
    });
    reply = { job: m.job, ...near };
    const parts = near.reverse ? [near, near.reverse] : [near];
    parentPort?.postMessage(
      reply,
      parts.flatMap((n) => [n.d1.buffer, n.d2.buffer, n.i1.buffer, n.i2.buffer] as ArrayBuffer[]),
    );
  } catch (e) {
    reply = { job: m.job, error: toErrorPayload(e) };
    parentPort?.postMessage(reply);
  }
}

parentPort?.on('message', (m: KnnJob) => void run(m));
