// The image sections of the report webview: the samples grid (real and synthetic thumbnails in two
// labelled blocks), the MS-SSIM distributions of real and synthetic pairs (when computed), the nearest-neighbour gallery (closest first, near-duplicates marked in words and
// by a border) and the embedding scatter. Texts, checks and the SVG come from the engine's pure
// helpers (src/core/report/imageSections*.ts), so the panel and the exported report.html agree. A
// thumbnail is shown only as the data: URI thumbnailDataUri checked (the webview CSP allows img-src
// data:); anything else is a "not shown" box.
import './imagesSection.css';
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
} from '../../src/core/report/imageSections';
import { renderMsssimSvg } from '../../src/core/report/imageSectionsMsssim';
import { renderEmbeddingScatterSvg } from '../../src/core/report/imageSectionsScatter';
import type { ImageReportSection, ImageThumbnail, Report } from '../../src/core/report/model';
import { formatNumber } from '../../src/core/report/svgText';
import { h, svgFromMarkup } from '../shared/dom';

function thumb(t: ImageThumbnail): HTMLElement {
  const uri = thumbnailDataUri(t);
  if (uri === undefined)
    return h(
      'figure',
      { class: 'thumb' },
      h('div', { class: 'thumb-missing', role: 'img', 'aria-label': t.label }, 'not shown: not a valid grey PNG'),
      h('figcaption', {}, t.label),
    );
  const { width, height } = thumbnailSize(t);
  return h(
    'figure',
    { class: 'thumb' },
    h('img', { class: 'thumbnail', src: uri, alt: t.label, width, height }),
    h('figcaption', {}, t.label),
  );
}

function sampleSet(set: 'real' | 'synthetic', list: readonly ImageThumbnail[], total: number): HTMLElement {
  return h(
    'section',
    { class: `sample-set ${set === 'real' ? 'real' : 'synth'}`, 'aria-label': `${set} samples`, 'data-set': set },
    h('h3', {}, gridCaption(set, list.length, total)),
    h('div', { class: 'thumbs' }, ...list.map(thumb)),
  );
}

function samples(images: ImageReportSection): HTMLElement {
  return h(
    'section',
    { class: 'image-samples' },
    h('h2', {}, 'Samples'),
    h('p', { class: 'hint' }, SAMPLES_HINT),
    h(
      'div',
      { class: 'samples' },
      sampleSet('real', images.grid.real, images.realFrames),
      sampleSet('synthetic', images.grid.synth, images.synthFrames),
    ),
  );
}

function msssim(images: ImageReportSection): HTMLElement | undefined {
  const m = images.msssim;
  if (!m) return undefined;
  if (!validMsssim(m))
    return h(
      'section',
      { class: 'image-msssim' },
      h('h2', {}, 'MS-SSIM distributions'),
      h('p', { class: 'empty' }, "Not shown: the report's MS-SSIM distributions are not valid numbers."),
    );
  const alike = synthPairsMoreAlike(m);
  return h(
    'section',
    { class: 'image-msssim', 'data-alike': String(alike) },
    h('h2', {}, 'MS-SSIM distributions'),
    h('p', { class: 'hint' }, `${MSSSIM_HINT} ${MSSSIM_BARS_HINT}`),
    h('p', { class: `msssim-reading${alike ? ' alike' : ''}` }, `${alike ? '⚠ ' : ''}${msssimReading(m)}`),
    svgFromMarkup(renderMsssimSvg(m, { width: 560, height: 220 })),
  );
}

function gallery(images: ImageReportSection): HTMLElement {
  const threshold = images.gallery.threshold;
  const pairs = galleryPairs(images);
  return h(
    'section',
    { class: 'image-gallery' },
    h('h2', {}, 'Nearest neighbours'),
    h('p', { class: 'hint' }, galleryHint(images)),
    h('p', { class: 'gallery-summary' }, nearDuplicateSummary(images)),
    pairs.length > 0
      ? h(
          'ol',
          { class: 'gallery' },
          ...pairs.map((p, i) => {
            const dup = isNearDuplicate(p, threshold);
            return h(
              'li',
              { class: `pair${dup ? ' near-duplicate' : ''}`, 'data-synth': p.synth, 'data-real': p.real, 'data-distance': p.distance },
              h('span', { class: 'rank' }, String(i + 1)),
              thumb(p.synthImage),
              thumb(p.realImage),
              h(
                'div',
                { class: 'distance' },
                `distance ${formatNumber(p.distance)}`,
                dup ? h('strong', { class: 'dup-mark' }, `⚠ ${nearDuplicateText(p, threshold)}`) : null,
              ),
            );
          }),
        )
      : h('p', { class: 'empty' }, 'No pairs: privacy.nearDuplicates was not computed.'),
  );
}

function embedding(images: ImageReportSection): HTMLElement {
  const e = images.embedder;
  return h(
    'section',
    { class: 'image-embedding' },
    h('h2', {}, 'Embedding'),
    h('p', { class: 'hint' }, embeddingHint(images)),
    h(
      'p',
      { class: 'embedder', 'data-sha256': e.sha256 },
      h('span', {}, `Embedder: ${e.name} · ${e.dims} features · sha256 `),
      h('code', {}, e.sha256),
    ),
    svgFromMarkup(renderEmbeddingScatterSvg(images.scatter, { width: 560, height: 400 })),
  );
}

/** The image sections (MS-SSIM distributions only when computed), or none for a report without images. */
export function imageSections(report: Report): HTMLElement[] {
  const images = report.images;
  if (!images) return [];
  const distributions = msssim(images);
  return [samples(images), ...(distributions ? [distributions] : []), gallery(images), embedding(images)];
}
