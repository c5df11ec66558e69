// The image modality's built-in fitters: Probabilistic PCA (generators/ppca/) fitted on every frame
// of an ImageSet resampled to its common size, written as an ONNX graph with its manifest.
import { MedSynthError, throwIfAborted } from '../../errors';
import type { ImageSet } from '../../data/imageSet';
import { fitPpca } from '../../generators/ppca/ppcaFit';
import type { PpcaOptions } from '../../generators/ppca/ppcaFit';
import { buildPpcaGenerator } from '../../generators/ppca/ppcaGraph';
import { trainingImageInfo } from '../../generators/ppca/ppcaImageInfo';
import type { BuiltInFitter, FitContext, FittedGenerator } from '../modality';

/** The value as an image set; BAD_INPUT for anything else (the seam passes datasets untyped). */
export function asImageSet(dataset: unknown, label = 'the dataset'): ImageSet {
  const s = dataset as Partial<ImageSet> | undefined;
  if (!s || typeof s !== 'object' || s.modality !== 'image' || !Array.isArray(s.images))
    throw new MedSynthError('BAD_INPUT', `${label} is not an image set`, { file: label, expected: 'images (DICOM, NIfTI, PNG or JPEG)' });
  return s as ImageSet;
}

/** Fits PPCA to an image set and writes its generator; `options` tune the fit (tests, later CLI flags). */
export async function fitPpcaGenerator(
  dataset: unknown,
  ctx: FitContext,
  options: Omit<PpcaOptions, 'label' | 'signal' | 'onProgress'> = {},
): Promise<FittedGenerator> {
  const set = asImageSet(dataset, ctx.label);
  throwIfAborted(ctx.signal);
  ctx.onProgress?.(`fitting probabilistic PCA on ${set.images.length} image${set.images.length === 1 ? '' : 's'}`);
  const model = await fitPpca(set, { ...options, label: ctx.label, signal: ctx.signal, onProgress: ctx.onProgress });
  throwIfAborted(ctx.signal);
  return buildPpcaGenerator(model, trainingImageInfo(set, model.rows, model.columns), {
    createdBy: 'medsynth fit --generator ppca',
    trainedOn: ctx.trainedOn,
    ...(ctx.trainingDataSha256 !== undefined ? { trainingDataSha256: ctx.trainingDataSha256 } : {}),
    createdAt: ctx.createdAt,
  });
}

export const ppcaFitter: BuiltInFitter = {
  id: 'ppca',
  title: 'Probabilistic PCA',
  fit: (dataset, ctx) =>
    fitPpcaGenerator(dataset, ctx, {
      ...(ctx.settings?.sizeCap !== undefined ? { sizeCap: ctx.settings.sizeCap } : {}),
      ...(ctx.settings?.varianceKept !== undefined ? { varianceKept: ctx.settings.varianceKept } : {}),
      ...(ctx.settings?.maxComponents !== undefined ? { maxComponents: ctx.settings.maxComponents } : {}),
    }),
};
