// The EDF / EDF+ / BDF header (Kemp 1992; Kemp & Olivan 2003; BioSemi's 24-bit variant): a 256-byte
// fixed part, then ns x 256 bytes of per-signal fields stored field by field (all labels, then all
// transducers, ...). Every field is printable ASCII and every number is checked here, so the data and
// annotation decoders only ever see sizes that are integers in range and fit the file.
import { badInput, MedSynthError } from '../../errors';

export type EdfKind = 'EDF' | 'BDF';

export interface EdfSignalHeader {
  readonly index: number;
  readonly label: string;
  readonly transducer: string;
  readonly units: string;
  readonly physicalMin: number;
  readonly physicalMax: number;
  readonly digitalMin: number;
  readonly digitalMax: number;
  readonly prefiltering: string;
  readonly samplesPerRecord: number;
  /** An 'EDF Annotations' / 'BDF Annotations' signal carries TALs, not samples. */
  readonly isAnnotation: boolean;
  /** Byte offset of this signal's samples inside one data record. */
  readonly recordOffset: number;
}

export interface EdfHeader {
  readonly kind: EdfKind;
  /** 'EDF', 'EDF+C', 'EDF+D', 'BDF', 'BDF+C' or 'BDF+D'. */
  readonly variant: string;
  readonly continuous: boolean;
  readonly patientFieldPresent: boolean;
  readonly recordingFieldPresent: boolean;
  /** Header start date-time, 'YYYY-MM-DDTHH:MM:SS' (EDF stores local time without a zone). */
  readonly start: {
    readonly year: number;
    readonly month: number;
    readonly day: number;
    readonly hour: number;
    readonly minute: number;
    readonly second: number;
  };
  readonly headerBytes: number;
  /** As declared: -1 means unknown (still recording when the file was closed). */
  readonly declaredRecords: number;
  readonly recordDuration: number;
  readonly signals: readonly EdfSignalHeader[];
  /** Bytes per sample: 2 (EDF) or 3 (BDF). */
  readonly sampleBytes: 2 | 3;
  readonly recordBytes: number;
}

const FIXED = 256;
/** Widths of the per-signal fields, in file order. */
const SIGNAL_FIELDS = [
  ['label', 16],
  ['transducer type', 80],
  ['physical dimension', 8],
  ['physical minimum', 8],
  ['physical maximum', 8],
  ['digital minimum', 8],
  ['digital maximum', 8],
  ['prefiltering', 80],
  ['samples per data record', 8],
  ['reserved', 32],
] as const;
const ANNOTATION_LABELS = new Set(['EDF Annotations', 'BDF Annotations']);
const INTEGER = /^[+-]?\d+$/;
// EDF asks for '.' but some devices write a decimal comma; mne accepts it too.
const DECIMAL = /^[+-]?(\d+[.,]?\d*|[.,]\d+)([eE][+-]?\d+)?$/;
const FLOAT32_MAX = 3.4028234663852886e38;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** The magic: '0' and seven spaces (EDF, EDF+), or 0xFF 'BIOSEMI' (BDF, BDF+). */
export function edfKindOf(bytes: Uint8Array): EdfKind | undefined {
  if (bytes.length < 8) return undefined;
  if (bytes[0] === 0xff && ascii(bytes, 1, 7) === 'BIOSEMI') return 'BDF';
  if (bytes[0] === 0x30 && bytes.subarray(1, 8).every((b) => b === 0x20)) return 'EDF';
  return undefined;
}

function ascii(bytes: Uint8Array, at: number, width: number): string {
  let s = '';
  for (let i = at; i < at + width && i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

class FieldReader {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string | undefined,
  ) {}

  fail(message: string, offset: number, expected?: string): MedSynthError {
    return badInput(message, { file: this.file, offset, expected });
  }

  /** The field's text, trailing spaces removed; refuses bytes outside printable ASCII (EDF 32..126). */
  text(at: number, width: number, what: string): string {
    for (let i = at; i < at + width; i++) {
      const b = this.bytes[i];
      if (b < 0x20 || b > 0x7e)
        throw this.fail(
          `${what} holds byte 0x${b.toString(16).padStart(2, '0')}, which is not printable ASCII`,
          i,
          'ASCII characters 32..126, space-padded',
        );
    }
    return ascii(this.bytes, at, width).trimEnd();
  }

  integer(at: number, width: number, what: string): number {
    const s = this.text(at, width, what).trim();
    if (!INTEGER.test(s))
      throw this.fail(`${what} is ${JSON.stringify(s)}, not an integer`, at, 'an integer, left-aligned and space-padded');
    return Number(s);
  }

  decimal(at: number, width: number, what: string): number {
    const s = this.text(at, width, what).trim();
    const v = DECIMAL.test(s) ? Number(s.replace(',', '.')) : NaN;
    if (!Number.isFinite(v))
      throw this.fail(`${what} is ${JSON.stringify(s)}, not a number`, at, 'a decimal number, left-aligned and space-padded');
    return v;
  }
}

/** Parses and validates the whole header; the caller has already seen the magic. */
export function parseEdfHeader(bytes: Uint8Array, kind: EdfKind, file: string | undefined): EdfHeader {
  const f = new FieldReader(bytes, file);
  if (bytes.length < FIXED)
    throw f.fail(`the file is ${bytes.length} bytes, shorter than the 256-byte ${kind} header`, bytes.length, 'a 256-byte fixed header');
  const patient = f.text(8, 80, 'patient identification');
  const recording = f.text(88, 80, 'recording identification');
  const reserved = f.text(192, 44, 'reserved field').trim();
  const plus = kind === 'EDF' ? /^EDF\+([CD])$/.exec(reserved.split(' ')[0]) : /^BDF\+([CD])$/.exec(reserved.split(' ')[0]);
  if (reserved.startsWith(`${kind}+`) && !plus) {
    throw new MedSynthError('UNSUPPORTED', `${kind}+ variant ${JSON.stringify(reserved)} is not EDF+C or EDF+D`, {
      file,
      offset: 192,
      expected: `${kind}+C or ${kind}+D`,
    });
  }
  const start = parseStart(f, recording, plus !== null);
  const headerBytes = f.integer(184, 8, 'number of bytes in header');
  const declaredRecords = f.integer(236, 8, 'number of data records');
  if (declaredRecords < -1) throw f.fail(`number of data records is ${declaredRecords}`, 236, '-1 (unknown) or a count of at least 0');
  const recordDuration = f.decimal(244, 8, 'duration of a data record');
  if (recordDuration < 0) throw f.fail(`duration of a data record is ${recordDuration} s`, 244, 'a duration of at least 0 seconds');
  const ns = f.integer(252, 4, 'number of signals');
  if (ns < 1) throw f.fail(`number of signals is ${ns}`, 252, 'at least 1 signal');
  // Checked in floating point before the signal fields are read, so ns = 9999 on a short file stops here.
  const expectedHeader = FIXED * (ns + 1);
  if (headerBytes !== expectedHeader)
    throw f.fail(`number of bytes in header is ${headerBytes} for ${ns} signals`, 184, `256 x (1 + ${ns}) = ${expectedHeader}`);
  if (bytes.length < expectedHeader)
    throw f.fail(
      `the header declares ${ns} signals (${expectedHeader} bytes) but the file has ${bytes.length} bytes`,
      bytes.length,
      `${expectedHeader} header bytes`,
    );
  const sampleBytes = kind === 'BDF' ? 3 : 2;
  const signals = parseSignals(f, ns, sampleBytes);
  const recordBytes = signals.reduce((n, s) => n + s.samplesPerRecord * sampleBytes, 0);
  if (signals.some((s) => !s.isAnnotation && !Number.isFinite(s.samplesPerRecord / recordDuration))) {
    throw f.fail(
      `duration of a data record is ${recordDuration} s, which gives no finite sample rate`,
      244,
      'a positive duration (0 is only for annotation-only files)',
    );
  }
  const continuous = plus?.[1] !== 'D';
  return {
    kind,
    variant: plus ? `${kind}+${plus[1]}` : kind,
    continuous,
    patientFieldPresent: patient.trim() !== '',
    recordingFieldPresent: recording.trim() !== '',
    start,
    headerBytes,
    declaredRecords,
    recordDuration,
    signals,
    sampleBytes,
    recordBytes,
  };
}

function parseSignals(f: FieldReader, ns: number, sampleBytes: 2 | 3): EdfSignalHeader[] {
  const fieldAt: number[] = [];
  let at = FIXED;
  for (const [, width] of SIGNAL_FIELDS) {
    fieldAt.push(at);
    at += width * ns;
  }
  const where = (k: number, i: number): [number, number, string] => [
    fieldAt[k] + i * SIGNAL_FIELDS[k][1],
    SIGNAL_FIELDS[k][1],
    `${SIGNAL_FIELDS[k][0]} of signal ${i + 1}`,
  ];
  const [dLo, dHi] = sampleBytes === 3 ? [-8_388_608, 8_388_607] : [-32_768, 32_767];
  const out: EdfSignalHeader[] = [];
  let recordOffset = 0;
  for (let i = 0; i < ns; i++) {
    const label = f.text(...where(0, i)).trim();
    const transducer = f.text(...where(1, i)).trim();
    const units = f.text(...where(2, i)).trim();
    const physicalMin = f.decimal(...where(3, i));
    const physicalMax = f.decimal(...where(4, i));
    const digitalMin = f.integer(...where(5, i));
    const digitalMax = f.integer(...where(6, i));
    const prefiltering = f.text(...where(7, i)).trim();
    const samplesPerRecord = f.integer(...where(8, i));
    f.text(...where(9, i));
    const isAnnotation = ANNOTATION_LABELS.has(label);
    if (samplesPerRecord < 1)
      throw f.fail(`samples per data record of signal ${i + 1} is ${samplesPerRecord}`, where(8, i)[0], 'at least 1');
    if (!isAnnotation) {
      if (digitalMin < dLo || digitalMax > dHi) {
        throw f.fail(
          `digital range ${digitalMin}..${digitalMax} of signal ${i + 1} does not fit ${sampleBytes * 8}-bit samples`,
          where(5, i)[0],
          `values within ${dLo}..${dHi}`,
        );
      }
      if (digitalMax <= digitalMin)
        throw f.fail(
          `digital maximum ${digitalMax} of signal ${i + 1} is not above its digital minimum ${digitalMin}`,
          where(6, i)[0],
          'digital maximum > digital minimum',
        );
      // Every sample the width can hold (not only dmin..dmax) must scale to a finite float32.
      const gain = (physicalMax - physicalMin) / (digitalMax - digitalMin);
      const offset = physicalMin - digitalMin * gain;
      if (!(Math.max(Math.abs(gain * dLo + offset), Math.abs(gain * dHi + offset)) <= FLOAT32_MAX)) {
        throw f.fail(
          `physical range ${physicalMin}..${physicalMax} of signal ${i + 1} scales samples beyond float32`,
          where(3, i)[0],
          `physical values within +-${FLOAT32_MAX}`,
        );
      }
    }
    out.push({
      index: i,
      label,
      transducer,
      units,
      physicalMin,
      physicalMax,
      digitalMin,
      digitalMax,
      prefiltering,
      samplesPerRecord,
      isAnnotation,
      recordOffset,
    });
    recordOffset += samplesPerRecord * sampleBytes;
  }
  return out;
}

function parseStart(f: FieldReader, recording: string, plus: boolean): EdfHeader['start'] {
  const dateText = f.text(168, 8, 'start date');
  const timeText = f.text(176, 8, 'start time');
  const d = /^(\d\d)\.(\d\d)\.(\d\d|yy)$/.exec(dateText);
  if (!d) throw f.fail(`start date is ${JSON.stringify(dateText)}`, 168, 'dd.mm.yy');
  const t = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(timeText);
  if (!t) throw f.fail(`start time is ${JSON.stringify(timeText)}`, 176, 'hh.mm.ss');
  let day = Number(d[1]);
  let month = Number(d[2]);
  // Two-digit years clip at 1985: 85..99 = 1985..1999, 00..84 = 2000..2084; later years write 'yy'.
  let year = d[3] === 'yy' ? NaN : Number(d[3]) + (Number(d[3]) >= 85 ? 1900 : 2000);
  // EDF+ repeats the date with a four-digit year in the recording field: 'Startdate 02-MAR-2002 ...'.
  const s = plus ? /^Startdate (\d\d)-([A-Z]{3})-(\d{4})(?: |$)/.exec(recording) : null;
  if (s && MONTHS.includes(s[2]) && validDate(Number(s[3]), MONTHS.indexOf(s[2]) + 1, Number(s[1]))) {
    [year, month, day] = [Number(s[3]), MONTHS.indexOf(s[2]) + 1, Number(s[1])];
  }
  if (!validDate(year, month, day))
    throw f.fail(`start date ${JSON.stringify(dateText)} is not a calendar date`, 168, 'dd.mm.yy (or yy with an EDF+ Startdate)');
  const [hour, minute, second] = [Number(t[1]), Number(t[2]), Number(t[3])];
  if (hour > 23 || minute > 59 || second > 59)
    throw f.fail(`start time ${JSON.stringify(timeText)} is not a time of day`, 176, 'hh.mm.ss within 00.00.00..23.59.59');
  return { year, month, day, hour, minute, second };
}

function validDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
