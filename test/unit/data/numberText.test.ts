// writeNumber, the writers' fast number-to-text path, against the ECMAScript reference it replaces:
// Number.prototype.toString (String(v)) as V8 implements it, on rounded measurements, integers,
// float32 outputs, tiny and huge magnitudes and the edges of fixed notation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteSink } from '../../../src/core/data/byteSink';
import { writeNumber } from '../../../src/core/data/table/tableWriter';

const decoder = new TextDecoder();

function text(v: number): string {
  const sink = new ByteSink();
  writeNumber(sink, v);
  return decoder.decode(sink.take());
}

function expected(v: number): string {
  return v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
}

describe('writeNumber', () => {
  it('prints edge values exactly as String does', () => {
    const edges = [
      0,
      -0,
      1,
      -1,
      0.1,
      0.1 + 0.2,
      1e-6,
      -1e-6,
      9.99e-7,
      1e-7,
      5e-324,
      1e15,
      1e15 - 1,
      999999999999999.9,
      123456789012345.6,
      1e20,
      1e21,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 53,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_VALUE,
      1200,
      0.000001234,
      100.5,
      -0.5,
    ];
    for (const v of edges) assert.equal(text(v), expected(v), `value ${v}`);
    assert.equal(text(Infinity), 'inf');
    assert.equal(text(-Infinity), '-inf');
  });

  it('agrees with String on 400,000 seeded values (rounded, integer, float32, any magnitude)', () => {
    let s = 12345;
    const rand = (): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 4294967296;
    };
    let mismatches = 0;
    for (let i = 0; i < 400_000; i++) {
      const decimals = Math.floor(rand() * 18);
      let v = (rand() - 0.5) * 10 ** Math.floor(rand() * 30 - 12);
      if (i % 3 === 0) v = Math.round(v * 10 ** decimals) / 10 ** decimals;
      if (i % 7 === 0) v = Math.round(v);
      if (i % 11 === 0) v = Math.fround(v);
      if (text(v) !== expected(v) && mismatches++ < 5) assert.fail(`value ${v}: '${text(v)}' vs '${expected(v)}'`);
    }
    assert.equal(mismatches, 0);
  });
});
