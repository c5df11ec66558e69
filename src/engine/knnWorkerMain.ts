// The worker-thread entry (bundled to dist/knnWorker.js) of the k-NN pool (knnPool.ts): runs the same
// WebAssembly kernel as the main thread (core/metrics/distanceKernel.ts) on one range of query rows
// against the whole reference, both read from SharedArrayBuffers, and posts back the two nearest
// distances and indices per query row. One job at a time; the pool terminates the thread to cancel.
import { parentPort } from 'node:worker_threads';
import { toErrorPayload } from '../core/errors';
import { nearestNeighbours } from '../core/metrics/distanceKernel';
import type { KnnJob, KnnReply } from './knnPool';

async function run(m: KnnJob): Promise<void> {
  let reply: KnnReply;
  try {
    const query = new Float32Array(m.query, m.from * m.stride * 4, (m.to - m.from) * m.stride);
    const near = await nearestNeighbours(query, new Float32Array(m.ref), m.stride, m.refBlockRows ? { refBlockRows: m.refBlockRows } : {});
    reply = { job: m.job, ...near };
    parentPort?.postMessage(reply, [near.d1.buffer, near.d2.buffer, near.i1.buffer, near.i2.buffer] as ArrayBuffer[]);
  } catch (e) {
    reply = { job: m.job, error: toErrorPayload(e) };
    parentPort?.postMessage(reply);
  }
}

parentPort?.on('message', (m: KnnJob) => void run(m));
