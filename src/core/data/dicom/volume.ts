// One ImageVolume from one file or from the sorted files of a series: allocates after the total size
// passed the cap, writes every file's frames, and derives photometric, spacing, windows and units.
import { throwIfAborted } from '../../errors';
import { checkDecodeLimit } from '../decodeLimits';
import type { ImageVolume } from '../imageSet';
import type { ReadOptions } from '../readOptions';
import { encapsulatedSyntaxName } from './codecs/frameDecoder';
import { nativeSyntaxName } from './dicomFile';
import type { DicomFile } from './dicomFile';
import { fileValueCount, prepareFile, requireImage } from './frames';
import { outputChannels, windowsOf } from './pixelPipeline';

export interface VolumeSource {
  readonly id: string;
  /** Files in frame order; all share rows, columns and output channels. */
  readonly files: readonly DicomFile[];
  /** Distance between slices measured from Image Position (Patient), when the files give one. */
  readonly sliceSpacing?: number;
}

export async function buildVolume(source: VolumeSource, opts: ReadOptions): Promise<ImageVolume> {
  const first = source.files[0];
  const image = requireImage(first);
  const channels = outputChannels(image);
  let total = 0;
  let frames = 0;
  for (const f of source.files) {
    total += fileValueCount(requireImage(f));
    frames += requireImage(f).numberOfFrames;
  }
  const label = source.files.length === 1 ? first.fileName : `${first.fileName ?? 'series'} (${source.files.length} files)`;
  checkDecodeLimit(opts.limits, 'maxPixels', total, 'pixel values', label);
  // Every file is validated (and its first compressed frame decoded) before the volume is allocated.
  const prepared = [];
  for (const f of source.files) {
    throwIfAborted(opts.signal);
    prepared.push(await prepareFile(f, opts, prepared.length === 0));
  }
  const data = new Float32Array(total);
  let at = 0;
  for (const p of prepared) at += await p.write(data, at);
  const photometric = channels === 3 ? 'RGB' : image.photometricInterpretation === 'MONOCHROME1' ? 'MONOCHROME1' : 'MONOCHROME2';
  const slice =
    source.sliceSpacing ??
    (source.files.length === 1 ? first.frameSpacing : undefined) ??
    first.spacingBetweenSlices ??
    first.sliceThickness;
  const spacing = first.pixelSpacing
    ? { row: first.pixelSpacing[0], column: first.pixelSpacing[1], ...(slice !== undefined ? { slice } : {}) }
    : undefined;
  const metadata: Record<string, string | number> = {
    transferSyntaxUid: first.transferSyntaxUid,
    transferSyntax: nativeSyntaxName(first.transferSyntaxUid) ?? encapsulatedSyntaxName(first.transferSyntaxUid) ?? first.transferSyntaxUid,
    photometricInterpretation: image.photometricInterpretation,
    bitsAllocated: image.bitsAllocated,
    bitsStored: image.bitsStored,
    pixelRepresentation: image.pixelRepresentation,
    files: source.files.length,
  };
  if (first.modality) metadata.modality = first.modality;
  if (first.sopClassUid) metadata.sopClassUid = first.sopClassUid;
  if (channels === 1 && first.rescaleSlope !== undefined) metadata.rescaleSlope = first.rescaleSlope;
  if (channels === 1 && first.rescaleIntercept !== undefined) metadata.rescaleIntercept = first.rescaleIntercept;
  const rescaled = first.rescaleSlope !== undefined || first.rescaleIntercept !== undefined;
  const units =
    first.rescaleType && first.rescaleType !== 'US' ? first.rescaleType : first.modality === 'CT' && rescaled ? 'HU' : undefined;
  return {
    id: source.id,
    frames,
    rows: image.rows,
    columns: image.columns,
    channels,
    data,
    photometric,
    ...(spacing ? { spacing } : {}),
    windows: channels === 1 ? windowsOf(first, data) : [{ center: 127.5, width: 256, name: 'full range' }],
    ...(units && channels === 1 ? { units } : {}),
    sourceFiles: source.files.map((f, i) => f.fileName ?? `file ${i + 1}`),
    metadata,
  };
}
