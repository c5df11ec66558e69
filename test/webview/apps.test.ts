// The table preview and report apps in real headless Chromium, under the real CSP, fed real data:
// DOM checks, protocol checks (every posted message passes the host's validator), no CSP violations
// or console errors, and screenshots in test-results/ for a human look.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Table } from '../../src/core/data/table';
import { buildTablePreview, tableRows } from '../../src/core/preview/tablePreview';
import type { Report } from '../../src/core/report/model';
import { parseReportMessage } from '../../src/protocol/report';
import type { ReportHostMessage } from '../../src/protocol/report';
import { parseTablePreviewMessage } from '../../src/protocol/tablePreview';
import type { TablePreviewHostMessage } from '../../src/protocol/tablePreview';
import type { AppPage, TestBrowser, WebviewServer } from './harness';
import { launchChromium, openApp, startWebviewServer } from './harness';
import { loadTable, realReport, repeatTable, ROOT } from './realData';

const RESULTS = join(ROOT, 'test-results');

let server: WebviewServer;
let browser: TestBrowser;

before(async () => {
  await mkdir(RESULTS, { recursive: true });
  server = await startWebviewServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A stand-in host for the table preview: answers exactly as src/host/tablePreviewPanel.ts does. */
function tableHost(table: Table, kindChanges: string[]): (raw: unknown, app: AppPage) => Promise<void> {
  const model = buildTablePreview(table, { title: 'patients.csv' });
  return async (raw, app) => {
    const m = parseTablePreviewMessage(raw);
    assert.ok(m, `the host validator accepts every message the webview posts: ${JSON.stringify(raw)}`);
    const reply = (r: TablePreviewHostMessage): Promise<void> => app.send(r);
    if (m.type === 'ready') await reply({ type: 'init', model });
    else if (m.type === 'requestRows') await reply({ type: 'rows', id: m.id, offset: m.offset, rows: tableRows(table, m.offset, m.count) });
    else kindChanges.push(`${m.column}:${m.kind}`);
  };
}

function assertClean(app: AppPage): void {
  assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
}

describe('table preview webview', () => {
  it('shows every column with its kind, histogram and missing count, on the patients sample', async () => {
    const table = await loadTable('samples/workspace/patients.csv');
    const kindChanges: string[] = [];
    const app = await openApp(browser, server, 'tablePreview', tableHost(table, kindChanges));
    const { page } = app;
    await page.waitForSelector('tbody tr.row');
    const headers = await page.$$eval('thead th.column', (ths) => ths.map((th) => ({ name: th.getAttribute('data-column'), kind: th.getAttribute('data-kind'), text: th.textContent ?? '', hist: th.querySelectorAll('svg rect.bar').length })));
    assert.deepEqual(headers.map((x) => x.name), table.columns.map((c) => c.name));
    assert.deepEqual(headers.map((x) => x.kind), table.columns.map((c) => c.kind));
    const model = buildTablePreview(table);
    model.columns.forEach((c, i) => {
      assert.match(headers[i].text, new RegExp(`missing ${c.missing.toLocaleString('en-US')}`), `missing count of ${c.name}`);
      const bars = c.histogram.type === 'bins' ? c.histogram.counts.length : c.histogram.type === 'categories' ? c.histogram.counts.length + (c.histogram.otherCount > 0 ? 1 : 0) : 0;
      assert.equal(headers[i].hist, bars, `histogram bars of ${c.name}`);
    });
    // The first visible row shows exactly what tableRows formats for row 0.
    const firstRow = await page.$$eval('tbody tr.row[data-row="0"] td', (tds) => tds.map((td) => (td.classList.contains('missing') ? '' : td.textContent)));
    assert.deepEqual(firstRow, tableRows(table, 0, 1)[0]);
    // Changing a kind posts setColumnKind through the vscode-single-select.
    await page.$eval('th.column[data-column="sex"] vscode-single-select', (el) => {
      (el as HTMLElement & { value: string }).value = 'text';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await app.waitForPosted((m) => (m as { type?: string }).type === 'setColumnKind');
    assert.deepEqual(kindChanges, ['sex:text']);
    // Let lit finish styling before the screenshot and before reading the console.
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(RESULTS, 'webview-table.png') });
    assertClean(app);
    await page.close();
  });

  it('virtualises 100,000 rows: few <tr> in the DOM, pages requested as the user scrolls', async () => {
    const big = repeatTable(await loadTable('test/fixtures/tables/breast_cancer.csv'), 100_000);
    const app = await openApp(browser, server, 'tablePreview', tableHost(big, []));
    const { page } = app;
    await page.waitForSelector('tbody tr.row');
    const initialRows = await page.$$eval('tbody tr', (trs) => trs.length);
    assert.ok(initialRows < 200, `only the visible rows are in the DOM (${initialRows} <tr> for 100,000 rows)`);
    const target = 73_421;
    const started = Date.now();
    const request = app.waitForPosted((m) => (m as { type?: string; offset?: number }).type === 'requestRows' && ((m as { offset: number }).offset <= target && target < (m as { offset: number }).offset + (m as { count: number }).count));
    await page.$eval('.scroller', (el, row) => { el.scrollTop = row * 24; }, target);
    await request;
    await page.waitForSelector(`tbody tr.row[data-row="${target}"]:not(.loading)`);
    const elapsed = Date.now() - started;
    const cells = await page.$$eval(`tbody tr.row[data-row="${target}"] td`, (tds) => tds.map((td) => (td.classList.contains('missing') ? '' : td.textContent)));
    assert.deepEqual(cells, tableRows(big, target, 1)[0], 'the row shown is the row the host holds');
    const afterRows = await page.$$eval('tbody tr', (trs) => trs.length);
    assert.ok(afterRows < 200, `still few rows after scrolling (${afterRows})`);
    console.log(`# scroll to row ${target} of 100,000 rendered in ${elapsed} ms; ${afterRows} <tr> in the DOM`);
    await page.screenshot({ path: join(RESULTS, 'webview-table-scrolled.png') });
    assertClean(app);
    await page.close();
  });
});

describe('report webview', () => {
  let report: Report;
  before(async () => {
    report = await realReport(await loadTable('test/fixtures/tables/breast_cancer.csv'));
  });

  it('renders the header, a score card per metric with the Report numbers, charts and the column table', async () => {
    const actions: string[] = [];
    const app = await openApp(browser, server, 'report', async (raw, a) => {
      const m = parseReportMessage(raw);
      assert.ok(m, `the host validator accepts every message: ${JSON.stringify(raw)}`);
      const reply = (r: ReportHostMessage): Promise<void> => a.send(r);
      if (m.type === 'ready') await reply({ type: 'init', report, canOpenSynthetic: true });
      else {
        actions.push(m.action);
        await reply({ type: 'actionResult', id: m.id, ok: true, message: `did ${m.action}` });
      }
    });
    const { page } = app;
    await page.waitForSelector('.card');
    const cards = await page.$$eval('.card', (els) => els.map((el) => ({ id: el.getAttribute('data-metric'), score: el.querySelector('.score')?.textContent, error: el.querySelector('.card-error')?.textContent ?? null, doc: el.querySelector('.doc')?.textContent })));
    assert.deepEqual(cards.map((c) => c.id), report.metrics.map((m) => m.id));
    report.metrics.forEach((m, i) => {
      assert.equal(cards[i].score, m.score === null ? '—' : m.score.toFixed(3), `score of ${m.id}`);
      assert.equal(cards[i].doc, m.descriptor.doc);
      assert.equal(cards[i].error, m.error ?? null);
    });
    const header = await page.$eval('.provenance', (el) => el.textContent ?? '');
    assert.match(header, /569 rows/);
    assert.match(header, /perturbed-copy/);
    assert.match(header, /cpu/);
    assert.equal(await page.$$eval('.column-chart svg', (s) => s.length), report.columns.length, 'one chart per column');
    assert.ok(await page.$$eval('.column-chart svg rect.synth', (s) => s.length) > 0, 'synthetic bars drawn');
    if (report.dcrHistogram) assert.equal(await page.$$eval('.dcr svg rect.bar', (s) => s.length), report.dcrHistogram.counts.length);
    const ks = report.metrics.find((m) => m.id === 'fidelity.ksComplement')?.details.perColumn as Record<string, number>;
    const shown = await page.$$eval('.columns-table tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-column'), tr.querySelector('td.ks')?.textContent ?? '']));
    for (const [name, text] of shown) assert.equal(text, ks[name as string].toFixed(3), `1 − KS of ${name}`);
    // Buttons post actions with ids; the host's answer shows in the status line.
    await page.click('vscode-button[data-action="exportMarkdown"]');
    await page.waitForFunction(() => document.querySelector('.status')?.textContent === 'did exportMarkdown');
    assert.deepEqual(actions, ['exportMarkdown']);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(RESULTS, 'webview-report.png'), fullPage: true });
    assertClean(app);
    await page.close();
  });
});
