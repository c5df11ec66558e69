// What the user tells the privacy and utility metrics about the data: the columns an attacker knows
// (quasi-identifiers, optionally generalised), the secret column, the small-class threshold of
// k-anonymity, the target of train-synthetic-test-real, and the bootstrap settings. Parsed once from
// the CLI flags (--quasi-identifiers age:10,sex,zip:3 --secret diagnosis --k 5 --target outcome
// --bootstrap 200 --seed 7) or the VS Code settings, checked against the real table's columns, and
// handed to every metric in TableMetricInput.options.
import { MedSynthError } from '../errors';
import type { Table } from '../data/table/table';

export interface QuasiIdentifier {
  readonly column: string;
  /**
   * Generalisation asked for (`age:10`, `zip:3`): for a numeric or datetime column the width of the
   * bins numbers fall into (floor(x / width)); for any other column the number of leading characters
   * kept (a 3-digit prefix). Absent: the exact value.
   */
  readonly generalise?: number;
}

export interface MetricOptions {
  /** The columns an attacker is assumed to know (singling out, linkability, inference, k-anonymity). */
  readonly quasiIdentifiers?: readonly QuasiIdentifier[];
  /** The column whose value an attacker wants to learn (inference attacks, l-diversity, CAP). */
  readonly secret?: string;
  /** k-anonymity: classes smaller than this are reported as small (default 5). */
  readonly k?: number;
  /** utility.tstr: the column predicted. */
  readonly target?: string;
  /** Bootstrap resamples behind each score's ci95 (default 200; 0 = no intervals). */
  readonly bootstrap?: number;
  /** Seed of the attacks' and the bootstrap's random draws (default 0). */
  readonly seed?: number;
}

export const DEFAULT_SMALL_CLASS = 5;
export const DEFAULT_BOOTSTRAP = 200;

const QI_ITEM = /^([^:]+?)(?::(\d+(?:\.\d+)?))?$/;

/** `age:10,sex,zip:3` → quasi-identifiers; a bad item is BAD_USAGE naming it. */
export function parseQuasiIdentifiers(text: string, flag = '--quasi-identifiers'): QuasiIdentifier[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new MedSynthError('BAD_USAGE', `${flag} names no column`, { expected: 'col[:n],col[:n],…' });
  const seen = new Set<string>();
  return items.map((item) => {
    const m = QI_ITEM.exec(item);
    const column = m?.[1]?.trim() ?? '';
    if (!m || column === '') throw new MedSynthError('BAD_USAGE', `${flag}: cannot read "${item}"`, { expected: 'col or col:n (n > 0)' });
    if (seen.has(column)) throw new MedSynthError('BAD_USAGE', `${flag} names "${column}" twice`);
    seen.add(column);
    if (m[2] === undefined) return { column };
    const generalise = Number(m[2]);
    if (!(generalise > 0))
      throw new MedSynthError('BAD_USAGE', `${flag}: the generalisation of "${column}" must be above 0`, { expected: 'col:n, n > 0' });
    return { column, generalise };
  });
}

/** Checks that every column the options name exists in the real table (BAD_USAGE listing the columns otherwise). */
export function checkMetricOptions(options: MetricOptions | undefined, real: Table): void {
  if (!options) return;
  const names = new Set(real.columns.map((c) => c.name));
  const expected = [...names].join(', ');
  const need = (column: string, what: string): void => {
    if (!names.has(column)) throw new MedSynthError('BAD_USAGE', `${what} "${column}" is not a column of the real table`, { expected });
  };
  for (const q of options.quasiIdentifiers ?? []) need(q.column, 'quasi-identifier');
  if (options.secret !== undefined) need(options.secret, 'secret column');
  if (options.target !== undefined) need(options.target, 'target column');
  if (options.secret !== undefined && options.quasiIdentifiers?.some((q) => q.column === options.secret))
    throw new MedSynthError('BAD_USAGE', `"${options.secret}" is both the secret and a quasi-identifier`);
  if (options.k !== undefined && !(Number.isInteger(options.k) && options.k >= 2))
    throw new MedSynthError('BAD_USAGE', `k must be a whole number of at least 2, not ${options.k}`);
  if (options.bootstrap !== undefined && !(Number.isInteger(options.bootstrap) && options.bootstrap >= 0 && options.bootstrap <= 10_000))
    throw new MedSynthError('BAD_USAGE', `the bootstrap resamples must be a whole number from 0 to 10000, not ${options.bootstrap}`);
}
