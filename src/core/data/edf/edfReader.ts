// EDF, EDF+ (C and D) and BDF (BDF+) files -> SignalSet: one record, one channel per data signal with
// float32 physical values, EDF+ annotations as SignalAnnotations.
//
// Decisions (documented for the user in the record's metadata):
// - A declared record count the file is too short for is BAD_INPUT (a truncated file would otherwise
//   silently lose data); bytes after the declared records are ignored and counted in `trailingBytes`.
//   With -1 (unknown) records the count is the whole records the file holds, and a partial last
//   record is dropped and counted in `droppedPartialRecordBytes`.
// - EDF+D (discontinuous): the records' samples are concatenated; each record's start time from its
//   time-keeping TAL is kept as the segments where the clock jumps (`segmentStarts`, 'record@seconds').
// - Annotation onsets and startTime refer to the first sample: when the first record starts a
//   fraction of a second after the header's start time (EDF+), startTime carries the fraction and
//   onsets are shifted by it, as mne does.
// - Patient and recording identification are PHI: only whether they were filled in is kept.
import { badInput, throwIfAborted } from '../../errors';
import { checkDecodeLimit } from '../decodeLimits';
import type { ReadOptions } from '../readOptions';
import type { SignalAnnotation, SignalChannel, SignalSet } from '../signalSet';
import type { EdfHeader, EdfSignalHeader } from './edfHeader';
import { edfKindOf, parseEdfHeader } from './edfHeader';
import { MAX_ANNOTATIONS, parseTals } from './edfAnnotations';

/** How many `segmentStarts` entries an EDF+D record keeps in its metadata. */
const MAX_SEGMENTS_LISTED = 100;

/** True when the bytes start like an EDF/EDF+ ('0       ') or BDF (0xFF 'BIOSEMI') header. */
export function isEdf(bytes: Uint8Array): boolean {
  return edfKindOf(bytes) !== undefined;
}

export async function readEdf(bytes: Uint8Array, opts: ReadOptions = {}): Promise<SignalSet> {
  await Promise.resolve();
  return { modality: 'signal', records: [decodeEdf(bytes, opts)] };
}

function decodeEdf(bytes: Uint8Array, opts: ReadOptions): SignalSet['records'][number] {
  const file = opts.fileName;
  throwIfAborted(opts.signal);
  const kind = edfKindOf(bytes);
  if (!kind)
    throw badInput('not an EDF or BDF file', {
      file,
      offset: 0,
      expected: "version '0' followed by 7 spaces (EDF) or 0xFF 'BIOSEMI' (BDF)",
    });
  const header = parseEdfHeader(bytes, kind, file);
  const dataBytes = bytes.length - header.headerBytes;
  const metadata: Record<string, string | number> = { format: header.variant, recordDuration: header.recordDuration };
  let records = header.declaredRecords;
  if (records === -1) {
    records = Math.floor(dataBytes / header.recordBytes);
    metadata.dataRecordsDeclared = -1;
    const partial = dataBytes - records * header.recordBytes;
    if (partial > 0) metadata.droppedPartialRecordBytes = partial;
  }
  const dataSignals = header.signals.filter((s) => !s.isAnnotation);
  const samplesPerRecord = dataSignals.reduce((n, s) => n + s.samplesPerRecord, 0);
  checkDecodeLimit(opts.limits, 'maxSamples', records * samplesPerRecord, 'samples (all channels)', file, 236);
  const needed = records * header.recordBytes;
  if (needed > dataBytes) {
    throw badInput(
      `the header declares ${records} data records of ${header.recordBytes} bytes but the file holds ${dataBytes} bytes of data`,
      {
        file,
        offset: bytes.length,
        expected: `${header.headerBytes + needed} bytes in all`,
      },
    );
  }
  if (dataBytes > needed && header.declaredRecords !== -1) metadata.trailingBytes = dataBytes - needed;
  metadata.dataRecords = records;

  const channels = dataSignals.map((s) => ({ signal: s, data: new Float32Array(records * s.samplesPerRecord) }));
  const annotationSignals = header.signals.filter((s) => s.isAnnotation);
  const annotations: SignalAnnotation[] = [];
  const segments: string[] = [];
  let segmentCount = 0;
  const budget = { left: MAX_ANNOTATIONS };
  let firstOnset: number | undefined;
  let expectedOnset = NaN;
  for (let r = 0; r < records; r++) {
    if ((r & 0xff) === 0) throwIfAborted(opts.signal);
    const base = header.headerBytes + r * header.recordBytes;
    for (const c of channels) decodeSamples(bytes, base, header, c.signal, r, c.data);
    let recordOnset: number | undefined;
    for (let k = 0; k < annotationSignals.length; k++) {
      const at = base + annotationSignals[k].recordOffset;
      const parsed = parseTals(bytes, at, at + annotationSignals[k].samplesPerRecord * header.sampleBytes, k === 0, file, budget);
      if (k === 0) recordOnset = parsed.recordOnset;
      if (r === 0 && k === 0) firstOnset = recordOnset;
      const shift = firstOnset ?? 0;
      for (const tal of parsed.tals)
        for (const label of tal.labels) annotations.push({ onset: tal.onset - shift, duration: tal.duration, label });
    }
    if (!header.continuous) {
      if (recordOnset === undefined)
        throw badInput(`data record ${r + 1} of an ${header.variant} file has no time-keeping annotation`, {
          file,
          offset: base,
          expected: 'a first TAL +onset 0x14 0x14 in every record',
        });
      // Contiguous when within a microsecond of the previous record's end (onsets are decimal text).
      if (!(Math.abs(recordOnset - expectedOnset) < 1e-6)) {
        segmentCount++;
        if (segments.length < MAX_SEGMENTS_LISTED) segments.push(`${r}@${recordOnset}`);
      }
      expectedOnset = recordOnset + header.recordDuration;
    }
  }
  const shift = firstOnset ?? 0;
  if (shift !== 0) metadata.firstRecordOffsetSeconds = shift;
  if (!header.continuous) {
    metadata.segments = segmentCount;
    metadata.segmentStarts = segments.join(';') + (segmentCount > segments.length ? `;... (${segmentCount - segments.length} more)` : '');
    metadata.timeline = 'discontinuous: data records are concatenated; annotation onsets are seconds on the recording clock';
  }
  if (header.patientFieldPresent) metadata.patientIdentification = 'present (not read: may identify the patient)';
  if (header.recordingFieldPresent) metadata.recordingIdentification = 'present (not read: may identify the patient)';
  for (const s of dataSignals) {
    if (s.transducer) metadata[`transducer.${s.index + 1}`] = s.transducer;
    if (s.prefiltering) metadata[`prefiltering.${s.index + 1}`] = s.prefiltering;
  }
  const outChannels: SignalChannel[] = channels.map((c) => ({
    name: c.signal.label,
    units: c.signal.units,
    sampleRate: c.signal.samplesPerRecord / header.recordDuration,
    data: c.data,
  }));
  return {
    id: recordId(file),
    channels: outChannels,
    annotations,
    startTime: isoStart(header, shift),
    sourceFiles: file ? [file] : [],
    metadata,
  };
}

/** physical = digital x gain + offset in float64 (mne's form of the EDF scaling), stored as float32. */
function decodeSamples(bytes: Uint8Array, base: number, header: EdfHeader, s: EdfSignalHeader, r: number, out: Float32Array): void {
  const gain = (s.physicalMax - s.physicalMin) / (s.digitalMax - s.digitalMin);
  const offset = s.physicalMin - s.digitalMin * gain;
  const n = s.samplesPerRecord;
  let p = base + s.recordOffset;
  const o = r * n;
  if (header.sampleBytes === 2) {
    for (let i = 0; i < n; i++, p += 2) out[o + i] = (((bytes[p] | (bytes[p + 1] << 8)) << 16) >> 16) * gain + offset;
  } else {
    for (let i = 0; i < n; i++, p += 3) out[o + i] = (((bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16)) << 8) >> 8) * gain + offset;
  }
}

function isoStart(header: EdfHeader, shiftSeconds: number): string | undefined {
  const { year, month, day, hour, minute, second } = header.start;
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  d.setUTCFullYear(year); // Date.UTC would read years 0..99 as 1900..1999.
  d.setTime(d.getTime() + Math.round(shiftSeconds * 1000));
  if (Number.isNaN(d.getTime())) return undefined;
  // EDF clocks are local time with no zone: drop toISOString's 'Z' (and zero milliseconds).
  return d.toISOString().replace(/\.000Z$|Z$/, '');
}

function recordId(file: string | undefined): string {
  const base = file?.split(/[\\/]/).pop() ?? '';
  return base.replace(/\.(edf|bdf|rec)$/i, '') || 'edf';
}
