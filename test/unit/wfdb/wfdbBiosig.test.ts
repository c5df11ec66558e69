// WFDB records against a second, independent decoder: BioSig's save2gdf (Debian's biosig-tools,
// installed by scripts/install-system-deps.sh). The other WFDB references are our own numpy encoder,
// which cannot catch a mistake it shares with our reader; BioSig decodes the same .hea/.dat pairs with
// its own code. Only the records BioSig 3.0 reads correctly are compared; the others are listed below
// with the reason, and the whole suite skips, saying so, where save2gdf is not installed.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readWfdbRecord } from '../../../src/core/data/wfdb/record';
import { WFDB_FIXTURES, fixture, folderSiblings } from './wfdbHelpers';

/**
 * Records BioSig reads as the WFDB signal(5) text defines them. The offset-binary formats 80 and 160
 * are decoded by BioSig without the header's baseline (it stores the format's offset where the
 * baseline goes), so for them BioSig's value plus baseline/gain is what the header defines; the
 * integers themselves must still match, which is what catches a byte-order or offset mistake.
 * `invalid` is each format's invalid-sample value (signal(5)): we read it as NaN, BioSig as the
 * number it is, so a NaN of ours must sit exactly where BioSig shows that number.
 */
const RECORDS: readonly { name: string; dropsBaseline: boolean; invalid: number }[] = [
  { name: 'fmt16', dropsBaseline: false, invalid: -32768 },
  { name: 'fmt212', dropsBaseline: false, invalid: -2048 },
  { name: 'fmt24', dropsBaseline: false, invalid: -(2 ** 23) },
  { name: 'fmt32', dropsBaseline: false, invalid: -(2 ** 31) },
  { name: 'fmt61', dropsBaseline: false, invalid: -32768 },
  { name: 'fmt80', dropsBaseline: true, invalid: -128 },
  { name: 'fmt160', dropsBaseline: true, invalid: -32768 },
];
// Not compared, because BioSig 3.0.1 cannot read them: fmt8 (format 8 "not supported"), fmt310 and
// fmt311 ("not supported"), multi and ecg12split (several data files "not supported"), skew (it
// misreads the skew suffix as part of the description), spf (its CSV export interleaves the frame's
// samples differently from signal(5)), ecg12 (save2gdf crashes) and ecg208 (save2gdf does not finish).

function biosigVersion(): string | undefined {
  // `save2gdf -v` prints its version and then complains of the missing file (exit status 1).
  const run = spawnSync('save2gdf', ['-v'], { encoding: 'utf8', timeout: 10_000 });
  if (run.error) return undefined;
  return /save2gdf \(BioSig4C\+\+\) v(\d+(?:\.\d+)+)/.exec(`${run.stdout}${run.stderr}`)?.[1] ?? 'unknown';
}

/** save2gdf's CSV export: a header row of "label [unit]" names, then one row per sample time. */
function biosigCsv(record: string, dir: string): { labels: string[]; columns: number[][] } {
  const out = join(dir, `${record}.csv`);
  execFileSync('save2gdf', ['-CSV', join(WFDB_FIXTURES, `${record}.hea`), out], { timeout: 30_000, stdio: 'ignore' });
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  const labels = lines[0].split(',').map((h) => h.replace(/^"|"$/g, ''));
  const columns = labels.map(() => [] as number[]);
  for (const line of lines.slice(1)) line.split(',').forEach((cell, j) => columns[j].push(Number(cell)));
  return { labels, columns };
}

/** Gain and baseline of each signal, read from the header text here (not by our parser). */
function headerScales(record: string): { gain: number; baseline: number; units: string }[] {
  const lines = readFileSync(join(WFDB_FIXTURES, `${record}.hea`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  return lines.slice(1).map((line) => {
    const m = /^([\d.e+-]+)(?:\((-?\d+)\))?(?:\/(\S+))?$/.exec(line.trim().split(/\s+/)[2]);
    assert.ok(m, `gain field of ${record}: ${line}`);
    return { gain: Number(m[1]), baseline: m[2] === undefined ? 0 : Number(m[2]), units: m[3] ?? '' };
  });
}

const version = biosigVersion();
const dir = mkdtempSync(join(tmpdir(), 'medsynth-biosig-'));

describe(`WFDB records against BioSig save2gdf (${version === undefined ? 'not installed' : `v${version}`})`, () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const { name, dropsBaseline, invalid } of RECORDS) {
    it(`${name}: every sample matches BioSig's decoding`, async (t) => {
      if (version === undefined) {
        t.skip('save2gdf (Debian package biosig-tools) is not installed; run scripts/install-system-deps.sh as root');
        return;
      }
      const set = await readWfdbRecord(await fixture(`${name}.hea`), { fileName: `${name}.hea`, siblings: folderSiblings() });
      const channels = set.records[0].channels;
      const theirs = biosigCsv(name, dir);
      const scales = headerScales(name);
      assert.deepEqual(
        theirs.labels,
        channels.map((c) => `${c.name} [${c.units}]`),
        'channel labels and units',
      );
      channels.forEach((channel, j) => {
        const { gain, baseline } = scales[j];
        const shift = dropsBaseline ? baseline / gain : 0;
        assert.equal(channel.data.length, theirs.columns[j].length, `${channel.name}: sample count`);
        const invalidValue = (invalid - (dropsBaseline ? 0 : baseline)) / gain;
        for (let i = 0; i < channel.data.length; i++) {
          if (Number.isNaN(channel.data[i])) {
            if (theirs.columns[j][i] !== invalidValue)
              assert.fail(
                `${name} ${channel.name} sample ${i}: ours NaN, BioSig ${theirs.columns[j][i]}, not the invalid value ${invalidValue}`,
              );
            continue;
          }
          const want = theirs.columns[j][i] - shift;
          // One ADC step is 1/gain; float32 storage and BioSig's printed digits are far below it.
          if (!(Math.abs(channel.data[i] - want) <= 1e-6 * Math.max(1, Math.abs(want)))) {
            assert.fail(`${name} ${channel.name} sample ${i}: ours ${channel.data[i]}, BioSig ${want}`);
          }
        }
      });
    });
  }
});
