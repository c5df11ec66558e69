// The image sections of the self-contained report.html: "Samples" (real and synthetic thumbnails in
// two labelled blocks), "MS-SSIM distributions" (real and synthetic pairs' MS-SSIM as side-by-side
// bars, with the one-line reading; only when diversity.msssim gave per-pair values), "Nearest neighbours" (each synthetic image beside its closest real one, closest
// first, near-duplicates marked by text and a border, not by colour alone) and "Embedding" (the PCA
// scatter). Thumbnails go in as data: URIs only after imageSections.ts has checked them; the page's CSP
// (html.ts) allows images from data: and nothing else.
import {
  embeddingHint,
  galleryHint,
  galleryPairs,
  gridCaption,
  isNearDuplicate,
  MSSSIM_BARS_HINT,
  MSSSIM_HINT,
  msssimReading,
  nearDuplicateSummary,
  nearDuplicateText,
  SAMPLES_HINT,
  thumbnailDataUri,
  synthPairsMoreAlike,
  thumbnailSize,
  validMsssim,
} from './imageSections';
import { renderMsssimSvg } from './imageSectionsMsssim';
import { renderEmbeddingScatterSvg } from './imageSectionsScatter';
import type { ImageReportSection, ImageThumbnail } from './model';
import { escapeXml, formatNumber } from './svgText';

export const IMAGE_SECTION_STYLE = `
.samples { display: flex; flex-direction: column; gap: 12px; }
.sample-set { border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
.sample-set h3 { font-size: 14px; margin: 0 0 6px; }
.thumbs { display: flex; flex-wrap: wrap; gap: 8px; }
figure.thumb { border: 0; padding: 0; margin: 0; text-align: center; }
figure.thumb figcaption { font-weight: 400; font-size: 11px; color: var(--muted); white-space: nowrap; }
img.thumbnail { display: block; image-rendering: pixelated; background: #000; }
.thumb-missing { display: flex; align-items: center; justify-content: center; width: 96px; height: 96px; border: 1px dashed var(--line); color: var(--muted); font-size: 11px; }
ol.gallery { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; }
ol.gallery li.pair { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 4px 8px; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
ol.gallery li.pair.near-duplicate { border: 3px dashed var(--poor); padding: 6px; }
.pair .rank { color: var(--muted); font-variant-numeric: tabular-nums; min-width: 1.5em; }
.pair .distance { flex-basis: 100%; font-variant-numeric: tabular-nums; font-size: 12px; }
.pair .dup-mark { display: block; color: var(--poor); font-weight: 700; }
.embedder { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-all; }
svg.scatter { max-width: 100%; height: auto; }
svg .axis-label { font-size: 11px; }
svg.msssim { max-width: 100%; height: auto; }
.msssim-reading.alike { color: var(--poor); font-weight: 700; }
`;

function thumb(t: ImageThumbnail): string {
  const uri = thumbnailDataUri(t);
  const label = escapeXml(t.label);
  if (uri === undefined)
    return `<figure class="thumb"><div class="thumb-missing" role="img" aria-label="${label}">not shown: not a valid grey PNG</div><figcaption>${label}</figcaption></figure>`;
  const { width, height } = thumbnailSize(t);
  return `<figure class="thumb"><img class="thumbnail" src="${escapeXml(uri)}" alt="${label}" width="${width}" height="${height}"><figcaption>${label}</figcaption></figure>`;
}

function samples(images: ImageReportSection): string {
  const block = (set: 'real' | 'synthetic', list: readonly ImageThumbnail[], total: number): string =>
    `<section class="sample-set ${set === 'real' ? 'real' : 'synth'}" aria-label="${set} samples"><h3>${escapeXml(gridCaption(set, list.length, total))}</h3><div class="thumbs">${list.map(thumb).join('')}</div></section>`;
  return [
    '<h2>Samples</h2>',
    `<p class="doc">${escapeXml(SAMPLES_HINT)}</p>`,
    `<div class="samples">${block('real', images.grid.real, images.realFrames)}${block('synthetic', images.grid.synth, images.synthFrames)}</div>`,
  ].join('');
}

function msssim(images: ImageReportSection): string {
  const m = images.msssim;
  if (!m) return '';
  if (!validMsssim(m))
    return '<h2>MS-SSIM distributions</h2><p class="na">Not shown: the report\'s MS-SSIM distributions are not valid numbers.</p>';
  const alike = synthPairsMoreAlike(m);
  return [
    '<h2>MS-SSIM distributions</h2>',
    `<p class="doc">${escapeXml(`${MSSSIM_HINT} ${MSSSIM_BARS_HINT}`)}</p>`,
    `<p class="msssim-reading${alike ? ' alike' : ''}">${alike ? '⚠ ' : ''}${escapeXml(msssimReading(m))}</p>`,
    renderMsssimSvg(m),
  ].join('');
}

function gallery(images: ImageReportSection): string {
  const threshold = images.gallery.threshold;
  const pairs = galleryPairs(images);
  const items = pairs.map((p, i) => {
    const dup = isNearDuplicate(p, threshold);
    return (
      `<li class="pair${dup ? ' near-duplicate' : ''}"><span class="rank">${i + 1}</span>${thumb(p.synthImage)}${thumb(p.realImage)}` +
      `<div class="distance">distance ${escapeXml(formatNumber(p.distance))}${dup ? `<strong class="dup-mark">⚠ ${escapeXml(nearDuplicateText(p, threshold))}</strong>` : ''}</div></li>`
    );
  });
  return [
    '<h2>Nearest neighbours</h2>',
    `<p class="doc">${escapeXml(galleryHint(images))}</p>`,
    `<p>${escapeXml(nearDuplicateSummary(images))}</p>`,
    pairs.length > 0
      ? `<ol class="gallery">${items.join('')}</ol>`
      : '<p class="na">No pairs: privacy.nearDuplicates was not computed.</p>',
  ].join('');
}

function embedding(images: ImageReportSection): string {
  const e = images.embedder;
  return [
    '<h2>Embedding</h2>',
    `<p class="doc">${escapeXml(embeddingHint(images))}</p>`,
    `<p class="embedder">Embedder: ${escapeXml(e.name)} · ${e.dims} features · sha256 ${escapeXml(e.sha256)}</p>`,
    renderEmbeddingScatterSvg(images.scatter),
  ].join('');
}

/** The image sections, in order (MS-SSIM distributions only when computed); empty for a report without images. */
export function renderImageSectionsHtml(images: ImageReportSection | undefined): string {
  if (!images) return '';
  return [samples(images), msssim(images), gallery(images), embedding(images)].filter((s) => s !== '').join('\n');
}
