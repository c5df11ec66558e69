// One DICOM file (single or multi-frame) as an ImageSet of one volume, or, for a waveform file without
// Pixel Data (an ECG), as a SignalSet: readDicomFile parses once and picks.
import type { ImageSet } from '../imageSet';
import type { ReadOptions } from '../readOptions';
import type { SignalSet } from '../signalSet';
import type { DicomFile } from './dicomFile';
import { parseDicom } from './parse';
import { buildVolume } from './volume';
import { hasWaveform, waveformSetOf } from './waveform';

export async function readDicomImage(bytes: Uint8Array, opts: ReadOptions = {}): Promise<ImageSet> {
  return imageSetOf(parseDicom(bytes, opts), opts);
}

async function imageSetOf(file: DicomFile, opts: ReadOptions): Promise<ImageSet> {
  const volume = await buildVolume({ id: opts.fileName ?? 'image', files: [file] }, opts);
  return { modality: 'image', images: [volume] };
}

/** A file with a Waveform Sequence and no Pixel Data is a signal dataset; any other is an image. */
export async function readDicomFile(bytes: Uint8Array, opts: ReadOptions = {}): Promise<ImageSet | SignalSet> {
  const file = parseDicom(bytes, opts);
  return hasWaveform(file) && !file.pixelData ? waveformSetOf(file, opts) : imageSetOf(file, opts);
}
