// The table preview and report apps in real headless Chromium, under the real CSP, fed real data:
// DOM checks, protocol checks (every posted message passes the host's validator), no CSP violations
// or console errors, and screenshots in test-results/ for a human look.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { ColumnKind, Table } from '../../src/core/data/table/table';
import { clearedNotice, savedNotice, withColumnKind, withoutTable } from '../../src/core/preview/columnOverrides';
import { buildTablePreview, tableRows } from '../../src/core/preview/tablePreview';
import type { Report } from '../../src/core/report/model';
import { parseReportMessage } from '../../src/protocol/report';
import type { ReportHostMessage } from '../../src/protocol/report';
import { parseTablePreviewMessage } from '../../src/protocol/tablePreview';
import type { TablePreviewHostMessage } from '../../src/protocol/tablePreview';
import type { AppPage } from './harness';
import { useWebviewSession } from './harness';
import { loadTable, realReport, repeatTable, ROOT } from './realData';

const RESULTS = join(ROOT, 'test-results');

const webviews = useWebviewSession(RESULTS);

/** What the stand-in table host did on the webview's requests, for the assertions. */
interface TableHostLog {
  /** medsynth.columns at the workspace-folder level, as the real host writes it. */
  setting: Record<string, unknown> | undefined;
  readonly commands: string[];
}

/**
 * A stand-in host for the table preview: answers as src/host/tablePreviewPanel.ts does, with the same
 * pure setting updates and notices (src/core/preview/columnOverrides.ts), the table re-read with the
 * saved kinds, and the commands recorded instead of run. `key` is the table's medsynth.columns key.
 */
function tableHost(
  table: Table,
  log: TableHostLog,
  reread?: (types: Readonly<Record<string, ColumnKind>>) => Promise<Table>,
  key = 'samples/workspace/patients.csv',
): (raw: unknown, app: AppPage) => Promise<void> {
  let current = table;
  const saved = (): Record<string, ColumnKind> => ({ ...((log.setting?.[key] as Record<string, ColumnKind> | undefined) ?? {}) });
  const init = (): TablePreviewHostMessage => ({ type: 'init', model: buildTablePreview(current), types: { key, saved: saved() } });
  return async (raw, app) => {
    const m = parseTablePreviewMessage(raw);
    assert.ok(m, `the host validator accepts every message the webview posts: ${JSON.stringify(raw)}`);
    const reply = (r: TablePreviewHostMessage): Promise<void> => app.send(r);
    switch (m.type) {
      case 'ready':
        return reply(init());
      case 'requestRows':
        return reply({ type: 'rows', id: m.id, offset: m.offset, rows: tableRows(current, m.offset, m.count) });
      case 'setColumnKind':
        if (!reread) return reply({ type: 'error', message: `"${m.column}" cannot be read as ${m.kind}: refused by this test host` });
        current = await reread({ ...saved(), [m.column]: m.kind });
        log.setting = withColumnKind(log.setting, key, m.column, m.kind);
        await reply(init());
        return reply({ type: 'notice', message: savedNotice(key, m.column, m.kind) });
      case 'clearColumnKinds':
        log.setting = withoutTable(log.setting, key);
        current = table;
        await reply(init());
        return reply({ type: 'notice', message: clearedNotice(key) });
      case 'runCommand':
        log.commands.push(m.command);
        return reply({ type: 'notice', message: `${m.command} started` });
    }
  };
}

/** Waits for a selector; on timeout the failure names what the page reported, not just the selector. */
async function waitFor(app: AppPage, selector: string): Promise<void> {
  try {
    await app.page.waitForSelector(selector, { timeout: 10_000 });
  } catch (e) {
    throw new Error(`${selector} never appeared; page problems: ${JSON.stringify(app.problems)}`, { cause: e });
  }
}

function assertClean(app: AppPage): void {
  assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
}

describe('table preview webview', () => {
  it('shows every column with its kind, histogram and missing count, on the patients sample', async () => {
    const table = await loadTable('samples/workspace/patients.csv');
    const log: TableHostLog = { setting: undefined, commands: [] };
    const app = await webviews.open(
      'tablePreview',
      tableHost(table, log, (types) => loadTable('samples/workspace/patients.csv', types)),
    );
    const { page } = app;
    await waitFor(app, 'tbody tr.row');
    const headers = await page.$$eval('thead th.column', (ths) =>
      ths.map((th) => ({
        name: th.getAttribute('data-column'),
        kind: th.getAttribute('data-kind'),
        text: th.textContent ?? '',
        hist: th.querySelectorAll('svg rect.bar').length,
      })),
    );
    assert.deepEqual(
      headers.map((x) => x.name),
      table.columns.map((c) => c.name),
    );
    assert.deepEqual(
      headers.map((x) => x.kind),
      table.columns.map((c) => c.kind),
    );
    const model = buildTablePreview(table);
    model.columns.forEach((c, i) => {
      assert.match(headers[i].text, new RegExp(`missing ${c.missing.toLocaleString('en-US')}`), `missing count of ${c.name}`);
      const bars =
        c.histogram.type === 'bins'
          ? c.histogram.counts.length
          : c.histogram.type === 'categories'
            ? c.histogram.counts.length + (c.histogram.otherCount > 0 ? 1 : 0)
            : 0;
      assert.equal(headers[i].hist, bars, `histogram bars of ${c.name}`);
    });
    // The first visible row shows exactly what tableRows formats for row 0.
    const firstRow = await page.$$eval('tbody tr.row[data-row="0"] td', (tds) =>
      tds.map((td) => (td.classList.contains('missing') ? '' : td.textContent)),
    );
    assert.deepEqual(firstRow, tableRows(table, 0, 1)[0]);
    // The preview says where a picked type goes before the user picks one.
    assert.match(
      await page.$eval('.types-status', (el) => el.textContent ?? ''),
      /saved to medsynth\.columns for samples\/workspace\/patients\.csv; Fit and Run use these types/,
    );
    // Changing a kind through the vscode-single-select (opened and picked with the mouse) saves it to medsynth.columns.
    await page.click('th.column[data-column="sex"] vscode-single-select');
    await page.click('th.column[data-column="sex"] vscode-single-select >> li:has-text("text")');
    await app.waitForPosted((m) => (m as { type?: string }).type === 'setColumnKind');
    await page.waitForSelector('th.column.saved[data-column="sex"][data-kind="text"] .saved-mark');
    assert.deepEqual(log.setting, { 'samples/workspace/patients.csv': { sex: 'text' } });
    await page.waitForFunction(() =>
      (document.querySelector('.types-bar .notice')?.textContent ?? '').includes('Fit and Run use these types'),
    );
    assert.match(
      await page.$eval('.types-status', (el) => el.textContent ?? ''),
      /^1 column type for samples\/workspace\/patients\.csv comes from medsynth\.columns/,
    );
    // Fit and Run from the preview post their command; the host runs it on this table.
    await page.click('vscode-button[data-command="fitGenerator"]');
    await page.click('vscode-button[data-command="runFullLoop"]');
    await app.waitForPosted((m) => (m as { command?: string }).command === 'runFullLoop');
    assert.deepEqual(log.commands, ['fitGenerator', 'runFullLoop']);
    // Let lit finish styling before the screenshot and before reading the console.
    await page.mouse.move(1, 790);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(RESULTS, 'webview-table.png') });
    // Clearing removes the table's entry, and the column is inferred again.
    await page.click('vscode-button[data-action="clearColumnKinds"]');
    await page.waitForSelector('th.column[data-column="sex"][data-kind="categorical"]:not(.saved)');
    assert.equal(log.setting, undefined);
    assertClean(app);
    await page.close();
  });

  it('puts the picker back when the host refuses a kind', async () => {
    const table = await loadTable('samples/workspace/patients.csv');
    const log: TableHostLog = { setting: undefined, commands: [] };
    const app = await webviews.open('tablePreview', tableHost(table, log));
    const { page } = app;
    await waitFor(app, 'tbody tr.row');
    await page.click('th.column[data-column="sex"] vscode-single-select');
    await page.click('th.column[data-column="sex"] vscode-single-select >> li:has-text("numeric")');
    await page.waitForFunction(() => (document.querySelector('.toolbar .error')?.textContent ?? '').includes('cannot be read as numeric'));
    await page.waitForFunction(
      () =>
        (document.querySelector('th.column[data-column="sex"] vscode-single-select') as HTMLElement & { value: string }).value ===
        'categorical',
    );
    assert.equal(log.setting, undefined, 'nothing is saved for a refused kind');
    assert.equal(await page.$$eval('.reader-notes', (els) => els.length), 0, 'patients.csv is read without assumptions');
    assertClean(app);
    await page.close();
  });

  it('says above the grid what the reader assumed reading the file', async () => {
    // comments.csv has two '#' lines before its header (lines 1-2).
    const rel = 'test/fixtures/tables/dialects/comments.csv';
    const app = await webviews.open('tablePreview', tableHost(await loadTable(rel), { setting: undefined, commands: [] }, undefined, rel));
    const { page } = app;
    await waitFor(app, 'tbody tr.row');
    assert.deepEqual(await page.$$eval('.reader-notes .reader-note', (els) => els.map((el) => el.textContent)), [
      "Read with a note: skipped 2 comment lines starting with '#' before the header (lines 1-2); pass --comment to choose the prefix",
    ]);
    // Between the types bar and the grid.
    assert.deepEqual(await page.$$eval('#app > *', (els) => els.map((el) => el.className)), [
      'toolbar',
      'types-bar',
      'reader-notes',
      'scroller',
    ]);
    assertClean(app);
    await page.close();
  });

  it('virtualises 100,000 rows: few <tr> in the DOM, pages requested as the user scrolls', async () => {
    const big = repeatTable(await loadTable('test/fixtures/tables/breast_cancer.csv'), 100_000);
    const app = await webviews.open('tablePreview', tableHost(big, { setting: undefined, commands: [] }));
    const { page } = app;
    await waitFor(app, 'tbody tr.row');
    const initialRows = await page.$$eval('tbody tr', (trs) => trs.length);
    assert.ok(initialRows < 200, `only the visible rows are in the DOM (${initialRows} <tr> for 100,000 rows)`);
    const target = 73_421;
    const started = Date.now();
    const request = app.waitForPosted(
      (m) =>
        (m as { type?: string; offset?: number }).type === 'requestRows' &&
        (m as { offset: number }).offset <= target &&
        target < (m as { offset: number }).offset + (m as { count: number }).count,
    );
    await page.$eval(
      '.scroller',
      (el, row) => {
        el.scrollTop = row * 24;
      },
      target,
    );
    await request;
    await page.waitForSelector(`tbody tr.row[data-row="${target}"]:not(.loading)`);
    const elapsed = Date.now() - started;
    const cells = await page.$$eval(`tbody tr.row[data-row="${target}"] td`, (tds) =>
      tds.map((td) => (td.classList.contains('missing') ? '' : td.textContent)),
    );
    assert.deepEqual(cells, tableRows(big, target, 1)[0], 'the row shown is the row the host holds');
    const afterRows = await page.$$eval('tbody tr', (trs) => trs.length);
    assert.ok(afterRows < 200, `still few rows after scrolling (${afterRows})`);
    // Steady scrolling, 10 rows per frame for 60 frames: every frame renders from cache or a prefetched
    // page, with few requests. Frame times are measured inside the page, so they exclude the test's IPC.
    const requestsBefore = app.posted.length;
    const frames = await page.$eval('.scroller', async (el) => {
      const times: number[] = [];
      for (let i = 0; i < 60; i++) {
        const t0 = performance.now();
        el.scrollTop += 240;
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        times.push(performance.now() - t0);
      }
      return times.sort((x, y) => x - y);
    });
    const lastShown = await page.$eval('.scroller', (el) => Math.floor(el.scrollTop / 24));
    await page.waitForSelector(`tbody tr.row[data-row="${lastShown}"]:not(.loading)`);
    const wheelRequests = app.posted.length - requestsBefore;
    // Only UI state is persisted: the scroll position, nothing of the data.
    const state = await page.evaluate(() => (window as unknown as { __medsynthState: unknown }).__medsynthState);
    assert.deepEqual(state, { scrollTop: lastShown * 24 });
    assert.ok(wheelRequests <= 6, `scrolling 600 rows took ${wheelRequests} page requests`);
    const median = frames[30].toFixed(1);
    const p95 = frames[56].toFixed(1);
    console.log(
      `# scroll to row ${target} of 100,000 rendered in ${elapsed} ms; ${afterRows} <tr> in the DOM; scroll step to next frame median ${median} ms, p95 ${p95} ms (two frames each), ${wheelRequests} page requests for 600 rows`,
    );
    await page.screenshot({ path: join(RESULTS, 'webview-table-scrolled.png') });
    assertClean(app);
    await page.close();
  });
});

describe('report webview', () => {
  let report: Report;
  before(async () => {
    report = await realReport(await loadTable('samples/workspace/patients.csv'));
  });

  it('renders the header, a score card per metric with the Report numbers, charts and the column table', async () => {
    const actions: string[] = [];
    const app = await webviews.open('report', async (raw, a) => {
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
    await waitFor(app, '.card');
    const cards = await page.$$eval('.card', (els) =>
      els.map((el) => ({
        id: el.getAttribute('data-metric'),
        score: el.querySelector('.score')?.textContent,
        error: el.querySelector('.card-error')?.textContent ?? null,
        doc: el.querySelector('.doc')?.textContent,
      })),
    );
    assert.deepEqual(
      cards.map((c) => c.id),
      report.metrics.map((m) => m.id),
    );
    report.metrics.forEach((m, i) => {
      // A metric that does not apply (no holdout for membership inference) reads n/a; one that failed, a dash.
      const shown = m.score !== null ? m.score.toFixed(3) : m.notApplicable !== undefined ? 'n/a' : '—';
      assert.equal(cards[i].score, shown, `score of ${m.id}`);
      assert.equal(cards[i].doc, m.descriptor.doc);
      assert.equal(cards[i].error, m.error ?? null);
    });
    const header = await page.$eval('.provenance', (el) => el.textContent ?? '');
    assert.match(header, /500 rows/);
    assert.match(header, /perturbed-copy/);
    assert.match(header, /cpu/);
    assert.equal(await page.$$eval('.column-chart svg', (s) => s.length), report.columns.length, 'one chart per column');
    assert.ok((await page.$$eval('.column-chart svg rect.synth', (s) => s.length)) > 0, 'synthetic bars drawn');
    if (report.dcrHistogram) assert.equal(await page.$$eval('.dcr svg rect.bar', (s) => s.length), report.dcrHistogram.counts.length);
    const ks = report.metrics.find((m) => m.id === 'fidelity.ksComplement')?.details.perColumn as Record<string, number>;
    const shown = await page.$$eval('.columns-table tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-column'), tr.querySelector('td.ks')?.textContent ?? '']),
    );
    const tv = report.metrics.find((m) => m.id === 'fidelity.tvComplement')?.details.perColumn as Record<string, number>;
    const shownTv = await page.$$eval('.columns-table tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-column'), tr.querySelector('td.tv')?.textContent ?? '']),
    );
    assert.ok(Object.keys(ks).length > 0 && Object.keys(tv).length > 0, 'the patients table has numeric and categorical columns');
    for (const [name, text] of shown) assert.equal(text, (name as string) in ks ? ks[name as string].toFixed(3) : '', `1 − KS of ${name}`);
    for (const [name, text] of shownTv)
      assert.equal(text, (name as string) in tv ? tv[name as string].toFixed(3) : '', `1 − TVD of ${name}`);
    // Buttons post actions with ids; the host's answer shows in the status line.
    await page.click('vscode-button[data-action="exportMarkdown"]');
    await page.waitForFunction(() => document.querySelector('.status')?.textContent === 'did exportMarkdown');
    assert.deepEqual(actions, ['exportMarkdown']);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(RESULTS, 'webview-report.png'), fullPage: true });
    assertClean(app);
    await page.close();
  });

  it('says under the sources what the reader assumed reading each table', async () => {
    const notes = ['padded 2 rows that ended early (first at line 4) with empty fields'];
    const withNotes: Report = { ...report, real: { ...report.real, notes } };
    const app = await webviews.open('report', async (raw, a) => {
      const m = parseReportMessage(raw);
      if (m?.type === 'ready') await a.send({ type: 'init', report: withNotes, canOpenSynthetic: false });
    });
    await waitFor(app, '.reader-notes li');
    const shown = await app.page.$$eval('.reader-notes li', (lis) => lis.map((li) => li.textContent ?? ''));
    assert.deepEqual(shown, [`Reading the real table: ${notes[0]}`]);
    assert.equal(await app.page.$$eval('.provenance', (d) => d.length), 1, 'the source list is still drawn');
  });
});
