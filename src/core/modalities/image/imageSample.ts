// Decodes an image generator's output batches into images: each row of a batch is one sample laid out
// as the manifest's postprocess block says (NCHW, NHWC or NCDHW), mapped linearly from the model's
// output range onto modality units and clipped, and reordered into the ImageVolume layout
// (frame, row, column, channel). Sample i is named by its global index, so shards of a run write the
// single run's files.
import { MedSynthError, throwIfAborted } from '../../errors';
import type { ImageVolume } from '../../data/imageSet';
import type { SampleBlock } from '../modality';
import type { ImagePostprocess } from './imagePostprocess';
import { imageSampleValues } from './imagePostprocess';

/** The id (and file stem) of global sample `index`: zero-padded to at least 6 digits so names sort. */
export function syntheticImageId(index: number): string {
  return `synthetic-${String(index).padStart(6, '0')}`;
}

/** One decoded sample. `source` names the generator for messages. */
export function decodeImageSample(spec: ImagePostprocess, values: Float32Array, index: number, source?: string): ImageVolume {
  const { frames, rows, columns, channels, layout } = spec;
  const [lo, hi] = spec.outputRange;
  const [vlo, vhi] = spec.valueRange;
  const scale = (vhi - vlo) / (hi - lo);
  const out = new Float32Array(imageSampleValues(spec));
  const plane = rows * columns;
  for (let f = 0; f < frames; f++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) {
        // Where (frame f, pixel p, channel c) sits in the model's layout.
        const from = layout === 'NHWC' ? p * channels + c : layout === 'NCHW' ? c * plane + p : (c * frames + f) * plane + p;
        const v = values[from];
        if (!Number.isFinite(v))
          throw new MedSynthError('MODEL_MISMATCH', `the model returned ${v} in sample ${index} (value ${from})`, {
            ...(source !== undefined ? { file: source } : {}),
            expected: 'finite values',
          });
        const clipped = v < lo ? lo : v > hi ? hi : v;
        out[(f * plane + p) * channels + c] = vlo + (clipped - lo) * scale;
      }
    }
  }
  const window = spec.window ?? { center: (vlo + vhi) / 2, width: vhi - vlo };
  return {
    id: syntheticImageId(index),
    frames,
    rows,
    columns,
    channels,
    data: out,
    photometric: spec.photometric,
    ...(spec.spacing ? { spacing: spec.spacing } : {}),
    windows: [{ ...window, name: spec.window ? 'generator' : 'value range' }],
    ...(spec.units !== undefined ? { units: spec.units } : {}),
    sourceFiles: [],
    metadata: { modality: spec.dicomModality, synthetic: 'yes' },
  };
}

/** Decodes streamed blocks into images, in order; `firstRow` is the global index of the first sample. */
export async function* decodeImageBlocks(
  spec: ImagePostprocess,
  blocks: AsyncIterable<SampleBlock>,
  firstRow: number,
  signal?: AbortSignal,
  source?: string,
): AsyncIterable<ImageVolume> {
  const per = imageSampleValues(spec);
  let index = firstRow;
  for await (const block of blocks) {
    throwIfAborted(signal);
    if (block.data.length !== block.rows * per)
      throw new MedSynthError('MODEL_MISMATCH', `a batch of ${block.rows} samples has ${block.data.length} values`, {
        ...(source !== undefined ? { file: source } : {}),
        expected: `${per} values per sample (${spec.layout}: ${spec.channels} × ${spec.frames > 1 ? `${spec.frames} × ` : ''}${spec.rows} × ${spec.columns})`,
      });
    for (let r = 0; r < block.rows; r++) yield decodeImageSample(spec, block.data.subarray(r * per, (r + 1) * per), index++, source);
  }
}
