// Runs an embedder (an image feature extractor for the image metrics) on prepared images: the engine
// sends them as one Float32Array [rows, C, H, W]; they go through the model in batches, and the
// features come back as [rows, dims]. The model's input and output must be the ones named, with the
// image shape the model declares; a cancel stops between batches (and asks onnxruntime to stop inside one).
import * as ort from 'onnxruntime-node';
import { MedSynthError } from '../core/errors';
import type { EmbedRequest, EmbedResult, ProgressEvent } from '../protocol/inference';
import type { RunControl } from './sampler';
import { MAX_SAMPLE_VALUES } from './sampleLimits';
import type { LogSink, SessionCache } from './session';

function checkRequest(req: EmbedRequest): { rows: number; tail: number[]; perImage: number } {
  const shape = req.shape;
  if (
    !Array.isArray(shape) ||
    shape.length < 2 ||
    shape.some((d) => !Number.isSafeInteger(d) || d < 0) ||
    shape.slice(1).some((d) => d < 1)
  )
    throw new MedSynthError('BAD_USAGE', `embed: shape [${Array.isArray(shape) ? shape.join(', ') : ''}] is not [rows, C, H, W]`, {
      expected: 'a non-negative row count and positive dimensions',
    });
  if (!Number.isSafeInteger(req.batch) || req.batch < 1)
    throw new MedSynthError('BAD_USAGE', `embed: batch must be a positive integer, got ${req.batch}`);
  const [rows, ...tail] = shape;
  const perImage = tail.reduce((a, b) => a * b, 1);
  if (!(req.images instanceof Float32Array) || req.images.length !== rows * perImage)
    throw new MedSynthError(
      'BAD_USAGE',
      `embed: the images hold ${req.images instanceof Float32Array ? req.images.length : 'no'} values for shape [${shape.join(', ')}]`,
      { expected: `${rows * perImage} float32 values` },
    );
  return { rows, tail, perImage };
}

export async function runEmbed(
  req: EmbedRequest,
  cache: SessionCache,
  log: LogSink,
  emit: (m: ProgressEvent) => void,
  control: RunControl,
): Promise<EmbedResult> {
  const { rows, tail, perImage } = checkRequest(req);
  const { loaded, cached } = cache.get(req.modelPath, req.executionProviders, log);
  const ses = await loaded;
  control.throwIfCancelled(0);
  const names = (l: readonly { name: string }[]): string => l.map((i) => i.name).join(', ') || 'none';
  const input = ses.inputs.find((i) => i.name === req.input);
  if (!input)
    throw new MedSynthError('MODEL_MISMATCH', `the embedder has no input '${req.input}' (inputs: ${names(ses.inputs)})`, {
      file: req.modelPath,
    });
  if (ses.inputs.length !== 1)
    throw new MedSynthError('MODEL_MISMATCH', `the embedder takes more than its image input: ${names(ses.inputs)}`, {
      file: req.modelPath,
    });
  if (!ses.outputs.some((o) => o.name === req.output))
    throw new MedSynthError('MODEL_MISMATCH', `the embedder has no output '${req.output}' (outputs: ${names(ses.outputs)})`, {
      file: req.modelPath,
    });
  if (input.dims.length !== tail.length + 1)
    throw new MedSynthError(
      'MODEL_MISMATCH',
      `the embedder's input '${req.input}' has rank ${input.dims.length}, the images ${tail.length + 1}`,
      {
        file: req.modelPath,
      },
    );
  input.dims.slice(1).forEach((d, i) => {
    if (typeof d === 'number' && d > 0 && d !== tail[i])
      throw new MedSynthError(
        'MODEL_MISMATCH',
        `the embedder's input '${req.input}' has dimension ${i + 1} = ${d}, the images ${tail[i]}`,
        {
          file: req.modelPath,
          expected: `images of shape [rows, ${input.dims.slice(1).join(', ')}]`,
        },
      );
  });

  const msPerBatch: number[] = [];
  let features = new Float32Array(0);
  let dims = -1;
  for (let start = 0, j = 0; start < rows; start += req.batch, j++) {
    control.throwIfCancelled(j);
    const n = Math.min(req.batch, rows - start);
    const images = req.images.slice(start * perImage, (start + n) * perImage);
    const t0 = performance.now();
    const result = await ses.session.run(
      { [req.input]: new ort.Tensor('float32', images, [n, ...tail]) },
      [req.output],
      control.runOptions,
    );
    msPerBatch.push(performance.now() - t0);
    const out = result[req.output];
    if (!out || out.type !== 'float32')
      throw new MedSynthError('MODEL_MISMATCH', `the embedder's output '${req.output}' must be float32, got ${out?.type ?? 'nothing'}`);
    const data = out.data as Float32Array;
    if (dims < 0) {
      dims = data.length / n;
      if (!Number.isInteger(dims) || dims < 1 || out.dims[0] !== n || out.dims.length !== 2)
        throw new MedSynthError(
          'MODEL_MISMATCH',
          `the embedder's output '${req.output}' has shape [${out.dims.join(', ')}] for ${n} images`,
          {
            expected: `[${n}, dims]`,
          },
        );
      if (dims * rows > MAX_SAMPLE_VALUES)
        throw new MedSynthError('LIMIT_EXCEEDED', `${rows} images × ${dims} features is more than ${MAX_SAMPLE_VALUES} values`, {
          expected: 'fewer images per request',
        });
      features = new Float32Array(rows * dims);
    } else if (data.length !== n * dims) {
      throw new MedSynthError('MODEL_MISMATCH', `the embedder's output '${req.output}' changed width between batches`);
    }
    features.set(data, start * dims);
    out.dispose();
    emit({ type: 'progress', id: req.id, done: start + n, total: rows });
  }
  return {
    type: 'embedResult',
    id: req.id,
    features,
    rows,
    dims: Math.max(dims, 0),
    executionProvider: ses.executionProvider,
    msPerBatch,
    sessionMs: cached ? 0 : ses.createMs,
  };
}
