// Nearest real records for privacy.dcr and privacy.nndr: the packed SIMD search of distanceKernel.ts,
// with the query rows whose packed distance can differ from the defined one (an empty cell paired with
// a value more than half a range outside the real values, see distanceSpace.ts) repaired: by a packed
// search per group of reference rows less a known excess, or, where the reference value is the one
// outside, term by term. Everything else is exact in the packing, so every row gets the defined distance.
import { nearestTwo } from './distanceKernel';
import type { NearestTwo } from './distanceKernel';
import { PACKED_BAND } from './distanceSpace';
import type { DistanceSpace, PackedRows } from './distanceSpace';
import { ROWS_PER_STEP, timeSlicer } from './workSteps';

const outOfBand = (x: number): boolean => x < PACKED_BAND[0] || x > PACKED_BAND[1];

interface Repairs {
  /** Paired numeric columns in which the reference has empty cells. */
  readonly emptyInRef: number[];
  /** Query rows with an out-of-band value in one of those columns: fixed by `subtractExcess`. */
  readonly outOfBand: number[];
  /** Query rows with an empty cell where the reference has out-of-band values: recomputed term by term. */
  readonly emptyAgainstOut: number[];
}

function findRepairs(space: DistanceSpace, query: PackedRows, ref: PackedRows): Repairs {
  const out = new Uint8Array(query.count);
  const empty = new Uint8Array(query.count);
  const emptyInRef: number[] = [];
  for (let c = 0; c < space.columnCount; c++) {
    if (!space.numeric[c] || !space.paired[c]) continue;
    let refEmpty = false;
    let refOut = false;
    for (let r = 0; r < ref.count && !(refEmpty && refOut); r++) {
      const x = ref.cell(c, r);
      if (Number.isNaN(x)) refEmpty = true;
      else if (outOfBand(x)) refOut = true;
    }
    if (refEmpty) emptyInRef.push(c);
    if (!refEmpty && !refOut) continue;
    for (let q = 0; q < query.count; q++) {
      const x = query.cell(c, q);
      if (refEmpty && outOfBand(x)) out[q] = 1;
      if (refOut && Number.isNaN(x)) empty[q] = 1;
    }
  }
  const rows = (flags: Uint8Array): number[] => {
    const list: number[] = [];
    flags.forEach((f, q) => f === 1 && list.push(q));
    return list;
  };
  return { emptyInRef, outOfBand: rows(out), emptyAgainstOut: rows(empty) };
}

/**
 * Query rows whose packed distance to some reference row may differ from the defined one: in a paired
 * numeric column, an out-of-band query value where the reference has empty cells, or an empty query
 * cell where the reference has out-of-band values.
 */
export function rowsNeedingTerms(space: DistanceSpace, query: PackedRows, ref: PackedRows): number[] {
  const repairs = findRepairs(space, query, ref);
  return [...new Set([...repairs.outOfBand, ...repairs.emptyAgainstOut])].sort((a, b) => a - b);
}

/** How much more than 1 the packing gives between an empty cell and the value x (0 inside the band). */
function excess(x: number): number {
  return Number.isNaN(x) ? 0 : Math.max(0, Math.abs(x - 0.5) - 1);
}

function packSubset(rows: PackedRows, subset: readonly number[], stride: number): Float32Array {
  const out = new Float32Array(subset.length * stride);
  subset.forEach((r, i) => out.set(rows.rows.subarray(r * stride, (r + 1) * stride), i * stride));
  return out;
}

/**
 * Fixes the out-of-band query rows against in-band references. Within a group of reference rows that
 * are empty in the same columns, the packed distance of a query row exceeds the defined one by the
 * same amount (the sum of `excess` over the query's out-of-band values in those columns), so one
 * packed search per group, less that amount, gives the defined two nearest distances.
 */
async function subtractExcess(
  space: DistanceSpace,
  query: PackedRows,
  ref: PackedRows,
  repairs: Repairs,
  near: NearestTwo,
  signal?: AbortSignal,
): Promise<void> {
  const pause = timeSlicer(signal);
  const groups = new Map<string, { columns: number[]; rows: number[] }>();
  for (let r = 0; r < ref.count; r++) {
    if (r % ROWS_PER_STEP === ROWS_PER_STEP - 1) await pause();
    const columns = repairs.emptyInRef.filter((c) => Number.isNaN(ref.cell(c, r)));
    const key = columns.join(',');
    const group = groups.get(key) ?? { columns, rows: [] };
    group.rows.push(r);
    groups.set(key, group);
  }
  const queries = packSubset(query, repairs.outOfBand, space.stride);
  const best = repairs.outOfBand.map(() => [Infinity, Infinity]);
  for (const group of groups.values()) {
    // Each search may be a single kernel call (a few query rows) that never yields by itself.
    await pause();
    const found = await nearestTwo(queries, packSubset(ref, group.rows, space.stride), space.stride, signal);
    repairs.outOfBand.forEach((q, i) => {
      let over = 0;
      for (const c of group.columns) over += excess(query.cell(c, q));
      const two = best[i];
      for (const d of [Math.fround(found.d1[i] - over), Math.fround(found.d2[i] - over)]) {
        if (d < two[0]) {
          two[1] = two[0];
          two[0] = d;
        } else if (d < two[1]) two[1] = d;
      }
    });
  }
  repairs.outOfBand.forEach((q, i) => {
    near.d1[q] = best[i][0];
    near.d2[q] = best[i][1];
  });
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
  const repairs = findRepairs(space, query, ref);
  if (repairs.outOfBand.length > 0) await subtractExcess(space, query, ref, repairs, near, signal);
  // An out-of-band reference value (a holdout row far outside the training range) has no such
  // shortcut; the few query rows with an empty cell there are summed term by term.
  // One row costs a pass over every reference row, so the check is by time, not by a row count (64
  // rows against 100k reference rows took over a second).
  const redo = repairs.emptyAgainstOut;
  const pause = timeSlicer(signal);
  for (let k = 0; k < redo.length; k++) {
    await pause();
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
