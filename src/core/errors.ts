// Typed errors shared by every layer. A bad file or a bad argument becomes one of these, never a crash:
// the CLI maps `exitCode` to its process exit status, the host shows `message` to the user.

export type MedSynthErrorCode =
  | 'BAD_INPUT' // a data file that cannot be read as what it claims to be
  | 'BAD_USAGE' // a wrong argument or option
  | 'UNSUPPORTED' // a valid file in a format or variant we do not handle
  | 'MANIFEST_INVALID' // a generator folder whose medsynth.json is missing or wrong
  | 'PATH_ESCAPE' // a path that leaves the folder it must stay in
  | 'MODEL_INVALID' // an .onnx file that does not load
  | 'MODEL_MISMATCH' // a model whose inputs/outputs do not match its manifest
  | 'LIMIT_EXCEEDED' // a declared size beyond a configured cap
  | 'CANCELLED'
  | 'INFERENCE_CRASHED' // the inference process died
  | 'IO'; // the file system refused (read-only, disk full, vanished file)

export interface ErrorLocation {
  readonly file?: string;
  readonly line?: number;
  readonly offset?: number;
  readonly expected?: string;
}

export class MedSynthError extends Error {
  readonly code: MedSynthErrorCode;
  readonly location: ErrorLocation;

  constructor(code: MedSynthErrorCode, message: string, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(formatMessage(message, location), options);
    this.name = 'MedSynthError';
    this.code = code;
    this.location = location;
  }

  /** 2 = the user's input or usage is wrong; 1 = a run failed. */
  get exitCode(): 1 | 2 {
    return this.code === 'INFERENCE_CRASHED' || this.code === 'IO' || this.code === 'CANCELLED' ? 1 : 2;
  }
}

function formatMessage(message: string, loc: ErrorLocation): string {
  const where = [
    loc.file,
    loc.line !== undefined ? `line ${loc.line}` : undefined,
    loc.offset !== undefined ? `byte ${loc.offset}` : undefined,
  ]
    .filter((s) => s !== undefined)
    .join(', ');
  const expected = loc.expected ? ` (expected ${loc.expected})` : '';
  return where ? `${where}: ${message}${expected}` : `${message}${expected}`;
}

export function badInput(message: string, location: ErrorLocation = {}): MedSynthError {
  return new MedSynthError('BAD_INPUT', message, location);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
}

export function isMedSynthError(e: unknown): e is MedSynthError {
  return e instanceof MedSynthError;
}

/** Serializable form, for messages between processes and to webviews. */
export interface ErrorPayload {
  readonly code: MedSynthErrorCode;
  readonly message: string;
  readonly location?: ErrorLocation;
}

export function toErrorPayload(e: unknown): ErrorPayload {
  if (e instanceof MedSynthError) return { code: e.code, message: e.message, location: e.location };
  return { code: 'IO', message: e instanceof Error ? e.message : String(e) };
}

export function fromErrorPayload(p: ErrorPayload): MedSynthError {
  const err = new MedSynthError(p.code, p.message);
  // The message already carries the location; keep the structured copy too.
  Object.assign(err, { location: p.location ?? {} });
  return err;
}
