// A plain-language reading of the scores for a reviewer who does not know the metrics. Thresholds are
// deliberately coarse: they say where to look, not whether the data may be shared.
import type { Report, ReportMetric } from './model';

export type VerdictLevel = 'good' | 'fair' | 'poor' | 'unknown';

export interface VerdictLine {
  readonly topic: 'fidelity' | 'privacy';
  readonly level: VerdictLevel;
  readonly text: string;
}

/** True when a metric did not apply to these tables (no columns of its kind): neutral, never a problem. */
export function isNotApplicable(m: ReportMetric): boolean {
  return m.score === null && m.error === undefined && m.notApplicable !== undefined;
}

/** A metric's score on a 0..1 "higher is better" scale, or undefined when it has none. */
export function goodness(m: ReportMetric): number | undefined {
  if (m.score === null || !Number.isFinite(m.score)) return undefined;
  const [lo, hi] = m.descriptor.range;
  const span = hi - lo;
  const unit = Number.isFinite(span) && span > 0 ? (m.score - lo) / span : m.score;
  return m.descriptor.goal === 'maximize' ? unit : 1 - unit;
}

/** Up to this size-balanced share (see balancedShareCloserToTrain), the generator shows no memorisation. */
export const HOLDOUT_GOOD_SHARE = 0.55;
/** Up to this balanced share, a mild pull towards the training rows: worth a look, not yet alarming. */
export const HOLDOUT_FAIR_SHARE = 0.6;

/**
 * privacy.dcr's shareCloserToTrain on the scale of equal-sized training and holdout sets. For a
 * synthetic row that is independent of the patients, the nearest of the trainRows + holdoutRows
 * compared rows (all draws from one population) is equally likely to be any of them, so chance alone
 * gives trainRows / (trainRows + holdoutRows): 80% for the full loop's 80/20 split, not 50%. Dividing
 * the observed odds by those chance odds and mapping back to a share puts chance at 0.5 whatever the
 * sizes, 1 at "always closer to training" and 0 at "never"; with equal sizes it is the share itself.
 */
export function balancedShareCloserToTrain(share: number, trainRows: number, holdoutRows: number): number {
  if (!(trainRows > 0 && holdoutRows > 0)) return share;
  const towardsTrain = share * holdoutRows;
  const towardsHoldout = (1 - share) * trainRows;
  return towardsTrain + towardsHoldout > 0 ? towardsTrain / (towardsTrain + towardsHoldout) : 0.5;
}

/** The rows privacy.dcr compared on each side: the table's rows less those it left out for empty cells. */
function comparedRows(report: Report, dcr: ReportMetric): { train: number; holdout: number } | undefined {
  const count = (rows: number | undefined, excluded: unknown): number | undefined => (rows === undefined ? undefined : rows - (typeof excluded === 'number' ? excluded : 0));
  const train = count(report.real.rows, dcr.details.excludedRealRows);
  const holdout = count(report.holdout?.rows, dcr.details.excludedHoldoutRows);
  return train !== undefined && holdout !== undefined && train > 0 && holdout > 0 ? { train, holdout } : undefined;
}

/**
 * Reads privacy.dcr's shareCloserToTrain: for each synthetic row, is its nearest training patient
 * closer than its nearest holdout patient? A generator that learnt the population, not the patients,
 * lands at the chance level, because training and holdout rows are draws from the same population.
 */
export function holdoutVerdict(share: number, rows?: { readonly train: number; readonly holdout: number }): VerdictLine {
  const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
  const balanced = rows ? balancedShareCloserToTrain(share, rows.train, rows.holdout) : share;
  const chance = rows ? rows.train / (rows.train + rows.holdout) : 0.5;
  const observed =
    rows && rows.train !== rows.holdout
      ? `${pct(share)} of synthetic rows are closer to a training row than to a holdout row, where chance alone gives ${pct(chance)} (${rows.train} training vs ${rows.holdout} holdout rows); on equal-sized sets that is ${pct(balanced)}`
      : `${pct(share)} of synthetic rows are closer to a training row than to a holdout row`;
  const meaning = '50% on equal-sized sets means synthetic rows are no closer to the patients the generator was trained on than to patients it never saw';
  if (balanced <= HOLDOUT_GOOD_SHARE) {
    return { topic: 'privacy', level: 'good', text: `Synthetic rows are no closer to the training patients than to unseen holdout patients: ${observed} (${meaning}).` };
  }
  if (balanced <= HOLDOUT_FAIR_SHARE) {
    return { topic: 'privacy', level: 'fair', text: `A slight pull towards the training patients: ${observed} (${meaning}); look at the rows with the smallest distances.` };
  }
  return { topic: 'privacy', level: 'poor', text: `The generator is likely reproducing its training patients: ${observed} (${meaning}).` };
}

export function reportVerdict(report: Report): VerdictLine[] {
  const lines: VerdictLine[] = [];
  const fidelity = report.metrics.filter((m) => m.id.startsWith('fidelity.'));
  const scores = fidelity.map(goodness).filter((s): s is number => s !== undefined);
  if (scores.length === 0) {
    // Metrics that do not apply are not failures; say so rather than "could not be computed".
    const text = fidelity.length > 0 && fidelity.every(isNotApplicable) ? 'No fidelity metric applies to these columns.' : 'No fidelity metric could be computed.';
    lines.push({ topic: 'fidelity', level: 'unknown', text });
  } else {
    const avg = scores.reduce((a, b) => a + b, 0) / scores.length;
    const pct = `${(avg * 100).toFixed(0)}%`;
    if (avg >= 0.9) lines.push({ topic: 'fidelity', level: 'good', text: `The synthetic data follows the real distributions closely (average fidelity ${pct}).` });
    else if (avg >= 0.75) lines.push({ topic: 'fidelity', level: 'fair', text: `The synthetic data follows the real data in broad strokes (average fidelity ${pct}); check the columns with the largest differences below.` });
    else lines.push({ topic: 'fidelity', level: 'poor', text: `The synthetic data differs markedly from the real data (average fidelity ${pct}); it is not a faithful stand-in.` });
  }

  const copies = report.metrics.find((m) => m.id === 'privacy.exactCopies');
  if (copies && copies.score !== null) {
    if (copies.score > 0) lines.push({ topic: 'privacy', level: 'poor', text: `${(copies.score * 100).toFixed(2)}% of synthetic rows are exact copies of real rows: those rows disclose real records.` });
    else lines.push({ topic: 'privacy', level: 'good', text: 'No synthetic row is an exact copy of a real row.' });
  }
  const dcr = report.metrics.find((m) => m.id === 'privacy.dcr');
  const share = dcr?.details.shareCloserToTrain;
  if (typeof share === 'number') {
    lines.push(holdoutVerdict(share, dcr ? comparedRows(report, dcr) : undefined));
  } else if (dcr && typeof dcr.details.p05 === 'number') {
    const p05 = dcr.details.p05;
    lines.push({
      topic: 'privacy',
      level: p05 > 0 ? 'fair' : 'poor',
      text:
        p05 > 0
          ? 'Most synthetic rows keep some distance from every real row; add a holdout set (medsynth split, then evaluate --holdout) to judge whether that distance is smaller than chance.'
          : 'At least 5% of synthetic rows lie at distance 0 from a real row on every compared column.',
    });
  }
  if (!lines.some((l) => l.topic === 'privacy')) lines.push({ topic: 'privacy', level: 'unknown', text: 'No privacy metric was computed.' });
  return lines;
}
