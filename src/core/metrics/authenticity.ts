// privacy.authenticity (Alaa, van Breugel, Saveliev & van der Schaar 2022, "How faithful is your
// synthetic data?"): a synthetic row is unauthentic, a noisy copy of a real record, when its nearest
// real record r is closer to it than r is to r's own nearest other real record. Score = share of
// authentic synthetic rows. Distance: privacy.dcr's (distanceSpace.ts, ranges from the real table),
// where the paper works in a learned embedding; see the descriptor's reference.
import { ignoredColumnsLeftOut } from './dcr';
import { nearestRecords, rowsNeedingTerms, termDistance } from './distanceSearch';
import { buildDistanceSpaceYielding } from './distanceSpace';
import { sameDistance } from './identifiability';
import type { DistanceSpace } from './distanceSpace';
import { MedSynthError } from '../errors';
import { timeSlicer } from './workSteps';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const AUTHENTICITY_ID = 'privacy.authenticity';

/** Relative slack under which two float64 sums of the same terms count as the same nearest distance. */
const TIE_SLACK = 1e-9;

/**
 * For every synthetic row, the largest own-neighbour distance s_r (from `realToOtherReal`) among the real
 * rows r nearest to it (several when they are equally near). A packed L1 pass in float64 with early
 * abandoning; the rows whose packed distance can differ from the defined one (rowsNeedingTerms) are
 * summed term by term.
 */
export async function nearestRealRadius(space: DistanceSpace, realToOtherReal: Float64Array, signal?: AbortSignal): Promise<Float64Array> {
  const { synth, real, stride } = space;
  const exact = new Set(rowsNeedingTerms(space, synth, real));
  const radius = new Float64Array(synth.count);
  const pause = timeSlicer(signal);
  const near: number[] = [];
  const nearD: number[] = [];
  for (let j = 0; j < synth.count; j++) {
    await pause();
    let best = Infinity;
    near.length = 0;
    nearD.length = 0;
    const q = j * stride;
    for (let r = 0; r < real.count; r++) {
      let d = 0;
      if (exact.has(j)) d = termDistance(space, synth, j, real, r);
      else {
        const bound = best + TIE_SLACK * Math.max(1, best);
        const p = r * stride;
        for (let k = 0; k < stride && d <= bound; k += 8) {
          for (let t = k; t < k + 8; t++) d += Math.abs(synth.rows[q + t] - real.rows[p + t]);
        }
      }
      if (d <= best + TIE_SLACK * Math.max(1, best)) {
        if (d < best) best = d;
        near.push(r);
        nearD.push(d);
      }
    }
    let s = -Infinity;
    const cut = best + TIE_SLACK * Math.max(1, best);
    near.forEach((r, i) => {
      if (nearD[i] <= cut && realToOtherReal[r] > s) s = realToOtherReal[r];
    });
    radius[j] = s;
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

/** Computes the metric; needs two real rows. Throws BAD_INPUT for unusable tables, CANCELLED on abort. */
export async function computeAuthenticity(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const space = await buildDistanceSpaceYielding(input.real, input.synth, undefined, signal);
  if (space.real.count < 2) {
    throw new MedSynthError('BAD_INPUT', "authenticity needs at least two real rows (a real row's nearest other real row sets its radius)");
  }
  const toReal = await nearestRecords(space, space.synth, space.real, signal);
  // Real against real: d1 is the row itself (0), d2 the nearest other real row.
  const realToReal = await nearestRecords(space, space.real, space.real, signal);
  const radius = await nearestRealRadius(space, realToReal.d2, signal);
  const { authenticShare, ties } = authenticityFrom(toReal.d1, radius, space.columnCount);
  return {
    id: AUTHENTICITY_ID,
    score: authenticShare,
    details: { authenticShare, synthRows: space.synth.count, ties, columns: space.usedColumns, ignoredColumns: space.ignoredColumns },
    leftOut: ignoredColumnsLeftOut(space.ignoredColumns),
  };
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
