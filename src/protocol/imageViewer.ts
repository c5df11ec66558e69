// Messages between the host and the image viewer webview (a read-only custom editor for DICOM, DICOMDIR,
// NIfTI and, through Open With, PNG/JPEG). Both sides import these unions and both validate what they
// receive: the host every message of the webview (untrusted input), the webview every message of the
// host (a frame whose length does not fit its volume is shown as an error, never drawn). Frames travel
// as Float32Array (VS Code transfers their buffer without JSON), the first frame first; a large series
// is sent only in part and the webview asks for the rest frame by frame, holding at most a capped total.
import { isBoundedInt, isRecord, isRequestId, isShortString, MAX_MESSAGE_STRING } from './messageChecks';

/** What the host pushes after `init` without being asked: frames 0, 1, ... of the first volume up to this many bytes (at least frame 0). */
export const FRAME_PUSH_BYTES = 64 * 1024 * 1024;

/** The most frame bytes the webview keeps; beyond it, the frames farthest from the one shown are dropped. */
export const MAX_HELD_FRAME_BYTES = 256 * 1024 * 1024;

/** Upper bounds the validators accept (a DICOM dimension is 16-bit; a series has at most this many frames). */
export const MAX_DIMENSION = 65535;
export const MAX_FRAMES = 1_000_000;
export const MAX_VOLUMES = 10_000;
export const MAX_METADATA_ROWS = 500;
export const MAX_WINDOWS = 64;

export type Photometric = 'MONOCHROME1' | 'MONOCHROME2' | 'RGB';

/** A window (VOI) preset: center and width in modality units. */
export interface ViewerWindow {
  readonly center: number;
  readonly width: number;
  readonly name?: string;
}

/**
 * One row of the metadata table. A field that may identify someone carries `masked` (why) and no
 * value: the host sends its value only when the user clicks Reveal (`metadataRevealed`).
 */
export interface MetadataRow {
  readonly key: string;
  readonly value?: string;
  readonly masked?: string;
  /** A remark shown beside the value (e.g. "standard DICOM UID: names a format, not a person"). */
  readonly note?: string;
}

/** One volume (a file, a multi-frame image, a NIfTI volume or a series) without its values. */
export interface ViewerVolume {
  readonly label: string;
  readonly frames: number;
  readonly rows: number;
  readonly columns: number;
  readonly channels: 1 | 3;
  readonly photometric: Photometric;
  /** mm: row spacing (between rows, vertical), column spacing (horizontal), slice spacing. */
  readonly spacing?: { readonly row: number; readonly column: number; readonly slice?: number };
  readonly units?: string;
  /** DICOM Modality (CT, MR, ...) when the file gives one. */
  readonly modality?: string;
  /** Finite min..max of the whole volume. */
  readonly valueRange?: { readonly min: number; readonly max: number };
  /** The window displayPixels (the PNG writer) uses: the file's first VOI window, else the value range. */
  readonly defaultWindow?: ViewerWindow;
  /** The file's own windows (DICOM VOI, NIfTI cal_min..cal_max, the reader's min-max). */
  readonly windows: readonly ViewerWindow[];
  readonly metadata: readonly MetadataRow[];
}

export interface ImageViewerInit {
  readonly title: string;
  /** The dataset kind the file was read as (dicom, dicomdir, nifti, raster). */
  readonly format: string;
  readonly volumes: readonly ViewerVolume[];
  /** How many frames of the first volume (0, 1, ...) the host pushes after init without being asked. */
  readonly pushFrames: number;
  /** What the metadata table holds and what it masks, in a sentence or two. */
  readonly privacyNote: string;
}

export type ImageViewerHostMessage =
  | { readonly type: 'init'; readonly init: ImageViewerInit }
  /** Frame `frame` of volume `volume`: rows x columns x channels modality values; `id` when it answers a request. */
  | { readonly type: 'frame'; readonly volume: number; readonly frame: number; readonly id?: number; readonly data: Float32Array }
  | { readonly type: 'metadataRevealed'; readonly volume: number; readonly rows: readonly MetadataRow[] }
  | { readonly type: 'error'; readonly id?: number; readonly message: string };

export type ImageViewerWebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'requestFrame'; readonly id: number; readonly volume: number; readonly frame: number }
  | { readonly type: 'revealMetadata'; readonly volume: number };

/** What the webview keeps through `vscode.setState` (UI state only, never pixel data or metadata values). */
export interface ImageViewerUiState {
  readonly volume: number;
  readonly frame: number;
  readonly window?: { readonly center: number; readonly width: number };
  readonly zoom: number;
  readonly panX: number;
  readonly panY: number;
  readonly metadataOpen: boolean;
}

/** Validates a message posted by the image viewer webview; undefined for anything malformed. */
export function parseImageViewerMessage(x: unknown): ImageViewerWebviewMessage | undefined {
  if (!isRecord(x)) return undefined;
  switch (x.type) {
    case 'ready':
      return { type: 'ready' };
    case 'requestFrame':
      if (!isRequestId(x.id) || !isBoundedInt(x.volume, 0, MAX_VOLUMES - 1) || !isBoundedInt(x.frame, 0, MAX_FRAMES - 1)) return undefined;
      return { type: 'requestFrame', id: x.id, volume: x.volume, frame: x.frame };
    case 'revealMetadata':
      if (!isBoundedInt(x.volume, 0, MAX_VOLUMES - 1)) return undefined;
      return { type: 'revealMetadata', volume: x.volume };
    default:
      return undefined;
  }
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isPositiveNumber(x: unknown): x is number {
  return isFiniteNumber(x) && x > 0;
}

function optionalString(x: unknown): boolean {
  return x === undefined || (typeof x === 'string' && x.length <= MAX_MESSAGE_STRING);
}

function isWindow(x: unknown): x is ViewerWindow {
  return isRecord(x) && isFiniteNumber(x.center) && isPositiveNumber(x.width) && optionalString(x.name);
}

function isMetadataRow(x: unknown): x is MetadataRow {
  if (!isRecord(x) || !isShortString(x.key) || !optionalString(x.value) || !optionalString(x.masked) || !optionalString(x.note))
    return false;
  // A masked row carries no value; an unmasked one carries one.
  return (x.masked === undefined) !== (x.value === undefined);
}

function isRevealedRow(x: unknown): x is MetadataRow {
  return (
    isRecord(x) && isShortString(x.key) && typeof x.value === 'string' && x.value.length <= MAX_MESSAGE_STRING && optionalString(x.note)
  );
}

function isVolume(x: unknown): x is ViewerVolume {
  if (!isRecord(x)) return false;
  if (!isShortString(x.label) || !isBoundedInt(x.frames, 1, MAX_FRAMES) || !isBoundedInt(x.rows, 1, MAX_DIMENSION)) return false;
  if (!isBoundedInt(x.columns, 1, MAX_DIMENSION) || (x.channels !== 1 && x.channels !== 3)) return false;
  if (x.photometric !== 'MONOCHROME1' && x.photometric !== 'MONOCHROME2' && x.photometric !== 'RGB') return false;
  if ((x.photometric === 'RGB') !== (x.channels === 3)) return false;
  const s = x.spacing;
  if (
    s !== undefined &&
    !(isRecord(s) && isPositiveNumber(s.row) && isPositiveNumber(s.column) && (s.slice === undefined || isPositiveNumber(s.slice)))
  )
    return false;
  if (!optionalString(x.units) || !optionalString(x.modality)) return false;
  const r = x.valueRange;
  if (r !== undefined && !(isRecord(r) && isFiniteNumber(r.min) && isFiniteNumber(r.max) && r.min <= r.max)) return false;
  if (x.defaultWindow !== undefined && !isWindow(x.defaultWindow)) return false;
  if (!Array.isArray(x.windows) || x.windows.length > MAX_WINDOWS || !x.windows.every(isWindow)) return false;
  return Array.isArray(x.metadata) && x.metadata.length <= MAX_METADATA_ROWS && x.metadata.every(isMetadataRow);
}

function isInit(x: unknown): x is ImageViewerInit {
  return (
    isRecord(x) &&
    isShortString(x.title) &&
    isShortString(x.format) &&
    isBoundedInt(x.pushFrames, 0, MAX_FRAMES) &&
    typeof x.privacyNote === 'string' &&
    x.privacyNote.length <= 4 * MAX_MESSAGE_STRING &&
    Array.isArray(x.volumes) &&
    x.volumes.length >= 1 &&
    x.volumes.length <= MAX_VOLUMES &&
    x.volumes.every(isVolume)
  );
}

/** A frame's values as a Float32Array: VS Code hands the webview the typed array; a bare ArrayBuffer is accepted too. */
function frameData(x: unknown): Float32Array | undefined {
  if (x instanceof Float32Array) return x;
  if (x instanceof ArrayBuffer && x.byteLength % 4 === 0) return new Float32Array(x);
  return undefined;
}

/**
 * Validates a message from the host, in the webview. Structure only: whether a frame's length fits its
 * volume is checked against the volume by the viewer, which shows the mismatch as an error.
 */
export function parseImageViewerHostMessage(x: unknown): ImageViewerHostMessage | undefined {
  if (!isRecord(x)) return undefined;
  switch (x.type) {
    case 'init':
      return isInit(x.init) ? { type: 'init', init: x.init } : undefined;
    case 'frame': {
      const data = frameData(x.data);
      if (!data || !isBoundedInt(x.volume, 0, MAX_VOLUMES - 1) || !isBoundedInt(x.frame, 0, MAX_FRAMES - 1)) return undefined;
      if (x.id !== undefined && !isRequestId(x.id)) return undefined;
      return { type: 'frame', volume: x.volume, frame: x.frame, data, ...(x.id !== undefined ? { id: x.id } : {}) };
    }
    case 'metadataRevealed':
      if (
        !isBoundedInt(x.volume, 0, MAX_VOLUMES - 1) ||
        !Array.isArray(x.rows) ||
        x.rows.length > MAX_METADATA_ROWS ||
        !x.rows.every(isRevealedRow)
      )
        return undefined;
      return { type: 'metadataRevealed', volume: x.volume, rows: x.rows };
    case 'error':
      if (typeof x.message !== 'string' || (x.id !== undefined && !isRequestId(x.id))) return undefined;
      return { type: 'error', message: x.message.slice(0, 4 * MAX_MESSAGE_STRING), ...(x.id !== undefined ? { id: x.id } : {}) };
    default:
      return undefined;
  }
}

/** Values one frame of `v` holds. */
export function frameLength(v: Pick<ViewerVolume, 'rows' | 'columns' | 'channels'>): number {
  return v.rows * v.columns * v.channels;
}

/** Frames 0, 1, ... of `v` that fit in `budgetBytes` (at least one): what the host pushes after init. */
export function framesToPush(
  v: Pick<ViewerVolume, 'rows' | 'columns' | 'channels' | 'frames'>,
  budgetBytes: number = FRAME_PUSH_BYTES,
): number {
  const bytes = frameLength(v) * 4;
  return Math.min(v.frames, Math.max(1, Math.floor(budgetBytes / bytes)));
}
