// The image modality: DICOM (files, series folders, DICOMDIR), NIfTI/Analyze and PNG/JPEG read into
// an ImageSet (core/data/imageSet.ts). Reading and inspecting work today; a built-in fitter, decoding
// of generator output, writers and image metrics are to come (issue 8), and until then asking for
// them is an UNSUPPORTED error naming the modality (registry.ts).
import { describeImageSet } from '../../data/datasetSummary';
import type { ImageSet } from '../../data/imageSet';
import type { ModalityDefinition } from '../modality';

export const imageModality: ModalityDefinition = {
  id: 'image',
  noun: 'images',
  datasetKinds: ['dicom', 'dicomdir', 'nifti', 'raster'],
  summarise: (dataset) => describeImageSet(dataset as ImageSet),
  fitters: [],
};
