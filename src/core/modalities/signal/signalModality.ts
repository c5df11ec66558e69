// The signal modality: WFDB, EDF/EDF+/BDF and DICOM waveforms read into a SignalSet
// (core/data/signalSet.ts). A DICOM file is claimed by the image modality by name; the reader says it
// is a waveform (a signal set) once read. Reading and inspecting only, for now.
import { describeSignalSet } from '../../data/datasetSummary';
import type { SignalSet } from '../../data/signalSet';
import type { ModalityDefinition } from '../modality';

export const signalModality: ModalityDefinition = {
  id: 'signal',
  noun: 'signals',
  datasetKinds: ['wfdb', 'edf'],
  summarise: (dataset) => describeSignalSet(dataset as SignalSet),
  fitters: [],
};
