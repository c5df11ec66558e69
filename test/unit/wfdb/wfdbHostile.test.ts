// Broken and hostile WFDB records end in the right typed error, naming the file and the line or byte
// offset, before anything sized by the file is allocated or read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readWfdbRecord } from '../../../src/core/data/wfdb/record';
import type { SiblingReader } from '../../../src/core/data/readOptions';
import { rejectsWith } from '../typedErrors';
import { enc, fixture, folderSiblings, mapSiblings } from './wfdbHelpers';

function counting(inner: SiblingReader): { read: SiblingReader; names: string[] } {
  const names: string[] = [];
  return { names, read: async (n) => (names.push(n), inner(n)) };
}

describe('WFDB bad input', () => {
  it('1e9 declared samples and no data file: LIMIT_EXCEEDED before any data file is asked for', async () => {
    const s = counting(mapSiblings({}));
    const e = await rejectsWith(
      readWfdbRecord(enc('big 1 360 1000000000\nbig.dat 16\n'), { fileName: 'big.hea', siblings: s.read }),
      'LIMIT_EXCEEDED',
    );
    assert.match(e.message, /big\.hea.*1000000000 samples.*maxSamples/);
    assert.deepEqual(s.names, []);
  });

  it('maxSamples counts every signal and samples per frame, declared or read to the end', async () => {
    const files = { 'r.dat': new Uint8Array(24) };
    await rejectsWith(
      readWfdbRecord(enc('r 2 10 6\nr.dat 16\nr.dat 16\n'), { siblings: mapSiblings(files), limits: { maxSamples: 11 } }),
      'LIMIT_EXCEEDED',
    );
    await rejectsWith(
      readWfdbRecord(enc('r 2 10\nr.dat 16x2\nr.dat 16\n'), { siblings: mapSiblings(files), limits: { maxSamples: 11 } }),
      'LIMIT_EXCEEDED',
    );
    const ok = await readWfdbRecord(enc('r 2 10 6\nr.dat 16\nr.dat 16\n'), { siblings: mapSiblings(files), limits: { maxSamples: 12 } });
    assert.equal(ok.records[0].channels[1].data.length, 6);
  });

  it('a skew that would walk a whole data file for one sample counts against maxSamples', async () => {
    const files = { 'r.dat': new Uint8Array(2000) };
    const hea = enc('r 2 10 1\nr.dat 8\nr.dat 8:999\n');
    const e = await rejectsWith(
      readWfdbRecord(hea, { fileName: 'r.hea', siblings: mapSiblings(files), limits: { maxSamples: 100 } }),
      'LIMIT_EXCEEDED',
    );
    assert.match(e.message, /r\.hea: .*samples to walk/);
    const ok = await readWfdbRecord(hea, { siblings: mapSiblings(files), limits: { maxSamples: 1000 } });
    assert.deepEqual(Array.from(ok.records[0].channels[1].data), [0]);
  });

  it('100000 signals: LIMIT_EXCEEDED on the record line', async () => {
    const e = await rejectsWith(readWfdbRecord(enc('r 100000 360 10\n'), { fileName: 'r.hea' }), 'LIMIT_EXCEEDED');
    assert.match(e.message, /r\.hea, line 1: .*100000 signals/);
  });

  const headerCases: [string, string, string, RegExp][] = [
    ['negative gain', 'r 1 360 2\nr.dat 16 -200 12 0\n', 'BAD_INPUT', /r\.hea, line 2: signal 0 ADC gain -200 is negative/],
    ['non-numeric sampling frequency', 'r 1 abc 2\nr.dat 16\n', 'BAD_INPUT', /line 1: sampling frequency 'abc' is not a number/],
    ['zero sampling frequency', 'r 1 0 2\nr.dat 16\n', 'BAD_INPUT', /line 1: sampling frequency 0 is not positive/],
    [
      'bad base date',
      'r 1 360 2 10:00:00 31/02/2020\nr.dat 16\n',
      'BAD_INPUT',
      /line 1: base date '31\/02\/2020' is not a calendar date \(expected DD\/MM\/YYYY\)/,
    ],
    ['bad base time', 'r 1 360 2 25:00:00\nr.dat 16\n', 'BAD_INPUT', /line 1: base time '25:00:00'/],
    ['fractional sample count', 'r 1 360 2.5\nr.dat 16\n', 'BAD_INPUT', /number of samples per signal '2\.5'/],
    ['missing signal lines', '# c\nr 3 360 2\nr.dat 16\n', 'BAD_INPUT', /line 2: the header declares 3 signals but describes 1/],
    ['empty header', '# only a comment\n\n', 'BAD_INPUT', /r\.hea, line 1: the header has no record line/],
    ['garbage format field', 'r 1 360 2\nr.dat 16x\n', 'BAD_INPUT', /line 2: signal 0 format field '16x'/],
    ['negative skew', 'r 1 360 2\nr.dat 16:-1\n', 'BAD_INPUT', /line 2/],
    ['format 999', 'r 1 360 2\nr.dat 999\n', 'UNSUPPORTED', /line 2: signal format 999 is not a WFDB format/],
    ['FLAC format 516', 'r 1 360 2\nr.dat 516\n', 'UNSUPPORTED', /line 2: signal format 516 \(FLAC-compressed\)/],
    ['mixed formats in one file', 'r 2 360 2\nr.dat 16\nr.dat 212\n', 'BAD_INPUT', /line 3: .*one format per data file/],
    [
      'one file split by another',
      'r 3 360 2\na.dat 16\nb.dat 16\na.dat 16\n',
      'BAD_INPUT',
      /line 4: signals stored in 'a\.dat' are not listed together/,
    ],
    ['too many segments', 'm/200000 1 360 2\n', 'LIMIT_EXCEEDED', /200000 segments/],
    ['missing segment lines', 'm/3 1 360 2\na 1\n', 'BAD_INPUT', /declares 3 segments but lists 1/],
  ];
  for (const [what, hea, code, message] of headerCases) {
    it(`${what}: ${code}`, async () => {
      const e = await rejectsWith(
        readWfdbRecord(enc(hea), {
          fileName: 'r.hea',
          siblings: mapSiblings({ 'r.dat': new Uint8Array(16), 'a.dat': new Uint8Array(16), 'b.dat': new Uint8Array(16) }),
        }),
        code,
      );
      assert.match(e.message, message);
    });
  }

  it('a truncated data file: BAD_INPUT naming the data file, its length and the bytes needed', async () => {
    const hea = await fixture('ecg208.hea');
    const dat = (await fixture('ecg208.dat')).subarray(0, 1000);
    const e = await rejectsWith(readWfdbRecord(hea, { fileName: 'ecg208.hea', siblings: mapSiblings({ 'ecg208.dat': dat }) }), 'BAD_INPUT');
    assert.match(
      e.message,
      /ecg208\.dat, byte 1000: the data file ends after 666 of the 1440 frames the header declares \(expected 2160 bytes\)/,
    );
  });

  it('a byte offset past the end of the data file', async () => {
    const e = await rejectsWith(
      readWfdbRecord(enc('r 1 10\nr.dat 16+100\n'), { siblings: mapSiblings({ 'r.dat': new Uint8Array(10) }) }),
      'BAD_INPUT',
    );
    assert.match(e.message, /r\.dat, byte 10: the byte offset 100 is past the end/);
  });

  it("data file names with '..' or '/' go to the sibling reader as given; its PATH_ESCAPE propagates", async () => {
    for (const name of ['../secret.dat', '/etc/passwd', 'sub/../../x.dat']) {
      const s = counting(folderSiblings());
      await rejectsWith(readWfdbRecord(enc(`r 1 10 1\n${name} 16\n`), { siblings: s.read }), 'PATH_ESCAPE');
      assert.deepEqual(s.names, [name]);
    }
    await rejectsWith(readWfdbRecord(enc('r/1 1 10 1\n../seg 1\n'), { siblings: folderSiblings() }), 'PATH_ESCAPE');
    await rejectsWith(readWfdbRecord(enc('r 0 10\n'), { siblings: folderSiblings(), annotators: ['../../atr'] }), 'PATH_ESCAPE');
  });

  it('a missing data file is BAD_INPUT from the sibling reader; no sibling reader at all is BAD_USAGE', async () => {
    await rejectsWith(readWfdbRecord(enc('r 1 10 1\nnope.dat 16\n'), { siblings: mapSiblings({}) }), 'BAD_INPUT');
    await rejectsWith(readWfdbRecord(enc('r 1 10 1\nr.dat 16\n'), { fileName: 'r.hea' }), 'BAD_USAGE');
  });

  it('an aborted signal: CANCELLED', async () => {
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(readWfdbRecord(await fixture('ecg208.hea'), { siblings: folderSiblings(), signal: ac.signal }), 'CANCELLED');
  });

  it('multi-segment: nested multi-segment, a different sampling frequency, the total against maxSamples', async () => {
    const files = {
      'a.hea': enc('a/1 1 10 2\nb 2\n'),
      'c.hea': enc('c 1 20 2\nc.dat 16\n'),
      'c.dat': new Uint8Array(4),
      'd.hea': enc('d 1 10 2\nd.dat 16\n'),
      'd.dat': new Uint8Array(4),
    };
    await rejectsWith(readWfdbRecord(enc('m/1 1 10 2\na 2\n'), { siblings: mapSiblings(files) }), 'UNSUPPORTED');
    const e = await rejectsWith(readWfdbRecord(enc('m/1 1 10 2\nc 2\n'), { siblings: mapSiblings(files) }), 'BAD_INPUT');
    assert.match(e.message, /c\.hea, line 1: segment 'c' is sampled at 20 Hz, the record at 10 Hz/);
    await rejectsWith(readWfdbRecord(enc('m/2 1 10 4\nd 2\n~ 1000000000\n'), { siblings: mapSiblings(files) }), 'LIMIT_EXCEEDED');
    const ok = await readWfdbRecord(enc('m/2 1 10 4\nd 2\n~ 2\n'), { siblings: mapSiblings(files) });
    assert.deepEqual(
      Array.from(ok.records[0].channels[0].data, (v) => (Number.isNaN(v) ? null : v)),
      [0, 0, null, null],
    );
  });

  it('annotations: a cut-off aux string or SKIP is BAD_INPUT with the offset; a missing annotator file is BAD_INPUT', async () => {
    const hea = enc('r 0 360\n');
    // word 1: N at I=5; word 2: AUX (63 << 10 | 6) announcing 6 bytes, only 2 follow.
    const aux = [0x05, 0x04, 0x06, 0xfc, 0x41, 0x42];
    const e = await rejectsWith(readWfdbRecord(hea, { siblings: mapSiblings({ 'r.atr': aux }), annotators: ['atr'] }), 'BAD_INPUT');
    assert.match(e.message, /r\.atr, byte 2: the aux text of 6 bytes is cut off/);
    await rejectsWith(readWfdbRecord(hea, { siblings: mapSiblings({ 'r.atr': [0x00, 0xec, 0x01] }), annotators: ['atr'] }), 'BAD_INPUT');
    await rejectsWith(readWfdbRecord(hea, { siblings: mapSiblings({}), annotators: ['qrs'] }), 'BAD_INPUT');
  });
});
