// privacy.authenticity (Alaa, van Breugel, Saveliev & van der Schaar 2022, "How faithful is your
// synthetic data?"): a synthetic row is unauthentic, a noisy copy of a real record, when its nearest
// real record r is closer to it than r is to r's own nearest other real record. Score = share of
// authentic synthetic rows. Distance: privacy.dcr's (distanceSpace.ts, ranges from the real table),
// where the paper works in a learned embedding; see the descriptor's reference.
//
// Bootstrap (details.ci95, bootstrap.ts): the synthetic rows are resampled with replacement (one draw of
// the synthetic row count); the score is the share of authentic rows among the drawn ones, each drawn row
// keeping its flag from the shared synth → real and real → real passes: its nearest real row and that
// row's own-neighbour radius come from the whole, fixed real table. The real rows are never resampled: a
// real row drawn twice would be its copy's nearest other real row at distance 0, its radius 0, and every
// synthetic row near it would turn authentic. O(n) per resample (a flag per row).
import { withResample } from './bootstrap';
import { ignoredColumnsLeftOut } from './dcr';
import { shareFlagged } from './exactCopies';
import type { NearestNeighbours } from './distanceKernel';
import { termDistance } from './distanceSearch';
import type { DistanceSpace } from './distanceSpace';
import { sameDistance } from './identifiability';
import { neighbourSpace, sharedNeighbours } from './neighbourCache';
import { MedSynthError } from '../errors';
import { timeSlicer } from './workSteps';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const AUTHENTICITY_ID = 'privacy.authenticity';

/**
 * For every synthetic row, the own-neighbour distance s_r (`realToOtherReal`) of its nearest real row r,
 * read off the shared synthetic → real pass (`toReal`, with indices). When the two nearest are the same
 * distance (sameDistance over the columns), several real rows are equally near and the largest s_r among
 * all of them is used: only those synthetic rows are compared with every real row again, term by term.
 */
export async function nearestRealRadius(
  space: DistanceSpace,
  toReal: NearestNeighbours,
  realToOtherReal: Float64Array,
  signal?: AbortSignal,
): Promise<Float64Array> {
  const { synth, real, columnCount } = space;
  const radius = new Float64Array(synth.count);
  const pause = timeSlicer(signal);
  for (let j = 0; j < synth.count; j++) {
    const d1 = toReal.d1[j];
    radius[j] = realToOtherReal[toReal.i1[j]];
    if (toReal.i2[j] < 0 || !sameDistance(d1, toReal.d2[j], columnCount)) continue;
    await pause();
    for (let r = 0; r < real.count; r++) {
      const d = Math.fround(termDistance(space, synth, j, real, r));
      if (sameDistance(d, d1, columnCount) && realToOtherReal[r] > radius[j]) radius[j] = realToOtherReal[r];
    }
  }
  return radius;
}

export interface AuthenticityCount {
  /** Share of synthetic rows at or beyond their nearest real record's own-neighbour distance. */
  readonly authenticShare: number;
  /** Synthetic rows exactly at that distance (counted authentic). */
  readonly ties: number;
}

/**
 * From each synthetic row's distance to its nearest real row and that real row's own-neighbour distance,
 * summed over `columns` terms (equal within float32 rounding: sameDistance; 0: compare exactly).
 */
export function authenticityFrom(toReal: Float64Array, radius: Float64Array, columns = 0): AuthenticityCount {
  let authentic = 0;
  let ties = 0;
  for (let j = 0; j < toReal.length; j++) {
    const tie = sameDistance(toReal[j], radius[j], columns);
    if (tie || toReal[j] > radius[j]) authentic++;
    if (tie) ties++;
  }
  return { authenticShare: authentic / toReal.length, ties };
}

/** 1 for each synthetic row authenticityFrom counts as authentic (at or beyond the radius, ties included), else 0. */
export function authenticRows(toReal: Float64Array, radius: Float64Array, columns = 0): Uint8Array {
  return Uint8Array.from(toReal, (d, j) => (sameDistance(d, radius[j], columns) || d > radius[j] ? 1 : 0));
}

/** Computes the metric; needs two real rows. Throws BAD_INPUT for unusable tables, CANCELLED on abort. */
export async function computeAuthenticity(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const space = await neighbourSpace(input, signal, AUTHENTICITY_ID);
  if (space.real.count < 2) {
    throw new MedSynthError('BAD_INPUT', "authenticity needs at least two real rows (a real row's nearest other real row sets its radius)");
  }
  const toReal = await sharedNeighbours(input, 'synth', 'real', signal);
  // Real against real: d1 is the row itself (0), d2 the nearest other real row.
  const realToReal = await sharedNeighbours(input, 'real', 'real', signal);
  const radius = await nearestRealRadius(space, toReal, realToReal.d2, signal);
  const { authenticShare, ties } = authenticityFrom(toReal.d1, radius, space.columnCount);
  const authentic = authenticRows(toReal.d1, radius, space.columnCount);
  const result: MetricResult = {
    id: AUTHENTICITY_ID,
    score: authenticShare,
    details: { authenticShare, synthRows: space.synth.count, ties, columns: space.usedColumns, ignoredColumns: space.ignoredColumns },
    leftOut: ignoredColumnsLeftOut(space.ignoredColumns),
  };
  return withResample(result, (draw) => shareFlagged(authentic, draw(authentic.length)));
}

export const authenticityMetric: TableMetric = {
  id: AUTHENTICITY_ID,
  title: 'Authenticity',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'For every synthetic row, take its closest real record (distance as in privacy.dcr): the row is unauthentic, a near copy, when it ' +
    'is closer to that record than the record is to its own closest other real record. Score = share of authentic synthetic rows: ' +
    '0 means every synthetic row sits inside the neighbourhood of a real patient (a copy of the real data scores 0); 1 that none ' +
    'does. Honest samples are not all authentic: a new patient from the same population also lands inside some real neighbourhood ' +
    'fairly often, so compare with the same share for real rows the generator never saw rather than with 1. A row exactly at the ' +
    'distance counts as authentic; when several real records are equally close, the one with the largest neighbourhood is used.',
  reference:
    'Alaa, van Breugel, Saveliev & van der Schaar 2022 (ICML), authenticity: per synthetic sample, unauthentic when closer to its ' +
    "nearest real sample than that sample's nearest real neighbour; the paper works in a learned one-class embedding, we use the " +
    "privacy.dcr distance. synthcity (AlphaPrecision) and copies of the authors' evaluation code compute authen = real_to_real[real_to_synth_args] < " +
    'real_to_synth: a mean over real rows, not synthetic ones, indexing the real-to-real distances by a synthetic row number, and ' +
    'counting an exact tie as unauthentic',
  compute: computeAuthenticity,
};
