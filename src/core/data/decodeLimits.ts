// Resource limits for the image, signal and text readers (the table readers' caps are in limits.ts).
// Every size a file declares (rows x columns x frames, channels x samples, a gzip stream's output) is
// checked against these caps BEFORE anything is allocated, and a file that passes one ends in a
// LIMIT_EXCEEDED naming the option, the VS Code setting and the CLI flag, so the user knows what to change.

import { MedSynthError } from '../errors';

/** Decoded values (pixels or voxels x samples per pixel) one image, volume or series may hold: 2^29 (2 GiB of float32). */
export const DEFAULT_MAX_PIXELS = 536_870_912;
/** Decoded samples (all channels together) one signal record may hold: 2^28 (1 GiB of float32). */
export const DEFAULT_MAX_SAMPLES = 268_435_456;
/** Bytes a compressed stream (gzip, deflate, a codec's output) may expand to: 2 GiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 2 * 1024 * 1024 * 1024;

export interface DecodeLimits {
  /** Refuse images/volumes/series with more decoded values than this. Default DEFAULT_MAX_PIXELS. */
  readonly maxPixels?: number;
  /** Refuse signal records with more samples (all channels) than this. Default DEFAULT_MAX_SAMPLES. */
  readonly maxSamples?: number;
  /**
   * Refuse compressed streams that expand beyond this many bytes, and (storage) datasets whose files
   * together hold more. Default DEFAULT_MAX_DECOMPRESSED_BYTES.
   */
  readonly maxDecompressedBytes?: number;
}

export type DecodeLimitName = keyof DecodeLimits;

const SETTINGS: Readonly<Record<DecodeLimitName, string>> = {
  maxPixels: 'medsynth.maxPixels',
  maxSamples: 'medsynth.maxSamples',
  maxDecompressedBytes: 'medsynth.maxDecompressedBytes',
};
const FLAGS: Readonly<Record<DecodeLimitName, string>> = {
  maxPixels: '--max-pixels',
  maxSamples: '--max-samples',
  maxDecompressedBytes: '--max-decompressed-bytes',
};
const DEFAULTS: Readonly<Record<DecodeLimitName, number>> = {
  maxPixels: DEFAULT_MAX_PIXELS,
  maxSamples: DEFAULT_MAX_SAMPLES,
  maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
};

/** The cap in force for one option. */
export function decodeLimit(limits: DecodeLimits | undefined, option: DecodeLimitName): number {
  return limits?.[option] ?? DEFAULTS[option];
}

/** The LIMIT_EXCEEDED error for a declared or decoded size beyond a cap. */
export function decodeLimitError(
  option: DecodeLimitName,
  limit: number,
  declared: number,
  what: string,
  fileName?: string,
  offset?: number,
): MedSynthError {
  return new MedSynthError(
    'LIMIT_EXCEEDED',
    `the file declares ${Number.isFinite(declared) ? declared : 'an unbounded number of'} ${what}, more than the limit ${limit} set by the option ${option} (VS Code setting ${SETTINGS[option]}, CLI ${FLAGS[option]})`,
    { file: fileName, offset, expected: `at most ${limit} ${what}, or a larger ${option}` },
  );
}

/**
 * Throws LIMIT_EXCEEDED when `declared` passes the cap for `option`. Call it with the product of the
 * declared dimensions (computed in floating point, so a product of hostile 32-bit sizes cannot wrap).
 */
export function checkDecodeLimit(
  limits: DecodeLimits | undefined,
  option: DecodeLimitName,
  declared: number,
  what: string,
  fileName?: string,
  offset?: number,
): void {
  const limit = decodeLimit(limits, option);
  if (!(declared <= limit)) throw decodeLimitError(option, limit, declared, what, fileName, offset);
}

/** Usage errors for malformed caps, raised before any byte is read. */
export function checkDecodeLimitOptions(limits: DecodeLimits): void {
  for (const option of Object.keys(DEFAULTS) as DecodeLimitName[]) {
    const v = limits[option];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1)) {
      throw new MedSynthError('BAD_USAGE', `${option} must be an integer of at least 1, got ${v}`);
    }
  }
}
