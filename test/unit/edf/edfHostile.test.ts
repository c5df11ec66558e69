// Broken and hostile EDF/BDF headers and annotation lists, made by patching the real fixtures: each must
// end in the right typed error naming the file (and the field), never a crash or a huge allocation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readEdf } from '../../../src/core/data/edf/edfReader';
import { rejectsWith } from '../typedErrors';

const DIR = join(__dirname, '..', '..', 'fixtures', 'edf');
const FILE = 'bad.edf';
const WIDTHS = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32];
const FIELD = { label: 0, physicalMin: 3, digitalMin: 5, digitalMax: 6, samples: 8 } as const;

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(DIR, name)));
}

/** A copy with `text` space-padded into the `width`-byte field at `at`. */
function patch(bytes: Uint8Array, at: number, width: number, text: string): Uint8Array {
  const out = bytes.slice();
  const padded = text.padEnd(width, ' ');
  for (let i = 0; i < width; i++) out[at + i] = padded.charCodeAt(i);
  return out;
}

function signalField(ns: number, field: number, signal: number): number {
  return 256 + ns * WIDTHS.slice(0, field).reduce((a, b) => a + b, 0) + signal * WIDTHS[field];
}

async function bad(bytes: Uint8Array, code: string, pattern?: RegExp, opts: Parameters<typeof readEdf>[1] = {}): Promise<void> {
  const e = await rejectsWith(readEdf(bytes, { fileName: FILE, ...opts }), code);
  assert.ok(e.message.includes(FILE), e.message);
  if (pattern) assert.match(e.message, pattern);
}

const twoRates = fixture('two_rates.edf'); // ns = 2, 10 records of 360 + 500 samples
const plusC = fixture('twelve_lead_plus_c.edf'); // ns = 13 (12 leads + annotations), 4 records
const plusD = fixture('mit208_plus_d.edf'); // ns = 2 (ECG + annotations), 8 records

describe('readEdf rejects broken headers', () => {
  it('wrong magic and a truncated fixed header', async () => {
    await bad(patch(twoRates, 0, 8, '1'), 'BAD_INPUT', /not an EDF or BDF/);
    await bad(twoRates.subarray(0, 100), 'BAD_INPUT', /shorter than the 256-byte/);
    await bad(twoRates.subarray(0, 6), 'BAD_INPUT');
  });

  it('a signal header cut short, and ns = 9999 on a small file', async () => {
    await bad(twoRates.subarray(0, 600), 'BAD_INPUT', /declares 2 signals/);
    await bad(patch(twoRates, 252, 4, '9999'), 'BAD_INPUT', /number of bytes in header is 768 for 9999 signals/);
    await bad(patch(patch(twoRates, 252, 4, '9999'), 184, 8, String(256 * 10_000)), 'BAD_INPUT', /declares 9999 signals \(2560000 bytes\)/);
    await bad(patch(twoRates, 252, 4, '0'), 'BAD_INPUT', /number of signals is 0/);
  });

  it('header bytes that do not match the signal count', async () => {
    await bad(patch(twoRates, 184, 8, '1024'), 'BAD_INPUT', /byte 184: number of bytes in header is 1024/);
    await bad(patch(twoRates, 184, 8, '-768'), 'BAD_INPUT');
  });

  it('non-numeric fields, naming the field, signal and byte', async () => {
    const at = signalField(2, FIELD.physicalMin, 1);
    await bad(patch(twoRates, at, 8, 'abc'), 'BAD_INPUT', new RegExp(`byte ${at}: physical minimum of signal 2 is "abc"`));
    await bad(patch(twoRates, 236, 8, '1e3'), 'BAD_INPUT', /number of data records/);
    await bad(patch(twoRates, 244, 8, 'NaN'), 'BAD_INPUT', /duration of a data record/);
    await bad(patch(twoRates, signalField(2, FIELD.samples, 0), 8, '360.5'), 'BAD_INPUT', /samples per data record of signal 1/);
    await bad(patch(twoRates, signalField(2, FIELD.physicalMin, 0), 8, '1e999'), 'BAD_INPUT', /physical minimum/);
  });

  it('digital ranges that are empty or do not fit the sample width', async () => {
    await bad(
      patch(twoRates, signalField(2, FIELD.digitalMax, 0), 8, '-32768'),
      'BAD_INPUT',
      /digital maximum -32768 of signal 1 is not above/,
    );
    await bad(patch(twoRates, signalField(2, FIELD.digitalMin, 1), 8, '-40000'), 'BAD_INPUT', /does not fit 16-bit/);
    await bad(patch(twoRates, signalField(2, FIELD.samples, 1), 8, '0'), 'BAD_INPUT', /samples per data record of signal 2 is 0/);
    await bad(patch(twoRates, signalField(2, FIELD.samples, 1), 8, '-5'), 'BAD_INPUT');
    await bad(patch(twoRates, signalField(2, FIELD.physicalMin + 1, 0), 8, '1e39'), 'BAD_INPUT', /scales samples beyond float32/);
  });

  it('dates, times, record counts and durations out of range', async () => {
    await bad(patch(twoRates, 168, 8, '31.02.01'), 'BAD_INPUT', /not a calendar date/);
    await bad(patch(twoRates, 168, 8, '2001-3-1'), 'BAD_INPUT', /start date/);
    await bad(patch(twoRates, 176, 8, '25.00.00'), 'BAD_INPUT', /start time/);
    await bad(patch(twoRates, 236, 8, '-2'), 'BAD_INPUT', /number of data records is -2/);
    await bad(patch(twoRates, 244, 8, '0'), 'BAD_INPUT', /duration of a data record is 0 s/);
    await bad(patch(twoRates, 244, 8, '1e-320'), 'BAD_INPUT', /no finite sample rate/);
    await bad(patch(twoRates, 244, 8, '-1'), 'BAD_INPUT');
  });

  it('non-ASCII bytes in any header field', async () => {
    const latin1 = twoRates.slice();
    latin1[20] = 0xe9; // 'é' in the patient field
    await bad(latin1, 'BAD_INPUT', /byte 20: patient identification holds byte 0xe9/);
    const nul = twoRates.slice();
    nul[256 + 5] = 0; // a NUL inside the first label
    await bad(nul, 'BAD_INPUT', /label of signal 1/);
  });

  it('an EDF+ variant that is neither C nor D is unsupported', async () => {
    await bad(patch(plusC, 192, 44, 'EDF+X'), 'UNSUPPORTED', /EDF\+ variant/);
  });
});

describe('readEdf refuses hostile sizes before allocating', () => {
  it('a record count whose samples pass maxSamples', async () => {
    await bad(patch(twoRates, 236, 8, '99999999'), 'LIMIT_EXCEEDED', /maxSamples/);
    await bad(twoRates, 'LIMIT_EXCEEDED', /8600 samples/, { limits: { maxSamples: 8599 } });
    await bad(patch(twoRates, signalField(2, FIELD.samples, 0), 8, '99999999'), 'LIMIT_EXCEEDED');
  });

  it('declared records the file is too short for', async () => {
    await bad(patch(twoRates, 236, 8, '11'), 'BAD_INPUT', /declares 11 data records of 1720 bytes/);
    await bad(
      twoRates.subarray(0, twoRates.length - 100),
      'BAD_INPUT',
      /declares 10 data records of 1720 bytes but the file holds 17100 bytes/,
    );
  });

  it('records of unknown count (-1) on a file with a partial record only', async () => {
    const rec = (await readEdf(patch(twoRates, 236, 8, '-1').subarray(0, 768 + 1000))).records[0];
    assert.equal(rec.metadata.dataRecords, 0);
    assert.equal(rec.metadata.droppedPartialRecordBytes, 1000);
    assert.equal(rec.channels[0].data.length, 0);
  });

  it('stops when cancelled', async () => {
    await rejectsWith(readEdf(twoRates, { fileName: FILE, signal: AbortSignal.abort() }), 'CANCELLED');
  });
});

describe('readEdf rejects malformed annotation lists', () => {
  // In mit208_plus_d.edf the annotation signal (30 samples = 60 bytes) follows 180 ECG samples in each record.
  const annotationsAt = (record: number): number => 768 + record * (360 + 60) + 360;
  const withAnnotations = (record: number, text: string | Uint8Array): Uint8Array => {
    const out = plusD.slice();
    const bytes = typeof text === 'string' ? Uint8Array.from(text, (c) => c.charCodeAt(0)) : text;
    out.fill(0, annotationsAt(record), annotationsAt(record) + 60);
    out.set(bytes, annotationsAt(record));
    return out;
  };

  it('a TAL without its 0 terminator', async () => {
    await bad(withAnnotations(1, `+0.5\x14\x14${'x'.repeat(54)}`), 'BAD_INPUT', /not terminated by a 0 byte/);
    await bad(withAnnotations(1, '+0.5\x14\x14\x00+1\x14label\x00'), 'BAD_INPUT', /does not end with 0x14/);
  });

  it('bad onsets and durations', async () => {
    await bad(withAnnotations(1, '0.5\x14\x14\x00'), 'BAD_INPUT', /timing "0.5"/);
    await bad(withAnnotations(1, '+0.5\x15-1\x14\x14\x00'), 'BAD_INPUT', /timing/);
    // twelve_lead_plus_c.edf: 80 annotation bytes after 12 x 250 samples in each 6080-byte record.
    const long = plusC.slice();
    long.set(
      Uint8Array.from(`+${'9'.repeat(65)}\x14\x14\x00`, (c) => c.charCodeAt(0)),
      3584 + 6080 + 6000,
    );
    await bad(long, 'BAD_INPUT', /66-byte onset/);
  });

  it('labels that are not UTF-8', async () => {
    await bad(
      withAnnotations(1, Uint8Array.from([0x2b, 0x30, 0x2e, 0x35, 0x14, 0x14, 0x00, 0x2b, 0x31, 0x14, 0xff, 0xfe, 0x14, 0x00])),
      'BAD_INPUT',
      /not valid UTF-8/,
    );
  });

  it('more TALs and labels than the fixed annotation limit', async () => {
    // An annotation-only EDF+ whose one record holds 600 000 TALs of one label each (1.2 million entries).
    const tals = `+0\x14\x14\x00${'+1\x14a\x14\x00'.repeat(600_000)}`;
    const spr = Math.ceil(tals.length / 2);
    const fields = [
      'EDF Annotations'.padEnd(16),
      ' '.repeat(80),
      ' '.repeat(8),
      '-1'.padEnd(8),
      '1'.padEnd(8),
      '-32768'.padEnd(8),
      '32767'.padEnd(8),
      ' '.repeat(80),
      String(spr).padEnd(8),
      ' '.repeat(32),
    ];
    const head = `${'0'.padEnd(8)}${'X'.padEnd(80)}${'X'.padEnd(80)}01.01.0100.00.00${'512'.padEnd(8)}${'EDF+C'.padEnd(44)}${'1'.padEnd(8)}${'0'.padEnd(8)}${'1'.padEnd(4)}${fields.join('')}`;
    const bytes = new Uint8Array(512 + spr * 2);
    bytes.set(Uint8Array.from(head + tals, (c) => c.charCodeAt(0)));
    await bad(bytes, 'LIMIT_EXCEEDED', /more than 1000000 annotations/);
  });

  it('an EDF+D record without a time-keeping TAL', async () => {
    await bad(withAnnotations(2, ''), 'BAD_INPUT', /data record 3 of an EDF\+D file has no time-keeping annotation/);
  });
});

describe('readEdf start dates', () => {
  it('clips two-digit years at 1985 and reads yy from the EDF+ Startdate', async () => {
    const at = async (bytes: Uint8Array): Promise<string | undefined> => (await readEdf(bytes)).records[0].startTime;
    assert.equal(await at(patch(twoRates, 168, 8, '01.01.85')), '1985-01-01T13:45:07');
    assert.equal(await at(patch(twoRates, 168, 8, '01.01.84')), '2084-01-01T13:45:07');
    const yy = patch(patch(plusC, 168, 8, '05.12.yy'), 88, 80, 'Startdate 05-DEC-2090 X X X');
    assert.equal(await at(yy), '2090-12-05T08:30:00.500');
    await bad(patch(twoRates, 168, 8, '05.12.yy'), 'BAD_INPUT', /not a calendar date/);
  });
});
