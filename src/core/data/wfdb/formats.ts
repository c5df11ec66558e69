// Sample decoding for the WFDB signal file formats of signal(5). A group's samples (all signals stored
// in one file, frame after frame) form one stream; these functions give the k-th raw value of that
// stream, so a reader walks frames without first copying the file into an integer array.

/** Formats this reader decodes; 0 is the null signal (no data file: all samples missing). */
export const SUPPORTED_FORMATS: readonly number[] = [0, 8, 16, 24, 32, 61, 80, 160, 212, 310, 311];
/** FLAC-compressed formats (WFDB 10.7): valid, but need a FLAC decoder we do not ship. */
export const FLAC_FORMATS: readonly number[] = [508, 516, 524];

/**
 * The value each format reserves for "no sample here" (the WFDB library's invalid-sample marker:
 * the most negative value the format can hold). Format 8 stores differences, so it has none.
 */
export function invalidSentinel(format: number): number | undefined {
  switch (format) {
    case 16:
    case 61:
    case 160:
      return -32768;
    case 24:
      return -8_388_608;
    case 32:
      return -2_147_483_648;
    case 80:
      return -128;
    case 212:
      return -2048;
    case 310:
    case 311:
      return -512;
    default:
      return undefined;
  }
}

/** Bytes that `n` consecutive samples of one group stream occupy (a partial last packing unit counts only the bytes it touches). */
export function bytesForSamples(format: number, n: number): number {
  switch (format) {
    case 8:
    case 80:
      return n;
    case 16:
    case 61:
    case 160:
      return 2 * n;
    case 24:
      return 3 * n;
    case 32:
      return 4 * n;
    case 212:
      return Math.floor(n / 2) * 3 + (n % 2 === 1 ? 2 : 0);
    case 310:
      return Math.floor(n / 3) * 4 + [0, 2, 4][n % 3];
    case 311:
      return Math.floor(n / 3) * 4 + [0, 2, 3][n % 3];
    default:
      return 0;
  }
}

/** How many whole samples `length` bytes of a group stream hold (the inverse of bytesForSamples). */
export function samplesInBytes(format: number, length: number): number {
  switch (format) {
    case 8:
    case 80:
      return length;
    case 16:
    case 61:
    case 160:
      return Math.floor(length / 2);
    case 24:
      return Math.floor(length / 3);
    case 32:
      return Math.floor(length / 4);
    case 212:
      return Math.floor(length / 3) * 2 + (length % 3 === 2 ? 1 : 0);
    case 310:
      // A unit's third sample needs bits of both words, so 2..3 trailing bytes hold only the first.
      return Math.floor(length / 4) * 3 + (length % 4 >= 2 ? 1 : 0);
    case 311:
      return Math.floor(length / 4) * 3 + (length % 4 === 3 ? 2 : length % 4 === 2 ? 1 : 0);
    default:
      return 0;
  }
}

const sext = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);

/**
 * Random access to the raw values of one group stream starting at byte `start` of `b`. The caller
 * guarantees k < samplesInBytes(format, b.length - start). Format 8 yields the stored difference.
 */
export function sampleReader(format: number, b: Uint8Array, start: number): (k: number) => number {
  switch (format) {
    case 8:
      return (k) => sext(b[start + k], 8);
    case 80:
      return (k) => b[start + k] - 128;
    case 16:
      return (k) => sext(b[start + 2 * k] | (b[start + 2 * k + 1] << 8), 16);
    case 61:
      return (k) => sext((b[start + 2 * k] << 8) | b[start + 2 * k + 1], 16);
    case 160:
      return (k) => (b[start + 2 * k] | (b[start + 2 * k + 1] << 8)) - 32768;
    case 24:
      return (k) => sext(b[start + 3 * k] | (b[start + 3 * k + 1] << 8) | (b[start + 3 * k + 2] << 16), 24);
    case 32:
      return (k) => b[start + 4 * k] | (b[start + 4 * k + 1] << 8) | (b[start + 4 * k + 2] << 16) | (b[start + 4 * k + 3] << 24);
    case 212:
      // Two samples in three bytes: byte 1's low nibble holds the first sample's high bits, its high nibble the second's.
      return (k) => {
        const at = start + 3 * (k >> 1);
        return k & 1 ? sext(b[at + 2] | ((b[at + 1] & 0xf0) << 4), 12) : sext(b[at] | ((b[at + 1] & 0x0f) << 8), 12);
      };
    case 310:
      // Three samples in two little-endian words: bits 1-10 of each word, then bits 11-15 of word 0 (low) and word 1 (high).
      return (k) => {
        const at = start + 4 * Math.floor(k / 3);
        const r = k % 3;
        if (r === 0) return sext(((b[at] | (b[at + 1] << 8)) >> 1) & 0x3ff, 10);
        if (r === 1) return sext(((b[at + 2] | (b[at + 3] << 8)) >> 1) & 0x3ff, 10);
        return sext(((b[at + 1] >> 3) & 0x1f) | (((b[at + 3] >> 3) & 0x1f) << 5), 10);
      };
    case 311:
      // Three samples in one little-endian 32-bit word: bits 0-9, 10-19, 20-29.
      return (k) => {
        const at = start + 4 * Math.floor(k / 3);
        const w = b[at] | (b[at + 1] << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24);
        return sext((w >>> (10 * (k % 3))) & 0x3ff, 10);
      };
    default:
      return () => 0;
  }
}

/**
 * The first `count` raw values of a group's stream, decoded in one tight loop per format (what
 * sampleReader(format, b, start)(k) gives for k < count). The caller has checked that the bytes hold them.
 */
export function decodeStream(format: number, b: Uint8Array, start: number, count: number): Int32Array {
  const out = new Int32Array(count);
  switch (format) {
    case 16:
      for (let k = 0, at = start; k < count; k++, at += 2) out[k] = ((b[at] | (b[at + 1] << 8)) << 16) >> 16;
      return out;
    case 212: {
      let k = 0;
      for (let at = start; k + 1 < count; k += 2, at += 3) {
        out[k] = ((b[at] | ((b[at + 1] & 0x0f) << 8)) << 20) >> 20;
        out[k + 1] = ((b[at + 2] | ((b[at + 1] & 0xf0) << 4)) << 20) >> 20;
      }
      if (k < count) {
        const at = start + 3 * (k >> 1);
        out[k] = ((b[at] | ((b[at + 1] & 0x0f) << 8)) << 20) >> 20;
      }
      return out;
    }
    default: {
      const read = sampleReader(format, b, start);
      for (let k = 0; k < count; k++) out[k] = read(k);
      return out;
    }
  }
}
