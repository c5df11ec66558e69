// The worker-thread entry (bundled to dist/datasetWorker.js) that reads one image, signal or tokenizer
// dataset for the extension host and posts back only its summary. Decoders run here, not on the
// host's thread: a file that makes a third-party codec spin cannot freeze the editor, and cancelling
// terminates the thread whatever it is doing.
import { parentPort, workerData } from 'node:worker_threads';
import type { DecodeLimits } from '../core/data/decodeLimits';
import { toErrorPayload } from '../core/errors';
import { describeDataset, readDatasetFile } from '../storage/datasets';
import type { DatasetWorkerReply } from './datasetInspection';

interface DatasetWorkerRequest {
  readonly path: string;
  readonly limits?: DecodeLimits;
}

async function main(): Promise<void> {
  const { path, limits } = workerData as DatasetWorkerRequest;
  let reply: DatasetWorkerReply;
  try {
    reply = { ok: true, description: describeDataset(path, await readDatasetFile(path, { limits })) };
  } catch (e) {
    reply = { ok: false, error: toErrorPayload(e) };
  }
  parentPort?.postMessage(reply);
}

void main();
