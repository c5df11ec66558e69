// The questions a data-protection officer asks of a release (the EU Article 29 Working Party's
// anonymisation criteria, plus membership): can a person be singled out, can records be linked to a
// person, can something be inferred about a person, can anyone tell who was in the training data. Each
// question is answered in plain words from the metrics that bear on it, with the figures, the intervals,
// the thresholds used and what the user can do. Reports put this section first when any answer is a risk.
import type { Report, ReportMetric } from './model';
import type { VerdictLevel } from './verdict';

export type PrivacyQuestionId = 'singlingOut' | 'linkability' | 'inference' | 'membership';

export interface PrivacyQuestion {
  readonly id: PrivacyQuestionId;
  readonly question: string;
  /** good = no sign of the risk; fair = look closer; poor = a risk; unknown = not assessed or no evidence either way. */
  readonly level: VerdictLevel;
  /** The answer with its figures (risk and interval, k, AUC). */
  readonly answer: string;
  /** The thresholds behind `level`, in words. */
  readonly thresholds: string;
  /** What the user can do, when there is something to do. */
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

const ATTACK_THRESHOLDS = `risk = (success on training rows − success on holdout rows) / (1 − success on holdout rows); a risk when ≥ ${ATTACK_HIGH_RISK}, no sign of one when the whole 95% interval is below ${ATTACK_HIGH_RISK} and the risk below ${ATTACK_LOW_RISK}`;
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

function riskLevel(r: Risk): VerdictLevel {
  if (r.warning !== undefined) return 'unknown';
  if (r.value >= ATTACK_HIGH_RISK) return 'poor';
  if (r.value < ATTACK_LOW_RISK && r.high < ATTACK_HIGH_RISK) return 'good';
  return 'fair';
}

function riskSentence(what: string, r: Risk): string {
  const figures = `risk ${fixed(r.value)} (95% interval ${fixed(r.low)}–${fixed(r.high)}; success ${pct(r.main)} on training rows, ${pct(r.control)} on holdout rows)`;
  if (r.warning !== undefined) return `The ${what} did no better than random guessing, so it shows nothing either way: ${figures}.`;
  return `${what[0].toUpperCase()}${what.slice(1)}: ${figures}.`;
}

function worst(levels: readonly VerdictLevel[]): VerdictLevel {
  for (const l of ['poor', 'fair', 'good'] as const) if (levels.includes(l)) return l;
  return 'unknown';
}

const find = (report: Report, id: string): ReportMetric | undefined => report.metrics.find((m) => m.id === id);
const computed = (m: ReportMetric | undefined): m is ReportMetric => m !== undefined && m.score !== null;

function singlingOut(report: Report): PrivacyQuestion {
  const attack = find(report, 'privacy.singlingOut');
  const kAnon = find(report, 'privacy.kAnonymity');
  const metrics = [attack, kAnon].filter(computed).map((m) => m.id);
  const parts: string[] = [];
  const levels: VerdictLevel[] = [];
  const r = riskOf(attack);
  if (r) {
    parts.push(riskSentence('singling-out attack (predicates that match exactly one person)', r));
    levels.push(riskLevel(r));
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
    advice:
      'Coarsen a quasi-identifier (age:10 rather than age, zip:3 rather than the full code) or raise the smallest group size (--k), then generate again.',
    metrics,
  };
}

function linkability(report: Report): PrivacyQuestion {
  const attack = find(report, 'privacy.linkability');
  const r = riskOf(attack);
  return {
    id: 'linkability',
    question: 'Can records about the same person be linked?',
    level: r ? riskLevel(r) : 'unknown',
    answer: r
      ? riskSentence('linkability attack (the same synthetic record nearest on two halves of the quasi-identifiers)', r)
      : attack?.notApplicable !== undefined
        ? `Not assessed: ${attack.notApplicable}.`
        : `${NEEDS_QUASI} (at least two).`,
    thresholds: ATTACK_THRESHOLDS,
    advice:
      'Drop or coarsen one of the columns that both halves share information with, so a synthetic record cannot bridge two sources about one patient.',
    metrics: computed(attack) ? [attack.id] : [],
  };
}

function inference(report: Report): PrivacyQuestion {
  const attack = find(report, 'privacy.inference');
  const lDiv = find(report, 'privacy.lDiversity');
  const parts: string[] = [];
  const levels: VerdictLevel[] = [];
  const r = riskOf(attack);
  if (r) {
    parts.push(riskSentence('inference attack (the secret of the nearest synthetic record)', r));
    levels.push(riskLevel(r));
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
    advice:
      'Coarsen the quasi-identifiers most associated with the secret, or generate with a generator that keeps fewer rare combinations.',
    metrics: [attack, lDiv].filter(computed).map((m) => m.id),
  };
}

function membership(report: Report): PrivacyQuestion {
  const attacks = ['privacy.membershipInference', 'privacy.membershipDensity'].map((id) => find(report, id)).filter(computed);
  const parts: string[] = [];
  const levels: VerdictLevel[] = [];
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
 * attack ran (none is an image metric yet).
 */
export function privacyQuestions(report: Report): PrivacyQuestion[] {
  if (report.modality !== 'table') {
    const m = membership(report);
    return m.metrics.length > 0 ? [m] : [];
  }
  return [singlingOut(report), linkability(report), inference(report), membership(report)];
}

/** True when any question is answered as a risk: reports then show the privacy section first. */
export function privacyFirst(questions: readonly PrivacyQuestion[]): boolean {
  return questions.some((q) => q.level === 'poor');
}
