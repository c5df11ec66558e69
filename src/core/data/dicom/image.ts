// One DICOM file (single or multi-frame) as an ImageSet of one volume.
import type { ImageSet } from '../imageSet';
import type { ReadOptions } from '../readOptions';
import { parseDicom } from './parse';
import { buildVolume } from './volume';

export async function readDicomImage(bytes: Uint8Array, opts: ReadOptions = {}): Promise<ImageSet> {
  const file = parseDicom(bytes, opts);
  const volume = await buildVolume({ id: opts.fileName ?? 'image', files: [file] }, opts);
  return { modality: 'image', images: [volume] };
}
