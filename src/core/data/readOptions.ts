// What every image, signal and text reader takes besides the bytes: the file's name (for error
// messages), the decode caps, a cancellation signal, and, for formats made of several files (WFDB
// header + .dat, DICOMDIR + referenced files, NIfTI .hdr + .img), a way to read a sibling file.

import type { DecodeLimits } from './decodeLimits';

/**
 * Reads a file named by a dataset relative to the folder of the file being read (a WFDB header's
 * .dat, a DICOMDIR's ReferencedFileID). The storage layer implements it with path containment, so a
 * hostile name ('..', absolute, symlink out) ends in PATH_ESCAPE; a missing file is BAD_INPUT.
 */
export type SiblingReader = (relativePath: string) => Promise<Uint8Array>;

export interface ReadOptions {
  /** Shown in every error (path or name as the user knows it). */
  readonly fileName?: string;
  readonly limits?: DecodeLimits;
  readonly signal?: AbortSignal;
}

export interface MultiFileReadOptions extends ReadOptions {
  readonly siblings?: SiblingReader;
}
