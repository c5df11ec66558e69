// The report's chart colours under every bundled VS Code theme, applied the way VS Code applies them:
// each series must be opaque, at least 3:1 against the editor background (WCAG 2.x success criterion
// 1.4.11, non-text contrast for graphical objects), and the real and synthetic series must stay
// clearly different colours. Screenshots per theme go to test-results/ for a human look.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Table } from '../../src/core/data/table/table';
import { evaluateTableMetrics } from '../../src/core/metrics/registry';
import { buildReport } from '../../src/core/report/build';
import type { Report } from '../../src/core/report/model';
import { buildTablePreview } from '../../src/core/preview/tablePreview';
import { parseReportMessage } from '../../src/protocol/report';
import { parseTablePreviewMessage } from '../../src/protocol/tablePreview';
import type { AppPage } from './harness';
import { useWebviewSession } from './harness';
import { loadTable, perturbTable, ROOT } from './realData';
import type { BundledTheme } from './themes';
import { BUNDLED_THEMES } from './themes';

const RESULTS = join(ROOT, 'test-results');

type Rgba = readonly [number, number, number, number];

/** Parses the rgb()/rgba() text getComputedStyle gives for a colour. */
function parseColor(text: string): Rgba {
  const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+))?\s*\)$/.exec(text.trim());
  assert.ok(m, `a computed colour: ${text}`);
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
}

/** What the eye sees: a translucent colour composited over the background. */
function over(c: Rgba, bg: Rgba): Rgba {
  const a = c[3];
  return [c[0] * a + bg[0] * (1 - a), c[1] * a + bg[1] * (1 - a), c[2] * a + bg[2] * (1 - a), 1];
}

/**
 * Relative luminance as WCAG 2.x defines it: sRGB channels linearised (c / 12.92 at or below the
 * threshold, ((c + 0.055) / 1.055)^2.4 above; 0.04045 is the sRGB standard's value, WCAG 2.0 printed
 * 0.03928, which gives the same result for 8-bit channels), weighted 0.2126 R + 0.7152 G + 0.0722 B.
 */
function luminance(c: Rgba): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/** WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05), lighter over darker. */
function contrast(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** CIE 1976 colour difference ΔE*ab (sRGB → XYZ with D65 → CIELAB); ~2.3 is a just noticeable difference. */
function deltaE(a: Rgba, b: Rgba): number {
  const lab = (c: Rgba): [number, number, number] => {
    const lin = (v: number): number => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    const [r, g, bl] = [lin(c[0]), lin(c[1]), lin(c[2])];
    const xyz = [
      (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047,
      0.2126 * r + 0.7152 * g + 0.0722 * bl,
      (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883,
    ];
    const f = (t: number): number => (t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29);
    const [fx, fy, fz] = xyz.map(f);
    return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

/** Applies a theme exactly as VS Code's webview preload does: classes on <body>, variables on <html>. */
async function applyTheme(app: AppPage, theme: BundledTheme): Promise<void> {
  await app.page.evaluate(
    ({ kind, colors }) => {
      const body = document.body;
      body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light');
      body.classList.add(kind);
      if (kind === 'vscode-high-contrast-light') body.classList.add('vscode-high-contrast');
      body.dataset.vscodeThemeKind = kind;
      const style = document.documentElement.style;
      for (let i = style.length - 1; i >= 0; i--) if (style[i].startsWith('--vscode-')) style.removeProperty(style[i]);
      for (const [name, value] of Object.entries(colors)) style.setProperty(`--vscode-${name}`, value);
    },
    { kind: theme.kind, colors: theme.colors },
  );
}

interface Paint {
  readonly color: string;
  readonly opacity: number;
}

/** The computed fill (or stroke) of the first element matching a selector, with its effective opacity. */
async function paintOf(app: AppPage, selector: string, property: 'fill' | 'stroke'): Promise<Paint> {
  return app.page.$eval(
    selector,
    (el, prop) => {
      const cs = getComputedStyle(el);
      const own = prop === 'fill' ? Number(cs.fillOpacity) : Number(cs.strokeOpacity);
      return { color: prop === 'fill' ? cs.fill : cs.stroke, opacity: own * Number(cs.opacity) };
    },
    property,
  );
}

/** A report with a holdout, so the DCR histogram carries its holdout overlay and the heatmaps show. */
async function holdoutReport(table: Table): Promise<Report> {
  const cut = Math.floor(table.rowCount * 0.8);
  const slice = (from: number, to: number): Table => ({
    rowCount: to - from,
    provenance: table.provenance,
    columns: table.columns.map((c) => {
      switch (c.kind) {
        case 'numeric':
        case 'datetime':
          return { ...c, values: c.values.slice(from, to) };
        case 'categorical':
        case 'boolean':
          return { ...c, codes: c.codes.slice(from, to) };
        case 'identifier':
        case 'text':
          return { ...c, values: c.values.slice(from, to) };
      }
    }),
  });
  const train = slice(0, cut);
  const holdout = slice(cut, table.rowCount);
  const synth = perturbTable(train);
  const results = await evaluateTableMetrics({ real: train, synth, holdout });
  return buildReport(train, synth, results, {
    holdout,
    createdAt: '2026-01-01T00:00:00.000Z',
    generator: { name: 'perturbed-copy', family: 'test', seed: 7, executionProvider: 'cpu' },
  });
}

const webviews = useWebviewSession(RESULTS);

describe('report chart colours in every bundled theme', () => {
  it('are opaque, >= 3:1 against the editor background, and real and synthetic differ clearly', async () => {
    const report = await holdoutReport(await loadTable('samples/workspace/patients.csv'));
    assert.ok(report.dcrHistogram?.holdoutCounts, 'the report carries the holdout overlay');
    assert.ok(report.correlations, 'the report carries correlation matrices');
    const app = await webviews.open(
      'report',
      async (raw, a) => {
        const m = parseReportMessage(raw);
        assert.ok(m, `the host validator accepts every message: ${JSON.stringify(raw)}`);
        if (m.type === 'ready') await a.send({ type: 'init', report, canOpenSynthetic: false });
      },
      { bare: true },
    );
    await app.page.waitForSelector('.column-chart svg rect.synth', { timeout: 10_000 });
    await app.page.setViewportSize({ width: 1280, height: 800 });
    const failures: string[] = [];
    for (const theme of BUNDLED_THEMES) {
      await applyTheme(app, theme);
      const bg = parseColor(await app.page.evaluate(() => getComputedStyle(document.body).backgroundColor));
      const series: Record<string, Paint> = {
        real: await paintOf(app, '.column-chart svg rect.real', 'fill'),
        synthetic: await paintOf(app, '.column-chart svg rect.synth', 'fill'),
        'DCR bars': await paintOf(app, '.dcr svg rect.bar', 'fill'),
        'DCR holdout line': await paintOf(app, '.dcr svg path.holdout', 'stroke'),
        'positive correlation': await paintOf(app, '.heatmap rect.cell.pos', 'fill'),
        'negative correlation': await paintOf(app, '.heatmap rect.cell.neg', 'fill'),
      };
      const seen: Record<string, Rgba> = {};
      for (const [name, paint] of Object.entries(series)) {
        const raw = parseColor(paint.color);
        const alpha = raw[3] * (name.endsWith('correlation') ? 1 : paint.opacity);
        if (alpha < 1) failures.push(`${theme.label}: ${name} is translucent (${paint.color}, opacity ${paint.opacity})`);
        seen[name] = over([raw[0], raw[1], raw[2], alpha], bg);
        const ratio = contrast(seen[name], bg);
        if (ratio < 3) failures.push(`${theme.label}: ${name} ${paint.color} is ${ratio.toFixed(2)}:1 against the background`);
      }
      const apart = deltaE(seen.real, seen.synthetic);
      if (apart < 40) failures.push(`${theme.label}: real and synthetic are only ΔE ${apart.toFixed(1)} apart`);
      const signs = deltaE(seen['positive correlation'], seen['negative correlation']);
      if (signs < 40) failures.push(`${theme.label}: positive and negative correlations are only ΔE ${signs.toFixed(1)} apart`);
      await app.page.waitForTimeout(50);
      await app.page.screenshot({ path: join(RESULTS, `webview-report-${theme.id}.png`), fullPage: true });
    }
    assert.deepEqual(failures, []);
    assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
    await app.page.close();
  });

  it('hold for the table preview histograms too (numeric and categorical bars), and its warning text reads at 4.5:1', async () => {
    const table = await loadTable('samples/workspace/patients.csv');
    const app = await webviews.open(
      'tablePreview',
      async (raw, a) => {
        const m = parseTablePreviewMessage(raw);
        assert.ok(m, `the host validator accepts every message: ${JSON.stringify(raw)}`);
        if (m.type === 'ready')
          await a.send({ type: 'init', model: buildTablePreview(table), types: { key: 'samples/workspace/patients.csv', saved: {} } });
      },
      { bare: true },
    );
    await app.page.waitForSelector('th.column svg.categorical rect.bar', { timeout: 10_000 });
    const failures: string[] = [];
    for (const theme of BUNDLED_THEMES) {
      await applyTheme(app, theme);
      const bg = parseColor(await app.page.evaluate(() => getComputedStyle(document.body).backgroundColor));
      for (const [name, selector] of [
        ['numeric histogram', 'th.column svg.numeric rect.bar'],
        ['categorical histogram', 'th.column svg.categorical rect.bar'],
      ]) {
        const paint = await paintOf(app, selector, 'fill');
        const raw = parseColor(paint.color);
        if (raw[3] * paint.opacity < 1) failures.push(`${theme.label}: ${name} is translucent (${paint.color})`);
        const ratio = contrast(over(raw, bg), bg);
        if (ratio < 3) failures.push(`${theme.label}: ${name} ${paint.color} is ${ratio.toFixed(2)}:1 against the background`);
      }
      // The missing count in the warning colour is small text: WCAG 1.4.3 asks 4.5:1.
      const warning = parseColor(await app.page.$eval('th.column .has-missing', (el) => getComputedStyle(el).color));
      const textRatio = contrast(over(warning, bg), bg);
      if (textRatio < 4.5)
        failures.push(`${theme.label}: the missing-count warning text is ${textRatio.toFixed(2)}:1 against the background`);
      if (theme.id === 'light-modern' || theme.id === 'hc-dark') {
        await app.page.mouse.move(1, 790);
        await app.page.waitForTimeout(100);
        await app.page.screenshot({ path: join(RESULTS, `webview-table-${theme.id}.png`) });
      }
    }
    assert.deepEqual(failures, []);
    assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
    await app.page.close();
  });
});
