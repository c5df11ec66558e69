// Minimal protobuf wire-format writer and reader. ONNX files are protobuf messages; we only need
// varints, fixed32 floats and length-delimited fields, so a small typed codec beats a dependency.
import { MedSynthError } from '../../errors';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

const textEncoder = new TextEncoder();

/** Appends protobuf fields to a growable buffer; nested messages are encoded first, then embedded. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private rawVarint(value: bigint): void {
    // Negative int64 values are written as their 64-bit two's complement, as protobuf requires.
    let v = BigInt.asUintN(64, value);
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(BigInt((field << 3) | wire));
  }

  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(typeof value === 'bigint' ? value : BigInt(Math.trunc(value)));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_BYTES);
    this.rawVarint(BigInt(value.length));
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** One decoded field: varints as bigint, length-delimited payloads as views into the source bytes. */
export type ProtoField =
  | { readonly field: number; readonly wire: 'varint'; readonly value: bigint }
  | { readonly field: number; readonly wire: 'bytes'; readonly value: Uint8Array }
  | { readonly field: number; readonly wire: 'fixed'; readonly value: Uint8Array };

function corrupt(source: string, offset: number, what: string): MedSynthError {
  return new MedSynthError('MODEL_INVALID', `not a valid ONNX protobuf: ${what}`, { file: source, offset });
}

/**
 * Splits one protobuf message into its top-level fields. Throws MODEL_INVALID on truncation or an
 * unknown wire type, which is how garbage bytes show up, so a corrupt .onnx never crashes the reader.
 */
export function readProtoFields(bytes: Uint8Array, source = 'model'): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (pos >= bytes.length) throw corrupt(source, pos, 'truncated varint');
      const b = bytes[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    throw corrupt(source, pos, 'varint longer than 10 bytes');
  };
  while (pos < bytes.length) {
    const start = pos;
    const key = readVarint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw corrupt(source, start, 'field number 0');
    if (wire === WIRE_VARINT) {
      out.push({ field, wire: 'varint', value: readVarint() });
    } else if (wire === WIRE_BYTES) {
      const n = readVarint();
      if (n > BigInt(bytes.length - pos)) throw corrupt(source, start, 'length beyond end of data');
      const len = Number(n);
      out.push({ field, wire: 'bytes', value: bytes.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === WIRE_FIXED32 || wire === WIRE_FIXED64) {
      const len = wire === WIRE_FIXED32 ? 4 : 8;
      if (pos + len > bytes.length) throw corrupt(source, start, 'truncated fixed field');
      out.push({ field, wire: 'fixed', value: bytes.subarray(pos, pos + len) });
      pos += len;
    } else {
      throw corrupt(source, start, `unsupported wire type ${wire}`);
    }
  }
  return out;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array, source = 'model'): string {
  try {
    return textDecoder.decode(bytes);
  } catch {
    throw corrupt(source, 0, 'string field is not UTF-8');
  }
}
