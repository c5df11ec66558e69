// The image report in report.html and report.md: the samples grid, the MS-SSIM distributions of real
// and synthetic pairs (shares per bin, the means, the collapse reading), the nearest-neighbour gallery
// (closest first, near-duplicates marked in words and by a border), the embedding scatter with its PCA
// axes, the embedder line; every embedded image is a checked PNG data: URI and nothing else (no script,
// no remote reference, no file name but the compared sets') gets in. The report is built by
// buildImageReport from small fixed frames and features (no ONNX); the metric results are written out
// by hand, so every distance, label and threshold below is an input the renderers must show as given.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FeatureMatrix, GreyImage } from '../../../src/core/metrics/image/imageMetric';
import type { MetricResult } from '../../../src/core/metrics/types';
import { renderReportHtml } from '../../../src/core/report/html';
import { buildImageReport, MSSSIM_BINS, msssimDistributions, unitShares } from '../../../src/core/report/imageReport';
import { thumbnailDataUri } from '../../../src/core/report/imageSections';
import { pointSpread } from '../../../src/core/report/imageSectionsMarkdown';
import { renderReportMarkdown } from '../../../src/core/report/markdown';
import type { ImageThumbnail, Report } from '../../../src/core/report/model';
import { provenanceEntries, readerNoteLines, realHeadline } from '../../../src/core/report/reportText';
import { reportVerdict } from '../../../src/core/report/verdict';

/** A rows × columns frame on [0, 1]: a ramp shifted by `k`, so each frame differs. */
function frame(rows: number, columns: number, k: number): GreyImage {
  const data = new Float32Array(rows * columns);
  for (let i = 0; i < data.length; i++) data[i] = ((i + k * 3) % (rows * columns)) / (rows * columns - 1);
  return { rows, columns, data };
}

const features = (rows: number[][]): FeatureMatrix => ({ rows: rows.length, dims: rows[0].length, data: Float32Array.from(rows.flat()) });

const EMBEDDER = { name: 'test-embedder-v1', sha256: 'c0ffee'.repeat(10) + 'abcd' };
const REAL_FILE = 'scans/head.nii';
const SYNTH_FILE = 'synthetic/run-1';

const RESULTS: MetricResult[] = [
  { id: 'fidelity.fid', score: 12.5, details: { fid: 12.5 } },
  { id: 'fidelity.prdc', score: 0.8, details: { precision: 0.75, recall: 0.8, density: 1, coverage: 0.8, k: 5 } },
  { id: 'privacy.dcr', score: 0.5, details: { median: 0.5, p05: 0.2, histogram: { edges: [0, 0.5, 1], counts: [2, 2] } } },
  {
    id: 'privacy.nearDuplicates',
    score: 0.25,
    // Deliberately not in distance order: the views show the gallery closest first.
    details: {
      threshold: 0.3,
      nearDuplicates: 1,
      pairs: [
        { synth: 2, real: 0, distance: 0.9 },
        { synth: 1, real: 2, distance: 0.125 },
        { synth: 3, real: 1, distance: 0.5 },
      ],
    },
  },
  {
    id: 'diversity.msssim',
    score: 0.0616,
    // 4 synthetic frames: 6 pairs, piled near 1 (bins 0.9–0.95: 2, 0.95–1: 4, the 1 in the last bin);
    // 3 real frames: 3 pairs in bins 0.2–0.25, 0.35–0.4, 0.5–0.55. Means 5.76 / 6 = 0.96 and 1.11 / 3 = 0.37.
    details: {
      synthetic: 0.96,
      real: 0.37,
      pairs: { synthetic: 6, real: 3 },
      dataRange: 1,
      seed: 0,
      synthPairValues: [0.96, 0.97, 1, 0.91, 0.99, 0.93],
      realPairValues: [0.22, 0.37, 0.52],
    },
  },
];

function imageReport(): Report {
  const built = buildImageReport(
    {
      realFrames: [frame(4, 6, 0), frame(4, 6, 1), frame(4, 6, 2)],
      synthFrames: [frame(4, 6, 3), frame(4, 6, 4), frame(4, 6, 5), frame(4, 6, 6)],
      features: {
        real: features([
          [0, 0],
          [1, 0.5],
          [2, -0.5],
        ]),
        synth: features([
          [0.5, 0],
          [1.5, 0.25],
          [1, 1],
          [3, 0],
        ]),
      },
      embedder: EMBEDDER,
    },
    RESULTS,
    { createdAt: '2026-12-02T07:00:00Z', medsynthVersion: '0.1.0' },
  );
  // The engine names the compared sets; the core builder knows no files.
  return { ...built, real: { ...built.real, file: REAL_FILE }, synth: { ...built.synth, file: SYNTH_FILE } };
}

/** The values of every `attr="…"` in the markup. */
function attrs(html: string, attr: string): string[] {
  return [...html.matchAll(new RegExp(`\\b${attr}="([^"]*)"`, 'g'))].map((m) => m[1]);
}

/** PNG signature and IHDR read straight from the bytes (the PNG specification, section 11.2.2). */
function pngHeader(bytes: Buffer): { width: number; height: number; bitDepth: number; colourType: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bitDepth: bytes[24], colourType: bytes[25] };
}

/** The page's text as a reader sees it: no style block, no tags, no SVG (its tooltips are charts.ts's). */
function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<[^>]+>/g, ' ');
}

describe('image report in HTML', () => {
  const report = imageReport();
  const html = renderReportHtml(report);

  it('has the samples, nearest-neighbour and embedding sections in that order, and no table-only sections', () => {
    const heads = [...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    assert.deepEqual(heads, [
      'Verdict',
      'Scores',
      'Distance to closest real image',
      'Samples',
      'MS-SSIM distributions',
      'Nearest neighbours',
      'Embedding',
    ]);
    assert.match(html, /<h3>Real: all 3 frames<\/h3>/);
    assert.match(html, /<h3>Synthetic: all 4 frames<\/h3>/);
  });

  it('stays self-contained: a CSP that allows data: images only, no script, no remote or file reference', () => {
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/,
    );
    assert.doesNotMatch(html, /<script|<link\b|@import|url\(|https?:\/\//i);
    assert.deepEqual(attrs(html, 'href'), []);
    // Every src is one of our PNG data URIs.
    for (const src of attrs(html, 'src')) assert.match(src, /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/);
  });

  it('embeds every thumbnail as an 8-bit grey PNG of its size, at 2× with the label as alt text', () => {
    const imgs = [
      ...html.matchAll(/<img class="thumbnail" src="data:image\/png;base64,([^"]+)" alt="([^"]*)" width="(\d+)" height="(\d+)">/g),
    ];
    const images = report.images;
    assert.ok(images);
    // 3 real + 4 synthetic in the grid, and two per gallery pair.
    assert.equal(imgs.length, 3 + 4 + 2 * 3);
    assert.equal(imgs.length, attrs(html, 'src').length, 'no other image');
    for (const [, b64, , width, height] of imgs) {
      const head = pngHeader(Buffer.from(b64, 'base64'));
      assert.deepEqual(head, { width: 6, height: 4, bitDepth: 8, colourType: 0 });
      assert.deepEqual([Number(width), Number(height)], [12, 8]);
    }
    assert.deepEqual(
      imgs.slice(0, 7).map((m) => m[2]),
      ['real 0', 'real 1', 'real 2', 'synthetic 0', 'synthetic 1', 'synthetic 2', 'synthetic 3'],
    );
    assert.match(html, /image-rendering: pixelated/);
  });

  it('shows the gallery closest first and marks the pair under the threshold in words and with its own border', () => {
    const items = [...html.matchAll(/<li class="pair( near-duplicate)?">([\s\S]*?)<\/li>/g)];
    assert.equal(items.length, 3);
    const rows = items.map((m) => ({
      dup: m[1] !== undefined,
      alts: attrs(m[2], 'alt'),
      distance: /distance ([\d.]+)/.exec(m[2])?.[1],
      mark: /<strong class="dup-mark">([^<]*)<\/strong>/.exec(m[2])?.[1],
    }));
    assert.deepEqual(rows, [
      { dup: true, alts: ['synthetic 1', 'real 2'], distance: '0.125', mark: '⚠ near-duplicate (closer than 0.3)' },
      { dup: false, alts: ['synthetic 3', 'real 1'], distance: '0.5', mark: undefined },
      { dup: false, alts: ['synthetic 2', 'real 0'], distance: '0.9', mark: undefined },
    ]);
    assert.match(html, /li\.pair\.near-duplicate \{ border: 3px dashed/);
    assert.match(visibleText(html), /1 of the 3 closest pairs is a near-duplicate\./);
  });

  it('draws the embedding as squares (real) and diamonds (synthetic) on PCA axes labelled with their variance share', () => {
    const svg = /<svg class="chart scatter"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? assert.fail('no scatter');
    const points = (set: string): number =>
      (new RegExp(`<g class="points ${set}-points">(.*?)</g>`).exec(svg)?.[1].match(/<rect /g) ?? []).length;
    assert.equal(points('real'), 3);
    assert.equal(points('synth'), 4);
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    const explained = report.images?.scatter.explained ?? assert.fail();
    assert.ok(svg.includes(`PC 1 (${pct(explained[0])} of the real feature variance)`));
    assert.ok(svg.includes(`PC 2 (${pct(explained[1])} of the real feature variance)`));
    assert.match(svg, /real \(3\)/);
    assert.match(svg, /synthetic \(4\)/);
  });

  it('names the embedder with its full SHA-256, and grades no unbounded score', () => {
    assert.ok(html.includes(`Embedder: test-embedder-v1 · 2 features · sha256 ${EMBEDDER.sha256}`));
    // FID's range has no upper end: its score is shown without a grade colour, its range as 0 to ∞.
    assert.match(html, /<td class="score unknown">12\.5<\/td>/);
    assert.match(html, /Range 0 to ∞, lower is better, 0 at best; no fixed good value: compare runs under one embedder\./);
    // After report.json (JSON writes Infinity as null) it reads the same.
    const reread = renderReportHtml(JSON.parse(JSON.stringify(report)) as Report);
    assert.match(reread, /<td class="score unknown">12\.5<\/td>/);
    assert.match(reread, /Range 0 to ∞/);
  });

  it('speaks of images and frames, never of rows, and leaks no name but the compared sets', () => {
    const text = visibleText(html);
    assert.doesNotMatch(text, /\brows?\b/i);
    assert.doesNotMatch(text, /\btable\b/i);
    assert.match(text, /Real: scans\/head\.nii — 3 frames/);
    assert.match(text, /Synthetic: synthetic\/run-1 — 4 frames/);
    assert.match(text, /Most synthetic images keep some distance from every real image/);
    const withoutUris = html.replace(/data:image\/png;base64,[A-Za-z0-9+/=]+/g, '');
    const names = withoutUris.match(/[\w./-]+\.(nii|gz|dcm|png|npy|jpe?g|csv)\b/gi) ?? [];
    assert.deepEqual([...new Set(names)], [REAL_FILE]);
  });
});

describe('the MS-SSIM distributions section model', () => {
  it('holds shares over 20 fixed bins of 0..1 that sum to 1 per set, with the means and pair counts', () => {
    const m = imageReport().images?.msssim ?? assert.fail('no msssim section');
    assert.equal(MSSSIM_BINS, 20);
    assert.equal(m.edges.length, 21);
    m.edges.forEach((e, k) => assert.equal(e, k / 20, `edge ${k}`));
    assert.equal(m.real.length, 20);
    assert.equal(m.synth.length, 20);
    for (const shares of [m.real, m.synth]) assert.ok(Math.abs(shares.reduce((a, v) => a + v, 0) - 1) < 1e-12);
    const nonZero = (shares: readonly number[]): [number, number][] =>
      shares.flatMap((v, i) => (v > 0 ? [[i, v] as [number, number]] : []));
    assert.deepEqual(nonZero(m.synth), [
      [18, 2 / 6],
      [19, 4 / 6],
    ]);
    assert.deepEqual(nonZero(m.real), [
      [4, 1 / 3],
      [7, 1 / 3],
      [10, 1 / 3],
    ]);
    assert.deepEqual([m.synthMean, m.realMean, m.synthPairs, m.realPairs], [0.96, 0.37, 6, 3]);
  });

  it('bins 0 in the first bin and 1 in the last, clamps stray values, and is absent without per-pair values', () => {
    assert.deepEqual(unitShares([0, 1, 1, -0.5, 2], 4), [2 / 5, 0, 0, 3 / 5]);
    assert.deepEqual(unitShares([0.25, 0.5, 0.75], 4), [0, 1 / 3, 1 / 3, 1 / 3]);
    const old: MetricResult = { id: 'diversity.msssim', score: 0.5, details: { synthetic: 0.6, real: 0.2 } };
    assert.equal(msssimDistributions(old), undefined);
    assert.equal(msssimDistributions({ ...old, score: null, notApplicable: 'no grey images were given, only features' }), undefined);
    assert.equal(
      msssimDistributions({ ...old, details: { ...old.details, synthPairValues: [0.5, NaN], realPairValues: [0.2] } }),
      undefined,
    );
    const withoutMetric = buildImageReport(
      {
        realFrames: [frame(4, 6, 0), frame(4, 6, 1)],
        synthFrames: [frame(4, 6, 3), frame(4, 6, 4)],
        features: { real: features([[0], [1]]), synth: features([[0.5], [2]]) },
        embedder: EMBEDDER,
      },
      RESULTS.filter((r) => r.id !== 'diversity.msssim'),
    );
    assert.equal(withoutMetric.images?.msssim, undefined);
    assert.doesNotMatch(renderReportHtml(withoutMetric), /MS-SSIM distributions/);
    assert.doesNotMatch(renderReportMarkdown(withoutMetric), /MS-SSIM distributions/);
  });
});

describe('the MS-SSIM distributions in HTML and Markdown', () => {
  const report = imageReport();
  const html = renderReportHtml(report);
  const md = renderReportMarkdown(report);
  const section = (h: string): string => /<h2>MS-SSIM distributions<\/h2>([\s\S]*?)<h2>/.exec(h)?.[1] ?? assert.fail('no section');

  it('draws side-by-side real and synthetic bars per bin, the axis named, the legend with counts and means', () => {
    const svg = /<svg class="chart msssim"[\s\S]*?<\/svg>/.exec(section(html))?.[0] ?? assert.fail('no chart');
    const bars = [
      ...svg.matchAll(/<rect class="(real|synth)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"><title>([^<]*)<\/title>/g),
    ];
    assert.equal(bars.length, 40, 'a real and a synthetic bar per bin');
    assert.deepEqual(
      bars.slice(0, 4).map((b) => b[1]),
      ['real', 'synth', 'real', 'synth'],
    );
    for (let i = 0; i < 20; i++) assert.ok(Number(bars[2 * i][2]) < Number(bars[2 * i + 1][2]), `bin ${i}: real left of synthetic`);
    const heights = bars.map((b) => Number(b[5]));
    // The tallest bar is the synthetic 0.95–1 bin (4 of 6 pairs); the real bars are half its height (1 of 3).
    assert.equal(Math.max(...heights), heights[39]);
    assert.ok(Math.abs(heights[2 * 4] / heights[39] - 0.5) < 0.01);
    assert.equal(heights.filter((v) => v > 0).length, 5);
    assert.equal(bars[39][6], 'MS-SSIM 0.95–1: 66.7% of synthetic pairs');
    assert.equal(bars[8][6], 'MS-SSIM 0.2–0.25: 33.3% of real pairs');
    assert.ok(svg.includes('>MS-SSIM of a pair (1 = identical)</text>'));
    assert.ok(svg.includes('>real pairs (3), mean 0.37</text>'));
    assert.ok(svg.includes('>synthetic pairs (6), mean 0.96</text>'));
    for (const t of ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']) assert.ok(svg.includes(`text-anchor="middle">${t}</text>`), `x tick ${t}`);
    assert.doesNotMatch(svg, /<script|href|url\(/);
  });

  it('reads a collapse by the means, in words and not by colour alone', () => {
    const text = visibleText(section(html));
    assert.match(
      text,
      /⚠ Synthetic pairs are more alike than real pairs: a sign of mode collapse \(mean MS-SSIM 0\.96 over 6 synthetic pairs, 0\.37 over 3 real pairs\)\./,
    );
    assert.match(section(html), /<p class="msssim-reading alike">/);
    assert.match(html, /\.msssim-reading\.alike \{ color: var\(--poor\); font-weight: 700; \}/);
    // The same per-pair spread as the real pairs: as diverse.
    const diverse: Report = {
      ...report,
      images: { ...(report.images ?? assert.fail()), msssim: { ...(report.images?.msssim ?? assert.fail()), synthMean: 0.4 } },
    };
    const dhtml = renderReportHtml(diverse);
    assert.match(visibleText(section(dhtml)), /Synthetic pairs are as diverse as real pairs \(mean MS-SSIM 0\.4 over 6 synthetic pairs/);
    assert.match(section(dhtml), /<p class="msssim-reading">/);
    assert.doesNotMatch(section(dhtml), /⚠/);
  });

  it('gives Markdown the two means, the reading and the non-empty bins as a table', () => {
    const start = md.indexOf('## MS-SSIM distributions');
    const part = md.slice(start, md.indexOf('## Nearest neighbours'));
    assert.ok(part.includes('- Mean MS-SSIM of synthetic pairs: 0.96 (6 pairs)'));
    assert.ok(part.includes('- Mean MS-SSIM of real pairs: 0.37 (3 pairs)'));
    assert.ok(part.includes('- Synthetic pairs are more alike than real pairs: a sign of mode collapse'));
    const rows = part.split('\n').filter((l) => l.startsWith('|'));
    assert.deepEqual(rows, [
      '| MS-SSIM | Real pairs | Synthetic pairs |',
      '| --- | ---: | ---: |',
      '| 0.2–0.25 | 33.3% | 0.0% |',
      '| 0.35–0.4 | 33.3% | 0.0% |',
      '| 0.5–0.55 | 33.3% | 0.0% |',
      '| 0.9–0.95 | 0.0% | 33.3% |',
      '| 0.95–1 | 0.0% | 66.7% |',
    ]);
    assert.ok(part.includes('15 of 20 bins hold no pair of either set and are left out.'));
    assert.doesNotMatch(part, /bar is on the left/);
  });

  it('shows a hand-edited distribution as "not shown", never as markup', () => {
    const m = report.images?.msssim ?? assert.fail();
    for (const bad of [
      { ...m, real: m.real.slice(1) },
      { ...m, edges: [...m.edges].reverse() },
      { ...m, synth: m.synth.map((v, i) => (i === 3 ? ('<script>alert(1)</script>' as unknown as number) : v)) },
      { ...m, synthMean: Number.NaN },
      { ...m, realPairs: 0 },
    ]) {
      const tampered: Report = { ...report, images: { ...(report.images ?? assert.fail()), msssim: bad } };
      const h = renderReportHtml(tampered);
      assert.match(section(h), /Not shown: the report's MS-SSIM distributions are not valid numbers\./);
      assert.doesNotMatch(h, /<svg class="chart msssim"|<script|alert\(1\)/);
      assert.match(renderReportMarkdown(tampered), /## MS-SSIM distributions\n\nNot shown/);
    }
  });
});

describe('a thumbnail that is not our PNG', () => {
  const good = imageReport();
  const images = good.images ?? assert.fail();
  const first = images.grid.real[0];
  const svgB64 = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64');
  const cases: [string, ImageThumbnail][] = [
    ['markup instead of base64', { ...first, pngBase64: '"><script>alert(1)</script>' }],
    ['base64 of an SVG', { ...first, pngBase64: svgB64 }],
    ['a PNG of another size', { ...first, rows: first.rows + 1 }],
    ['unpadded base64', { ...first, pngBase64: first.pngBase64.replace(/=+$/, '') + 'A' }],
    ['an RGB PNG', { ...first, pngBase64: rgbPng(first.columns, first.rows) }],
  ];
  for (const [what, bad] of cases) {
    it(`is not embedded: ${what}`, () => {
      assert.equal(thumbnailDataUri(bad), undefined);
      const tampered: Report = { ...good, images: { ...images, grid: { ...images.grid, real: [bad, ...images.grid.real.slice(1)] } } };
      const html = renderReportHtml(tampered);
      assert.match(html, /<div class="thumb-missing" role="img" aria-label="real 0">not shown: not a valid grey PNG<\/div>/);
      assert.doesNotMatch(html, /<script|alert\(1\)/);
      assert.ok(!html.includes(bad.pngBase64) || bad.pngBase64 === first.pngBase64, 'the bad text is not in the page');
      assert.equal(attrs(html, 'src').length, 3 + 4 + 2 * 3 - 1);
    });
  }
  it('but ours are', () => assert.equal(thumbnailDataUri(first), `data:image/png;base64,${first.pngBase64}`));
});

/** A 1-pixel-deep header of an 8-bit RGB PNG (colour type 2): enough for the header check to refuse it. */
function rgbPng(width: number, height: number): string {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b[24] = 8;
  b[25] = 2;
  return b.toString('base64');
}

describe('a table report', () => {
  it('gets no image section and no img, and keeps its own words', () => {
    const table: Report = {
      ...imageReport(),
      modality: 'table',
      images: undefined,
      real: { file: 'patients.csv', rows: 10 },
      synth: { file: 'synthetic.csv', rows: 10 },
    };
    const html = renderReportHtml(table);
    assert.doesNotMatch(html, /<img|<h2>Samples|<h2>Nearest|<h2>Embedding/);
    assert.match(html, /<h2>Distance to closest real record<\/h2>/);
    assert.match(visibleText(html), /patients\.csv — 10 rows/);
  });
});

describe('image report in Markdown', () => {
  const report = imageReport();
  const md = renderReportMarkdown(report);

  it('has the same sections as text, with no image inline', () => {
    const heads = md.split('\n').filter((l) => l.startsWith('## '));
    assert.deepEqual(heads, ['## Verdict', '## Scores', '## Samples', '## MS-SSIM distributions', '## Nearest neighbours', '## Embedding']);
    assert.doesNotMatch(md, /data:|!\[|<img/);
    assert.ok(md.includes('- Real: all 3 frames: real 0, real 1, real 2'));
    assert.ok(md.includes('- Synthetic: all 4 frames: synthetic 0, synthetic 1, synthetic 2, synthetic 3'));
  });

  it('lists the gallery as a table, closest first, with the near-duplicate marked', () => {
    const start = md.indexOf('| # | Synthetic | Closest real | Distance | Near-duplicate |');
    assert.ok(start > 0);
    const rows = md.slice(start).split('\n').slice(2, 5);
    assert.deepEqual(rows, [
      '| 1 | synthetic 1 | real 2 | 0.125 | **yes** |',
      '| 2 | synthetic 3 | real 1 | 0.5 | no |',
      '| 3 | synthetic 2 | real 0 | 0.9 | no |',
    ]);
  });

  it('gives the embedder line, the axes, and each set’s centre and spread', () => {
    assert.ok(md.includes(`- Embedder: test-embedder-v1 · 2 features · sha256 ${EMBEDDER.sha256}`));
    assert.match(md, /- Axes: PC 1 \([\d.]+% of the real feature variance\); PC 2 \([\d.]+% of the real feature variance\)/);
    assert.match(md, /- Real: 3 points, centre \(0, 0\), spread/);
    assert.match(md, /- Synthetic: 4 points, centre/);
    assert.match(md, /\| Fréchet distance of image features \(FID\) \(`fidelity.fid`\) \| 12\.5 \| 0–∞ \|/);
    assert.doesNotMatch(md, /\brows?\b/);
  });

  it('computes the spread as the population standard deviation', () => {
    // (0,0), (2,0), (4,6): means 2 and 2; squared deviations 4+0+4 and 4+4+16, over 3.
    const s = pointSpread([
      [0, 0],
      [2, 0],
      [4, 6],
    ]);
    assert.deepEqual(s?.mean, [2, 2]);
    assert.ok(Math.abs((s?.sd[0] ?? 0) - Math.sqrt(8 / 3)) < 1e-12);
    assert.ok(Math.abs((s?.sd[1] ?? 0) - Math.sqrt(8)) < 1e-12);
    assert.equal(pointSpread([]), undefined);
  });
});

describe('image report wording', () => {
  it('counts frames and images in the provenance, the headline, the reader notes and the verdict', () => {
    const report = imageReport();
    assert.equal(realHeadline(report), 'Real: scans/head.nii — 3 frames; no holdout');
    assert.deepEqual(
      provenanceEntries(report).map(([k]) => k),
      ['Real', 'Synthetic', 'Embedder', 'MedSynth'],
    );
    const noted: Report = { ...report, real: { ...report.real, notes: ['read 3 of 4 frames'] } };
    assert.deepEqual(readerNoteLines(noted), ['Reading the real images: read 3 of 4 frames']);
    const privacy = reportVerdict(report).find((l) => l.topic === 'privacy');
    assert.match(privacy?.text ?? '', /synthetic images keep some distance from every real image.*only 3 real images/);
  });

  it('speaks of images in the memorisation line with a holdout', () => {
    const report = imageReport();
    const dcr = report.metrics.find((m) => m.id === 'privacy.dcr') ?? assert.fail();
    const withHoldout: Report = {
      ...report,
      holdout: { rows: 3 },
      metrics: report.metrics.map((m) =>
        m === dcr ? { ...m, details: { ...m.details, shareCloserToTrain: 0.5, baseline: { median: 0.6, p05: 0.3, rows: 3 } } } : m,
      ),
    };
    const line = reportVerdict(withHoldout).find((l) => l.topic === 'privacy')?.text ?? '';
    assert.match(line, /^Synthetic images are no closer to the training patients/);
    assert.match(line, /nearer a training image than a holdout image/);
    assert.match(line, /Median distance to the closest training image: synthetic images 0\.500, holdout images 0\.600/);
    assert.doesNotMatch(line, /\brows?\b/);
    assert.match(realHeadline(withHoldout), /; holdout: \(in memory\) — 3 frames$/);
  });
});
