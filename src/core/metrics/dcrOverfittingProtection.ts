// privacy.dcrOverfittingProtection, SDMetrics' DCROverfittingProtection: is the synthetic data closer to
// the training patients than to holdout patients the generator never saw? For every synthetic row, its
// DCR to the training rows and to the holdout rows; p = the share strictly closer to the training rows
// (a tie counts as not closer, as SDMetrics' np.where(dcr_real < dcr_holdout)). SDMetrics' score is
// min(1, 2 · (1 − p)): 1 while at most half the rows lean towards the training data, 0 when all do.
//
// Where we differ from SDMetrics:
// - Set sizes. The formula assumes training and holdout sets of one size (SDMetrics warns below a
//   holdout of half the training rows): with 80/20 a synthetic row independent of the patients is
//   closer to the training rows 80% of the time by chance alone, so SDMetrics would give 0.4 to a
//   perfect generator. We first put p on the scale of equal-sized sets (the observed odds divided by the
//   chance odds trainRows / holdoutRows, the rescaling report/verdict.ts applies to privacy.dcr's
//   shareCloserToTrain), then apply SDMetrics' formula; with equal sizes this is SDMetrics' score.
//   details.sdmetricsScore keeps the unadjusted value.
// - Distance: privacy.dcr's, with the ranges of the real (training) table for both sides; SDMetrics
//   scales the distances to the holdout by the holdout's own ranges, clips a numeric term at 1 and
//   gives 1 for any difference in a zero-range column (ours 0).
//
// Bootstrap (details.ci95, bootstrap.ts): the synthetic rows are resampled with replacement (one draw of
// the synthetic row count); the score is recomputed from the share of drawn rows closer to the training
// rows, each drawn row keeping its two distances (to its closest training row and to its closest holdout
// row, computed once). The training and holdout rows are the fixed reference sets, their sizes (and so
// the chance odds of the balanced share) unchanged; they are compared with the release, not with each
// other, so a drawn duplicate changes nothing but its weight. O(n) per resample (a flag per row).
import { withResample } from './bootstrap';
import { closestDistances } from './dcrBaselineProtection';
import { shareFlagged } from './exactCopies';
import { buildDistanceSpaceYielding } from './distanceSpace';
import { MEMBERSHIP_NEEDS_HOLDOUT } from './membershipInference';
import { checkTableShape, notApplicable } from './tableColumns';
import type { LeftOut, MetricResult, TableMetric, TableMetricInput } from './types';

export const DCR_OVERFITTING_PROTECTION_ID = 'privacy.dcrOverfittingProtection';

/** p put on the scale of equal-sized training and holdout sets (chance → 0.5); p itself when the sizes agree. */
export function balancedShare(share: number, trainRows: number, holdoutRows: number): number {
  const towardsTrain = share * holdoutRows;
  const towardsHoldout = (1 - share) * trainRows;
  return towardsTrain + towardsHoldout > 0 ? towardsTrain / (towardsTrain + towardsHoldout) : 0.5;
}

/** SDMetrics' formula: min(1, 2 · (1 − share closer to training)). */
export function overfittingScore(share: number): number {
  return Math.min(1, 2 * (1 - share));
}

/**
 * The score on drawn synthetic rows, for the bootstrap: `closer` flags the rows strictly closer to the
 * training rows; the set sizes stay those of the fixed training and holdout sets.
 */
export function overfittingResample(
  closer: Uint8Array,
  trainRows: number,
  holdoutRows: number,
): (draw: (n: number) => Uint32Array) => number {
  return (draw) => overfittingScore(balancedShare(shareFlagged(closer, draw(closer.length)), trainRows, holdoutRows));
}

/** Computes the metric; notApplicable without a holdout. BAD_INPUT for unusable tables, CANCELLED on abort. */
export async function computeDcrOverfittingProtection(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  if (!input.holdout) return notApplicable(DCR_OVERFITTING_PROTECTION_ID, MEMBERSHIP_NEEDS_HOLDOUT);
  const space = await buildDistanceSpaceYielding(input.real, input.synth, input.holdout, signal);
  const holdout = space.holdout;
  if (!holdout) return notApplicable(DCR_OVERFITTING_PROTECTION_ID, MEMBERSHIP_NEEDS_HOLDOUT);
  const toTrain = await closestDistances(space, space.synth, space.real, signal);
  const toHoldout = await closestDistances(space, space.synth, holdout, signal);
  let closer = 0;
  let ties = 0;
  const closerRows = new Uint8Array(toTrain.length);
  for (let i = 0; i < toTrain.length; i++) {
    if (toTrain[i] < toHoldout[i]) {
      closer++;
      closerRows[i] = 1;
    } else if (toTrain[i] === toHoldout[i]) ties++;
  }
  const n = toTrain.length;
  const share = closer / n;
  const balanced = balancedShare(share, space.real.count, holdout.count);
  const leftOut: LeftOut[] =
    space.ignoredColumns.length > 0
      ? [
          {
            count: space.ignoredColumns.length,
            unit: 'columns',
            names: space.ignoredColumns,
            reason: 'identifier and text columns take no part',
          },
        ]
      : [];
  const trainRows = space.real.count;
  const holdoutRows = holdout.count;
  const result: MetricResult = {
    id: DCR_OVERFITTING_PROTECTION_ID,
    score: overfittingScore(balanced),
    details: {
      closerToTraining: share,
      closerToHoldout: 1 - share,
      ties,
      chanceCloserToTraining: space.real.count / (space.real.count + holdout.count),
      balancedCloserToTraining: balanced,
      sdmetricsScore: overfittingScore(share),
      synthRows: n,
      trainRows: space.real.count,
      holdoutRows: holdout.count,
      columns: space.usedColumns,
      ignoredColumns: space.ignoredColumns,
    },
    leftOut,
  };
  return withResample(result, overfittingResample(closerRows, trainRows, holdoutRows));
}

export const dcrOverfittingProtectionMetric: TableMetric = {
  id: DCR_OVERFITTING_PROTECTION_ID,
  title: 'DCR overfitting protection',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Share of synthetic rows strictly closer (distance as privacy.dcr) to a training row than to any holdout row, turned into ' +
    'min(1, 2 × (1 − share)) as SDMetrics does: 1 = the synthetic data lean no more towards the training patients than towards unseen ' +
    'ones; 0 = every synthetic row is nearer to the training data. Unlike SDMetrics, the share is first rescaled to equal-sized training ' +
    'and holdout sets (chance gives trainRows / (trainRows + holdoutRows), 80% for an 80/20 split, which SDMetrics would score 0.4); ' +
    'The unadjusted SDMetrics score is kept beside it. Both distances use the real table’s ranges. Needs a holdout.',
  reference:
    'SDMetrics DCROverfittingProtection (single_table.privacy.dcr_overfitting_protection: score = min((1 − share closer to training) × 2, 1)), ' +
    'with privacy.dcr’s distance and a size-balanced share',
  compute: computeDcrOverfittingProtection,
};
