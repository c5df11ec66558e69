// MIT-format WFDB annotation files (annot(5)): a stream of 16-bit little-endian words whose top 6 bits
// (A) are an annotation code or a pseudo-code and whose low 10 bits (I) are the time since the previous
// annotation, in frames. Pseudo-codes: SKIP (a 32-bit interval follows), NUM, SUB, CHN (modify the
// annotation just read; CHN and NUM carry on to later ones), AUX (I bytes of text follow, padded to even).

import { badInput } from '../../errors';
import { checkDecodeLimit } from '../decodeLimits';
import type { DecodeLimits } from '../decodeLimits';
import type { SignalAnnotation } from '../signalSet';

const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;

/** The WFDB library's mnemonics for annotation codes 0..41 (ecgcodes.h); '' where a code has none. */
const MNEMONICS = [
  '',
  'N',
  'L',
  'R',
  'a',
  'V',
  'F',
  'J',
  'A',
  'S',
  'E',
  'j',
  '/',
  'Q',
  '~',
  '',
  '|',
  '',
  's',
  'T',
  '*',
  'D',
  '"',
  '=',
  'p',
  'B',
  '^',
  't',
  '+',
  'u',
  '?',
  '!',
  '[',
  ']',
  'e',
  'n',
  '@',
  'x',
  'f',
  '(',
  ')',
  'r',
];

/** The mnemonic of an annotation code, or '[code]' for one without a standard mnemonic. */
export function annotationMnemonic(code: number): string {
  return MNEMONICS[code] || `[${code}]`;
}

interface Building {
  sample: number;
  code: number;
  chan: number;
  aux: string;
}

/**
 * Parses an MIT annotation file into annotations with onsets in seconds at `frameRate` frames per
 * second. The label is the code's mnemonic, followed after a space by the aux text when there is one
 * (a rhythm change reads '+ (AFIB').
 */
export function parseMitAnnotations(
  bytes: Uint8Array,
  frameRate: number,
  opts: { fileName?: string; limits?: DecodeLimits } = {},
): SignalAnnotation[] {
  const file = opts.fileName;
  // Each annotation takes at least one word; refuse an annotation list larger than a record may be.
  checkDecodeLimit(opts.limits, 'maxSamples', Math.floor(bytes.length / 2), 'annotations', file);
  const found: Building[] = [];
  let time = 0;
  let chan = 0;
  let p = 0;
  while (p + 1 < bytes.length) {
    const word = bytes[p] | (bytes[p + 1] << 8);
    const a = word >> 10;
    const i = word & 0x3ff;
    const at = p;
    p += 2;
    if (a === 0 && i === 0) break; // end of file marker
    const current = found[found.length - 1];
    switch (a) {
      case SKIP: {
        if (p + 4 > bytes.length) throw badInput('the SKIP interval is cut off', { file, offset: at, expected: '4 more bytes' });
        // PDP-11 order: the high 16-bit word first, each word least significant byte first.
        const interval = ((bytes[p] | (bytes[p + 1] << 8)) << 16) | (bytes[p + 2] | (bytes[p + 3] << 8)) | 0;
        time += interval;
        p += 4;
        break;
      }
      case NUM:
      case SUB:
        break; // not part of the SignalSet model
      case CHN:
        chan = i;
        if (current) current.chan = i;
        break;
      case AUX: {
        if (p + i > bytes.length)
          throw badInput(`the aux text of ${i} bytes is cut off`, { file, offset: at, expected: `${i} more bytes` });
        if (current) current.aux = latin1(bytes.subarray(p, p + i));
        p += i + (i & 1);
        break;
      }
      default:
        time += i;
        if (time < 0)
          throw badInput('an annotation lies before the start of the record', {
            file,
            offset: at,
            expected: 'SKIP intervals that keep time non-negative',
          });
        found.push({ sample: time, code: a, chan, aux: '' });
    }
  }
  const latest = found.reduce((m, f) => Math.max(m, f.sample), 0);
  if (!Number.isFinite(latest / frameRate)) {
    throw badInput(`annotation times overflow at ${frameRate} frames per second`, {
      file,
      expected: 'a sampling frequency that gives finite onsets',
    });
  }
  return found.map((f) => ({
    onset: f.sample / frameRate,
    duration: 0,
    label: f.aux ? `${annotationMnemonic(f.code)} ${f.aux}` : annotationMnemonic(f.code),
    channel: f.chan,
  }));
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0) break; // aux strings are often NUL-terminated inside their length
    s += String.fromCharCode(c);
  }
  return s.trim();
}
