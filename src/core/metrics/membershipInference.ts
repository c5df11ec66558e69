// privacy.membershipInference, the distance attack: an attacker holding a real record and the synthetic
// release guesses "this patient was in the training data" when the record sits close to some synthetic
// row. Scored on the training rows (members) against the holdout rows (non-members, real patients the
// generator never saw): if the release leaks membership, members are nearer to it than non-members.
// The distance is privacy.dcr's (distanceSpace.ts, ranges from the real table); the AUC and the ROC
// points follow scikit-learn's roc_auc_score and roc_curve.
//
// Bootstrap (details.ci95, bootstrap.ts): members and non-members are resampled separately, with
// replacement, each by its own draw (first the training rows, then the holdout rows), and the AUC (and
// the TPR at the FPR levels) is taken on the drawn rows, each row keeping the distance to its nearest
// synthetic row that the shared real → synth and holdout → synth passes found. The synthetic rows are
// the fixed reference set: they are what the attacker holds, the release itself. The passes are query →
// release only, so a row drawn twice is never its own copy's neighbour. One resample is O(n): the
// distances are sorted once (on the first resample) and a resample weights each row by its draw count.
import { drawCounts, withResample } from './bootstrap';
import { ignoredColumnsLeftOut } from './dcr';
import { neighbourSpace, sharedNeighbours } from './neighbourCache';
import { checkTableShape } from './tableColumns';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const MEMBERSHIP_INFERENCE_ID = 'privacy.membershipInference';

/** The false-positive rates at which the true-positive rate is reported. */
export const MEMBERSHIP_FPR_LEVELS: readonly number[] = [0.01, 0.1];

export const MEMBERSHIP_NEEDS_HOLDOUT = "needs a holdout: the full loop's split or --holdout";

export interface MembershipAttack {
  /** ROC AUC of telling members from non-members by the score −distance; ties count one half. */
  readonly auc: number;
  /** Level (as written in MEMBERSHIP_FPR_LEVELS, e.g. "0.01") → TPR at the last ROC point with FPR ≤ level. */
  readonly tprAtFpr: Record<string, number>;
}

/**
 * The distance attack's ROC from each member's and non-member's distance to the nearest synthetic row
 * (smaller distance = more likely a member). AUC = P(member nearer) + ½ P(equally near), the
 * Mann–Whitney form that scikit-learn's roc_auc_score gives with tied scores (the trapezoid over tied
 * thresholds). The ROC points are sklearn's roc_curve with drop_intermediate=False: one point per
 * distinct distance, all rows at that distance flagged together, after (0, 0). tprAtFpr[level] is the
 * TPR of the last such point whose FPR ≤ level (the most permissive threshold that keeps the false
 * alarms within the level); no interpolation between points, so a step of tied non-members across the
 * level is not split.
 */
export function membershipAttack(
  members: Float64Array,
  nonMembers: Float64Array,
  levels: readonly number[] = MEMBERSHIP_FPR_LEVELS,
): MembershipAttack {
  const n1 = members.length;
  const n0 = nonMembers.length;
  const all = new Float64Array(n1 + n0);
  all.set(members);
  all.set(nonMembers, n1);
  const order = Array.from({ length: n1 + n0 }, (_, i) => i).sort((a, b) => all[a] - all[b]);
  const best = levels.map(() => 0);
  let tp = 0;
  let fp = 0;
  let wins = 0;
  for (let k = 0; k < order.length;) {
    let t = 0;
    let f = 0;
    const d = all[order[k]];
    for (; k < order.length && all[order[k]] === d; k++) {
      if (order[k] < n1) t++;
      else f++;
    }
    // Members at this distance beat every non-member still farther, and tie with the f here.
    wins += t * (n0 - fp - f) + 0.5 * t * f;
    tp += t;
    fp += f;
    const fpr = fp / n0;
    const tpr = tp / n1;
    levels.forEach((level, i) => {
      if (fpr <= level && tpr > best[i]) best[i] = tpr;
    });
  }
  const tprAtFpr: Record<string, number> = {};
  levels.forEach((level, i) => (tprAtFpr[String(level)] = best[i]));
  return { auc: wins / (n1 * n0), tprAtFpr };
}

/**
 * membershipAttack on drawn members and non-members, for the bootstrap: `draw` is called twice, with the
 * member count and then the non-member count, and each row counts as often as it was drawn. The values
 * of both groups are sorted once, on the first call; a resample sweeps that order with the counts.
 */
export function resampledMembershipAttack(
  members: Float64Array,
  nonMembers: Float64Array,
  levels: readonly number[] = MEMBERSHIP_FPR_LEVELS,
): (draw: (n: number) => Uint32Array) => MembershipAttack {
  const n1 = members.length;
  const n0 = nonMembers.length;
  let sorted: { order: Uint32Array; values: Float64Array } | undefined;
  return (draw) => {
    const w1 = drawCounts(draw(n1), n1);
    const w0 = drawCounts(draw(n0), n0);
    if (!sorted) {
      const values = new Float64Array(n1 + n0);
      values.set(members);
      values.set(nonMembers, n1);
      sorted = { order: Uint32Array.from({ length: n1 + n0 }, (_, i) => i).sort((a, b) => values[a] - values[b]), values };
    }
    const { order, values } = sorted;
    const best = levels.map(() => 0);
    let tp = 0;
    let fp = 0;
    let wins = 0;
    for (let k = 0; k < order.length;) {
      let t = 0;
      let f = 0;
      const d = values[order[k]];
      for (; k < order.length && values[order[k]] === d; k++) {
        const i = order[k];
        if (i < n1) t += w1[i];
        else f += w0[i - n1];
      }
      wins += t * (n0 - fp - f) + 0.5 * t * f;
      tp += t;
      fp += f;
      const fpr = fp / n0;
      const tpr = tp / n1;
      levels.forEach((level, i) => {
        if (fpr <= level && tpr > best[i]) best[i] = tpr;
      });
    }
    const tprAtFpr: Record<string, number> = {};
    levels.forEach((level, i) => (tprAtFpr[String(level)] = best[i]));
    return { auc: wins / (n1 * n0), tprAtFpr };
  };
}

/** 1 when the attack does no better than chance (AUC ≤ 0.5), 0 when it separates members perfectly. */
export function membershipPrivacyScore(auc: number): number {
  return 1 - 2 * Math.max(0, auc - 0.5);
}

/** Computes the metric; notApplicable without a holdout. Throws BAD_INPUT for unusable tables, CANCELLED on abort. */
export async function computeMembershipInference(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  // An empty or ragged table is a failure whether or not a holdout was given.
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  if (!input.holdout) return { id: MEMBERSHIP_INFERENCE_ID, score: null, details: {}, notApplicable: MEMBERSHIP_NEEDS_HOLDOUT };
  const space = await neighbourSpace(input, signal, MEMBERSHIP_INFERENCE_ID);
  const holdout = space.holdout;
  if (!holdout) return { id: MEMBERSHIP_INFERENCE_ID, score: null, details: {}, notApplicable: MEMBERSHIP_NEEDS_HOLDOUT };
  const members = await sharedNeighbours(input, 'real', 'synth', signal);
  const nonMembers = await sharedNeighbours(input, 'holdout', 'synth', signal);
  const attack = membershipAttack(members.d1, nonMembers.d1);
  const resampled = resampledMembershipAttack(members.d1, nonMembers.d1);
  const result: MetricResult = {
    id: MEMBERSHIP_INFERENCE_ID,
    score: membershipPrivacyScore(attack.auc),
    details: {
      auc: attack.auc,
      tprAtFpr: attack.tprAtFpr,
      members: space.real.count,
      nonMembers: holdout.count,
      attack: 'distance',
      columns: space.usedColumns,
      ignoredColumns: space.ignoredColumns,
    },
    leftOut: ignoredColumnsLeftOut(space.ignoredColumns),
  };
  return withResample(result, (draw) => membershipPrivacyScore(resampled(draw).auc));
}

export const membershipInferenceMetric: TableMetric = {
  id: MEMBERSHIP_INFERENCE_ID,
  title: 'Membership inference (distance attack)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'An attacker who holds a real record guesses it was in the training data when it lies close to a synthetic row (distance as in ' +
    'privacy.dcr). The attack is tried on the training rows and on holdout rows the generator never saw; the AUC says how well it tells ' +
    'them apart (0.5 = chance, 1 = every training row is nearer than every holdout row). Score = 1 − 2 × (AUC − 0.5), and 1 for an AUC ' +
    'at or below 0.5: 1 means the attack does no better than chance, 0 that it finds the training patients without fail. The report ' +
    'also gives the AUC and the share of training rows found when 1% and 10% of holdout rows are wrongly flagged. Needs a holdout.',
  reference:
    'Distance-to-closest-record membership attack as in Chen et al. 2020 (GAN-Leaks) and synthcity; AUC and ROC points as scikit-learn ' +
    'roc_auc_score / roc_curve; TPR at low FPR as Carlini et al. 2022',
  compute: computeMembershipInference,
};
