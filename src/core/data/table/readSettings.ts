// What a user may tell a table reader beyond the caps: the CSV dialect (when sniffing would guess
// wrong) and column kinds that replace inference. The CLI (`--delimiter`, `--encoding`, `--comment`,
// `--types`) and the host (medsynth.columns) fill it; every engine job passes it to each table it reads.
import type { ColumnKind } from './table';
import type { TableEncoding } from './textDecoding';
import { MedSynthError } from '../../errors';
import { WHITESPACE } from './csvTokenizer';
import { tableEncoding } from './textDecoding';

export interface TableDialect {
  /** The field separator of a delimited file: one character, or 'whitespace' for runs of blanks. */
  readonly delimiter?: string;
  /**
   * The text encoding: 'utf-8', or 'latin1' / 'windows-1252' (read as Windows-1252, the superset
   * of ISO-8859-1's printable characters). Absent: UTF-8, or Windows-1252 assumed (with a note)
   * for a file that is not UTF-8 and has no BOM.
   */
  readonly encoding?: string;
  /**
   * A line that starts with this prefix (e.g. '#') is a comment and is skipped, wherever it is.
   * Absent: '#' lines before the header are skipped (with a note).
   */
  readonly comment?: string;
}

export interface TableReadSettings extends TableDialect {
  /** Column kinds that replace inference, by column name. */
  readonly types?: Readonly<Record<string, ColumnKind>>;
}

/** A dialect checked and normalised: what the delimited-text reader works with. */
export interface ResolvedDialect {
  /** One character, or 'whitespace'; absent: sniff. */
  readonly delimiter?: string;
  /** Absent: UTF-8, else Windows-1252 assumed (and said) when the file is not UTF-8. */
  readonly encoding?: TableEncoding;
  /** Absent: leading '#' lines are detected as comments. */
  readonly comment?: string;
}

const DELIMITER_NAMES: Readonly<Record<string, string>> = {
  tab: '\t',
  '\\t': '\t',
  comma: ',',
  semicolon: ';',
  pipe: '|',
  space: ' ',
  whitespace: WHITESPACE,
};

/** The accepted delimiter spellings, for usage messages. */
export const DELIMITER_CHOICES = "one character (',', ';', '|'), 'tab' or '\\t', or 'whitespace' for runs of blanks";

/**
 * Checks a dialect a user gave (CLI flags, VS Code settings) and normalises its spellings
 * ('tab' and '\t' as typed in a shell mean the tab character). Wrong values are BAD_USAGE.
 */
export function resolveDialect(d: TableDialect): ResolvedDialect {
  const out: { delimiter?: string; encoding?: TableEncoding; comment?: string } = {};
  if (d.delimiter !== undefined) {
    const named = DELIMITER_NAMES[d.delimiter.toLowerCase()];
    const delimiter = named ?? d.delimiter;
    if (named === undefined && (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')) {
      throw new MedSynthError('BAD_USAGE', `delimiter ${JSON.stringify(d.delimiter)} cannot separate fields`, {
        expected: DELIMITER_CHOICES,
      });
    }
    out.delimiter = delimiter;
  }
  const encoding = tableEncoding(d.encoding);
  if (encoding !== undefined) out.encoding = encoding;
  if (d.comment !== undefined) {
    if (d.comment === '' || /[\r\n]/.test(d.comment) || d.comment.startsWith('"')) {
      throw new MedSynthError('BAD_USAGE', `comment prefix ${JSON.stringify(d.comment)} cannot mark comment lines`, {
        expected: "a non-empty prefix on one line, such as '#' or '//'",
      });
    }
    out.comment = d.comment;
  }
  return out;
}
