// The image modality: DICOM (files, series folders, DICOMDIR), NIfTI/Analyze and PNG/JPEG read into
// an ImageSet (core/data/imageSet.ts); the built-in PPCA fitter; decoding of a generator's output
// tensor (imagePostprocess.ts, imageSample.ts) into a folder of one file per synthetic image
// (imageWriters.ts: PNG, DICOM, NIfTI, NPY); a seeded holdout of whole images (imageSplit.ts).
import { describeImageSet } from '../../data/datasetSummary';
import type { ImageSet } from '../../data/imageSet';
import type { DatasetSize, ModalityDefinition } from '../modality';
import { asImageSet, ppcaFitter } from './imageFitters';
import { imagePostprocess, imageSampleValues } from './imagePostprocess';
import type { ImagePostprocess } from './imagePostprocess';
import { encodeImageItems, IMAGE_ITEM_FORMATS } from './imageWriters';
import { splitImageSet } from './imageSplit';
import { asImageSetInput, pixelMetricSize, runImageMetrics, unitGreyFrames } from './imageEvaluation';
import { MedSynthError } from '../../errors';
import { prepareEmbedderInput } from '../../embedder/embedderInput';
import { frameCount } from '../../data/imageResample';
import { IMAGE_METRICS } from '../../metrics/image/imageMetrics';
import { buildImageReport } from '../../report/imageReport';

export const imageModality: ModalityDefinition = {
  id: 'image',
  noun: 'images',
  itemNoun: 'frames',
  datasetKinds: ['dicom', 'dicomdir', 'nifti', 'raster'],
  summarise: (dataset) => describeImageSet(dataset as ImageSet),
  size(dataset): DatasetSize {
    const set = asImageSet(dataset);
    // Items are frames (a generator's samples are 2D frames); values per item of the first image.
    const frames = set.images.reduce((n, v) => n + v.frames, 0);
    const first = set.images[0];
    const sizes = new Set(set.images.map((v) => `${v.rows} x ${v.columns}${v.channels === 3 ? ' RGB' : ''}`));
    return {
      rows: frames,
      columns: first ? first.rows * first.columns * first.channels : 0,
      words: `${frames} frame(s) of ${set.images.length} image(s), ${[...sizes].slice(0, 3).join(', ')}${sizes.size > 3 ? ', ...' : ''}`,
    };
  },
  split: (dataset, opts) => splitImageSet(asImageSet(dataset), opts),
  runFacts(dataset) {
    const set = asImageSet(dataset);
    return {
      images: set.images.length,
      frames: frameCount(set),
      sizes: [...new Set(set.images.map((v) => `${v.rows}x${v.columns}${v.channels === 3 ? 'x3' : ''}`))],
    };
  },
  fitters: [ppcaFitter],
  sample: {
    check(manifest, source) {
      const spec = imagePostprocess(manifest, source);
      return { spec, features: imageSampleValues(spec), fields: 1 };
    },
    encodeItems: (spec, blocks, opts) => encodeImageItems(spec as ImagePostprocess, blocks, opts),
  },
  describeOutput(manifest) {
    const spec = imagePostprocess(manifest, manifest.name);
    return [
      `output: ${spec.channels === 3 ? 'RGB' : 'grey'} images of ${spec.rows} rows x ${spec.columns} columns${spec.frames > 1 ? ` x ${spec.frames} frames` : ''} (${spec.layout})`,
      `values: model range [${spec.outputRange.join(', ')}] -> [${spec.valueRange.join(', ')}]${spec.units !== undefined ? ` ${spec.units}` : ''}, DICOM modality ${spec.dicomModality}`,
    ];
  },
  features: {
    description:
      "the ONNX embedder's feature vectors (the built-in random-feature network at assets/embedder, or the folder given by --embedder / medsynth.imageEmbedder), one per frame",
    embedderInput: (dataset, embedder, signal) => prepareEmbedderInput(asImageSet(dataset), embedder, { signal }),
  },
  evaluation: {
    metrics: IMAGE_METRICS,
    conform: (dataset) => asImageSet(dataset),
    run: runImageMetrics,
    report: async (input, results, opts) => {
      const real = asImageSetInput(input.real, 'real');
      const synth = asImageSetInput(input.synth, 'synthetic');
      if (!input.features) throw new MedSynthError('BAD_USAGE', 'the image report needs the embedder features of both sets');
      const { rows, columns } = pixelMetricSize(real);
      return buildImageReport(
        {
          realFrames: unitGreyFrames(real, rows, columns, opts.signal),
          synthFrames: unitGreyFrames(synth, rows, columns, opts.signal),
          ...(input.holdout !== undefined ? { holdoutFrames: frameCount(asImageSetInput(input.holdout, 'holdout')) } : {}),
          features: input.features,
          embedder: input.features.embedder,
        },
        results,
        { generator: opts.generator, runId: opts.runId, medsynthVersion: opts.medsynthVersion },
      );
    },
    // The parts of the report model (core/report/model.ts) that images fill.
    reportSections: ['metrics', 'dcrHistogram', 'images'],
  },
  outputs: {
    extensions: [],
    // A folder: one file per synthetic image.
    defaultFile: 'synthetic',
    formatOf: () => undefined,
    itemFormats: IMAGE_ITEM_FORMATS,
  },
};
