// NIfTI-1 single-file writer (.nii, or .nii.gz through node:zlib's gzip): a 348-byte little-endian
// header, the 4-byte extension flag (no extensions), voxels from vox_offset 352.
//   grey   -> FLOAT32 (datatype 16, bitpix 32), the volume's modality values as they are (NaN kept)
//   colour -> RGB24 (datatype 128, bitpix 24); each value rounded, and 0..255 required
//   dim    = [3, columns, rows, frames]: NIfTI x = column, y = row, z = frame, in the order
//            ImageVolume.data already has (x fastest), which is the order readNifti reads back (it
//            does not reorient), so readNifti(encodeNifti1(v)) returns v.data exactly
//   pixdim = [1, column spacing, row spacing, slice spacing] in mm (xyzt_units 2) when the volume
//            has a spacing, else 1 with units unknown (0); scl_slope 1, scl_inter 0 (values unscaled)
//   qform_code = sform_code = 0: an ImageVolume carries no patient orientation, so none is claimed
//            (readers fall back to the pixdim scaling)
//   cal_min/cal_max = the first window (center -/+ width/2); descrip names MedSynth.
import { gzipSync } from 'node:zlib';
import { MedSynthError, badInput } from '../../errors';
import type { ImageVolume } from '../imageSet';

export interface NiftiWriteOptions {
  /** gzip the file (.nii.gz). */
  readonly gzip?: boolean;
  /** At most 79 printable ASCII characters; default 'MedSynth'. */
  readonly description?: string;
}

const HEADER_BYTES = 348;
const VOX_OFFSET = 352;
/** NIfTI-1 stores each dimension as a signed 16-bit integer. */
const MAX_DIM = 32767;
/** The largest file one Uint8Array holds here (and zlib takes as one input). */
export const MAX_NIFTI_BYTES = 2 ** 31 - 1;

function checkVolume(v: ImageVolume): void {
  const where = { file: v.id };
  for (const [name, n] of [
    ['frames', v.frames],
    ['rows', v.rows],
    ['columns', v.columns],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) throw badInput(`${name} is ${n}`, { ...where, expected: `a whole number of ${name}, at least 1` });
    if (n > MAX_DIM)
      throw new MedSynthError('LIMIT_EXCEEDED', `${n} ${name} do not fit a NIfTI-1 dimension`, {
        ...where,
        expected: `at most ${MAX_DIM}`,
      });
  }
  if (v.channels !== 1 && v.channels !== 3) throw badInput(`channels is ${String(v.channels)}`, { ...where, expected: '1 or 3' });
  const bytes = VOX_OFFSET + v.frames * v.rows * v.columns * (v.channels === 3 ? 3 : 4);
  if (bytes > MAX_NIFTI_BYTES)
    throw new MedSynthError('LIMIT_EXCEEDED', `a NIfTI file of ${bytes} bytes`, { ...where, expected: `at most ${MAX_NIFTI_BYTES} bytes` });
  const values = v.frames * v.rows * v.columns * v.channels;
  if (v.data.length !== values)
    throw badInput(`the volume holds ${v.data.length} values`, {
      ...where,
      expected: `${values} (${v.frames} x ${v.rows} x ${v.columns} x ${v.channels})`,
    });
}

function positiveOr(v: number | undefined, fallback: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : fallback;
}

function writeAscii(out: Uint8Array, at: number, max: number, text: string): void {
  for (let i = 0; i < text.length && i < max; i++) out[at + i] = text.charCodeAt(i);
}

/** The NIfTI-1 file of one volume (see the header comment). */
export function encodeNifti1(volume: ImageVolume, opts: NiftiWriteOptions = {}): Uint8Array {
  checkVolume(volume);
  const description = opts.description ?? 'MedSynth';
  if (!/^[\x20-\x7e]{0,79}$/.test(description))
    throw new MedSynthError('BAD_USAGE', 'the NIfTI description must be at most 79 printable ASCII characters', {
      expected: 'descrip of 80 bytes, NUL-terminated',
    });
  const rgb = volume.channels === 3;
  const voxels = volume.frames * volume.rows * volume.columns;
  const out = new Uint8Array(VOX_OFFSET + voxels * (rgb ? 3 : 4));
  const view = new DataView(out.buffer);
  const le = true;
  view.setInt32(0, HEADER_BYTES, le);
  out[38] = 0x72; // regular = 'r'
  const dims = [3, volume.columns, volume.rows, volume.frames, 1, 1, 1, 1];
  dims.forEach((d, i) => view.setInt16(40 + 2 * i, d, le));
  view.setInt16(70, rgb ? 128 : 16, le);
  view.setInt16(72, rgb ? 24 : 32, le);
  const s = volume.spacing;
  const pixdim = [1, positiveOr(s?.column, 1), positiveOr(s?.row, 1), positiveOr(s?.slice, 1), 0, 0, 0, 0];
  pixdim.forEach((p, i) => view.setFloat32(76 + 4 * i, p, le));
  view.setFloat32(108, VOX_OFFSET, le);
  view.setFloat32(112, 1, le); // scl_slope
  view.setFloat32(116, 0, le); // scl_inter
  out[123] = s ? 2 : 0; // xyzt_units: mm, or unknown
  const w = volume.windows[0];
  if (w && Number.isFinite(w.center) && Number.isFinite(w.width) && w.width > 0) {
    view.setFloat32(124, w.center + w.width / 2, le); // cal_max
    view.setFloat32(128, w.center - w.width / 2, le); // cal_min
  }
  writeAscii(out, 148, 79, description);
  // qform_code (252) and sform_code (254) stay 0; quatern_* and srow_* stay 0.
  writeAscii(out, 344, 4, 'n+1');
  // 348..351: the extension flag, all zero (no extensions).
  const data = volume.data;
  if (rgb) {
    for (let i = 0; i < data.length; i++) {
      const v = Math.round(data[i]);
      if (!(v >= 0 && v <= 255)) {
        const p = Math.floor(i / 3);
        throw badInput(
          `RGB value ${data[i]} at voxel ${p} (frame ${Math.floor(p / (volume.rows * volume.columns))}) cannot be stored as RGB24`,
          {
            file: volume.id,
            expected: 'colour values in 0..255',
          },
        );
      }
      out[VOX_OFFSET + i] = v;
    }
  } else {
    for (let i = 0; i < data.length; i++) view.setFloat32(VOX_OFFSET + 4 * i, data[i], le);
  }
  if (!opts.gzip) return out;
  const gz = gzipSync(out);
  return new Uint8Array(gz.buffer, gz.byteOffset, gz.length);
}
