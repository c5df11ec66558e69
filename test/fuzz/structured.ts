// Structure-aware hostile inputs: cases byte mutation almost never reaches (a footer length that
// points before the file, a varint declaring a 2^63-byte field, a million-column header, nesting a
// million levels deep). Each builder takes a real fixture of its format and returns one case.
import type { FuzzRandom } from './random';
import { concatBytes as concat } from './bytes';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

export interface Built {
  readonly bytes: Uint8Array;
  readonly how: string[];
}

/** Sizes that stress a parser without making a legitimate parse slow: up to a few MB. */
function bigCount(rng: FuzzRandom): number {
  return rng.pick([1000, 65_535, 65_536, 100_000, 1_000_000, 2_000_000]);
}

export function structuredDelimited(rng: FuzzRandom, base: Uint8Array, delimiter: string): Built {
  const text = dec.decode(base);
  const lines = text.split(/\r?\n/);
  const header = lines[0] ?? 'a';
  const body = lines.slice(1, 50).join('\n');
  switch (rng.below(7)) {
    case 0: {
      const n = bigCount(rng);
      return { bytes: enc.encode(`${header}\n${'x'.repeat(n)}${delimiter}${body}\n`), how: [`longField:${n}`] };
    }
    case 1: {
      const n = rng.pick([10_000, 100_000, 1_000_000, 2_000_000]);
      const names = rng.chance(0.5) ? Array.from({ length: n }, (_, i) => `c${i}`).join(delimiter) : delimiter.repeat(n - 1);
      const row = rng.chance(0.5) ? `\n${'1'.concat(delimiter).repeat(n - 1)}1\n` : '\n';
      return { bytes: enc.encode(names + row), how: [`wideHeader:${n}`] };
    }
    case 2: {
      // An opening quote that is never closed, placed just before a 64 KiB stream chunk boundary.
      const filler = `${header}\n${body}\n`;
      const pad = Math.max(0, 65_536 - rng.below(4) - filler.length - 1);
      return { bytes: enc.encode(`${filler}${'y'.repeat(pad)}"${'z'.repeat(rng.size(200_000))}`), how: ['unterminatedQuoteAtChunk'] };
    }
    case 3: {
      const n = rng.pick([100_000, 500_000]);
      return { bytes: enc.encode(`${header}\n${`${rng.pick(['1', '"', '""', ''])}\n`.repeat(n)}`), how: [`manyRows:${n}`] };
    }
    case 4: {
      const crlf = rng.pick(['\r', '\r\n', '\n\r', '\u0000', '\ufeff']);
      return { bytes: enc.encode(text.split('\n').join(crlf)), how: [`lineEndings:${JSON.stringify(crlf)}`] };
    }
    case 5: {
      const quoted = `"${'a""b\n'.repeat(rng.size(100_000))}`;
      return { bytes: enc.encode(`${header}\n${quoted}"${delimiter}1\n`), how: ['quotedNewlines'] };
    }
    default: {
      const huge = rng.pick([
        '1e309',
        '-1e309',
        '9'.repeat(400),
        '0.' + '0'.repeat(400) + '1',
        '9999-99-99',
        '+275760-09-13T00:00:00.001Z',
      ]);
      return {
        bytes: enc.encode(
          `${header}\n${lines
            .slice(1, 20)
            .map((l) => l.replace(/[^,\t;|]+/, huge))
            .join('\n')}\n`,
        ),
        how: ['hugeNumbers'],
      };
    }
  }
}

export function structuredJsonLines(rng: FuzzRandom, base: Uint8Array): Built {
  const first = dec.decode(base).split('\n')[0] ?? '{}';
  switch (rng.below(5)) {
    case 0: {
      const depth = rng.pick([1000, 10_000, 100_000, 1_000_000]);
      const open = rng.chance(0.5) ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      return { bytes: enc.encode(`{"deep":${open.repeat(depth)}1${close.repeat(depth)}}\n${first}\n`), how: [`deepNesting:${depth}`] };
    }
    case 1: {
      const n = bigCount(rng) * 4;
      return { bytes: enc.encode(`{"big":"${'x'.repeat(n)}"}\n`), how: [`hugeString:${n}`] };
    }
    case 2: {
      const n = rng.pick([10_000, 100_000, 300_000]);
      const keys = Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',');
      return { bytes: enc.encode(`{${keys}}\n${first}\n`), how: [`manyKeys:${n}`] };
    }
    case 3: {
      const n = rng.pick([1000, 50_000]);
      // Each line adds a new key, so the column count grows with the row count.
      const lines = Array.from({ length: n }, (_, i) => `{"k${i}":1}`).join('\n');
      return { bytes: enc.encode(lines), how: [`sparseKeys:${n}`] };
    }
    default: {
      const v = rng.pick(['"\\ud800"', '1e400', '-0', '{"__proto__":{"x":1}}', '"\u2028"', '[]', 'null', '"\\u0000"']);
      return { bytes: enc.encode(`{"__proto__":${v},"constructor":${v},"a":${v}}\n${first}\n`), how: [`oddValue:${v}`] };
    }
  }
}

/** Parquet ends in <footer><u32 little-endian footer length>'PAR1'; most damage targets that footer. */
export function structuredParquet(rng: FuzzRandom, base: Uint8Array): Built {
  const out = base.slice();
  const view = new DataView(out.buffer);
  const footerLength = out.length >= 12 ? view.getUint32(out.length - 8, true) : 0;
  const footerStart = Math.max(4, out.length - 8 - footerLength);
  switch (rng.below(5)) {
    case 0: {
      const v = rng.pick([0, 1, 0x7fffffff, 0xffffffff, 0x80000000, footerLength + 1, out.length, out.length - 7]);
      view.setUint32(out.length - 8, v >>> 0, true);
      return { bytes: out, how: [`footerLength:${v}`] };
    }
    case 1: {
      // Thrift compact varints in the footer: make one declare a huge (or, zigzag, negative) size.
      const at = footerStart + rng.below(Math.max(1, footerLength));
      const varint = rng.pick([
        Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f),
        Uint8Array.of(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
        Uint8Array.of(0x01),
        Uint8Array.of(0x03),
      ]);
      out.set(varint.subarray(0, Math.max(0, out.length - 8 - at)), at);
      return { bytes: out, how: [`footerVarint@${at}`] };
    }
    case 2: {
      const from = 4 + rng.below(Math.max(1, footerStart - 4));
      const len = 1 + rng.size(Math.max(1, footerStart - from));
      return {
        bytes: concat(out.subarray(0, from), out.subarray(Math.min(footerStart, from + len))),
        how: [`truncatedPage@${from}+${len}`],
      };
    }
    case 3: {
      const from = 4 + rng.below(Math.max(1, footerStart - 4));
      out.fill(rng.pick([0x00, 0xff]), from, Math.min(footerStart, from + 1 + rng.size(256)));
      return { bytes: out, how: [`pageGarbage@${from}`] };
    }
    default:
      return { bytes: out.slice(0, rng.below(out.length)), how: ['truncatedFile'] };
  }
}

const HOSTILE_VALUES: readonly unknown[] = [
  '../outside.onnx',
  'linked.onnx',
  './linked.onnx',
  '/etc/passwd',
  '..\\model.onnx',
  'C:\\model.onnx',
  'sub/../../outside.onnx',
  'model.onnx\u0000.txt',
  '',
  'x'.repeat(5000),
  -1,
  0,
  1.5,
  1e12,
  2 ** 53,
  -(2 ** 31),
  Number.MAX_VALUE,
  null,
  true,
  [],
  {},
  [[-1, 1_000_000, 1_000_000]],
  [-1, 1e9],
  ['__proto__'],
];

/** Paths to every value inside a parsed manifest, so a mutation can replace any one of them. */
function valuePaths(v: unknown, path: (string | number)[], out: (string | number)[][]): void {
  out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => valuePaths(x, [...path, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) valuePaths(x, [...path, k], out);
}

const DEEP_MARK = '"@@deep@@"';

export function structuredManifest(rng: FuzzRandom, base: Uint8Array): Built {
  let json: unknown;
  try {
    json = JSON.parse(dec.decode(base));
  } catch {
    return { bytes: base, how: ['unparsedBase'] };
  }
  const paths: (string | number)[][] = [];
  valuePaths(json, [], paths);
  const how: string[] = [];
  let deep = 0;
  const edits = 1 + rng.size(3);
  for (let e = 0; e < edits; e++) {
    const path = rng.pick(paths.filter((p) => p.length > 0));
    if (!path) break;
    // An earlier edit may have removed or replaced part of this path: then the edit is skipped.
    const parent = path
      .slice(0, -1)
      .reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string | number, unknown>)[k] : undefined), json) as
      Record<string | number, unknown> | undefined;
    if (parent === undefined || parent === null || typeof parent !== 'object') continue;
    const key = path[path.length - 1];
    const choice = rng.below(5);
    if (choice === 0) {
      delete parent[key];
      how.push(`delete:${path.join('.')}`);
    } else if (choice === 1) {
      deep = rng.pick([1000, 20_000, 100_000]);
      parent[key] = '@@deep@@';
      how.push(`deep:${path.join('.')}:${deep}`);
    } else if (choice === 2 && Array.isArray(parent[key])) {
      const arr = parent[key] as unknown[];
      parent[key] = new Array<unknown>(rng.pick([1000, 100_000])).fill(arr[0] ?? 0);
      how.push(`longArray:${path.join('.')}`);
    } else {
      const v = rng.pick(HOSTILE_VALUES);
      parent[key] = structuredClone(v);
      how.push(`set:${path.join('.')}=${JSON.stringify(v)?.slice(0, 40)}`);
    }
  }
  let text = JSON.stringify(json);
  if (deep > 0) text = text.replace(DEEP_MARK, `${'['.repeat(deep)}${']'.repeat(deep)}`);
  return { bytes: enc.encode(text), how };
}

interface ProtoSpan {
  /** Where the length varint starts and ends, and the payload it declares. */
  readonly lengthAt: number;
  readonly payloadAt: number;
  readonly end: number;
}

function readVarint(b: Uint8Array, at: number): [number, number] | undefined {
  let v = 0;
  for (let i = 0; i < 10 && at + i < b.length; i++) {
    v += (b[at + i] & 0x7f) * 2 ** (7 * i);
    if ((b[at + i] & 0x80) === 0) return [v, at + i + 1];
  }
  return undefined;
}

/** Length-delimited fields of a protobuf message, recursing into those that parse as messages. */
function protoSpans(b: Uint8Array, from: number, to: number, depth: number, out: ProtoSpan[]): boolean {
  let at = from;
  while (at < to) {
    const tag = readVarint(b, at);
    if (!tag || tag[0] === 0) return false;
    at = tag[1];
    const wire = tag[0] % 8;
    if (wire === 0) {
      const v = readVarint(b, at);
      if (!v) return false;
      at = v[1];
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const len = readVarint(b, at);
      if (!len || len[1] + len[0] > to) return false;
      out.push({ lengthAt: at, payloadAt: len[1], end: len[1] + len[0] });
      // Recurse only into payloads that parse cleanly as messages (strings and packed data do not).
      if (depth < 6 && protoSpans(b, len[1], len[1] + len[0], depth + 1, [])) protoSpans(b, len[1], len[1] + len[0], depth + 1, out);
      at = len[1] + len[0];
    } else return false;
  }
  return at === to;
}

export function structuredOnnx(rng: FuzzRandom, base: Uint8Array): Built {
  const spans: ProtoSpan[] = [];
  protoSpans(base, 0, base.length, 0, spans);
  if (spans.length === 0 || rng.chance(0.15)) return { bytes: base.slice(0, rng.below(base.length)), how: ['truncated'] };
  const s = rng.pick(spans);
  switch (rng.below(4)) {
    case 0: {
      const huge = rng.pick([
        Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f),
        Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
        Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80),
      ]);
      return { bytes: concat(base.subarray(0, s.lengthAt), huge, base.subarray(s.payloadAt)), how: [`hugeLength@${s.lengthAt}`] };
    }
    case 1:
      return { bytes: base.slice(0, s.payloadAt + rng.below(Math.max(1, s.end - s.payloadAt))), how: [`truncatedInside@${s.payloadAt}`] };
    case 2: {
      // Declare one byte more than the field holds: the next field's tag is swallowed.
      const len = readVarint(base, s.lengthAt);
      const declared = (len ? len[0] : 0) + rng.pick([1, -1, 1000]);
      const bytes: number[] = [];
      let v = Math.max(0, declared);
      do {
        bytes.push((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v = Math.floor(v / 128);
      } while (v > 0);
      return {
        bytes: concat(base.subarray(0, s.lengthAt), Uint8Array.from(bytes), base.subarray(s.payloadAt)),
        how: [`offByLength@${s.lengthAt}`],
      };
    }
    default: {
      // A negative dimension or huge integer: a 10-byte varint of -1 written over a varint field.
      const at = s.payloadAt + rng.below(Math.max(1, s.end - s.payloadAt));
      return {
        bytes: concat(
          base.subarray(0, at),
          Uint8Array.of(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
          base.subarray(at),
        ),
        how: [`negativeVarint@${at}`],
      };
    }
  }
}
