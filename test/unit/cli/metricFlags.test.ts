// The privacy/utility flags of evaluate and run (--quasi-identifiers, --secret, --k, --target, --bootstrap):
// parsed into MetricOptions, refused with the flag named when malformed, and checked against the real
// table's columns once it is read (the message lists them). The generalisation syntax is the issue's:
// age:10 = bins of 10, zip:3 = 3 leading characters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricOptionsFrom } from '../../../src/cli/metricFlags';
import { MedSynthError } from '../../../src/core/errors';
import { checkMetricOptions, parseQuasiIdentifiers } from '../../../src/core/metrics/metricOptions';
import { evaluateSynthetic } from '../../../src/engine/evaluate';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFullLoop } from '../../../src/engine/fullLoop';

const PATIENTS = join(__dirname, '..', '..', '..', 'samples', 'workspace', 'patients.csv');
const args = (entries: [string, string][]) => ({ strings: new Map(entries), flags: new Set<string>(), positionals: [] });
const usage = (pattern: RegExp) => (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE' && pattern.test(e.message);

describe('privacy and utility flags', () => {
  it('parses quasi-identifiers with and without generalisation', () => {
    assert.deepEqual(parseQuasiIdentifiers('age:10, sex ,zip:3'), [
      { column: 'age', generalise: 10 },
      { column: 'sex' },
      { column: 'zip', generalise: 3 },
    ]);
    assert.deepEqual(parseQuasiIdentifiers('bmi:2.5'), [{ column: 'bmi', generalise: 2.5 }]);
  });

  it('refuses an empty list, a zero or malformed generalisation and a column named twice', () => {
    assert.throws(() => parseQuasiIdentifiers(' , '), usage(/names no column/));
    assert.throws(() => parseQuasiIdentifiers('age:0'), usage(/must be above 0/));
    assert.throws(() => parseQuasiIdentifiers('age:x'), usage(/cannot read "age:x"/));
    assert.throws(() => parseQuasiIdentifiers('age,age:10'), usage(/names "age" twice/));
  });

  it('gathers every flag, and nothing into undefined', () => {
    const a = args([
      ['quasi-identifiers', 'age:10,sex'],
      ['secret', ' diagnosis '],
      ['k', '3'],
      ['target', 'smoker'],
      ['bootstrap', '0'],
    ]);
    assert.deepEqual(metricOptionsFrom(a, 'evaluate', 7), {
      quasiIdentifiers: [{ column: 'age', generalise: 10 }, { column: 'sex' }],
      secret: 'diagnosis',
      k: 3,
      target: 'smoker',
      bootstrap: 0,
      seed: 7,
    });
    assert.equal(metricOptionsFrom(args([]), 'evaluate'), undefined);
    assert.throws(() => metricOptionsFrom(args([['k', '1']]), 'run'), usage(/run: --k must be a whole number of at least 2/));
    assert.throws(() => metricOptionsFrom(args([['bootstrap', '-1']]), 'run'), usage(/--bootstrap/));
  });

  it('checks the named columns against the real table and lists its columns', async () => {
    await assert.rejects(
      evaluateSynthetic({
        real: PATIENTS,
        synth: PATIENTS,
        metrics: ['privacy.dcr'],
        metricOptions: { quasiIdentifiers: [{ column: 'zip' }] },
      }),
      usage(/quasi-identifier "zip" is not a column of the real table.*patient_id, admission_date, age/),
    );
    await assert.rejects(
      evaluateSynthetic({ real: PATIENTS, synth: PATIENTS, metrics: ['privacy.dcr'], metricOptions: { target: 'outcome' } }),
      usage(/target column "outcome"/),
    );
    const table = { columns: [{ name: 'age' }, { name: 'sex' }] } as unknown as Parameters<typeof checkMetricOptions>[1];
    assert.throws(
      () => checkMetricOptions({ quasiIdentifiers: [{ column: 'age' }], secret: 'age' }, table),
      usage(/both the secret and a quasi-identifier/),
    );
    assert.throws(() => checkMetricOptions({ bootstrap: 20_000 }, table), usage(/from 0 to 10000/));
    checkMetricOptions({ quasiIdentifiers: [{ column: 'age', generalise: 10 }], secret: 'sex', k: 5, bootstrap: 100 }, table);
  });

  it('refuses a misspelt column in the full loop before fitting, creating nothing', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'medsynth-flags-'));
    await assert.rejects(
      runFullLoop({ dataset: PATIENTS, workspaceRoot: workspace, n: 20, seed: 1, metricOptions: { secret: 'diagnoses' } }),
      usage(/secret column "diagnoses" is not a column of the real table/),
    );
    assert.deepEqual(readdirSync(workspace), []);
  });

  it('records the options in the report', async () => {
    const report = await evaluateSynthetic({
      real: PATIENTS,
      synth: PATIENTS,
      metrics: ['privacy.dcr'],
      metricOptions: { quasiIdentifiers: [{ column: 'age', generalise: 10 }], secret: 'diagnosis' },
    });
    assert.deepEqual(report.metricOptions, { quasiIdentifiers: [{ column: 'age', generalise: 10 }], secret: 'diagnosis' });
  });
});
