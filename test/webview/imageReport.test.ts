// The report webview on an image report, in headless Chromium under the real CSP: the samples grid,
// the MS-SSIM distributions of real and synthetic pairs (side-by-side bars, the reading by the means),
// the nearest-neighbour gallery with its near-duplicate marked in words and by a border, and the
// embedding scatter in the theme-checked real/synthetic colours, with the table-only sections left out.
// The report is built by the real image metrics and buildImageReport on the frames of a public NIfTI
// fixture (anatomical.nii, nibabel's test data) against a perturbed copy that holds one exact copy,
// with 4 × 4 block means standing in for the embedder (no ONNX). Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { commonImageSize } from '../../src/core/data/imageResample';
import { readNifti } from '../../src/core/data/nifti/niftiReader';
import { evaluateImageMetrics } from '../../src/core/metrics/image/imageMetrics';
import type { FeatureMatrix, GreyImage } from '../../src/core/metrics/image/imageMetric';
import { unitGreyFrames } from '../../src/core/modalities/image/imageEvaluation';
import { buildImageReport } from '../../src/core/report/imageReport';
import { msssimReading } from '../../src/core/report/imageSections';
import { formatNumber } from '../../src/core/report/svgText';
import type { Report } from '../../src/core/report/model';
import { parseReportMessage } from '../../src/protocol/report';
import { mulberry32 } from '../seededRandom';
import type { AppPage } from './harness';
import { useWebviewSession } from './harness';
import { ROOT } from './realData';
import { BUNDLED_THEMES } from './themes';
import type { BundledTheme } from './themes';

const RESULTS = join(ROOT, 'test-results');
const FIXTURE = 'test/fixtures/images/anatomical.nii';
const COPIED_FRAME = 7;

/** 4 × 4 block means of a frame: a small, deterministic stand-in for the embedder's features. */
function blockMeans(frames: readonly GreyImage[]): FeatureMatrix {
  const b = 4;
  const dims = b * b;
  const data = new Float32Array(frames.length * dims);
  frames.forEach((f, n) => {
    for (let r = 0; r < f.rows; r++)
      for (let c = 0; c < f.columns; c++) {
        const k = Math.min(b - 1, Math.floor((r * b) / f.rows)) * b + Math.min(b - 1, Math.floor((c * b) / f.columns));
        data[n * dims + k] += f.data[r * f.columns + c] / ((f.rows * f.columns) / dims);
      }
  });
  return { data, rows: frames.length, dims };
}

/** Real frames with noise and a small brightness change, plus one exact copy of a real frame. */
function perturbed(frames: readonly GreyImage[]): GreyImage[] {
  const rand = mulberry32(11);
  const out = frames.map((f, i) => {
    const gain = 0.85 + 0.3 * rand();
    const data = Float32Array.from(f.data, (v) => Math.min(1, Math.max(0, v * gain + (rand() - 0.5) * 0.15)));
    return { rows: f.rows, columns: f.columns, data: i === COPIED_FRAME ? Float32Array.from(f.data) : data };
  });
  return [...out, ...frames.slice(0, 5).map((f) => ({ ...f, data: Float32Array.from(f.data, (v) => 1 - v) }))];
}

async function imageReport(): Promise<Report> {
  const set = await readNifti(new Uint8Array(await readFile(join(ROOT, FIXTURE))), { fileName: FIXTURE });
  const size = commonImageSize(set, 128);
  const real = unitGreyFrames(set, size.rows, size.columns);
  const synth = perturbed(real);
  const features = { real: blockMeans(real), synth: blockMeans(synth) };
  const embedder = { name: 'test-block-means-4x4', sha256: createHash('sha256').update('test-block-means-4x4').digest('hex') };
  const results = await evaluateImageMetrics({ ...features, realImages: real, synthImages: synth, embedder, dataRange: 1, seed: 0 });
  const built = buildImageReport({ realFrames: real, synthFrames: synth, features, embedder }, results, {
    createdAt: '2026-12-02T07:00:00.000Z',
    medsynthVersion: '0.1.0',
    generator: { name: 'perturbed-copy', family: 'test', seed: 11, executionProvider: 'cpu' },
  });
  return { ...built, real: { ...built.real, file: FIXTURE }, synth: { ...built.synth, file: 'synthetic/test-run' } };
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

const webviews = useWebviewSession(RESULTS);

describe('report webview on an image report', () => {
  let report: Report;
  before(async () => {
    report = await imageReport();
  });

  async function open(bare = false): Promise<AppPage> {
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
      await app.page.waitForSelector('.image-embedding svg.scatter', { timeout: 10_000 });
    } catch (e) {
      throw new Error(`the image sections never appeared; page problems: ${JSON.stringify(app.problems)}`, { cause: e });
    }
    return app;
  }

  it('shows samples, nearest neighbours and the embedding, and leaves out the column sections', async () => {
    const images = report.images ?? assert.fail('the report has images');
    const app = await open();
    const { page } = app;
    const headings = await page.$$eval('section > h2', (hs) => hs.map((x) => x.textContent));
    assert.deepEqual(headings, [
      'Scores',
      'Distance to closest real image',
      'Samples',
      'MS-SSIM distributions',
      'Nearest neighbours',
      'Embedding',
    ]);
    assert.equal(await page.$$eval('.columns, .column-scores, .correlations', (s) => s.length), 0);

    // Every thumbnail is a loaded PNG data: URI at twice its size, pixelated, with its label as alt text.
    const imgs = await page.$$eval('img.thumbnail', (list) =>
      (list as HTMLImageElement[]).map((i) => ({
        src: i.getAttribute('src') ?? '',
        alt: i.alt,
        natural: [i.naturalWidth, i.naturalHeight],
        shown: [i.getBoundingClientRect().width, i.getBoundingClientRect().height],
        rendering: getComputedStyle(i).imageRendering,
        complete: i.complete,
      })),
    );
    const expected = [...images.grid.real, ...images.grid.synth, ...images.gallery.pairs.flatMap((p) => [p.synthImage, p.realImage])];
    assert.equal(imgs.length, expected.length);
    imgs.forEach((img, i) => {
      const t = expected[i];
      assert.ok(img.src.startsWith('data:image/png;base64,'), `${t.label} is a PNG data URI`);
      assert.equal(img.alt, t.label);
      assert.ok(img.complete, `${t.label} loaded`);
      assert.deepEqual(img.natural, [t.columns, t.rows], `${t.label} decoded at its size`);
      assert.deepEqual(img.shown, [2 * t.columns, 2 * t.rows], `${t.label} drawn at 2×`);
      assert.equal(img.rendering, 'pixelated');
    });
    assert.deepEqual(await page.$$eval('.sample-set h3', (hs) => hs.map((x) => x.textContent)), [
      `Real: 16 of ${images.realFrames} frames, evenly spaced in reading order`,
      `Synthetic: 16 of ${images.synthFrames} frames, evenly spaced in reading order`,
    ]);

    // The gallery: closest first; the exact copy is the first pair, marked in words and by a thick dashed border.
    const pairs = await page.$$eval('ol.gallery li.pair', (list) =>
      list.map((li) => ({
        dup: li.classList.contains('near-duplicate'),
        distance: Number(li.getAttribute('data-distance')),
        synth: Number(li.getAttribute('data-synth')),
        real: Number(li.getAttribute('data-real')),
        mark: li.querySelector('.dup-mark')?.textContent ?? '',
        border: [getComputedStyle(li).borderTopStyle, getComputedStyle(li).borderTopWidth],
      })),
    );
    assert.equal(pairs.length, images.gallery.pairs.length);
    assert.deepEqual(
      pairs.map((p) => p.distance),
      [...pairs.map((p) => p.distance)].sort((a, b) => a - b),
      'closest first',
    );
    assert.deepEqual([pairs[0].synth, pairs[0].real, pairs[0].distance], [COPIED_FRAME, COPIED_FRAME, 0]);
    const threshold = images.gallery.threshold ?? assert.fail('a threshold');
    for (const p of pairs) {
      assert.equal(p.dup, p.distance < threshold, `pair ${p.synth}–${p.real} at ${p.distance} vs ${threshold}`);
      if (p.dup) {
        assert.equal(p.mark, `⚠ near-duplicate (closer than ${formatNumber(threshold)})`);
        assert.deepEqual(p.border, ['dashed', '3px']);
      } else assert.equal(p.mark, '');
    }

    // The scatter: one square per real point, one diamond per synthetic point, axes with their variance share.
    const scatter = await page.$eval('svg.scatter', (s) => ({
      real: s.querySelectorAll('.real-points rect.real').length,
      synth: s.querySelectorAll('.synth-points rect.synth').length,
      labels: [...s.querySelectorAll('text.axis-label')].map((t) => t.textContent),
    }));
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    assert.deepEqual(scatter, {
      real: images.scatter.real.length,
      synth: images.scatter.synth.length,
      labels: [
        `PC 1 (${pct(images.scatter.explained[0])} of the real feature variance)`,
        `PC 2 (${pct(images.scatter.explained[1])} of the real feature variance)`,
      ],
    });
    assert.equal(await page.$eval('.embedder code', (c) => c.textContent), images.embedder.sha256);

    // The MS-SSIM distributions: 100 seeded pairs per set (30 synthetic, 25 real frames), a real and a
    // synthetic bar per bin, real on the left, the reading by the means under the chart's hint.
    const m = images.msssim ?? assert.fail('diversity.msssim gave per-pair values');
    const diversity = report.metrics.find((r) => r.id === 'diversity.msssim') ?? assert.fail();
    assert.deepEqual([m.synthPairs, m.realPairs], [100, 100]);
    assert.deepEqual([m.synthMean, m.realMean], [diversity.details.synthetic, diversity.details.real]);
    const chart = await page.$eval('.image-msssim', (sec) => ({
      reading: sec.querySelector('.msssim-reading')?.textContent ?? '',
      real: [...sec.querySelectorAll('svg.msssim .bars rect.real')].map((r) => [
        Number(r.getAttribute('x')),
        r.getBoundingClientRect().height,
      ]),
      synth: [...sec.querySelectorAll('svg.msssim .bars rect.synth')].map((r) => [
        Number(r.getAttribute('x')),
        r.getBoundingClientRect().height,
      ]),
      axis: [...sec.querySelectorAll('svg.msssim text.axis-label')].map((t) => t.textContent),
      legend: [...sec.querySelectorAll('svg.msssim .legend-label')].map((t) => t.textContent),
    }));
    assert.equal(chart.real.length, 20);
    assert.equal(chart.synth.length, 20);
    chart.real.forEach(([x], i) => assert.ok(x < chart.synth[i][0], `bin ${i}: real bar left of synthetic`));
    // Drawn heights follow the shares: the tallest bar of each set is its largest share.
    const argmax = (v: readonly number[]): number => v.indexOf(Math.max(...v));
    assert.equal(argmax(chart.real.map((r) => r[1])), argmax([...m.real]));
    assert.equal(argmax(chart.synth.map((r) => r[1])), argmax([...m.synth]));
    assert.deepEqual(chart.axis, ['MS-SSIM of a pair (1 = identical)']);
    assert.deepEqual(chart.legend, [
      `synthetic pairs (100), mean ${formatNumber(m.synthMean)}`,
      `real pairs (100), mean ${formatNumber(m.realMean)}`,
    ]);
    assert.ok(chart.reading.endsWith(msssimReading(m)), chart.reading);
    await (await page.$('.image-msssim'))?.screenshot({ path: join(RESULTS, 'webview-image-report-msssim.png') });
    assert.equal(
      await page.$eval('dd[data-field="embedder"]', (d) => d.textContent),
      `test-block-means-4x4 · 16 features · sha256 ${images.embedder.sha256.slice(0, 12)}…`,
    );

    // FID is unbounded: shown, not graded, its range read as 0–∞.
    const fid = await page.$eval('.card[data-metric="fidelity.fid"]', (c) => ({
      cls: c.className,
      goal: c.querySelector('.goal')?.textContent ?? '',
    }));
    assert.match(fid.cls, /verdict-info/);
    assert.match(fid.goal, /range 0–∞$/);
    // Frames and images, not rows.
    assert.match(await page.$eval('dd[data-field="real"]', (d) => d.textContent ?? ''), /anatomical\.nii — 25 frames/);
    assert.doesNotMatch(await page.$eval('.verdicts', (v) => v.textContent ?? ''), /\brows?\b/);

    await page.mouse.move(1, 790);
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(RESULTS, 'webview-image-report.png'), fullPage: true });
    assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
    await page.close();
  });

  it('keeps the scatter and MS-SSIM series apart and opaque, and the near-duplicate mark visible, in light and dark themes', async () => {
    const app = await open(true);
    const { page } = app;
    for (const id of ['light-modern', 'dark-modern', 'hc-light']) {
      const theme = BUNDLED_THEMES.find((t) => t.id === id) ?? assert.fail(id);
      await applyTheme(app, theme);
      // No named helpers inside: tsx would wrap them with a function the page does not have.
      const paint = await page.evaluate(() => {
        const li = document.querySelector('li.pair.near-duplicate') as HTMLElement;
        return {
          real: getComputedStyle(document.querySelector('.real-points rect.real') as Element).fill,
          synth: getComputedStyle(document.querySelector('.synth-points rect.synth') as Element).fill,
          msssim: [
            getComputedStyle(document.querySelector('svg.msssim .bars rect.real') as Element).fill,
            getComputedStyle(document.querySelector('svg.msssim .bars rect.synth') as Element).fill,
          ],
          mark: getComputedStyle(li.querySelector('.dup-mark') as Element).color,
          border: getComputedStyle(li).borderTopColor,
          background: getComputedStyle(document.body).backgroundColor,
        };
      });
      assert.notEqual(paint.real, paint.synth, `${theme.label}: real and synthetic points differ`);
      for (const c of [paint.real, paint.synth]) assert.match(c, /^rgb\(/, `${theme.label}: ${c} is opaque`);
      assert.deepEqual(paint.msssim, [paint.real, paint.synth], `${theme.label}: the MS-SSIM bars take the same real/synthetic pair`);
      assert.notEqual(paint.mark, paint.background, `${theme.label}: the near-duplicate mark shows`);
      assert.equal(paint.border, paint.mark, `${theme.label}: border and mark share the poor colour`);
      await page.waitForTimeout(50);
      await page.screenshot({ path: join(RESULTS, `webview-image-report-${theme.id}.png`), fullPage: true });
    }
    assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
    await page.close();
  });
});
