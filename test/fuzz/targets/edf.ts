// Fuzz target `edf`: readEdf on EDF, EDF+ and BDF bytes. Seeds are the real fixtures in
// test/fixtures/edf/; structured cases forge the header's sizes (signal count, header length, samples
// per record, record count, duration), the numeric fields, and the annotation lists (a million tiny
// TALs, one huge label, missing terminators, separators in odd places).
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readEdf } from '../../../src/core/data/edf/edfReader';
import type { FuzzRandom } from '../random';
import type { Built } from '../structured';
import type { FuzzTargetSpec } from '../targetSpec';

const DIR = join(__dirname, '..', '..', 'fixtures', 'edf');
const WIDTHS = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32];

function field(text: string, width: number): string {
  return text.slice(0, width).padEnd(width, ' ');
}

function put(bytes: Uint8Array, at: number, width: number, text: string): void {
  const t = field(text, width);
  for (let i = 0; i < width && at + i < bytes.length; i++) bytes[at + i] = t.charCodeAt(i) & 0xff;
}

function nsOf(bytes: Uint8Array): number {
  const n = Number(String.fromCharCode(...bytes.subarray(252, 256)).trim());
  return Number.isInteger(n) && n > 0 && 256 * (n + 1) <= bytes.length ? n : 0;
}

function fieldAt(ns: number, k: number, i: number): number {
  return 256 + ns * WIDTHS.slice(0, k).reduce((a, b) => a + b, 0) + i * WIDTHS[k];
}

interface Sig {
  label: string;
  spr: number;
  pmin?: string;
  pmax?: string;
  dmin?: string;
  dmax?: string;
}

/** A whole EDF(+) file: `records` records whose data bytes come from `fill(recordIndex, signalIndex, byteCount)`. */
function build(
  sigs: Sig[],
  records: number,
  opts: { reserved?: string; duration?: string; declared?: string; fill: (r: number, s: number, n: number) => Uint8Array },
): Uint8Array {
  const ns = sigs.length;
  let h = field('0', 8) + field('X X X X', 80) + field('Startdate X X X X', 80) + '01.01.01' + '00.00.00';
  h +=
    field(String(256 * (ns + 1)), 8) +
    field(opts.reserved ?? 'EDF+C', 44) +
    field(opts.declared ?? String(records), 8) +
    field(opts.duration ?? '1', 8) +
    field(String(ns), 4);
  const cols: ((s: Sig) => string)[] = [
    (s) => s.label,
    () => '',
    () => 'uV',
    (s) => s.pmin ?? '-100',
    (s) => s.pmax ?? '100',
    (s) => s.dmin ?? '-32768',
    (s) => s.dmax ?? '32767',
    () => '',
    (s) => String(s.spr),
    () => '',
  ];
  for (const [k, col] of cols.entries()) for (const s of sigs) h += field(col(s), WIDTHS[k]);
  const recordBytes = sigs.reduce((n, s) => n + 2 * s.spr, 0);
  const out = new Uint8Array(h.length + records * recordBytes);
  for (let i = 0; i < h.length; i++) out[i] = h.charCodeAt(i);
  let at = h.length;
  for (let r = 0; r < records; r++) {
    for (const [k, s] of sigs.entries()) {
      out.set(opts.fill(r, k, 2 * s.spr).subarray(0, 2 * s.spr), at);
      at += 2 * s.spr;
    }
  }
  return out;
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function hostileTals(rng: FuzzRandom): { text: Uint8Array; how: string } {
  switch (rng.below(6)) {
    case 0: {
      const n = rng.pick([10_000, 100_000, 300_000]);
      return { text: ascii('+0\x14\x14\x00' + '+1\x14a\x14\x00'.repeat(n)), how: `manyTals:${n}` };
    }
    case 1: {
      const n = rng.pick([10_000, 1_000_000]);
      return {
        text: ascii(`+0\x14\x14\x00+1\x15${rng.pick(['1', '1e400', '9'.repeat(60)])}\x14${'L'.repeat(n)}\x14\x00`),
        how: `longLabel:${n}`,
      };
    }
    case 2: {
      const n = rng.pick([100_000, 1_000_000, 2_000_000]);
      return { text: ascii(`+0\x14\x14\x00+1\x14${'\x14'.repeat(n)}\x00`), how: `manySeparators:${n}` };
    }
    case 3:
      return { text: ascii(`+0\x14\x14${'x'.repeat(rng.size(100_000))}`), how: 'unterminated' };
    case 4: {
      const alphabet = ['+', '-', '.', '0', '9', '\x14', '\x15', '\x00', 'a', '\xff', 'e'];
      const n = rng.size(200_000) + 1;
      return { text: ascii(Array.from({ length: n }, () => rng.pick(alphabet)).join('')), how: `talSoup:${n}` };
    }
    default:
      return {
        text: ascii(`${rng.pick(['+', '-', '+.', '+1e5', '+0x10', '+1..2', '++1', '+' + '1'.repeat(64)])}\x14\x14\x00`),
        how: 'badOnset',
      };
  }
}

export function buildEdfStructured(rng: FuzzRandom, base: Uint8Array): Built {
  const out = base.slice();
  const ns = nsOf(base);
  switch (rng.below(9)) {
    case 0: {
      const n = rng.pick([1000, 4096, 9999]);
      const records = rng.pick([0, 1, 3]);
      const sigs = Array.from({ length: n }, (_, i) => ({ label: `S${i}`, spr: 1 }));
      return {
        bytes: build(sigs, records, { reserved: '', fill: (_r, _s, b) => new Uint8Array(b).fill(0x41) }),
        how: [`hugeNs:${n}x${records}`],
      };
    }
    case 1: {
      if (ns === 0) break;
      const spr = rng.pick(['99999999', '16777216', '1000000', '0', '-1', '1e3', '2147483648']);
      put(out, fieldAt(ns, 8, rng.below(ns)), 8, spr);
      return { bytes: out, how: [`spr:${spr}`] };
    }
    case 2: {
      const n = rng.pick(['99999999', '-1', '0', '-2', '21474836', '2147483648', '1.5', '']);
      put(out, 236, 8, n);
      return { bytes: rng.chance(0.5) ? out.subarray(0, out.length - rng.below(out.length - 255)) : out, how: [`records:${n}`] };
    }
    case 3: {
      const h = rng.pick(['0', '256', String(256 * (ns + 1) + 1), String(256 * (ns + 1) - 256), '99999999', '-256']);
      put(out, 184, 8, h);
      return { bytes: out, how: [`headerBytes:${h}`] };
    }
    case 4: {
      if (ns === 0) break;
      const k = rng.pick([3, 4, 5, 6]);
      const v = rng.pick([
        '1e308',
        '-1e308',
        '1e-320',
        '-0',
        '.',
        '+',
        ',5',
        '1,5',
        '32767',
        '-32768',
        '8388607',
        '-8388608',
        '0',
        'inf',
        '0x10',
        '1e39',
      ]);
      put(out, fieldAt(ns, k, rng.below(ns)), 8, v);
      return { bytes: out, how: [`numeric:${k}:${v}`] };
    }
    case 5: {
      const d = rng.pick(['0', '1e-320', '1e-9', '1e308', '-0', '0.000001', '99999999']);
      put(out, 244, 8, d);
      return { bytes: out, how: [`duration:${d}`] };
    }
    case 6: {
      const { text, how } = hostileTals(rng);
      const spr = Math.ceil(text.length / 2);
      const records = rng.pick([1, 2]);
      const sigs = [
        { label: 'ECG', spr: 10 },
        { label: 'EDF Annotations', spr },
      ];
      const fill = (r: number, s: number, n: number): Uint8Array =>
        s === 0 ? new Uint8Array(n) : r === 0 ? text : ascii(`+${r}\x14\x14\x00`);
      return { bytes: build(sigs, records, { reserved: rng.pick(['EDF+C', 'EDF+D', '']), fill }), how: [how] };
    }
    case 7: {
      // Annotation-only, many tiny records: the per-record loop must stay fast.
      const records = rng.pick([100_000, 1_000_000, 2_000_000]);
      const reserved = rng.pick(['EDF+C', 'EDF+C', 'EDF+D']);
      const head = build([{ label: 'EDF Annotations', spr: 4 }], 0, {
        reserved,
        duration: '0',
        declared: rng.pick(['-1', String(records)]),
        fill: () => new Uint8Array(0),
      });
      const out = new Uint8Array(head.length + records * 8);
      out.set(head);
      // A time-keeping TAL in every record for EDF+D, in every 97th for EDF+C.
      for (let r = 0; r < records; r += reserved === 'EDF+D' ? 1 : 97) out.set(ascii(`+${r % 1000}\x14\x14\x00`), head.length + r * 8);
      return { bytes: out, how: [`tinyRecords:${reserved}:${records}`] };
    }
    default: {
      const date = rng.pick(['00.00.00', '29.02.01', '29.02.00', '31.12.yy', 'dd.mm.yy', '01.13.99']);
      put(out, rng.chance(0.5) ? 168 : 176, 8, date);
      if (rng.chance(0.5))
        put(out, 88, 80, rng.pick(['Startdate 29-FEB-2100 X X X', 'Startdate 31-DEC-9999 X', 'Startdate 01-JAN-0000 X', 'Startdate']));
      return { bytes: out, how: [`date:${date}`] };
    }
  }
  return { bytes: out.subarray(0, rng.below(out.length + 1)), how: ['truncated'] };
}

async function execute(bytes: Uint8Array): Promise<'ok' | 'skipped'> {
  const set = await readEdf(bytes, { fileName: 'fuzz.edf' });
  const fail = (what: string): never => {
    throw new Error(`invalid SignalSet: ${what}`);
  };
  if (set.modality !== 'signal' || set.records.length !== 1) fail('not one signal record');
  const rec = set.records[0];
  const records = rec.metadata.dataRecords;
  const duration = rec.metadata.recordDuration;
  if (typeof records !== 'number' || !Number.isSafeInteger(records) || records < 0) fail(`dataRecords ${String(records)}`);
  if (typeof duration !== 'number' || !(duration >= 0)) fail(`recordDuration ${String(duration)}`);
  for (const c of rec.channels) {
    if (!(c.sampleRate > 0 && Number.isFinite(c.sampleRate))) fail(`${c.name}: sample rate ${c.sampleRate}`);
    const spr = c.sampleRate * (duration as number);
    if (Math.abs(c.data.length - spr * (records as number)) > 1e-6 * c.data.length + 1e-9)
      fail(`${c.name}: ${c.data.length} samples for ${String(records)} records of ${spr}`);
    for (let i = 0; i < c.data.length; i++) if (!Number.isFinite(c.data[i])) fail(`${c.name}[${i}] = ${c.data[i]}`);
  }
  for (const a of rec.annotations) {
    if (!Number.isFinite(a.onset) || !Number.isFinite(a.duration) || a.duration < 0 || typeof a.label !== 'string' || a.label === '')
      fail(`annotation ${JSON.stringify(a)}`);
  }
  if (rec.startTime !== undefined && Number.isNaN(Date.parse(`${rec.startTime}Z`))) fail(`startTime ${rec.startTime}`);
  for (const v of Object.values(rec.metadata)) if (typeof v === 'number' && !Number.isFinite(v)) fail('non-finite metadata');
  return 'ok';
}

export const edfTarget: FuzzTargetSpec = {
  name: 'edf',
  extension: 'edf',
  async loadCorpus() {
    const names = (await readdir(DIR)).filter((n) => /\.(edf|bdf)$/.test(n)).sort();
    return Promise.all(names.map(async (n) => new Uint8Array(await readFile(join(DIR, n)))));
  },
  buildStructured: buildEdfStructured,
  execute: async (bytes) => execute(bytes),
};
