// Which kind a column is when every present cell is a number. Most are measurements (numeric), but
// two kinds of integer column are not quantities, and treating them as such is wrong in a way users
// notice: class labels and codes (target 0/1, species 0/1/2, sex 1/2) get means and KS tests instead
// of category frequencies, and integer keys (100001, 100002, ...) get sampled from the real values,
// which copies real identifiers into synthetic data. The rules, checked in this order:
//   categorical  integer-valued with 2 to MAX_CODE_CATEGORIES (10) distinct values, and either at
//                most CODE_SHARE (5%) of the present values distinct, or exactly 2 distinct values
//                with some value repeated (a 0/1 flag in a 12-row table); a constant stays numeric;
//   identifier   integer-valued and unique, or nearly unique (>= 95% distinct among at least
//                MIN_IDENTIFIER_VALUES = 20 present values), and either named like a key (see
//                looksLikeIdentifierName; then 2 unique values suffice) or, with at least 20 values,
//                shaped like one: a sequence with a constant step (every value distinct, together
//                exactly min, min + step, ..., max) or fixed-width digit codes with leading zeros
//                (00123, 04411: every cell the same number of digits, one at least starting with 0);
//   numeric      everything else, including unique measurements (floats, or integers that neither
//                look nor are named like keys).

import type { CategoricalColumn } from './table';
import { isMissingToken } from './cellValues';

export const MAX_CODE_CATEGORIES = 10;
export const CODE_SHARE = 0.05;
export const MIN_IDENTIFIER_VALUES = 20;
export const NEAR_UNIQUE_SHARE = 0.95;

export type NumericColumnKind = 'numeric' | 'categorical' | 'identifier';

/** The kind of an all-number column by the rules above; `namedLikeKey` is the column name's verdict. */
export function numericColumnKind(
  values: Float64Array,
  cells: readonly string[],
  integer: boolean,
  namedLikeKey: boolean,
): NumericColumnKind {
  if (!integer) return 'numeric';
  let present = 0;
  let min = Infinity;
  let max = -Infinity;
  const few = new Set<number>();
  for (const v of values) {
    if (v !== v) continue;
    present++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (few.size <= MAX_CODE_CATEGORIES) few.add(v);
  }
  if (present === 0) return 'numeric';
  const codes = few.size;
  if (codes >= 2 && codes <= MAX_CODE_CATEGORIES && (codes <= CODE_SHARE * present || (codes === 2 && present > 2))) return 'categorical';
  if (present < 2 || (!namedLikeKey && present < MIN_IDENTIFIER_VALUES)) return 'numeric';
  // The shape tests are cheap; counting distinct values of a long column is not, so it comes last.
  const sequence = !namedLikeKey && isConstantStepSequence(values, min, max, present);
  const code = !namedLikeKey && !sequence && isFixedWidthCode(cells);
  if (!namedLikeKey && !sequence && !code) return 'numeric';
  const distinct = countDistinctNumbers(values, present);
  const unique = distinct === present;
  if (sequence) return unique ? 'identifier' : 'numeric';
  return unique || (present >= MIN_IDENTIFIER_VALUES && distinct >= NEAR_UNIQUE_SHARE * present) ? 'identifier' : 'numeric';
}

/**
 * The number of distinct present (non-NaN) values, as a Set would count them (0 and -0 are one).
 * Keys usually come in increasing order, which one comparison per value proves unique; otherwise the
 * present values are sorted and runs counted, several times faster than a Set of millions of numbers.
 */
function countDistinctNumbers(values: Float64Array, present: number): number {
  let previous = -Infinity;
  let increasing = true;
  for (const v of values) {
    if (v !== v) continue;
    if (!(v > previous)) {
      increasing = false;
      break;
    }
    previous = v;
  }
  if (increasing) return present;
  const sorted = new Float64Array(present);
  let k = 0;
  for (const v of values) if (v === v) sorted[k++] = v;
  sorted.sort();
  let distinct = present > 0 ? 1 : 0;
  for (let i = 1; i < present; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return distinct;
}

/**
 * Distinct integers that are exactly min, min + step, ..., max: the span is (count - 1) steps and
 * every value sits on the grid, so by counting there is one value per grid point.
 */
function isConstantStepSequence(values: Float64Array, min: number, max: number, present: number): boolean {
  const step = (max - min) / (present - 1);
  if (!Number.isInteger(step) || step < 1) return false;
  for (const v of values) if (v === v && (v - min) % step !== 0) return false;
  return true;
}

function isFixedWidthCode(cells: readonly string[]): boolean {
  let width = -1;
  let leadingZero = false;
  for (const cell of cells) {
    if (cell.length === 0 || isMissingToken(cell)) continue;
    const text = cell.trim();
    if (!/^\d+$/.test(text)) return false;
    if (width === -1) width = text.length;
    else if (text.length !== width) return false;
    if (text.length > 1 && text.charCodeAt(0) === 48) leadingZero = true;
  }
  return leadingZero;
}

/**
 * An integer-coded categorical column. Categories are ordered by value (0, 1, 2: codes are often
 * ordinal, and the copula samples categories on an ordered scale), each labelled with the spelling
 * of its first cell in the source, trimmed, so '0' and '1' are written back as '0' and '1'.
 */
export function integerCategories(name: string, values: Float64Array, cells: readonly string[]): CategoricalColumn {
  const labels = new Map<number, string>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v && !labels.has(v)) labels.set(v, cells[i].trim());
  }
  const sorted = [...labels.keys()].sort((a, b) => a - b);
  const codeOf = new Map(sorted.map((v, k) => [v, k]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    codes[i] = v === v ? (codeOf.get(v) as number) : -1;
  }
  return { kind: 'categorical', name, codes, categories: sorted.map((v) => labels.get(v) as string) };
}
