// utility.tstr: train on synthetic, test on real (TSTR) against train on real, test on real (TRTR), for
// the target column the user names (options.target, --target). The test rows are the holdout: real
// patients the generator never saw, so neither run is scored on rows its model or the generator was fitted
// on. Without a holdout the metric is n/a (a split of the real rows would test TRTR on rows the generator
// was trained on, flattering nothing but muddying the comparison); without a target, n/a.
//   task      classification for a categorical or boolean target (AUROC, one-vs-rest macro for more than two
//             classes, and balanced accuracy), regression for a numeric or datetime one (R², MAE)
//   models    classification: logistic regression and gradient boosting; regression: ridge (α = 1e-6) and
//             gradient boosting (models.ts, gradientBoosting.ts)
//   features  features.ts, fitted on each run's training rows; identifier and text columns dropped
//   rows      rows with an empty target are left out (leftOut); each training set and the test set are
//             thinned evenly (every k-th row) to at most TSTR_MAX_ROWS
//   classes   at most MAX_TARGET_CLASSES (50) in each training table (BAD_INPUT above, or with one class);
//             scored over the classes of the holdout's targets: a class a model never saw gets
//             probability 0; a holdout class with no row is not scored
//   score     per model the share of the real-trained model's skill that the synthetic-trained one keeps:
//             classification (AUROC_tstr − ½) / (AUROC_trtr − ½), regression R²_tstr / R²_trtr, each
//             clipped to [0, 1]; the score is the mean over the models whose TRTR skill is positive
//             (AUROC > ½, R² > 0). 1 = the synthetic data trains models as good as the real data; 0 = no
//             better than chance (a shuffled target) or the mean. No model with skill: n/a (the target cannot
//             be predicted from the other columns even with real data).
//   ci95      the bootstrap resamples the test rows (models fixed), so it is the uncertainty of the test
//             estimate, not of the training.
import type { CategoricalColumn, Column, Table } from '../../data/table/table';
import { MedSynthError } from '../../errors';
import { checkMetricOptions } from '../metricOptions';
import { checkTableShape, isCategoryLike, isNumberLike, notApplicable, pairColumns } from '../tableColumns';
import type { LeftOut, MetricResult, TableMetric, TableMetricInput } from '../types';
import { timeSlicer } from '../workSteps';
import {
  ascendingOrder,
  balancedAccuracy,
  balancedAccuracyWeighted,
  meanAbsoluteError,
  r2Score,
  regressionScoresWeighted,
  rocAuc,
  rocAucOvrMacro,
  rocAucWeighted,
} from './classificationScores';
import { fitFeatureEncoder, sortedClasses, targetLabels } from './features';
import { CLASSIFICATION_MODELS, fitPredict, REGRESSION_MODELS, type ModelName } from './models';

export const TSTR_ID = 'utility.tstr';
/** The most rows each training set and the test set use; above it, an even thinning. */
export const TSTR_MAX_ROWS = 10_000;

/**
 * The most classes a categorical target may have: the cost of one-vs-rest logistic regression and softmax
 * boosting grows with the classes (about 0.5 s a class at 10,000 rows); a column with more labels is more
 * likely an identifier or free text than an outcome.
 */
export const MAX_TARGET_CLASSES = 50;

/** BAD_INPUT unless 2 ≤ classes.length ≤ MAX_TARGET_CLASSES. */
export function checkClasses(classes: readonly string[], column: string, what: string, role: string): void {
  if (classes.length < 2)
    throw new MedSynthError(
      'BAD_INPUT',
      `the ${what} "${column}" has one class (${classes[0]}) in the ${role} table; a classifier needs two`,
    );
  if (classes.length > MAX_TARGET_CLASSES)
    throw new MedSynthError(
      'BAD_INPUT',
      `the ${what} "${column}" has ${classes.length} classes in the ${role} table; at most ${MAX_TARGET_CLASSES} are predicted (is it an identifier?)`,
    );
}

export type TaskKind = 'classification' | 'regression';

export interface ClassificationScores {
  readonly auroc: number;
  readonly balancedAccuracy: number;
}
export interface RegressionScores {
  readonly r2: number;
  readonly mae: number;
}
type Scores = ClassificationScores | RegressionScores;

function thin(rows: number[], max = TSTR_MAX_ROWS): number[] {
  if (rows.length <= max) return rows;
  const every = Math.ceil(rows.length / max);
  return rows.filter((_, k) => k % every === 0);
}

function targetColumn(table: Table, name: string, role: string, want?: 'number' | 'category'): Column {
  const col = table.columns.find((c) => c.name === name);
  if (!col) throw new MedSynthError('BAD_INPUT', `the ${role} table has no target column "${name}"`);
  const fam = isNumberLike(col) ? 'number' : isCategoryLike(col) ? 'category' : 'text';
  if (fam === 'text')
    throw new MedSynthError(
      'BAD_INPUT',
      `the target "${name}" is a ${col.kind} column; utility.tstr needs a numeric, datetime, categorical or boolean target`,
    );
  if (want && fam !== want)
    throw new MedSynthError('BAD_INPUT', `the target "${name}" is ${col.kind} in the ${role} table, unlike in the real table`);
  return col;
}

/** Rows of `col` with a present target. */
function presentRows(col: Column, n: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const empty = isCategoryLike(col) ? col.codes[i] < 0 : isNumberLike(col) ? Number.isNaN(col.values[i]) : true;
    if (!empty) rows.push(i);
  }
  return rows;
}

/** The scores of predictions `pred` for the test rows `idx` (indices into the test arrays). */
function scoreRows(kind: TaskKind, pred: Float64Array, classes: number, truth: Int32Array | Float64Array, idx: ArrayLike<number>): Scores {
  const n = idx.length;
  if (kind === 'regression') {
    const p = Float64Array.from({ length: n }, (_, k) => pred[idx[k]]);
    const t = Float64Array.from({ length: n }, (_, k) => truth[idx[k]]);
    return { r2: r2Score(p, t), mae: meanAbsoluteError(p, t) };
  }
  const proba = new Float64Array(n * classes);
  const t = new Int32Array(n);
  const predicted = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    t[k] = truth[i];
    let best = 0;
    for (let c = 0; c < classes; c++) {
      proba[k * classes + c] = pred[i * classes + c];
      if (pred[i * classes + c] > pred[i * classes + best]) best = c;
    }
    predicted[k] = best;
  }
  const auroc =
    classes === 2
      ? rocAuc(
          Float64Array.from({ length: n }, (_, k) => proba[2 * k + 1]),
          Uint8Array.from(t, (v) => (v === 1 ? 1 : 0)),
        )
      : rocAucOvrMacro(proba, t, classes);
  return { auroc, balancedAccuracy: balancedAccuracy(predicted, t) };
}

/**
 * The scores of predictions `pred` on the test rows with row weights (a bootstrap resample's
 * multiplicities): the orders by each class's probability are sorted once, here.
 */
function weightedScorer(
  kind: TaskKind,
  pred: Float64Array,
  classes: number,
  truth: Int32Array | Float64Array,
): (weights: Float64Array) => Scores {
  if (kind === 'regression') return (weights) => regressionScoresWeighted(pred, truth, weights);
  const n = truth.length;
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (pred[i * classes + c] > pred[i * classes + best]) best = c;
    predicted[i] = best;
  }
  const scored = classes === 2 ? [1] : Array.from({ length: classes }, (_, c) => c);
  const columns = scored.map((c) => Float64Array.from({ length: n }, (_, i) => pred[i * classes + c]));
  const orders = columns.map(ascendingOrder);
  return (weights) => {
    let sum = 0;
    let used = 0;
    scored.forEach((c, k) => {
      const auc = rocAucWeighted(orders[k], columns[k], (i) => truth[i] === c, weights);
      if (Number.isNaN(auc)) return;
      sum += auc;
      used++;
    });
    return {
      auroc: used === 0 ? Number.NaN : sum / used,
      balancedAccuracy: balancedAccuracyWeighted(predicted, truth as Int32Array, weights),
    };
  };
}

/** Skill kept: clipped to [0, 1]; null when the real-trained model has no skill. */
function skillRatio(kind: TaskKind, tstr: Scores, trtr: Scores): number | null {
  const [s, r] =
    kind === 'classification'
      ? [(tstr as ClassificationScores).auroc - 0.5, (trtr as ClassificationScores).auroc - 0.5]
      : [(tstr as RegressionScores).r2, (trtr as RegressionScores).r2];
  if (!(r > 0) || Number.isNaN(s)) return null;
  return Math.min(1, Math.max(0, s / r));
}

interface Run {
  readonly x: Float64Array;
  readonly y: Int32Array | Float64Array;
  readonly rows: number;
  readonly features: number;
  readonly classes: readonly string[];
}

/** Computes the metric. Throws BAD_INPUT for unusable tables or targets, CANCELLED on abort. */
export async function computeTstr(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const { real, synth, holdout } = input;
  // Unusable tables and options are errors before anything is n/a (as the privacy attacks).
  checkTableShape(real, 'real');
  checkTableShape(synth, 'synthetic');
  checkMetricOptions(input.options, real);
  const target = input.options?.target;
  if (target === undefined) return notApplicable(TSTR_ID, 'needs a target column to predict: --target col');
  if (!holdout) return notApplicable(TSTR_ID, "needs a holdout of real rows to test on: the full loop's split or --holdout");
  checkTableShape(holdout, 'holdout');
  const realTarget = targetColumn(real, target, 'real');
  const want = isNumberLike(realTarget) ? 'number' : 'category';
  const kind: TaskKind = want === 'number' ? 'regression' : 'classification';
  const synthTarget = targetColumn(synth, target, 'synthetic', want);
  const testTarget = targetColumn(holdout, target, 'holdout', want);
  const pairs = pairColumns(real, synth, ['number', 'category']).filter((p) => p.name !== target);
  pairColumns(real, holdout, ['number', 'category'], 'holdout');
  const columns = pairs.map((p) => p.name);
  const ignored = real.columns.filter((c) => !isNumberLike(c) && !isCategoryLike(c)).map((c) => c.name);

  const realRowsAll = presentRows(realTarget, real.rowCount);
  const synthRowsAll = presentRows(synthTarget, synth.rowCount);
  const testRowsAll = presentRows(testTarget, holdout.rowCount);
  const leftOut: LeftOut[] = [];
  for (const [role, all, n] of [
    ['real', realRowsAll, real.rowCount],
    ['synthetic', synthRowsAll, synth.rowCount],
    ['holdout', testRowsAll, holdout.rowCount],
  ] as const)
    if (all.length < n) leftOut.push({ count: n - all.length, unit: 'rows', reason: `${role} rows with an empty target "${target}"` });
  if (ignored.length > 0)
    leftOut.push({ count: ignored.length, unit: 'columns', names: ignored, reason: 'identifier and free-text columns are not features' });
  const realRows = thin(realRowsAll);
  const synthRows = thin(synthRowsAll);
  const testRows = thin(testRowsAll);
  for (const [role, rows] of [
    ['real', realRows],
    ['synthetic', synthRows],
    ['holdout', testRows],
  ] as const)
    if (rows.length < 2)
      throw new MedSynthError(
        'BAD_INPUT',
        `the ${role} table has ${rows.length} row with a target "${target}"; utility.tstr needs at least 2`,
      );

  // The evaluation classes: the holdout's labels.
  const testLabels = kind === 'classification' ? targetLabels(testTarget as CategoricalColumn, testRows) : [];
  const evalClasses = sortedClasses(testLabels);
  if (kind === 'classification' && evalClasses.length < 2)
    throw new MedSynthError('BAD_INPUT', `the target "${target}" has one class (${evalClasses[0]}) in the holdout; AUROC needs two`);
  const truth: Int32Array | Float64Array =
    kind === 'classification'
      ? Int32Array.from(testLabels, (l) => evalClasses.indexOf(l!))
      : Float64Array.from(testRows, (r) => (testTarget as { values: Float64Array }).values[r]);

  const build = (table: Table, col: Column, rows: number[], role: string): Run & { encode: (t: Table, r: number[]) => Float64Array } => {
    const enc = fitFeatureEncoder(table, rows, columns);
    const x = enc.encode(table, rows);
    if (kind === 'regression') {
      const values = (col as { values: Float64Array }).values;
      return {
        x,
        y: Float64Array.from(rows, (r) => values[r]),
        rows: rows.length,
        features: enc.names.length,
        classes: [],
        encode: enc.encode,
      };
    }
    const labels = targetLabels(col as CategoricalColumn, rows);
    const classes = sortedClasses(labels);
    checkClasses(classes, target, 'target', role);
    return {
      x,
      y: Int32Array.from(labels, (l) => classes.indexOf(l!)),
      rows: rows.length,
      features: enc.names.length,
      classes,
      encode: enc.encode,
    };
  };
  const runs = { trtr: build(real, realTarget, realRows, 'real'), tstr: build(synth, synthTarget, synthRows, 'synthetic') };
  const models = kind === 'classification' ? CLASSIFICATION_MODELS : REGRESSION_MODELS;
  const slice = timeSlicer(signal);
  // predictions[model][run]: per test row, the evaluation classes' probabilities or the number.
  const predictions = new Map<ModelName, { trtr: Float64Array; tstr: Float64Array }>();
  for (const model of models) {
    const out: Record<'trtr' | 'tstr', Float64Array> = { trtr: new Float64Array(0), tstr: new Float64Array(0) };
    for (const which of ['trtr', 'tstr'] as const) {
      const run = runs[which];
      const xTest = run.encode(holdout, testRows);
      const train = { x: run.x, features: run.features, y: run.y, classes: run.classes.length };
      const pred = await fitPredict(model, train, xTest, testRows.length, slice, signal);
      out[which] = kind === 'regression' ? pred : toEvalClasses(pred, run.classes, evalClasses, testRows.length);
    }
    predictions.set(model, out);
  }
  await slice();

  const skillOf = (perModel: Record<string, { trtr: Scores; tstr: Scores; skillKept: number | null }>): number | null => {
    const kept = Object.values(perModel)
      .map((m) => m.skillKept)
      .filter((v): v is number => v !== null);
    return kept.length === 0 ? null : kept.reduce((a, b) => a + b, 0) / kept.length;
  };
  const perModel: Record<string, { trtr: Scores; tstr: Scores; skillKept: number | null }> = {};
  const allTest = Uint32Array.from({ length: testRows.length }, (_, i) => i);
  for (const [model, p] of predictions) {
    const trtr = scoreRows(kind, p.trtr, evalClasses.length, truth, allTest);
    const tstr = scoreRows(kind, p.tstr, evalClasses.length, truth, allTest);
    perModel[model] = { tstr, trtr, skillKept: skillRatio(kind, tstr, trtr) };
  }
  const score = skillOf(perModel);
  // The bootstrap: the same predictions, the test rows weighted by their multiplicity in the resample.
  // Sorted on the first resample only (no cost without a bootstrap).
  let scorers: { model: string; trtr: (w: Float64Array) => Scores; tstr: (w: Float64Array) => Scores }[] | undefined;
  const resampled = (idx: Uint32Array): number | null => {
    const weights = new Float64Array(testRows.length);
    for (const i of idx) weights[i]++;
    const per: Record<string, { trtr: Scores; tstr: Scores; skillKept: number | null }> = {};
    scorers ??= [...predictions].map(([model, p]) => ({
      model,
      trtr: weightedScorer(kind, p.trtr, evalClasses.length, truth),
      tstr: weightedScorer(kind, p.tstr, evalClasses.length, truth),
    }));
    for (const sc of scorers) {
      const trtr = sc.trtr(weights);
      const tstr = sc.tstr(weights);
      per[sc.model] = { trtr, tstr, skillKept: skillRatio(kind, tstr, trtr) };
    }
    return skillOf(per);
  };
  if (score === null)
    return {
      ...notApplicable(
        TSTR_ID,
        `no model trained on the real rows predicts "${target}" better than chance on the holdout, so there is no skill to compare`,
      ),
      details: { task: kind, target, models: perModel },
    };
  return {
    id: TSTR_ID,
    score,
    details: {
      task: kind,
      target,
      ...(kind === 'classification' ? { classes: evalClasses } : {}),
      models: perModel,
      rows: { trainReal: realRows.length, trainSynthetic: synthRows.length, test: testRows.length },
      features: { trtr: runs.trtr.features, tstr: runs.tstr.features },
      columns,
    },
    leftOut,
    resample: (draw) => resampled(draw(testRows.length)),
  };
}

/** Re-indexes probabilities from a model's classes to the evaluation classes (0 for a class the model lacks). */
function toEvalClasses(pred: Float64Array, modelClasses: readonly string[], evalClasses: readonly string[], rows: number): Float64Array {
  const k = modelClasses.length;
  const e = evalClasses.length;
  const from = evalClasses.map((c) => modelClasses.indexOf(c));
  const out = new Float64Array(rows * e);
  for (let i = 0; i < rows; i++) for (let c = 0; c < e; c++) if (from[c] >= 0) out[i * e + c] = pred[i * k + from[c]];
  return out;
}

export const tstrMetric: TableMetric = {
  id: TSTR_ID,
  title: 'Train synthetic, test real (TSTR)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Models are trained to predict the target column once on the real rows and once on the synthetic rows, and both are tested on ' +
    'the holdout (real rows the generator never saw). Score = the share of the real-trained model’s skill (AUROC above ½, or R²) that ' +
    'the synthetic-trained model keeps, averaged over logistic/linear regression and gradient-boosted trees: 1 = synthetic data trains ' +
    'models as good as real data, 0 = no better than chance. Needs --target and a holdout.',
  reference:
    'TSTR (Esteban et al. 2017; Jordon et al. 2021); models as scikit-learn LogisticRegression(C=1), Ridge, HistGradientBoosting; ' +
    'scores as roc_auc_score, balanced_accuracy_score, r2_score, mean_absolute_error',
  compute: (input, signal) => computeTstr(input, signal),
};
