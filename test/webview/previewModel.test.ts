// The pure side of the webviews: the preview model against numpy/pandas (test/webview/reference/
// previewReference.py), row pages, the host-side message validators and the HTML shell's CSP.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../src/core/errors';
import { buildTablePreview, tableRows } from '../../src/core/preview/tablePreview';
import { renderWebviewHtml, webviewCsp } from '../../src/host/webviewHtml';
import { parseReportMessage } from '../../src/protocol/report';
import { MAX_ROWS_PER_REQUEST, parseTablePreviewMessage } from '../../src/protocol/tablePreview';
import { loadTable, ROOT } from './realData';

interface NumericRef {
  missing: number;
  distinct: number;
  counts: number[];
  edges: number[];
  mean: number;
}
interface CategoricalRef {
  missing: number;
  distinct: number;
  top: [string, number][];
}
interface Reference {
  bins: number;
  tables: Record<string, { rows: number; numeric: Record<string, NumericRef>; categorical?: Record<string, CategoricalRef> }>;
}

const reference = JSON.parse(readFileSync(join(ROOT, 'test/webview/fixtures/previewReference.json'), 'utf8')) as Reference;

describe('buildTablePreview matches numpy.histogram and pandas value_counts', () => {
  for (const [file, path] of [
    ['breast_cancer.csv', 'test/fixtures/tables/breast_cancer.csv'],
    ['patients.csv', 'samples/workspace/patients.csv'],
  ] as const) {
    it(file, async () => {
      const ref = reference.tables[file];
      const model = buildTablePreview(await loadTable(path), { bins: reference.bins });
      assert.equal(model.rowCount, ref.rows);
      for (const [name, r] of Object.entries(ref.numeric)) {
        const col = model.columns.find((c) => c.name === name);
        assert.ok(col && col.histogram.type === 'bins', `${name} is binned`);
        assert.equal(col.missing, r.missing, `${name} missing`);
        assert.equal(col.distinct, r.distinct, `${name} distinct`);
        assert.deepEqual(col.histogram.counts, r.counts, `${name} bin counts`);
        col.histogram.edges.forEach((e, i) =>
          assert.ok(Math.abs(e - r.edges[i]) <= 1e-9 * Math.max(1, Math.abs(r.edges[i])), `${name} edge ${i}`),
        );
        assert.ok(Math.abs((col.stats.mean ?? NaN) - r.mean) < 1e-9 * Math.max(1, Math.abs(r.mean)), `${name} mean`);
      }
      for (const [name, r] of Object.entries(ref.categorical ?? {})) {
        const col = model.columns.find((c) => c.name === name);
        assert.ok(col && col.histogram.type === 'categories', `${name} has top categories`);
        assert.equal(col.missing, r.missing);
        assert.equal(col.distinct, r.distinct);
        const shown = col.histogram.labels.map((l, i) => [l, col.histogram.type === 'categories' ? col.histogram.counts[i] : 0]);
        assert.deepEqual(shown, r.top.slice(0, shown.length), `${name} top categories in order`);
        assert.equal(
          col.histogram.otherCount,
          r.top.slice(shown.length).reduce((s, [, n]) => s + n, 0),
          `${name} other`,
        );
      }
    });
  }

  it('pages rows and clips at the end; refuses a negative or fractional range', async () => {
    const table = await loadTable('samples/workspace/patients.csv');
    const model = buildTablePreview(table, { pageSize: 50 });
    assert.equal(model.firstRows.length, 50);
    assert.deepEqual(model.firstRows[0].slice(0, 4), ['P00001', '2023-05-29', '83', 'M'], 'first data line of patients.csv');
    assert.equal(tableRows(table, 495, 50).length, 5);
    assert.deepEqual(tableRows(table, 500, 10), []);
    assert.throws(
      () => tableRows(table, -1, 10),
      (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE',
    );
    assert.throws(
      () => tableRows(table, 1.5, 10),
      (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE',
    );
  });
});

describe('the preview model carries the reader notes', () => {
  it('a file the reader repaired says so; a plain one has none', async () => {
    // comments.csv starts with two '#' lines before its header (lines 1-2).
    const noted = buildTablePreview(await loadTable('test/fixtures/tables/dialects/comments.csv'));
    assert.deepEqual(noted.notes, [
      "skipped 2 comment lines starting with '#' before the header (lines 1-2); pass --comment to choose the prefix",
    ]);
    const plain = buildTablePreview(await loadTable('samples/workspace/patients.csv'));
    assert.deepEqual(plain.notes, []);
  });
});

describe('host-side validators of webview messages', () => {
  it('accepts the table preview messages and refuses malformed ones', () => {
    assert.deepEqual(parseTablePreviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseTablePreviewMessage({ type: 'requestRows', id: 3, offset: 200, count: 200, extra: 1 }), {
      type: 'requestRows',
      id: 3,
      offset: 200,
      count: 200,
    });
    assert.deepEqual(parseTablePreviewMessage({ type: 'setColumnKind', column: 'age', kind: 'categorical' }), {
      type: 'setColumnKind',
      column: 'age',
      kind: 'categorical',
    });
    assert.deepEqual(parseTablePreviewMessage({ type: 'clearColumnKinds', key: '../../x' }), { type: 'clearColumnKinds' });
    assert.deepEqual(parseTablePreviewMessage({ type: 'runCommand', command: 'fitGenerator' }), {
      type: 'runCommand',
      command: 'fitGenerator',
    });
    assert.deepEqual(parseTablePreviewMessage({ type: 'runCommand', command: 'runFullLoop', uri: 'file:///etc/passwd' }), {
      type: 'runCommand',
      command: 'runFullLoop',
    });
    for (const bad of [
      null,
      'ready',
      [],
      { type: 'nope' },
      { type: 'requestRows', id: -1, offset: 0, count: 10 },
      { type: 'requestRows', id: '1', offset: 0, count: 10 },
      { type: 'requestRows', id: 1, offset: 0.5, count: 10 },
      { type: 'requestRows', id: 1, offset: 0, count: 0 },
      { type: 'requestRows', id: 1, offset: 0, count: MAX_ROWS_PER_REQUEST + 1 },
      { type: 'setColumnKind', column: 'age', kind: 'integer' },
      { type: 'setColumnKind', column: '', kind: 'text' },
      { type: 'setColumnKind', column: 'x'.repeat(5000), kind: 'text' },
      // Only the two table commands may be run, by their short name: no arbitrary command id reaches executeCommand.
      { type: 'runCommand', command: 'medsynth.fitGenerator' },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'runCommand' },
      { type: 'runCommand', command: 1 },
    ]) {
      assert.equal(parseTablePreviewMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
    }
  });

  it('accepts the report actions and refuses malformed ones', () => {
    assert.deepEqual(parseReportMessage({ type: 'action', id: 1, action: 'exportMarkdown' }), {
      type: 'action',
      id: 1,
      action: 'exportMarkdown',
    });
    for (const bad of [
      { type: 'action', id: 1, action: 'deleteAll' },
      { type: 'action', action: 'exportHtml' },
      { type: 'action', id: Number.MAX_SAFE_INTEGER + 2, action: 'exportHtml' },
      { type: 42 },
    ]) {
      assert.equal(parseReportMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('renderWebviewHtml', () => {
  const opts = {
    title: 'A <b>table</b> & "more"',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/report.js',
    styleUris: ['https://x/a.css?x="1"'],
    cspSource: 'https://*.vscode-cdn.net',
    nonce: 'abcdefghijklmnop0123',
  };

  it('has a strict CSP: nonce scripts only, no inline styles, no remote origins', () => {
    const html = renderWebviewHtml(opts);
    const csp = webviewCsp(opts.cspSource, opts.nonce);
    assert.equal(
      csp,
      "default-src 'none'; script-src 'nonce-abcdefghijklmnop0123'; style-src https://*.vscode-cdn.net 'nonce-abcdefghijklmnop0123'; img-src https://*.vscode-cdn.net data:; font-src https://*.vscode-cdn.net",
    );
    assert.ok(html.includes(`content="${csp}"`), 'the CSP meta tag carries the policy');
    assert.ok(!html.includes('unsafe-inline') && !html.includes('unsafe-eval'));
    assert.match(html, /<script type="module" nonce="abcdefghijklmnop0123" src="https:\/\/file\+\.vscode-resource/);
    assert.ok(html.includes('<title>A &lt;b&gt;table&lt;/b&gt; &amp; "more"</title>'), 'title escaped');
    assert.ok(html.includes('href="https://x/a.css?x=&quot;1&quot;"'), 'attribute escaped');
  });

  it('refuses a nonce that is short or could break out of the attribute', () => {
    assert.throws(() => renderWebviewHtml({ ...opts, nonce: 'short' }));
    assert.throws(() => renderWebviewHtml({ ...opts, nonce: 'abcdefghijklmnop"><script>' }));
  });
});
