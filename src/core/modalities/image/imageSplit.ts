// The full loop's seeded holdout for an image set. Images are held out whole (a volume, a series, one
// PNG): slices of one volume are near copies of each other, so holding out single slices of a volume
// the generator trained on would make memorisation look like generalisation. Only a set of a single
// multi-frame volume is split by frames, since there is nothing else to hold out.
import { MedSynthError } from '../../errors';
import type { ImageSet, ImageVolume } from '../../data/imageSet';
import { displayWindow } from '../../data/imageDisplay';
import { checkHoldoutFraction, chooseHoldoutRows, holdoutRowCount, MIN_PART_ROWS } from '../../data/table/split';

/** Every frame of a volume as a volume of its own (same geometry and display metadata). */
export function framesAsVolumes(volume: ImageVolume): ImageVolume[] {
  if (volume.frames === 1) return [volume];
  const per = volume.rows * volume.columns * volume.channels;
  // A computed min-max window would be recomputed per frame; each frame keeps the volume's instead, so
  // the frames stay on the volume's display scale (the embedder and pixel metrics map that scale).
  const shown = volume.windows[0]?.name === 'min-max' ? displayWindow(volume) : undefined;
  const windows = shown ? [{ center: shown.center, width: shown.width, name: 'volume range' }, ...volume.windows.slice(1)] : volume.windows;
  return Array.from({ length: volume.frames }, (_, f) => ({
    ...volume,
    id: `${volume.id}#${f}`,
    frames: 1,
    windows,
    data: volume.data.subarray(f * per, (f + 1) * per),
  }));
}

export function splitImageSet(
  set: ImageSet,
  opts: { readonly holdoutFraction: number; readonly seed: number },
): { train: ImageSet; holdout: ImageSet } {
  checkHoldoutFraction(opts.holdoutFraction);
  const items = set.images.length === 1 ? framesAsVolumes(set.images[0]) : set.images;
  const count = holdoutRowCount(items.length, opts.holdoutFraction);
  if (count < MIN_PART_ROWS || items.length - count < MIN_PART_ROWS)
    throw new MedSynthError(
      'BAD_USAGE',
      `holding out ${opts.holdoutFraction} of ${items.length} image(s) leaves a part with fewer than ${MIN_PART_ROWS} images`,
      {
        expected: `at least ${2 * MIN_PART_ROWS} images (volumes, or frames of a single volume) and a fraction that leaves ${MIN_PART_ROWS} in each part`,
      },
    );
  const mask = chooseHoldoutRows(items.length, count, opts.seed);
  return {
    train: { modality: 'image', images: items.filter((_, i) => mask[i] === 0) },
    holdout: { modality: 'image', images: items.filter((_, i) => mask[i] === 1) },
  };
}
