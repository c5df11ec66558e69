// What a modality (table, image, signal, text) is to the rest of MedSynth: one definition object per
// modality, listed in registry.ts. Engine jobs, the CLI and the host ask the registry for the
// definition of a dataset, a generator manifest or an output file and use its capabilities; they hold
// no per-modality branches. A definition is pure (core has no file system): datasets are read by the
// storage layer by dataset kind (the format family: src/storage/tables.ts for tables,
// src/storage/datasets.ts for images, signals and tokenizers), and a definition says which kinds are
// its own. A capability a modality does not have yet is absent, and the registry turns asking for it
// into an UNSUPPORTED error naming the modality (registry.ts requireCapability).
import type { DatasetKind } from '../data/datasetKind';
import type { EmbedderManifest } from '../embedder/embedderManifest';
import type { FeatureMatrix } from '../metrics/image/imageMetric';
import type { GeneratorManifest } from '../generators/manifest';
import type { MetricOptions } from '../metrics/metricOptions';
import type { MetricDescriptor, MetricResult, Modality } from '../metrics/types';
import type { Report } from '../report/model';
import type { ReportGenerator } from '../report/build';

export type ModalityId = Modality;

/** A block of consecutive sample rows from the inference process, row-major (`rows` × features). */
export interface SampleBlock {
  readonly data: Float32Array;
  readonly rows: number;
}

/** What a built-in fitter records in the manifest's provenance and how it reports progress. */
export interface FitContext {
  /** How messages name the dataset (the path as given, or the in-memory dataset's name). */
  readonly label: string;
  readonly trainedOn: string;
  readonly trainingDataSha256?: string;
  readonly createdAt: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (message: string) => void;
  /**
   * What the user tuned (CLI flags, VS Code settings), by the fitter's option name: PPCA takes
   * sizeCap, varianceKept and maxComponents. A fitter ignores names it does not know.
   */
  readonly settings?: Readonly<Record<string, number>>;
}

/** A fitted built-in generator: the ONNX graph and manifest that run like any user's model. */
export interface FittedGenerator {
  readonly onnx: Uint8Array;
  readonly manifest: GeneratorManifest;
}

/** A generator MedSynth fits itself (`medsynth fit --generator <id>`). */
export interface BuiltInFitter {
  readonly id: string;
  /** Plain words for messages, e.g. 'Gaussian copula'. */
  readonly title: string;
  fit(dataset: unknown, ctx: FitContext): Promise<FittedGenerator>;
}

/** How many items (rows, images, records) and values per item a dataset holds, for messages and results. */
export interface DatasetSize {
  readonly rows: number;
  readonly columns: number;
  /** How messages say the size when "rows × columns" is not the words ('25 frames of 41 x 33'). */
  readonly words?: string;
}

/**
 * How a generator's output batches become this modality's dataset and its files. `check` validates
 * the manifest's postprocess block and returns it with the model's feature width; `encode` turns the
 * batches into the bytes of the output file (pure: the engine writes them atomically).
 */
export interface SampleCodec {
  check(manifest: GeneratorManifest, source: string): { readonly spec: unknown; readonly features: number; readonly fields: number };
  /** One output file for the whole sample (tables); absent where the output is a folder of items. */
  encode?(
    spec: unknown,
    blocks: AsyncIterable<SampleBlock>,
    opts: { readonly out: string; readonly firstRow: number; readonly signal?: AbortSignal; readonly chunkRows?: number },
  ): AsyncIterable<Uint8Array>;
  /**
   * A folder with one file per sample (images): the files in `format` (one of the outputs'
   * itemFormats), named by the sample's global index so shards write the single run's names.
   */
  encodeItems?(spec: unknown, blocks: AsyncIterable<SampleBlock>, opts: ItemEncodeOptions): AsyncIterable<OutputItem>;
}

/** What a folder output's files may record about where they come from (DICOM headers, NIfTI descrip). */
export interface ItemEncodeOptions {
  readonly format: string;
  readonly firstRow: number;
  readonly generator: { readonly name: string; readonly modelSha256: string };
  readonly seed: number;
  readonly n: number;
  /** A conditional run: the class name of global sample i (the folder then gets a labels file). */
  readonly labelOf?: (index: number) => string;
  readonly signal?: AbortSignal;
}

/** One file of a folder output: its name inside the folder and its bytes. */
export interface OutputItem {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The files a modality's writers produce, chosen by the output's extension. */
export interface OutputFormats {
  /** Extensions with the dot, lower case, e.g. '.csv'. */
  readonly extensions: readonly string[];
  /** The full loop's output file name in the run folder. */
  readonly defaultFile: string;
  /** The format an output path stands for, or undefined. */
  formatOf(path: string): string | undefined;
  /**
   * Modalities whose output is a folder of one file per sample: the formats a file may have
   * (`--format`), the first the default. The full loop's `defaultFile` is then a folder name.
   */
  readonly itemFormats?: readonly string[];
}

/** The datasets an evaluation compares, already read by the engine. */
export interface EvaluationInput {
  readonly real: unknown;
  readonly synth: unknown;
  readonly holdout?: unknown;
  /** For modalities compared through an embedder: the features the engine computed for each set. */
  readonly features?: EmbeddedFeatures;
  /** What the user told the privacy and utility metrics (quasi-identifiers, secret, target, bootstrap). */
  readonly options?: MetricOptions;
}

/** Feature vectors of each set from one embedder (one row per item: a frame, a record), and which embedder. */
export interface EmbeddedFeatures {
  readonly real: FeatureMatrix;
  readonly synth: FeatureMatrix;
  readonly holdout?: FeatureMatrix;
  readonly embedder: { readonly name: string; readonly sha256: string };
}

/** How a modality compares synthetic with real data: its metrics and the report they go into. */
export interface Evaluation {
  /** The metrics that apply (the metric registry filtered by this modality), in report order. */
  readonly metrics: readonly MetricDescriptor[];
  /** Gives a synthetic or holdout dataset the real one's structure (tables: the real column kinds). */
  conform(dataset: unknown, real: unknown): unknown;
  /** Runs the metrics named by `ids` (all by default). */
  run(input: EvaluationInput, ids: readonly string[] | undefined, signal?: AbortSignal): Promise<MetricResult[]>;
  /**
   * Checks what the user told the metrics against the real dataset (tables: the named columns exist),
   * so a job can refuse a misspelt column before it fits anything; BAD_USAGE naming what is wrong.
   */
  checkOptions?(real: unknown, options: MetricOptions): void;
  report(
    input: EvaluationInput,
    results: readonly MetricResult[],
    opts: { generator?: ReportGenerator; runId?: string; medsynthVersion: string; signal?: AbortSignal },
  ): Promise<Report>;
  /** The report sections this modality contributes, in order (names of report model parts). */
  readonly reportSections: readonly string[];
}

/**
 * How samples become feature vectors for distance-based metrics (DCR, NNDR): tables use the
 * missing-aware mixed-type distance space over their columns; images will use an embedder.
 */
export interface FeatureSpace {
  /** Plain words for reports and docs. */
  readonly description: string;
  /**
   * Modalities compared through an ONNX embedder (images): the embedder's input for a dataset,
   * [count, ...shape] row-major, one item per frame. The engine runs the embedder on it through the
   * inference process and passes the features to the evaluation (EvaluationInput.features).
   */
  embedderInput?(
    dataset: unknown,
    embedder: EmbedderManifest,
    signal?: AbortSignal,
  ): { readonly data: Float32Array; readonly count: number; readonly shape: readonly number[] };
}

export interface ModalityDefinition {
  readonly id: ModalityId;
  /** Plural noun for messages: 'tables', 'images'. */
  readonly noun: string;
  /** What its items are called in messages (what `size().rows` counts): default 'rows'; images: 'frames'. */
  readonly itemNoun?: string;
  /** The dataset kinds (core/data/datasetKind.ts) whose readers produce this modality's datasets. */
  readonly datasetKinds: readonly DatasetKind[];
  /**
   * True for the one modality whose reader also takes files with no telling name by sniffing their
   * content (the table reader); such a path is this modality's unless its name says otherwise.
   */
  readonly readsUnnamedFiles?: boolean;
  /** The JSON summary `medsynth inspect` prints and Inspect Dataset shows (no patient identifiers). */
  summarise?(dataset: unknown): Record<string, unknown>;
  /** The preview panel the host opens for a dataset of this modality, by its webview app name. */
  readonly preview?: string;
  /** Items × values per item of a dataset, and what its reader noted. */
  size?(dataset: unknown): DatasetSize;
  /**
   * A dataset in memory (a part of a split) carrying the name and source hash reports record for it
   * (tables: as their provenance); absent where the engine names the sources itself.
   */
  withName?(dataset: unknown, name: string, sha256: string | undefined): unknown;
  /** What run.json records about the dataset a full loop ran on (tables: the column kinds used). */
  runFacts?(dataset: unknown): Readonly<Record<string, unknown>>;
  /**
   * Splits a dataset into a training and a holdout part in memory (the full loop's holdout), seeded;
   * BAD_USAGE when the fraction leaves a part too small.
   */
  split?(
    dataset: unknown,
    opts: { readonly holdoutFraction: number; readonly seed: number },
  ): { readonly train: unknown; readonly holdout: unknown };
  /** Built-in fitters; the first is the default. */
  readonly fitters: readonly BuiltInFitter[];
  readonly sample?: SampleCodec;
  /** Lines `medsynth inspect <generator>` shows about what a sample of this modality becomes. */
  describeOutput?(manifest: GeneratorManifest): readonly string[];
  readonly outputs?: OutputFormats;
  readonly features?: FeatureSpace;
  readonly evaluation?: Evaluation;
}
