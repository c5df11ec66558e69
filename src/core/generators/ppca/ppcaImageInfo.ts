// The technical facts about a training set that an image generator's manifest carries so its samples
// are written like the source (units, pixel spacing, display window, DICOM modality), each taken only
// where every volume of the set agrees. No identifiers: no ids, file names, dates or patient fields,
// only values that describe pixels.
import type { ImageSet } from '../../data/imageSet';

export interface TrainingImageInfo {
  readonly units?: string;
  /** Pixel spacing of a generated frame in mm: the source spacing scaled by the resampling. */
  readonly spacing?: { readonly row: number; readonly column: number };
  readonly window?: { readonly center: number; readonly width: number };
  readonly dicomModality?: string;
  /** The sources were MONOCHROME1 (displayed inverted): their values are kept as they are. */
  readonly monochrome1?: boolean;
}

const UNITS = /^[\x20-\x7e]{1,16}$/;
const DICOM_MODALITY = /^[A-Z0-9 _]{1,16}$/;

function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

/** The value all items share, or undefined when one lacks it or two differ. */
function uniform<T>(items: readonly (T | undefined)[], same: (a: T, b: T) => boolean): T | undefined {
  const first = items[0];
  if (first === undefined) return undefined;
  for (const x of items) if (x === undefined || !same(first, x)) return undefined;
  return first;
}

/** What `set` says uniformly about its pixels, for frames resampled to rows × columns. */
export function trainingImageInfo(set: ImageSet, rows: number, columns: number): TrainingImageInfo {
  const vs = set.images;
  const units = uniform(
    vs.map((v) => (v.units !== undefined && UNITS.test(v.units) ? v.units : undefined)),
    (a, b) => a === b,
  );
  const spacing = uniform(
    vs.map((v) => (v.spacing ? { row: v.spacing.row * (v.rows / rows), column: v.spacing.column * (v.columns / columns) } : undefined)),
    (a, b) => sameNumber(a.row, b.row) && sameNumber(a.column, b.column),
  );
  const window = uniform(
    vs.map((v) => {
      const w = v.windows[0];
      return w && Number.isFinite(w.center) && Number.isFinite(w.width) && w.width > 0 ? { center: w.center, width: w.width } : undefined;
    }),
    (a, b) => a.center === b.center && a.width === b.width,
  );
  const dicomModality = uniform(
    vs.map((v) => {
      const m = v.metadata.modality;
      return typeof m === 'string' && DICOM_MODALITY.test(m) ? m : undefined;
    }),
    (a, b) => a === b,
  );
  const monochrome1 = vs.some((v) => v.photometric === 'MONOCHROME1');
  return {
    ...(units !== undefined ? { units } : {}),
    ...(spacing !== undefined && spacing.row > 0 && spacing.column > 0 && Number.isFinite(spacing.row + spacing.column) ? { spacing } : {}),
    ...(window !== undefined ? { window } : {}),
    ...(dicomModality !== undefined ? { dicomModality } : {}),
    ...(monochrome1 ? { monochrome1 } : {}),
  };
}
