// Many DICOM files as series: grouped by Series Instance UID, ordered along the slice normal (Image
// Position (Patient) projected on the cross product of the Image Orientation (Patient) axes), else by
// Instance Number, else in the order given. Multi-frame files contribute all their frames in place.
import { badInput, throwIfAborted } from '../../errors';
import type { ImageSet } from '../imageSet';
import type { ReadOptions } from '../readOptions';
import type { DicomFile } from './dicomFile';
import { requireImage } from './frames';
import { parseDicom } from './parse';
import { outputChannels } from './pixelPipeline';
import { buildVolume } from './volume';

export interface DicomInput {
  readonly name: string;
  readonly bytes: Uint8Array;
}

function normalOf(iop: readonly number[]): [number, number, number] {
  const [a, b, c, d, e, f] = iop;
  return [b * f - c * e, c * d - a * f, a * e - b * d];
}

interface Ordered {
  readonly files: DicomFile[];
  readonly sliceSpacing?: number;
  /** Where slices are missing from an otherwise evenly spaced series, in words. */
  readonly sliceGap?: string;
}

/** A gap this many times the series' median slice distance means slices are missing. */
export const MISSING_SLICE_FACTOR = 1.5;

/**
 * Sorts one series' files and measures the distance between slices where positions allow; says where
 * slices are missing.
 */
export function orderSeries(files: readonly DicomFile[]): Ordered {
  const iop = files[0].imageOrientationPatient;
  const withIndex = files.map((file, index) => ({ file, index }));
  if (iop && files.every((f) => f.imagePositionPatient)) {
    const n = normalOf(iop);
    const keyed = withIndex.map((x) => ({ ...x, key: x.file.imagePositionPatient!.reduce((s, p, i) => s + p * n[i], 0) }));
    keyed.sort((a, b) => a.key - b.key || (a.file.instanceNumber ?? 0) - (b.file.instanceNumber ?? 0) || a.index - b.index);
    const gaps: number[] = [];
    for (let i = 1; i < keyed.length; i++) if (keyed[i].key - keyed[i - 1].key > 1e-6) gaps.push(keyed[i].key - keyed[i - 1].key);
    const sorted = [...gaps].sort((a, b) => a - b);
    const median = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : undefined;
    // A gap of about two slices or more among evenly spaced ones is slices that were not given: a 3D
    // output (NIfTI, NPY, a multi-frame DICOM) would silently stretch anatomy over it, so the volume
    // says so (metadata.sliceGap) and those writers refuse it; 2D uses of the frames are unaffected.
    // The lower median, so that one gap among two cannot hide itself by being the median.
    const usual = sorted[Math.floor((sorted.length - 1) / 2)];
    let sliceGap: string | undefined;
    if (usual !== undefined && sorted.length >= 2) {
      for (let i = 1; i < keyed.length && sliceGap === undefined; i++) {
        const gap = keyed[i].key - keyed[i - 1].key;
        if (gap > MISSING_SLICE_FACTOR * usual)
          sliceGap = `a gap of ${gap.toFixed(3)} mm between ${keyed[i - 1].file.fileName ?? `file ${keyed[i - 1].index + 1}`} and ${keyed[i].file.fileName ?? `file ${keyed[i].index + 1}`}, where the slices are ${usual.toFixed(3)} mm apart: about ${Math.round(gap / usual) - 1} slice(s) missing`;
      }
    }
    return { files: keyed.map((x) => x.file), sliceSpacing: median, ...(sliceGap !== undefined ? { sliceGap } : {}) };
  }
  if (files.every((f) => f.instanceNumber !== undefined)) {
    withIndex.sort((a, b) => a.file.instanceNumber! - b.file.instanceNumber! || a.index - b.index);
  }
  return { files: withIndex.map((x) => x.file) };
}

function checkSameGeometry(files: readonly DicomFile[], series: string): void {
  const a = requireImage(files[0]);
  for (const f of files.slice(1)) {
    const b = requireImage(f);
    if (a.rows !== b.rows || a.columns !== b.columns || outputChannels(a) !== outputChannels(b)) {
      throw badInput(
        `series ${series}: ${files[0].fileName} is ${a.rows} x ${a.columns} x ${outputChannels(a)} but ${f.fileName} is ${b.rows} x ${b.columns} x ${outputChannels(b)}`,
        {
          file: f.fileName,
          expected: 'the same Rows, Columns and samples in every file of a series',
        },
      );
    }
  }
}

/** Groups parsed image files into series (in order of first appearance) and reads each as one volume. */
export async function volumesOfFiles(parsed: readonly DicomFile[], opts: ReadOptions): Promise<ImageSet> {
  const groups = new Map<string, DicomFile[]>();
  parsed.forEach((file, i) => {
    // A file without a Series Instance UID is a series of its own.
    const key = file.seriesInstanceUid !== undefined ? `uid:${file.seriesInstanceUid}` : `file:${i}`;
    const group = groups.get(key);
    if (group) group.push(file);
    else groups.set(key, [file]);
  });
  const images = [];
  let k = 0;
  for (const files of groups.values()) {
    k++;
    const id = groups.size === 1 && files.length === 1 ? (files[0].fileName ?? 'series-1') : `series-${k}`;
    checkSameGeometry(files, id);
    const ordered = orderSeries(files);
    const volume = await buildVolume({ id, files: ordered.files, sliceSpacing: ordered.sliceSpacing }, opts);
    images.push(ordered.sliceGap !== undefined ? { ...volume, metadata: { ...volume.metadata, sliceGap: ordered.sliceGap } } : volume);
  }
  return { modality: 'image', images };
}

/**
 * Reads DICOM files as series. Files without pixel data (reports, plans, a DICOMDIR) are skipped;
 * when none holds an image the result is BAD_INPUT. `opts.fileName` is unused: each input has its name.
 */
export async function readDicomSeries(files: readonly DicomInput[], opts: ReadOptions = {}): Promise<ImageSet> {
  const parsed: DicomFile[] = [];
  for (const f of files) {
    throwIfAborted(opts.signal);
    const file = parseDicom(f.bytes, { ...opts, fileName: f.name });
    if (file.image) parsed.push(file);
  }
  if (parsed.length === 0) {
    throw badInput(`none of the ${files.length} DICOM file(s) holds an image`, {
      file: files[0]?.name,
      expected: 'at least one file with Pixel Data (7FE0,0010)',
    });
  }
  return volumesOfFiles(parsed, opts);
}
