// The text modality: today only a tokenizer.json is read (checked and loaded, core/text/), so that a
// text generator's vocabulary can be inspected. No corpus reader, fitter or writer yet.
import type { ModalityDefinition } from '../modality';

export const textModality: ModalityDefinition = {
  id: 'text',
  noun: 'texts',
  datasetKinds: ['tokenizer'],
  fitters: [],
};
