// The files an image generator's samples become, by format: one file per synthetic image (a folder
// output). Names come from the sample's global index, so the shards of a run write the single run's
// files; a PNG of a multi-frame sample is one file per frame (synthetic-000000-0.png, ...).
import { MedSynthError, throwIfAborted } from '../../errors';
import type { ImageVolume } from '../../data/imageSet';
import { displayPixels } from '../../data/imageDisplay';
import { encodeDicom } from '../../data/dicom/dicomWriter';
import { encodeNifti1 } from '../../data/nifti/niftiWriter';
import { encodeNpy } from '../../data/npy/npyWriter';
import { encodePng } from '../../data/raster/pngWriter';
import type { ItemEncodeOptions, OutputItem, SampleBlock } from '../modality';
import type { ImagePostprocess } from './imagePostprocess';
import { decodeImageBlocks } from './imageSample';

/** The formats of a folder of synthetic images; png first, the default. */
export const IMAGE_ITEM_FORMATS = ['png', 'dcm', 'nii', 'nii.gz', 'npy'] as const;

/** The NPY array of a volume: (frames, rows, columns) for grey, (frames, rows, columns, 3) for colour. */
export function volumeNpy(volume: ImageVolume): Uint8Array {
  const shape = volume.channels === 1 ? [volume.frames, volume.rows, volume.columns] : [volume.frames, volume.rows, volume.columns, 3];
  return encodeNpy(volume.data, shape);
}

/** The PNG files of a volume, windowed (16-bit for grey, 8-bit for colour): one per frame. */
export function volumePngs(volume: ImageVolume, stem: string): OutputItem[] {
  const bitDepth = volume.channels === 1 ? 16 : 8;
  return Array.from({ length: volume.frames }, (_, f) => ({
    name: volume.frames === 1 ? `${stem}.png` : `${stem}-${f}.png`,
    bytes: encodePng({
      rows: volume.rows,
      columns: volume.columns,
      channels: volume.channels,
      bitDepth,
      data: displayPixels(volume, f, bitDepth),
    }),
  }));
}

/** The files of one synthetic image in `format`. */
export function encodeImageItem(volume: ImageVolume, index: number, spec: ImagePostprocess, opts: ItemEncodeOptions): OutputItem[] {
  const stem = volume.id;
  switch (opts.format) {
    case 'png':
      return volumePngs(volume, stem);
    case 'npy':
      return [{ name: `${stem}.npy`, bytes: volumeNpy(volume) }];
    case 'nii':
    case 'nii.gz':
      return [
        {
          name: `${stem}.${opts.format}`,
          bytes: encodeNifti1(volume, {
            gzip: opts.format === 'nii.gz',
            description: `MedSynth synthetic ${index} (${opts.generator.name})`.slice(0, 79),
          }),
        },
      ];
    case 'dcm':
      return [
        {
          name: `${stem}.dcm`,
          bytes: encodeDicom(volume, {
            generatorName: opts.generator.name,
            generatorSha256: opts.generator.modelSha256,
            index,
            // One study and series per run (generator, seed, n): every shard of the run names the same ones.
            uidSeed: `${opts.generator.modelSha256}|seed ${opts.seed}|n ${opts.n}`,
            dicomModality: spec.dicomModality,
            ...(spec.window ? { window: spec.window } : {}),
            ...(spec.spacing ? { spacing: spec.spacing } : {}),
            ...(spec.units !== undefined ? { units: spec.units } : {}),
          }),
        },
      ];
    default:
      throw new MedSynthError('BAD_USAGE', `--format ${opts.format} is not an image format`, { expected: IMAGE_ITEM_FORMATS.join(', ') });
  }
}

/** The files of a whole sample, in order. */
export async function* encodeImageItems(
  spec: ImagePostprocess,
  blocks: AsyncIterable<SampleBlock>,
  opts: ItemEncodeOptions,
): AsyncIterable<OutputItem> {
  let index = opts.firstRow;
  const labels: string[] = [];
  for await (const volume of decodeImageBlocks(spec, blocks, opts.firstRow, opts.signal, opts.generator.name)) {
    throwIfAborted(opts.signal);
    const items = encodeImageItem(volume, index, spec, opts);
    if (opts.labelOf) for (const item of items) labels.push(`${item.name},${csvField(opts.labelOf(index))}`);
    index++;
    yield* items;
  }
  // A conditional run says which class each file was asked for: labels.csv (file,label), in file order.
  if (opts.labelOf) yield { name: LABELS_FILE, bytes: new TextEncoder().encode(`file,label\n${labels.map((l) => `${l}\n`).join('')}`) };
}

/** The labels file of a conditional run's folder. */
export const LABELS_FILE = 'labels.csv';

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
