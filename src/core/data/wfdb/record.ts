// A WFDB record as a SignalSet: the header, its data files and (on request) its annotation files,
// all but the header read through opts.siblings. Multi-segment records are joined end to end: a
// layout segment (the first, of length 0) names the record's signals, each segment's own header gives
// its gains, a signal a segment lacks and every '~' (null) segment read as NaN.

import { MedSynthError, badInput, throwIfAborted } from '../../errors';
import { checkDecodeLimit } from '../decodeLimits';
import type { MultiFileReadOptions } from '../readOptions';
import type { SignalAnnotation, SignalChannel, SignalRecord, SignalSet } from '../signalSet';
import { parseMitAnnotations } from './annotations';
import { parseWfdbHeader } from './header';
import type { WfdbHeader, WfdbSignalSpec } from './header';
import { decodeSingleSegment, newBudget, readSibling } from './signals';
import type { ReadBudget } from './signals';

export interface WfdbReadOptions extends MultiFileReadOptions {
  /** Annotator names to read as `<record>.<annotator>` (e.g. 'atr'); none by default. */
  readonly annotators?: readonly string[];
}

interface ChannelOut {
  readonly name: string;
  readonly units: string;
  readonly samplesPerFrame: number;
  readonly format: number;
  readonly data: Float32Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Headers are ASCII by the spec; older ones carry Latin-1 units ('\xb5V'), newer ones UTF-8. */
function headerText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

function channelName(spec: WfdbSignalSpec, index: number): string {
  return spec.description || `signal ${index}`;
}

async function readMultiSegment(
  header: WfdbHeader,
  opts: WfdbReadOptions,
  budget: ReadBudget,
  files: string[],
  notes: string[],
): Promise<ChannelOut[]> {
  const segments = header.segments ?? [];
  const fs = header.samplingFrequency;
  const hasLayout = segments.length > 0 && segments[0].samples === 0 && segments[0].name !== '~';
  const parts = segments.filter((s, i) => !(i === 0 && hasLayout) && s.samples > 0);
  const total = parts.reduce((n, s) => n + s.samples, 0);
  if (header.samples !== undefined && header.samples !== total)
    notes.push(`the record line declares ${header.samples} samples, its segments ${total}`);

  const headerOf = async (name: string): Promise<WfdbHeader> => {
    const fileName = `${name}.hea`;
    const h = parseWfdbHeader(headerText(await readSibling(fileName, opts, budget)), { fileName });
    files.push(fileName);
    if (h.segments)
      throw new MedSynthError('UNSUPPORTED', `segment '${name}' is itself a multi-segment record`, {
        file: fileName,
        expected: 'a single-segment header',
      });
    if (Math.abs(h.samplingFrequency - fs) > 1e-9 * fs)
      throw badInput(`segment '${name}' is sampled at ${h.samplingFrequency} Hz, the record at ${fs} Hz`, {
        file: fileName,
        line: 1,
        expected: `${fs} Hz`,
      });
    return h;
  };

  // The record's signals: the layout segment's, or (fixed layout) the first real segment's.
  let layout: readonly WfdbSignalSpec[] | undefined;
  if (hasLayout) layout = (await headerOf(segments[0].name)).signals;
  const firstReal = parts.find((s) => s.name !== '~');
  let firstHeader: WfdbHeader | undefined;
  if (!layout && firstReal) firstHeader = await headerOf(firstReal.name);
  layout ??= firstHeader?.signals ?? [];
  const perFrame = layout.reduce((n, s) => n + s.samplesPerFrame, 0);
  checkDecodeLimit(opts.limits, 'maxSamples', total * perFrame, 'samples (all signals, all segments)', opts.fileName);

  const channels: ChannelOut[] = layout.map((s, i) => ({
    name: channelName(s, i),
    units: s.units,
    samplesPerFrame: s.samplesPerFrame,
    format: s.format,
    data: new Float32Array(total * s.samplesPerFrame).fill(NaN),
  }));
  let start = 0;
  for (const seg of parts) {
    throwIfAborted(opts.signal);
    if (seg.name !== '~') {
      const h = seg === firstReal && firstHeader ? firstHeader : await headerOf(seg.name);
      const decoded = await decodeSingleSegment(h, { ...opts, fileName: `${seg.name}.hea` }, budget, seg.samples);
      files.push(...decoded.dataFiles);
      notes.push(...decoded.notes.map((n) => `segment ${seg.name}: ${n}`));
      const used = new Set<number>();
      for (const [j, sig] of decoded.signals.entries()) {
        // Fixed layout: signals match by position; variable layout: by description.
        const c = hasLayout ? layout.findIndex((l, i) => !used.has(i) && l.description === sig.spec.description) : j;
        if (c < 0 || c >= channels.length) {
          if (hasLayout) continue; // a signal the layout does not list is not part of the record
          throw badInput(`segment '${seg.name}' has more signals than the record's first segment`, {
            file: `${seg.name}.hea`,
            line: sig.spec.line,
            expected: `${channels.length} signals`,
          });
        }
        used.add(c);
        if (channels[c].samplesPerFrame !== sig.spec.samplesPerFrame) {
          throw badInput(
            `signal '${channels[c].name}' has ${sig.spec.samplesPerFrame} samples per frame in segment '${seg.name}', ${channels[c].samplesPerFrame} in the layout`,
            { file: `${seg.name}.hea`, line: sig.spec.line, expected: `${channels[c].samplesPerFrame}` },
          );
        }
        channels[c].data.set(sig.data, start * channels[c].samplesPerFrame);
      }
    }
    start += seg.samples;
  }
  return channels;
}

async function readAnnotations(
  header: WfdbHeader,
  opts: WfdbReadOptions,
  budget: ReadBudget,
  files: string[],
): Promise<SignalAnnotation[]> {
  const out: SignalAnnotation[] = [];
  for (const annotator of opts.annotators ?? []) {
    throwIfAborted(opts.signal);
    const fileName = `${header.recordName}.${annotator}`;
    out.push(
      ...parseMitAnnotations(await readSibling(fileName, opts, budget), header.samplingFrequency, { fileName, limits: opts.limits }),
    );
    files.push(fileName);
  }
  return out.sort((a, b) => a.onset - b.onset);
}

/** Reads one WFDB record (header bytes + siblings) into a SignalSet with one record. */
export async function readWfdbRecord(headerBytes: Uint8Array, opts: WfdbReadOptions = {}): Promise<SignalSet> {
  throwIfAborted(opts.signal);
  const header = parseWfdbHeader(headerText(headerBytes), { fileName: opts.fileName });
  const files: string[] = opts.fileName ? [opts.fileName] : [];
  const notes: string[] = [];
  const budget = newBudget(opts.limits, opts.fileName);
  let channels: ChannelOut[];
  if (header.segments) {
    channels = await readMultiSegment(header, opts, budget, files, notes);
  } else {
    const decoded = await decodeSingleSegment(header, opts, budget);
    files.push(...decoded.dataFiles);
    notes.push(...decoded.notes);
    channels = decoded.signals.map((s, i) => ({
      name: channelName(s.spec, i),
      units: s.spec.units,
      samplesPerFrame: s.spec.samplesPerFrame,
      format: s.spec.format,
      data: s.data,
    }));
  }
  const annotations = await readAnnotations(header, opts, budget, files);
  const fs = header.samplingFrequency;
  const metadata: Record<string, string | number> = {
    format: 'WFDB',
    signalFormats: channels.map((c) => c.format).join(','),
    samplingFrequency: fs,
  };
  if (header.counterFrequency !== undefined) metadata.counterFrequency = header.counterFrequency;
  if (header.baseCounter !== undefined) metadata.baseCounter = header.baseCounter;
  if (header.baseTime !== undefined) metadata.baseTime = header.baseTime;
  if (header.baseDate !== undefined) metadata.baseDate = header.baseDate;
  if (header.segments) metadata.segments = header.segments.length;
  if (notes.length > 0) metadata.warnings = notes.join('; ');
  if (header.comments.length > 0) metadata.comments = header.comments.join(' | ').slice(0, 2000);
  const record: SignalRecord = {
    id: header.recordName,
    channels: channels.map((c): SignalChannel => ({ name: c.name, units: c.units, sampleRate: fs * c.samplesPerFrame, data: c.data })),
    annotations,
    startTime: header.baseDate ? `${header.baseDate}T${header.baseTime ?? '00:00:00'}` : undefined,
    sourceFiles: [...new Set(files)],
    metadata,
  };
  return { modality: 'signal', records: [record] };
}
