// fidelity.detection, a classifier two-sample test (SDMetrics' LogisticDetection idea): real rows are
// labelled 0 and synthetic rows 1, a logistic regression learns to tell them apart on half the rows, and
// its ROC AUC on the other half says how distinguishable the release is. AUC 0.5 = no better than a coin
// (score 1), AUC 1 = every held-out row is told apart (score 0). Score = 1 − 2 · max(0, AUC − 0.5): the
// issue's 1 − 2·|AUC − 0.5| for AUC ≥ 0.5, and 1 below 0.5, as SDMetrics (max(0.5, AUC)). A held-out AUC
// below 0.5 is no sign of distinguishable data: (1) with no difference at all, held-out AUC is biased below
// 0.5 (each held-out row is missing from its own class's training half, which pulls the model away from
// it): scikit-learn gives 0.40–0.46 over seeds 0–4 for rows 1–200 against rows 201–400 of
// samples/workspace/patients.csv; (2) synthetic rows that repeat real ones put copies of real training
// rows among the held-out synthetic rows, which the model calls real (a copy of that table gives 0.36).
// With |AUC − 0.5| both would be penalised (a perfect copy would score 0.71); privacy.exactCopies flags
// copies. details.auc keeps the raw value.
//
// Features, fitted on real ∪ synthetic (as SDMetrics' HyperTransformer fits on both tables):
//   numeric, datetime  (v − min) / (max − min) over the present values of both tables (0 for a zero
//                      range); when either table has an empty cell there, the cell is 0 and one more
//                      feature says "empty" (1) or not (0)
//   boolean            1 for true, 0 for false (when both tables read it as boolean), plus the empty
//                      indicator as above
//   categorical        one-hot over the labels of both tables (matched by text, first seen first), at
//                      most MAX_ONE_HOT_LABELS of the most frequent, the rest sharing one "other"
//                      feature; an empty cell is all zeros
//   identifier, text   left out (counted in leftOut)
// Split: stratified and seeded, half of each table (rounded down) trains, the rest is held out; the
// shuffle is a mulberry32 stream (real rows first, then synthetic), so the same row counts and seed give
// the same split, whatever the cells hold. Model: logisticRegression.ts (scikit-learn's C = 1 objective).
// The AUC is taken on the decision function x·w + b (not the probability, which saturates to ties at
// 1.0 for well-separated rows) with membershipInference.ts' Mann–Whitney count (ties averaged, as
// roc_auc_score).
import { mulberry32 } from '../math/mulberry32';
import type { CategoricalColumn, Column, Table } from '../data/table/table';
import { MedSynthError, throwIfAborted } from '../errors';
import { drawCounts, withResample } from './bootstrap';
import { decisionFunction, fitLogisticRegression } from './logisticRegression';
import { membershipAttack } from './membershipInference';
import { checkTableShape, isCategoryLike, isNumberLike, notApplicable, pairColumns } from './tableColumns';
import type { LeftOut, MetricResult, TableMetric, TableMetricInput } from './types';
import { timeSlicer } from './workSteps';

export const DETECTION_ID = 'fidelity.detection';

/** The default seed of the split (details.seed). */
export const DETECTION_SEED = 0;
/** The most rows each half of the split (training, held out) uses; above it, an even thinning. */
export const DETECTION_MAX_ROWS = 10_000;

/** One-hot width cap per categorical column, so a high-cardinality column cannot blow up the Hessian. */
export const MAX_ONE_HOT_LABELS = 32;

/** Each table needs this many rows so that both halves of the split hold some of it. */
export const DETECTION_MIN_ROWS = 2;

export interface DetectionFeatures {
  /** Row-major, `features` per row: the real rows, then the synthetic rows. */
  readonly x: Float64Array;
  readonly features: number;
  /** One per feature: "age", "age (empty)", "sex=F", "diagnosis (other)". */
  readonly names: readonly string[];
  readonly usedColumns: readonly string[];
  readonly ignoredColumns: readonly string[];
  readonly realRows: number;
  readonly synthRows: number;
}

type Encoder = { readonly names: string[]; readonly fill: (col: Column, row: number, out: Float64Array, at: number) => void };

function anyEmpty(cols: readonly Column[]): boolean {
  return cols.some((col) => {
    if (isNumberLike(col)) return col.values.some(Number.isNaN);
    return isCategoryLike(col) && col.codes.some((k) => k < 0);
  });
}

function numberEncoder(name: string, cols: readonly Column[]): Encoder {
  let min = Infinity;
  let max = -Infinity;
  for (const col of cols)
    if (isNumberLike(col))
      for (const v of col.values) {
        if (Number.isNaN(v)) continue;
        if (v < min) min = v;
        if (v > max) max = v;
      }
  const scale = Number.isFinite(min) && max > min ? 1 / (max - min) : 0;
  const indicator = anyEmpty(cols);
  return {
    names: indicator ? [name, `${name} (empty)`] : [name],
    fill: (col, row, out, at) => {
      const v = isNumberLike(col) ? col.values[row] : Number.NaN;
      if (Number.isNaN(v)) {
        if (indicator) out[at + 1] = 1;
      } else out[at] = (v - min) * scale;
    },
  };
}

function booleanEncoder(name: string, cols: readonly CategoricalColumn[]): Encoder {
  const indicator = anyEmpty(cols);
  return {
    names: indicator ? [name, `${name} (empty)`] : [name],
    fill: (col, row, out, at) => {
      const c = col as CategoricalColumn;
      const k = c.codes[row];
      if (k < 0) {
        if (indicator) out[at + 1] = 1;
      } else if (c.categories[k] === 'true') out[at] = 1;
    },
  };
}

function categoryEncoder(name: string, cols: readonly CategoricalColumn[]): Encoder {
  const counts = new Map<string, number>();
  for (const col of cols) {
    const perCode = new Float64Array(col.categories.length);
    for (const k of col.codes) if (k >= 0) perCode[k]++;
    col.categories.forEach((label, k) => counts.set(label, (counts.get(label) ?? 0) + perCode[k]));
  }
  const seen = [...counts.keys()];
  // Most frequent first, ties in first-seen order (Array.prototype.sort is stable).
  const kept =
    seen.length > MAX_ONE_HOT_LABELS ? [...seen].sort((a, b) => counts.get(b)! - counts.get(a)!).slice(0, MAX_ONE_HOT_LABELS) : seen;
  const keptSet = new Set(kept);
  const ordered = seen.filter((l) => keptSet.has(l));
  const position = new Map(ordered.map((l, i) => [l, i] as const));
  const other = seen.length > ordered.length ? ordered.length : -1;
  const names = ordered.map((l) => `${name}=${l}`);
  if (other >= 0) names.push(`${name} (other)`);
  const perColumn = new Map<Column, Int32Array>(
    cols.map((col) => [col, Int32Array.from(col.categories, (l) => position.get(l) ?? other)] as const),
  );
  return {
    names,
    fill: (col, row, out, at) => {
      const k = (col as CategoricalColumn).codes[row];
      if (k >= 0) out[at + perColumn.get(col)![k]] = 1;
    },
  };
}

/** Encodes the real and synthetic rows as described at the top of this file. Throws BAD_INPUT for unusable tables. */
export function encodeDetectionFeatures(real: Table, synth: Table): DetectionFeatures {
  checkTableShape(real, 'real');
  checkTableShape(synth, 'synthetic');
  const pairs = pairColumns(real, synth, ['number', 'category']);
  const ignoredColumns = real.columns.filter((c) => !isNumberLike(c) && !isCategoryLike(c)).map((c) => c.name);
  const encoders = pairs.map((p): Encoder => {
    if (isNumberLike(p.real)) return numberEncoder(p.name, [p.real, p.synth]);
    const cols = [p.real as CategoricalColumn, p.synth as CategoricalColumn];
    return p.real.kind === 'boolean' && p.synth.kind === 'boolean' ? booleanEncoder(p.name, cols) : categoryEncoder(p.name, cols);
  });
  const names = encoders.flatMap((e) => e.names);
  const features = names.length;
  const x = new Float64Array((real.rowCount + synth.rowCount) * features);
  let offset = 0;
  pairs.forEach((p, c) => {
    const enc = encoders[c];
    for (let r = 0; r < real.rowCount; r++) enc.fill(p.real, r, x, r * features + offset);
    for (let r = 0; r < synth.rowCount; r++) enc.fill(p.synth, r, x, (real.rowCount + r) * features + offset);
    offset += enc.names.length;
  });
  return { x, features, names, usedColumns: pairs.map((p) => p.name), ignoredColumns, realRows: real.rowCount, synthRows: synth.rowCount };
}

/**
 * The stratified split: per table, a Fisher–Yates shuffle (i from n − 1 down to 1, j = ⌊u · (i + 1)⌋)
 * on one mulberry32(seed) stream, real rows first; the first ⌊n / 2⌋ of each shuffled order train.
 * Returns 1 (train) or 0 (held out) per row, real rows then synthetic rows.
 */
export function detectionSplit(realRows: number, synthRows: number, seed: number = DETECTION_SEED): Uint8Array {
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new MedSynthError('BAD_USAGE', `the detection seed must be an integer in [0, 2^32), got ${seed}`);
  const next = mulberry32(seed);
  const train = new Uint8Array(realRows + synthRows);
  for (const [start, n] of [
    [0, realRows],
    [realRows, synthRows],
  ] as const) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i >= 1; i--) {
      const j = Math.floor(next() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (let k = 0; k < Math.floor(n / 2); k++) train[start + order[k]] = 1;
  }
  return train;
}

/** 1 − 2 · max(0, AUC − 0.5), in [0, 1]: 1 for an AUC at or below 0.5 (see the header), 0 for AUC 1. */
export function detectionScore(auc: number): number {
  return Math.min(1, Math.max(0, 1 - 2 * Math.max(0, auc - 0.5)));
}

/**
 * The held-out AUC on a bootstrap resample of the held-out rows (the bootstrap of fidelity.detection; the
 * model is not refitted): positives (smaller value first, as membershipAttack) and negatives are drawn
 * apart, each by its own count, and the Mann–Whitney count is taken with each row weighted by how often
 * it was drawn. The order of all values is sorted once, on the first call.
 */
export function resampledAuc(positives: Float64Array, negatives: Float64Array): (draw: (n: number) => Uint32Array) => number {
  const n1 = positives.length;
  const n0 = negatives.length;
  let sorted: { order: Uint32Array; values: Float64Array } | undefined;
  return (draw) => {
    if (!sorted) {
      const values = new Float64Array(n1 + n0);
      values.set(positives);
      values.set(negatives, n1);
      const order = Uint32Array.from({ length: n1 + n0 }, (_, i) => i).sort((a, b) => values[a] - values[b]);
      sorted = { order, values };
    }
    const { order, values } = sorted;
    const w1 = drawCounts(draw(n1), n1);
    const w0 = drawCounts(draw(n0), n0);
    let fp = 0;
    let wins = 0;
    for (let k = 0; k < order.length;) {
      let t = 0;
      let f = 0;
      const v = values[order[k]];
      for (; k < order.length && values[order[k]] === v; k++) {
        const i = order[k];
        if (i < n1) t += w1[i];
        else f += w0[i - n1];
      }
      wins += t * (n0 - fp - f) + 0.5 * t * f;
      fp += f;
    }
    return wins / (n1 * n0);
  };
}

export interface DetectionOptions {
  readonly seed?: number;
}

/** Computes the metric; n/a without numeric or categorical columns. Throws BAD_INPUT for unusable tables, CANCELLED on abort. */
export async function computeDetection(
  input: TableMetricInput,
  signal?: AbortSignal,
  options: DetectionOptions = {},
): Promise<MetricResult> {
  const seed = options.seed ?? DETECTION_SEED;
  const enc = encodeDetectionFeatures(input.real, input.synth);
  if (enc.usedColumns.length === 0)
    return notApplicable(DETECTION_ID, 'no numeric, datetime, categorical or boolean columns to tell real from synthetic rows by');
  for (const [role, n] of [
    ['real', enc.realRows],
    ['synthetic', enc.synthRows],
  ] as const)
    if (n < DETECTION_MIN_ROWS)
      throw new MedSynthError(
        'BAD_INPUT',
        `the ${role} table has ${n} row; the detection test needs at least ${DETECTION_MIN_ROWS} (half train, half held out)`,
      );
  const split = detectionSplit(enc.realRows, enc.synthRows, seed);
  const total = enc.realRows + enc.synthRows;
  const d = enc.features;
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (let i = 0; i < total; i++) (split[i] ? trainRows : testRows).push(i);
  // Large tables: every k-th row of each half (rows are in table order, real first, so both labels keep
  // their shares), at most DETECTION_MAX_ROWS per half: the fit stays well under a second and a cancel
  // lands at once; the AUC of a 10,000-row hold-out is precise to about ±0.01.
  const thin = (rows: number[]): number[] => {
    if (rows.length <= DETECTION_MAX_ROWS) return rows;
    const every = Math.ceil(rows.length / DETECTION_MAX_ROWS);
    return rows.filter((_, k) => k % every === 0);
  };
  trainRows.splice(0, trainRows.length, ...thin(trainRows));
  testRows.splice(0, testRows.length, ...thin(testRows));
  const take = (rows: readonly number[]): Float64Array => {
    const out = new Float64Array(rows.length * d);
    rows.forEach((r, k) => out.set(enc.x.subarray(r * d, (r + 1) * d), k * d));
    return out;
  };
  const label = (r: number): number => (r < enc.realRows ? 0 : 1);
  const slice = timeSlicer(signal);
  await slice();
  const fit = fitLogisticRegression(take(trainRows), Uint8Array.from(trainRows, label), d, {
    c: 1,
    checkpoint: () => throwIfAborted(signal),
  });
  await slice();
  const z = decisionFunction(take(testRows), d, fit);
  const synthScores: number[] = [];
  const realScores: number[] = [];
  // membershipAttack counts its first argument as positives with the smaller value: pass −z.
  testRows.forEach((r, k) => (label(r) ? synthScores : realScores).push(-z[k]));
  const positives = Float64Array.from(synthScores);
  const negatives = Float64Array.from(realScores);
  const auc = membershipAttack(positives, negatives, []).auc;
  const aucOf = resampledAuc(positives, negatives);
  const trainReal = trainRows.filter((r) => r < enc.realRows).length;
  const leftOut: LeftOut[] =
    enc.ignoredColumns.length === 0
      ? []
      : [
          {
            count: enc.ignoredColumns.length,
            unit: 'columns',
            names: enc.ignoredColumns,
            reason: 'identifier and free-text columns are not features of the classifier',
          },
        ];
  const result: MetricResult = {
    id: DETECTION_ID,
    score: detectionScore(auc),
    details: {
      auc,
      split: {
        kind: 'stratified half',
        train: { real: trainReal, synthetic: trainRows.length - trainReal },
        heldOut: { real: realScores.length, synthetic: synthScores.length },
      },
      rows: { real: enc.realRows, synthetic: enc.synthRows },
      features: d,
      columns: enc.usedColumns,
      seed,
      model: { kind: 'logistic regression', c: 1, iterations: fit.iterations },
    },
    leftOut,
  };
  // The interval covers the held-out rows' sampling noise for this fitted model, not the split's or the fit's.
  return withResample(result, (draw) => detectionScore(aucOf(draw)));
}

export const detectionMetric: TableMetric = {
  id: DETECTION_ID,
  title: 'Detection (logistic classifier test)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'A logistic regression is trained on half of the real and half of the synthetic rows to tell them apart, then tried on the other ' +
    'halves. Its AUC there is 0.5 when it cannot do better than a coin and 1 when it tells every row apart. Score = 1 − 2 × |AUC − 0.5|: ' +
    '1 = the synthetic rows cannot be told from real ones by a linear model on the columns, 0 = they are told apart without fail. An AUC ' +
    'below 0.5 scores 1, as in SDMetrics: it is what chance gives on held-out rows, or synthetic rows that repeat real ones ' +
    '(privacy.exactCopies counts those), not a difference. Identifier and free-text columns are not used.',
  reference:
    "Classifier two-sample test (Lopez-Paz & Oquab 2017); SDMetrics' LogisticDetection; model as scikit-learn LogisticRegression(C=1), " +
    'AUC as roc_auc_score',
  compute: (input, signal) => computeDetection(input, signal),
};
