// privacy.attributeInference: can a model learned from the release infer a real patient's secret from
// the columns an attacker knows? The attacker trains utility.tstr's models (utility/models.ts:
// logistic regression or ridge, and gradient-boosted trees) to predict options.secret from
// options.quasiIdentifiers on the synthetic rows and applies them to the real (training) records. The
// baseline is the same model trained on the holdout: real patients of the same population that the
// generator never saw, so it measures what anyone learns about the population, not about the patients
// in the training data. Features: utility/features.ts on the quasi-identifiers (the generalisation
// `age:10` is not applied to the model features; the models see the values).
//   success   classification (categorical or boolean secret): accuracy, the share of real records
//             whose secret is guessed (argmax); regression (numeric or datetime secret): R²
//   risk      per model (main − baseline) / (1 − baseline), main = trained on synthetic, baseline =
//             trained on the holdout, both scored on the same real records; 0 when main ≤ baseline
//             (or baseline = 1)
//   score     1 − the largest risk over the models: 1 = the release lets a model infer the secret of
//             training patients no better than other real data does; 0 = it infers every secret the
//             holdout-trained model misses
//   CAP       for a categorical secret, SDMetrics' CategoricalCAP (Taub et al. 2018, correct attribution
//             probability) on the quasi-identifiers (generalised as asked): for every real record
//             whose key (the quasi-identifier values) occurs among the synthetic rows, the share of those
//             synthetic rows carrying the record's secret; CAP = 1 − the mean over such records (records
//             with no key match are skipped; with none matched at all SDMetrics returns 0, and so do
//             we, with details.cap.matched = 0). An empty cell is a value of its own here (SDMetrics
//             does not support missing values). The same with the holdout as the attacker's data is
//             details.cap.baseline.
// Needs a holdout (the baseline), a secret and quasi-identifiers; n/a otherwise. Rows with an empty
// secret are left out; each table is thinned evenly to at most TSTR_MAX_ROWS rows.
import type { CategoricalColumn, Column, Table } from '../data/table/table';
import { MedSynthError } from '../errors';
import { ATTACKS_NEED_QUASI_IDENTIFIERS } from './attacks/attackRun';
import { INFERENCE_NEEDS_SECRET } from './attacks/inference';
import { checkMetricOptions, type QuasiIdentifier } from './metricOptions';
import { checkTableShape, isCategoryLike, isNumberLike, notApplicable, pairColumns } from './tableColumns';
import type { LeftOut, MetricResult, TableMetric, TableMetricInput } from './types';
import { r2Score } from './utility/classificationScores';
import { fitFeatureEncoder, sortedClasses, targetLabels } from './utility/features';
import { CLASSIFICATION_MODELS, fitPredict, REGRESSION_MODELS } from './utility/models';
import { checkClasses, TSTR_MAX_ROWS } from './utility/tstr';
import { timeSlicer } from './workSteps';

export const ATTRIBUTE_INFERENCE_ID = 'privacy.attributeInference';

function column(table: Table, name: string, role: string): Column {
  const col = table.columns.find((c) => c.name === name);
  if (!col) throw new MedSynthError('BAD_INPUT', `the ${role} table has no column "${name}"`);
  return col;
}

function thin(rows: number[]): number[] {
  if (rows.length <= TSTR_MAX_ROWS) return rows;
  const every = Math.ceil(rows.length / TSTR_MAX_ROWS);
  return rows.filter((_, k) => k % every === 0);
}

function presentRows(col: Column, n: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const empty = isCategoryLike(col) ? col.codes[i] < 0 : isNumberLike(col) ? Number.isNaN(col.values[i]) : true;
    if (!empty) rows.push(i);
  }
  return rows;
}

/** The attacker's key of a row: the quasi-identifier values, generalised as asked, joined. */
export function keyOf(table: Table, qis: readonly QuasiIdentifier[]): (row: number) => string {
  const cols = qis.map((q) => ({ q, col: column(table, q.column, 'a') }));
  return (row) =>
    cols
      .map(({ q, col }) => {
        if (isNumberLike(col)) {
          const v = col.values[row];
          if (Number.isNaN(v)) return '\u0000';
          return String(q.generalise ? Math.floor(v / q.generalise) : v);
        }
        const text = isCategoryLike(col) ? (col.codes[row] < 0 ? null : col.categories[col.codes[row]]) : col.values[row];
        if (text === null) return '\u0000';
        return q.generalise ? text.slice(0, q.generalise) : text;
      })
      .join('\u0001');
}

export interface CapResult {
  /** 1 − mean correct attribution probability over the matched records (0 when none matched, as SDMetrics). */
  readonly score: number;
  readonly matched: number;
  readonly records: number;
}

/** SDMetrics' CategoricalCAP of `targetRows` of `target` against the attacker's rows of `source` (see the header). */
export function categoricalCap(
  source: Table,
  sourceRows: ArrayLike<number>,
  target: Table,
  targetRows: ArrayLike<number>,
  qis: readonly QuasiIdentifier[],
  secret: string,
): CapResult {
  const sourceKey = keyOf(source, qis);
  const targetKey = keyOf(target, qis);
  const secretText = (table: Table, row: number): string => {
    const col = column(table, secret, 'a');
    return isCategoryLike(col)
      ? col.codes[row] < 0
        ? '\u0000'
        : col.categories[col.codes[row]]
      : String(isNumberLike(col) ? col.values[row] : col.values[row]);
  };
  const classes = new Map<string, Map<string, number>>();
  const sizes = new Map<string, number>();
  for (let k = 0; k < sourceRows.length; k++) {
    const r = sourceRows[k];
    const key = sourceKey(r);
    let perSecret = classes.get(key);
    if (!perSecret) classes.set(key, (perSecret = new Map()));
    const s = secretText(source, r);
    perSecret.set(s, (perSecret.get(s) ?? 0) + 1);
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  let sum = 0;
  let matched = 0;
  for (let k = 0; k < targetRows.length; k++) {
    const r = targetRows[k];
    const key = targetKey(r);
    const perSecret = classes.get(key);
    if (!perSecret) continue;
    matched++;
    sum += (perSecret.get(secretText(target, r)) ?? 0) / sizes.get(key)!;
  }
  return { score: matched === 0 ? 0 : 1 - sum / matched, matched, records: targetRows.length };
}

interface Success {
  readonly accuracy?: number;
  readonly r2?: number;
}

/** Accuracy (per-row right/wrong flags) or R² (per-row predictions) over the real rows `idx`. */
function success(classification: boolean, perRow: Float64Array, truth: Float64Array, idx: ArrayLike<number>): number {
  if (classification) {
    let right = 0;
    for (let k = 0; k < idx.length; k++) right += perRow[idx[k]];
    return right / idx.length;
  }
  return r2Score(
    Float64Array.from({ length: idx.length }, (_, k) => perRow[idx[k]]),
    Float64Array.from({ length: idx.length }, (_, k) => truth[idx[k]]),
  );
}

function riskOf(main: number, base: number): number {
  return base >= 1 || !(main > base) ? 0 : Math.min(1, (main - base) / (1 - base));
}

/** Computes the metric. Throws BAD_INPUT for unusable tables or options, CANCELLED on abort. */
export async function computeAttributeInference(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const { real, synth, holdout } = input;
  // Unusable tables and options are errors before anything is n/a (as the other attacks, attackRun.ts).
  checkTableShape(real, 'real');
  checkTableShape(synth, 'synthetic');
  checkMetricOptions(input.options, real);
  const secret = input.options?.secret;
  const qis = input.options?.quasiIdentifiers ?? [];
  if (secret === undefined) return notApplicable(ATTRIBUTE_INFERENCE_ID, INFERENCE_NEEDS_SECRET);
  if (qis.length === 0) return notApplicable(ATTRIBUTE_INFERENCE_ID, ATTACKS_NEED_QUASI_IDENTIFIERS);
  if (!holdout)
    return notApplicable(ATTRIBUTE_INFERENCE_ID, "needs a holdout of real rows for the baseline: the full loop's split or --holdout");
  checkTableShape(holdout, 'holdout');
  if (qis.some((q) => q.column === secret)) throw new MedSynthError('BAD_USAGE', `"${secret}" is both the secret and a quasi-identifier`);
  const realSecret = column(real, secret, 'real');
  if (!isNumberLike(realSecret) && !isCategoryLike(realSecret))
    throw new MedSynthError(
      'BAD_INPUT',
      `the secret "${secret}" is a ${realSecret.kind} column; a model needs a numeric, datetime, categorical or boolean secret`,
    );
  const classification = isCategoryLike(realSecret);
  const secretIn = (t: Table, role: string): Column => {
    const col = column(t, secret, role);
    if (isCategoryLike(col) !== classification || (!classification && !isNumberLike(col)))
      throw new MedSynthError(
        'BAD_INPUT',
        `the secret "${secret}" is ${col.kind} in the ${role} table but ${realSecret.kind} in the real table`,
      );
    return col;
  };
  const synthSecret = secretIn(synth, 'synthetic');
  const holdSecret = secretIn(holdout, 'holdout');
  const qiNames = qis.map((q) => q.column);
  for (const [t, role] of [
    [synth, 'synthetic'],
    [holdout, 'holdout'],
  ] as const) {
    const pairs = pairColumns(real, t, ['number', 'category', 'text'], role);
    for (const name of qiNames)
      if (!pairs.some((p) => p.name === name)) throw new MedSynthError('BAD_INPUT', `the ${role} table has no column "${name}"`);
  }
  // Model features: the quasi-identifiers the models can read (identifier and text ones only count for CAP).
  const featureColumns = qiNames.filter((n) => {
    const c = column(real, n, 'real');
    return isNumberLike(c) || isCategoryLike(c);
  });

  const all = {
    real: presentRows(realSecret, real.rowCount),
    synth: presentRows(synthSecret, synth.rowCount),
    holdout: presentRows(holdSecret, holdout.rowCount),
  };
  const leftOut: LeftOut[] = [];
  for (const [role, rows, n] of [
    ['real', all.real, real.rowCount],
    ['synthetic', all.synth, synth.rowCount],
    ['holdout', all.holdout, holdout.rowCount],
  ] as const)
    if (rows.length < n) leftOut.push({ count: n - rows.length, unit: 'rows', reason: `${role} rows with an empty secret "${secret}"` });
  const rows = { real: thin(all.real), synth: thin(all.synth), holdout: thin(all.holdout) };
  for (const [role, r] of Object.entries(rows))
    if (r.length < 2)
      throw new MedSynthError('BAD_INPUT', `the ${role} table has ${r.length} row with a secret "${secret}"; the attack needs at least 2`);

  const evalClasses = classification ? sortedClasses(targetLabels(realSecret as CategoricalColumn, rows.real)) : [];
  const truthLabels = classification ? targetLabels(realSecret as CategoricalColumn, rows.real) : [];
  const truthNumbers = classification
    ? new Float64Array(0)
    : Float64Array.from(rows.real, (r) => (realSecret as { values: Float64Array }).values[r]);
  const slice = timeSlicer(signal);
  const models = classification ? CLASSIFICATION_MODELS : REGRESSION_MODELS;
  // Per real row: 1/0 for a right/wrong guess (classification) or the predicted number (regression).
  const attack = async (
    model: (typeof models)[number],
    table: Table,
    col: Column,
    trainRows: number[],
    role: string,
  ): Promise<Float64Array> => {
    const enc = fitFeatureEncoder(table, trainRows, featureColumns);
    const x = enc.encode(table, trainRows);
    const xReal = enc.encode(real, rows.real);
    const d = enc.names.length;
    if (!classification) {
      const values = (col as { values: Float64Array }).values;
      return fitPredict(
        model,
        { x, features: d, y: Float64Array.from(trainRows, (r) => values[r]), classes: 0 },
        xReal,
        rows.real.length,
        slice,
        signal,
      );
    }
    const labels = targetLabels(col as CategoricalColumn, trainRows);
    const classes = sortedClasses(labels);
    checkClasses(classes, secret, 'secret', role);
    const y = Int32Array.from(labels, (l) => classes.indexOf(l!));
    const proba = await fitPredict(model, { x, features: d, y, classes: classes.length }, xReal, rows.real.length, slice, signal);
    const right = new Float64Array(rows.real.length);
    for (let i = 0; i < rows.real.length; i++) {
      let best = 0;
      for (let c = 1; c < classes.length; c++) if (proba[i * classes.length + c] > proba[i * classes.length + best]) best = c;
      right[i] = classes[best] === truthLabels[i] ? 1 : 0;
    }
    return right;
  };
  const perRow: { main: Float64Array; base: Float64Array }[] = [];
  for (const model of models)
    perRow.push({
      main: await attack(model, synth, synthSecret, rows.synth, 'synthetic'),
      base: await attack(model, holdout, holdSecret, rows.holdout, 'holdout'),
    });
  const evaluate = (
    idx: ArrayLike<number>,
  ): { perModel: Record<string, { synthetic: Success; holdout: Success; risk: number }>; score: number } => {
    const perModel: Record<string, { synthetic: Success; holdout: Success; risk: number }> = {};
    let worst = 0;
    models.forEach((model, k) => {
      const m = success(classification, perRow[k].main, truthNumbers, idx);
      const b = success(classification, perRow[k].base, truthNumbers, idx);
      const risk = riskOf(m, b);
      worst = Math.max(worst, risk);
      const as = (v: number): Success => (classification ? { accuracy: v } : { r2: v });
      perModel[model] = { synthetic: as(m), holdout: as(b), risk };
    });
    return { perModel, score: 1 - worst };
  };
  const { perModel, score } = evaluate(Uint32Array.from(rows.real.keys()));
  const cap = classification
    ? {
        ...categoricalCap(synth, rows.synth, real, rows.real, qis, secret),
        baseline: categoricalCap(holdout, rows.holdout, real, rows.real, qis, secret),
      }
    : undefined;
  return {
    id: ATTRIBUTE_INFERENCE_ID,
    score,
    details: {
      secret,
      quasiIdentifiers: qiNames,
      task: classification ? 'classification' : 'regression',
      success: classification ? 'accuracy' : 'r2',
      ...(classification ? { classes: evalClasses } : {}),
      models: perModel,
      ...(cap ? { cap } : {}),
      rows: { real: rows.real.length, synthetic: rows.synth.length, holdout: rows.holdout.length },
      features: featureColumns,
    },
    leftOut,
    // The bootstrap resamples the real records attacked (models fixed).
    resample: (draw) => evaluate(draw(rows.real.length)).score,
  };
}

export const attributeInferenceMetric: TableMetric = {
  id: ATTRIBUTE_INFERENCE_ID,
  title: 'Attribute inference (model attack, CAP)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'An attacker who knows some columns of a patient (--quasi-identifiers) trains models on the synthetic data to predict the secret ' +
    'column (--secret) and applies them to the real training records; the baseline is the same model trained on the holdout (real ' +
    'patients the generator never saw). Risk = how much of the gap to a perfect guess the release closes beyond the baseline. ' +
    'Score = 1 − the largest risk: 1 = the synthetic data teaches no more about the training patients than other real data does, ' +
    "0 = it reveals every secret the baseline misses. SDMetrics' CategoricalCAP is kept beside it for a categorical secret. Needs a holdout.",
  reference:
    "Attribute inference as in Stadler et al. 2022 and Giomi et al. 2023 (main vs control); SDMetrics' CategoricalCAP (Taub et al. 2018); " +
    'models as utility.tstr (scikit-learn LogisticRegression(C=1), Ridge, HistGradientBoosting)',
  compute: (input, signal) => computeAttributeInference(input, signal),
};
