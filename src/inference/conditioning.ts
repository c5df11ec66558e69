// The condition input of a conditional generator, fed per batch: the request's condition is checked
// against the manifest before any session exists (BAD_USAGE naming what was expected), then each batch
// of global rows gets its tensor: a one-hot or index of each sample's class (classes assigned by global
// index, protocol/inference.ts classOfSample, so shards reproduce the single run), the request's own
// vectors or source samples, or for classifier-free guidance the manifest's null condition.
import * as ort from 'onnxruntime-node';
import { MedSynthError } from '../core/errors';
import type { ConditionInput, GeneratorManifest } from '../core/generators/manifest';
import { conditionWidth } from '../core/generators/manifestValidation';
import { classesOfRows } from '../protocol/inference';
import type { ModelIo, SampleCondition, SampleRequest } from '../protocol/inference';

export interface ConditionFeed {
  readonly input: ConditionInput;
  /** The condition of global rows [firstRow, firstRow + rows) of the request. */
  tensor(firstRow: number, rows: number): ort.Tensor;
  /** The null condition for `rows` samples (guidance's unconditional branch). */
  nullTensor(rows: number): ort.Tensor;
}

function usage(message: string, expected: string): MedSynthError {
  return new MedSynthError('BAD_USAGE', message, { expected });
}

/** Checks the request's condition against the manifest's; undefined for an unconditional generator. */
export function checkCondition(manifest: GeneratorManifest, req: Pick<SampleRequest, 'condition' | 'rows' | 'firstRow'>): void {
  const input = manifest.inputs.condition;
  const given = req.condition;
  if (!input) {
    if (given) throw usage(`the generator "${manifest.name}" is not conditional, but the request gives ${given.kind}`, 'no condition');
    return;
  }
  const wanted: SampleCondition['kind'] = input.kind === 'vector' ? 'vectors' : input.kind === 'source' ? 'sources' : 'classes';
  const what =
    wanted === 'classes'
      ? `per-class counts for its classes ${JSON.stringify(input.classes)}`
      : wanted === 'sources'
        ? `one source sample per row, [rows, ${(input.shape ?? []).slice(1).join(', ')}]`
        : `one condition vector per row, [rows, ${(input.shape ?? []).slice(1).join(', ')}]`;
  if (!given)
    throw usage(`the generator "${manifest.name}" has a ${input.kind} condition '${input.name}' but the request gives none`, what);
  if (given.kind !== wanted)
    throw usage(`the generator "${manifest.name}" has a ${input.kind} condition '${input.name}' but the request gives ${given.kind}`, what);
  if (given.kind === 'classes') {
    const classes = input.classes ?? [];
    if (!Array.isArray(given.counts) || given.counts.length !== classes.length)
      throw usage(
        `the request gives ${Array.isArray(given.counts) ? given.counts.length : 'no'} class counts`,
        `${classes.length}, one per class`,
      );
    let total = 0;
    given.counts.forEach((n, k) => {
      if (!Number.isSafeInteger(n) || n < 0) throw usage(`the count of class "${classes[k]}" is ${n}`, 'a non-negative integer');
      total += n;
    });
    if (req.firstRow + req.rows > total)
      throw usage(
        `rows ${req.firstRow}..${req.firstRow + req.rows - 1} go past the ${total} samples the class counts make`,
        `firstRow + rows <= ${total}`,
      );
    return;
  }
  const width = conditionWidth(input);
  if (!(given.data instanceof Float32Array) || given.data.length !== req.rows * width)
    throw usage(
      `the request's ${given.kind} hold ${given.data instanceof Float32Array ? given.data.length : 'no'} values for ${req.rows} rows`,
      `${req.rows} × ${width} float32 values (${what})`,
    );
}

/** An index condition in the model's declared type: int64, int32 or float32. */
function indexTensor(
  type: string | undefined,
  name: string,
  value: (row: number) => number,
  rows: number,
  dims: readonly number[],
): ort.Tensor {
  if (type === 'int64') {
    const a = new BigInt64Array(rows);
    for (let r = 0; r < rows; r++) a[r] = BigInt(value(r));
    return new ort.Tensor('int64', a, dims);
  }
  if (type === 'int32')
    return new ort.Tensor(
      'int32',
      Int32Array.from({ length: rows }, (_, r) => value(r)),
      dims,
    );
  if (type === 'float32')
    return new ort.Tensor(
      'float32',
      Float32Array.from({ length: rows }, (_, r) => value(r)),
      dims,
    );
  throw new MedSynthError('MODEL_MISMATCH', `index condition '${name}' has type ${type ?? 'unknown'}`, {
    expected: 'int64, int32 or float32',
  });
}

/** The feed of a checked conditional request (checkCondition first), for the model's declared input. */
export function conditionFeed(manifest: GeneratorManifest, req: SampleRequest, modelInputs: readonly ModelIo[]): ConditionFeed | undefined {
  const input = manifest.inputs.condition;
  const given = req.condition;
  if (!input || !given) return undefined;
  const io = modelInputs.find((i) => i.name === input.name);
  const width = conditionWidth(input);
  const tail = input.kind === 'onehot' ? [width] : input.kind === 'index' ? [] : (input.shape ?? []).slice(1);
  // An index is [rows] or [rows, 1], as the model declares it.
  const indexDims = (rows: number): number[] => (io && io.dims.length === 2 ? [rows, 1] : [rows]);
  if (input.kind === 'index' && io && io.dims.length !== 1 && io.dims.length !== 2)
    throw new MedSynthError('MODEL_MISMATCH', `index condition '${input.name}' has rank ${io.dims.length}`, { expected: '[N] or [N, 1]' });
  if (input.kind !== 'index' && io && io.dims.length !== tail.length + 1)
    throw new MedSynthError('MODEL_MISMATCH', `condition '${input.name}' has rank ${io.dims.length} in the model`, {
      expected: `rank ${tail.length + 1}, [N, ${tail.join(', ')}]`,
    });
  const nullCondition = manifest.diffusion?.nullCondition;
  return {
    input,
    tensor(firstRow: number, rows: number): ort.Tensor {
      if (given.kind === 'classes') {
        const classes = classesOfRows(given.counts, firstRow, rows);
        if (input.kind === 'index') return indexTensor(io?.type, input.name, (r) => classes[r], rows, indexDims(rows));
        const onehot = new Float32Array(rows * width);
        for (let r = 0; r < rows; r++) onehot[r * width + classes[r]] = 1;
        return new ort.Tensor('float32', onehot, [rows, width]);
      }
      const start = (firstRow - req.firstRow) * width;
      return new ort.Tensor('float32', given.data.slice(start, start + rows * width), [rows, ...tail]);
    },
    nullTensor(rows: number): ort.Tensor {
      if (nullCondition === undefined)
        throw new MedSynthError('MANIFEST_INVALID', 'guidance needs diffusion.nullCondition', { expected: 'a null condition' });
      if (typeof nullCondition === 'number') return indexTensor(io?.type, input.name, () => nullCondition, rows, indexDims(rows));
      const a = new Float32Array(rows * width);
      for (let r = 0; r < rows; r++) a.set(nullCondition, r * width);
      return new ort.Tensor('float32', a, [rows, ...tail]);
    },
  };
}
