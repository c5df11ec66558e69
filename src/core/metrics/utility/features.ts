// Features of utility.tstr, fitted on the training table of each run (the real rows for TRTR, the
// synthetic rows for TSTR) and applied unchanged to the test rows (the holdout), as a scikit-learn
// pipeline fitted on the training data would be:
//   numeric, datetime  (v − mean) / std over the training rows' present values (population std, as
//                      StandardScaler; a zero std leaves v − mean = 0); an empty cell is 0 (the mean) and,
//                      when a training row is empty there, one more feature is 1 for an empty cell (as
//                      SimpleImputer(strategy='mean', add_indicator=True), then StandardScaler on the value
//                      only: the imputed cells count in the std; the indicator stays 0/1)
//   categorical, boolean  one-hot over the labels of the training rows in first-seen order; an empty cell
//                      or a label the training rows lack is all zeros (OneHotEncoder(handle_unknown='ignore'));
//                      above MAX_ONE_HOT_LABELS labels, the most frequent ones keep a feature and the rest
//                      share one "(other)" feature (as fidelity.detection), so a high-cardinality column
//                      cannot blow up the logistic regression's Hessian
//   identifier, text   dropped; the target column is never a feature
import type { CategoricalColumn, Column, Table } from '../../data/table/table';
import { MedSynthError } from '../../errors';
import { isCategoryLike, isNumberLike } from '../tableColumns';

/** One-hot width cap per categorical column (labels beyond it pooled). */
export const MAX_ONE_HOT_LABELS = 32;

export interface FeatureEncoder {
  /** One per feature: "age", "age (empty)", "sex=F". */
  readonly names: readonly string[];
  /** Row-major features of `rows` of `table` (which must hold every encoded column, of the same family). */
  encode(table: Table, rows: ArrayLike<number>): Float64Array;
}

type Part = { readonly names: string[]; readonly fill: (col: Column, row: number, out: Float64Array, at: number) => void };

function columnOf(table: Table, name: string): Column {
  const col = table.columns.find((c) => c.name === name);
  if (!col) throw new MedSynthError('BAD_INPUT', `the table has no column "${name}"`);
  return col;
}

function numberPart(name: string, col: Column, rows: ArrayLike<number>): Part {
  const values = isNumberLike(col) ? col.values : new Float64Array(0);
  let n = 0;
  let sum = 0;
  let empty = false;
  for (let k = 0; k < rows.length; k++) {
    const v = values[rows[k]];
    if (Number.isNaN(v)) empty = true;
    else {
      n++;
      sum += v;
    }
  }
  const mean = n > 0 ? sum / n : 0;
  let ss = 0;
  for (let k = 0; k < rows.length; k++) {
    const v = values[rows[k]];
    if (!Number.isNaN(v)) ss += (v - mean) ** 2;
  }
  // The imputed cells count in StandardScaler's variance (they sit at the mean, adding 0 to the sum of squares).
  const std = rows.length > 0 ? Math.sqrt(ss / rows.length) : 0;
  const scale = std > 0 ? 1 / std : 1;
  return {
    names: empty ? [name, `${name} (empty)`] : [name],
    fill: (c, row, out, at) => {
      const v = isNumberLike(c) ? c.values[row] : Number.NaN;
      if (Number.isNaN(v)) {
        if (empty) out[at + 1] = 1;
      } else out[at] = (v - mean) * scale;
    },
  };
}

function categoryPart(name: string, col: CategoricalColumn, rows: ArrayLike<number>): Part {
  const counts = new Map<string, number>();
  for (let k = 0; k < rows.length; k++) {
    const code = col.codes[rows[k]];
    if (code < 0) continue;
    const label = col.categories[code];
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const seen = [...counts.keys()];
  // Most frequent first, ties in first-seen order (a stable sort); the rest share one "(other)" feature.
  const kept = new Set(
    seen.length > MAX_ONE_HOT_LABELS ? [...seen].sort((a, b) => counts.get(b)! - counts.get(a)!).slice(0, MAX_ONE_HOT_LABELS) : seen,
  );
  const names = seen.filter((l) => kept.has(l)).map((l) => `${name}=${l}`);
  const position = new Map(seen.filter((l) => kept.has(l)).map((l, i) => [l, i] as const));
  if (seen.length > kept.size) {
    for (const l of seen) if (!kept.has(l)) position.set(l, names.length);
    names.push(`${name} (other)`);
  }
  const lookup = new Map<Column, Int32Array>();
  return {
    names,
    fill: (c, row, out, at) => {
      const cat = c as CategoricalColumn;
      let map = lookup.get(c);
      if (!map) {
        map = Int32Array.from(cat.categories, (l) => position.get(l) ?? -1);
        lookup.set(c, map);
      }
      const code = cat.codes[row];
      if (code >= 0 && map[code] >= 0) out[at + map[code]] = 1;
    },
  };
}

/** Fits the encoder of `columns` on `rows` of `train` (see the file header). */
export function fitFeatureEncoder(train: Table, rows: ArrayLike<number>, columns: readonly string[]): FeatureEncoder {
  const parts = columns.map((name): Part => {
    const col = columnOf(train, name);
    if (isNumberLike(col)) return numberPart(name, col, rows);
    if (isCategoryLike(col)) return categoryPart(name, col, rows);
    throw new MedSynthError('BAD_INPUT', `column "${name}" (${col.kind}) cannot be a feature`);
  });
  const names = parts.flatMap((p) => p.names);
  return {
    names,
    encode: (table, encodeRows) => {
      const d = names.length;
      const out = new Float64Array(encodeRows.length * d);
      let offset = 0;
      columns.forEach((name, c) => {
        const col = columnOf(table, name);
        const part = parts[c];
        for (let k = 0; k < encodeRows.length; k++) part.fill(col, encodeRows[k], out, k * d + offset);
        offset += part.names.length;
      });
      return out;
    },
  };
}

/** The target's labels (classification) or numbers (regression) at `rows`; null / NaN for an empty cell. */
export function targetLabels(col: CategoricalColumn, rows: ArrayLike<number>): (string | null)[] {
  return Array.from({ length: rows.length }, (_, k) => {
    const code = col.codes[rows[k]];
    return code < 0 ? null : col.categories[code];
  });
}

/** Sorted distinct labels (scikit-learn's np.unique order: by code unit). */
export function sortedClasses(labels: readonly (string | null)[]): string[] {
  return [...new Set(labels.filter((l): l is string => l !== null))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
