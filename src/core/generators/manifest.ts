// medsynth.json, the generator manifest (see DESIGN.md "Generators"). Types only here; validation
// (paths never leave the folder, shapes bounded) lives in manifestValidation.ts.
import type { Modality } from '../metrics/types';

export type GeneratorFamily = 'single-pass' | 'diffusion' | 'autoregressive';

export interface LatentInput {
  readonly name: string;
  /** -1 for the batch dimension. */
  readonly shape: readonly number[];
  readonly distribution: 'normal' | 'uniform';
}

export interface ConditionInput {
  readonly name: string;
  readonly kind: 'onehot' | 'index' | 'vector' | 'source';
  readonly classes?: readonly string[];
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
  readonly provenance?: {
    readonly createdBy?: string;
    readonly trainedOn?: string;
    readonly trainingDataSha256?: string;
    readonly license?: string;
    readonly createdAt?: string;
  };
}
