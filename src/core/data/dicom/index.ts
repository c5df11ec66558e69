// DICOM reader (PS3.10 files, PS3.5 encodings, PS3.3 image pixel module).
//
//   parseDicom(bytes, opts)            header of one file: transfer syntax, image attributes, geometry,
//                                      windows, pixel data location (no pixels decoded)
//   isDicom(bytes)                     'DICM' at byte 128, or a plausible dataset without File Meta
//   DICOMDIR_SOP_CLASS                 parseDicom(bytes).sopClassUid of a DICOMDIR (route it to readDicomDir)
//   readDicomImage(bytes, opts)        one file (single or multi-frame) -> ImageSet of one volume
//   readDicomSeries(files, opts)       many files -> one volume per Series Instance UID, sorted along
//                                      the slice normal (else Instance Number)
//   readDicomDir(bytes, opts)          a DICOMDIR's record tree (PATIENT/STUDY/SERIES/IMAGE...) with
//                                      Referenced File IDs as '/'-separated relative paths
//   readDicomDirImages(bytes, opts)    the referenced images, read through opts.siblings only
//   hasWaveform(parseDicom(bytes))     a Waveform Sequence (5400,0100) is present (ECG and other waveforms)
//   readDicomWaveform(bytes, opts)     one waveform file -> SignalSet, one record per multiplex group
//
// Transfer syntaxes: implicit VR LE, explicit VR LE/BE and deflated explicit VR LE here; compressed
// ones through ./codecs. Values are float32 modality values (rescale applied; RGB for colour, YBR and
// palette converted); MONOCHROME1 keeps its values and says so. Every failure is a MedSynthError:
// BAD_INPUT (file + byte offset), UNSUPPORTED, LIMIT_EXCEEDED (maxPixels, maxDecompressedBytes), CANCELLED.
export { parseDicom, isDicom } from './parse';
export { readDicomFile, readDicomImage } from './image';
export { readDicomSeries } from './series';
export type { DicomInput } from './series';
export { readDicomDir, readDicomDirImages } from './dicomdir';
export type { DicomDir, DicomDirRecord } from './dicomdir';
export type { DicomFile, DicomImageAttributes } from './dicomFile';
export { DICOMDIR_SOP_CLASS } from './dicomFile';
export { hasWaveform, readDicomWaveform } from './waveform';
