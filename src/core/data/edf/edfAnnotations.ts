// EDF+ Time-stamped Annotation Lists (TALs), the content of an 'EDF Annotations' signal:
//   +onset[\x15duration]\x14annotation\x14annotation...\x14\x00
// repeated, then \x00 padding to the end of the signal's bytes in the record. The first TAL of a
// record's first annotation signal starts with an empty annotation: its onset is the record's start
// time (the only clock an EDF+D file has for its records).
import { badInput, MedSynthError } from '../../errors';

export interface Tal {
  /** Seconds after the header's start date-time. */
  readonly onset: number;
  readonly duration: number;
  readonly labels: readonly string[];
}

export interface RecordTals {
  /** The record's start time from its time-keeping TAL, when it has one. */
  readonly recordOnset: number | undefined;
  readonly tals: readonly Tal[];
}

const ONSET = /^[+-]\d+(\.\d*)?$/;
const DURATION = /^\d+(\.\d*)?$/;
/** Longest '+onset\x15duration' accepted; real ones are a few dozen characters. */
const MAX_TIMING = 64;
/** Annotations one file may hold (a night's polysomnography has some 10^4); each costs an object. */
export const MAX_ANNOTATIONS = 1_000_000;
const NONE: RecordTals = { recordOnset: undefined, tals: [] };
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses the annotation bytes of one signal in one record, file[from, to) (offsets in messages are the
 * file's); `timekeeping` says whether this is the record's first annotation signal. Each TAL and each
 * label takes one from `budget` before it is decoded, so a million tiny TALs stop at the limit.
 */
export function parseTals(
  file: Uint8Array,
  from: number,
  to: number,
  timekeeping: boolean,
  fileName: string | undefined,
  budget: { left: number },
): RecordTals {
  let p = from;
  while (p < to && file[p] === 0) p++;
  if (p === to) return NONE; // An empty record (the common case in annotation-only files): no allocation.
  const bytes = file.subarray(0, to);
  const tals: Tal[] = [];
  let recordOnset: number | undefined;
  const firstStart = p;
  while (p < to) {
    if (bytes[p] === 0) {
      p++; // Padding after the last TAL (and tolerated between TALs).
      continue;
    }
    const start = p;
    const end = bytes.indexOf(0, p);
    if (end < 0)
      throw badInput('an annotation (TAL) is not terminated by a 0 byte before the end of its record', {
        file: fileName,
        offset: start,
        expected: 'TAL ending in 0x14 0x00',
      });
    p = end + 1;
    if (bytes[end - 1] !== 0x14)
      throw badInput('an annotation (TAL) does not end with 0x14 before its 0 byte', {
        file: fileName,
        offset: end,
        expected: 'TAL ending in 0x14 0x00',
      });
    spend(budget, 1, fileName, start);
    // The timing runs to the first 0x14, which exists: the TAL ends with one.
    const firstSep = bytes.indexOf(0x14, start);
    const { onset, duration } = parseTiming(bytes, start, firstSep, fileName);
    const labels: string[] = [];
    // Labels lie between the first 0x14 and the closing one; '+5\x14\x00' has none, '+5\x14\x14\x00' one empty label.
    for (let q = firstSep + 1; firstSep < end - 1 && q <= end - 1;) {
      const next = bytes.indexOf(0x14, q);
      spend(budget, 1, fileName, q);
      labels.push(decodeLabel(bytes, q, next, fileName));
      q = next + 1;
    }
    if (timekeeping && start === firstStart && labels.length > 0 && labels[0] === '') {
      recordOnset = onset;
      labels.shift();
    }
    const real = labels.filter((l) => l !== '');
    if (real.length > 0) tals.push({ onset, duration, labels: real });
  }
  return { recordOnset, tals };
}

function spend(budget: { left: number }, n: number, file: string | undefined, offset: number): void {
  budget.left -= n;
  if (budget.left < 0) {
    throw new MedSynthError('LIMIT_EXCEEDED', `the file holds more than ${MAX_ANNOTATIONS} annotations`, {
      file,
      offset,
      expected: `at most ${MAX_ANNOTATIONS} annotations and TALs (a fixed limit)`,
    });
  }
}

function parseTiming(bytes: Uint8Array, start: number, end: number, file: string | undefined): { onset: number; duration: number } {
  if (end - start > MAX_TIMING)
    throw badInput(`an annotation (TAL) has a ${end - start}-byte onset/duration`, {
      file,
      offset: start,
      expected: `at most ${MAX_TIMING} bytes of +onset[0x15 duration]`,
    });
  let timing = '';
  for (let i = start; i < end; i++) timing += String.fromCharCode(bytes[i]);
  const split = timing.indexOf('\x15');
  const onsetText = split < 0 ? timing : timing.slice(0, split);
  const durationText = split < 0 ? '0' : timing.slice(split + 1);
  if (!ONSET.test(onsetText) || !DURATION.test(durationText)) {
    throw badInput(`an annotation (TAL) has timing ${JSON.stringify(timing)}`, {
      file,
      offset: start,
      expected: '+onset or -onset seconds, optionally 0x15 and a duration',
    });
  }
  return { onset: Number(onsetText), duration: Number(durationText) };
}

function decodeLabel(bytes: Uint8Array, from: number, to: number, file: string | undefined): string {
  if (to - from <= 64) {
    // Short ASCII labels (nearly all of them) without a TextDecoder call.
    let s = '';
    let i = from;
    for (; i < to && bytes[i] < 0x80; i++) s += String.fromCharCode(bytes[i]);
    if (i === to) return s;
  }
  try {
    return utf8.decode(bytes.subarray(from, to));
  } catch {
    throw badInput('an annotation text is not valid UTF-8', {
      file,
      offset: from,
      expected: 'UTF-8 text (EDF+ annotations are UCS/UTF-8)',
    });
  }
}
