// What every view of an image report shows beside the scores (report.html, report.md, the report
// webview): the thumbnails as checked data: URIs, the nearest-neighbour gallery in order with its
// near-duplicate marks, and the section texts, so the views cannot drift apart. A report can come from
// a report.json on disk, so nothing here trusts it: a thumbnail is shown only when its text is base64
// of an 8-bit grey PNG of the size it declares; anything else becomes "not shown", never markup.
import { formatNumber } from './svgText';
import type { ImageReportSection, ImageThumbnail, NearestPair } from './model';

/** The largest thumbnail text a view embeds (a 64 × 64 grey PNG is a few kB; this leaves room). */
export const MAX_THUMBNAIL_BASE64 = 256 * 1024;
/** Thumbnails are drawn at this many screen pixels per image pixel, with pixelated scaling. */
export const THUMBNAIL_ZOOM = 2;
/** The largest side a view draws a thumbnail at (the report's thumbnails are at most 64 pixels). */
const MAX_SIDE = 256;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function u32(bytes: string, at: number): number {
  return (
    ((bytes.charCodeAt(at) << 24) | (bytes.charCodeAt(at + 1) << 16) | (bytes.charCodeAt(at + 2) << 8) | bytes.charCodeAt(at + 3)) >>> 0
  );
}

/**
 * The thumbnail as a `data:image/png;base64,` URI, or undefined when it is not what the model says:
 * base64 text (padded, at most MAX_THUMBNAIL_BASE64 characters) whose bytes start with the PNG
 * signature and an IHDR chunk of `columns` × `rows`, 8-bit grey (colour type 0).
 */
export function thumbnailDataUri(t: ImageThumbnail): string | undefined {
  const b64 = t.pngBase64;
  if (typeof b64 !== 'string' || b64.length > MAX_THUMBNAIL_BASE64 || b64.length % 4 !== 0 || !BASE64.test(b64)) return undefined;
  if (!Number.isInteger(t.rows) || !Number.isInteger(t.columns) || t.rows < 1 || t.columns < 1) return undefined;
  if (t.rows > MAX_SIDE || t.columns > MAX_SIDE) return undefined;
  // Signature (8), IHDR length (4) and type (4), width, height (4 + 4), bit depth, colour type: 26 bytes.
  let head: string;
  try {
    head = atob(b64.slice(0, 36));
  } catch {
    return undefined;
  }
  if (head.length < 26 || PNG_SIGNATURE.some((b, i) => head.charCodeAt(i) !== b)) return undefined;
  if (u32(head, 8) !== 13 || head.slice(12, 16) !== 'IHDR') return undefined;
  if (u32(head, 16) !== t.columns || u32(head, 20) !== t.rows || head.charCodeAt(24) !== 8 || head.charCodeAt(25) !== 0) return undefined;
  return `data:image/png;base64,${b64}`;
}

/** The size a view draws a thumbnail at: THUMBNAIL_ZOOM screen pixels per image pixel. */
export function thumbnailSize(t: ImageThumbnail): { readonly width: number; readonly height: number } {
  return { width: t.columns * THUMBNAIL_ZOOM, height: t.rows * THUMBNAIL_ZOOM };
}

/** True when the pair lies below the near-duplicate threshold (closer than the closest 1% of real pairs). */
export function isNearDuplicate(pair: NearestPair, threshold: number | null): boolean {
  return threshold !== null && Number.isFinite(threshold) && pair.distance < threshold;
}

/** The gallery's pairs closest first (the report stores them so; a hand-edited one is put back in order). */
export function galleryPairs(images: ImageReportSection): readonly NearestPair[] {
  return [...images.gallery.pairs].filter((p) => Number.isFinite(p.distance)).sort((a, b) => a.distance - b.distance);
}

/** "Real frames: 16 of 25 shown, evenly spaced in reading order." */
export function gridCaption(set: 'real' | 'synthetic', shown: number, total: number): string {
  const name = set === 'real' ? 'Real' : 'Synthetic';
  if (shown >= total) return `${name}: all ${total} frame${total === 1 ? '' : 's'}`;
  return `${name}: ${shown} of ${total} frames, evenly spaced in reading order`;
}

export const SAMPLES_HINT =
  'Real and synthetic frames side by side, on the grey scale the files show, at two screen pixels per image pixel. ' +
  'Labels count frames in reading order, from 0.';

/** What the gallery shows and where its near-duplicate line lies. */
export function galleryHint(images: ImageReportSection): string {
  const t = images.gallery.threshold;
  const mark =
    t !== null && Number.isFinite(t)
      ? ` A pair closer than ${formatNumber(t)} (the distance below which only the closest 1% of real images lie to their nearest other real image) is marked "near-duplicate": that synthetic image may copy a patient.`
      : ' No near-duplicate threshold was computed (too few real images), so no pair is marked.';
  return `Each synthetic image beside the real image closest to it in the embedder's feature space (Euclidean distance), closest first.${mark}`;
}

/** The near-duplicate mark's text for one pair. */
export function nearDuplicateText(pair: NearestPair, threshold: number | null): string {
  return isNearDuplicate(pair, threshold) ? `near-duplicate (closer than ${formatNumber(threshold ?? 0)})` : '';
}

/** How many of the shown pairs are near-duplicates, as a sentence. */
export function nearDuplicateSummary(images: ImageReportSection): string {
  const pairs = galleryPairs(images);
  const n = pairs.filter((p) => isNearDuplicate(p, images.gallery.threshold)).length;
  if (images.gallery.threshold === null) return `${pairs.length} closest pairs shown.`;
  return n === 0
    ? `None of the ${pairs.length} closest pairs is a near-duplicate.`
    : `${n} of the ${pairs.length} closest pairs ${n === 1 ? 'is a near-duplicate' : 'are near-duplicates'}.`;
}

/** The embedding section's hint: what the axes are, and that the picture belongs to one embedder. */
export function embeddingHint(images: ImageReportSection): string {
  const e = images.embedder;
  return (
    `Every image's ${e.dims} embedder features projected on the first two principal components of the real images' features (real mean at 0). ` +
    'Synthetic points should fall where the real points are and spread as widely; a synthetic cluster away from the real ones, or a tight knot, shows a mismatch or a collapse. ' +
    `Feature numbers (this picture and the feature scores) only compare between reports made with the same embedder, here ${e.name}.`
  );
}

/** "PC 1 (30.7% of the real feature variance)". */
export function axisLabel(axis: 0 | 1, explained: readonly [number, number]): string {
  const share = explained[axis];
  const pct = Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : '?';
  return `PC ${axis + 1} (${pct} of the real feature variance)`;
}

type MsssimDistributions = NonNullable<ImageReportSection['msssim']>;

/** The x axis of the MS-SSIM distributions. */
export const MSSSIM_AXIS = 'MS-SSIM of a pair (1 = identical)';

/**
 * Synthetic pairs read as "more alike" than real pairs when they keep less than this share of the real
 * pairs' dissimilarity (1 − mean MS-SSIM): diversity.msssim's score below 0.9, so a difference in the
 * third decimal is not called a collapse.
 */
export const MSSSIM_ALIKE_RATIO = 0.9;

export const MSSSIM_HINT =
  'MS-SSIM (multi-scale structural similarity, 1 = identical) of seeded pairs of synthetic images and of pairs of real images, ' +
  "each as shares of its set's pairs. The real pairs show how varied real images are; synthetic pairs piled nearer 1 than the real ones " +
  'mean the generator repeats itself (mode collapse).';

/** How the chart keeps the two sets apart besides colour. */
export const MSSSIM_BARS_HINT = 'In each bin the real bar is on the left, the synthetic bar on the right.';

const finiteList = (v: unknown, n?: number): boolean =>
  Array.isArray(v) && (n === undefined || v.length === n) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * True when the distributions are what the model says (a report.json can be edited by hand): at least one
 * bin, bins + 1 increasing finite edges, finite non-negative shares per bin, finite means and whole pair counts.
 */
export function validMsssim(m: MsssimDistributions): boolean {
  if (!finiteList(m.edges) || m.edges.length < 2) return false;
  const bins = m.edges.length - 1;
  if (m.edges.some((e, i) => i > 0 && !(e > m.edges[i - 1]))) return false;
  if (!finiteList(m.real, bins) || !finiteList(m.synth, bins) || [...m.real, ...m.synth].some((s) => s < 0)) return false;
  if (!Number.isFinite(m.realMean) || !Number.isFinite(m.synthMean)) return false;
  return [m.realPairs, m.synthPairs].every((n) => Number.isInteger(n) && n > 0);
}

/** True when the synthetic pairs are clearly more alike than the real pairs (see MSSSIM_ALIKE_RATIO). */
export function synthPairsMoreAlike(m: MsssimDistributions): boolean {
  return 1 - m.synthMean < MSSSIM_ALIKE_RATIO * (1 - m.realMean);
}

/** The one-line reading of the two distributions, by their means. */
export function msssimReading(m: MsssimDistributions): string {
  const means = `mean MS-SSIM ${formatNumber(m.synthMean)} over ${m.synthPairs} synthetic pairs, ${formatNumber(m.realMean)} over ${m.realPairs} real pairs`;
  return synthPairsMoreAlike(m)
    ? `Synthetic pairs are more alike than real pairs: a sign of mode collapse (${means}).`
    : `Synthetic pairs are as diverse as real pairs (${means}).`;
}

/** "0.35–0.4" for bin i. */
export function msssimBinLabel(m: MsssimDistributions, i: number): string {
  return `${formatNumber(m.edges[i])}–${formatNumber(m.edges[i + 1])}`;
}
