// The part of dcmjs (0.51, no bundled types) that dicomWriter.ts uses: a naturalized dataset
// (keyword -> value) denaturalized into tag -> { vr, Value }, and DicomDict.write() producing a
// Part 10 file (preamble, 'DICM', File Meta in explicit VR little endian, then the dataset in the
// transfer syntax the meta group names).
declare module 'dcmjs' {
  export interface DenaturalizedElement {
    readonly vr: string;
    readonly Value?: unknown[];
  }
  export type DenaturalizedDataset = Record<string, DenaturalizedElement>;
  export class DicomDict {
    constructor(meta: DenaturalizedDataset);
    meta: DenaturalizedDataset;
    dict: DenaturalizedDataset;
    write(options?: Record<string, unknown>): ArrayBuffer;
  }
  export const DicomMetaDictionary: {
    denaturalizeDataset(dataset: Record<string, unknown>): DenaturalizedDataset;
  };
  export interface Logger {
    setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void;
  }
  const dcmjs: {
    readonly data: { readonly DicomDict: typeof DicomDict; readonly DicomMetaDictionary: typeof DicomMetaDictionary };
    readonly log: Logger;
  };
  export default dcmjs;
}
