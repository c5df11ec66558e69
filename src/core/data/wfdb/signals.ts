// Reads the samples of a single-segment WFDB record: groups its signals by data file, checks the
// declared size against maxSamples before allocating, and converts each sample to physical units,
// (adc - baseline) / gain, with the format's invalid-sample marker becoming NaN. Data files come only
// through the caller's sibling reader (core never touches the file system).

import { MedSynthError, badInput, throwIfAborted } from '../../errors';
import { checkDecodeLimit, decodeLimit, decodeLimitError } from '../decodeLimits';
import type { DecodeLimits } from '../decodeLimits';
import type { MultiFileReadOptions } from '../readOptions';
import { FLAC_FORMATS, SUPPORTED_FORMATS, bytesForSamples, decodeStream, invalidSentinel, samplesInBytes } from './formats';
import type { WfdbHeader, WfdbSignalSpec } from './header';

export interface DecodedSignal {
  readonly spec: WfdbSignalSpec;
  /** frames x samplesPerFrame physical values. */
  readonly data: Float32Array;
}

export interface DecodedSegment {
  readonly frames: number;
  readonly signals: readonly DecodedSignal[];
  readonly dataFiles: readonly string[];
  /** Problems that keep the data usable (a checksum that does not match), for the record's metadata. */
  readonly notes: readonly string[];
}

interface Group {
  readonly fileName: string;
  readonly format: number;
  readonly members: readonly number[];
}

function checkFormats(header: WfdbHeader, file: string | undefined): void {
  for (const s of header.signals) {
    if (FLAC_FORMATS.includes(s.format))
      throw new MedSynthError('UNSUPPORTED', `signal format ${s.format} (FLAC-compressed) is not supported`, {
        file,
        line: s.line,
        expected: `one of ${SUPPORTED_FORMATS.join(', ')}`,
      });
    if (!SUPPORTED_FORMATS.includes(s.format))
      throw new MedSynthError('UNSUPPORTED', `signal format ${s.format} is not a WFDB format this reader handles`, {
        file,
        line: s.line,
        expected: `one of ${SUPPORTED_FORMATS.join(', ')}`,
      });
  }
}

/** Consecutive signals naming one file form a group (signal(5) multiplexing); format 0 and '~' are null signals. */
function groupsOf(signals: readonly WfdbSignalSpec[], file: string | undefined): Group[] {
  const groups: Group[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < signals.length; i++) {
    const s = signals[i];
    if (s.format === 0 || s.fileName === '~') continue;
    const last = groups[groups.length - 1];
    if (last && last.fileName === s.fileName && last.members[last.members.length - 1] === i - 1) {
      if (s.format !== last.format)
        throw badInput(
          `signal ${i} is stored in '${s.fileName}' with format ${s.format}, but that file's other signals use format ${last.format}`,
          { file, line: s.line, expected: 'one format per data file' },
        );
      (last.members as number[]).push(i);
      continue;
    }
    if (seen.has(s.fileName))
      throw badInput(`signals stored in '${s.fileName}' are not listed together`, {
        file,
        line: s.line,
        expected: 'the signals of one data file on consecutive lines',
      });
    seen.add(s.fileName);
    groups.push({ fileName: s.fileName, format: s.format, members: [i] });
  }
  return groups;
}

export /** Physical values beyond this would round to Infinity in float32. */
const FLOAT32_SAFE = 3e38;

/**
 * Work one record may cause beyond its output: bytes read through the sibling reader and samples
 * walked. Without it a multi-segment header listing one large segment 100 000 times (or a skew that
 * makes a format 8 reader walk a whole file for a few samples) would cost far more than its output.
 */
export interface ReadBudget {
  bytes: number;
  samples: number;
  readonly limits?: DecodeLimits;
  readonly fileName?: string;
}

export function newBudget(limits: DecodeLimits | undefined, fileName?: string): ReadBudget {
  const max = decodeLimit(limits, 'maxSamples');
  // Twice the output cap in samples walked, and 4 bytes per sample plus 256 MiB of headers, prologs and spare frames read.
  return { bytes: 4 * max + 2 ** 28, samples: 2 * max, limits, fileName };
}

function spend(budget: ReadBudget, what: 'bytes' | 'samples', n: number): void {
  budget[what] -= n;
  if (budget[what] < 0) {
    const max = decodeLimit(budget.limits, 'maxSamples');
    throw decodeLimitError(
      'maxSamples',
      max,
      Infinity,
      what === 'bytes' ? 'bytes to read for its samples' : 'samples to walk for its data',
      budget.fileName,
    );
  }
}

export async function readSibling(name: string, opts: MultiFileReadOptions, budget?: ReadBudget): Promise<Uint8Array> {
  const bytes = await readSiblingRaw(name, opts);
  if (budget) spend(budget, 'bytes', bytes.length);
  return bytes;
}

async function readSiblingRaw(name: string, opts: MultiFileReadOptions): Promise<Uint8Array> {
  if (!opts.siblings)
    throw new MedSynthError('BAD_USAGE', `the WFDB record needs its file '${name}', but no way to read sibling files was given`, {
      file: opts.fileName,
    });
  try {
    return await opts.siblings(name);
  } catch (e) {
    if (e instanceof MedSynthError) throw e;
    throw new MedSynthError('IO', `cannot read '${name}': ${e instanceof Error ? e.message : String(e)}`, { file: name }, { cause: e });
  }
}

const signed16 = (v: number): number => ((((v % 65536) + 65536) % 65536) << 16) >> 16;

/**
 * Decodes the signals of a single-segment header. `frames` overrides the header's sample count (a
 * segment's length comes from its multi-segment parent).
 */
export async function decodeSingleSegment(
  header: WfdbHeader,
  opts: MultiFileReadOptions,
  budget: ReadBudget,
  frames?: number,
): Promise<DecodedSegment> {
  const file = opts.fileName;
  checkFormats(header, file);
  const groups = groupsOf(header.signals, file);
  const perFrame = header.signals.reduce((n, s) => n + s.samplesPerFrame, 0);
  // header(5): a sample count of 0 (or none) leaves the length to the data files.
  const stated = frames ?? (header.samples ? header.samples : undefined);
  let declared = stated;
  // Checked in floating point before any data file is read, so a 1e9-sample header costs nothing.
  if (declared !== undefined) checkDecodeLimit(opts.limits, 'maxSamples', declared * perFrame, 'samples (all signals)', file);

  const files: Uint8Array[] = [];
  const available: number[] = [];
  for (const g of groups) {
    throwIfAborted(opts.signal);
    const bytes = await readSibling(g.fileName, opts, budget);
    const first = header.signals[g.members[0]];
    const groupFrame = g.members.reduce((n, i) => n + header.signals[i].samplesPerFrame, 0);
    if (first.byteOffset > bytes.length)
      throw badInput(`the byte offset ${first.byteOffset} is past the end of the ${bytes.length}-byte file`, {
        file: g.fileName,
        offset: bytes.length,
        expected: `at least ${first.byteOffset} bytes`,
      });
    const frameCount = Math.floor(samplesInBytes(g.format, bytes.length - first.byteOffset) / groupFrame);
    if (declared !== undefined && frameCount < declared) {
      const need = first.byteOffset + bytesForSamples(g.format, declared * groupFrame);
      throw badInput(`the data file ends after ${frameCount} of the ${declared} frames the header declares`, {
        file: g.fileName,
        offset: bytes.length,
        expected: `${need} bytes`,
      });
    }
    files.push(bytes);
    available.push(frameCount);
  }
  if (declared === undefined) {
    // header(5): without a sample count the record lasts as long as its shortest data file.
    declared = available.length > 0 ? Math.min(...available) : 0;
    checkDecodeLimit(opts.limits, 'maxSamples', declared * perFrame, 'samples (all signals)', file);
  }
  const n = declared;
  checkRange(header, n, file);

  const out = header.signals.map((spec) => ({ spec, data: new Float32Array(n * spec.samplesPerFrame) }));
  for (const [i, s] of header.signals.entries()) if (s.format === 0 || s.fileName === '~') out[i].data.fill(NaN);
  const notes: string[] = [];
  for (const [gi, g] of groups.entries()) {
    const sums = decodeGroup(header, g, files[gi], available[gi], n, out, opts.signal, budget);
    if (stated === undefined) continue; // A checksum covers a stated length only.
    for (const [m, i] of g.members.entries()) {
      const want = header.signals[i].checksum;
      if (want !== undefined && signed16(want) !== signed16(sums[m]))
        notes.push(`checksum mismatch on signal ${i} (header ${want}, data ${signed16(sums[m])})`);
    }
  }
  return { frames: n, signals: out, dataFiles: groups.map((g) => g.fileName), notes };
}

/** Refuses a gain so small that (adc - baseline) / gain would overflow float32 (Infinity is not a sample). */
function checkRange(header: WfdbHeader, frames: number, file: string | undefined): void {
  for (const [i, s] of header.signals.entries()) {
    // Format 8 accumulates differences of at most 128 per sample from its initial value.
    const adc = s.format === 8 ? Math.abs(s.initialValue) + 128 * (frames + s.skew) * s.samplesPerFrame : 2 ** 31;
    if ((adc + Math.abs(s.baseline)) / s.gain > FLOAT32_SAFE) {
      throw badInput(`signal ${i} ADC gain ${s.gain} (baseline ${s.baseline}) would give physical values beyond float32`, {
        file,
        line: s.line,
        expected: 'a larger gain',
      });
    }
  }
}

/** Walks a group's frames once; returns each member's 16-bit sample sum over the first `n` frames. */
function decodeGroup(
  header: WfdbHeader,
  g: Group,
  bytes: Uint8Array,
  available: number,
  n: number,
  out: DecodedSignal[],
  signal: AbortSignal | undefined,
  budget: ReadBudget,
): number[] {
  const specs = g.members.map((i) => header.signals[i]);
  const sentinel = invalidSentinel(g.format);
  const groupFrame = specs.reduce((t, s) => t + s.samplesPerFrame, 0);
  const maxSkew = Math.max(...specs.map((s) => s.skew));
  const last = Math.min(available, n + maxSkew);
  spend(budget, 'samples', last * groupFrame);
  const raw = decodeStream(g.format, bytes, specs[0].byteOffset, last * groupFrame);
  const acc = specs.map((s) => s.initialValue);
  const sums = specs.map(() => 0);
  const datas = g.members.map((i) => out[i].data);
  if (g.format !== 8 && specs.every((s) => s.samplesPerFrame === 1 && s.skew === 0)) {
    // The common layout (one sample per frame, no skew, no differences): one strided pass per signal.
    const stride = specs.length;
    const bad = sentinel ?? 2 ** 31; // a number no Int32 holds when the format has no marker: keeps the compare monomorphic
    for (let m = 0; m < stride; m++) {
      throwIfAborted(signal);
      const { baseline, gain } = specs[m];
      const data = datas[m];
      let sum = 0;
      for (let f = 0, k = m; f < last; f++, k += stride) {
        const v = raw[k];
        sum = (sum + v) | 0;
        data[f] = v === bad ? NaN : (v - baseline) / gain;
      }
      sums[m] = sum;
    }
    return sums;
  }
  // A skewed signal's last samples lie in frames the file may not hold.
  for (const [m, s] of specs.entries()) if (s.skew > 0) datas[m].fill(NaN, Math.max(0, last - s.skew) * s.samplesPerFrame);
  for (let f = 0; f < last; f++) {
    if ((f & 0xffff) === 0) throwIfAborted(signal);
    let k = f * groupFrame;
    for (let m = 0; m < specs.length; m++) {
      const s = specs[m];
      const t = f - s.skew;
      const data = datas[m];
      for (let j = 0; j < s.samplesPerFrame; j++, k++) {
        let v = raw[k];
        if (g.format === 8) v = acc[m] += v;
        if (f < n) sums[m] = (sums[m] + v) | 0;
        if (t >= 0 && t < n) data[t * s.samplesPerFrame + j] = v === sentinel ? NaN : (v - s.baseline) / s.gain;
      }
    }
  }
  return sums;
}
