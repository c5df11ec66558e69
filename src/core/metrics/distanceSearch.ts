// Nearest real records for privacy.dcr and privacy.nndr: the packed SIMD search of distanceKernel.ts,
// with the few query rows whose packed distance can differ from the defined one (an empty cell paired
// with a value more than half a range outside the real values, see distanceSpace.ts) recomputed term
// by term. Everything else is exact in the packing, so the result is the defined distance for every row.
import { MedSynthError } from '../errors';
import { nearestTwo } from './distanceKernel';
import type { NearestTwo } from './distanceKernel';
import { PACKED_BAND } from './distanceSpace';
import type { DistanceSpace, PackedRows } from './distanceSpace';
import { yieldToEventLoop } from './tableColumns';

const outOfBand = (x: number): boolean => x < PACKED_BAND[0] || x > PACKED_BAND[1];

/**
 * Query rows whose packed distance to some reference row may be wrong: in a paired numeric column, an
 * out-of-band query value where the reference has empty cells, or an empty query cell where the
 * reference has out-of-band values.
 */
export function rowsNeedingTerms(space: DistanceSpace, query: PackedRows, ref: PackedRows): number[] {
  const need = new Uint8Array(query.count);
  for (let c = 0; c < space.columnCount; c++) {
    if (!space.numeric[c] || !space.paired[c]) continue;
    let refEmpty = false;
    let refOut = false;
    for (let r = 0; r < ref.count && !(refEmpty && refOut); r++) {
      const x = ref.cell(c, r);
      if (Number.isNaN(x)) refEmpty = true;
      else if (outOfBand(x)) refOut = true;
    }
    if (!refEmpty && !refOut) continue;
    for (let q = 0; q < query.count; q++) {
      const x = query.cell(c, q);
      if ((refEmpty && outOfBand(x)) || (refOut && Number.isNaN(x))) need[q] = 1;
    }
  }
  const rows: number[] = [];
  need.forEach((n, q) => n === 1 && rows.push(q));
  return rows;
}

/** The summed per-column terms between query row q and reference row r, as defined in distanceSpace.ts. */
export function termDistance(space: DistanceSpace, query: PackedRows, q: number, ref: PackedRows, r: number): number {
  let d = 0;
  for (let c = 0; c < space.columnCount; c++) {
    const a = query.cell(c, q);
    const b = ref.cell(c, r);
    const emptyA = Number.isNaN(a);
    const emptyB = Number.isNaN(b);
    if (emptyA || emptyB) d += emptyA === emptyB ? 0 : 1;
    else d += space.numeric[c] ? Math.abs(a - b) : a === b ? 0 : 1;
  }
  return d;
}

/**
 * For every query row, the smallest and second-smallest summed distance to the reference rows
 * (divide by `space.columnCount` for the mean per-column distance).
 */
export async function nearestRecords(space: DistanceSpace, query: PackedRows, ref: PackedRows, signal?: AbortSignal): Promise<NearestTwo> {
  const near = await nearestTwo(query.rows, ref.rows, space.stride, signal);
  const redo = rowsNeedingTerms(space, query, ref);
  for (let k = 0; k < redo.length; k++) {
    if ((k & 0x3f) === 0) {
      if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
      if (k > 0) await yieldToEventLoop();
    }
    const q = redo[k];
    let b1 = Infinity;
    let b2 = Infinity;
    for (let r = 0; r < ref.count; r++) {
      // Rounded to float32 like the kernel's sums, so ties compare alike on both paths.
      const d = Math.fround(termDistance(space, query, q, ref, r));
      if (d < b1) {
        b2 = b1;
        b1 = d;
      } else if (d < b2) b2 = d;
    }
    near.d1[q] = b1;
    near.d2[q] = b2;
  }
  return near;
}
