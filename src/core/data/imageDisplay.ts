// What a viewer shows of one frame of an ImageVolume, as 8- or 16-bit pixels (the PNG writer's input).
// Grey: the first window preset (volume.windows[0]: the DICOM VOI window, NIfTI cal_min..cal_max, or the
// reader's min..max), else the min..max of the whole volume, applied with DICOM's linear VOI function
// (PS3.3 C.11.2.1.2.1: below c - 0.5 - (w-1)/2 black, above c - 0.5 + (w-1)/2 white, a straight ramp
// between, rounded to the nearest level; a window narrower than 1, which DICOM does not allow but a
// float volume's min..max may be, gets the plain ramp from c - w/2 to c + w/2); MONOCHROME1 is inverted for display (its values stay as
// they are in the volume). RGB is not windowed: values are kept, rounded and clipped to the output
// range, except that an RGB volume holding values above 255 (a 16-bit source) is scaled by 255/65535
// for 8-bit output, and an 8-bit one by 257 for 16-bit output. NaN shows as 0 (black).

import { badInput } from '../errors';
import type { ImageVolume } from './imageSet';

export interface DisplayWindow {
  readonly center: number;
  readonly width: number;
}

/**
 * The window displayPixels applies to a grey volume: windows[0] when usable, else the min..max of its
 * finite values (also when windows[0] is the readers' 'min-max' preset, whose width they round up to
 * 1: a float volume spanning 0..0.01 still gets its whole range); undefined when no value is finite.
 */
export function displayWindow(volume: ImageVolume): DisplayWindow | undefined {
  const w = volume.windows[0];
  if (w && w.name !== 'min-max' && Number.isFinite(w.center) && Number.isFinite(w.width) && w.width > 0)
    return { center: w.center, width: w.width };
  const r = finiteRange(volume.data);
  if (!r) return undefined;
  return { center: (r.min + r.max) / 2, width: r.max > r.min ? r.max - r.min : 1 };
}

function finiteRange(data: Float32Array): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min && v !== -Infinity) min = v;
    if (v > max && v !== Infinity) max = v;
  }
  return min <= max ? { min, max } : undefined;
}

function checkFrame(volume: ImageVolume, frame: number): void {
  if (!Number.isInteger(frame) || frame < 0 || frame >= volume.frames)
    throw badInput(`frame ${frame} of ${volume.id}`, { expected: `a frame between 0 and ${volume.frames - 1}` });
  const values = volume.frames * volume.rows * volume.columns * volume.channels;
  if (volume.data.length !== values)
    throw badInput(`${volume.id} holds ${volume.data.length} values`, {
      expected: `${values} (${volume.frames} x ${volume.rows} x ${volume.columns} x ${volume.channels})`,
    });
}

/**
 * The display pixels of frame `frame` (0-based): rows x columns grey levels, or rows x columns x 3
 * RGB samples, 0..255 (bitDepth 8) or 0..65535 (bitDepth 16). See the header comment for the rules.
 */
export function displayPixels(volume: ImageVolume, frame: number, bitDepth: 8 | 16): Uint8Array | Uint16Array {
  checkFrame(volume, frame);
  const top = bitDepth === 8 ? 255 : 65535;
  const n = volume.rows * volume.columns * volume.channels;
  const src = volume.data.subarray(frame * n, (frame + 1) * n);
  const out = bitDepth === 8 ? new Uint8Array(n) : new Uint16Array(n);
  if (volume.channels === 3) {
    const range = finiteRange(volume.data);
    const sixteenBitSource = range !== undefined && range.max > 255;
    const scale = bitDepth === 8 ? (sixteenBitSource ? 255 / 65535 : 1) : sixteenBitSource ? 1 : 257;
    for (let i = 0; i < n; i++) {
      const v = Math.round(src[i] * scale);
      out[i] = v > top ? top : v > 0 ? v : 0; // NaN fails both tests: 0
    }
    return out;
  }
  const win = displayWindow(volume);
  if (!win) return out; // nothing finite to show: black
  const invert = volume.photometric === 'MONOCHROME1';
  // DICOM: c' = c - 0.5, w' = w - 1; the plain ramp for a window narrower than 1: c' = c, w' = w.
  const dicom = win.width >= 1;
  const c = dicom ? win.center - 0.5 : win.center;
  const w1 = dicom ? win.width - 1 : win.width;
  const low = c - w1 / 2;
  const high = c + w1 / 2;
  for (let i = 0; i < n; i++) {
    const x = src[i];
    let y: number;
    if (x <= low) y = 0;
    else if (x > high) y = top;
    else if (x >= low && x <= high) y = w1 > 0 ? Math.round(((x - c) / w1 + 0.5) * top) : top;
    else y = 0; // NaN
    out[i] = invert && x === x ? top - y : y;
  }
  return out;
}
