// Fuzz target 'wfdb': readWfdbRecord on a one-string container. The input is the header text, then
// optional sections each opened by a line '#--medsynth-fuzz-<kind>--' (kind: data, segment, atr):
// the sibling reader answers any '*.hea' name with the segment section (else the header itself), any
// '*.atr' with the atr section (then annotator 'atr' is read), and every other name with the data
// section. Names with '..' or a leading '/' are PATH_ESCAPE, as the storage layer answers them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MedSynthError } from '../../../src/core/errors';
import { readWfdbRecord } from '../../../src/core/data/wfdb/record';
import type { FuzzRandom } from '../random';
import type { Built } from '../structured';
import type { FuzzTargetSpec } from '../targetSpec';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'wfdb');
/** Small enough that every accepted input decodes inside the worker's memory and time bounds. */
const MAX_SAMPLES = 1 << 22;
const MARK = /#--medsynth-fuzz-(data|segment|atr)--\n/g;

type Kind = 'data' | 'segment' | 'atr';
interface Parts {
  header: Uint8Array;
  sections: Partial<Record<Kind, Uint8Array>>;
}

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const bytesOf = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

export function splitContainer(bytes: Uint8Array): Parts {
  const text = latin1(bytes);
  const marks = [...text.matchAll(MARK)];
  const header = bytesOf(text.slice(0, marks[0]?.index ?? text.length));
  const sections: Parts['sections'] = {};
  for (const [i, m] of marks.entries()) {
    const from = (m.index ?? 0) + m[0].length;
    sections[m[1] as Kind] ??= bytesOf(text.slice(from, marks[i + 1]?.index ?? text.length));
  }
  return { header, sections };
}

export function joinContainer(header: string, sections: Partial<Record<Kind, Uint8Array>>): Uint8Array {
  let out = header.endsWith('\n') ? header : `${header}\n`;
  for (const kind of ['segment', 'atr', 'data'] as const) {
    const s = sections[kind];
    if (s) out += `#--medsynth-fuzz-${kind}--\n${latin1(s)}`;
  }
  return bytesOf(out);
}

async function fixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(FIXTURES, name)));
}

async function loadCorpus(): Promise<Uint8Array[]> {
  const text = async (n: string): Promise<string> => latin1(await fixture(n));
  const out: Uint8Array[] = [];
  for (const f of [8, 16, 24, 32, 61, 80, 160, 212, 310, 311])
    out.push(joinContainer(await text(`fmt${f}.hea`), { data: await fixture(`fmt${f}.dat`) }));
  out.push(joinContainer(await text('ecg208.hea'), { data: await fixture('ecg208.dat'), atr: await fixture('ecg208.atr') }));
  out.push(joinContainer(await text('spf.hea'), { data: await fixture('spf.dat') }));
  out.push(joinContainer(await text('skew.hea'), { data: await fixture('skew.dat') }));
  out.push(joinContainer(await text('ecg12split.hea'), { data: await fixture('ecg12split_b.dat') }));
  out.push(joinContainer(await text('multi.hea'), { segment: await fixture('multi_1.hea'), data: await fixture('multi_1.dat') }));
  return out;
}

const FORMATS = [0, 8, 16, 24, 32, 61, 80, 160, 212, 310, 311, 508, 999];
const HUGE = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 1e9, 2 ** 53, 1e300, -1];

/** Rewrites the format field (first token after the file name) of every signal line with `edit`. */
function editSignals(lines: string[], edit: (fields: string[], i: number) => void): string[] {
  const start = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return lines.map((l, i) => {
    if (i <= start || l.trim() === '' || l.trim().startsWith('#')) return l;
    const f = l.trim().split(/\s+/);
    if (f.length >= 2) edit(f, i);
    return f.join(' ');
  });
}

function buildStructured(rng: FuzzRandom, base: Uint8Array): Built {
  const { header, sections } = splitContainer(base);
  const lines = latin1(header).split('\n');
  const rec = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const recFields = (lines[rec] ?? 'r 1').trim().split(/\s+/);
  const data = sections.data ?? new Uint8Array(0);
  const pickNum = (): string => String(rng.pick(HUGE));
  const done = (ls: string[], how: string, s = sections): Built => ({ bytes: joinContainer(ls.join('\n'), s), how: [how] });
  switch (rng.below(9)) {
    case 0: {
      const n = pickNum();
      recFields[3] = n;
      recFields[2] ??= '360';
      lines[rec] = recFields.join(' ');
      return done(lines, `nsamp:${n}`);
    }
    case 1: {
      const spf = rng.pick([0, 2, 1000, 65_536, 2 ** 31, 2 ** 40]);
      return done(
        editSignals(lines, (f) => (f[1] = f[1].replace(/^(\d+)(x\d+)?/, `$1x${spf}`))),
        `spf:${spf}`,
      );
    }
    case 2: {
      const skew = rng.pick([1, 3, 1000, 2 ** 31, 2 ** 53]);
      return done(
        editSignals(lines, (f, i) => (i % 2 === 0 ? (f[1] = f[1].replace(/^(\d+(?:x\d+)?)(:\d+)?/, `$1:${skew}`)) : undefined)),
        `skew:${skew}`,
      );
    }
    case 3: {
      const off = rng.pick([1, data.length, data.length + 1, 2 ** 32, 2 ** 53]);
      return done(
        editSignals(lines, (f) => (f[1] = f[1].replace(/(\+\d+)?$/, `+${off}`))),
        `offset:${off}`,
      );
    }
    case 4: {
      const n = rng.pick([2, 64, 4096, 4097, 100_000]);
      const sig = lines.slice(rec + 1).find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? 'r.dat 16';
      const varied = Array.from({ length: Math.min(n, 5000) }, (_, i) => (rng.chance(0.5) ? sig : sig.replace(/^\S+/, `f${i}.dat`)));
      return done([`${recFields[0]} ${n} ${recFields[2] ?? 250} ${recFields[3] ?? ''}`, ...varied], `signals:${n}`);
    }
    case 5: {
      const how: string[] = [];
      const out = editSignals(lines, (f) => {
        const fmt = rng.pick(FORMATS);
        how.push(String(fmt));
        f[1] = f[1].replace(/^\d+/, String(fmt));
      });
      return done(out, `formats:${how.join(',')}`);
    }
    case 6: {
      const g = rng.pick(['1e-300', '1e300', '0', '-0', '5e-324', 'NaN', '1(9007199254740991)', '1(-9007199254740991)/x']);
      return done(
        editSignals(lines, (f) => (f[2] = g)),
        `gain:${g}`,
      );
    }
    case 7: {
      // A multi-segment record whose segments all name the base header (via the segment section).
      const nseg = rng.pick([2, 10, 1000, 50_000]);
      const segLen = recFields[3] ?? '100';
      const segs = Array.from({ length: nseg }, (_, i) =>
        i === 0 && rng.chance(0.5)
          ? 'lay 0'
          : rng.chance(0.2)
            ? `~ ${rng.pick([1, 1000, 2 ** 31])}`
            : `seg${i % 3} ${rng.chance(0.8) ? segLen : pickNum()}`,
      );
      return done([`m/${nseg} ${recFields[1] ?? 1} ${recFields[2] ?? 250}`, ...segs], `segments:${nseg}`, { ...sections, segment: header });
    }
    default: {
      // Annotation words: SKIPs with hostile intervals, AUX lengths past the end, CHN/NUM/SUB runs.
      const words: number[] = [];
      for (let i = 0; i < rng.between(1, 200); i++) {
        const a = rng.pick([1, 5, 28, 59, 60, 61, 62, 63, 0, 45]);
        const w = (a << 10) | rng.below(1024);
        words.push(w & 0xff, w >> 8);
        if (a === 59) for (let k = 0; k < rng.pick([0, 2, 4]); k++) words.push(rng.below(256));
      }
      return done(lines, 'annotations', { ...sections, atr: Uint8Array.from(words) });
    }
  }
}

async function execute(bytes: Uint8Array): Promise<'ok' | 'skipped'> {
  const { header, sections } = splitContainer(bytes);
  const siblings = async (name: string): Promise<Uint8Array> => {
    if (name.includes('..') || name.startsWith('/')) throw new MedSynthError('PATH_ESCAPE', `'${name}' leaves the folder`, { file: name });
    if (name.endsWith('.hea')) return sections.segment ?? header;
    if (name.endsWith('.atr')) {
      if (!sections.atr) throw new MedSynthError('BAD_INPUT', `missing '${name}'`, { file: name });
      return sections.atr;
    }
    if (!sections.data) throw new MedSynthError('BAD_INPUT', `missing '${name}'`, { file: name });
    return sections.data;
  };
  const set = await readWfdbRecord(header, {
    fileName: 'fuzz.hea',
    siblings,
    limits: { maxSamples: MAX_SAMPLES },
    annotators: sections.atr ? ['atr'] : [],
    signal: AbortSignal.timeout(60_000),
  });
  if (set.modality !== 'signal' || set.records.length !== 1) throw new Error('invalid SignalSet: expected one record');
  const rec = set.records[0];
  const fs = Number(rec.metadata.samplingFrequency);
  if (!(fs > 0) || !Number.isFinite(fs)) throw new Error(`invalid SignalSet: sampling frequency ${fs}`);
  let frames: number | undefined;
  let total = 0;
  for (const c of rec.channels) {
    if (!(c.data instanceof Float32Array)) throw new Error(`invalid SignalSet: channel '${c.name}' data is not a Float32Array`);
    if (!(c.sampleRate > 0) || !Number.isFinite(c.sampleRate))
      throw new Error(`invalid SignalSet: channel '${c.name}' sample rate ${c.sampleRate}`);
    const spf = Math.round(c.sampleRate / fs);
    if (c.data.length % spf !== 0)
      throw new Error(`invalid SignalSet: channel '${c.name}' has ${c.data.length} values for ${spf} samples per frame`);
    const f = c.data.length / spf;
    if (frames !== undefined && f !== frames) throw new Error(`invalid SignalSet: channel '${c.name}' has ${f} frames, others ${frames}`);
    frames = f;
    total += c.data.length;
    for (const v of c.data) if (v === Infinity || v === -Infinity) throw new Error(`invalid SignalSet: channel '${c.name}' holds ${v}`);
  }
  if (total > MAX_SAMPLES) throw new Error(`invalid SignalSet: ${total} samples passed maxSamples ${MAX_SAMPLES}`);
  for (const a of rec.annotations) {
    if (!Number.isFinite(a.onset) || a.onset < 0 || a.duration !== 0) throw new Error(`invalid SignalSet: annotation onset ${a.onset}`);
  }
  return 'ok';
}

export const wfdbTarget: FuzzTargetSpec = {
  name: 'wfdb',
  extension: 'wfdb',
  loadCorpus,
  buildStructured,
  execute: (bytes) => execute(bytes),
};
