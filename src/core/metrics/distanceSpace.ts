// The row space shared by privacy.dcr and privacy.nndr. Each row becomes a float32 vector whose L1
// distance to another row, divided by the number of columns, is the mixed-type distance those
// metrics define: |a − b| / range for numeric and datetime columns (range = max − min over the real
// rows kept; a zero range contributes 0), and a 0/1 mismatch for categorical and boolean columns.
// A category is packed as a one-hot block scaled by 1/2, so two different labels differ by exactly
// 1/2 + 1/2 = 1 and equal labels by 0. Identifier and free-text columns take no part.
import type { CategoricalColumn, Column, Table } from '../data/table';
import { MedSynthError } from '../errors';
import { paddedWidth } from './distanceKernel';
import { checkTableShape, isCategoryLike, isNumberLike, pairColumns } from './tableColumns';

export interface PackedRows {
  /** Row-major, `stride` floats per row. */
  readonly rows: Float32Array;
  readonly count: number;
  /** Rows left out because a used column was empty in them. */
  readonly excluded: number;
}

export interface DistanceSpace {
  readonly stride: number;
  /** The number of columns the L1 sum is divided by to get the mean per-column distance. */
  readonly columnCount: number;
  readonly usedColumns: readonly string[];
  readonly ignoredColumns: readonly string[];
  readonly real: PackedRows;
  readonly synth: PackedRows;
  readonly holdout?: PackedRows;
}

function completeRows(columns: readonly Column[], rowCount: number): number[] {
  const keep: number[] = [];
  for (let r = 0; r < rowCount; r++) {
    let ok = true;
    for (const c of columns) {
      if (isNumberLike(c) ? Number.isNaN(c.values[r]) : isCategoryLike(c) ? c.codes[r] < 0 : false) {
        ok = false;
        break;
      }
    }
    if (ok) keep.push(r);
  }
  return keep;
}

interface Slot {
  readonly offset: number;
  /** Numeric: [min, 1/range or 0]. */
  readonly min?: number;
  readonly scale?: number;
  /** Categorical: label -> one-hot position within the block. */
  readonly labels?: Map<string, number>;
}

/** Packs real, synthetic and (optionally) holdout rows into one comparable float32 space. */
export function buildDistanceSpace(real: Table, synth: Table, holdout?: Table): DistanceSpace {
  checkTableShape(real, 'real');
  checkTableShape(synth, 'synthetic');
  if (holdout) checkTableShape(holdout, 'holdout');
  const pairs = pairColumns(real, synth, ['number', 'category']);
  if (pairs.length === 0) throw new MedSynthError('BAD_INPUT', 'the real table has no numeric, datetime, categorical or boolean columns to measure distances on');
  const holdPairs = holdout ? pairColumns(real, holdout, ['number', 'category'], 'holdout') : undefined;
  const ignoredColumns = real.columns.filter((c) => !isNumberLike(c) && !isCategoryLike(c)).map((c) => c.name);
  const realCols = pairs.map((p) => p.real);
  const tables = [
    { cols: realCols, rows: completeRows(realCols, real.rowCount), total: real.rowCount },
    { cols: pairs.map((p) => p.synth), rows: completeRows(pairs.map((p) => p.synth), synth.rowCount), total: synth.rowCount },
  ];
  if (holdout && holdPairs) tables.push({ cols: holdPairs.map((p) => p.synth), rows: completeRows(holdPairs.map((p) => p.synth), holdout.rowCount), total: holdout.rowCount });
  if (tables[0].rows.length === 0) throw new MedSynthError('BAD_INPUT', 'every real row has an empty cell, so no distance can be measured');
  if (tables[1].rows.length === 0) throw new MedSynthError('BAD_INPUT', 'every synthetic row has an empty cell, so no distance can be measured');

  // Lay out the slots: one float per numeric column, one one-hot block per categorical column over
  // the labels seen in any of the tables (a label only the synthetic data has still mismatches).
  const slots: Slot[] = [];
  let width = 0;
  pairs.forEach((pair, c) => {
    if (isNumberLike(pair.real)) {
      let min = Infinity;
      let max = -Infinity;
      for (const r of tables[0].rows) {
        const v = pair.real.values[r];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      slots.push({ offset: width, min, scale: max > min ? 1 / (max - min) : 0 });
      width += 1;
    } else {
      const labels = new Map<string, number>();
      for (const t of tables) for (const label of (t.cols[c] as CategoricalColumn).categories) if (!labels.has(label)) labels.set(label, labels.size);
      slots.push({ offset: width, labels });
      width += labels.size;
    }
  });
  const stride = paddedWidth(width);
  const packed = tables.map((t): PackedRows => {
    const rows = new Float32Array(t.rows.length * stride);
    t.cols.forEach((col, c) => {
      const slot = slots[c];
      if (isNumberLike(col)) {
        const min = slot.min ?? 0;
        const scale = slot.scale ?? 0;
        t.rows.forEach((r, i) => {
          rows[i * stride + slot.offset] = scale === 0 ? 0 : (col.values[r] - min) * scale;
        });
      } else if (isCategoryLike(col) && slot.labels) {
        const positions = col.categories.map((label) => slot.labels?.get(label) ?? 0);
        t.rows.forEach((r, i) => {
          rows[i * stride + slot.offset + positions[col.codes[r]]] = 0.5;
        });
      }
    });
    return { rows, count: t.rows.length, excluded: t.total - t.rows.length };
  });
  return {
    stride,
    columnCount: pairs.length,
    usedColumns: pairs.map((p) => p.name),
    ignoredColumns,
    real: packed[0],
    synth: packed[1],
    ...(packed[2] ? { holdout: packed[2] } : {}),
  };
}
