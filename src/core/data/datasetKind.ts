// Which reader a file goes to: by name first (what the user sees in the explorer), then by content
// for files without a telling extension (DICOM files are often named by number, without '.dcm').

import { inferTableFormat } from './table/format';

export type DatasetKind = 'table' | 'dicom' | 'dicomdir' | 'nifti' | 'raster' | 'wfdb' | 'edf' | 'tokenizer';

const BY_EXTENSION: Readonly<Record<string, DatasetKind>> = {
  dcm: 'dicom',
  dicom: 'dicom',
  nii: 'nifti',
  'nii.gz': 'nifti',
  hdr: 'nifti',
  img: 'nifti',
  png: 'raster',
  jpg: 'raster',
  jpeg: 'raster',
  hea: 'wfdb',
  edf: 'edf',
  bdf: 'edf',
};

/** The file-name extensions the explorer menus offer MedSynth on, per kind (lower case, no dot). */
export function datasetExtensions(kind: DatasetKind): string[] {
  return Object.entries(BY_EXTENSION)
    .filter(([, k]) => k === kind)
    .map(([e]) => e);
}

/** The reader for a file, from its name and (optionally) its first 132+ bytes; undefined = unknown. */
export function datasetKindOf(fileName: string, head?: Uint8Array): DatasetKind | undefined {
  const base = (fileName.split(/[\\/]/).pop() ?? '').toLowerCase();
  if (base === 'dicomdir') return 'dicomdir';
  if (base === 'tokenizer.json') return 'tokenizer';
  if (inferTableFormat(base)) return 'table';
  if (/\.(nii|hdr|img)\.gz$/.test(base)) return 'nifti';
  const dot = base.lastIndexOf('.');
  const byName = dot > 0 ? BY_EXTENSION[base.slice(dot + 1)] : undefined;
  if (byName) return byName;
  if (head && head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d) return 'dicom';
  return undefined;
}
