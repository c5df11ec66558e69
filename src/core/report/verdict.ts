// A plain-language reading of the scores for a reviewer who does not know the metrics. Thresholds are
// deliberately coarse: they say where to look, not whether the data may be shared. The privacy lines on
// the questions a reviewer asks (singling out, linkability, inference, membership) come from
// privacyQuestions.ts (privacyQuestionVerdict), graded as that section grades them.
import type { Report, ReportMetric } from './model';
import { privacyQuestionVerdict } from './privacyQuestions';
import type { ReportNouns } from './reportText';
import { reportNouns } from './reportText';

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
  // An unbounded score (FID, a distance) has no place on a 0..1 scale: it is shown, not graded.
  if (!Number.isFinite(span) || span <= 0) return undefined;
  // Clamped: an unbiased estimate (MMD²) can fall a little outside its range by chance.
  const unit = Math.min(1, Math.max(0, (m.score - lo) / span));
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
  const count = (rows: number | undefined, excluded: unknown): number | undefined =>
    rows === undefined ? undefined : rows - (typeof excluded === 'number' ? excluded : 0);
  const train = count(report.real.rows, dcr.details.excludedRealRows);
  const holdout = count(report.holdout?.rows, dcr.details.excludedHoldoutRows);
  return train !== undefined && holdout !== undefined && train > 0 && holdout > 0 ? { train, holdout } : undefined;
}

/**
 * Reads privacy.dcr's shareCloserToTrain: for each synthetic row, is its nearest training patient
 * closer than its nearest holdout patient? A generator that learnt the population, not the patients,
 * lands at the chance level, because training and holdout rows are draws from the same population.
 */
export function holdoutVerdict(
  share: number,
  rows?: { readonly train: number; readonly holdout: number },
  nouns: ReportNouns = reportNouns('table'),
): VerdictLine {
  const pct0 = (x: number): string => `${(x * 100).toFixed(0)}%`;
  const { sample, samples } = nouns;
  const balanced = rows ? balancedShareCloserToTrain(share, rows.train, rows.holdout) : share;
  const chance = rows ? rows.train / (rows.train + rows.holdout) : 0.5;
  const sizes = rows
    ? ` with ${rows.train} training and ${rows.holdout} holdout ${samples}`
    : ' with training and holdout sets of one size';
  const adjusted =
    rows && rows.train !== rows.holdout
      ? `. Adjusted to sets of one size that is ${pct0(balanced)}, where 50% means no pull towards the training patients`
      : '. 50% would mean no pull towards the training patients';
  const observed = `${pct0(share)} of synthetic ${samples} are nearer a training ${sample} than a holdout ${sample}; chance alone gives ${pct0(chance)}${sizes}${adjusted}.`;
  if (balanced <= HOLDOUT_GOOD_SHARE) {
    return {
      topic: 'privacy',
      level: 'good',
      text: `Synthetic ${samples} are no closer to the training patients than to unseen holdout patients. ${observed}`,
    };
  }
  if (balanced <= HOLDOUT_FAIR_SHARE) {
    return {
      topic: 'privacy',
      level: 'fair',
      text: `A slight pull towards the training patients. ${observed} Look at the ${samples} with the smallest distances.`,
    };
  }
  return { topic: 'privacy', level: 'poor', text: `The generator is likely reproducing its training patients. ${observed}` };
}

/** Below this many holdout rows the holdout comparisons (memorisation, copy base rate) are rough. */
export const SMALL_HOLDOUT_ROWS = 100;
/** Below this many real rows every privacy comparison is rough. */
export const SMALL_TABLE_ROWS = 200;

/** The sentence a privacy line ends with when the samples are too small to judge firmly; empty otherwise. */
export function smallSampleCaveat(report: Report): string {
  const { samples } = reportNouns(report.modality);
  const parts: string[] = [];
  if (report.real.rows < SMALL_TABLE_ROWS) parts.push(`${report.real.rows} real ${samples}`);
  if (report.holdout && report.holdout.rows < SMALL_HOLDOUT_ROWS) parts.push(`${report.holdout.rows} holdout ${samples}`);
  if (parts.length === 0) return '';
  return ` Small sample: only ${parts.join(' and ')} (below ${SMALL_TABLE_ROWS} real or ${SMALL_HOLDOUT_ROWS} holdout ${samples} these comparisons are rough), so read this as a hint, not a finding.`;
}

const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;

/** privacy.identifierCopies: any real identifier value in a synthetic row points at a real patient. */
function identifierLine(m: ReportMetric): VerdictLine | undefined {
  if (m.score === null) return undefined;
  const columns = Array.isArray(m.details.columns) ? (m.details.columns as { column: string; copies: number }[]) : [];
  const rows = typeof m.details.rowsWithCopies === 'number' ? m.details.rowsWithCopies : 0;
  const synthRows = typeof m.details.synthRows === 'number' ? m.details.synthRows : 0;
  const names = columns.map((c) => c.column);
  if (rows === 0 && m.score >= 1)
    return {
      topic: 'privacy',
      level: 'good',
      text: `No synthetic row carries a real identifier value (checked: ${names.join(', ') || 'none'}).`,
    };
  const copied = columns.filter((c) => c.copies > 0);
  const perColumn = copied.map((c) => `${c.column}: ${c.copies} rows`).join(', ');
  const fix = copied.map((c) => `${c.column}=identifier`).join(',');
  return {
    topic: 'privacy',
    level: 'poor',
    text:
      `${rows} of ${synthRows} synthetic rows carry a real identifier value (${perColumn}): those rows point at real patients. ` +
      `Type the column as an identifier so it is regenerated (--types ${fix}), then generate again.`,
  };
}

interface BaseRate {
  readonly source: 'holdout' | 'real';
  readonly matches: number;
  readonly rows: number;
  readonly share: number;
}

function readBaseRate(x: unknown): BaseRate | undefined {
  const b = x as Partial<BaseRate> | undefined;
  if (!b || (b.source !== 'holdout' && b.source !== 'real') || typeof b.matches !== 'number' || typeof b.rows !== 'number' || !(b.rows > 0))
    return undefined;
  return { source: b.source, matches: b.matches, rows: b.rows, share: b.matches / b.rows };
}

/** What the exact-copy base rate was measured on, in words. */
export function baseRateText(b: BaseRate): string {
  return b.source === 'holdout'
    ? `${b.matches} of ${b.rows} holdout rows (${pct(b.share)}) equal a training row`
    : `${b.matches} of ${b.rows} real rows (${pct(b.share)}) equal another real row; no holdout was given, so each real row was compared with the others`;
}

/**
 * The most copies that still match the base rate: the expected count plus three binomial standard
 * deviations. At a base rate of 0 any copy is more than chance gives.
 */
export function copiesExpectedAtMost(share: number, synthRows: number): number {
  if (!(share > 0)) return 0;
  const expected = share * synthRows;
  return expected + 3 * Math.sqrt(synthRows * share * (1 - share));
}

/**
 * True when privacy.exactCopies found copies, but no more than two independent samples of the real data
 * share (see `copiesExpectedAtMost`): coarse data colliding by nature, which views must not colour as a leak.
 */
export function copiesAtBaseRate(m: ReportMetric): boolean {
  if (m.id !== 'privacy.exactCopies' || m.score === null) return false;
  const base = readBaseRate(m.details.baseRate);
  const synthRows = m.details.synthRows;
  const copies = m.details.copies;
  if (!base || typeof synthRows !== 'number' || typeof copies !== 'number') return false;
  return copies > 0 && copies <= copiesExpectedAtMost(base.share, synthRows);
}

/** privacy.exactCopies against the rate at which two independent samples of the real data share rows. */
function exactCopiesLine(m: ReportMetric, report: Report): VerdictLine | undefined {
  if (m.score === null) return undefined;
  const synthRows = typeof m.details.synthRows === 'number' ? m.details.synthRows : report.synth.rows;
  const copies = typeof m.details.copies === 'number' ? m.details.copies : Math.round(m.score * synthRows);
  const base = readBaseRate(m.details.baseRate);
  const caveat = smallSampleCaveat(report);
  const baseSentence = base ? ` Base rate: ${baseRateText(base)}.` : '';
  if (copies === 0) return { topic: 'privacy', level: 'good', text: `No synthetic row is an exact copy of a real row.${baseSentence}` };
  const observed = `${copies} of ${synthRows} synthetic rows (${pct(m.score, 2)}) equal a real row in every compared column`;
  if (base && copies <= copiesExpectedAtMost(base.share, synthRows)) {
    return {
      topic: 'privacy',
      level: 'good',
      text: `${observed}, about as often as two independent samples of the real data share rows (${baseRateText(base)}): values this coarse repeat by nature, so this is no sign of copying.${caveat}`,
    };
  }
  const compared = base ? `, more than two independent samples of the real data share (${baseRateText(base)})` : '';
  return { topic: 'privacy', level: 'poor', text: `${observed}${compared}: those rows disclose real records.${caveat}` };
}

/** The holdout baseline privacy.dcr records: the holdout rows' distances to the closest training row. */
export function dcrBaseline(m: ReportMetric | undefined): { median: number; p05: number; rows: number } | undefined {
  const b = m?.details.baseline as { median?: unknown; p05?: unknown; rows?: unknown } | undefined;
  return b && typeof b.median === 'number' && typeof b.p05 === 'number' && typeof b.rows === 'number'
    ? { median: b.median, p05: b.p05, rows: b.rows }
    : undefined;
}

function formatDistance(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : String(x);
}

/** The memorisation line from privacy.dcr with a holdout: closer-to-train share, distance baseline, caveat. */
function memorisationLine(report: Report, dcr: ReportMetric, share: number): VerdictLine {
  const nouns = reportNouns(report.modality);
  const line = holdoutVerdict(share, comparedRows(report, dcr), nouns);
  const base = dcrBaseline(dcr);
  const { sample, samples } = nouns;
  const distance =
    base && typeof dcr.score === 'number'
      ? ` Median distance to the closest training ${sample}: synthetic ${samples} ${formatDistance(dcr.score)}, holdout ${samples} ${formatDistance(base.median)} (real patients the generator never saw: the natural baseline).`
      : '';
  const caveat = smallSampleCaveat(report);
  // A "good" on a handful of holdout rows is not one: it is shown as fair until there are enough rows.
  const level = caveat !== '' && line.level === 'good' ? 'fair' : line.level;
  return { topic: 'privacy', level, text: `${line.text}${distance}${caveat}` };
}

/** Above this share of near-duplicates (chance gives about 1%: the threshold is the real set's 1st percentile) a warning, above the next a finding. */
export const NEAR_DUPLICATES_FAIR = 0.02;
export const NEAR_DUPLICATES_POOR = 0.05;
/** Below this many real (and synthetic) images the share of near copies is not judged. */
export const NEAR_DUPLICATES_MIN_REAL = 100;

/**
 * privacy.nearDuplicates (images): a pixel copy of a real image discloses it; near copies in feature
 * space are judged against chance, since about 1% of real images are that close to another real one.
 */
function nearDuplicatesLine(m: ReportMetric, realRows: number): VerdictLine | undefined {
  if (m.score === null) return undefined;
  const identical = typeof m.details.pixelIdentical === 'number' ? m.details.pixelIdentical : 0;
  const total = typeof m.details.synthCount === 'number' ? m.details.synthCount : undefined;
  const of = total !== undefined ? ` of ${total}` : '';
  if (identical > 0)
    return {
      topic: 'privacy',
      level: 'poor',
      text: `${identical}${of} synthetic image${identical === 1 ? ' is' : 's are'} pixel for pixel a real image: those files disclose real images (see the nearest-neighbour gallery).`,
    };
  // The 1st percentile of fewer real-real distances is just their smallest: no chance level to judge by.
  if (realRows < NEAR_DUPLICATES_MIN_REAL || (total ?? 0) < NEAR_DUPLICATES_MIN_REAL) return undefined;
  const share = pct(m.score, 1);
  if (m.score > NEAR_DUPLICATES_POOR)
    return {
      topic: 'privacy',
      level: 'poor',
      text: `${share} of synthetic images are closer to a real image than 99% of real images are to their nearest real neighbour (chance gives about 1%): the generator is likely copying training images.`,
    };
  if (m.score > NEAR_DUPLICATES_FAIR)
    return {
      topic: 'privacy',
      level: 'fair',
      text: `${share} of synthetic images are near copies of a real image (chance gives about 1%); look at the closest pairs in the nearest-neighbour gallery.`,
    };
  return undefined;
}

export function reportVerdict(report: Report): VerdictLine[] {
  const lines: VerdictLine[] = [];
  const { sample, samples } = reportNouns(report.modality);
  const image = report.modality === 'image';
  const fidelity = report.metrics.filter((m) => m.id.startsWith('fidelity.'));
  const scores = fidelity.map(goodness).filter((s): s is number => s !== undefined);
  if (scores.length === 0) {
    // Metrics that do not apply are not failures; say so rather than "could not be computed".
    const text =
      fidelity.length > 0 && fidelity.every(isNotApplicable)
        ? `No fidelity metric applies to these ${image ? 'images' : 'columns'}.`
        : 'No fidelity metric could be computed.';
    lines.push({ topic: 'fidelity', level: 'unknown', text });
  } else {
    const avg = scores.reduce((a, b) => a + b, 0) / scores.length;
    const avgPct = pct(avg, 0);
    if (avg >= 0.9)
      lines.push({
        topic: 'fidelity',
        level: 'good',
        text: `The synthetic data follows the real distributions closely (average fidelity ${avgPct}).`,
      });
    else if (avg >= 0.75)
      lines.push({
        topic: 'fidelity',
        level: 'fair',
        text: `The synthetic data follows the real data in broad strokes (average fidelity ${avgPct}); ${image ? 'compare the samples and the embedding scatter below' : 'check the columns with the largest differences below'}.`,
      });
    else
      lines.push({
        topic: 'fidelity',
        level: 'poor',
        text: `The synthetic data differs markedly from the real data (average fidelity ${avgPct}); it is not a faithful stand-in.`,
      });
  }

  const ids = report.metrics.find((m) => m.id === 'privacy.identifierCopies');
  const idLine = ids ? identifierLine(ids) : undefined;
  if (idLine) lines.push(idLine);
  const copies = report.metrics.find((m) => m.id === 'privacy.exactCopies');
  const copiesLine = copies ? exactCopiesLine(copies, report) : undefined;
  if (copiesLine) lines.push(copiesLine);
  const dcr = report.metrics.find((m) => m.id === 'privacy.dcr');
  const share = dcr?.details.shareCloserToTrain;
  if (dcr && typeof share === 'number') {
    lines.push(memorisationLine(report, dcr, share));
  } else if (dcr && typeof dcr.details.p05 === 'number') {
    const p05 = dcr.details.p05;
    lines.push({
      topic: 'privacy',
      level: p05 > 0 ? 'fair' : 'poor',
      text:
        (p05 > 0
          ? `Most synthetic ${samples} keep some distance from every real ${sample}; add a holdout set (medsynth split, then evaluate --holdout) to judge whether that distance is smaller than chance.`
          : image
            ? 'At least 5% of synthetic images lie at feature distance 0 from a real image.'
            : 'At least 5% of synthetic rows lie at distance 0 from a real row on every compared column.') + smallSampleCaveat(report),
    });
  }
  const near = report.metrics.find((m) => m.id === 'privacy.nearDuplicates');
  const nearLine = near ? nearDuplicatesLine(near, report.real.rows) : undefined;
  if (nearLine) lines.push(nearLine);
  // The attacks, k-anonymity, l-diversity and membership are read through the privacy questions' own
  // grades, so the verdict can never be greener than the questions' section.
  const questionsLine = privacyQuestionVerdict(report);
  if (questionsLine) lines.push(questionsLine);
  if (!lines.some((l) => l.topic === 'privacy'))
    lines.push({ topic: 'privacy', level: 'unknown', text: 'No privacy metric was computed.' });
  return lines;
}
