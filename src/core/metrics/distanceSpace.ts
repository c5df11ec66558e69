// The row space shared by privacy.dcr and privacy.nndr. The distance between two rows is the mean over
// the used columns of a per-column term:
//   numeric, datetime   |a − b| / range (range = max − min of the real column's non-empty values;
//                       a zero range gives 0)
//   categorical, boolean 0 for the same label, 1 for different ones
//   any used column     0 when both cells are empty, 1 when exactly one is (the largest normalised
//                       distance), so no row ever drops out of the privacy check
// Identifier and free-text columns take no part.
//
// Each row becomes a float32 vector whose L1 distance to another row is the sum of those terms:
// - a category is a one-hot block scaled by 1/2 (two labels differ by 1/2 + 1/2 = 1), with one more
//   position for "empty" when any table has an empty cell there;
// - a numeric column without empty cells is its normalised value x;
// - a numeric column with empty cells is the pair (x/2, (1 − x)/2), and an empty cell is (−1/4, −1/4):
//   two present values differ by |x − y|, an empty and a present one by exactly 1 while x lies in
//   [−1/2, 3/2], two empty ones by 0. Only a synthetic or holdout value more than half a range outside
//   the real values breaks the identity; `distanceSearch.ts` recomputes those rows term by term.
import type { CategoricalColumn, Column, Table } from '../data/table/table';
import { MedSynthError } from '../errors';
import { paddedWidth } from './distanceKernel';
import { checkTableShape, isCategoryLike, isNumberLike, pairColumns } from './tableColumns';
import { ROWS_PER_STEP, runSteps, runStepsYielding } from './workSteps';
import type { WorkSteps } from './workSteps';

/** The normalised values for which an empty/present pair packs to exactly distance 1. */
export const PACKED_BAND: readonly [number, number] = [-0.5, 1.5];

export interface PackedRows {
  /** Row-major, `stride` floats per row; row i is row i of the table (none is left out). */
  readonly rows: Float32Array;
  readonly count: number;
  /**
   * Column c of row r as the distance sees it: a numeric column's normalised value, a category's
   * position in its block, NaN for an empty cell.
   */
  readonly cell: (column: number, row: number) => number;
}

export interface DistanceSpace {
  readonly stride: number;
  /** The number of columns the L1 sum is divided by to get the mean per-column distance. */
  readonly columnCount: number;
  readonly usedColumns: readonly string[];
  readonly ignoredColumns: readonly string[];
  /** Per used column: numeric (true) or categorical (false). */
  readonly numeric: readonly boolean[];
  /** Per used column: packed as the (x/2, (1 − x)/2) pair because some table has empty cells in it. */
  readonly paired: readonly boolean[];
  readonly real: PackedRows;
  readonly synth: PackedRows;
  readonly holdout?: PackedRows;
}

interface Slot {
  readonly offset: number;
  readonly min: number;
  /** 1 / range, or 0 for a zero range. */
  readonly scale: number;
  /** Categorical: label -> one-hot position within the block. */
  readonly labels?: Map<string, number>;
  /** Categorical: the position of "empty", when some table has an empty cell. */
  readonly emptyAt?: number;
  readonly paired: boolean;
}

function hasEmpty(column: Column, rows: number): boolean {
  for (let r = 0; r < rows; r++) {
    if (isNumberLike(column) ? Number.isNaN(column.values[r]) : isCategoryLike(column) && column.codes[r] < 0) return true;
  }
  return false;
}

function numericSlot(real: Column, offset: number, paired: boolean): Slot {
  let min = Infinity;
  let max = -Infinity;
  if (isNumberLike(real)) {
    for (const v of real.values) {
      if (Number.isNaN(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  // A real column with no value at all has no range: present values then all sit at 0.
  if (!Number.isFinite(min)) return { offset, min: 0, scale: 0, paired };
  return { offset, min, scale: max > min ? 1 / (max - min) : 0, paired };
}

/** Packs real, synthetic and (optionally) holdout rows into one comparable float32 space. */
export function buildDistanceSpace(real: Table, synth: Table, holdout?: Table): DistanceSpace {
  return runSteps(distanceSpaceSteps(real, synth, holdout));
}

/** buildDistanceSpace giving the event loop a turn between columns, so a cancel lands while large tables are packed. */
export function buildDistanceSpaceYielding(real: Table, synth: Table, holdout?: Table, signal?: AbortSignal): Promise<DistanceSpace> {
  return runStepsYielding(distanceSpaceSteps(real, synth, holdout), signal);
}

function* distanceSpaceSteps(real: Table, synth: Table, holdout?: Table): WorkSteps<DistanceSpace> {
  checkTableShape(real, 'real');
  checkTableShape(synth, 'synthetic');
  if (holdout) checkTableShape(holdout, 'holdout');
  const pairs = pairColumns(real, synth, ['number', 'category']);
  if (pairs.length === 0)
    throw new MedSynthError('BAD_INPUT', 'the real table has no numeric, datetime, categorical or boolean columns to measure distances on');
  const holdPairs = holdout ? pairColumns(real, holdout, ['number', 'category'], 'holdout') : undefined;
  const ignoredColumns = real.columns.filter((c) => !isNumberLike(c) && !isCategoryLike(c)).map((c) => c.name);
  const tables = [
    { cols: pairs.map((p) => p.real as Column), total: real.rowCount },
    { cols: pairs.map((p) => p.synth as Column), total: synth.rowCount },
  ];
  if (holdout && holdPairs) tables.push({ cols: holdPairs.map((p) => p.synth as Column), total: holdout.rowCount });

  // Lay out the slots: one or two floats per numeric column, one one-hot block per categorical column
  // over the labels seen in any of the tables (a label only the synthetic data has still mismatches).
  const slots: Slot[] = [];
  let width = 0;
  for (let c = 0; c < pairs.length; c++) {
    yield;
    const pair = pairs[c];
    const empty = tables.some((t) => hasEmpty(t.cols[c], t.total));
    if (isNumberLike(pair.real)) {
      slots.push(numericSlot(pair.real, width, empty));
      width += empty ? 2 : 1;
    } else {
      const labels = new Map<string, number>();
      for (const t of tables)
        for (const label of (t.cols[c] as CategoricalColumn).categories) if (!labels.has(label)) labels.set(label, labels.size);
      slots.push({ offset: width, min: 0, scale: 0, labels, paired: false, ...(empty ? { emptyAt: labels.size } : {}) });
      width += labels.size + (empty ? 1 : 0);
    }
  }
  const stride = paddedWidth(width);
  const packed: PackedRows[] = [];
  for (const t of tables) packed.push(yield* packTable(t.cols, t.total, slots, stride));
  return {
    stride,
    columnCount: pairs.length,
    usedColumns: pairs.map((p) => p.name),
    ignoredColumns,
    numeric: pairs.map((p) => isNumberLike(p.real)),
    paired: slots.map((s) => s.paired),
    real: packed[0],
    synth: packed[1],
    ...(packed[2] ? { holdout: packed[2] } : {}),
  };
}

function* packTable(cols: readonly Column[], count: number, slots: readonly Slot[], stride: number): WorkSteps<PackedRows> {
  const rows = new Float32Array(count * stride);
  const cells = cols.map((col, c): ((row: number) => number) => {
    const slot = slots[c];
    if (isNumberLike(col)) {
      return (r) => {
        const v = col.values[r];
        return Number.isNaN(v) ? Number.NaN : slot.scale === 0 ? 0 : (v - slot.min) * slot.scale;
      };
    }
    const cat = col as CategoricalColumn;
    const positions = cat.categories.map((label) => slot.labels?.get(label) ?? 0);
    return (r) => (cat.codes[r] < 0 ? Number.NaN : positions[cat.codes[r]]);
  });
  for (let c = 0; c < cols.length; c++) {
    const col = cols[c];
    const slot = slots[c];
    const cell = cells[c];
    for (let r = 0; r < count; r++) {
      if (r % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
      const at = r * stride + slot.offset;
      const x = cell(r);
      if (isNumberLike(col)) {
        if (!slot.paired) rows[at] = x;
        else if (Number.isNaN(x)) {
          rows[at] = -0.25;
          rows[at + 1] = -0.25;
        } else {
          rows[at] = x / 2;
          rows[at + 1] = (1 - x) / 2;
        }
      } else {
        rows[at + (Number.isNaN(x) ? (slot.emptyAt ?? 0) : x)] = 0.5;
      }
    }
  }
  return { rows, count, cell: (column, row) => cells[column](row) };
}
