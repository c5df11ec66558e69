// Guessing the dialect of a delimited file from its first lines, the way a person would when
// opening it in an editor: which character separates fields (or runs of blanks), whether the lines
// before the header are '#' comments, and whether a semicolon file writes decimals with commas.
// Every guess the reader acts on is reported back as a note, so a wrong guess can be seen and
// overridden (--delimiter, --comment).

import { isMissingToken } from './cellValues';
import { WHITESPACE } from './csvTokenizer';

export const SNIFFED_DELIMITERS: readonly string[] = [',', '\t', ';', '|'];

/** Lines looked at when sniffing. */
const SNIFF_LINES = 50;

/** The prefix of comment lines detected before the header when the user names none. */
export const DETECTED_COMMENT = '#';

interface LineCounts {
  /** Per candidate, its count outside quotes. */
  readonly counts: number[];
  /** Runs of non-blank characters outside quotes: the fields of a whitespace-separated line. */
  readonly words: number;
}

/**
 * Picks the candidate that splits every sampled line (outside quotes) into the same number of
 * fields, preferring the one giving the most fields; ties go to the earlier candidate (comma
 * first). Without a consistent candidate, a sample whose every line has the same number (more than
 * one) of blank-separated words, and whose header has no comma, semicolon or pipe, is
 * WHITESPACE-separated; otherwise the candidate most frequent in the header line wins.
 * `complete` says whether the sample is the whole input (else its last line may be cut off);
 * lines starting with `comment` are left out.
 */
export function sniffDelimiter(
  sample: string,
  complete: boolean,
  candidates: readonly string[] = SNIFFED_DELIMITERS,
  comment?: string,
): string {
  const lines = countLines(sample, complete, candidates, comment);
  if (lines.length === 0) return candidates[0];
  const header = lines[0];
  let best = -1;
  let bestFields = 0;
  for (let k = 0; k < candidates.length; k++) {
    const n = header.counts[k];
    if (n === 0) continue;
    if (lines.every((line) => line.counts[k] === n) && n > bestFields) {
      best = k;
      bestFields = n;
    }
  }
  if (best >= 0) return candidates[best];
  const punctuated = candidates.some((c, k) => c !== '\t' && header.counts[k] > 0);
  if (!punctuated && header.words > 1 && lines.length > 1 && lines.every((line) => line.words === header.words)) return WHITESPACE;
  let most = 0;
  for (let k = 1; k < candidates.length; k++) if (header.counts[k] > header.counts[most]) most = k;
  return candidates[most];
}

function countLines(sample: string, complete: boolean, candidates: readonly string[], comment: string | undefined): LineCounts[] {
  const codes = candidates.map((c) => c.charCodeAt(0));
  const lines: LineCounts[] = [];
  let counts = codes.map(() => 0);
  let words = 0;
  let inWord = false;
  let inQuotes = false;
  let lineStart = 0;
  let lineHasContent = false;
  let skipLine = false;
  for (let i = 0; i < sample.length && lines.length < SNIFF_LINES; i++) {
    const c = sample.charCodeAt(i);
    if (!lineHasContent && !inQuotes && i === lineStart && comment !== undefined && sample.startsWith(comment, i)) skipLine = true;
    if (c === 0x22) inQuotes = !inQuotes;
    if (!inQuotes && (c === 0x0a || c === 0x0d)) {
      if (lineHasContent && !skipLine) lines.push({ counts, words });
      counts = codes.map(() => 0);
      words = 0;
      inWord = false;
      lineHasContent = false;
      skipLine = false;
      lineStart = i + 1;
      continue;
    }
    lineHasContent = true;
    const blank = c === 0x20 || c === 0x09;
    if (!blank && !inWord) words++;
    inWord = !blank;
    if (inQuotes) continue;
    const k = codes.indexOf(c);
    if (k >= 0) counts[k]++;
  }
  if (lineHasContent && !skipLine && complete && lines.length < SNIFF_LINES) lines.push({ counts, words });
  return lines;
}

/** Where the text's first line with content starts, and how many '#' lines lead it. */
export interface LeadingComments {
  /** Comment lines before the header (0 when there are none, or when they look like the header). */
  readonly count: number;
  /** True when the sample is too short to tell yet. */
  readonly undecided: boolean;
}

/**
 * Counts the '#' lines before the header. A single leading '#' line that splits into as many
 * fields as the line after it (say `#id,age`) is taken to be the header itself, not a comment.
 */
export function leadingComments(sample: string, complete: boolean, delimiter: string | undefined): LeadingComments {
  let i = 0;
  let count = 0;
  let lastStart = -1;
  for (;;) {
    while (i < sample.length && (sample[i] === '\n' || sample[i] === '\r')) i++;
    if (i >= sample.length) return { count: 0, undecided: !complete };
    if (!sample.startsWith(DETECTED_COMMENT, i)) break;
    const end = nextLineEnd(sample, i);
    if (end < 0) return { count: 0, undecided: !complete };
    lastStart = i;
    count++;
    i = end + 1;
  }
  if (count === 0) return { count: 0, undecided: false };
  // Does the one '#' line look like a header for the lines after it?
  if (count === 1) {
    const end = nextLineEnd(sample, i);
    if (end < 0 && !complete) return { count: 0, undecided: true };
    const next = sample.slice(i, end < 0 ? sample.length : end);
    const first = sample.slice(lastStart + DETECTED_COMMENT.length, nextLineEnd(sample, lastStart));
    const d = delimiter ?? sniffDelimiter(sample.slice(i), complete);
    if (d !== WHITESPACE && fieldCount(first, d) > 1 && fieldCount(first, d) === fieldCount(next, d)) return { count: 0, undecided: false };
  }
  return { count, undecided: false };
}

function nextLineEnd(s: string, from: number): number {
  const lf = s.indexOf('\n', from);
  const cr = s.indexOf('\r', from);
  return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
}

function fieldCount(line: string, delimiter: string): number {
  return line.split(delimiter).length;
}

const COMMA_DECIMAL = /^[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * In a semicolon-separated file, a column whose every value is an integer or a number written with
 * a decimal comma (at least one of them, none with a point) is read with decimal points instead:
 * '1,5' becomes '1.5', as pandas' decimal=',' reads it. Returns the columns changed.
 */
export function readDecimalCommas(names: readonly string[], cells: string[][]): string[] {
  const changed: string[] = [];
  for (let j = 0; j < cells.length; j++) {
    const column = cells[j];
    let commas = 0;
    let consistent = true;
    for (const cell of column) {
      if (isMissingToken(cell)) continue;
      const v = cell.trim();
      if (COMMA_DECIMAL.test(v)) commas++;
      else if (!INTEGER.test(v)) {
        consistent = false;
        break;
      }
    }
    if (!consistent || commas === 0) continue;
    for (let i = 0; i < column.length; i++) column[i] = column[i].replace(',', '.');
    changed.push(names[j]);
  }
  return changed;
}
