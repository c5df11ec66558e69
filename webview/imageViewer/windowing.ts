// Grey levels for the canvas: DICOM's linear VOI function (PS3.3 C.11.2.1.2.1), the same rule as the
// PNG writer's displayPixels (src/core/data/imageDisplay.ts): below c - 0.5 - (w-1)/2 black, above
// c - 0.5 + (w-1)/2 white, a straight ramp between rounded to the nearest of 256 levels; a window
// narrower than 1 gets the plain ramp c - w/2 .. c + w/2. MONOCHROME1 is inverted for display, NaN is
// black. RGB is not windowed (values clipped to 0..255, a 16-bit source scaled by 255/65535).
// Also the window presets a volume offers.
import type { ViewerVolume, ViewerWindow } from '../../src/protocol/imageViewer';

export interface WindowLevel {
  readonly center: number;
  readonly width: number;
}

/** Writes one grey frame into RGBA pixels (alpha 255): `out` has 4 x values.length bytes. */
export function renderGrey(values: Float32Array, out: Uint8ClampedArray, win: WindowLevel, invert: boolean): void {
  const dicom = win.width >= 1;
  const c = dicom ? win.center - 0.5 : win.center;
  const w1 = dicom ? win.width - 1 : win.width;
  const low = c - w1 / 2;
  const high = c + w1 / 2;
  for (let i = 0, o = 0; i < values.length; i++, o += 4) {
    const x = values[i];
    let y: number;
    if (x <= low) y = 0;
    else if (x > high) y = 255;
    else if (x >= low && x <= high) y = w1 > 0 ? Math.round(((x - c) / w1 + 0.5) * 255) : 255;
    else y = 0; // NaN
    if (invert && x === x) y = 255 - y;
    out[o] = y;
    out[o + 1] = y;
    out[o + 2] = y;
    out[o + 3] = 255;
  }
}

/** Writes one RGB frame (interleaved) into RGBA pixels. */
export function renderRgb(values: Float32Array, out: Uint8ClampedArray, sixteenBitSource: boolean): void {
  const scale = sixteenBitSource ? 255 / 65535 : 1;
  for (let i = 0, o = 0; i < values.length; i += 3, o += 4) {
    for (let k = 0; k < 3; k++) {
      const v = Math.round(values[i + k] * scale);
      out[o + k] = v > 255 ? 255 : v > 0 ? v : 0;
    }
    out[o + 3] = 255;
  }
}

export interface WindowPreset extends WindowLevel {
  readonly id: string;
  readonly label: string;
}

/** CT presets in Hounsfield units (center / width), offered only for CT or HU volumes. */
export const CT_PRESETS: readonly WindowPreset[] = [
  { id: 'ct-brain', label: 'CT brain (40 / 80)', center: 40, width: 80 },
  { id: 'ct-lung', label: 'CT lung (−600 / 1500)', center: -600, width: 1500 },
  { id: 'ct-bone', label: 'CT bone (400 / 1800)', center: 400, width: 1800 },
  { id: 'ct-abdomen', label: 'CT abdomen (40 / 400)', center: 40, width: 400 },
];

export function isCt(v: Pick<ViewerVolume, 'units' | 'modality'>): boolean {
  return v.units === 'HU' || v.modality === 'CT';
}

function fileWindowLabel(w: ViewerWindow): string {
  const numbers = `${formatNumber(w.center)} / ${formatNumber(w.width)}`;
  if (w.name === 'min-max') return `Full range (${numbers})`;
  return w.name ? `${w.name} (${numbers})` : `File window (${numbers})`;
}

/** The presets of a grey volume: the default window (what the PNG writer uses), the file's windows, then CT's. */
export function windowPresets(v: ViewerVolume): WindowPreset[] {
  const out: WindowPreset[] = [];
  const same = (a: WindowLevel, b: WindowLevel): boolean => a.center === b.center && a.width === b.width;
  v.windows.forEach((w, i) => {
    if (!out.some((p) => same(p, w))) out.push({ id: `file-${i}`, label: fileWindowLabel(w), center: w.center, width: w.width });
  });
  const d = v.defaultWindow;
  if (d && !out.some((p) => same(p, d)))
    out.unshift({
      id: 'default',
      label: `Full range (${formatNumber(d.center)} / ${formatNumber(d.width)})`,
      center: d.center,
      width: d.width,
    });
  if (isCt(v)) out.push(...CT_PRESETS);
  return out;
}

/** A value as the readout shows it: integers as they are, others to 6 significant digits. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(6)));
}
