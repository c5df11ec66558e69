// privacy.linkability: the Article 29 Working Party's second question, "can two records of the same
// person be linked?", as Anonymeter's linkability attack (Giomi et al. 2023). The attacker holds two
// datasets about the same people, A with some of the known columns and B with the others, and uses the
// synthetic release as a bridge: for each target, the nearest synthetic record on A's columns and the
// nearest on B's. When both are the same synthetic record the two halves are linked (Anonymeter with
// n_neighbors = 1: the neighbour index sets intersect). Run on training rows (main), on holdout rows
// (control) and with random synthetic records (baseline); risk = (main − control) / (1 − control).
import type { MetricResult, TableMetric, TableMetricInput } from '../types';
import { attackColumns, attackSetup, drawTargets, nearestSynthetic, threeWayResult } from './attackRun';
import type { AttackColumn, TargetSide } from './attackRun';

export const LINKABILITY_ID = 'privacy.linkability';

/** The attacker's two datasets: the first ⌈k/2⌉ quasi-identifiers as named, and the rest. */
export function splitHalves(quasi: readonly string[]): [string[], string[]] {
  const cut = Math.ceil(quasi.length / 2);
  return [quasi.slice(0, cut), quasi.slice(cut)];
}

/** Per target: linked (1) when its nearest synthetic record on A's columns is the one on B's. */
export async function linkTargets(
  a: readonly AttackColumn[],
  b: readonly AttackColumn[],
  side: TargetSide,
  targets: ArrayLike<number>,
  signal?: AbortSignal,
): Promise<{ nearestA: Int32Array; nearestB: Int32Array; linked: number }> {
  const nearestA = await nearestSynthetic(a, side, targets, signal);
  const nearestB = await nearestSynthetic(b, side, targets, signal);
  let linked = 0;
  for (let i = 0; i < targets.length; i++) if (nearestA[i] === nearestB[i]) linked++;
  return { nearestA, nearestB, linked };
}

export async function computeLinkability(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const setup = attackSetup(LINKABILITY_ID, input, 2);
  if ('id' in setup) return setup;
  const { holdout, quasi, options } = setup;
  const [namesA, namesB] = splitHalves(quasi);
  const columns = attackColumns(input, holdout, quasi);
  const a = columns.slice(0, namesA.length);
  const b = columns.slice(namesA.length);
  const seed = options.seed ?? 0;
  const { attacks, next, mainTargets, controlTargets } = drawTargets(input.real.rowCount, holdout.rowCount, seed);
  const main = await linkTargets(a, b, 'real', mainTargets, signal);
  const control = await linkTargets(a, b, 'holdout', controlTargets, signal);
  // Baseline: the attacker picks a synthetic record for each half at random.
  let baseline = 0;
  for (let i = 0; i < attacks; i++) {
    const ra = Math.floor(next() * input.synth.rowCount);
    const rb = Math.floor(next() * input.synth.rowCount);
    if (ra === rb) baseline++;
  }
  return threeWayResult(
    LINKABILITY_ID,
    { main: [main.linked, attacks], control: [control.linked, attacks], baseline: [baseline, attacks] },
    { datasetA: namesA, datasetB: namesB, neighbours: 1, seed },
  );
}

export const linkabilityMetric: TableMetric = {
  id: LINKABILITY_ID,
  title: 'Linkability attack',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Can two records of the same patient be linked through the synthetic data? The known columns (--quasi-identifiers) are split into ' +
    'two halves, as if an attacker held two separate datasets; a link succeeds when a patient’s nearest synthetic record on the first ' +
    'half is also the nearest on the second (mixed-type distance: |a − b| / range for numbers, 0/1 for labels). Tried on up to 500 ' +
    'training rows (main), as many holdout rows (control) and random synthetic records (baseline). Risk = (main − control) / ' +
    '(1 − control), bounded to [0, 1], with a propagated Wilson 95% interval. Score = 1 − risk: 1 = linking works no better on training ' +
    'patients than on patients the generator never saw; 0 = every training patient is linked. A baselineWarning means the attack does ' +
    'no better than guessing, and the risk says nothing. Needs at least two quasi-identifiers and a holdout.',
  reference:
    'Article 29 Data Protection Working Party, Opinion 05/2014 on Anonymisation Techniques (linkability); Giomi et al. 2023, ' +
    '"A Unified Framework for Quantifying Privacy Risk in Synthetic Data" (Anonymeter LinkabilityEvaluator, n_neighbors = 1)',
  compute: computeLinkability,
};
