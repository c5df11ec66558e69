// Train / holdout split of a table. The privacy verdict needs rows the generator never saw: a
// synthetic row that is closer to its training rows than to unseen ones of the same population is a
// sign of memorisation. The split is a pure function of (row count, fraction, seed), so a run folder's
// record of those three numbers reproduces it exactly, whatever the cell values are.
import { MedSynthError } from '../../errors';
import type { Column, Table } from './table';

export interface SplitOptions {
  /** Share of rows held out, in (0, 0.9]. */
  readonly holdoutFraction: number;
  /** A non-negative safe integer. */
  readonly seed: number;
}

export interface TableSplit {
  readonly train: Table;
  readonly holdout: Table;
}

/** The largest share that may be held out: the generator must still see most of the data. */
export const MAX_HOLDOUT_FRACTION = 0.9;

/** Each part needs two rows: a copula cannot be fitted, nor a distance compared, on fewer. */
export const MIN_PART_ROWS = 2;

const TWO_POW_32 = 4294967296;

/** Throws BAD_USAGE unless the fraction lies in (0, 0.9]. */
export function checkHoldoutFraction(fraction: number): void {
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction > MAX_HOLDOUT_FRACTION) {
    throw new MedSynthError(
      'BAD_USAGE',
      `the holdout fraction must be greater than 0 and at most ${MAX_HOLDOUT_FRACTION}, got ${fraction}`,
    );
  }
}

/** Rows held out: fraction × rows rounded to the nearest integer, halves rounded up. */
export function holdoutRowCount(rows: number, fraction: number): number {
  return Math.round(fraction * rows);
}

/**
 * A splitmix32 stream. Sequential state is fine here (unlike the latent noise, a split is never
 * sharded), and 32-bit outputs scaled to a range keep the bias below 2^-12 for a million rows.
 */
function splitmix32(seed: number): () => number {
  const lo = (seed % TWO_POW_32) >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  // Both seed words feed the start state, so seeds that differ only above 2^32 give different splits.
  let state = (lo ^ Math.imul(hi ^ 0x5bd1e995, 0x9e3779b9)) >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let t = state ^ (state >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0;
  };
}

/**
 * Marks `count` of `rows` row indices as held out (1) by a partial Fisher–Yates shuffle seeded with
 * `seed`: every subset of that size is equally likely, and the same inputs give the same subset.
 */
export function chooseHoldoutRows(rows: number, count: number, seed: number): Uint8Array {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new MedSynthError('BAD_USAGE', `the split seed must be a non-negative integer, got ${seed}`);
  if (!Number.isSafeInteger(rows) || rows < 0 || !Number.isSafeInteger(count) || count < 0 || count > rows) {
    throw new MedSynthError('BAD_USAGE', `cannot hold out ${count} of ${rows} rows`);
  }
  const next = splitmix32(seed);
  const order = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  const mask = new Uint8Array(rows);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor((next() / TWO_POW_32) * (rows - i));
    const picked = order[j];
    order[j] = order[i];
    order[i] = picked;
    mask[picked] = 1;
  }
  return mask;
}

/** The rows of `table` at the given ascending indices, with every column's kind and categories kept. */
export function takeRows(table: Table, indices: Uint32Array): Table {
  const columns = table.columns.map((c) => takeColumnRows(c, indices));
  return { rowCount: indices.length, columns };
}

function takeColumnRows(column: Column, indices: Uint32Array): Column {
  switch (column.kind) {
    case 'numeric': {
      const values = new Float64Array(indices.length);
      for (let i = 0; i < indices.length; i++) values[i] = column.values[indices[i]];
      // The flag promises that every present value is an integer; a subset keeps or gains that property.
      return { ...column, values, integer: column.integer || values.every((v) => Number.isNaN(v) || Number.isInteger(v)) };
    }
    case 'datetime': {
      const values = new Float64Array(indices.length);
      for (let i = 0; i < indices.length; i++) values[i] = column.values[indices[i]];
      return { ...column, values };
    }
    case 'categorical':
    case 'boolean': {
      const codes = new Int32Array(indices.length);
      for (let i = 0; i < indices.length; i++) codes[i] = column.codes[indices[i]];
      // The full category list is kept, so both parts code a label the same way.
      return { ...column, codes };
    }
    case 'identifier':
    case 'text':
      return { ...column, values: Array.from(indices, (r) => column.values[r]) };
  }
}

/**
 * Splits a table into train and holdout parts: round(fraction × rows) rows are held out, chosen by
 * a seeded shuffle; each row lands in exactly one part and both keep the original row order.
 * Throws BAD_USAGE for a fraction outside (0, 0.9] or a part that would have fewer than 2 rows.
 * The parts carry no provenance: they are no file's bytes until they are written.
 */
export function splitTable(table: Table, opts: SplitOptions): TableSplit {
  checkHoldoutFraction(opts.holdoutFraction);
  const rows = table.rowCount;
  const held = holdoutRowCount(rows, opts.holdoutFraction);
  if (held < MIN_PART_ROWS || rows - held < MIN_PART_ROWS) {
    throw new MedSynthError(
      'BAD_USAGE',
      `a holdout fraction of ${opts.holdoutFraction} on ${rows} rows gives ${rows - held} training and ${held} holdout rows; each part needs at least ${MIN_PART_ROWS}`,
    );
  }
  const mask = chooseHoldoutRows(rows, held, opts.seed);
  const trainRows = new Uint32Array(rows - held);
  const holdoutRows = new Uint32Array(held);
  let t = 0;
  let h = 0;
  for (let r = 0; r < rows; r++) {
    if (mask[r] === 1) holdoutRows[h++] = r;
    else trainRows[t++] = r;
  }
  return { train: takeRows(table, trainRows), holdout: takeRows(table, holdoutRows) };
}

/**
 * The training part with categories that none of its rows use removed. A label that occurs only in
 * the holdout would otherwise reach the generator's manifest, and a rare label can identify a patient
 * the generator never saw. The holdout is conformed to the training part's categories when evaluated.
 */
export function dropUnusedCategories(table: Table): Table {
  const columns = table.columns.map((c): Column => {
    if (c.kind !== 'categorical') return c;
    const used = new Uint8Array(c.categories.length);
    for (const code of c.codes) if (code >= 0) used[code] = 1;
    if (used.every((u) => u === 1)) return c;
    const recode = new Int32Array(c.categories.length).fill(-1);
    const categories: string[] = [];
    c.categories.forEach((label, i) => {
      if (used[i] === 1) recode[i] = categories.push(label) - 1;
    });
    return { ...c, categories, codes: c.codes.map((code) => (code >= 0 ? recode[code] : code)) };
  });
  return { ...table, columns };
}
