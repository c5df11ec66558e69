// The worker-thread entry (bundled to dist/datasetWorker.js) that reads one image, signal or tokenizer
// dataset for the extension host and posts back only its summary. Decoders run here, not on the
// host's thread: a file that makes a third-party codec spin cannot freeze the editor, and cancelling
// terminates the thread whatever it is doing. In the 'imageFrames' mode (openImageSession) it keeps
// the decoded image set and answers frame requests until the host terminates it.
import { parentPort, workerData } from 'node:worker_threads';
import type { DecodeLimits } from '../core/data/decodeLimits';
import { displayWindow } from '../core/data/imageDisplay';
import type { ImageVolume } from '../core/data/imageSet';
import { MedSynthError, badInput, toErrorPayload } from '../core/errors';
import { describeDataset, readDatasetFile } from '../storage/datasets';
import type { DatasetWorkerReply, ImageVolumeInfo, ImageWorkerReply, ImageWorkerRequest } from './datasetInspection';

interface DatasetWorkerRequest {
  readonly path: string;
  readonly limits?: DecodeLimits;
  readonly mode?: 'summary' | 'imageFrames';
}

async function main(): Promise<void> {
  const { path, limits, mode } = workerData as DatasetWorkerRequest;
  if (mode === 'imageFrames') return serveFrames(path, limits);
  let reply: DatasetWorkerReply;
  try {
    reply = { ok: true, description: describeDataset(path, await readDatasetFile(path, { limits })) };
  } catch (e) {
    reply = { ok: false, error: toErrorPayload(e) };
  }
  parentPort?.postMessage(reply);
}

function volumeInfo(v: ImageVolume): ImageVolumeInfo {
  const { data, ...rest } = v;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (x < min && x !== -Infinity) min = x;
    if (x > max && x !== Infinity) max = x;
  }
  const win = v.channels === 1 ? displayWindow(v) : undefined;
  return { ...rest, ...(min <= max ? { valueRange: { min, max } } : {}), ...(win ? { defaultWindow: win } : {}) };
}

async function serveFrames(path: string, limits: DecodeLimits | undefined): Promise<void> {
  const port = parentPort;
  if (!port) return;
  let images: readonly ImageVolume[];
  try {
    const dataset = await readDatasetFile(path, { limits });
    if (dataset.kind !== 'image')
      throw new MedSynthError(
        'UNSUPPORTED',
        `holds a ${dataset.kind} dataset, not an image; MedSynth: Inspect Dataset shows what it holds`,
        {
          file: path,
        },
      );
    images = dataset.set.images;
    const reply: ImageWorkerReply = { type: 'opened', ok: true, format: dataset.format, volumes: images.map(volumeInfo) };
    port.postMessage(reply);
  } catch (e) {
    port.postMessage({ type: 'opened', ok: false, error: toErrorPayload(e) } satisfies ImageWorkerReply);
    return;
  }
  port.on('message', (m: ImageWorkerRequest) => {
    const v = images[m.volume];
    if (!v || !Number.isInteger(m.frame) || m.frame < 0 || m.frame >= v.frames) {
      const error = toErrorPayload(
        badInput(`frame ${m.frame} of volume ${m.volume}`, {
          file: path,
          expected: v ? `a frame between 0 and ${v.frames - 1}` : `a volume between 0 and ${images.length - 1}`,
        }),
      );
      port.postMessage({ type: 'frameError', id: m.id, error } satisfies ImageWorkerReply);
      return;
    }
    const n = v.rows * v.columns * v.channels;
    // slice() copies into a buffer of its own: transferring it hands over this frame only.
    const data = v.data.slice(m.frame * n, (m.frame + 1) * n);
    port.postMessage({ type: 'frame', id: m.id, data } satisfies ImageWorkerReply, [data.buffer]);
  });
}

void main();
