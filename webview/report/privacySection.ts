// The privacy questions (singling out, linkability, inference, membership) as the report webview shows
// them: each answer with its level, figures and thresholds, and what to do when it is a risk, worth a
// closer look or inconclusive. The answers come from core/report/privacyQuestions.ts, as in report.html and report.md;
// this file only lays them out.
import type { Report } from '../../src/core/report/model';
import { privacyQuestions, questionAdvice, questionLevelLabel } from '../../src/core/report/privacyQuestions';
import type { PrivacyQuestion } from '../../src/core/report/privacyQuestions';
import { h } from '../shared/dom';

/** The word shown for a level: a "poor" privacy answer is a risk, as the Markdown export words it. */
export function privacyLevelLabel(level: PrivacyQuestion['level']): string {
  return questionLevelLabel(level);
}

/**
 * The section, or null when the report has no privacy metric at all (nothing was asked, so there is
 * nothing to answer or to name) or no question applies (an image report without a membership attack).
 */
export function privacySection(report: Report): HTMLElement | null {
  const questions = privacyQuestions(report);
  if (questions.length === 0) return null;
  return h(
    'section',
    { class: 'privacy-questions' },
    h('h2', {}, 'Privacy: the questions a reviewer asks'),
    h('ul', { class: 'questions' }, ...questions.map(questionItem)),
  );
}

function questionItem(q: PrivacyQuestion): HTMLElement {
  const advice = questionAdvice(q);
  return h(
    'li',
    { class: `question level-${q.level}`, 'data-question': q.id, 'data-level': q.level },
    h('header', {}, h('span', { class: `verdict ${q.level}` }, privacyLevelLabel(q.level)), h('h3', {}, q.question)),
    h('p', { class: 'answer' }, q.answer),
    advice !== undefined ? h('p', { class: 'advice' }, h('strong', {}, 'What to do: '), advice) : null,
    h('p', { class: 'thresholds' }, `Thresholds: ${q.thresholds}.`),
    q.metrics.length > 0
      ? h('p', { class: 'from' }, 'From ', ...q.metrics.flatMap((id, i) => [i > 0 ? ', ' : '', h('code', {}, id)]))
      : null,
  );
}
