// Bit layouts pinned by hand from signal(5) (the bytes and the integers they hold are worked out in the
// comments, not produced by our code), header(5) defaults, and the multiplexing of signals with
// several samples per frame.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWfdbHeader } from '../../../src/core/data/wfdb/header';
import { readWfdbRecord } from '../../../src/core/data/wfdb/record';
import type { SignalRecord } from '../../../src/core/data/signalSet';
import { enc, mapSiblings } from './wfdbHelpers';

/** A one-signal record whose gain is 1 and baseline 0, so physical values equal the stored integers. */
async function decode(format: string, bytes: number[], samples: number, extra = ''): Promise<(number | null)[]> {
  const hea = `r 1 100 ${samples}\nr.dat ${format} 1(0)/adu 12 0 ${extra}\n`;
  const set = await readWfdbRecord(enc(hea), { fileName: 'r.hea', siblings: mapSiblings({ 'r.dat': bytes }) });
  return Array.from(set.records[0].channels[0].data, (v) => (Number.isNaN(v) ? null : v));
}

describe('WFDB sample formats, bytes worked out by hand', () => {
  it('212: 0x123 and -2 in 23 f1 fe; a third, odd sample 0x800 = -2048 (invalid) in 00 08', async () => {
    // first = 0x23 | (0xf1 & 0x0f) << 8 = 0x123 = 291; second = 0xfe | (0xf1 & 0xf0) << 4 = 0xffe = -2.
    assert.deepEqual(await decode('212', [0x23, 0xf1, 0xfe], 2), [291, -2]);
    assert.deepEqual(await decode('212', [0x23, 0xf1, 0xfe, 0x00, 0x08], 3), [291, -2, null]);
  });

  it('310: 5, -3, 300 in 0a 60 fa 4f', async () => {
    // word0 = 5 << 1 | (300 & 0x1f) << 11 = 0x000a | 0x6000; word1 = (-3 & 0x3ff) << 1 | (300 >> 5) << 11 = 0x07fa | 0x4800.
    assert.deepEqual(await decode('310', [0x0a, 0x60, 0xfa, 0x4f], 3), [5, -3, 300]);
    assert.deepEqual(await decode('310', [0x0a, 0x60], 1), [5]);
  });

  it('311: 5, -3, 300 in 05 f4 cf 12', async () => {
    // word = 5 | 0x3fd << 10 | 300 << 20 = 0x12cff405, least significant byte first.
    assert.deepEqual(await decode('311', [0x05, 0xf4, 0xcf, 0x12], 3), [5, -3, 300]);
    assert.deepEqual(await decode('311', [0x05, 0xf4, 0x0f], 2), [5, -3]);
    // -512 (0x200) is the invalid marker.
    assert.deepEqual(await decode('311', [0x00, 0x02], 1), [null]);
  });

  it('8: first differences 0, 5, -3, -128 from initial value 10 give 10, 15, 12, -116', async () => {
    assert.deepEqual(await decode('8', [0x00, 0x05, 0xfd, 0x80], 4, '10'), [10, 15, 12, -116]);
  });

  it('80 and 160: offset binary, the lowest code is invalid', async () => {
    assert.deepEqual(await decode('80', [0x80, 0x00, 0xff], 3), [0, null, 127]);
    assert.deepEqual(await decode('160', [0x00, 0x80, 0xff, 0xff, 0x00, 0x00], 3), [0, 32767, null]);
  });

  it("16, 61, 24, 32: little and big endian two's complement", async () => {
    assert.deepEqual(await decode('16', [0x34, 0x12, 0x00, 0x80, 0xfe, 0xff], 3), [0x1234, null, -2]);
    assert.deepEqual(await decode('61', [0x01, 0x02, 0xff, 0xfe], 2), [0x0102, -2]);
    // 0x830201 - 2^24 = -8191487.
    assert.deepEqual(await decode('24', [0x01, 0x02, 0x83, 0x00, 0x00, 0x80], 2), [-8191487, null]);
    // 0x40000000 = 2^30 (exact in float32); 0x80000000 = -2^31 is the invalid marker.
    assert.deepEqual(await decode('32', [0x00, 0x00, 0x00, 0x40, 0xfe, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x80], 3), [2 ** 30, -2, null]);
  });

  it('a byte offset skips a prolog; physical = (adc - baseline) / gain', async () => {
    const hea = 'r 1 100 2\nr.dat 16+3 4(2)/uV 16 0\n';
    const set = await readWfdbRecord(enc(hea), { siblings: mapSiblings({ 'r.dat': [9, 9, 9, 10, 0, 0xfe, 0xff] }) });
    assert.deepEqual(Array.from(set.records[0].channels[0].data), [2, -1]); // (10-2)/4, (-2-2)/4
  });

  it('multiplexed signals with 2 and 1 samples per frame: stream 1..6 splits into [1,2,4,5] and [3,6]', async () => {
    const hea = 'r 2 50 2\nr.dat 16x2 2(1) 16 0 0 0 0 fast\nr.dat 16 2(1) 16 0 0 0 0 slow\n';
    const data = [1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0];
    const rec = (await readWfdbRecord(enc(hea), { siblings: mapSiblings({ 'r.dat': data }) })).records[0];
    assert.deepEqual(Array.from(rec.channels[0].data), [0, 0.5, 1.5, 2]);
    assert.deepEqual(Array.from(rec.channels[1].data), [1, 2.5]);
    assert.equal(rec.channels[0].sampleRate, 100);
    assert.equal(rec.channels[1].sampleRate, 50);
  });

  it('skew: a delayed signal reads from later frames; frames the file lacks are NaN', async () => {
    const hea = 'r 2 10 3\nr.dat 16 1(0) 16 0 0 0 0 a\nr.dat 16:2 1(0) 16 0 0 0 0 b\n';
    // frames (a, b): (1, 7) (2, 8) (3, 10); b's sample t sits in frame t + 2.
    const rec = (await readWfdbRecord(enc(hea), { siblings: mapSiblings({ 'r.dat': [1, 0, 7, 0, 2, 0, 8, 0, 3, 0, 10, 0] }) })).records[0];
    assert.deepEqual(Array.from(rec.channels[0].data), [1, 2, 3]);
    assert.deepEqual(
      Array.from(rec.channels[1].data, (v) => (Number.isNaN(v) ? null : v)),
      [10, null, null],
    );
  });

  it('no sample count (absent or 0): the record lasts as long as its data file; format 0 is a null signal', async () => {
    for (const count of ['', ' 0']) {
      const hea = `r 2 10${count}\nr.dat 16 1(0) 16 0 0 12345\n~ 0 1(0)\n`;
      const rec: SignalRecord = (await readWfdbRecord(enc(hea), { siblings: mapSiblings({ 'r.dat': [1, 0, 2, 0, 3] }) })).records[0];
      assert.deepEqual(Array.from(rec.channels[0].data), [1, 2]);
      assert.equal(rec.channels[1].data.length, 2);
      assert.ok(rec.channels[1].data.every((v) => Number.isNaN(v)));
      assert.equal(rec.metadata.warnings, undefined); // no stated length, so the checksum is not compared
    }
  });

  it('units in UTF-8 or Latin-1 headers', async () => {
    const latin = Uint8Array.from([...enc('r 1 10 1\nr.dat 16 1(0)/'), 0xb5, ...enc('V\n')]);
    const utf = enc('r 1 10 1\nr.dat 16 1(0)/\u00b5V\n');
    for (const hea of [latin, utf]) {
      const rec = (await readWfdbRecord(hea, { siblings: mapSiblings({ 'r.dat': [1, 0] }) })).records[0];
      assert.equal(rec.channels[0].units, '\u00b5V');
    }
  });

  it('a wrong checksum keeps the data and says so in the metadata', async () => {
    const hea = 'r 1 10 2\nr.dat 16 1(0) 16 0 0 999 0 x\n';
    const rec = (await readWfdbRecord(enc(hea), { siblings: mapSiblings({ 'r.dat': [1, 0, 2, 0] }) })).records[0];
    assert.deepEqual(Array.from(rec.channels[0].data), [1, 2]);
    assert.match(String(rec.metadata.warnings), /checksum mismatch on signal 0 \(header 999, data 3\)/);
  });
});

describe('WFDB header fields and defaults (header(5))', () => {
  it('record line: defaults and every optional field', () => {
    const bare = parseWfdbHeader('rec 0\n');
    assert.equal(bare.samplingFrequency, 250);
    assert.equal(bare.samples, undefined);
    const full = parseWfdbHeader('# first\nrec 1 360/720(100) 1000 12:30:15.5 01/02/2003\n  # second\na.dat 16\n');
    assert.equal(full.samplingFrequency, 360);
    assert.equal(full.counterFrequency, 720);
    assert.equal(full.baseCounter, 100);
    assert.equal(full.samples, 1000);
    assert.equal(full.baseTime, '12:30:15.5');
    assert.equal(full.baseDate, '2003-02-01');
    assert.deepEqual(full.comments, ['first', 'second']);
  });

  it('signal line: defaults (gain 200, baseline = ADC zero, mV, resolution 12 or 10 for format 8)', () => {
    const h = parseWfdbHeader(
      'r 5\na.dat 16\na.dat 8\nb.dat 16 0 16 3\nc.dat 16 100(-5)/uV 16 3\nd.dat 212x4:2+512 200 11 1024 995 -22131 0 ECG lead MLII\r\n',
    );
    const [a, d8, b, c, d] = h.signals;
    assert.deepEqual(
      [a.gain, a.baseline, a.units, a.adcResolution, a.adcZero, a.initialValue, a.description],
      [200, 0, 'mV', 12, 0, 0, ''],
    );
    assert.equal(d8.adcResolution, 10);
    assert.deepEqual([b.gain, b.baseline, b.initialValue], [200, 3, 3]);
    assert.deepEqual([c.gain, c.baseline, c.units], [100, -5, 'uV']);
    assert.deepEqual(
      [d.format, d.samplesPerFrame, d.skew, d.byteOffset, d.baseline, d.initialValue, d.checksum, d.description],
      [212, 4, 2, 512, 1024, 995, -22131, 'ECG lead MLII'],
    );
  });

  it('multi-segment record line and segment lines', () => {
    const h = parseWfdbHeader('m/3 2 125 30\nlay 0\n~ 10\nseg 20\n');
    assert.deepEqual(
      h.segments?.map((s) => [s.name, s.samples]),
      [
        ['lay', 0],
        ['~', 10],
        ['seg', 20],
      ],
    );
    assert.equal(h.signals.length, 0);
  });
});
