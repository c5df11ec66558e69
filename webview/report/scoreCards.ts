// Score cards: one per metric, with the score, which way is better, what the score means (from the
// metric's descriptor) and a simple verdict. Thresholds are stated on the card so the colour is not magic.
import type { ReportMetric } from '../../src/core/report/model';
import { goalText, intervalText, leftOutSentences, rangeText } from '../../src/core/report/reportText';
import { ATTACK_HIGH_RISK, ATTACK_LOW_RISK, attackMetricLevel } from '../../src/core/report/privacyQuestions';
import type { QuestionLevel } from '../../src/core/report/privacyQuestions';
import { copiesAtBaseRate, dcrBaseline } from '../../src/core/report/verdict';
import { formatScore, h } from '../shared/dom';

export type Verdict = 'good' | 'fair' | 'poor' | 'info' | 'error' | 'na';

interface Thresholds {
  readonly good: number;
  readonly fair: number;
}

/**
 * Rules of thumb, not standards: fidelity similarities in [0, 1] read "good" from 0.9; exact copies of
 * real rows should be (near) absent. Distance-style privacy scores depend on the data, so they get no
 * colour and the user reads the DCR histogram instead.
 */
const THRESHOLDS: Readonly<Record<string, Thresholds>> = {
  'fidelity.ksComplement': { good: 0.9, fair: 0.75 },
  'fidelity.tvComplement': { good: 0.9, fair: 0.75 },
  'fidelity.missingValueSimilarity': { good: 0.9, fair: 0.75 },
  'fidelity.correlationSimilarity': { good: 0.9, fair: 0.75 },
  'fidelity.contingencySimilarity': { good: 0.9, fair: 0.75 },
  // Image fidelity on a bounded scale, graded as report.html grades it (goodness ≥ 0.9 good, ≥ 0.75 fair):
  // coverage in [0, 1]; MMD² in [0, 2], lower better, so 0.2 and 0.5. FID is unbounded: no grade.
  'fidelity.prdc': { good: 0.9, fair: 0.75 },
  'fidelity.mmd': { good: 0.2, fair: 0.5 },
  'privacy.exactCopies': { good: 0.001, fair: 0.01 },
  // Any real identifier value in a synthetic row points at a patient: only 1 is good.
  'privacy.identifierCopies': { good: 1, fair: 1 },
};

/** The attacks are graded on their risk and its interval, as the privacy questions grade them (one rule). */
const ATTACKS = new Set(['privacy.singlingOut', 'privacy.linkability', 'privacy.inference']);
const ATTACK_CARD: Readonly<Record<QuestionLevel, Verdict>> = {
  poor: 'poor',
  inconclusive: 'fair',
  fair: 'fair',
  good: 'good',
  unknown: 'info',
};

export function verdictOf(metric: ReportMetric): Verdict {
  // A metric without columns of its kind is not a failure: it gets a neutral "n/a", not the error colour.
  if (metric.error === undefined && metric.score === null && metric.notApplicable !== undefined) return 'na';
  if (metric.error !== undefined || metric.score === null) return 'error';
  if (ATTACKS.has(metric.id)) {
    const level = attackMetricLevel(metric);
    return level ? ATTACK_CARD[level] : 'info';
  }
  const t = THRESHOLDS[metric.id];
  if (!t) return 'info';
  // Exact copies at the rate two real samples share are natural collisions in coarse data, not a leak.
  if (copiesAtBaseRate(metric)) return 'good';
  const s = metric.score;
  if (metric.descriptor.goal === 'maximize') return s >= t.good ? 'good' : s >= t.fair ? 'fair' : 'poor';
  return s <= t.good ? 'good' : s <= t.fair ? 'fair' : 'poor';
}

function thresholdText(metric: ReportMetric): string {
  if (metric.id === 'privacy.identifierCopies') return 'good = 1, anything lower is poor';
  const rate = metric.id === 'privacy.exactCopies' ? (metric.details.baseRate as { share?: unknown } | undefined)?.share : undefined;
  if (typeof rate === 'number' && rate > 0) return `good ≤ 0.001 or at the base rate of two real samples (${formatScore(rate)})`;
  // Distances have no fixed threshold: the holdout rows' own value is the level to compare with.
  const base = dcrBaseline(metric);
  if (base && (metric.id === 'privacy.dcr' || metric.id === 'privacy.nndr')) return `holdout level ${formatScore(base.median)}`;
  if (ATTACKS.has(metric.id))
    return `risk (1 − score): poor when its 95% interval is ≥ ${ATTACK_HIGH_RISK}, good when below it and the risk < ${ATTACK_LOW_RISK}, fair otherwise${attackMetricLevel(metric) === 'inconclusive' ? ' (inconclusive: the interval spans the threshold)' : ''}`;
  const t = THRESHOLDS[metric.id];
  if (!t) return 'no threshold: read with the details';
  const op = metric.descriptor.goal === 'maximize' ? '≥' : '≤';
  return `good ${op} ${t.good}, fair ${op} ${t.fair}`;
}

export function scoreCard(metric: ReportMetric): HTMLElement {
  const d = metric.descriptor;
  const verdict = verdictOf(metric);
  const goal = `${d.goal === 'maximize' ? '↑' : '↓'} ${goalText(metric)}`;
  return h(
    'article',
    { class: `card verdict-${verdict}`, 'data-metric': metric.id },
    h(
      'header',
      {},
      h('span', { class: 'card-title' }, d.title),
      h('span', { class: `verdict ${verdict}` }, verdict === 'na' ? 'n/a' : verdict),
    ),
    h(
      'div',
      { class: 'score', 'data-score': metric.score === null ? '' : String(metric.score) },
      verdict === 'na' ? 'n/a' : formatScore(metric.score),
    ),
    // The seeded bootstrap interval (details.ci95), when the metric resamples and the run asked for one.
    intervalText(metric) !== '' ? h('div', { class: 'score-ci' }, intervalText(metric)) : null,
    h('div', { class: 'goal' }, `${goal} · range ${rangeText(d.range, '–')}`),
    metric.error !== undefined ? h('div', { class: 'card-error', role: 'alert' }, metric.error) : null,
    verdict === 'na' ? h('div', { class: 'card-na' }, `Not applicable: ${metric.notApplicable ?? ''}`) : null,
    ...leftOutSentences(metric).map((t) => h('div', { class: 'card-left-out' }, `${t.charAt(0).toUpperCase()}${t.slice(1)}.`)),
    doc(d.doc),
    h(
      'footer',
      {},
      h('code', {}, metric.id),
      h('span', { class: 'threshold' }, thresholdText(metric)),
      h('span', { class: 'reference', title: d.reference }, 'reference'),
    ),
  );
}

/** The descriptor's meaning, clamped to a few lines; a click shows it whole (some docs run long). */
function doc(text: string): HTMLElement {
  const p = h('p', { class: 'doc clamped', title: 'Click to show all' }, text);
  p.addEventListener('click', () => p.classList.toggle('clamped'));
  return p;
}
