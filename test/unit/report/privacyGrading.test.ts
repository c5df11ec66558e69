// The privacy questions' grading of an attack's risk and interval, and the verdict reading the same
// grades. Expected levels are worked by hand from the rule in src/core/report/privacyQuestions.ts'
// header (threshold T = 0.2, low mark L = 0.05; the interval widened to contain the point):
// risk when lo ≥ T, good when hi < T and r < L, fair when hi < T and r ≥ L, inconclusive otherwise.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Report, ReportMetric } from '../../../src/core/report/model';
import {
  INCONCLUSIVE_ADVICE,
  attackRiskLevel,
  privacyFirst,
  privacyQuestionVerdict,
  privacyQuestions,
  questionAdvice,
  questionLevelLabel,
} from '../../../src/core/report/privacyQuestions';
import { renderReportHtml } from '../../../src/core/report/html';
import { renderReportMarkdown } from '../../../src/core/report/markdown';
import { reportVerdict } from '../../../src/core/report/verdict';

const descriptor = (id: string) => ({ id, title: id, modality: 'table', goal: 'maximize', range: [0, 1], doc: '', reference: '' });
const attack = (id: string, value: number, low: number, high: number, warning?: string): ReportMetric =>
  ({
    id,
    descriptor: descriptor(id),
    score: 1 - value,
    details: {
      risk: { value, ci95: [low, high] },
      main: { rate: 0.4 },
      control: { rate: 0.2 },
      ...(warning ? { baselineWarning: warning } : {}),
    },
  }) as unknown as ReportMetric;

const noCopies = {
  id: 'privacy.exactCopies',
  descriptor: descriptor('privacy.exactCopies'),
  score: 0,
  details: { copies: 0, synthRows: 500 },
} as unknown as ReportMetric;
const kAnonymity = (share: number): ReportMetric =>
  ({
    id: 'privacy.kAnonymity',
    descriptor: descriptor('privacy.kAnonymity'),
    score: 1,
    details: { k: 3, shareInSmallClasses: share, smallClassBelow: 5 },
  }) as unknown as ReportMetric;

function report(...metrics: ReportMetric[]): Report {
  return {
    schema: 'medsynth.report/1',
    modality: 'table',
    createdAt: '2026-12-02T21:00:00.000Z',
    metrics,
    real: { file: 'train.csv', rows: 500 },
    synth: { file: 'synthetic.csv', rows: 500 },
    holdout: { file: 'holdout.csv', rows: 200 },
    columns: [],
  } as unknown as Report;
}

const question = (r: Report, id: string) => privacyQuestions(r).find((q) => q.id === id) ?? assert.fail(`no ${id}`);

describe('attack risk grading', () => {
  it('grades point and interval against the threshold, ends included (hand-worked)', () => {
    const cases: [number, number, number, string][] = [
      [0.219, 0, 0.574, 'inconclusive'], // 0 < 0.2 ≤ 0.574: the holdout cannot tell
      [0.25, 0.2, 0.3, 'poor'], // lo = 0.2 ≥ 0.2: the whole interval at or above
      [0.25, 0.199, 0.3, 'inconclusive'], // lo just below the threshold
      [0.2, 0.2, 0.2, 'poor'], // degenerate interval on the threshold
      [0.1, 0.05, 0.15, 'fair'], // hi < 0.2, r ≥ 0.05
      [0.1, 0.05, 0.2, 'inconclusive'], // hi = 0.2 reaches the threshold
      [0.1, 0.05, 0.1999, 'fair'],
      [0.03, 0, 0.1, 'good'], // hi < 0.2, r < 0.05
      [0.05, 0, 0.1, 'fair'], // r = 0.05 is not below the low mark
      [0.03, 0, 0.25, 'inconclusive'], // a small point, but the interval reaches the threshold
      [0.21, 0.1, 0.19, 'inconclusive'], // point above an interval that misses it: widened to [0.1, 0.21]
      [0.19, 0.2, 0.3, 'inconclusive'], // point below the interval: widened to [0.19, 0.3]
    ];
    for (const [value, low, high, want] of cases) assert.equal(attackRiskLevel({ value, low, high }), want, `${value} [${low}, ${high}]`);
    assert.equal(attackRiskLevel({ value: 0.4, low: 0.3, high: 0.5, warning: 'no better than random' }), 'unknown');
  });

  it('answers an inconclusive question with the holdout advice, shown in HTML and Markdown, and puts the section first', () => {
    const r = report(noCopies, attack('privacy.linkability', 0.219, 0, 0.574));
    const q = question(r, 'linkability');
    assert.equal(q.level, 'inconclusive');
    assert.equal(questionLevelLabel(q.level), 'inconclusive');
    assert.match(
      q.answer,
      /risk 0\.219 \(95% interval 0\.000–0\.574;.*\); the interval spans the risk threshold 0\.2, so this cannot tell\./,
    );
    assert.equal(
      questionAdvice(q),
      'Holdout too small: the interval spans both sides of the threshold — use a larger holdout or more attack targets.',
    );
    assert.equal(INCONCLUSIVE_ADVICE[0], 'h');
    assert.equal(privacyFirst(privacyQuestions(r)), true);
    const html = renderReportHtml(r);
    assert.match(
      html,
      /<li class="inconclusive"><strong>Can records about the same person be linked\?<\/strong>.*What to do:<\/em> Holdout too small: the interval spans both sides of the threshold — use a larger holdout or more attack targets\./,
    );
    assert.match(html, /\.inconclusive \{ color: var\(--fair\); \}/);
    const md = renderReportMarkdown(r);
    assert.match(md, /- \*\*Can records about the same person be linked\?\*\* \(inconclusive\): Linkability attack/);
    assert.match(
      md,
      /What to do: Holdout too small: the interval spans both sides of the threshold — use a larger holdout or more attack targets\./,
    );
    assert.ok(md.indexOf('## Privacy: the questions a reviewer asks') < md.indexOf('## Verdict'));
  });

  it('grades a question by its worst part: a risk outranks inconclusive, inconclusive outranks good', () => {
    const risky = question(report(attack('privacy.singlingOut', 0.1, 0, 0.3), kAnonymity(0.3)), 'singlingOut');
    assert.equal(risky.level, 'poor', 'k-anonymity: 30% of records in small groups > 20%');
    assert.match(questionAdvice(risky) ?? '', /^Coarsen a quasi-identifier.*Also: holdout too small: the interval spans both sides/);
    const open = question(report(attack('privacy.singlingOut', 0.1, 0, 0.3), kAnonymity(0)), 'singlingOut');
    assert.equal(open.level, 'inconclusive');
    const good = question(report(attack('privacy.singlingOut', 0.01, 0, 0.04), kAnonymity(0)), 'singlingOut');
    assert.equal(good.level, 'good');
    assert.equal(questionAdvice(good), undefined, 'nothing to do for a good answer');
  });
});

describe('the verdict reads the questions', () => {
  it('turns the privacy verdict poor and names the question when a question is a risk, whatever the other lines say', () => {
    const r = report(noCopies, attack('privacy.linkability', 0.25, 0.2, 0.3));
    const privacy = reportVerdict(r).filter((l) => l.topic === 'privacy');
    assert.equal(privacy[0].level, 'good', 'no exact copy: that line stays as it was');
    const line = privacy.find((l) => l.level === 'poor') ?? assert.fail(JSON.stringify(privacy));
    assert.match(line.text, /answered as a risk: "Can records about the same person be linked\?"/);
  });

  it('makes an inconclusive question an amber line that names it, never green', () => {
    const r = report(noCopies, attack('privacy.inference', 0.219, 0, 0.574));
    const line = privacyQuestionVerdict(r) ?? assert.fail('no line');
    assert.equal(line.level, 'fair');
    assert.match(line.text, /inconclusive: "Can something be inferred about a person\?"/);
    assert.match(line.text, /larger holdout or more attack targets/);
  });

  it('names every question at risk, and mentions the inconclusive ones', () => {
    const r = report(
      attack('privacy.linkability', 0.5, 0.4, 0.6),
      attack('privacy.singlingOut', 0.3, 0.25, 0.35),
      attack('privacy.inference', 0.1, 0, 0.3),
    );
    const line = privacyQuestionVerdict(r) ?? assert.fail('no line');
    assert.equal(line.level, 'poor');
    assert.match(line.text, /"Can a person be singled out\?", "Can records about the same person be linked\?"/);
    assert.match(line.text, /Also inconclusive.*"Can something be inferred about a person\?"/);
  });

  it('agrees with the questions on every grid point: the worst question level is the verdict line level', () => {
    const map: Record<string, string> = { poor: 'poor', inconclusive: 'fair', fair: 'fair', good: 'good' };
    const points = [0, 0.03, 0.1, 0.19, 0.2, 0.3];
    for (const value of points)
      for (const low of points.filter((x) => x <= value))
        for (const high of points.filter((x) => x >= value)) {
          const r = report(noCopies, attack('privacy.singlingOut', value, low, high));
          const q = question(r, 'singlingOut');
          const line = reportVerdict(r).find((l) => /privacy question/i.test(l.text)) ?? assert.fail('no question line');
          assert.equal(line.level, map[q.level], `${value} [${low}, ${high}]: question ${q.level}`);
          if (q.level === 'poor') assert.match(line.text, /Can a person be singled out\?/);
        }
  });

  it('adds nothing for a report without the question metrics (the verdict as before)', () => {
    const r = report(noCopies);
    assert.equal(privacyQuestionVerdict(r), undefined);
    assert.deepEqual(
      reportVerdict(r)
        .filter((l) => l.topic === 'privacy')
        .map((l) => l.level),
      ['good'],
    );
    const nothing = report();
    assert.deepEqual(
      reportVerdict(nothing).filter((l) => l.topic === 'privacy'),
      [{ topic: 'privacy', level: 'unknown', text: 'No privacy metric was computed.' }],
    );
  });

  it('ignores an attack no better than guessing (unknown), as the questions do', () => {
    assert.equal(privacyQuestionVerdict(report(attack('privacy.linkability', 0.3, 0.25, 0.35, 'no better than random'))), undefined);
  });
});
