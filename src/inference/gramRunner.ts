// Runs one tile of embedding products (GramRequest) on the built-in gram model (core/metrics/image/
// gramModel.ts): product = a · bᵀ in float64 on the first execution provider of the request's list that
// loads it. One session per provider list for the life of the process; the tiles are independent, so a
// cancel between tiles (the engine stops sending) is the only cancel there is.
import * as ort from 'onnxruntime-node';
import { MedSynthError } from '../core/errors';
import {
  GRAM_INPUT_A,
  GRAM_INPUT_B,
  GRAM_OUTPUT,
  gramModelBytes,
  NEAREST_INPUT_K,
  NEAREST_INPUT_NORMS_A,
  NEAREST_INPUT_NORMS_B,
  NEAREST_OUTPUT_D2,
  NEAREST_OUTPUT_INDICES,
  nearestModelBytes,
} from '../core/metrics/image/gramModel';
import type { ExecutionProviderName, GramRequest, GramResult } from '../protocol/inference';
import { createSession } from './session';
import type { LoadedSession, LogSink } from './session';

const sessions = new Map<string, Promise<LoadedSession>>();

function sessionFor(nearest: boolean, providers: readonly ExecutionProviderName[], log: LogSink): Promise<LoadedSession> {
  const key = `${nearest ? 'nearest' : 'gram'}:${providers.join(',')}`;
  let s = sessions.get(key);
  if (!s) {
    s = createSession(
      nearest ? nearestModelBytes() : gramModelBytes(),
      providers,
      log,
      nearest ? 'the built-in nearest-tile model' : 'the built-in gram model',
    );
    sessions.set(key, s);
    s.catch(() => sessions.delete(key));
  }
  return s;
}

function checkRequest(req: GramRequest): void {
  const whole = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 1;
  if (!whole(req.rowsA) || !whole(req.rowsB) || !whole(req.dims))
    throw new MedSynthError('BAD_USAGE', `gram: rowsA, rowsB and dims must be positive integers (${req.rowsA}, ${req.rowsB}, ${req.dims})`);
  if (!(req.a instanceof Float64Array) || req.a.length !== req.rowsA * req.dims)
    throw new MedSynthError('BAD_USAGE', `gram: a holds ${req.a instanceof Float64Array ? req.a.length : 'no'} float64 values`, {
      expected: `${req.rowsA * req.dims}`,
    });
  if (!(req.b instanceof Float64Array) || req.b.length !== req.rowsB * req.dims)
    throw new MedSynthError('BAD_USAGE', `gram: b holds ${req.b instanceof Float64Array ? req.b.length : 'no'} float64 values`, {
      expected: `${req.rowsB * req.dims}`,
    });
  const near = req.nearest;
  if (near) {
    if (!Number.isSafeInteger(near.k) || near.k < 1 || near.k > req.rowsB)
      throw new MedSynthError('BAD_USAGE', `gram: k must be an integer from 1 to rowsB (${req.rowsB}), got ${near.k}`);
    if (
      !(near.normsA instanceof Float64Array) ||
      near.normsA.length !== req.rowsA ||
      !(near.normsB instanceof Float64Array) ||
      near.normsB.length !== req.rowsB
    )
      throw new MedSynthError('BAD_USAGE', 'gram: the norms do not match rowsA and rowsB');
  }
}

export async function runGram(req: GramRequest, log: LogSink): Promise<GramResult> {
  checkRequest(req);
  const providers: readonly ExecutionProviderName[] = req.executionProviders.length > 0 ? req.executionProviders : ['cpu'];
  const near = req.nearest;
  const loaded = await sessionFor(near !== undefined, providers, log);
  const a = new ort.Tensor('float64', req.a, [req.rowsA, req.dims]);
  const b = new ort.Tensor('float64', req.b, [req.rowsB, req.dims]);
  if (!near) {
    const out = await loaded.session.run({ [GRAM_INPUT_A]: a, [GRAM_INPUT_B]: b });
    const product = out[GRAM_OUTPUT];
    if (!product || !(product.data instanceof Float64Array) || product.data.length !== req.rowsA * req.rowsB)
      throw new MedSynthError('INFERENCE_CRASHED', 'gram: the product has an unexpected shape');
    return { type: 'gramResult', id: req.id, product: product.data, executionProvider: loaded.executionProvider };
  }
  const out = await loaded.session.run({
    [GRAM_INPUT_A]: a,
    [GRAM_INPUT_B]: b,
    [NEAREST_INPUT_NORMS_A]: new ort.Tensor('float64', near.normsA, [req.rowsA, 1]),
    [NEAREST_INPUT_NORMS_B]: new ort.Tensor('float64', near.normsB, [1, req.rowsB]),
    [NEAREST_INPUT_K]: new ort.Tensor('int64', BigInt64Array.from([BigInt(near.k)]), [1]),
  });
  const d2 = out[NEAREST_OUTPUT_D2];
  const idx = out[NEAREST_OUTPUT_INDICES];
  if (!(d2?.data instanceof Float64Array) || !(idx?.data instanceof BigInt64Array) || d2.data.length !== req.rowsA * near.k)
    throw new MedSynthError('INFERENCE_CRASHED', 'gram: the nearest tile has an unexpected shape');
  const indices = Int32Array.from(idx.data, (v) => Number(v));
  return { type: 'gramResult', id: req.id, product: d2.data, indices, executionProvider: loaded.executionProvider };
}
