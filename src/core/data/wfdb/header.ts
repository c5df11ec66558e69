// WFDB header (.hea) parser, after PhysioNet's header(5): a record line, then one line per signal
// (or, for a multi-segment record, one line per segment), with '#' comment lines anywhere. Every field
// after the first few is optional and has a default the spec states; a malformed field is BAD_INPUT
// naming the header line, so a user can fix the file by hand.

import { MedSynthError, badInput } from '../../errors';

/** More signals than any real recording has (MIMIC's largest records have a few dozen). */
export const MAX_WFDB_SIGNALS = 4096;
/** A multi-segment record reads one header per segment; MIMIC records stay far below this. */
export const MAX_WFDB_SEGMENTS = 100_000;
/** header(5): the sampling frequency when the record line gives none. */
export const DEFAULT_FS = 250;
/** header(5): ADC units per physical unit when the gain field is missing or zero. */
export const DEFAULT_GAIN = 200;

export interface WfdbSignalSpec {
  readonly fileName: string;
  readonly format: number;
  readonly samplesPerFrame: number;
  readonly skew: number;
  readonly byteOffset: number;
  readonly gain: number;
  readonly baseline: number;
  readonly units: string;
  readonly adcResolution: number;
  readonly adcZero: number;
  readonly initialValue: number;
  readonly checksum?: number;
  readonly blockSize: number;
  readonly description: string;
  /** 1-based header line, for later errors about this signal. */
  readonly line: number;
}

export interface WfdbSegmentSpec {
  /** A segment's record name, or '~' for a null segment (no data: NaN for its duration). */
  readonly name: string;
  readonly samples: number;
  readonly line: number;
}

export interface WfdbHeader {
  readonly recordName: string;
  readonly signalCount: number;
  readonly samplingFrequency: number;
  readonly counterFrequency?: number;
  readonly baseCounter?: number;
  /** Samples per signal (frames); undefined when the header leaves it to the data file's length. */
  readonly samples?: number;
  /** 'HH:MM:SS[.sss]' normalised, when stated. */
  readonly baseTime?: string;
  /** 'YYYY-MM-DD', when stated. */
  readonly baseDate?: string;
  readonly signals: readonly WfdbSignalSpec[];
  /** Present only for a multi-segment record. */
  readonly segments?: readonly WfdbSegmentSpec[];
  readonly comments: readonly string[];
}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function fail(message: string, file: string | undefined, line: number, expected?: string): MedSynthError {
  return badInput(message, { file, line, expected });
}

function int(token: string, what: string, file: string | undefined, line: number, min = -Infinity): number {
  const v = INT.test(token) ? Number(token) : NaN;
  if (!Number.isSafeInteger(v) || v < min)
    throw fail(
      `${what} '${clip(token)}' is not valid`,
      file,
      line,
      min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : 'an integer',
    );
  return v;
}

function num(token: string, what: string, file: string | undefined, line: number): number {
  const v = FLOAT.test(token) ? Number(token) : NaN;
  if (!Number.isFinite(v)) throw fail(`${what} '${clip(token)}' is not a number`, file, line, 'a finite decimal number');
  return v;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

/** Splits a line into its first `n` whitespace-separated tokens and the rest (the description field). */
function tokens(text: string, n: number): { fields: string[]; rest: string } {
  const fields: string[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  let end = 0;
  while (fields.length < n && (m = re.exec(text)) !== null) {
    fields.push(m[0]);
    end = m.index + m[0].length;
  }
  return { fields, rest: text.slice(end).trim() };
}

function parseTime(token: string, file: string | undefined, line: number): string {
  const m = /^(?:(?:(\d{1,2}):)?(\d{1,2}):)?(\d{1,2})(\.\d+)?$/.exec(token);
  const h = Number(m?.[1] ?? 0);
  const min = Number(m?.[2] ?? 0);
  const s = Number(m?.[3] ?? 0);
  if (!m || h > 23 || min > 59 || s > 59) throw fail(`base time '${clip(token)}' is not a time of day`, file, line, 'HH:MM:SS[.sss]');
  const two = (v: number): string => String(v).padStart(2, '0');
  return `${two(h)}:${two(min)}:${two(s)}${m[4] ? m[4].slice(0, 7) : ''}`;
}

function parseDate(token: string, file: string | undefined, line: number): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{1,4})$/.exec(token);
  const d = Number(m?.[1]);
  const mo = Number(m?.[2]);
  const y = Number(m?.[3]);
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (!m || mo < 1 || mo > 12 || d < 1 || d > days[mo - 1])
    throw fail(`base date '${clip(token)}' is not a calendar date`, file, line, 'DD/MM/YYYY');
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

interface RecordLine {
  name: string;
  segmentCount?: number;
  signalCount: number;
  fs: number;
  counterFrequency?: number;
  baseCounter?: number;
  samples?: number;
  baseTime?: string;
  baseDate?: string;
}

function parseRecordLine(text: string, file: string | undefined, line: number): RecordLine {
  const { fields } = tokens(text, 6);
  const [nameTok, nsigTok, fsTok, nsampTok, timeTok, dateTok] = fields;
  const nm = /^([^/]+)(?:\/(.*))?$/.exec(nameTok);
  if (!nm) throw fail(`record name '${clip(nameTok)}' is not valid`, file, line, 'NAME or NAME/SEGMENTS');
  const segmentCount = nm[2] !== undefined ? int(nm[2], 'number of segments', file, line, 1) : undefined;
  if (segmentCount !== undefined && segmentCount > MAX_WFDB_SEGMENTS) {
    throw new MedSynthError(
      'LIMIT_EXCEEDED',
      `the record declares ${segmentCount} segments, more than the ${MAX_WFDB_SEGMENTS} a WFDB reader accepts`,
      { file, line },
    );
  }
  if (nsigTok === undefined) throw fail('the record line has no number of signals', file, line, 'NAME NSIG [FS [NSAMP [TIME [DATE]]]]');
  const signalCount = int(nsigTok, 'number of signals', file, line, 0);
  if (signalCount > MAX_WFDB_SIGNALS) {
    throw new MedSynthError(
      'LIMIT_EXCEEDED',
      `the record declares ${signalCount} signals, more than the ${MAX_WFDB_SIGNALS} a WFDB reader accepts`,
      { file, line },
    );
  }
  const out: RecordLine = { name: nm[1], segmentCount, signalCount, fs: DEFAULT_FS };
  if (fsTok !== undefined) {
    const fm = /^([^/(]+)(?:\/([^(]+)(?:\(([^)]*)\))?)?$/.exec(fsTok);
    if (!fm) throw fail(`sampling frequency '${clip(fsTok)}' is not valid`, file, line, 'FS[/COUNTERFREQ[(BASECOUNTER)]]');
    out.fs = num(fm[1], 'sampling frequency', file, line);
    if (!(out.fs > 0)) throw fail(`sampling frequency ${out.fs} is not positive`, file, line, 'a positive frequency in Hz');
    if (fm[2] !== undefined) out.counterFrequency = num(fm[2], 'counter frequency', file, line);
    if (fm[3] !== undefined) out.baseCounter = num(fm[3], 'base counter value', file, line);
  }
  if (nsampTok !== undefined) out.samples = int(nsampTok, 'number of samples per signal', file, line, 0);
  if (timeTok !== undefined) out.baseTime = parseTime(timeTok, file, line);
  if (dateTok !== undefined) out.baseDate = parseDate(dateTok, file, line);
  return out;
}

function parseSignalLine(text: string, index: number, file: string | undefined, line: number): WfdbSignalSpec {
  const { fields, rest } = tokens(text, 8);
  const [fileName, fmtTok, gainTok, resTok, zeroTok, initTok, sumTok, blockTok] = fields;
  if (fmtTok === undefined) throw fail(`signal ${index} has no format`, file, line, 'FILE FORMAT[xSPF][:SKEW][+OFFSET] ...');
  const fm = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/.exec(fmtTok);
  if (!fm) throw fail(`signal ${index} format field '${clip(fmtTok)}' is not valid`, file, line, 'FORMAT[xSPF][:SKEW][+OFFSET]');
  const format = int(fm[1], 'format', file, line, 0);
  // header(5): a missing or zero samples-per-frame means one.
  const samplesPerFrame = Math.max(1, fm[2] !== undefined ? int(fm[2], 'samples per frame', file, line, 0) : 1);
  const skew = fm[3] !== undefined ? int(fm[3], 'skew', file, line, 0) : 0;
  const byteOffset = fm[4] !== undefined ? int(fm[4], 'byte offset', file, line, 0) : 0;

  let gain = 0;
  let baseline: number | undefined;
  let units = 'mV';
  if (gainTok !== undefined) {
    const gm = /^([^(/]+)(?:\(([^)]*)\))?(?:\/(.*))?$/.exec(gainTok);
    if (!gm) throw fail(`signal ${index} ADC gain field '${clip(gainTok)}' is not valid`, file, line, 'GAIN[(BASELINE)][/UNITS]');
    gain = num(gm[1], 'ADC gain', file, line);
    if (gain < 0) throw fail(`signal ${index} ADC gain ${gain} is negative`, file, line, 'a non-negative gain (0 means the default 200)');
    if (gm[2] !== undefined) baseline = int(gm[2], 'baseline', file, line);
    if (gm[3] !== undefined && gm[3] !== '') units = gm[3];
  }
  const difference = format === 8;
  const resolution = resTok !== undefined ? int(resTok, 'ADC resolution', file, line, 0) : 0;
  const adcZero = zeroTok !== undefined ? int(zeroTok, 'ADC zero', file, line) : 0;
  const initialValue = initTok !== undefined ? int(initTok, 'initial value', file, line) : adcZero;
  const checksum = sumTok !== undefined ? int(sumTok, 'checksum', file, line) : undefined;
  const blockSize = blockTok !== undefined ? int(blockTok, 'block size', file, line, 0) : 0;
  return {
    fileName,
    format,
    samplesPerFrame,
    skew,
    byteOffset,
    gain: gain === 0 ? DEFAULT_GAIN : gain,
    baseline: baseline ?? adcZero,
    units,
    adcResolution: resolution === 0 ? (difference ? 10 : 12) : resolution,
    adcZero,
    initialValue,
    checksum,
    blockSize,
    description: rest,
    line,
  };
}

/** Parses a header's text. Numbers outside what a header can mean (negative gain, 100k signals) are rejected here. */
export function parseWfdbHeader(text: string, opts: { readonly fileName?: string } = {}): WfdbHeader {
  const file = opts.fileName;
  const lines = text.split('\n');
  const comments: string[] = [];
  let record: RecordLine | undefined;
  let recordLine = 0;
  const signals: WfdbSignalSpec[] = [];
  const segments: WfdbSegmentSpec[] = [];
  for (let i = 0; i < lines.length; i++) {
    const body = lines[i].replace(/\r$/, '');
    const trimmed = body.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      comments.push(trimmed.slice(1).trim());
      continue;
    }
    const line = i + 1;
    if (!record) {
      record = parseRecordLine(trimmed, file, line);
      recordLine = line;
    } else if (record.segmentCount !== undefined && segments.length < record.segmentCount) {
      const { fields } = tokens(trimmed, 2);
      if (fields.length < 2) throw fail(`segment ${segments.length} line has no length`, file, line, 'SEGMENT_NAME NSAMP');
      segments.push({ name: fields[0], samples: int(fields[1], 'segment length', file, line, 0), line });
    } else if (record.segmentCount === undefined && signals.length < record.signalCount) {
      signals.push(parseSignalLine(trimmed, signals.length, file, line));
    }
    // Anything after the declared lines is ignored, as the WFDB library does.
  }
  if (record) {
    for (const s of signals) {
      if (!Number.isFinite(record.fs * s.samplesPerFrame))
        throw fail(
          `${s.samplesPerFrame} samples per frame at ${record.fs} Hz is not a finite sample rate`,
          file,
          s.line,
          'a finite sampling frequency',
        );
    }
  }
  if (!record) throw badInput('the header has no record line', { file, line: 1, expected: 'NAME NSIG [FS [NSAMP [TIME [DATE]]]]' });
  if (record.segmentCount !== undefined && segments.length < record.segmentCount) {
    throw fail(
      `the header declares ${record.segmentCount} segments but lists ${segments.length}`,
      file,
      recordLine,
      `${record.segmentCount} segment lines`,
    );
  }
  if (record.segmentCount === undefined && signals.length < record.signalCount) {
    throw fail(
      `the header declares ${record.signalCount} signals but describes ${signals.length}`,
      file,
      recordLine,
      `${record.signalCount} signal lines`,
    );
  }
  return {
    recordName: record.name,
    signalCount: record.signalCount,
    samplingFrequency: record.fs,
    counterFrequency: record.counterFrequency,
    baseCounter: record.baseCounter,
    samples: record.samples,
    baseTime: record.baseTime,
    baseDate: record.baseDate,
    signals,
    segments: record.segmentCount !== undefined ? segments : undefined,
    comments,
  };
}
