// The report's four privacy questions, answered from real metric results: a synthetic table that is a
// copy of the training rows is a risk on every question (and the section goes first); without
// quasi-identifiers the attack questions say what to name; thresholds as the module states them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { evaluateSynthetic } from '../../../src/engine/evaluate';
import { privacyFirst, privacyQuestions } from '../../../src/core/report/privacyQuestions';
import type { Report, ReportMetric } from '../../../src/core/report/model';
import { renderReportHtml } from '../../../src/core/report/html';
import { renderReportMarkdown } from '../../../src/core/report/markdown';
import { utilityTable } from '../../../src/core/report/utilityTable';

const PATIENTS = join(__dirname, '..', '..', '..', 'samples', 'workspace', 'patients.csv');
const METRICS = [
  'privacy.membershipInference',
  'privacy.singlingOut',
  'privacy.linkability',
  'privacy.inference',
  'privacy.kAnonymity',
  'privacy.lDiversity',
];

function parts(): { train: string; holdout: string } {
  const [header, ...rows] = readFileSync(PATIENTS, 'utf8').trimEnd().split('\n');
  const dir = mkdtempSync(join(tmpdir(), 'medsynth-questions-'));
  const train = join(dir, 'train.csv');
  const holdout = join(dir, 'holdout.csv');
  writeFileSync(train, [header, ...rows.slice(0, 300)].join('\n') + '\n');
  writeFileSync(holdout, [header, ...rows.slice(300)].join('\n') + '\n');
  return { train, holdout };
}

describe('privacy questions', () => {
  it('call a copy of the training rows a risk on every question, and put the section first', async () => {
    const { train, holdout } = parts();
    const report = await evaluateSynthetic({
      real: train,
      synth: train,
      holdout,
      metrics: METRICS,
      metricOptions: {
        quasiIdentifiers: [{ column: 'age' }, { column: 'sex' }, { column: 'diagnosis' }, { column: 'bmi' }],
        secret: 'smoker',
        bootstrap: 0,
      },
    });
    const questions = privacyQuestions(report);
    assert.deepEqual(
      questions.map((q) => q.id),
      ['singlingOut', 'linkability', 'inference', 'membership'],
    );
    for (const q of questions) assert.equal(q.level, 'poor', `${q.id}: ${q.answer}`);
    assert.equal(privacyFirst(questions), true);
    assert.match(questions[0].answer, /risk 0\.\d{3} \(95% interval/);
    assert.match(questions[3].answer, /AUC 1\.000/);
    assert.ok(questions.every((q) => q.advice && q.thresholds.length > 0));
    // The section goes before the verdict in both exports, with what to do.
    const html = renderReportHtml(report);
    const heads = [...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    assert.deepEqual(heads.slice(0, 2), ['Privacy: the questions a reviewer asks', 'Verdict']);
    assert.match(html, /<li class="poor"><strong>Can a person be singled out\?<\/strong>.*What to do:/);
    const md = renderReportMarkdown(report);
    assert.ok(md.indexOf('## Privacy: the questions a reviewer asks') < md.indexOf('## Verdict'));
    assert.match(md, /- \*\*Can anyone tell who was in the training data\?\*\* \(risk\): The distance attack/);
  });

  it('show TSTR beside TRTR when a target was named', async () => {
    const { train, holdout } = parts();
    const report = await evaluateSynthetic({
      real: train,
      synth: train,
      holdout,
      metrics: ['utility.tstr'],
      metricOptions: { target: 'smoker', bootstrap: 0 },
    });
    const table = utilityTable(report) ?? assert.fail('no utility table');
    assert.equal(table.target, 'smoker');
    assert.deepEqual(
      table.rows.map((r) => `${r.model}/${r.measure}`),
      [
        'logistic regression/AUROC',
        'logistic regression/balanced accuracy',
        'gradient boosting/AUROC',
        'gradient boosting/balanced accuracy',
      ],
    );
    // A copy trains the same models: TSTR equals TRTR.
    for (const r of table.rows) assert.equal(r.tstr, r.trtr, `${r.model} ${r.measure}`);
    assert.match(renderReportHtml(report), /<h2>Utility: train on synthetic, test on real<\/h2>/);
    assert.match(renderReportMarkdown(report), /\| logistic regression \| AUROC \| (0\.\d{3}) \| \1 \|/);
  });

  it('say what to name when no quasi-identifier or holdout was given', async () => {
    const report = await evaluateSynthetic({ real: PATIENTS, synth: PATIENTS, metrics: METRICS });
    const questions = privacyQuestions(report);
    for (const q of questions) assert.equal(q.level, 'unknown', q.id);
    assert.match(questions[0].answer, /--quasi-identifiers/);
    assert.match(questions[2].answer, /--secret/);
    assert.match(questions[3].answer, /needs a holdout/);
    assert.equal(privacyFirst(questions), false);
  });

  it('grade attack risks by the stated thresholds and flag an attack no better than guessing', () => {
    const attack = (value: number, low: number, high: number, warning?: string): ReportMetric =>
      ({
        id: 'privacy.linkability',
        score: 1 - value,
        details: {
          risk: { value, ci95: [low, high] },
          main: { rate: 0.3 },
          control: { rate: 0.1 },
          ...(warning ? { baselineWarning: warning } : {}),
        },
      }) as unknown as ReportMetric;
    const level = (m: ReportMetric): string =>
      privacyQuestions({ modality: 'table', metrics: [m] } as unknown as Report).find((q) => q.id === 'linkability')?.level ?? '';
    assert.equal(level(attack(0.25, 0.2, 0.3)), 'poor');
    assert.equal(level(attack(0.1, 0.05, 0.15)), 'fair');
    // [0, 0.25] spans the 0.2 threshold: not safe, not a shown risk either (privacyGrading.test.ts has the rule).
    assert.equal(level(attack(0.03, 0, 0.25)), 'inconclusive', 'an interval reaching the risk threshold cannot be called safe');
    assert.equal(level(attack(0.03, 0, 0.1)), 'good');
    assert.equal(level(attack(0, 0, 0.01, 'no better than random')), 'unknown');
    const images = privacyQuestions({ modality: 'image', metrics: [] } as unknown as Report);
    assert.deepEqual(images, [], 'no membership attack ran on the images: no question to answer');
  });
});
