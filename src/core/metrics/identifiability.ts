// privacy.identifiability (Yoon, Drumright & van der Schaar 2020, ADS-GAN): the share of real records
// that the synthetic release brings closer than any other real record does. For real row i, r_i is the
// distance to its nearest other real row and r̂_i the distance to its nearest synthetic row; i is
// identified when r̂_i < r_i (strictly, as the paper's indicator and the authors' code R_Diff < 0).
// Distance: privacy.dcr's (distanceSpace.ts, ranges from the real table), not the paper's
// inverse-entropy-weighted Euclidean distance; see the descriptor's reference for why.
//
// Bootstrap (details.ci95, bootstrap.ts): the real rows are resampled as query rows only, with
// replacement (one draw of the real row count); the score is 1 − the share identified among the drawn
// rows, each drawn row keeping its r̂_i (real → synth pass) and its r_i (real → real pass, nearest other
// row of the ORIGINAL real table). Both reference sets, the synthetic rows and the other real rows, are
// held fixed. Recomputing r_i within the resample would be wrong: about a quarter of the real rows are
// drawn more than once (1 − 2/e), so nearly two thirds of a resample's drawn rows (1 − 1/e) have a twin,
// would find it at distance 0 and never be identified, and the resampled scores would sit far above the
// score. O(n) per resample (a flag per row).
import { withResample } from './bootstrap';
import { ignoredColumnsLeftOut } from './dcr';
import { shareFlagged } from './exactCopies';
import { neighbourSpace, sharedNeighbours } from './neighbourCache';
import { MedSynthError } from '../errors';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const IDENTIFIABILITY_ID = 'privacy.identifiability';

export interface IdentifiabilityCount {
  /** Share of real rows with r̂_i < r_i. */
  readonly identifiability: number;
  /** Real rows with r̂_i = r_i exactly (not identified, as in the paper). */
  readonly ties: number;
}

/**
 * Whether two summed distances over `columns` terms are the same distance. They are float32 sums, so two
 * sums of the same terms in another order can differ in the last bits (1.2e-7 on 1.55 over six columns
 * in the mixed reference table, a tie in float64): within columns · 2^-23 relative they count as equal.
 * With columns = 0, exact comparison.
 */
export function sameDistance(a: number, b: number, columns: number): boolean {
  return Math.abs(a - b) <= columns * 2 ** -23 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * From each real row's distance to its nearest synthetic row (`toSynth`) and to its nearest other real
 * row (`toOtherReal`), summed over `columns` terms (0: compare exactly): the share identified (strictly
 * nearer to the release) and the ties.
 */
export function identifiabilityFrom(toSynth: Float64Array, toOtherReal: Float64Array, columns = 0): IdentifiabilityCount {
  let identified = 0;
  let ties = 0;
  for (let i = 0; i < toSynth.length; i++) {
    if (sameDistance(toSynth[i], toOtherReal[i], columns)) ties++;
    else if (toSynth[i] < toOtherReal[i]) identified++;
  }
  return { identifiability: identified / toSynth.length, ties };
}

/** 1 for each real row identifiabilityFrom counts as identified (strictly nearer to the release, not a tie), else 0. */
export function identifiedRows(toSynth: Float64Array, toOtherReal: Float64Array, columns = 0): Uint8Array {
  return Uint8Array.from(toSynth, (d, i) => (!sameDistance(d, toOtherReal[i], columns) && d < toOtherReal[i] ? 1 : 0));
}

/** Computes the metric; needs two real rows. Throws BAD_INPUT for unusable tables, CANCELLED on abort. */
export async function computeIdentifiability(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const space = await neighbourSpace(input, signal, IDENTIFIABILITY_ID);
  if (space.real.count < 2) {
    throw new MedSynthError(
      'BAD_INPUT',
      'identifiability needs at least two real rows (a real row is compared with its nearest other real row)',
    );
  }
  const toSynth = await sharedNeighbours(input, 'real', 'synth', signal);
  // Real against real: d1 is the row itself (0), d2 the nearest other real row (0 for a duplicate).
  const toReal = await sharedNeighbours(input, 'real', 'real', signal);
  const { identifiability, ties } = identifiabilityFrom(toSynth.d1, toReal.d2, space.columnCount);
  const identified = identifiedRows(toSynth.d1, toReal.d2, space.columnCount);
  const result: MetricResult = {
    id: IDENTIFIABILITY_ID,
    score: 1 - identifiability,
    details: { identifiability, realRows: space.real.count, ties, columns: space.usedColumns, ignoredColumns: space.ignoredColumns },
    leftOut: ignoredColumnsLeftOut(space.ignoredColumns),
  };
  return withResample(result, (draw) => 1 - shareFlagged(identified, draw(identified.length)));
}

export const identifiabilityMetric: TableMetric = {
  id: IDENTIFIABILITY_ID,
  title: 'Identifiability',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'For every real record: is some synthetic row closer to it than its closest other real record (distance as in privacy.dcr)? ' +
    'Identifiability is the share of real records for which it is; score = 1 − identifiability. 1 means no real record is brought ' +
    'closer by the release than by the other patients; 0 that every one is (a copy of the real data). Equal distances do not count. ' +
    'For synthetic rows drawn independently from the same population as the n real rows, m of them, chance alone gives about ' +
    'm / (m + n − 1) (the closest of the other records is a synthetic one that often), so about 0.5 for equal sizes: compare with ' +
    'that level, not with 0.',
  reference:
    'Yoon, Drumright & van der Schaar 2020, ADS-GAN (IEEE JBHI), identifiability: share of real records with r̂_i < r_i. The paper ' +
    'weights features by the inverse of their entropy (w_k = 1 / H(X_k), Euclidean); we use the unweighted privacy.dcr distance so ' +
    'that every privacy metric reads the same distance and one nearest-neighbour search serves them, and because the entropy of a ' +
    'continuous column depends on how it is rounded (the authors round to integers) and is undefined for an empty cell. synthcity ' +
    '(IdentifiabilityScore) computes the entropy weights and then overwrites them with ones (unweighted Euclidean on its encoded ' +
    'data), and reports by default the score in a one-class embedding (score_OC)',
  compute: computeIdentifiability,
};
