// medsynth.json, the generator manifest (see DESIGN.md "Generators"). Types only here; validation
// (paths never leave the folder, shapes bounded) lives in manifestValidation.ts.
import type { Modality } from '../metrics/types';
import type { DiffusionConfig } from './diffusion/types';

export type GeneratorFamily = 'single-pass' | 'diffusion' | 'autoregressive';

export interface LatentInput {
  readonly name: string;
  /** -1 for the batch dimension. */
  readonly shape: readonly number[];
  readonly distribution: 'normal' | 'uniform';
}

/**
 * What conditions each sample:
 * - 'onehot': a float32 [-1, classes.length] one-hot of the sample's class;
 * - 'index': the sample's class index, [-1] or [-1, 1], in the model's integer or float type;
 * - 'vector': a float32 vector per sample, `shape` [-1, ...] (patient attributes), given by the request;
 * - 'source': a real sample the request gives (translation, e.g. CT -> MR), `shape` [-1, ...]; one output per source.
 * Classes (onehot, index) are assigned to samples by their global index (protocol/inference.ts classOfSample).
 */
export interface ConditionInput {
  readonly name: string;
  readonly kind: 'onehot' | 'index' | 'vector' | 'source';
  /** onehot and index: the class names, unique, in the order the model numbers them. */
  readonly classes?: readonly string[];
  /** vector and source: the shape of the input, -1 for the batch dimension first. */
  readonly shape?: readonly number[];
}

/**
 * The `diffusion` section of a family 'diffusion' manifest: the sampler configuration (checked by
 * validateDiffusionConfig) and how the denoiser is fed. The noisy sample x_t goes to `inputs.latent`
 * ([-1, C, H, W] for images), the timestep to `timestepInput`, and the model output named by
 * `outputs.sample` is the prediction (epsilon, v or x0).
 */
export interface DiffusionSection extends DiffusionConfig {
  /** The denoiser input that takes the timestep (float32 or int64, as the model declares; shape [], [1] or [-1]). */
  readonly timestepInput: string;
  /** Latent diffusion: a decoder ONNX (relative to the folder) that turns final latents into samples. */
  readonly decoder?: string;
  readonly decoderInput?: string;
  readonly decoderOutput?: string;
  /** Latents are divided by this before decoding (Stable Diffusion's 0.18215); default 1. */
  readonly latentScale?: number;
  /**
   * With guidanceScale: what the unconditional branch is fed. onehot and vector: one value per element of
   * the condition (often all 0); index: a class index (often classes.length, a null class).
   */
  readonly nullCondition?: number | readonly number[];
}

export interface SampleOutput {
  readonly name: string;
  readonly layout?: string;
  readonly range?: readonly [number, number];
}

/** How one output column of a table generator becomes one table column. */
export type TableColumnSpec =
  | {
      readonly name: string;
      readonly kind: 'numeric';
      /** Index of the output feature holding the value. */
      readonly index: number;
      readonly transform?:
        | { readonly type: 'identity' }
        | { readonly type: 'minmax'; readonly min: number; readonly max: number; readonly from?: readonly [number, number] }
        | { readonly type: 'standard'; readonly mean: number; readonly std: number };
      readonly integer?: boolean;
      readonly round?: number;
      /** Index of an output feature that is > 0.5 when the value is missing. */
      readonly missingIndex?: number;
    }
  | {
      readonly name: string;
      readonly kind: 'datetime';
      readonly index: number; // epoch milliseconds after transform
      readonly transform?:
        | { readonly type: 'identity' }
        | { readonly type: 'minmax'; readonly min: number; readonly max: number; readonly from?: readonly [number, number] };
      readonly precision: 'date' | 'datetime';
      /**
       * How values are spelled when written (datetimeFormat.ts tokens, e.g. 'DD-Mon-YY'); values are
       * rounded to the smallest unit it prints. Absent: ISO 8601.
       */
      readonly format?: string;
      readonly missingIndex?: number;
    }
  | {
      readonly name: string;
      readonly kind: 'categorical' | 'boolean';
      readonly categories: readonly string[];
      /**
       * Booleans only: how false and true are spelled when written to CSV or JSON Lines, e.g.
       * ['no', 'yes'] (spellings the reader reads back as false and true). Absent: 'false' and 'true'.
       */
      readonly labels?: readonly [string, string];
      /** 'index': one feature holding the category index; 'onehot': `categories.length` features from `index`, argmax. */
      readonly encoding: 'index' | 'onehot';
      readonly index: number;
      readonly missingIndex?: number;
    }
  | {
      readonly name: string;
      readonly kind: 'identifier';
      /** Regenerated, never copied: prefix + zero-padded global row number (0-based: SYN-00000000 first). */
      readonly prefix: string;
      /** Zero-padded width of the row number (default 8). */
      readonly digits?: number;
    }
  | {
      readonly name: string;
      readonly kind: 'text';
      readonly missingRate?: number;
    };

export interface TablePostprocess {
  readonly columns: readonly TableColumnSpec[];
  /** Width of the sample output's feature axis. */
  readonly features: number;
}

export interface GeneratorManifest {
  readonly schema: 'medsynth.generator/1';
  readonly name: string;
  readonly modality: Modality;
  readonly family: GeneratorFamily;
  /** Relative to the generator folder; never absolute, never '..'. */
  readonly model: string;
  readonly inputs: { readonly latent: LatentInput; readonly condition?: ConditionInput };
  readonly outputs: { readonly sample: SampleOutput };
  readonly postprocess?: TablePostprocess | Readonly<Record<string, unknown>>;
  /** Present exactly when family is 'diffusion'. */
  readonly diffusion?: DiffusionSection;
  readonly provenance?: {
    readonly createdBy?: string;
    readonly trainedOn?: string;
    readonly trainingDataSha256?: string;
    readonly license?: string;
    readonly createdAt?: string;
  };
}
