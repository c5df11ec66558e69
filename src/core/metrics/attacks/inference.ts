// privacy.inference: the Article 29 Working Party's third question, "can something be inferred about a
// person?", as Anonymeter's inference attack (Giomi et al. 2023). The attacker knows a target's
// quasi-identifiers, finds the nearest synthetic record on them (mixed-type distance, attackRun.ts) and
// guesses that record's secret. Run on training rows (main), on holdout rows (control: what the release
// teaches about anyone from the population) and with the secret of a random synthetic record (baseline);
// risk = (main − control) / (1 − control).
import type { MetricResult, TableMetric, TableMetricInput } from '../types';
import { attackColumns, attackSetup, drawTargets, nearestSynthetic, threeWayResult } from './attackRun';
import type { AttackColumn, TargetSide } from './attackRun';
import { notApplicable } from '../tableColumns';

export const INFERENCE_ID = 'privacy.inference';

/** A numeric guess is right within this share of the real secret column's range (max − min). */
export const NUMERIC_TOLERANCE = 0.05;

export const INFERENCE_NEEDS_SECRET = 'needs the column an attacker wants to learn: --secret col';

/**
 * Whether a guessed secret counts as right: same label, or (numbers, datetimes) within NUMERIC_TOLERANCE
 * of the real column's range (exactly equal for a constant column); an empty guess is right only for an
 * empty secret.
 */
export function guessIsRight(secret: AttackColumn, guess: number, truth: number): boolean {
  const emptyG = Number.isNaN(guess);
  const emptyT = Number.isNaN(truth);
  if (emptyG || emptyT) return emptyG === emptyT;
  if (!secret.numeric) return guess === truth;
  return Math.abs(guess - truth) <= NUMERIC_TOLERANCE * secret.range;
}

/** Per target, the synthetic row whose secret is guessed, and how many guesses are right. */
export async function inferTargets(
  known: readonly AttackColumn[],
  secret: AttackColumn,
  side: TargetSide,
  targets: ArrayLike<number>,
  signal?: AbortSignal,
): Promise<{ nearest: Int32Array; right: number }> {
  const nearest = await nearestSynthetic(known, side, targets, signal);
  let right = 0;
  for (let i = 0; i < targets.length; i++) if (guessIsRight(secret, secret.synth[nearest[i]], secret[side][targets[i]])) right++;
  return { nearest, right };
}

export async function computeInference(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const setup = attackSetup(INFERENCE_ID, input, 1);
  if ('id' in setup) return setup;
  const { holdout, quasi, options } = setup;
  if (options.secret === undefined) return notApplicable(INFERENCE_ID, INFERENCE_NEEDS_SECRET);
  const columns = attackColumns(input, holdout, [...quasi, options.secret]);
  const known = columns.slice(0, quasi.length);
  const secret = columns[quasi.length];
  const seed = options.seed ?? 0;
  const { attacks, next, mainTargets, controlTargets } = drawTargets(input.real.rowCount, holdout.rowCount, seed);
  const main = await inferTargets(known, secret, 'real', mainTargets, signal);
  const control = await inferTargets(known, secret, 'holdout', controlTargets, signal);
  // Baseline: the secret of a synthetic record drawn at random, against the training targets.
  let baseline = 0;
  for (let i = 0; i < attacks; i++) {
    const guess = secret.synth[Math.floor(next() * input.synth.rowCount)];
    if (guessIsRight(secret, guess, secret.real[mainTargets[i]])) baseline++;
  }
  return threeWayResult(
    INFERENCE_ID,
    { main: [main.right, attacks], control: [control.right, attacks], baseline: [baseline, attacks] },
    {
      quasiIdentifiers: quasi,
      secret: options.secret,
      ...(secret.numeric ? { tolerance: NUMERIC_TOLERANCE * secret.range } : {}),
      seed,
    },
  );
}

export const inferenceMetric: TableMetric = {
  id: INFERENCE_ID,
  title: 'Inference attack',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Can the secret column (--secret) of a patient be guessed from the columns an attacker knows (--quasi-identifiers)? The attacker ' +
    'takes the secret of the nearest synthetic record on the known columns (mixed-type distance: |a − b| / range for numbers, 0/1 for ' +
    'labels); a guess is right when the label matches or, for numbers, lies within 5% of the real column’s range. Tried on up to 500 ' +
    'training rows (main), as many holdout rows (control) and with random synthetic records (baseline). Risk = (main − control) / ' +
    '(1 − control), bounded to [0, 1], with a propagated Wilson 95% interval; what the data teaches about everyone (the control) is not ' +
    'counted. Score = 1 − risk: 1 = the release reveals no more about training patients than about others; 0 = every training ' +
    'patient’s secret is revealed. A baselineWarning means the attack does no better than guessing. Needs a holdout.',
  reference:
    'Article 29 Data Protection Working Party, Opinion 05/2014 on Anonymisation Techniques (inference); Giomi et al. 2023, ' +
    '"A Unified Framework for Quantifying Privacy Risk in Synthetic Data" (Anonymeter InferenceEvaluator; our numeric tolerance: 5% of ' +
    'the real range)',
  compute: computeInference,
};
