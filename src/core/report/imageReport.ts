// Builds the report of an image evaluation: the metric results with their descriptors, the DCR
// histogram, and the image section (imageReportSection in model.ts): grids of the first real and
// synthetic frames, each synthetic image beside its closest real one (closest first, from
// privacy.nearDuplicates), and the features projected on the real features' first two principal
// components, and the MS-SSIM distributions of synthetic and real pairs (from diversity.msssim's
// per-pair values, shares over MSSSIM_BINS fixed bins of 0..1). Thumbnails are small 8-bit PNGs of the frames on their display scale; no file name,
// identifier or header value goes into the report.
import { eigh } from '../math/symmetricEigen';
import { covariance } from '../math/covariance';
import type { FeatureMatrix, GreyImage } from '../metrics/image/imageMetric';
import { getImageMetric } from '../metrics/image/imageMetrics';
import type { MetricDescriptor, MetricResult } from '../metrics/types';
import { encodePng } from '../data/raster/pngWriter';
import { resizeFrame } from '../data/imageResample';
import type { ReportGenerator } from './build';
import { dcrHistogram } from './build';
import type { ImageReportSection, ImageThumbnail, NearestPair, Report, ReportMetric, TableSource } from './model';

/** Frames shown per set in the grid, pairs in the gallery, points per set in the scatter, thumbnail side. */
export const GRID_FRAMES = 16;
export const GALLERY_PAIRS = 10;
export const SCATTER_POINTS = 2000;
export const THUMBNAIL_SIDE = 64;
/** Bins of the MS-SSIM distributions, equal widths over 0..1. */
export const MSSSIM_BINS = 20;

export interface ImageReportInput {
  /** Grey frames on the [0, 1] display scale, in reading order (the rows of the feature matrices). */
  readonly realFrames: readonly GreyImage[];
  readonly synthFrames: readonly GreyImage[];
  readonly holdoutFrames?: number;
  readonly features: { readonly real: FeatureMatrix; readonly synth: FeatureMatrix };
  readonly embedder: { readonly name: string; readonly sha256: string };
}

export interface ImageReportOptions {
  readonly generator?: ReportGenerator;
  readonly runId?: string;
  readonly medsynthVersion?: string;
  readonly createdAt?: string;
}

/** A frame on [0, 1] as an 8-bit PNG thumbnail, its longer side at most THUMBNAIL_SIDE. */
export function thumbnail(frame: GreyImage, label: string): ImageThumbnail {
  const longest = Math.max(frame.rows, frame.columns);
  const scale = longest > THUMBNAIL_SIDE ? THUMBNAIL_SIDE / longest : 1;
  const rows = Math.max(1, Math.round(frame.rows * scale));
  const columns = Math.max(1, Math.round(frame.columns * scale));
  const sized = resizeFrame(frame.data, frame.rows, frame.columns, 1, rows, columns);
  const pixels = new Uint8Array(rows * columns);
  for (let i = 0; i < pixels.length; i++) {
    const v = sized[i];
    pixels[i] = v >= 1 ? 255 : v > 0 ? Math.round(v * 255) : 0;
  }
  const png = encodePng({ rows, columns, channels: 1, bitDepth: 8, data: pixels });
  return { label, rows, columns, pngBase64: Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64') };
}

/** Evenly spaced row indices, at most `max` of `n`. */
function spread(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

/** The first two principal axes of the real features, and both sets projected on them. */
export function embeddingScatter(real: FeatureMatrix, synth: FeatureMatrix): ImageReportSection['scatter'] {
  if (real.rows < 2) return { real: [], synth: [], explained: [0, 0] };
  const { mean, cov } = covariance(real.data, real.rows, real.dims);
  const { values, vectors } = eigh(cov, real.dims);
  const d = real.dims;
  const total = values.reduce((a, v) => a + Math.max(v, 0), 0);
  const axes = [d - 1, d - 2].filter((j) => j >= 0);
  const project = (m: FeatureMatrix): [number, number][] =>
    spread(m.rows, SCATTER_POINTS).map((r) => {
      const xy = axes.map((j) => {
        let s = 0;
        for (let k = 0; k < d; k++) s += (m.data[r * d + k] - mean[k]) * vectors[k * d + j];
        return s;
      });
      return [xy[0] ?? 0, xy[1] ?? 0];
    });
  const share = (j: number | undefined): number => (j !== undefined && total > 0 ? Math.max(values[j], 0) / total : 0);
  return { real: project(real), synth: project(synth), explained: [share(axes[0]), share(axes[1])] };
}

/** Finite numbers of a detail that should be a number array; undefined when it is not one. */
function numbers(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined;
}

/** Shares of the values in each of `bins` equal bins over 0..1 (a value of 1 in the last bin, values outside clamped). */
export function unitShares(values: readonly number[], bins = MSSSIM_BINS): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor(v * bins)))]++;
  return counts.map((c) => c / values.length);
}

/** The MS-SSIM distributions from a diversity.msssim result with per-pair values; undefined otherwise. */
export function msssimDistributions(result: MetricResult | undefined): ImageReportSection['msssim'] {
  if (!result || result.score === null) return undefined;
  const synth = numbers(result.details.synthPairValues);
  const real = numbers(result.details.realPairValues);
  const { synthetic: synthMean, real: realMean } = result.details;
  if (!synth || !real || typeof synthMean !== 'number' || typeof realMean !== 'number') return undefined;
  if (!Number.isFinite(synthMean) || !Number.isFinite(realMean)) return undefined;
  return {
    edges: Array.from({ length: MSSSIM_BINS + 1 }, (_, k) => k / MSSSIM_BINS),
    real: unitShares(real),
    synth: unitShares(synth),
    realMean,
    synthMean,
    realPairs: real.length,
    synthPairs: synth.length,
  };
}

function describe(id: string): MetricDescriptor {
  const d = getImageMetric(id);
  if (d) return { id: d.id, title: d.title, modality: d.modality, goal: d.goal, range: d.range, doc: d.doc, reference: d.reference };
  return { id, title: id, modality: 'image', goal: 'maximize', range: [0, 1], doc: '', reference: '' };
}

export function buildImageReport(input: ImageReportInput, results: readonly MetricResult[], opts: ImageReportOptions = {}): Report {
  const metrics: ReportMetric[] = results.map((r) => ({ ...r, descriptor: describe(r.id) }));
  const near = results.find((r) => r.id === 'privacy.nearDuplicates');
  const rawPairs = Array.isArray(near?.details.pairs) ? (near.details.pairs as { synth: number; real: number; distance: number }[]) : [];
  const pairs: NearestPair[] = rawPairs
    .filter((p) => input.synthFrames[p.synth] !== undefined && input.realFrames[p.real] !== undefined)
    .slice(0, GALLERY_PAIRS)
    .map((p) => ({
      synth: p.synth,
      real: p.real,
      distance: p.distance,
      synthImage: thumbnail(input.synthFrames[p.synth], `synthetic ${p.synth}`),
      realImage: thumbnail(input.realFrames[p.real], `real ${p.real}`),
    }));
  const threshold = typeof near?.details.threshold === 'number' ? near.details.threshold : null;
  const source = (rows: number): TableSource => ({ rows });
  const msssim = msssimDistributions(results.find((r) => r.id === 'diversity.msssim'));
  const images: ImageReportSection = {
    embedder: { ...input.embedder, dims: input.features.real.dims },
    realFrames: input.realFrames.length,
    synthFrames: input.synthFrames.length,
    grid: {
      real: spread(input.realFrames.length, GRID_FRAMES).map((i) => thumbnail(input.realFrames[i], `real ${i}`)),
      synth: spread(input.synthFrames.length, GRID_FRAMES).map((i) => thumbnail(input.synthFrames[i], `synthetic ${i}`)),
    },
    gallery: { pairs, threshold },
    scatter: embeddingScatter(input.features.real, input.features.synth),
    ...(msssim ? { msssim } : {}),
  };
  return {
    schema: 'medsynth.report/1',
    modality: 'image',
    createdAt: opts.createdAt ?? new Date().toISOString(),
    ...(opts.runId !== undefined ? { runId: opts.runId } : {}),
    ...(opts.medsynthVersion !== undefined ? { medsynthVersion: opts.medsynthVersion } : {}),
    real: source(input.realFrames.length),
    synth: source(input.synthFrames.length),
    ...(input.holdoutFrames !== undefined ? { holdout: source(input.holdoutFrames) } : {}),
    ...(opts.generator ? { generator: opts.generator } : {}),
    metrics,
    columns: [],
    ...dcrHistogram(results),
    images,
  };
}
