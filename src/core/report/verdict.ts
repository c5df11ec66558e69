// A plain-language reading of the scores for a reviewer who does not know the metrics. Thresholds are
// deliberately coarse: they say where to look, not whether the data may be shared.
import type { Report, ReportMetric } from './model';

export type VerdictLevel = 'good' | 'fair' | 'poor' | 'unknown';

export interface VerdictLine {
  readonly topic: 'fidelity' | 'privacy';
  readonly level: VerdictLevel;
  readonly text: string;
}

/** A metric's score on a 0..1 "higher is better" scale, or undefined when it has none. */
export function goodness(m: ReportMetric): number | undefined {
  if (m.score === null || !Number.isFinite(m.score)) return undefined;
  const [lo, hi] = m.descriptor.range;
  const span = hi - lo;
  const unit = Number.isFinite(span) && span > 0 ? (m.score - lo) / span : m.score;
  return m.descriptor.goal === 'maximize' ? unit : 1 - unit;
}

/** Up to this share of synthetic rows closer to training than to holdout rows, the generator shows no memorisation. */
export const HOLDOUT_GOOD_SHARE = 0.55;
/** Up to this share, a mild pull towards the training rows: worth a look, not yet alarming. */
export const HOLDOUT_FAIR_SHARE = 0.6;

/**
 * Reads privacy.dcr's shareCloserToTrain: for each synthetic row, is its nearest training patient
 * closer than its nearest holdout patient? A generator that learnt the population, not the patients,
 * lands near 0.5, because training and holdout rows are draws from the same population.
 */
export function holdoutVerdict(share: number): VerdictLine {
  const pct = `${(share * 100).toFixed(0)}%`;
  const meaning = '50% would mean synthetic rows are no closer to the patients the generator was trained on than to patients it never saw';
  if (share <= HOLDOUT_GOOD_SHARE) {
    return { topic: 'privacy', level: 'good', text: `Synthetic rows are no closer to the training patients than to unseen holdout patients: ${pct} are closer to a training row (${meaning}).` };
  }
  if (share <= HOLDOUT_FAIR_SHARE) {
    return { topic: 'privacy', level: 'fair', text: `${pct} of synthetic rows are closer to a training row than to a holdout row (${meaning}): a slight pull towards the training patients; look at the rows with the smallest distances.` };
  }
  return { topic: 'privacy', level: 'poor', text: `${pct} of synthetic rows are closer to a training row than to a holdout row (${meaning}): the generator is likely reproducing its training patients.` };
}

export function reportVerdict(report: Report): VerdictLine[] {
  const lines: VerdictLine[] = [];
  const fidelity = report.metrics.filter((m) => m.id.startsWith('fidelity.'));
  const scores = fidelity.map(goodness).filter((s): s is number => s !== undefined);
  if (scores.length === 0) {
    lines.push({ topic: 'fidelity', level: 'unknown', text: 'No fidelity metric could be computed.' });
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
    lines.push(holdoutVerdict(share));
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
