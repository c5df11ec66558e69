// DICOM Waveform Module (PS3.3 C.10.9: 12-lead ECG, hemodynamic, general ECG/audio waveform SOP
// classes) -> SignalSet: one SignalRecord per multiplex group of the Waveform Sequence (5400,0100), one
// float32 channel per item of its Channel Definition Sequence (003A,0200), all at the group's Sampling
// Frequency (003A,001A).
//
// Decisions:
// - Physical value = stored * Channel Sensitivity (003A,0210) * Channel Sensitivity Correction Factor
//   (003A,0212) + Channel Baseline (003A,0213), in float64, stored as float32; sensitivity and correction
//   default to 1 and baseline to 0 when absent (raw values, units ''). This is the standard's rule:
//   PS3.3 Table C.10-10 defines Channel Baseline as the "offset of encoded sample value 0 from actual 0
//   using the units defined in the Channel Sensitivity Units Sequence", i.e. it is already in physical
//   units and is added after scaling. pydicom 2.3's numpy_handler (multiplex_array / generate_multiplex,
//   as_raw=False, which Dataset.waveform_array uses) computes (stored + baseline) * sensitivity *
//   correction instead, treating the baseline as a raw value; that is pydicom issue #1667, fixed in
//   pydicom 2.4 (PR #1715) to stored * sensitivity * correction + baseline. Both agree when the baseline
//   is 0 (every channel of pydicom's waveform_ecg.dcm); the multiplication order (stored * sensitivity)
//   * correction is pydicom's, so such files give the same float32 values bit for bit.
// - Stored samples equal to Waveform Padding Value (5400,100A) become NaN (counted in `paddedSamples`).
// - Sample interpretations SB/UB (8 bit), SS/US (16), SL/UL (32), SV/UV (64); mu-law (MB) and A-law (AB)
//   are UNSUPPORTED (the scale of the G.711-expanded value that Channel Sensitivity applies to is not
//   fixed by the standard). Explicit VR Big Endian is read for 16-bit samples and 8-bit OB data only.
// - Waveform Data must hold exactly channels x samples x bytes (plus one pad byte when that is odd);
//   anything else is BAD_INPUT naming the file, checked with maxSamples before anything is allocated.
// - startTime is Acquisition DateTime (0008,002A), else Content Date + Content Time, as ISO 8601 (local
//   time as the file states it; a UTC offset only when the DT carries one). Multiplex Group Time Offset
//   and per-channel Channel Sample Skew (ms) are kept in metadata, not applied.
// - Annotations (waveformAnnotations.ts): items of (0040,B020) with Referenced Sample Positions (0040,A132) and Temporal Range Type POINT,
//   MULTIPOINT, SEGMENT or MULTISEGMENT become SignalAnnotations of the multiplex groups that Referenced
//   Waveform Channels (0040,A0B0) names (pairs of 1-based group, 1-based channel; channel 0 = all).
//   Others (measurements and interpretation text without positions, BEGIN/END, time offsets) are
//   counted in `annotationsSkipped`.
// - No patient or study identifier is read: metadata holds only waveform facts (SOP class, modality,
//   transfer syntax, group labels, channel source codes, sample format).
import type { DataSet } from 'dicom-parser';
import { MedSynthError, badInput, throwIfAborted } from '../../errors';
import { checkDecodeLimit } from '../decodeLimits';
import type { ReadOptions } from '../readOptions';
import type { SignalAnnotation, SignalChannel, SignalRecord, SignalSet } from '../signalSet';
import { parseDecimal, readRequiredDecimal, readString, readUs, tagLabel } from './attributes';
import type { DicomFile } from './dicomFile';
import { asDicomError, parseDicom } from './parse';
import { assignAnnotations, codeItem, MAX_LABEL } from './waveformAnnotations';
import type { AnnotatedGroup } from './waveformAnnotations';

const WF = {
  waveformSequence: 'x54000100',
  originality: 'x003a0004',
  channels: 'x003a0005',
  samples: 'x003a0010',
  frequency: 'x003a001a',
  groupLabel: 'x003a0020',
  groupTimeOffset: 'x00181068',
  bitsAllocated: 'x54001004',
  interpretation: 'x54001006',
  paddingValue: 'x5400100a',
  data: 'x54001010',
  channelDefinitions: 'x003a0200',
  channelLabel: 'x003a0203',
  channelSource: 'x003a0208',
  sensitivity: 'x003a0210',
  sensitivityUnits: 'x003a0211',
  correction: 'x003a0212',
  baseline: 'x003a0213',
  skew: 'x003a0215',
  acquisitionDateTime: 'x0008002a',
  contentDate: 'x00080023',
  contentTime: 'x00080033',
} as const;

const FLOAT32_MAX = 3.4028234663852886e38;

interface SampleType {
  readonly bits: 8 | 16 | 32 | 64;
  readonly signed: boolean;
}

const SAMPLE_TYPES: Readonly<Record<string, SampleType>> = {
  SB: { bits: 8, signed: true },
  UB: { bits: 8, signed: false },
  SS: { bits: 16, signed: true },
  US: { bits: 16, signed: false },
  SL: { bits: 32, signed: true },
  UL: { bits: 32, signed: false },
  SV: { bits: 64, signed: true },
  UV: { bits: 64, signed: false },
};

/** True when the file has a Waveform Sequence (5400,0100) with at least one multiplex group. */
export function hasWaveform(file: DicomFile): boolean {
  return (file.dataSet.elements[WF.waveformSequence]?.items?.length ?? 0) > 0;
}

/** One DICOM waveform file -> a SignalSet with one record per multiplex group. */
export async function readDicomWaveform(bytes: Uint8Array, opts: ReadOptions = {}): Promise<SignalSet> {
  await Promise.resolve();
  return waveformSetOf(parseDicom(bytes, opts), opts);
}

/** readDicomWaveform on a file already parsed. */
export function waveformSetOf(file: DicomFile, opts: ReadOptions): SignalSet {
  try {
    return { modality: 'signal', records: decodeWaveforms(file, opts) };
  } catch (e) {
    throw asDicomError(e, opts.fileName);
  }
}

interface Group extends AnnotatedGroup {
  readonly index: number;
  readonly channels: SignalChannel[];
  readonly samples: number;
  readonly frequency: number;
  readonly metadata: Record<string, string | number>;
  readonly annotations: SignalAnnotation[];
}

function decodeWaveforms(file: DicomFile, opts: ReadOptions): SignalRecord[] {
  const fileName = opts.fileName;
  throwIfAborted(opts.signal);
  const seq = file.dataSet.elements[WF.waveformSequence];
  if (!seq)
    throw new MedSynthError('UNSUPPORTED', 'the file has no Waveform Sequence (5400,0100)', {
      file: fileName,
      expected: 'a DICOM waveform (e.g. 12-lead ECG) file',
    });
  const items = seq.items ?? [];
  if (items.length === 0)
    throw badInput('the Waveform Sequence (5400,0100) has no items', {
      file: fileName,
      offset: seq.dataOffset,
      expected: 'at least one multiplex group',
    });
  const groups: Group[] = [];
  for (let g = 0; g < items.length; g++) {
    throwIfAborted(opts.signal);
    const ds = items[g].dataSet;
    if (!ds)
      throw badInput(`multiplex group ${g + 1} of the Waveform Sequence (5400,0100) is not a dataset`, {
        file: fileName,
        offset: items[g].dataOffset,
      });
    groups.push(decodeGroup(ds, g, file, opts));
  }
  const common = fileMetadata(file);
  const skipped = assignAnnotations(file.dataSet, groups);
  const startTime = startTimeOf(file.dataSet);
  const id = recordBase(fileName);
  return groups.map((grp) => {
    const metadata: Record<string, string | number> = { ...common, multiplexGroup: grp.index + 1, ...grp.metadata };
    if (skipped.count > 0) {
      metadata.annotationsSkipped = skipped.count;
      metadata.annotationsSkippedNote = skipped.note;
    }
    return {
      id: items.length === 1 ? id : `${id}#${grp.index + 1}`,
      channels: grp.channels,
      annotations: grp.annotations,
      startTime,
      sourceFiles: fileName ? [fileName] : [],
      metadata,
    };
  });
}

function fileMetadata(file: DicomFile): Record<string, string | number> {
  const out: Record<string, string | number> = { format: 'DICOM waveform', transferSyntaxUid: file.transferSyntaxUid };
  if (file.sopClassUid) out.sopClassUid = file.sopClassUid;
  if (file.modality) out.modality = file.modality;
  return out;
}

function recordBase(fileName: string | undefined): string {
  const base = fileName?.split(/[\\/]/).pop() ?? '';
  return base.replace(/\.(dcm|dicom)$/i, '') || 'waveform';
}

function decodeGroup(ds: DataSet, g: number, file: DicomFile, opts: ReadOptions): Group {
  const fileName = opts.fileName;
  const ctx = { fileName };
  const where = `multiplex group ${g + 1}`;
  const channels = readUs(ds, WF.channels, 'Number of Waveform Channels', ctx);
  if (channels === undefined || channels < 1) {
    throw badInput(`${where} declares ${channels ?? 'no'} Number of Waveform Channels (003A,0005)`, {
      file: fileName,
      offset: ds.elements[WF.channels]?.dataOffset,
      expected: 'at least 1 channel',
    });
  }
  const samples = readUl(ds, WF.samples, 'Number of Waveform Samples', fileName);
  if (samples === undefined || samples < 1) {
    throw badInput(`${where} declares ${samples ?? 'no'} Number of Waveform Samples (003A,0010)`, {
      file: fileName,
      offset: ds.elements[WF.samples]?.dataOffset,
      expected: 'at least 1 sample',
    });
  }
  const frequency = readRequiredDecimal(ds, WF.frequency, 'Sampling Frequency', ctx);
  if (frequency === undefined || !(frequency > 0) || !Number.isFinite(frequency)) {
    throw badInput(`${where} has Sampling Frequency (003A,001A) ${frequency ?? 'missing'}`, {
      file: fileName,
      offset: ds.elements[WF.frequency]?.dataOffset,
      expected: 'a finite frequency above 0 Hz',
    });
  }
  const bits = readUs(ds, WF.bitsAllocated, 'Waveform Bits Allocated', ctx);
  if (bits === undefined || ![8, 16, 32, 64].includes(bits)) {
    throw badInput(`${where} has Waveform Bits Allocated (5400,1004) ${bits ?? 'missing'}`, {
      file: fileName,
      offset: ds.elements[WF.bitsAllocated]?.dataOffset,
      expected: '8, 16, 32 or 64',
    });
  }
  const interpretation = readString(ds, WF.interpretation)?.toUpperCase();
  if (interpretation === 'MB' || interpretation === 'AB') {
    throw new MedSynthError(
      'UNSUPPORTED',
      `${where} holds ${interpretation === 'MB' ? 'mu-law' : 'A-law'} samples (Waveform Sample Interpretation ${interpretation})`,
      { file: fileName, expected: 'linear samples: SB, UB, SS, US, SL, UL, SV or UV' },
    );
  }
  const type = interpretation ? SAMPLE_TYPES[interpretation] : undefined;
  if (!type)
    throw badInput(`${where} has Waveform Sample Interpretation (5400,1006) '${(interpretation ?? '').slice(0, 16)}'`, {
      file: fileName,
      offset: ds.elements[WF.interpretation]?.dataOffset,
      expected: 'SB, UB, SS, US, SL, UL, SV or UV',
    });
  if (type.bits !== bits)
    throw badInput(`${where} has Waveform Sample Interpretation ${interpretation} with Waveform Bits Allocated ${bits}`, {
      file: fileName,
      expected: `${type.bits} bits for ${interpretation}`,
    });
  const defs = ds.elements[WF.channelDefinitions]?.items ?? [];
  if (defs.length !== channels) {
    throw badInput(`${where} declares ${channels} channels but its Channel Definition Sequence (003A,0200) has ${defs.length} items`, {
      file: fileName,
      offset: ds.elements[WF.channelDefinitions]?.dataOffset,
      expected: `${channels} channel definitions`,
    });
  }
  // Every declared size is checked before anything is allocated: the cap, then the bytes present.
  checkDecodeLimit(
    opts.limits,
    'maxSamples',
    channels * samples,
    'waveform samples (all channels)',
    fileName,
    ds.elements[WF.samples]?.dataOffset,
  );
  const bytesPerSample = bits / 8;
  const expectedBytes = channels * samples * bytesPerSample;
  const dataEl = ds.elements[WF.data];
  if (!dataEl)
    throw badInput(`${where} has no Waveform Data (5400,1010)`, { file: fileName, expected: `${expectedBytes} bytes of Waveform Data` });
  const okLength = dataEl.length === expectedBytes || (expectedBytes % 2 === 1 && dataEl.length === expectedBytes + 1);
  if (!okLength) {
    throw badInput(
      `${where}: Waveform Data (5400,1010) holds ${dataEl.length} bytes for ${channels} channels x ${samples} samples of ${bits} bits`,
      { file: fileName, offset: dataEl.dataOffset, expected: `${expectedBytes} bytes` },
    );
  }
  const byteArray = ds.byteArray;
  if (!(dataEl.dataOffset >= 0 && dataEl.dataOffset + expectedBytes <= byteArray.length)) {
    throw badInput(`${where}: Waveform Data (5400,1010) runs past the end of the file`, {
      file: fileName,
      offset: dataEl.dataOffset,
      expected: `${expectedBytes} bytes`,
    });
  }
  const littleEndian = file.littleEndian;
  if (!littleEndian && (bits > 16 || (bits === 8 && dataEl.vr === 'OW'))) {
    throw new MedSynthError(
      'UNSUPPORTED',
      `${where}: ${bits}-bit Waveform Data in ${dataEl.vr ?? 'an unknown VR'} under Explicit VR Big Endian`,
      { file: fileName, expected: '16-bit samples, or 8-bit samples in OB' },
    );
  }
  const read = sampleReader(byteArray, dataEl.dataOffset, type, littleEndian);
  const padding = paddingValue(ds, type, littleEndian);
  const metadata: Record<string, string | number> = {
    waveformSampleInterpretation: interpretation as string,
    waveformBitsAllocated: bits,
    samplingFrequency: frequency,
  };
  const label = readString(ds, WF.groupLabel);
  if (label) metadata.multiplexGroupLabel = label.slice(0, MAX_LABEL);
  const originality = readString(ds, WF.originality);
  if (originality) metadata.waveformOriginality = originality.slice(0, 16);
  const groupOffset = parseDecimal(readString(ds, WF.groupTimeOffset));
  if (groupOffset) metadata.multiplexGroupTimeOffsetMs = groupOffset;
  if (padding.note) metadata.waveformPaddingValue = padding.note;

  const out: SignalChannel[] = [];
  let padded = 0;
  for (let c = 0; c < channels; c++) {
    const def = defs[c].dataSet;
    if (!def) throw badInput(`${where}: channel definition ${c + 1} is not a dataset`, { file: fileName, offset: defs[c].dataOffset });
    const sensitivity = readRequiredDecimal(def, WF.sensitivity, 'Channel Sensitivity', ctx);
    const correction = readRequiredDecimal(def, WF.correction, 'Channel Sensitivity Correction Factor', ctx) ?? 1;
    const baseline = readRequiredDecimal(def, WF.baseline, 'Channel Baseline', ctx) ?? 0;
    const skew = parseDecimal(readString(def, WF.skew));
    const sens = sensitivity ?? 1;
    const source = codeItem(def, WF.channelSource);
    const name = source?.meaning ?? readString(def, WF.channelLabel)?.slice(0, MAX_LABEL) ?? source?.value ?? `channel ${c + 1}`;
    const units = codeItem(def, WF.sensitivityUnits)?.value ?? '';
    if (source?.value) metadata[`channelSource.${c + 1}`] = source.scheme ? `${source.scheme} ${source.value}` : source.value;
    if (skew) metadata[`channelSampleSkewMs.${c + 1}`] = skew;
    if (sensitivity === undefined) metadata[`rawValues.${c + 1}`] = 'no Channel Sensitivity: stored values';
    const data = new Float32Array(samples);
    for (let s = 0; s < samples; s++) {
      const raw = read(s * channels + c);
      if (padding.value !== undefined && raw === padding.value) {
        data[s] = Number.NaN;
        padded++;
        continue;
      }
      const v = raw * sens * correction + baseline;
      if (!(Math.abs(v) <= FLOAT32_MAX)) {
        throw badInput(
          `${where}: channel ${c + 1} sample ${s + 1} scales to ${v} (Channel Sensitivity ${sens}, Correction Factor ${correction}, Baseline ${baseline})`,
          { file: fileName, expected: 'physical values within float32 range' },
        );
      }
      data[s] = v;
    }
    out.push({ name: name.slice(0, MAX_LABEL), units: units.slice(0, 64), sampleRate: frequency, data });
  }
  if (padded > 0) metadata.paddedSamples = padded;
  return { index: g, channels: out, samples, frequency, metadata, annotations: [] };
}

/** An unsigned 32-bit value (UL); undefined when absent or empty. */
function readUl(ds: DataSet, tag: string, name: string, fileName: string | undefined): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  if (el.length < 4)
    throw badInput(`${name} ${tagLabel(tag)} is ${el.length} bytes long`, {
      file: fileName,
      offset: el.dataOffset,
      expected: 'a 32-bit value',
    });
  return ds.uint32(tag);
}

/** Reads stored sample i (interleaved: C1S1 C2S1 ... CnS1 C1S2 ...) as a number. */
function sampleReader(bytes: Uint8Array, offset: number, type: SampleType, littleEndian: boolean): (i: number) => number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  switch (type.bits) {
    case 8:
      return type.signed ? (i) => view.getInt8(i) : (i) => view.getUint8(i);
    case 16:
      return type.signed ? (i) => view.getInt16(i * 2, littleEndian) : (i) => view.getUint16(i * 2, littleEndian);
    case 32:
      return type.signed ? (i) => view.getInt32(i * 4, littleEndian) : (i) => view.getUint32(i * 4, littleEndian);
    case 64:
      return type.signed ? (i) => Number(view.getBigInt64(i * 8, littleEndian)) : (i) => Number(view.getBigUint64(i * 8, littleEndian));
  }
}

/** Waveform Padding Value (5400,100A), read as one stored sample; a malformed one is ignored and noted. */
function paddingValue(ds: DataSet, type: SampleType, littleEndian: boolean): { value?: number; note?: string } {
  const el = ds.elements[WF.paddingValue];
  if (!el || el.length === 0) return {};
  const size = type.bits / 8;
  if (el.length < size || el.dataOffset < 0 || el.dataOffset + size > ds.byteArray.length)
    return { note: `ignored: ${el.length} bytes for a ${type.bits}-bit sample` };
  const value = sampleReader(ds.byteArray, el.dataOffset, type, littleEndian)(0);
  return { value, note: String(value) };
}

/** Acquisition DateTime, else Content Date + Content Time, as ISO 8601; undefined when absent or malformed. */
function startTimeOf(ds: DataSet): string | undefined {
  const dt = readString(ds, WF.acquisitionDateTime);
  const fromDt = dt ? isoFromDt(dt) : undefined;
  if (fromDt) return fromDt;
  const date = readString(ds, WF.contentDate);
  if (!date || !/^\d{8}$/.test(date)) return undefined;
  const time = readString(ds, WF.contentTime)?.replace(/:/g, '');
  return isoFromDt(`${date}${time && /^\d{2,6}(\.\d{1,6})?$/.test(time) ? time : ''}`);
}

/** DT 'YYYYMMDD[HH[MM[SS[.F{1,6}]]]][&ZZXX]' -> 'YYYY-MM-DDTHH:MM:SS[.F][+ZZ:XX]'. */
function isoFromDt(dt: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(\.\d{1,6})?)?)?)?([+-]\d{4})?$/.exec(dt);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const check = new Date(Date.UTC(2000, Number(mo) - 1, Number(d)));
  if (Number(mo) < 1 || Number(mo) > 12 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60)
    return undefined;
  if (Number(mo) === 2 && Number(d) === 29 && !(Number(y) % 4 === 0 && (Number(y) % 100 !== 0 || Number(y) % 400 === 0))) return undefined;
  const tz = zone ? `${zone.slice(0, 3)}:${zone.slice(3)}` : '';
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${tz}`;
}
