// `medsynth convert <image file|folder|DICOMDIR> <out>`: one image volume (a PNG/JPEG, a NIfTI file or
// pair, a DICOM file, a folder holding one DICOM series, a DICOMDIR of one series) written as
//   .npy          float32 modality values (rescale applied, no windowing), C order: (frames, rows,
//                 columns) for grey, one frame included as (1, rows, columns); (frames, rows, columns, 3)
//                 for colour; a DICOM series in slice order (the reader sorts it)
//   .png          the display (core/data/imageDisplay.ts: the first window, MONOCHROME1 inverted), 8 bits
//                 unless --bit-depth 16; several frames: <name>-<k>.png, k from 0 (the .npy index),
//                 zero-padded to the same width
//   .nii .nii.gz  NIfTI-1 float32 (RGB24 for colour) with the pixel and slice spacing
//   .dcm          one de-identified DICOM file (multi-frame when there are several frames): new UIDs,
//                 no names, ids, dates or private tags; only allowlisted technical attributes of a
//                 DICOM source (core/data/dicom/dicomTemplate.ts)
// An input holding several volumes (a folder or DICOMDIR of several series) is refused: convert one series.
// Everything is read, checked and encoded before the first file is written; each file is written
// atomically, and a failure removes the files this command already wrote. The source is never written.
import { readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';
import { datasetKindOf } from '../core/data/datasetKind';
import { technicalTemplate } from '../core/data/dicom/dicomTemplate';
import type { DicomTemplate } from '../core/data/dicom/dicomTemplate';
import { encodeDicom } from '../core/data/dicom/dicomWriter';
import { parseDicom } from '../core/data/dicom/parse';
import { displayPixels } from '../core/data/imageDisplay';
import type { ImageVolume } from '../core/data/imageSet';
import { encodeNifti1 } from '../core/data/nifti/niftiWriter';
import { encodeNpy } from '../core/data/npy/npyWriter';
import { encodePng } from '../core/data/raster/pngWriter';
import { inferTableFormat } from '../core/data/table/format';
import { MedSynthError } from '../core/errors';
import { writeFileAtomic } from '../storage/atomic';
import type { FileProvenance, NonTableDataset } from '../storage/datasets';
import { readDatasetFile } from '../storage/datasets';
import { DECODE_LIMIT_OPTIONS, LIMIT_OPTIONS, decodeLimitOptions, parseCommandArgs } from './args';
import type { ParsedArgs } from './args';
import type { CliContext } from './commands';
import { DIALECT_OPTIONS } from './dialectOptions';
import { checkOutputParent } from './outputs';

export type ImageOutputFormat = 'npy' | 'png' | 'nii' | 'nii.gz' | 'dcm';
const FORMATS: readonly ImageOutputFormat[] = ['nii.gz', 'npy', 'png', 'nii', 'dcm'];
const IMAGE_KINDS = new Set(['dicom', 'dicomdir', 'nifti', 'raster']);

export const CONVERT_IMAGE_OPTIONS = { 'bit-depth': { type: 'string' }, ...DECODE_LIMIT_OPTIONS } as const;

/** The image format an output path names by its extension (case-insensitive), or undefined. */
export function imageOutputFormat(path: string): ImageOutputFormat | undefined {
  const lower = path.toLowerCase();
  return FORMATS.find((f) => lower.endsWith(`.${f}`));
}

/**
 * Whether `medsynth convert <in> <out>` converts an image: <out> names an image format, or <in> is an
 * image file or a folder. A table input with a table output, --help, and arguments neither convert
 * accepts stay with the table conversion (which prints the help or the usage error).
 */
export async function isImageConversion(argv: readonly string[]): Promise<boolean> {
  let args: ParsedArgs;
  try {
    args = parseCommandArgs('convert', argv, { ...CONVERT_IMAGE_OPTIONS, ...DIALECT_OPTIONS, ...LIMIT_OPTIONS }, { min: 2, max: 2 });
  } catch {
    return false;
  }
  if (args.flags.has('help')) return false;
  const [input, output] = args.positionals;
  if (imageOutputFormat(output)) return true;
  if (inferTableFormat(input)) return false;
  const kind = datasetKindOf(input);
  if (kind && IMAGE_KINDS.has(kind)) return true;
  return stat(input).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

interface PlannedFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

function singleVolume(input: string, d: NonTableDataset): ImageVolume {
  if (d.kind !== 'image')
    throw new MedSynthError('BAD_USAGE', `convert: ${input} is a ${d.kind} dataset, not an image`, {
      expected: 'a DICOM file, folder or DICOMDIR, a NIfTI file, or a PNG/JPEG',
    });
  const images = d.set.images;
  if (images.length !== 1)
    throw new MedSynthError(
      'BAD_USAGE',
      `convert: ${input} holds ${images.length} image volumes (${images.map((v) => `${v.id}: ${v.frames} x ${v.rows} x ${v.columns}`).join('; ')}); convert writes one`,
      { expected: 'one image, one NIfTI volume or one DICOM series (point at that series alone)' },
    );
  return images[0];
}

/** The allowlisted technical attributes of the first DICOM file of the volume; none for other formats. */
async function dicomTemplateOf(d: NonTableDataset, v: ImageVolume): Promise<DicomTemplate | undefined> {
  if (d.format !== 'dicom' && d.format !== 'dicomdir') return undefined;
  const first = v.sourceFiles[0];
  const file = d.provenance.find((p) => p.file === first || p.file.endsWith(`${sep}${first}`) || p.file.endsWith(`/${first}`));
  if (!file) return undefined;
  const bytes = await readFile(file.file);
  return technicalTemplate(parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), { fileName: file.file }));
}

/** A UID seed from what was read (the sources' SHA-256s), so the same source converts to the same UIDs. */
function uidSeed(provenance: readonly FileProvenance[]): string {
  return `medsynth convert\u0000${provenance.map((p) => p.sha256).join(',')}`;
}

function npyShape(v: ImageVolume): number[] {
  return v.channels === 3 ? [v.frames, v.rows, v.columns, 3] : [v.frames, v.rows, v.columns];
}

function pngNames(out: string, frames: number): string[] {
  if (frames === 1) return [out];
  const stem = out.slice(0, out.length - '.png'.length);
  const ext = out.slice(out.length - '.png'.length);
  const width = String(frames - 1).length;
  return Array.from({ length: frames }, (_, k) => `${stem}-${String(k).padStart(width, '0')}${ext}`);
}

async function plan(format: ImageOutputFormat, out: string, d: NonTableDataset, v: ImageVolume, bitDepth: 8 | 16): Promise<PlannedFile[]> {
  // A volume with slices missing would be written as if evenly spaced; PNGs are one file per frame.
  const gap = v.metadata.sliceGap;
  if (typeof gap === 'string' && format !== 'png')
    throw new MedSynthError('BAD_INPUT', `convert: the series has ${gap}; a .${format} volume would stretch the anatomy over the gap`, {
      file: v.sourceFiles[0],
      expected: 'every slice of the series (or .png output: one file per slice)',
    });
  switch (format) {
    case 'npy':
      return [{ path: out, bytes: encodeNpy(v.data, npyShape(v)) }];
    case 'nii':
    case 'nii.gz':
      return [{ path: out, bytes: encodeNifti1(v, { gzip: format === 'nii.gz', description: 'MedSynth convert' }) }];
    case 'png':
      return pngNames(out, v.frames).map((path, k) => ({
        path,
        bytes: encodePng({ rows: v.rows, columns: v.columns, channels: v.channels, bitDepth, data: displayPixels(v, k, bitDepth) }),
      }));
    case 'dcm': {
      const template = await dicomTemplateOf(d, v);
      // The source's DICOM Modality code (CT, MR...), when it is a valid code string.
      const code = v.metadata.modality;
      const modality = typeof code === 'string' && /^[A-Z0-9 _]{1,16}$/.test(code) ? code : undefined;
      const units = v.units !== undefined && /^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(v.units) ? v.units : undefined;
      const bytes = encodeDicom(v, {
        generatorName: 'medsynth convert',
        index: 0,
        uidSeed: uidSeed(d.provenance),
        origin: 'converted',
        ...(modality ? { dicomModality: modality } : {}),
        ...(units ? { units } : {}),
        ...(template ? { template } : {}),
      });
      return [{ path: out, bytes }];
    }
  }
}

function describe(v: ImageVolume): string {
  return `${v.frames} frame${v.frames === 1 ? '' : 's'} of ${v.rows} x ${v.columns}${v.channels === 3 ? ' RGB' : ''}`;
}

export async function convertImageCommand(argv: readonly string[], ctx: CliContext): Promise<void> {
  const args = parseCommandArgs('convert', argv, CONVERT_IMAGE_OPTIONS, { min: 2, max: 2 });
  const [input, output] = args.positionals;
  const format = imageOutputFormat(output);
  if (!format)
    throw new MedSynthError(
      'BAD_USAGE',
      `convert: cannot tell the image output format from '${output}' (use .npy, .png, .nii, .nii.gz or .dcm; tables convert to .csv .tsv .parquet .jsonl)`,
    );
  const depthText = args.strings.get('bit-depth');
  if (depthText !== undefined && depthText !== '8' && depthText !== '16')
    throw new MedSynthError('BAD_USAGE', `convert: --bit-depth must be 8 or 16, got '${depthText}'`);
  if (depthText !== undefined && format !== 'png')
    throw new MedSynthError('BAD_USAGE', 'convert: --bit-depth applies to .png outputs only');
  const bitDepth = depthText === '16' ? 16 : 8;
  const limits = decodeLimitOptions(args, 'convert');
  if (resolve(input) === resolve(output))
    throw new MedSynthError('BAD_USAGE', 'convert: <out> must differ from <in>; sources are never overwritten');
  await checkOutputParent('convert', '<out>', output);

  const dataset = await readDatasetFile(input, { limits, signal: ctx.signal });
  const volume = singleVolume(input, dataset);
  const files = await plan(format, resolve(output), dataset, volume, bitDepth);
  const sources = new Set(dataset.provenance.map((p) => resolve(p.file)));
  for (const f of files) {
    if (sources.has(f.path)) throw new MedSynthError('BAD_USAGE', `convert: ${f.path} is a source file; sources are never overwritten`);
    const existing = await stat(f.path).catch(() => undefined);
    if (existing?.isDirectory()) throw new MedSynthError('BAD_USAGE', `convert: ${f.path} is a folder`, { expected: 'a file name' });
  }

  const written: string[] = [];
  try {
    for (const f of files) {
      await writeFileAtomic(f.path, f.bytes, ctx.signal);
      written.push(f.path);
    }
  } catch (e) {
    await Promise.all(written.map((p) => rm(p, { force: true }).catch(() => undefined)));
    throw e;
  }
  const where =
    files.length === 1
      ? files[0].path
      : `${files.length} files ${basename(files[0].path)} .. ${basename(files[files.length - 1].path)} in ${dirname(files[0].path)}`;
  ctx.stdout(`wrote ${describe(volume)} (${format}) to ${where}\n`);
}
