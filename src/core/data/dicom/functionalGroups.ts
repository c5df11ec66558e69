// Enhanced (multi-frame) IODs keep geometry and rescale in functional group sequences instead of the
// top-level attributes. The shared group applies to every frame; the first per-frame item stands in
// for values that vary (position), which is what a single-volume summary needs.
import type { DataSet } from 'dicom-parser';
import { readDecimals } from './attributes';

const SHARED = 'x52009229';
const PER_FRAME = 'x52009230';

const PATHS = {
  pixelSpacing: ['x00289110', 'x00280030'],
  sliceThickness: ['x00289110', 'x00180050'],
  imagePositionPatient: ['x00209113', 'x00200032'],
  imageOrientationPatient: ['x00209116', 'x00200037'],
  rescaleSlope: ['x00289145', 'x00281053'],
  rescaleIntercept: ['x00289145', 'x00281052'],
} as const;

export type FunctionalGroupValue = keyof typeof PATHS;

function firstItem(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

/** The DS values of one attribute from the shared, else the first per-frame, functional group. */
export function functionalGroupDecimals(ds: DataSet, what: FunctionalGroupValue, count: number): number[] | undefined {
  const [sequence, attribute] = PATHS[what];
  for (const group of [SHARED, PER_FRAME]) {
    const item = firstItem(firstItem(ds, group), sequence);
    const values = item ? readDecimals(item, attribute, count) : undefined;
    if (values) return values;
  }
  return undefined;
}

/**
 * The distance between the first two frames of a multi-frame file: the RT dose Grid Frame Offset
 * Vector (3004,000C), else the per-frame Image Position (Patient) projected on the slice normal.
 */
export function frameSpacing(ds: DataSet, iop: readonly number[] | undefined): number | undefined {
  const grid = readDecimals(ds, 'x3004000c');
  if (grid && grid.length >= 2 && Math.abs(grid[1] - grid[0]) > 0) return Math.abs(grid[1] - grid[0]);
  const items = ds.elements[PER_FRAME]?.items;
  if (!items || items.length < 2) return undefined;
  const [a, b] = [0, 1].map((i) => {
    const plane = firstItem(items[i]?.dataSet, PATHS.imagePositionPatient[0]);
    return plane ? readDecimals(plane, PATHS.imagePositionPatient[1], 3) : undefined;
  });
  if (!a || !b) return undefined;
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const n = iop ? [iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5], iop[0] * iop[4] - iop[1] * iop[3]] : undefined;
  const distance =
    n && Math.hypot(n[0], n[1], n[2]) > 0.5 ? Math.abs(d[0] * n[0] + d[1] * n[1] + d[2] * n[2]) : Math.hypot(d[0], d[1], d[2]);
  return distance > 0 && Number.isFinite(distance) ? distance : undefined;
}
