// The format-neutral middle of every reader: column names plus each column's cell text. Readers of
// CSV, JSON Lines and Parquet all produce this, so header rules, overrides, the row cap and type
// inference are written once and behave the same for every format.

import type { Column, ColumnKind, Table, TableProvenance } from './table';
import { MedSynthError, badInput, throwIfAborted } from '../../errors';
import { COLUMN_KINDS, columnFromCells, isColumnKind } from './columnInference';

export interface RawTable {
  readonly names: readonly string[];
  /** cells[column][row]: the text of each cell; missing tokens are resolved during typing. */
  readonly cells: readonly string[][];
  /** Data rows; needed when there are no columns (JSON Lines of empty objects). */
  readonly rowCount?: number;
  /** The 1-based line each data row starts on, for formats with lines. */
  readonly lines?: ArrayLike<number>;
  /** Kinds recorded by a writer (Parquet key-value metadata); explicit overrides still win. */
  readonly recordedKinds?: Readonly<Record<string, ColumnKind>>;
}

export interface TypingOptions {
  readonly fileName?: string;
  readonly types?: Readonly<Record<string, ColumnKind>>;
  readonly signal?: AbortSignal;
}

/**
 * Header rules: surrounding whitespace is kept out of names; an empty name becomes `column_N`
 * (N = 1-based position) so the column stays addressable; a repeated name is an error, because
 * metrics and conformTable match real and synthetic columns by name and a silent rename would
 * pair the wrong columns.
 */
export function normalizeHeader(names: readonly string[], fileName?: string, line?: number): string[] {
  const out = names.map((n, j) => (n.trim() === '' ? `column_${j + 1}` : n.trim()));
  const seen = new Map<string, number>();
  for (let j = 0; j < out.length; j++) {
    const first = seen.get(out[j]);
    if (first !== undefined) {
      throw badInput(`duplicate column name "${out[j]}" (columns ${first + 1} and ${j + 1})`, {
        file: fileName,
        line,
        expected: 'unique column names',
      });
    }
    seen.set(out[j], j);
  }
  return out;
}

/** Unknown kinds and names that are not columns are usage errors, raised before any typing. */
export function checkOverrides(types: Readonly<Record<string, ColumnKind>> | undefined, names: readonly string[], fileName?: string): void {
  if (!types) return;
  for (const [column, kind] of Object.entries(types)) {
    if (!isColumnKind(kind)) {
      throw new MedSynthError('BAD_USAGE', `unknown column kind ${JSON.stringify(kind)} for column "${column}"`, {
        file: fileName,
        expected: `one of ${COLUMN_KINDS.join(', ')}`,
      });
    }
    if (!names.includes(column)) {
      throw new MedSynthError('BAD_USAGE', `a type is given for column "${column}", but there is no such column`, {
        file: fileName,
        // A few names are enough to spot a typo; a 300-column table would not fit on one line.
        expected: `one of the columns ${names
          .slice(0, 8)
          .map((n) => JSON.stringify(n))
          .join(', ')}${names.length > 8 ? `, … (${names.length} in all)` : ''}`,
      });
    }
  }
}

/** Types every column and assembles the Table. */
export function typeRawTable(raw: RawTable, opts: TypingOptions, provenance: TableProvenance): Table {
  checkOverrides(opts.types, raw.names, opts.fileName);
  const lines = raw.lines;
  const origin = { fileName: opts.fileName, lineOf: lines ? (row: number): number | undefined => lines[row] : undefined };
  const columns: Column[] = [];
  for (let j = 0; j < raw.names.length; j++) {
    throwIfAborted(opts.signal);
    const name = raw.names[j];
    const kind = opts.types?.[name] ?? raw.recordedKinds?.[name];
    columns.push(columnFromCells(name, raw.cells[j], kind, origin));
  }
  const rowCount = raw.rowCount ?? (raw.cells.length > 0 ? raw.cells[0].length : 0);
  return { rowCount, columns, provenance };
}
