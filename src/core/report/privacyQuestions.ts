// The questions a data-protection officer asks of a release (the EU Article 29 Working Party's
// anonymisation criteria, plus membership): can a person be singled out, can records be linked to a
// person, can something be inferred about a person, can anyone tell who was in the training data. Each
// question is answered in plain words from the metrics that bear on it, with the figures, the intervals,
// the thresholds used and what the user can do. Reports put this section first when any answer is a risk
// or inconclusive, and the verdict's privacy lines read the same grades (privacyQuestionVerdict).
//
// Grading an attack (singling out, linkability, inference) from its risk r and 95% interval [lo, hi],
// against the risk threshold T = ATTACK_HIGH_RISK (0.2) and the low mark L = ATTACK_LOW_RISK (0.05);
// the interval is first widened to contain r (lo = min(lo, r), hi = max(hi, r)), so a point estimate
// is never outside the range it is judged by:
//   unknown       the attack did no better than random guessing (details.baselineWarning): no evidence.
//   poor (risk)   lo ≥ T: the whole interval is at or above the threshold, so the risk is shown.
//   good          hi < T and r < L: the whole interval is below the threshold and the risk is small.
//   fair          hi < T and r ≥ L: below the threshold, but a measurable risk: look closer.
//   inconclusive  lo < T ≤ hi: the interval spans both sides of the threshold, so this holdout cannot tell
//                 a safe release from a risky one, whichever side the point r falls on (r = 0.219 in
//                 [0, 0.574] is as likely no risk as a large one; r = 0.03 in [0, 0.25] cannot be called
//                 safe). What a data-protection officer needs from such an answer is that it neither
//                 passes nor condemns the release, says so, and says how to get an answer: a larger
//                 holdout or more attack targets (INCONCLUSIVE_ADVICE). It ranks just below a risk: a
//                 question is graded by its worst part in the order poor, inconclusive, fair, good, and
//                 an inconclusive answer puts the section first (privacyFirst) and turns the verdict's
//                 privacy line amber ('fair', naming the question), never green.
// k-anonymity, l-diversity and the membership AUC are graded on their values (no interval is read).
import type { Report, ReportMetric } from './model';
import type { VerdictLevel, VerdictLine } from './verdict';

export type PrivacyQuestionId = 'singlingOut' | 'linkability' | 'inference' | 'membership';

/** A question's grade: a verdict level, or inconclusive when an attack's interval spans the risk threshold (see the header). */
export type QuestionLevel = VerdictLevel | 'inconclusive';

export interface PrivacyQuestion {
  readonly id: PrivacyQuestionId;
  readonly question: string;
  /**
   * good = no sign of the risk; fair = look closer; poor = a risk; inconclusive = an attack's interval
   * spans the risk threshold, so this holdout cannot tell; unknown = not assessed or no evidence either way.
   */
  readonly level: QuestionLevel;
  /** The answer with its figures (risk and interval, k, AUC). */
  readonly answer: string;
  /** The thresholds behind `level`, in words. */
  readonly thresholds: string;
  /** What the user can do, when there is something to do (for an inconclusive answer: INCONCLUSIVE_ADVICE). Show it through questionAdvice. */
  readonly advice?: string;
  /** The metrics the answer read. */
  readonly metrics: readonly string[];
}

/** An attack whose risk is at or above this is a risk; below ATTACK_LOW_RISK with its whole interval, no sign of one. */
export const ATTACK_HIGH_RISK = 0.2;
export const ATTACK_LOW_RISK = 0.05;
/** Membership attack AUC: up to this no sign of membership leaking; above MEMBERSHIP_HIGH_AUC a risk. */
export const MEMBERSHIP_LOW_AUC = 0.55;
export const MEMBERSHIP_HIGH_AUC = 0.6;
/** What to do when an attack's interval spans the risk threshold. */
export const INCONCLUSIVE_ADVICE =
  'holdout too small: the interval spans both sides of the threshold — use a larger holdout or more attack targets';

const ATTACK_THRESHOLDS = `risk = (success on training rows − success on holdout rows) / (1 − success on holdout rows); a risk when the whole 95% interval is at or above ${ATTACK_HIGH_RISK}, no sign of one when the whole interval is below ${ATTACK_HIGH_RISK} and the risk below ${ATTACK_LOW_RISK}, inconclusive when the interval spans ${ATTACK_HIGH_RISK}`;
const NEEDS_QUASI =
  'Not assessed: name the columns an attacker could know (--quasi-identifiers age:10,sex,zip:3 or the setting medsynth.quasiIdentifiers)';

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const fixed = (x: number): string => x.toFixed(3);

interface Risk {
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly main: number;
  readonly control: number;
  readonly warning?: string;
}

function riskOf(m: ReportMetric | undefined): Risk | undefined {
  if (!m || m.score === null) return undefined;
  const risk = m.details.risk as { value?: unknown; ci95?: unknown } | undefined;
  const ci = Array.isArray(risk?.ci95) ? (risk.ci95 as unknown[]) : [];
  const value = num(risk?.value);
  const low = num(ci[0]);
  const high = num(ci[1]);
  const main = num((m.details.main as { rate?: unknown } | undefined)?.rate);
  const control = num((m.details.control as { rate?: unknown } | undefined)?.rate);
  if (value === undefined || low === undefined || high === undefined || main === undefined || control === undefined) return undefined;
  const warning = typeof m.details.baselineWarning === 'string' ? m.details.baselineWarning : undefined;
  return { value, low, high, main, control, ...(warning !== undefined ? { warning } : {}) };
}

/**
 * The grade of an attack's risk r with 95% interval [low, high] (the rule in the file header); a
 * baseline warning (no better than random guessing) gives unknown.
 */
export function attackRiskLevel(r: {
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly warning?: string;
}): QuestionLevel {
  if (r.warning !== undefined) return 'unknown';
  const low = Math.min(r.low, r.value);
  const high = Math.max(r.high, r.value);
  if (low >= ATTACK_HIGH_RISK) return 'poor';
  if (high < ATTACK_HIGH_RISK) return r.value < ATTACK_LOW_RISK ? 'good' : 'fair';
  return 'inconclusive';
}

/** The grade of one attack metric's result (singling out, linkability, inference), as its question grades it; undefined without a risk. */
export function attackMetricLevel(m: ReportMetric): QuestionLevel | undefined {
  const r = riskOf(m);
  return r ? attackRiskLevel(r) : undefined;
}

function riskSentence(what: string, r: Risk): string {
  const figures = `risk ${fixed(r.value)} (95% interval ${fixed(r.low)}–${fixed(r.high)}; success ${pct(r.main)} on training rows, ${pct(r.control)} on holdout rows)`;
  if (r.warning !== undefined) return `The ${what} did no better than random guessing, so it shows nothing either way: ${figures}.`;
  const open =
    attackRiskLevel(r) === 'inconclusive' ? `; the interval spans the risk threshold ${ATTACK_HIGH_RISK}, so this cannot tell` : '';
  return `${what[0].toUpperCase()}${what.slice(1)}: ${figures}${open}.`;
}

/** Worst first: a question is graded by its worst part, and unknown parts count only when nothing else was assessed. */
export const QUESTION_LEVEL_ORDER: readonly QuestionLevel[] = ['poor', 'inconclusive', 'fair', 'good', 'unknown'];

function worst(levels: readonly QuestionLevel[]): QuestionLevel {
  return QUESTION_LEVEL_ORDER.find((l) => levels.includes(l)) ?? 'unknown';
}

/** The advice a question's parts call for: its own when any part is a risk or fair, the holdout advice when any is inconclusive. */
function adviceFor(own: string, levels: readonly QuestionLevel[]): string {
  const act = levels.includes('poor') || levels.includes('fair');
  if (!levels.includes('inconclusive')) return own;
  return act ? `${own} Also: ${INCONCLUSIVE_ADVICE}.` : `${INCONCLUSIVE_ADVICE[0].toUpperCase()}${INCONCLUSIVE_ADVICE.slice(1)}.`;
}

const find = (report: Report, id: string): ReportMetric | undefined => report.metrics.find((m) => m.id === id);
const computed = (m: ReportMetric | undefined): m is ReportMetric => m !== undefined && m.score !== null;

function singlingOut(report: Report): PrivacyQuestion {
  const attack = find(report, 'privacy.singlingOut');
  const kAnon = find(report, 'privacy.kAnonymity');
  const metrics = [attack, kAnon].filter(computed).map((m) => m.id);
  const parts: string[] = [];
  const levels: QuestionLevel[] = [];
  const r = riskOf(attack);
  if (r) {
    parts.push(riskSentence('singling-out attack (predicates that match exactly one person)', r));
    levels.push(attackRiskLevel(r));
  }
  if (computed(kAnon)) {
    const k = num(kAnon.details.k);
    const share = num(kAnon.details.shareInSmallClasses) ?? 0;
    const below = num(kAnon.details.smallClassBelow) ?? 5;
    const realShare = num((kAnon.details.real as { shareInSmallClasses?: unknown } | undefined)?.shareInSmallClasses);
    parts.push(
      `k-anonymity: the smallest group of synthetic records sharing the quasi-identifiers has ${k ?? '?'} record(s); ${pct(share)} of records are in groups below ${below}` +
        (realShare !== undefined ? ` (real data: ${pct(realShare)})` : '') +
        '.',
    );
    levels.push(share === 0 ? 'good' : share > 0.2 ? 'poor' : 'fair');
  }
  return {
    id: 'singlingOut',
    question: 'Can a person be singled out?',
    level: parts.length > 0 ? worst(levels) : 'unknown',
    answer: parts.length > 0 ? parts.join(' ') : `${NEEDS_QUASI}.`,
    thresholds: `${ATTACK_THRESHOLDS}; k-anonymity: no small group is good, more than 20% of records in small groups is a risk`,
    advice: adviceFor(
      'Coarsen a quasi-identifier (age:10 rather than age, zip:3 rather than the full code) or raise the smallest group size (--k), then generate again.',
      levels,
    ),
    metrics,
  };
}

function linkability(report: Report): PrivacyQuestion {
  const attack = find(report, 'privacy.linkability');
  const r = riskOf(attack);
  return {
    id: 'linkability',
    question: 'Can records about the same person be linked?',
    level: r ? attackRiskLevel(r) : 'unknown',
    answer: r
      ? riskSentence('linkability attack (the same synthetic record nearest on two halves of the quasi-identifiers)', r)
      : attack?.notApplicable !== undefined
        ? `Not assessed: ${attack.notApplicable}.`
        : `${NEEDS_QUASI} (at least two).`,
    thresholds: ATTACK_THRESHOLDS,
    advice: adviceFor(
      'Drop or coarsen one of the columns that both halves share information with, so a synthetic record cannot bridge two sources about one patient.',
      r ? [attackRiskLevel(r)] : [],
    ),
    metrics: computed(attack) ? [attack.id] : [],
  };
}

function inference(report: Report): PrivacyQuestion {
  const attack = find(report, 'privacy.inference');
  const lDiv = find(report, 'privacy.lDiversity');
  const parts: string[] = [];
  const levels: QuestionLevel[] = [];
  const r = riskOf(attack);
  if (r) {
    parts.push(riskSentence('inference attack (the secret of the nearest synthetic record)', r));
    levels.push(attackRiskLevel(r));
  }
  if (computed(lDiv)) {
    const homogeneous = num(lDiv.details.recordsInHomogeneousClasses) ?? 0;
    const records = num(lDiv.details.records) ?? 0;
    const share = records > 0 ? homogeneous / records : 0;
    parts.push(
      `l-diversity: ${pct(share)} of synthetic records are in groups where everyone has the same ${String(lDiv.details.secret ?? 'secret')}, which gives it away.`,
    );
    levels.push(share === 0 ? 'good' : share > 0.2 ? 'poor' : 'fair');
  }
  return {
    id: 'inference',
    question: 'Can something be inferred about a person?',
    level: parts.length > 0 ? worst(levels) : 'unknown',
    answer: parts.length > 0 ? parts.join(' ') : `${NEEDS_QUASI}, and the secret column (--secret or medsynth.secretColumn).`,
    thresholds: `${ATTACK_THRESHOLDS}; l-diversity: no group with a single secret value is good, more than 20% of records in such groups is a risk`,
    advice: adviceFor(
      'Coarsen the quasi-identifiers most associated with the secret, or generate with a generator that keeps fewer rare combinations.',
      levels,
    ),
    metrics: [attack, lDiv].filter(computed).map((m) => m.id),
  };
}

function membership(report: Report): PrivacyQuestion {
  const attacks = ['privacy.membershipInference', 'privacy.membershipDensity'].map((id) => find(report, id)).filter(computed);
  const parts: string[] = [];
  const levels: QuestionLevel[] = [];
  for (const m of attacks) {
    const auc = num(m.details.auc);
    if (auc === undefined) continue;
    const kind = m.id === 'privacy.membershipDensity' ? 'density-ratio attack' : 'distance attack';
    parts.push(`The ${kind} tells training patients from holdout patients with AUC ${fixed(auc)} (0.5 = chance).`);
    levels.push(auc <= MEMBERSHIP_LOW_AUC ? 'good' : auc > MEMBERSHIP_HIGH_AUC ? 'poor' : 'fair');
  }
  return {
    id: 'membership',
    question: 'Can anyone tell who was in the training data?',
    level: parts.length > 0 ? worst(levels) : 'unknown',
    answer: parts.length > 0 ? parts.join(' ') : "Not assessed: needs a holdout (the full loop's split or --holdout).",
    thresholds: `attack AUC up to ${MEMBERSHIP_LOW_AUC} is no sign of membership leaking, above ${MEMBERSHIP_HIGH_AUC} a risk`,
    advice:
      'Fit less closely to the training patients (fewer components, more regularisation, fewer epochs), or train with differential privacy.',
    metrics: attacks.map((m) => m.id),
  };
}

/**
 * The four questions, answered from the report's metrics. The three attacks on quasi-identifiers need
 * columns, so a report on images, signals or text answers membership only, and only when a membership
 * attack ran (none is an image metric yet). A report without any privacy metric (the user asked for
 * fidelity only) has no questions: nothing was asked, so every view leaves the section out.
 */
export function privacyQuestions(report: Report): PrivacyQuestion[] {
  if (!report.metrics.some((m) => m.id.startsWith('privacy.'))) return [];
  if (report.modality !== 'table') {
    const m = membership(report);
    return m.metrics.length > 0 ? [m] : [];
  }
  return [singlingOut(report), linkability(report), inference(report), membership(report)];
}

/** True when any question is answered as a risk or inconclusive: reports then show the privacy section first. */
export function privacyFirst(questions: readonly PrivacyQuestion[]): boolean {
  return questions.some((q) => q.level === 'poor' || q.level === 'inconclusive');
}

/** The word a report shows for a question's level: a "poor" privacy answer is a risk; the others by their name. */
export function questionLevelLabel(level: QuestionLevel): string {
  return level === 'poor' ? 'risk' : level;
}

/** The advice a report shows under a question: for a risk, a fair or an inconclusive answer; none for good or unknown. */
export function questionAdvice(q: PrivacyQuestion): string | undefined {
  return q.level === 'poor' || q.level === 'fair' || q.level === 'inconclusive' ? q.advice : undefined;
}

/**
 * The verdict's privacy line from the questions (one source of truth with the section): the worst grade
 * of the assessed questions, naming the questions at that grade. A risk in any question is a poor line;
 * an inconclusive one a fair line (look closer: neither passed nor condemned); undefined when no
 * question was assessed, so a report without those metrics keeps the verdict it had.
 */
export function privacyQuestionVerdict(report: Report): VerdictLine | undefined {
  const assessed = privacyQuestions(report).filter((q) => q.level !== 'unknown');
  if (assessed.length === 0) return undefined;
  const at = (level: QuestionLevel): string[] => assessed.filter((q) => q.level === level).map((q) => `"${q.question}"`);
  const join = (names: readonly string[]): string => names.join(', ');
  const see = 'see "Privacy: the questions a reviewer asks"';
  const risks = at('poor');
  const open = at('inconclusive');
  const fair = at('fair');
  const also = (names: readonly string[], what: string): string => (names.length > 0 ? ` Also ${what}: ${join(names)}.` : '');
  if (risks.length > 0)
    return {
      topic: 'privacy',
      level: 'poor',
      text: `Privacy questions answered as a risk: ${join(risks)} (${see}).${also(open, 'inconclusive (the holdout is too small to tell)')}${also(fair, 'worth a closer look')}`,
    };
  if (open.length > 0)
    return {
      topic: 'privacy',
      level: 'fair',
      text: `Privacy questions inconclusive: ${join(open)}: the attack's interval spans both sides of the risk threshold, so this holdout cannot tell a safe release from a risky one; use a larger holdout or more attack targets (${see}).${also(fair, 'worth a closer look')}`,
    };
  if (fair.length > 0) return { topic: 'privacy', level: 'fair', text: `Privacy questions worth a closer look: ${join(fair)} (${see}).` };
  return {
    topic: 'privacy',
    level: 'good',
    text: `No privacy question shows a sign of a risk (assessed: ${join(assessed.map((q) => `"${q.question}"`))}).`,
  };
}
