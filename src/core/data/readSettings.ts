// What a user may tell a table reader beyond the caps: the CSV dialect (when sniffing would guess
// wrong) and column kinds that replace inference. The CLI (`--delimiter`, `--encoding`, `--comment`,
// `--types`) and the host (medsynth.columns) fill it; every engine job passes it to each table it reads.
import type { ColumnKind } from './table';

export interface TableDialect {
  /** The field separator of a delimited file: one character, or 'whitespace' for runs of blanks. */
  readonly delimiter?: string;
  /** The text encoding: 'utf-8' (default, with a BOM check) or 'latin1' (ISO-8859-1 / Windows-1252). */
  readonly encoding?: string;
  /** A line that starts with this prefix (e.g. '#') is a comment and is skipped. */
  readonly comment?: string;
}

export interface TableReadSettings extends TableDialect {
  /** Column kinds that replace inference, by column name. */
  readonly types?: Readonly<Record<string, ColumnKind>>;
}
