// Shared by the PPCA and image-resample tests: the fixtures test/reference/ppca_reference.py wrote
// (skimage resampling, numpy/sklearn PPCA) and the image files they were computed from, read here by
// MedSynth's own readers (the tests check the sha256 of what was read against the reference's).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDicomFile } from '../../../src/core/data/dicom/image';
import { readDicomSeries } from '../../../src/core/data/dicom/series';
import type { ImageSet, ImageVolume } from '../../../src/core/data/imageSet';
import { readNifti } from '../../../src/core/data/nifti/niftiReader';
import { readRaster } from '../../../src/core/data/raster/rasterReader';
import { testVolume } from '../images/testVolume';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures');
export const PPCA_FIXTURES = join(FIXTURES, 'generators', 'ppca');

export interface ResampleCase {
  readonly label: string;
  readonly rows: number;
  readonly columns: number;
  readonly channels: 1 | 3;
  readonly outRows: number;
  readonly outColumns: number;
  readonly expected: readonly number[];
  readonly source?: string;
  readonly sha256?: string;
  readonly input?: readonly number[];
}

export interface PpcaReference {
  readonly name: string;
  readonly sizeCap: number;
  readonly varianceKept: number;
  readonly maxComponents: number;
  readonly rows: number;
  readonly columns: number;
  readonly channels: 1 | 3;
  readonly n: number;
  readonly d: number;
  readonly form: 'gram' | 'covariance';
  readonly q: number;
  readonly sigma2: number;
  readonly trace: number;
  readonly explained: number;
  readonly eigenvalues: readonly number[];
  readonly valueRange: readonly [number, number];
  readonly mean: readonly number[];
  readonly modelDiagonal: readonly number[];
  readonly probeForms: readonly (readonly number[])[];
  readonly sklearn: { readonly nComponents: number; readonly noiseVariance: number };
  readonly files?: readonly { readonly file: string; readonly sha256: string }[];
  readonly source?: string;
  readonly modelCovariance?: readonly number[];
}

export const RESAMPLE_CASES: readonly ResampleCase[] = (
  JSON.parse(readFileSync(join(PPCA_FIXTURES, 'resample.json'), 'utf8')) as { cases: ResampleCase[] }
).cases;

export const PPCA_SETS: readonly PpcaReference[] = (
  JSON.parse(readFileSync(join(PPCA_FIXTURES, 'ppca.json'), 'utf8')) as { sets: PpcaReference[] }
).sets;

export function ppcaSet(name: string): PpcaReference {
  const s = PPCA_SETS.find((x) => x.name === name);
  if (!s) throw new Error(`no reference set '${name}' in ppca.json`);
  return s;
}

/** Reads one fixture file (path under test/fixtures) with MedSynth's reader for its kind. */
export async function readFixtureImage(rel: string): Promise<ImageSet> {
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, rel)));
  if (rel.endsWith('.dcm')) return (await readDicomFile(bytes, { fileName: rel })) as ImageSet;
  if (rel.endsWith('.nii') || rel.endsWith('.nii.gz')) return readNifti(bytes, { fileName: rel });
  return readRaster(bytes, { fileName: rel });
}

/** The set of a reference entry: its files, one volume per file (DICOM files read as one series each). */
export async function readReferenceSet(ref: PpcaReference): Promise<ImageSet> {
  const images: ImageVolume[] = [];
  for (const f of ref.files ?? []) images.push(...(await readFixtureImage(f.file)).images);
  return { modality: 'image', images };
}

/** The DICOM files as one series (readDicomSeries), for the CT slices s_a/s_b/s_c. */
export async function readSeries(rels: readonly string[]): Promise<ImageSet> {
  return readDicomSeries(rels.map((rel) => ({ name: rel, bytes: new Uint8Array(readFileSync(join(FIXTURES, rel))) })));
}

export function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** A test volume (testVolume's arguments) that lists itself, by its id, as its source file. */
export function volume(...args: Parameters<typeof testVolume>): ImageVolume {
  const [id, frames, rows, columns, channels, data, extra] = args;
  return testVolume(id, frames, rows, columns, channels, data, { sourceFiles: [id], ...extra });
}

/** A seeded set of `frames` single-frame volumes from a reference .f32 file of (frames, rows, columns, channels). */
export function syntheticSet(file: string, frames: number, rows: number, columns: number, channels: 1 | 3): ImageSet {
  const all = readF32(join(PPCA_FIXTURES, file));
  const size = rows * columns * channels;
  if (all.length !== frames * size) throw new Error(`${file}: ${all.length} values, expected ${frames * size}`);
  return {
    modality: 'image',
    images: Array.from({ length: frames }, (_, i) =>
      volume(`frame${i}.png`, 1, rows, columns, channels, all.slice(i * size, (i + 1) * size)),
    ),
  };
}
