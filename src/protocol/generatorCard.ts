// Messages between the host and the generator card webview (a read-only custom editor for .onnx files
// and, through Open With, medsynth.json; the command medsynth.openGeneratorCard opens it on a folder).
// The host reads the model's signature and the manifest (src/host/generatorCardModel.ts) and sends one
// card: what the generator is, its inputs and outputs as the ONNX file declares them, whether they match
// the manifest, the manifest's family-specific parts and its provenance. Everything in it is display
// text the host already formatted; the webview renders it and can only ask for `generate`, which the
// host runs on the generator it read (the webview names no path). Both sides validate what they receive.
import { isBoundedInt, isRecord, isShortString, MAX_MESSAGE_STRING } from './messageChecks';

/** Upper bounds the validators accept. */
export const MAX_CARD_TENSORS = 256;
export const MAX_CARD_SECTIONS = 16;
export const MAX_CARD_FIELDS = 64;
export const MAX_CARD_ITEMS = 10_000;
export const MAX_CARD_LINES = 2_000;
export const MAX_CARD_NOTES = 64;
export const MAX_TENSOR_RANK = 16;

/** One model input or output as the ONNX file declares it. */
export interface CardTensor {
  readonly name: string;
  /** Numbers are fixed dimensions (-1 where the model leaves one unnamed), strings symbolic ones. */
  readonly dims: readonly (number | string)[];
  /** The element type (float32, int64, ...); absent when the file declares none (a non-tensor value). */
  readonly type?: string;
  /** What the manifest feeds it or reads from it ('latent noise (normal)', 'timestep', 'the sample'). */
  readonly role?: string;
  /** The shape the manifest declares for it (-1 for the batch dimension), where it declares one. */
  readonly declared?: readonly number[];
}

export interface CardField {
  readonly label: string;
  readonly value: string;
  /** A hash, a path or a shape: shown in the editor's monospace font. */
  readonly mono?: boolean;
}

/** One part of the manifest: the latent input, the condition, the diffusion sampler, the output, provenance. */
export interface CardSection {
  /** A stable id the tests and the stylesheet use: latent, condition, diffusion, output, provenance. */
  readonly id: string;
  readonly title: string;
  readonly fields: readonly CardField[];
  /** Named items shown as a list (a condition's classes, in the order the model numbers them). */
  readonly items?: readonly string[];
  /** Preformatted lines: what the generator's modality says a sample becomes (inspect prints the same). */
  readonly lines?: readonly string[];
}

/** One check of the model against the manifest (or of the manifest itself): passed, or the error naming both. */
export interface CardCheck {
  readonly ok: boolean;
  readonly message: string;
}

export interface GeneratorCard {
  /** The opened file or folder's name. */
  readonly title: string;
  /** From the manifest, when there is a valid one. */
  readonly name?: string;
  readonly modality?: string;
  readonly family?: string;
  /** Where the manifest came from ('medsynth.json', 'the model's metadata_props'); absent without one. */
  readonly manifestSource?: string;
  /** The model file: its name relative to the generator folder, size and SHA-256. */
  readonly model?: {
    readonly file: string;
    readonly bytes: number;
    readonly sha256: string;
    readonly irVersion?: number;
    /** The opsets it imports, e.g. 'ai.onnx 17'. */
    readonly opsets?: string;
  };
  /** Absent when the model's signature was not read (no model, unreadable, over the read cap). */
  readonly inputs?: readonly CardTensor[];
  readonly outputs?: readonly CardTensor[];
  readonly checks: readonly CardCheck[];
  readonly sections: readonly CardSection[];
  /** Typed errors: a file that is not ONNX, a manifest that does not validate. */
  readonly errors: readonly string[];
  /** Remarks that are not errors (the model is too large to read its signature here, ...). */
  readonly notes: readonly string[];
  /** A model without a manifest: what MedSynth needs to run it. */
  readonly missing?: readonly string[];
  /** Whether the Generate… button is offered: a valid manifest whose model matches it. */
  readonly canGenerate: boolean;
}

export type GeneratorCardHostMessage =
  { readonly type: 'init'; readonly card: GeneratorCard } | { readonly type: 'error'; readonly message: string };

export type GeneratorCardWebviewMessage = { readonly type: 'ready' } | { readonly type: 'generate' };

/** Validates a message posted by the generator card webview; undefined for anything malformed. */
export function parseGeneratorCardMessage(x: unknown): GeneratorCardWebviewMessage | undefined {
  if (!isRecord(x)) return undefined;
  switch (x.type) {
    case 'ready':
      return { type: 'ready' };
    case 'generate':
      return { type: 'generate' };
    default:
      return undefined;
  }
}

/** A display string: any length up to the message cap (an empty value is allowed). */
function isText(x: unknown, max = MAX_MESSAGE_STRING): x is string {
  return typeof x === 'string' && x.length <= max;
}

function optionalText(x: unknown, max = MAX_MESSAGE_STRING): boolean {
  return x === undefined || isText(x, max);
}

function isTextList(x: unknown, max: number, each = MAX_MESSAGE_STRING): x is readonly string[] {
  return Array.isArray(x) && x.length <= max && x.every((s) => isText(s, each));
}

function isDim(x: unknown): boolean {
  return (typeof x === 'number' && Number.isSafeInteger(x) && x >= -1) || isText(x);
}

function isTensor(x: unknown): x is CardTensor {
  if (!isRecord(x) || !isText(x.name) || !Array.isArray(x.dims) || x.dims.length > MAX_TENSOR_RANK || !x.dims.every(isDim)) return false;
  if (!optionalText(x.type) || !optionalText(x.role)) return false;
  const d = x.declared;
  return (
    d === undefined || (Array.isArray(d) && d.length <= MAX_TENSOR_RANK && d.every((n) => typeof n === 'number' && Number.isSafeInteger(n)))
  );
}

function isField(x: unknown): x is CardField {
  return (
    isRecord(x) &&
    isShortString(x.label) &&
    isText(x.value, 4 * MAX_MESSAGE_STRING) &&
    (x.mono === undefined || typeof x.mono === 'boolean')
  );
}

function isSection(x: unknown): x is CardSection {
  if (!isRecord(x) || !isShortString(x.id) || !/^[a-z][a-z0-9-]*$/.test(x.id) || !isShortString(x.title)) return false;
  if (!Array.isArray(x.fields) || x.fields.length > MAX_CARD_FIELDS || !x.fields.every(isField)) return false;
  if (x.items !== undefined && !isTextList(x.items, MAX_CARD_ITEMS)) return false;
  return x.lines === undefined || isTextList(x.lines, MAX_CARD_LINES);
}

function isCheck(x: unknown): x is CardCheck {
  return isRecord(x) && typeof x.ok === 'boolean' && isText(x.message, 4 * MAX_MESSAGE_STRING);
}

function isModel(x: unknown): boolean {
  if (!isRecord(x) || !isShortString(x.file) || !isBoundedInt(x.bytes, 0, Number.MAX_SAFE_INTEGER)) return false;
  if (typeof x.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(x.sha256)) return false;
  return (x.irVersion === undefined || isBoundedInt(x.irVersion, 0, 1_000_000)) && optionalText(x.opsets);
}

function isTensorList(x: unknown): boolean {
  return x === undefined || (Array.isArray(x) && x.length <= MAX_CARD_TENSORS && x.every(isTensor));
}

function isCard(x: unknown): x is GeneratorCard {
  if (!isRecord(x) || !isShortString(x.title)) return false;
  if (!optionalText(x.name) || !optionalText(x.modality) || !optionalText(x.family) || !optionalText(x.manifestSource)) return false;
  if (x.model !== undefined && !isModel(x.model)) return false;
  if (!isTensorList(x.inputs) || !isTensorList(x.outputs)) return false;
  if (!Array.isArray(x.checks) || x.checks.length > MAX_CARD_NOTES || !x.checks.every(isCheck)) return false;
  if (!Array.isArray(x.sections) || x.sections.length > MAX_CARD_SECTIONS || !x.sections.every(isSection)) return false;
  if (!isTextList(x.errors, MAX_CARD_NOTES, 4 * MAX_MESSAGE_STRING) || !isTextList(x.notes, MAX_CARD_NOTES, 4 * MAX_MESSAGE_STRING))
    return false;
  if (x.missing !== undefined && !isTextList(x.missing, MAX_CARD_NOTES, 4 * MAX_MESSAGE_STRING)) return false;
  return typeof x.canGenerate === 'boolean';
}

/** Validates a message from the host, in the webview. */
export function parseGeneratorCardHostMessage(x: unknown): GeneratorCardHostMessage | undefined {
  if (!isRecord(x)) return undefined;
  switch (x.type) {
    case 'init':
      return isCard(x.card) ? { type: 'init', card: x.card } : undefined;
    case 'error':
      return typeof x.message === 'string' ? { type: 'error', message: x.message.slice(0, 4 * MAX_MESSAGE_STRING) } : undefined;
    default:
      return undefined;
  }
}

/** A shape as the card prints it: `[-1, 1, 8, 8]`, symbolic dimensions by name. */
export function formatDims(dims: readonly (number | string)[]): string {
  return `[${dims.join(', ')}]`;
}
