// NumPy .npy writer (format version 1.0) for float32 arrays: the magic '\x93NUMPY', version 1.0, a
// little-endian uint16 header length, the header dict {'descr': '<f4', 'fortran_order': False,
// 'shape': (...), } written as numpy >= 1.21 writes it (21 spare spaces for the first axis to grow in
// place, then spaces and '\n' up to a multiple of 64 bytes), then the values little-endian in C order.
// The bytes equal numpy.save's for the same array (checked in test/unit/images/writers/npyWriter.test.ts).
import { MedSynthError, badInput } from '../../errors';

/** numpy's format.GROWTH_AXIS_MAX_DIGITS: spare header space so the first dimension can grow in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;
const ARRAY_ALIGN = 64;
/** numpy 1.x arrays have at most 32 dimensions. */
const MAX_DIMS = 32;
/** The largest file one Uint8Array holds here. */
export const MAX_NPY_BYTES = 2 ** 31 - 1;
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** The .npy file of `data` seen as an array of `shape` in C order (last index fastest). */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  if (!(data instanceof Float32Array)) throw badInput('npy data must be a Float32Array', { expected: 'float32 values' });
  if (shape.length > MAX_DIMS) throw badInput(`an npy shape of ${shape.length} dimensions`, { expected: `at most ${MAX_DIMS}` });
  for (const d of shape)
    if (!Number.isSafeInteger(d) || d < 0)
      throw badInput(`npy shape (${shape.join(', ')})`, { expected: 'whole, non-negative dimensions' });
  const count = shape.reduce((n, d) => n * d, 1);
  if (count !== data.length)
    throw badInput(`npy shape ${shapeText(shape)} holds ${count} values but the data has ${data.length}`, {
      expected: 'a shape whose product is the number of values',
    });
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText(shape)}, }`;
  const growth = shape.length > 0 ? ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length)) : '';
  const unpadded = dict + growth;
  // magic (6) + version (2) + header length (2) + header + '\n', padded to a multiple of 64.
  const pad = ARRAY_ALIGN - ((10 + unpadded.length + 1) % ARRAY_ALIGN);
  const header = `${unpadded}${' '.repeat(pad)}\n`; // pad is 1..64, as numpy's _wrap_header makes it
  const total = 10 + header.length + data.length * 4;
  if (total > MAX_NPY_BYTES)
    throw new MedSynthError('LIMIT_EXCEEDED', `an npy file of ${total} bytes`, { expected: `at most ${MAX_NPY_BYTES} bytes` });
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const at = 10 + header.length;
  if (HOST_LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
  } else {
    const view = new DataView(out.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i], true);
  }
  return out;
}
