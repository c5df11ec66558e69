// The report: what `evaluate` writes as report.json, what report.html and the report webview render.
import type { MetricDescriptor, MetricResult, Modality } from '../metrics/types';
import type { ColumnKind } from '../data/table/table';
import type { MetricOptions } from '../metrics/metricOptions';

export interface ReportMetric extends MetricResult {
  readonly descriptor: MetricDescriptor;
}

/** Real-vs-synthetic distribution of one column, pre-binned so viewers need no raw data. */
export interface ColumnComparison {
  readonly name: string;
  readonly kind: ColumnKind;
  /** Bin labels: numeric/datetime ranges as "lo–hi", or category names. */
  readonly bins: readonly string[];
  readonly real: readonly number[]; // proportions, sum 1 over present values
  readonly synth: readonly number[];
  readonly missingReal: number; // fraction of rows missing
  readonly missingSynth: number;
  /** Numeric/datetime bins only: the bins + 1 edges, so charts can place rounded ticks on a linear axis. */
  readonly edges?: readonly number[];
}

export interface Histogram {
  readonly edges: readonly number[]; // bins+1 edges
  readonly counts: readonly number[];
  /** privacy.dcr with a holdout: the holdout rows' distances to the training rows on the same edges (the natural baseline). */
  readonly holdoutCounts?: readonly number[];
}

/** Where the full loop's training or holdout rows came from: one part of a file split in memory. */
export interface TablePart {
  /** The file that was split, as the run names it. */
  readonly source: string;
  readonly role: 'training' | 'holdout';
  readonly sourceRows: number;
  readonly seed: number;
}

/** One table the report compared. */
export interface TableSource {
  readonly file?: string;
  readonly rows: number;
  /** SHA-256 of the file the rows were read from; for a part of a split file, of that whole file. */
  readonly sha256?: string;
  /** Set when the rows are a part of one file split in memory (then `sha256` is that file's). */
  readonly part?: TablePart;
  /**
   * What the reader assumed or repaired reading the file (encoding, comment lines, padded rows,
   * decimal commas); for a part of a split file, that file's notes. Absent when there were none.
   */
  readonly notes?: readonly string[];
}

export interface Report {
  readonly schema: 'medsynth.report/1';
  readonly modality: Modality;
  readonly createdAt: string;
  /** The full loop's run id, when the report belongs to a run. */
  readonly runId?: string;
  /** The MedSynth version that computed the report. */
  readonly medsynthVersion?: string;
  readonly real: TableSource;
  readonly synth: TableSource;
  readonly holdout?: TableSource;
  readonly generator?: {
    readonly name: string;
    readonly family: string;
    readonly seed?: number;
    readonly executionProvider?: string;
    readonly manifestSha256?: string;
  };
  /** What the privacy and utility metrics were told (quasi-identifiers, secret, k, target, bootstrap, seed), when anything. */
  readonly metricOptions?: MetricOptions;
  readonly metrics: readonly ReportMetric[];
  readonly columns: readonly ColumnComparison[];
  /** Distance-to-closest-record histogram (from privacy.dcr), when computed. */
  readonly dcrHistogram?: Histogram;
  /** Pearson correlations of the numeric/datetime columns, real and synthetic, for the heatmaps. */
  readonly correlations?: CorrelationMatrices;
  /** Images: the embedder, sample grids, the nearest-neighbour gallery and the embedding scatter. */
  readonly images?: ImageReportSection;
}

/** A small grey preview of one image frame: an 8-bit PNG (windowed as the file shows it), base64. */
export interface ImageThumbnail {
  /** Which frame: 'real 3' (the third real frame), 'synthetic 0'. Never a file name or a patient id. */
  readonly label: string;
  readonly rows: number;
  readonly columns: number;
  readonly pngBase64: string;
}

/** One synthetic image beside its closest real one in the embedder's feature space. */
export interface NearestPair {
  /** Frame indices into the synthetic and real sets (0-based, in reading order). */
  readonly synth: number;
  readonly real: number;
  /** Euclidean feature distance; the 1st percentile of real-real nearest distances is `threshold`. */
  readonly distance: number;
  readonly synthImage: ImageThumbnail;
  readonly realImage: ImageThumbnail;
}

export interface ImageReportSection {
  /** Feature numbers only compare under one embedder: its name and model SHA-256. */
  readonly embedder: { readonly name: string; readonly sha256: string; readonly dims: number };
  readonly realFrames: number;
  readonly synthFrames: number;
  /** The first frames of each set, in reading order (at most 16 each). */
  readonly grid: { readonly real: readonly ImageThumbnail[]; readonly synth: readonly ImageThumbnail[] };
  /** Synthetic images closest to a real one first (copies show at a glance), with the near-duplicate threshold. */
  readonly gallery: { readonly pairs: readonly NearestPair[]; readonly threshold: number | null };
  /**
   * The features projected on the first two principal components of the real features (the mean of
   * the real features at 0): real and synthetic points, at most 2000 each, and the variance share of
   * each axis.
   */
  readonly scatter: {
    readonly real: readonly (readonly [number, number])[];
    readonly synth: readonly (readonly [number, number])[];
    readonly explained: readonly [number, number];
  };
  /**
   * diversity.msssim's per-pair values as shares of each set's pairs over fixed edges 0..1 (MS-SSIM of
   * a pair, 1 = identical), with the two means and pair counts: a synthetic distribution piled near 1
   * beside a real one spread lower is a sign of mode collapse. Absent when the metric was not computed.
   */
  readonly msssim?: {
    readonly edges: readonly number[];
    readonly real: readonly number[];
    readonly synth: readonly number[];
    readonly realMean: number;
    readonly synthMean: number;
    readonly realPairs: number;
    readonly synthPairs: number;
  };
}

/** Pairwise-complete Pearson correlations (null where undefined: a constant or empty column). */
export interface CorrelationMatrices {
  readonly columns: readonly string[];
  readonly real: readonly (readonly (number | null)[])[];
  readonly synth: readonly (readonly (number | null)[])[];
  /** Numeric columns left out to keep the heatmap readable (only the first ones are shown). */
  readonly omittedColumns: number;
}
