// The explicit list of modalities and the lookups engine, CLI and host dispatch through. Adding a
// modality is a folder under src/core/modalities/ plus one line in MODALITIES. A modality that is
// registered but lacks a capability (images have no built-in fitter yet) is an UNSUPPORTED error
// naming the modality and what it lacks, never a silent fall-through to the table code.
import { datasetKindOf } from '../data/datasetKind';
import type { DatasetKind } from '../data/datasetKind';
import { MedSynthError } from '../errors';
import type { GeneratorManifest } from '../generators/manifest';
import { imageModality } from './image/imageModality';
import type { BuiltInFitter, Evaluation, ModalityDefinition, ModalityId, OutputFormats, SampleCodec } from './modality';
import { signalModality } from './signal/signalModality';
import { tableModality } from './table/tableModality';
import { textModality } from './text/textModality';

export const MODALITIES: readonly ModalityDefinition[] = [tableModality, imageModality, signalModality, textModality];

/** What a job needs from a modality, with the words its UNSUPPORTED error uses. */
const CAPABILITY_WORDS = {
  fitters: 'no built-in fitter yet',
  split: 'no holdout split yet',
  sample: 'no decoding of generator output yet',
  outputs: 'no writer yet',
  evaluation: 'no evaluation yet',
  summarise: 'no summary yet',
} as const;

export type Capability = keyof typeof CAPABILITY_WORDS;

export function modalityById(id: string): ModalityDefinition | undefined {
  return MODALITIES.find((m) => m.id === id);
}

/** The registered modality with this id; UNSUPPORTED for an id no definition has. */
export function requireModality(id: string, file?: string): ModalityDefinition {
  const found = modalityById(id);
  if (!found)
    throw new MedSynthError('UNSUPPORTED', `no modality '${id}' is registered`, {
      ...(file !== undefined ? { file } : {}),
      expected: MODALITIES.map((m) => m.id).join(', '),
    });
  return found;
}

/** The first modality whose readers produce datasets of this kind (a DICOM file is an image until read). */
export function modalityForKind(kind: DatasetKind): ModalityDefinition | undefined {
  return MODALITIES.find((m) => m.datasetKinds.includes(kind));
}

/** The modality of a dataset kind; UNSUPPORTED when no registered modality reads it. */
export function requireModalityForKind(kind: DatasetKind): ModalityDefinition {
  const found = modalityForKind(kind);
  if (!found) throw new MedSynthError('UNSUPPORTED', `no registered modality reads ${kind} datasets`);
  return found;
}

/**
 * The modality of a dataset path, by its name (and first bytes when given): a name no reader claims
 * goes to the modality whose reader sniffs content (the table reader). Undefined only if none does.
 */
export function modalityForPath(path: string, head?: Uint8Array): ModalityDefinition | undefined {
  const kind = datasetKindOf(path, head);
  const byKind = kind !== undefined ? modalityForKind(kind) : undefined;
  return byKind ?? MODALITIES.find((m) => m.readsUnnamedFiles === true);
}

/** The modality a generator's manifest declares; UNSUPPORTED when none is registered for it. */
export function modalityForManifest(manifest: GeneratorManifest, source: string): ModalityDefinition {
  return requireModality(manifest.modality, source);
}

/** The modality whose writers take this output path's extension, or undefined. */
export function modalityForOutput(path: string): ModalityDefinition | undefined {
  return MODALITIES.find((m) => m.outputs?.formatOf(path) !== undefined);
}

/** The modality that writes a folder of one file per sample under this default folder name (images: 'synthetic'). */
export function modalityForOutputFolder(name: string): ModalityDefinition | undefined {
  return MODALITIES.find((m) => m.outputs?.itemFormats !== undefined && m.outputs.defaultFile === name);
}

/** Every output extension a writer takes, for messages ('.csv, .tsv, ...'). */
export function outputExtensions(modality?: ModalityDefinition): string[] {
  return (modality ? [modality] : MODALITIES).flatMap((m) => m.outputs?.extensions ?? []);
}

function unsupported(modality: ModalityDefinition, capability: Capability, file?: string): MedSynthError {
  return new MedSynthError('UNSUPPORTED', `${modality.id}: ${CAPABILITY_WORDS[capability]}`, file !== undefined ? { file } : {});
}

/** The built-in fitter `id` of a modality (its default when undefined); UNSUPPORTED/BAD_USAGE otherwise. */
export function requireFitter(modality: ModalityDefinition, id: string | undefined, file?: string): BuiltInFitter {
  if (modality.fitters.length === 0) throw unsupported(modality, 'fitters', file);
  const fitter = id === undefined ? modality.fitters[0] : modality.fitters.find((f) => f.id === id);
  if (!fitter)
    throw new MedSynthError('BAD_USAGE', `unknown generator '${String(id)}' (available: ${modality.fitters.map((f) => f.id).join(', ')})`);
  return fitter;
}

export function requireSplit(modality: ModalityDefinition, file?: string): NonNullable<ModalityDefinition['split']> {
  if (!modality.split) throw unsupported(modality, 'split', file);
  return modality.split.bind(modality);
}

export function requireSampleCodec(modality: ModalityDefinition, file?: string): SampleCodec {
  if (!modality.sample) throw unsupported(modality, 'sample', file);
  return modality.sample;
}

export function requireOutputs(modality: ModalityDefinition, file?: string): OutputFormats {
  if (!modality.outputs) throw unsupported(modality, 'outputs', file);
  return modality.outputs;
}

export function requireEvaluation(modality: ModalityDefinition, file?: string): Evaluation {
  if (!modality.evaluation) throw unsupported(modality, 'evaluation', file);
  return modality.evaluation;
}

/** The summary of a dataset read by the storage layer; UNSUPPORTED for a modality without one. */
export function summariseDataset(modality: ModalityDefinition, dataset: unknown, file?: string): Record<string, unknown> {
  if (!modality.summarise) throw unsupported(modality, 'summarise', file);
  return modality.summarise(dataset);
}

/** All registered ids, for messages and tests. */
export function modalityIds(): ModalityId[] {
  return MODALITIES.map((m) => m.id);
}
