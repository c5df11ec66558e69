// The image sections of report.md as text: which frames the samples grid shows, the nearest-neighbour
// MS-SSIM distributions as the two means, the reading and a table of the non-empty bins' shares, the
// gallery as a table of labels and distances (near-duplicates marked in words), and the embedding as
// its embedder line and the centre and spread of each set on the two principal axes. No thumbnails:
// most Markdown viewers (GitHub's among them) drop data: images, and a review text should stay short;
// report.html and the report webview show the pictures.
import {
  axisLabel,
  galleryHint,
  galleryPairs,
  gridCaption,
  isNearDuplicate,
  MSSSIM_HINT,
  msssimBinLabel,
  msssimReading,
  nearDuplicateSummary,
  validMsssim,
} from './imageSections';
import type { ImageReportSection } from './model';
import { formatNumber } from './svgText';

type Point = readonly [number, number];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Mean and (population) standard deviation of each coordinate of the finite points. */
export function pointSpread(points: readonly Point[]): { n: number; mean: [number, number]; sd: [number, number] } | undefined {
  const ok = points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (ok.length === 0) return undefined;
  const mean: [number, number] = [0, 0];
  for (const p of ok) for (const k of [0, 1] as const) mean[k] += p[k] / ok.length;
  const sd: [number, number] = [0, 0];
  for (const p of ok) for (const k of [0, 1] as const) sd[k] += (p[k] - mean[k]) ** 2 / ok.length;
  return { n: ok.length, mean, sd: [Math.sqrt(sd[0]), Math.sqrt(sd[1])] };
}

const share = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** The MS-SSIM distributions: means, reading, and the bins where either set has pairs; none when not computed. */
export function msssimMarkdown(images: ImageReportSection): string[] {
  const m = images.msssim;
  if (!m) return [];
  const lines = ['', '## MS-SSIM distributions', ''];
  if (!validMsssim(m)) return [...lines, "Not shown: the report's MS-SSIM distributions are not valid numbers."];
  lines.push(
    MSSSIM_HINT,
    '',
    `- Mean MS-SSIM of synthetic pairs: ${formatNumber(m.synthMean)} (${m.synthPairs} pairs)`,
    `- Mean MS-SSIM of real pairs: ${formatNumber(m.realMean)} (${m.realPairs} pairs)`,
    `- ${msssimReading(m)}`,
    '',
    '| MS-SSIM | Real pairs | Synthetic pairs |',
    '| --- | ---: | ---: |',
  );
  let empty = 0;
  for (let i = 0; i < m.real.length; i++) {
    if (m.real[i] === 0 && m.synth[i] === 0) empty++;
    else lines.push(`| ${msssimBinLabel(m, i)} | ${share(m.real[i])} | ${share(m.synth[i])} |`);
  }
  if (empty > 0) lines.push('', `${empty} of ${m.real.length} bins hold no pair of either set and are left out.`);
  return lines;
}

/** The Markdown lines of the image sections; none for a report without images. */
export function imageSectionsMarkdown(images: ImageReportSection | undefined): string[] {
  if (!images) return [];
  const labels = (list: readonly { label: string }[]): string => list.map((t) => t.label).join(', ');
  const lines: string[] = [
    '',
    '## Samples',
    '',
    `- ${gridCaption('real', images.grid.real.length, images.realFrames)}: ${labels(images.grid.real)}`,
    `- ${gridCaption('synthetic', images.grid.synth.length, images.synthFrames)}: ${labels(images.grid.synth)}`,
    '',
    'The thumbnails are in report.html and the report view.',
    ...msssimMarkdown(images),
    '',
    '## Nearest neighbours',
    '',
    galleryHint(images),
    '',
    nearDuplicateSummary(images),
  ];
  const pairs = galleryPairs(images);
  if (pairs.length > 0) {
    lines.push('', '| # | Synthetic | Closest real | Distance | Near-duplicate |', '| ---: | --- | --- | ---: | --- |');
    pairs.forEach((p, i) => {
      const dup = isNearDuplicate(p, images.gallery.threshold) ? '**yes**' : 'no';
      lines.push(`| ${i + 1} | ${cell(p.synthImage.label)} | ${cell(p.realImage.label)} | ${formatNumber(p.distance)} | ${dup} |`);
    });
  }
  const e = images.embedder;
  lines.push(
    '',
    '## Embedding',
    '',
    `- Embedder: ${cell(e.name)} · ${e.dims} features · sha256 ${e.sha256} (feature scores only compare under one embedder)`,
    `- Axes: ${axisLabel(0, images.scatter.explained)}; ${axisLabel(1, images.scatter.explained)}`,
  );
  for (const [name, points] of [
    ['Real', images.scatter.real],
    ['Synthetic', images.scatter.synth],
  ] as const) {
    const s = pointSpread(points);
    // The real centre is 0 by construction; float rounding leaves 1e-17s that would read as data.
    const scale = s ? Math.max(s.sd[0], s.sd[1]) : 0;
    const num = (v: number): string => formatNumber(Math.abs(v) <= 1e-6 * scale ? 0 : v);
    lines.push(
      s
        ? `- ${name}: ${s.n} points, centre (${num(s.mean[0])}, ${num(s.mean[1])}), spread (${formatNumber(s.sd[0])}, ${formatNumber(s.sd[1])})`
        : `- ${name}: no points`,
    );
  }
  return lines;
}
