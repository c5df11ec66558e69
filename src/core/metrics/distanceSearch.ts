// Nearest real records for privacy.dcr and privacy.nndr: the packed SIMD search of distanceKernel.ts,
// with the query rows whose packed distance can differ from the defined one (an empty cell paired with
// a value more than half a range outside the real values, see distanceSpace.ts) repaired: by a packed
// search per group of reference rows less a known excess, or, where the reference value is the one
// outside, term by term. Everything else is exact in the packing, so every row gets the defined distance.
import { nearestNeighbours } from './distanceKernel';
import type { KernelOptions, NearestNeighbours, NeighbourPass } from './distanceKernel';
import { MedSynthError } from '../errors';
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
  near: NearestNeighbours,
  search: KernelSearch,
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
  const best = repairs.outOfBand.map(() => new Keep());
  for (const group of groups.values()) {
    // Each search may be a single kernel call (a few query rows) that never yields by itself.
    await pause();
    const found = await search(queries, packSubset(ref, group.rows, space.stride), space.stride, signal ? { signal } : {});
    repairs.outOfBand.forEach((q, i) => {
      let over = 0;
      for (const c of group.columns) over += excess(query.cell(c, q));
      if (found.i1[i] >= 0) best[i].offer(Math.fround(found.d1[i] - over), group.rows[found.i1[i]]);
      if (found.i2[i] >= 0) best[i].offer(Math.fround(found.d2[i] - over), group.rows[found.i2[i]]);
    });
  }
  repairs.outOfBand.forEach((q, i) => best[i].store(near, q));
}

/** The best two (distance, index) pairs offered, in lexicographic order (ties to the lower index). */
class Keep {
  d1 = Infinity;
  d2 = Infinity;
  i1 = -1;
  i2 = -1;
  offer(d: number, r: number): void {
    if (d < this.d1 || (d === this.d1 && r < this.i1)) {
      this.d2 = this.d1;
      this.i2 = this.i1;
      this.d1 = d;
      this.i1 = r;
    } else if (d < this.d2 || (d === this.d2 && r < this.i2)) {
      this.d2 = d;
      this.i2 = r;
    }
  }
  store(near: NearestNeighbours, q: number): void {
    near.d1[q] = this.d1;
    near.d2[q] = this.d2;
    near.i1[q] = this.i1;
    near.i2[q] = this.i2;
  }
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

/** The packed search nearestRecords runs: the in-thread kernel, or a pool of workers running it (knnPool.ts). */
export type KernelSearch = (query: Float32Array, ref: Float32Array, stride: number, opts: KernelOptions) => Promise<NeighbourPass>;

/**
 * For every query row, the smallest and second-smallest summed distance to the reference rows
 * (divide by `space.columnCount` for the mean per-column distance) and the reference rows they belong
 * to: i1, i2 (ties to the lowest reference index; -1 with Infinity when there are too few rows). A set
 * against itself (query === ref) is searched as a triangle: each pair once.
 */
export async function nearestRecords(
  space: DistanceSpace,
  query: PackedRows,
  ref: PackedRows,
  signal?: AbortSignal,
  search: KernelSearch = nearestNeighbours,
): Promise<NearestNeighbours> {
  const near = await search(query.rows, ref.rows, space.stride, {
    ...(signal ? { signal } : {}),
    ...(query === ref ? { triangular: true } : {}),
  });
  return repairRows(space, query, ref, { d1: near.d1, d2: near.d2, i1: near.i1, i2: near.i2 }, search, signal);
}

/** nearestRecords both ways in one pass: each query row's nearest reference rows and each reference row's nearest query rows. */
export async function nearestRecordsBothWays(
  space: DistanceSpace,
  query: PackedRows,
  ref: PackedRows,
  signal?: AbortSignal,
  search: KernelSearch = nearestNeighbours,
): Promise<{ forward: NearestNeighbours; backward: NearestNeighbours }> {
  const near = await search(query.rows, ref.rows, space.stride, { ...(signal ? { signal } : {}), reverse: true });
  if (!near.reverse) throw new MedSynthError('BAD_USAGE', 'the search gave no reverse direction');
  const forward = await repairRows(space, query, ref, { d1: near.d1, d2: near.d2, i1: near.i1, i2: near.i2 }, search, signal);
  const backward = await repairRows(space, ref, query, near.reverse, search, signal);
  return { forward, backward };
}

/** The packed results made exact: the query rows whose packed distance can differ are searched again. */
async function repairRows(
  space: DistanceSpace,
  query: PackedRows,
  ref: PackedRows,
  near: NearestNeighbours,
  search: KernelSearch,
  signal?: AbortSignal,
): Promise<NearestNeighbours> {
  const repairs = findRepairs(space, query, ref);
  if (repairs.outOfBand.length > 0) await subtractExcess(space, query, ref, repairs, near, search, signal);
  // An out-of-band reference value (a holdout row far outside the training range) has no such
  // shortcut; the few query rows with an empty cell there are summed term by term.
  // One row costs a pass over every reference row, so the check is by time, not by a row count (64
  // rows against 100k reference rows took over a second).
  const redo = repairs.emptyAgainstOut;
  const pause = timeSlicer(signal);
  for (let k = 0; k < redo.length; k++) {
    await pause();
    const q = redo[k];
    const keep = new Keep();
    // Rounded to float32 like the kernel's sums, so ties compare alike on both paths; ascending r keeps the lowest index.
    for (let r = 0; r < ref.count; r++) keep.offer(Math.fround(termDistance(space, query, q, ref, r)), r);
    keep.store(near, q);
  }
  return near;
}
