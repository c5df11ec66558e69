// Resource limits shared by every table reader. A hostile or merely huge file must end in a clear
// LIMIT_EXCEEDED that names the option (and the VS Code setting mirroring it) instead of exhausting
// memory, so rows, columns and cells (rows x columns) are counted while reading, before the decoded
// table is built, and the message says which CLI flag and VS Code setting raise the cap. `headRows`
// is different: it reads only the first rows, for previews, and is no error.

import { MedSynthError } from '../errors';

/** Cells (rows x columns) a table may decode to unless the caller sets maxCells. */
export const DEFAULT_MAX_CELLS = 50_000_000;
/** Columns a table may have unless the caller sets maxColumns (the spreadsheet column limit). */
export const DEFAULT_MAX_COLUMNS = 16_384;
/** The longest single field or line a text reader accepts, in UTF-16 characters. */
export const MAX_FIELD_CHARS = 32 * 1024 * 1024;
/** The deepest nesting of a JSON value kept as a cell. */
export const MAX_JSON_DEPTH = 32;

export interface TableLimitOptions {
  /** Refuse tables with more data rows than this (LIMIT_EXCEEDED). Default: no limit. */
  readonly maxRows?: number;
  /** Refuse tables with more cells (rows x columns) than this. Default DEFAULT_MAX_CELLS. */
  readonly maxCells?: number;
  /** Refuse tables with more columns than this. Default DEFAULT_MAX_COLUMNS. */
  readonly maxColumns?: number;
  /** Read only the first N data rows (for previews); the rest of the input is not decoded. */
  readonly headRows?: number;
}

/** Which VS Code setting and CLI flag mirror each option, so the message tells every user what to change. */
const SETTINGS: Readonly<Record<string, string>> = { maxRows: 'medsynth.maxRows', maxCells: 'medsynth.maxCells' };
const FLAGS: Readonly<Record<string, string>> = { maxRows: '--max-rows', maxCells: '--max-cells' };

/**
 * LIMIT_EXCEEDED for a cap. `needed`, when known (a declared or counted size), is the value the
 * hint suggests; else it suggests twice the limit.
 */
export function limitError(
  option: 'maxRows' | 'maxCells' | 'maxColumns',
  limit: number,
  what: string,
  fileName?: string,
  needed?: number,
): MedSynthError {
  const setting = SETTINGS[option];
  return new MedSynthError(
    'LIMIT_EXCEEDED',
    `the table has more than ${limit} ${what}, the limit set by the option ${option}${setting ? ` (VS Code setting ${setting}, CLI ${FLAGS[option]})` : ''}`,
    {
      file: fileName,
      expected: `at most ${limit} ${what}${raiseHint(option, needed ?? limit * 2)}`,
    },
  );
}

/** A hint the user can act on as written: the CLI flag with a value, and the VS Code setting. */
function raiseHint(option: string, suggested: number): string {
  const setting = SETTINGS[option];
  if (!setting) return '';
  return `; to read it, pass ${FLAGS[option]} ${suggested} (or a larger N) on the command line, or raise the VS Code setting ${setting}`;
}

export function fieldTooLong(fileName: string | undefined, line: number | undefined, what: string): MedSynthError {
  return new MedSynthError('LIMIT_EXCEEDED', `${what} is longer than ${MAX_FIELD_CHARS} characters`, {
    file: fileName,
    line,
    expected: `${what}s of at most ${MAX_FIELD_CHARS} characters`,
  });
}

function checkCount(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= min)) {
    throw new MedSynthError('BAD_USAGE', `${name} must be an integer of at least ${min}, got ${v}`);
  }
}

/** Usage errors for malformed limits, raised before any byte is read. */
export function checkLimitOptions(opts: TableLimitOptions): void {
  checkCount('maxRows', opts.maxRows, 0);
  checkCount('maxCells', opts.maxCells, 1);
  checkCount('maxColumns', opts.maxColumns, 1);
  checkCount('headRows', opts.headRows, 1);
}

/**
 * Counts rows and columns as a reader discovers them. `admitRow` answers false once `headRows`
 * rows are in (the reader stops there) and throws LIMIT_EXCEEDED when a cap would be passed.
 */
export class RowBudget {
  readonly maxCells: number;
  readonly maxColumns: number;
  private columns = 0;
  rows = 0;

  constructor(
    private readonly opts: TableLimitOptions,
    private readonly fileName?: string,
  ) {
    this.maxCells = opts.maxCells ?? DEFAULT_MAX_CELLS;
    this.maxColumns = opts.maxColumns ?? DEFAULT_MAX_COLUMNS;
  }

  /** True once headRows rows have been admitted: the reader may stop reading. */
  get full(): boolean {
    return this.opts.headRows !== undefined && this.rows >= this.opts.headRows;
  }

  /** Declares the column count (a header, or a JSON key seen for the first time). */
  setColumns(n: number): void {
    if (n > this.maxColumns) throw limitError('maxColumns', this.maxColumns, 'columns', this.fileName);
    this.columns = n;
    this.checkCells(this.rows);
  }

  /** Admits one more data row, or answers false when headRows are already in. */
  admitRow(): boolean {
    if (this.full) return false;
    const { maxRows } = this.opts;
    if (maxRows !== undefined && this.rows >= maxRows) throw limitError('maxRows', maxRows, 'rows', this.fileName);
    this.checkCells(this.rows + 1);
    this.rows++;
    return true;
  }

  /** Checks a row count declared up front (Parquet's footer) before anything is decoded. */
  checkDeclared(rows: number, columns: number): number {
    this.setColumns(columns);
    const take = this.opts.headRows !== undefined ? Math.min(rows, this.opts.headRows) : rows;
    const { maxRows } = this.opts;
    if (maxRows !== undefined && take > maxRows) throw limitError('maxRows', maxRows, 'rows', this.fileName, take);
    this.checkCells(take, true);
    return take;
  }

  /** `known`: the row count is the table's own (declared or counted), so the hint can name the cells needed. */
  private checkCells(rows: number, known = false): void {
    const cells = rows * this.columns;
    if (cells > this.maxCells)
      throw limitError('maxCells', this.maxCells, 'cells (rows x columns)', this.fileName, known ? cells : undefined);
  }
}

/** The caps a job passes to every table it reads (VS Code settings medsynth.maxRows / medsynth.maxCells). */
export type ReadLimits = Pick<TableLimitOptions, 'maxRows' | 'maxCells'>;
