// Equivalence classes on quasi-identifiers: the records an attacker who knows those columns cannot tell
// apart. Shared by privacy.kAnonymity and privacy.lDiversity, and meant for any metric that groups
// records by what an attacker knows. Each quasi-identifier's cells are turned into whole-number codes
// (after the generalisation the user asked for), then the codes of the columns are combined into one
// class index per record. Exact: no hashing that could merge two different keys.
//
// Generalisation (QuasiIdentifier.generalise = g):
// - numeric: bins of width g, the bin being floor(x / g) (`age:10`: 0–9, 10–19, …; negative values
//   floor downwards);
// - datetime: bins of g days counted from 1970-01-01 UTC, floor(ms / (g · 86 400 000)) (`admission_date:30`
//   = 30-day periods; `:1` = the calendar day, dropping the time of day);
// - categorical, boolean, identifier, text: the first g characters of the label (`zip:3`), counted in
//   Unicode code points; g must then be a whole number.
// Without g a cell keeps its exact value (numbers by value, labels by text). A missing cell is a value
// of its own in every kind: records missing the same quasi-identifier fall in the same class.
import type { Column, Table } from '../data/table/table';
import { MedSynthError } from '../errors';
import type { QuasiIdentifier } from './metricOptions';
import { isCategoryLike, isNumberLike } from './tableColumns';

const DAY_MS = 86_400_000;

/** Whole-number codes of one column's cells: equal codes = equal (generalised) values. */
export interface ColumnCodes {
  /** Code of each record, 0..distinct − 1 (first-seen order); a missing cell has a code of its own. */
  readonly codes: Int32Array;
  /** Number of distinct codes (missing counted as one value when present). */
  readonly distinct: number;
}

/** Records grouped into equivalence classes. */
export interface EquivalenceClasses {
  /** Class of each record, 0..classes − 1 in first-seen order. */
  readonly classOf: Int32Array;
  /** Number of records in each class. */
  readonly sizes: Int32Array;
}

/** Sizes of the classes and how many records sit in small ones. */
export interface ClassSummary {
  /** Records grouped. */
  readonly records: number;
  /** Number of equivalence classes (non-empty). */
  readonly classes: number;
  /** Size of the smallest class: the table is k-anonymous for this k. */
  readonly k: number;
  /** Classes with fewer records than the threshold. */
  readonly smallClasses: number;
  /** Records in those classes. */
  readonly recordsInSmallClasses: number;
  /** recordsInSmallClasses / records. */
  readonly shareInSmallClasses: number;
}

/** How a quasi-identifier was read, for the report. */
export function describeGeneralisation(column: Column, generalise: number | undefined): string {
  if (generalise === undefined) return 'exact value';
  if (column.kind === 'numeric') return `bins of ${generalise}`;
  if (column.kind === 'datetime') return `bins of ${generalise} days`;
  return `first ${generalise} characters`;
}

function prefixLength(column: Column, generalise: number): number {
  if (!Number.isInteger(generalise)) {
    throw new MedSynthError(
      'BAD_USAGE',
      `quasi-identifier "${column.name}" (${column.kind}) keeps a prefix: its length must be a whole number, not ${generalise}`,
      {
        expected: `${column.name}:n with n a whole number`,
      },
    );
  }
  return generalise;
}

function prefix(label: string, n: number): string {
  // Code points, not UTF-16 units, so that a character outside the BMP is one character.
  let out = '';
  let taken = 0;
  for (const ch of label) {
    if (taken++ >= n) break;
    out += ch;
  }
  return out;
}

/**
 * Codes of a column's cells after the generalisation `generalise` (see the file comment); absent = the
 * exact value. Throws BAD_USAGE for a fractional prefix length.
 */
export function columnCodes(column: Column, generalise?: number): ColumnCodes {
  const n = isCategoryLike(column) ? column.codes.length : column.values.length;
  const codes = new Int32Array(n);
  let missingCode = -1;
  let distinct = 0;
  const missing = (): number => (missingCode < 0 ? (missingCode = distinct++) : missingCode);
  if (isNumberLike(column)) {
    const width = generalise === undefined ? undefined : column.kind === 'datetime' ? generalise * DAY_MS : generalise;
    const seen = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const x = column.values[i];
      if (Number.isNaN(x)) {
        codes[i] = missing();
        continue;
      }
      // Map keys compare by SameValueZero, so −0 and 0 are one value.
      const v = width === undefined ? x : Math.floor(x / width);
      let c = seen.get(v);
      if (c === undefined) seen.set(v, (c = distinct++));
      codes[i] = c;
    }
    return { codes, distinct };
  }
  const len = generalise === undefined ? undefined : prefixLength(column, generalise);
  const seen = new Map<string, number>();
  const codeOfLabel = (label: string): number => {
    const key = len === undefined ? label : prefix(label, len);
    let c = seen.get(key);
    if (c === undefined) seen.set(key, (c = distinct++));
    return c;
  };
  if (isCategoryLike(column)) {
    // Categories are matched by their text: two codes with one label are one value.
    const byCategory = new Int32Array(column.categories.length).fill(-1);
    for (let i = 0; i < n; i++) {
      const k = column.codes[i];
      if (k < 0 || k >= column.categories.length) {
        codes[i] = missing();
        continue;
      }
      if (byCategory[k] < 0) byCategory[k] = codeOfLabel(column.categories[k]);
      codes[i] = byCategory[k];
    }
    return { codes, distinct };
  }
  for (let i = 0; i < n; i++) {
    const s = column.values[i];
    codes[i] = s === null ? missing() : codeOfLabel(s);
  }
  return { codes, distinct };
}

/** Groups records by their combined codes: records with equal codes in every column share a class. */
export function groupByCodes(columns: readonly ColumnCodes[], records: number): EquivalenceClasses {
  let classOf = new Int32Array(records); // no column: one class holding every record
  let classes = records > 0 ? 1 : 0;
  for (const col of columns) {
    const next = new Int32Array(records);
    const seen = new Map<number, number>();
    let count = 0;
    for (let i = 0; i < records; i++) {
      // Below 2^53 for any table that fits in memory (classes, distinct ≤ records).
      const key = classOf[i] * col.distinct + col.codes[i];
      let c = seen.get(key);
      if (c === undefined) seen.set(key, (c = count++));
      next[i] = c;
    }
    classOf = next;
    classes = count;
  }
  const sizes = new Int32Array(classes);
  for (let i = 0; i < records; i++) sizes[classOf[i]]++;
  return { classOf, sizes };
}

/** The column a quasi-identifier or secret names; BAD_INPUT naming the table when it has none. */
export function namedColumn(table: Table, name: string, role: string, what = 'quasi-identifier'): Column {
  const column = table.columns.find((c) => c.name === name);
  if (!column) throw new MedSynthError('BAD_INPUT', `the ${role} table has no column "${name}" (${what})`);
  return column;
}

function family(column: Column): string {
  return isNumberLike(column) ? 'number' : isCategoryLike(column) ? 'category' : 'text';
}

/**
 * The real and synthetic columns a name refers to; BAD_INPUT when either table lacks it or the two
 * read it as different families of kind (numbers vs labels), since the generalisation would then
 * mean different things on the two sides.
 */
export function pairedColumn(real: Table, synth: Table, name: string, what = 'quasi-identifier'): { real: Column; synth: Column } {
  const r = namedColumn(real, name, 'real', what);
  const s = namedColumn(synth, name, 'synthetic', what);
  if (family(r) !== family(s)) {
    throw new MedSynthError('BAD_INPUT', `${what} "${name}" is ${r.kind} in the real table but ${s.kind} in the synthetic table`);
  }
  return { real: r, synth: s };
}

/** Equivalence classes of a table on the quasi-identifiers (BAD_INPUT for a column the table lacks). */
export function equivalenceClasses(table: Table, quasiIdentifiers: readonly QuasiIdentifier[], role: string): EquivalenceClasses {
  const codes = quasiIdentifiers.map((q) => columnCodes(namedColumn(table, q.column, role), q.generalise));
  return groupByCodes(codes, table.rowCount);
}

/** Class sizes of a resample: `rows` are record indices drawn (with replacement) from the table. */
export function resampledSizes(classOf: Int32Array, classes: number, rows: Uint32Array): Int32Array {
  const sizes = new Int32Array(classes);
  for (let i = 0; i < rows.length; i++) sizes[classOf[rows[i]]]++;
  return sizes;
}

/** Summary of class sizes (empty classes, as a resample leaves, are not classes); small = below `smallBelow`. */
export function summariseClasses(sizes: Int32Array, smallBelow: number): ClassSummary {
  let records = 0;
  let classes = 0;
  let k = 0;
  let smallClasses = 0;
  let recordsInSmallClasses = 0;
  for (const size of sizes) {
    if (size === 0) continue;
    records += size;
    classes++;
    if (k === 0 || size < k) k = size;
    if (size < smallBelow) {
      smallClasses++;
      recordsInSmallClasses += size;
    }
  }
  return {
    records,
    classes,
    k,
    smallClasses,
    recordsInSmallClasses,
    shareInSmallClasses: records > 0 ? recordsInSmallClasses / records : 0,
  };
}

/**
 * Distinct secret values in each class (a missing secret counts as a value of its own); `rows` restricts
 * to a resample (record indices, repeats allowed), absent = every record.
 */
export function distinctPerClass(classes: EquivalenceClasses, secret: ColumnCodes, rows?: Uint32Array): Int32Array {
  const count = classes.sizes.length;
  const distinct = new Int32Array(count);
  const seen = new Set<number>();
  const n = rows ? rows.length : classes.classOf.length;
  for (let j = 0; j < n; j++) {
    const i = rows ? rows[j] : j;
    const c = classes.classOf[i];
    const key = c * secret.distinct + secret.codes[i];
    if (seen.has(key)) continue;
    seen.add(key);
    distinct[c]++;
  }
  return distinct;
}
