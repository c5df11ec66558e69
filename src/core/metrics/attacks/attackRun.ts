// What the three Article 29 attacks (singlingOut.ts, linkability.ts, inference.ts) share, following
// Anonymeter (Giomi et al. 2023): the columns the attacker knows read as numbers, a mixed-type (Gower)
// distance over them with the nearest synthetic record of each target, the seeded draws, and the three-way
// run: the attack against training rows (main), against holdout rows the generator never saw (control,
// what the release teaches about anyone from the population) and a random guess (baseline, to show the
// attack works at all). Each is a success rate with a Wilson 95% interval; the risk is
// (main − control) / (1 − control) with the intervals propagated (src/core/math/wilson.ts).
import { mulberry32 } from '../../math/mulberry32';
import type { Column, Table } from '../../data/table/table';
import { MedSynthError } from '../../errors';
import { residualRisk, wilsonInterval } from '../../math/wilson';
import type { WilsonInterval } from '../../math/wilson';
import { checkMetricOptions } from '../metricOptions';
import type { MetricOptions } from '../metricOptions';
import { checkTableShape, isCategoryLike, isNumberLike, notApplicable } from '../tableColumns';
import type { MetricResult, TableMetricInput } from '../types';
import { timeSlicer } from '../workSteps';

/** At most this many attacks (targets or queries) per run; fewer when a table has fewer rows. */
export const MAX_ATTACKS = 500;

export const ATTACKS_NEED_HOLDOUT = "needs a holdout (the full loop's split or --holdout) for the control attack";
export const ATTACKS_NEED_QUASI_IDENTIFIERS = 'needs the columns an attacker knows: --quasi-identifiers a,b,c';

/** One known column read as numbers on every side: numeric values, or label ids shared across the tables; NaN = empty. */
export interface AttackColumn {
  readonly name: string;
  readonly numeric: boolean;
  /** Numeric: max − min of the real column's present values (0 when constant or empty). */
  readonly range: number;
  readonly real: Float64Array;
  readonly synth: Float64Array;
  readonly holdout: Float64Array;
}

export type TargetSide = 'real' | 'holdout';

function family(column: Column): 'number' | 'label' {
  return isNumberLike(column) ? 'number' : 'label';
}

/**
 * Reads the named columns of the three tables. A column the synthetic or holdout table lacks, or has
 * as numbers on one side and labels on the other, is BAD_INPUT; categorical labels are matched by text.
 */
export function attackColumns(input: TableMetricInput, holdout: Table, names: readonly string[]): AttackColumn[] {
  const tables: [string, Table][] = [
    ['real', input.real],
    ['synthetic', input.synth],
    ['holdout', holdout],
  ];
  return names.map((name) => {
    const cols = tables.map(([role, t]) => {
      const c = t.columns.find((x) => x.name === name);
      if (!c) throw new MedSynthError('BAD_INPUT', `the ${role} table has no column "${name}"`);
      return c;
    });
    const fam = family(cols[0]);
    cols.forEach((c, i) => {
      if (family(c) !== fam) {
        throw new MedSynthError(
          'BAD_INPUT',
          `column "${name}" is ${cols[0].kind} in the real table but ${c.kind} in the ${tables[i][0]} table`,
        );
      }
    });
    if (fam === 'number') {
      const values = cols.map((c) => Float64Array.from((c as { values: Float64Array }).values));
      let min = Infinity;
      let max = -Infinity;
      for (const v of values[0]) {
        if (Number.isNaN(v)) continue;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const range = max > min ? max - min : 0;
      return { name, numeric: true, range, real: values[0], synth: values[1], holdout: values[2] };
    }
    const ids = new Map<string, number>();
    const read = (c: Column, rows: number): Float64Array => {
      const out = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let label: string | null;
        if (isCategoryLike(c)) label = c.codes[r] < 0 ? null : c.categories[c.codes[r]];
        else if (c.kind === 'identifier' || c.kind === 'text') label = c.values[r];
        else label = null;
        if (label === null) out[r] = Number.NaN;
        else {
          let id = ids.get(label);
          if (id === undefined) ids.set(label, (id = ids.size));
          out[r] = id;
        }
      }
      return out;
    };
    return {
      name,
      numeric: false,
      range: 0,
      real: read(cols[0], input.real.rowCount),
      synth: read(cols[1], input.synth.rowCount),
      holdout: read(cols[2], holdout.rowCount),
    };
  });
}

/** Checks the tables and the options; returns the holdout and the quasi-identifier names, or why the attack does not apply. */
export function attackSetup(
  id: string,
  input: TableMetricInput,
  minQuasiIdentifiers: number,
): { holdout: Table; quasi: string[]; options: MetricOptions } | MetricResult {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  const options = input.options ?? {};
  checkMetricOptions(options, input.real);
  const quasi = (options.quasiIdentifiers ?? []).map((q) => q.column);
  if (quasi.length === 0) return notApplicable(id, ATTACKS_NEED_QUASI_IDENTIFIERS);
  if (quasi.length < minQuasiIdentifiers) return notApplicable(id, `needs at least ${minQuasiIdentifiers} quasi-identifiers`);
  if (!input.holdout) return notApplicable(id, ATTACKS_NEED_HOLDOUT);
  checkTableShape(input.holdout, 'holdout');
  return { holdout: input.holdout, quasi, options };
}

/**
 * The targets of the main and control attacks: min(MAX_ATTACKS, training rows, holdout rows) of each,
 * drawn without replacement from one mulberry32(seed) stream (training targets first), and the stream,
 * which the baseline goes on drawing from.
 */
export function drawTargets(
  realRows: number,
  holdoutRows: number,
  seed: number,
): { attacks: number; next: () => number; mainTargets: Int32Array; controlTargets: Int32Array } {
  const attacks = Math.min(MAX_ATTACKS, realRows, holdoutRows);
  if (attacks <= 0) throw new MedSynthError('BAD_INPUT', 'the holdout table has no rows');
  const next = mulberry32(seed);
  const mainTargets = sampleWithoutReplacement(realRows, attacks, next);
  const controlTargets = sampleWithoutReplacement(holdoutRows, attacks, next);
  return { attacks, next, mainTargets, controlTargets };
}

/** k distinct indices of 0..n−1 (a partial Fisher–Yates shuffle), in draw order. */
export function sampleWithoutReplacement(n: number, k: number, next: () => number): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(next() * (n - i));
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, k);
}

/**
 * For each target row (of the real or holdout side), the index of the synthetic row with the smallest
 * Gower-type distance over `columns`: the sum, in column order in float64, of |a − b| / range for
 * numbers (0 for a zero range), 0 / 1 for labels, 0 when both cells are empty and 1 when exactly one is
 * (privacy.dcr's terms). On ties the lowest index. A brute-force pass, cancellable.
 */
export async function nearestSynthetic(
  columns: readonly AttackColumn[],
  side: TargetSide,
  targets: ArrayLike<number>,
  signal?: AbortSignal,
): Promise<Int32Array> {
  const out = new Int32Array(targets.length);
  const synthRows = columns[0].synth.length;
  const k = columns.length;
  // Per column, hoisted out of the inner loop: the synthetic values and the range (−1 marks labels).
  const synth = columns.map((c) => c.synth);
  const range = Float64Array.from(columns, (c) => (c.numeric ? c.range : -1));
  const query = new Float64Array(k);
  const pause = timeSlicer(signal);
  for (let t = 0; t < targets.length; t++) {
    await pause();
    for (let j = 0; j < k; j++) query[j] = columns[j][side][targets[t]];
    let best = Infinity;
    let bestAt = -1;
    for (let s = 0; s < synthRows; s++) {
      let d = 0;
      for (let j = 0; j < k && d < best; j++) {
        const a = query[j];
        const b = synth[j][s];
        const r = range[j];
        const emptyA = Number.isNaN(a);
        const emptyB = Number.isNaN(b);
        if (emptyA || emptyB) d += emptyA === emptyB ? 0 : 1;
        else if (r < 0) d += a === b ? 0 : 1;
        else if (r > 0) d += Math.abs(a - b) / r;
      }
      if (d < best) {
        best = d;
        bestAt = s;
      }
    }
    out[t] = bestAt;
  }
  return out;
}

export interface RateDetails {
  readonly successes: number;
  readonly attacks: number;
  /** The Wilson centre (Anonymeter's point estimate). */
  readonly rate: number;
  readonly ci95: [number, number];
}

function rateDetails(w: WilsonInterval): RateDetails {
  return { successes: w.successes, attacks: w.trials, rate: w.rate, ci95: [w.low, w.high] };
}

/**
 * The three-way result: success rates with Wilson 95% intervals, the risk over the control with its
 * propagated interval, score = 1 − risk, and a warning when the main attack does no better than the
 * random baseline (its rate at or below the baseline's; then the risk says nothing about the release).
 */
export function threeWayResult(
  id: string,
  counts: { main: [number, number]; control: [number, number]; baseline: [number, number] },
  extra: Record<string, unknown>,
): MetricResult {
  const main = wilsonInterval(...counts.main);
  const control = wilsonInterval(...counts.control);
  const baseline = wilsonInterval(...counts.baseline);
  const risk = residualRisk(main, control);
  const details: Record<string, unknown> = {
    main: rateDetails(main),
    control: rateDetails(control),
    baseline: rateDetails(baseline),
    risk: { value: risk.value, ci95: [risk.low, risk.high] },
    residual: risk.residual,
    ...extra,
  };
  if (main.rate <= baseline.rate) {
    details.baselineWarning =
      `the attack on the training rows does no better than random guessing (success ${main.rate.toFixed(3)} ≤ baseline ` +
      `${baseline.rate.toFixed(3)}): the risk figure means nothing here`;
  }
  return { id, score: 1 - risk.value, details };
}
