// The report webview's privacy questions and TSTR vs TRTR table, in headless Chromium under the real
// CSP, on hand-made reports whose figures are worked out by hand in fixtures/privacyReport.ts: the
// section goes before the scores when an answer is a risk and after them otherwise; each answer shows
// its level, figures with interval, thresholds and, for a risk or a fair answer, what to do; the utility
// rows show TRTR, TSTR and the skill kept; a report without privacy metrics or utility.tstr shows
// neither section. Under a dark and a light theme the level colours stay apart and legible.
// Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Report } from '../../src/core/report/model';
import { parseReportMessage } from '../../src/protocol/report';
import {
  fidelityOnlyReport,
  imageReportWithoutAttacks,
  inconclusiveReport,
  notAssessedReport,
  riskyReport,
  safeReport,
} from './fixtures/privacyReport';
import type { AppPage } from './harness';
import { useWebviewSession } from './harness';
import { ROOT } from './realData';
import { BUNDLED_THEMES } from './themes';
import type { BundledTheme } from './themes';

const RESULTS = join(ROOT, 'test-results');
const webviews = useWebviewSession(RESULTS);

async function open(report: Report, bare = false): Promise<AppPage> {
  const app = await webviews.open(
    'report',
    async (raw, a) => {
      const m = parseReportMessage(raw);
      assert.ok(m, `the host validator accepts every message the webview posts: ${JSON.stringify(raw)}`);
      if (m.type === 'ready') await a.send({ type: 'init', report, canOpenSynthetic: false });
    },
    { bare },
  );
  try {
    await app.page.waitForSelector('section.scores', { timeout: 10_000 });
  } catch (e) {
    throw new Error(`the report never rendered; page problems: ${JSON.stringify(app.problems)}`, { cause: e });
  }
  return app;
}

const headings = (app: AppPage): Promise<(string | null)[]> => app.page.$$eval('section > h2', (hs) => hs.map((x) => x.textContent));

interface Shown {
  id: string | null;
  level: string | null;
  badge: string;
  question: string;
  answer: string;
  advice: string | null;
  thresholds: string;
  from: string | null;
}

function questions(app: AppPage): Promise<Shown[]> {
  return app.page.$$eval('section.privacy-questions li.question', (list) =>
    list.map((li) => ({
      id: li.getAttribute('data-question'),
      level: li.getAttribute('data-level'),
      badge: li.querySelector('.verdict')?.textContent ?? '',
      question: li.querySelector('h3')?.textContent ?? '',
      answer: li.querySelector('.answer')?.textContent ?? '',
      advice: li.querySelector('.advice')?.textContent ?? null,
      thresholds: li.querySelector('.thresholds')?.textContent ?? '',
      from: li.querySelector('.from')?.textContent ?? null,
    })),
  );
}

/** Applies a theme as VS Code's webview preload does: classes on <body>, variables on <html>. */
async function applyTheme(app: AppPage, theme: BundledTheme): Promise<void> {
  await app.page.evaluate(
    ({ kind, colors }) => {
      const body = document.body;
      body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light');
      body.classList.add(kind);
      if (kind === 'vscode-high-contrast-light') body.classList.add('vscode-high-contrast');
      const style = document.documentElement.style;
      for (let i = style.length - 1; i >= 0; i--) if (style[i].startsWith('--vscode-')) style.removeProperty(style[i]);
      for (const [name, value] of Object.entries(colors)) style.setProperty(`--vscode-${name}`, value);
    },
    { kind: theme.kind, colors: theme.colors },
  );
}

type Rgba = [number, number, number, number];

function parseColour(css: string): Rgba {
  const m = /^rgba?\(([^)]+)\)$/.exec(css.trim()) ?? assert.fail(`not an rgb() colour: ${css}`);
  const [r, g, b, a] = m[1].split(',').map((x) => Number(x.trim()));
  return [r, g, b, a ?? 1];
}

/** `top` over the opaque `bottom`. */
function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1) as Rgba;
}

/** WCAG 2 contrast ratio of two opaque colours. */
function contrast(x: Rgba, y: Rgba): number {
  const lum = (c: Rgba): number => {
    const [r, g, b] = [0, 1, 2].map((i) => {
      const s = c[i] / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(x), lum(y)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}

describe('report webview: privacy questions and utility', () => {
  it('grades the attack cards as their questions grade them: risk poor, fair, good, and an inconclusive one amber', async () => {
    for (const [report, want] of [
      [
        riskyReport(),
        [
          ['privacy.singlingOut', 'poor'],
          ['privacy.linkability', 'good'],
          ['privacy.inference', 'fair'],
        ],
      ],
      [inconclusiveReport(), [['privacy.linkability', 'fair']]],
    ] as const) {
      const app = await open(report);
      const cards = await app.page.$$eval('article.card[data-metric^="privacy."]', (list) =>
        list.map((c) => [
          c.getAttribute('data-metric') ?? '',
          c.querySelector('header .verdict')?.textContent ?? '',
          c.querySelector('.threshold')?.textContent ?? '',
        ]),
      );
      for (const [id, verdict] of want) {
        const card = cards.find((c) => c[0] === id);
        assert.ok(card, `${id} card in ${JSON.stringify(cards)}`);
        assert.equal(card[1], verdict, id);
        assert.match(card[2], /poor when its 95% interval is ≥ 0\.2/);
      }
      if (report.metrics.length === 2) assert.match(cards[0][2], /inconclusive: the interval spans the threshold/);
      assert.deepEqual(app.problems, []);
      await app.page.close();
    }
  });

  it('puts the privacy questions first when an answer is a risk, with the figures, thresholds and advice worked out by hand', async () => {
    const report = riskyReport();
    // A bootstrap interval on the first card, for the score-ci style.
    const ks = report.metrics[0];
    const withCi: Report = { ...report, metrics: [{ ...ks, details: { ...ks.details, ci95: [0.9, 0.93] } }, ...report.metrics.slice(1)] };
    const app = await open(withCi);
    const { page } = app;
    const heads = await headings(app);
    assert.deepEqual(heads.slice(0, 3), ['Privacy: the questions a reviewer asks', 'Scores', 'Utility: train on synthetic, test on real']);

    const shown = await questions(app);
    assert.deepEqual(
      shown.map((q) => [q.id, q.level, q.badge]),
      [
        ['singlingOut', 'poor', 'risk'],
        ['linkability', 'good', 'good'],
        ['inference', 'fair', 'fair'],
        ['membership', 'good', 'good'],
      ],
    );
    assert.deepEqual(
      shown.map((q) => q.question),
      [
        'Can a person be singled out?',
        'Can records about the same person be linked?',
        'Can something be inferred about a person?',
        'Can anyone tell who was in the training data?',
      ],
    );
    // Singling out: (0.60 − 0.20) / (1 − 0.20) = 0.500 in 0.400–0.600; k-anonymity: 30% of records in groups below 5, real 25%.
    assert.ok(shown[0].answer.includes('risk 0.500 (95% interval 0.400–0.600; success 60.0% on training rows, 20.0% on holdout rows)'));
    assert.ok(shown[0].answer.includes('has 1 record(s); 30.0% of records are in groups below 5 (real data: 25.0%).'), shown[0].answer);
    // Linkability (0.208 − 0.20) / 0.80 = 0.010; inference (0.46 − 0.40) / 0.60 = 0.100; membership AUC 0.52.
    assert.ok(shown[1].answer.includes('risk 0.010 (95% interval 0.000–0.030; success 20.8% on training rows, 20.0% on holdout rows)'));
    assert.ok(shown[2].answer.includes('risk 0.100 (95% interval 0.060–0.140; success 46.0% on training rows, 40.0% on holdout rows)'));
    assert.equal(shown[3].answer, 'The distance attack tells training patients from holdout patients with AUC 0.520 (0.5 = chance).');
    // What to do for the risk and the fair answer only; thresholds and the metrics read on every answer.
    assert.deepEqual(
      shown.map((q) => q.advice?.startsWith('What to do: ') ?? false),
      [true, false, true, false],
    );
    assert.match(shown[0].advice ?? '', /^What to do: Coarsen a quasi-identifier/);
    for (const q of shown) assert.match(q.thresholds, /^Thresholds: .+\.$/);
    assert.deepEqual(
      shown.map((q) => q.from),
      [
        'From privacy.singlingOut, privacy.kAnonymity',
        'From privacy.linkability',
        'From privacy.inference',
        'From privacy.membershipInference',
      ],
    );

    // TSTR beside TRTR: skill kept (0.74 − 0.5) / (0.80 − 0.5) = 80% and (0.70 − 0.5) / (0.90 − 0.5) = 50% on the AUROC rows.
    assert.equal(
      await page.$eval('section.utility .hint', (p) => p.textContent ?? ''),
      "Target smoker (classification): the same models trained on the real training rows and on the synthetic rows, both tested on the holdout. Skill kept is the share of the real-trained model's skill above chance that the synthetic-trained one keeps.",
    );
    const table = await page.$$eval('table.utility-table tr', (rows) =>
      rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent ?? '')),
    );
    assert.deepEqual(table, [
      ['Model', 'Measure', 'Trained on real (TRTR)', 'Trained on synthetic (TSTR)', 'Skill kept'],
      ['logistic regression', 'AUROC', '0.800', '0.740', '80%'],
      ['logistic regression', 'balanced accuracy', '0.700', '0.660', ''],
      ['gradient boosting', 'AUROC', '0.900', '0.700', '50%'],
      ['gradient boosting', 'balanced accuracy', '0.750', '0.600', ''],
    ]);
    const align = await page.$$eval('table.utility-table td', (cells) => cells.slice(0, 5).map((c) => getComputedStyle(c).textAlign));
    assert.deepEqual(align, ['left', 'left', 'right', 'right', 'right']);

    // The score card's bootstrap interval: small, muted, under the score.
    const ci = await page.$eval('.card[data-metric="fidelity.ksComplement"] .score-ci', (el) => ({
      text: el.textContent,
      size: getComputedStyle(el).fontSize,
      colour: getComputedStyle(el).color,
      score: getComputedStyle(el.parentElement?.querySelector('.score') as Element).color,
    }));
    assert.equal(ci.text, '95% CI 0.9–0.93');
    assert.equal(ci.size, '11px');
    assert.notEqual(ci.colour, ci.score, 'the interval is muted beside the score');

    await page.screenshot({ path: join(RESULTS, 'webview-report-privacy.png'), fullPage: true });
    assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
    await page.close();
  });

  it('puts the privacy questions after the scores when no answer is a risk, and leaves out the utility table without utility.tstr', async () => {
    const app = await open(safeReport());
    const heads = await headings(app);
    assert.deepEqual(heads.slice(0, 2), ['Scores', 'Privacy: the questions a reviewer asks']);
    assert.ok(!heads.includes('Utility: train on synthetic, test on real'));
    assert.equal(await app.page.$$eval('section.utility', (s) => s.length), 0);
    const shown = await questions(app);
    assert.deepEqual(
      shown.map((q) => q.level),
      ['good', 'good', 'fair', 'good'],
    );
    // Singling out (0.216 − 0.20) / 0.80 = 0.020 in 0.000–0.040; no group below 5.
    assert.ok(shown[0].answer.includes('risk 0.020 (95% interval 0.000–0.040; success 21.6% on training rows, 20.0% on holdout rows)'));
    assert.ok(shown[0].answer.includes('0.0% of records are in groups below 5 (real data: 0.0%)'), shown[0].answer);
    assert.deepEqual(
      shown.map((q) => q.advice !== null),
      [false, false, true, false],
    );
    assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
    await app.page.close();
  });

  it('shows neither section for a report without privacy metrics or utility.tstr', async () => {
    const app = await open(fidelityOnlyReport());
    assert.equal(await app.page.$$eval('section.privacy-questions, section.utility', (s) => s.length), 0);
    const heads = await headings(app);
    assert.equal(heads[0], 'Scores');
    assert.ok(!heads.some((x) => /Privacy|Utility/.test(x ?? '')), JSON.stringify(heads));
    assert.equal(await app.page.$$eval('.card', (c) => c.length), 1);
    assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
    await app.page.close();
    // An image report with a privacy metric but no membership attack: no question applies, no section.
    const image = await open(imageReportWithoutAttacks());
    assert.equal(await image.page.$$eval('section.privacy-questions, section.utility', (s) => s.length), 0);
    assert.deepEqual(image.problems, [], 'no CSP violation, console error or page error');
    await image.page.close();
  });

  it('shows unassessed questions as unknown, after the scores and without advice', async () => {
    const app = await open(notAssessedReport());
    assert.deepEqual((await headings(app)).slice(0, 2), ['Scores', 'Privacy: the questions a reviewer asks']);
    const shown = await questions(app);
    assert.deepEqual(
      shown.map((q) => [q.level, q.badge, q.advice, q.from]),
      Array.from({ length: 4 }, () => ['unknown', 'unknown', null, null]),
    );
    assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
    await app.page.close();
  });

  it('keeps the level colours apart and the answers legible in a dark and a light theme', async () => {
    const app = await open(riskyReport(), true);
    const { page } = app;
    for (const id of ['dark-modern', 'light-modern']) {
      const theme = BUNDLED_THEMES.find((t) => t.id === id) ?? assert.fail(id);
      await applyTheme(app, theme);
      // No named helpers inside: tsx would wrap them with a function the page does not have.
      const paint = await page.evaluate(() =>
        [...document.querySelectorAll('section.privacy-questions li.question')].map((li) => ({
          level: li.getAttribute('data-level') ?? '',
          edge: getComputedStyle(li).borderLeftColor,
          edgeWidth: getComputedStyle(li).borderLeftWidth,
          badge: getComputedStyle(li.querySelector('.verdict') as Element).color,
          answer: getComputedStyle(li.querySelector('.answer') as Element).color,
          surface: getComputedStyle(li).backgroundColor,
          body: getComputedStyle(document.body).backgroundColor,
        })),
      );
      const byLevel = new Map(paint.map((p) => [p.level, p]));
      const [poor, fair, good] = ['poor', 'fair', 'good'].map((l) => byLevel.get(l) ?? assert.fail(l));
      assert.equal(new Set([poor.edge, fair.edge, good.edge]).size, 3, `${theme.label}: risk, fair and good edges differ`);
      for (const p of paint) assert.equal(p.edge, p.badge, `${theme.label}: ${p.level} edge and badge share the level colour`);
      assert.equal(poor.edgeWidth, '6px', 'a risk has the thicker edge');
      for (const p of paint) {
        const surface = over(parseColour(p.surface), parseColour(p.body));
        const text = contrast(parseColour(p.answer), surface);
        const badge = contrast(parseColour(p.badge), surface);
        assert.ok(text >= 4.5, `${theme.label}: answer text contrast ${text.toFixed(2)}`);
        assert.ok(badge >= 3, `${theme.label}: ${p.level} badge contrast ${badge.toFixed(2)}`);
      }
      await page.waitForTimeout(50);
      await (await page.$('section.privacy-questions'))?.screenshot({ path: join(RESULTS, `webview-report-privacy-${theme.id}.png`) });
      await (await page.$('section.utility'))?.screenshot({ path: join(RESULTS, `webview-report-utility-${theme.id}.png`) });
    }
    assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
    await page.close();
  });
});
