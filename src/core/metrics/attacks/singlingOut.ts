// privacy.singlingOut: the Article 29 Working Party's first question, "can a person be singled out?",
// as Anonymeter's singling-out attack (Giomi et al. 2023). The attacker reads predicates off the
// synthetic records (on the quasi-identifiers, up to three columns each: `sex = F ∧ age ≥ 71 ∧ bmi ≤ 19.2`)
// and keeps those that match exactly one synthetic record; such a predicate singles out a patient of a
// dataset when it matches exactly one of its records. Run on the training rows (main), on holdout rows
// (control) and with predicates whose values are drawn column by column at random (baseline);
// risk = (main − control) / (1 − control).
//
// How often a predicate matches exactly one record depends on how many records there are, so main and
// control are evaluated on sets of the same size: the smaller of the training and holdout tables, the
// larger one subsampled (seeded). Anonymeter instead fits a size correction to the control (its
// fit_correction_term); subsampling is simpler and exact for equal-sized sets, but when the holdout is
// much smaller than the training set a record singled out in the synthetic data is in the subsample
// only with probability holdout / training rows, which dilutes the main attack (see details.targetRows).
import { mulberry32 } from '../../math/mulberry32';
import { MedSynthError } from '../../errors';
import type { MetricResult, TableMetric, TableMetricInput } from '../types';
import { timeSlicer } from '../workSteps';
import { attackColumns, attackSetup, MAX_ATTACKS, sampleWithoutReplacement, threeWayResult } from './attackRun';
import type { AttackColumn } from './attackRun';

export const SINGLING_OUT_ID = 'privacy.singlingOut';

/** Columns per predicate (Anonymeter's multivariate default); fewer when fewer quasi-identifiers are named. */
export const PREDICATE_COLUMNS = 3;

/** Tries at drawing a predicate that singles out a synthetic record, per predicate wanted. */
export const TRIES_PER_QUERY = 20;

export type Operator = 'eq' | 'le' | 'ge' | 'empty';

/** A conjunction of one condition per column: column c `op` value. */
export interface Predicate {
  readonly columns: readonly number[];
  readonly ops: readonly Operator[];
  readonly values: readonly number[];
}

function holds(op: Operator, value: number, x: number): boolean {
  if (op === 'empty') return Number.isNaN(x);
  if (Number.isNaN(x)) return false;
  if (op === 'eq') return x === value;
  return op === 'le' ? x <= value : x >= value;
}

/** How many of `rows` (of one side) match the predicate, counting no further than `stopAt`. */
export function countMatches(
  columns: readonly AttackColumn[],
  p: Predicate,
  side: 'real' | 'synth' | 'holdout',
  rows: ArrayLike<number> | number,
  stopAt = Infinity,
): number {
  const n = typeof rows === 'number' ? rows : rows.length;
  let count = 0;
  for (let i = 0; i < n && count < stopAt; i++) {
    const r = typeof rows === 'number' ? i : rows[i];
    let all = true;
    for (let k = 0; k < p.columns.length && all; k++) {
      const c = columns[p.columns[k]];
      all = holds(p.ops[k], p.values[k], c[side][r]);
    }
    if (all) count++;
  }
  return count;
}

function medianPresent(values: Float64Array): number {
  const present = values.filter((v) => !Number.isNaN(v)).sort();
  if (present.length === 0) return Number.NaN;
  const h = present.length >> 1;
  return present.length % 2 ? present[h] : (present[h - 1] + present[h]) / 2;
}

/**
 * One condition on a value: empty → "is empty"; a label → "equals"; a number above the synthetic
 * median → "at least", else "at most" (so the condition points to the tail the value sits in).
 */
function condition(column: AttackColumn, median: number, value: number): Operator {
  if (Number.isNaN(value)) return 'empty';
  if (!column.numeric) return 'eq';
  return value > median ? 'ge' : 'le';
}

function drawColumns(count: number, width: number, next: () => number): number[] {
  return Array.from(sampleWithoutReplacement(count, width, next)).sort((x, y) => x - y);
}

/** A predicate read off synthetic record `row` on `width` random columns. */
export function predicateFromRecord(
  columns: readonly AttackColumn[],
  medians: readonly number[],
  row: number,
  width: number,
  next: () => number,
): Predicate {
  const cols = drawColumns(columns.length, width, next);
  const values = cols.map((c) => columns[c].synth[row]);
  return { columns: cols, values, ops: cols.map((c, k) => condition(columns[c], medians[c], values[k])) };
}

/** The baseline's predicate: each column's value taken from its own random synthetic record. */
function randomPredicate(columns: readonly AttackColumn[], medians: readonly number[], width: number, next: () => number): Predicate {
  const n = columns[0].synth.length;
  const cols = drawColumns(columns.length, width, next);
  const values = cols.map((c) => columns[c].synth[Math.floor(next() * n)]);
  return { columns: cols, values, ops: cols.map((c, k) => condition(columns[c], medians[c], values[k])) };
}

const key = (p: Predicate): string => p.columns.map((c, k) => `${c}${p.ops[k]}${p.values[k]}`).join('&');

export async function computeSinglingOut(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const setup = attackSetup(SINGLING_OUT_ID, input, 1);
  if ('id' in setup) return setup;
  const { holdout, quasi, options } = setup;
  const columns = attackColumns(input, holdout, quasi);
  const targetRows = Math.min(input.real.rowCount, holdout.rowCount);
  if (targetRows <= 0) throw new MedSynthError('BAD_INPUT', 'the holdout table has no rows');
  const wanted = Math.min(MAX_ATTACKS, targetRows);
  const width = Math.min(PREDICATE_COLUMNS, columns.length);
  const seed = options.seed ?? 0;
  const next = mulberry32(seed);
  const mainSet = sampleWithoutReplacement(input.real.rowCount, targetRows, next);
  const controlSet = sampleWithoutReplacement(holdout.rowCount, targetRows, next);
  const medians = columns.map((c) => (c.numeric ? medianPresent(c.synth) : Number.NaN));
  const pause = timeSlicer(signal);

  // The attack's predicates: distinct ones that single out a synthetic record.
  const queries: Predicate[] = [];
  const seen = new Set<string>();
  const synthRows = input.synth.rowCount;
  for (let tries = 0; tries < TRIES_PER_QUERY * wanted && queries.length < wanted; tries++) {
    await pause();
    const p = predicateFromRecord(columns, medians, Math.floor(next() * synthRows), width, next);
    const k = key(p);
    if (seen.has(k)) continue;
    seen.add(k);
    if (countMatches(columns, p, 'synth', synthRows, 2) === 1) queries.push(p);
  }
  if (queries.length === 0) {
    return {
      id: SINGLING_OUT_ID,
      score: 1,
      details: { queries: 0, note: 'no predicate on the quasi-identifiers singles out a synthetic record', quasiIdentifiers: quasi, seed },
    };
  }
  let main = 0;
  let control = 0;
  for (const p of queries) {
    await pause();
    if (countMatches(columns, p, 'real', mainSet, 2) === 1) main++;
    if (countMatches(columns, p, 'holdout', controlSet, 2) === 1) control++;
  }
  let baseline = 0;
  for (let i = 0; i < queries.length; i++) {
    await pause();
    if (countMatches(columns, randomPredicate(columns, medians, width, next), 'real', mainSet, 2) === 1) baseline++;
  }
  return threeWayResult(
    SINGLING_OUT_ID,
    { main: [main, queries.length], control: [control, queries.length], baseline: [baseline, queries.length] },
    { queries: queries.length, queriesWanted: wanted, columnsPerPredicate: width, targetRows, quasiIdentifiers: quasi, seed },
  );
}

export const singlingOutMetric: TableMetric = {
  id: SINGLING_OUT_ID,
  title: 'Singling-out attack',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Can a patient be singled out? Predicates on up to three of the known columns (--quasi-identifiers) are read off synthetic records ' +
    '(a label equals; a number at least or at most the record’s value, towards its tail) and kept when they match exactly one synthetic ' +
    'record; a predicate singles out a patient when it matches exactly one record of a dataset. Up to 500 predicates are tried on the ' +
    'training rows (main) and on holdout rows (control, as many rows: the larger set is subsampled), and random predicates on the ' +
    'training rows (baseline). Risk = (main − control) / (1 − control), bounded to [0, 1], with a propagated Wilson 95% interval. ' +
    'Score = 1 − risk: 1 = the release singles out training patients no more often than patients the generator never saw; 0 = every ' +
    'predicate finds a training patient. A baselineWarning means the attack does no better than guessing. Needs a holdout.',
  reference:
    'Article 29 Data Protection Working Party, Opinion 05/2014 on Anonymisation Techniques (singling out); Giomi et al. 2023, ' +
    '"A Unified Framework for Quantifying Privacy Risk in Synthetic Data" (Anonymeter SinglingOutEvaluator, multivariate mode, ' +
    'n_cols = 3); equal-sized main and control sets instead of its size correction',
  compute: computeSinglingOut,
};
