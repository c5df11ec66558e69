// Sharded evaluation (src/engine/evaluateShard.ts): the k-NN passes computed in k parts and merged give
// the single run's report exactly (every field but createdAt), and the merge refuses parts that do not
// belong together with a BAD_USAGE naming the problem. The expected report is the single, unsharded
// evaluation's; the tables have ties (small integer ranges), empty cells and holdout values far
// outside the real range (the paths of distanceSearch.ts that repair packed distances).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { neighbourPassCount } from '../../../src/core/metrics/neighbourCache';
import type { Report } from '../../../src/core/report/model';
import { evaluateSynthetic } from '../../../src/engine/evaluate';
import { blockBounds, evaluateMerged, evaluateShard } from '../../../src/engine/evaluateShard';
import { EVAL_PARTIAL_FORMAT } from '../../../src/engine/evaluatePartial';

function csv(rows: number, seed: number, opts: { empty?: number; far?: boolean } = {}): string {
  let s = seed;
  const u = (): number => (s = (s * 48271) % 2147483647) / 2147483647;
  const lines = ['age,score,dose,ward'];
  for (let r = 0; r < rows; r++) {
    const cell = (v: string): string => (u() < (opts.empty ?? 0) ? '' : v);
    const dose = opts.far && r % 7 === 3 ? String(40 + r) : String(Math.floor(u() * 4));
    lines.push(
      [cell(String(Math.floor(u() * 5))), cell(String(Math.floor(u() * 3))), cell(dose), ['a', 'b', 'c'][Math.floor(u() * 3)]].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

let dir = '';
const path = (name: string): string => join(dir, name);
const withoutTime = (r: Report): unknown => ({ ...r, createdAt: undefined });

async function expectBad(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE' && pattern.test(e.message));
}

async function shards(k: number, prefix: string, withHoldout = true): Promise<string[]> {
  const holdout = withHoldout ? path('holdout.csv') : undefined;
  const files: string[] = [];
  for (let i = 0; i < k; i++) {
    const partial = path(`${prefix}-${i}of${k}.evalpartial`);
    await evaluateShard({
      real: path('real.csv'),
      synth: path('synth.csv'),
      ...(holdout ? { holdout } : {}),
      shard: { index: i, count: k },
      partial,
    });
    files.push(partial);
  }
  return files;
}

describe('sharded evaluation', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'medsynth-evalshard-'));
    await writeFile(path('real.csv'), csv(61, 11, { empty: 0.06 }));
    await writeFile(path('synth.csv'), csv(47, 22, { empty: 0.06 }));
    await writeFile(path('holdout.csv'), csv(23, 33, { empty: 0.06, far: true }));
    await writeFile(path('other.csv'), csv(47, 44, { empty: 0.06 }));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('block bounds are generate shard bounds: contiguous, every row once', () => {
    assert.deepEqual(
      [0, 1, 2].map((i) => blockBounds(47, i, 3)),
      [
        [0, 15],
        [15, 31],
        [31, 47],
      ],
    );
    assert.deepEqual(blockBounds(2, 2, 3), [1, 2]);
  });

  for (const k of [1, 2, 3]) {
    it(`k = ${k}: the merged report equals the single run's but for createdAt (61/47/23 rows, with a holdout), and no pass is searched at merge`, async () => {
      const common = { real: path('real.csv'), synth: path('synth.csv'), holdout: path('holdout.csv') };
      const single = await evaluateSynthetic(common);
      const files = await shards(k, 'h');
      const header = JSON.parse((await readFile(files[0])).subarray(0, (await readFile(files[0])).indexOf(10)).toString()) as {
        format: string;
        note: string;
      };
      assert.equal(header.format, EVAL_PARTIAL_FORMAT);
      assert.match(header.note, /O\(n log n\)/);
      const before = neighbourPassCount();
      const merged = await evaluateMerged({ ...common, partials: [...files].reverse() });
      assert.equal(neighbourPassCount(), before, 'the merge searched a pass the shards had computed');
      assert.ok(merged.metrics.some((m) => m.id === 'privacy.dcr' && m.score !== null));
      assert.deepEqual(withoutTime(merged), withoutTime(single));
    });
  }

  it('without a holdout, k = 2 and k = 5 (more shards than some blocks have rows: empty blocks)', async () => {
    const common = { real: path('real.csv'), synth: path('synth.csv') };
    const single = await evaluateSynthetic(common);
    for (const k of [2, 5])
      assert.deepEqual(withoutTime(await evaluateMerged({ ...common, partials: await shards(k, 'n', false) })), withoutTime(single));
  });

  it('a shard of a few metrics and metric options merges with the same flags', async () => {
    const opts = {
      real: path('real.csv'),
      synth: path('synth.csv'),
      metrics: ['privacy.identifiability', 'privacy.nndr'],
      metricOptions: { bootstrap: 20, seed: 3 },
    };
    const single = await evaluateSynthetic(opts);
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      files.push(path(`m-${i}.evalpartial`));
      await evaluateShard({ ...opts, shard: { index: i, count: 3 }, partial: files[i] });
    }
    assert.deepEqual(withoutTime(await evaluateMerged({ ...opts, partials: files })), withoutTime(single));
    await expectBad(evaluateMerged({ ...opts, metrics: ['privacy.nndr'], partials: files }), /--metrics differ/);
    await expectBad(evaluateMerged({ ...opts, metricOptions: { bootstrap: 20, seed: 4 }, partials: files }), /metric options differ/);
  });

  it('refuses parts that do not make one whole: a missing index, one twice, another count, other inputs, a damaged file', async () => {
    const common = { real: path('real.csv'), synth: path('synth.csv'), holdout: path('holdout.csv') };
    const three = await shards(3, 'b');
    const two = await shards(2, 'c');
    await expectBad(evaluateMerged({ ...common, partials: [three[0], three[2]] }), /shard\(s\) 1\/3 missing/);
    await expectBad(evaluateMerged({ ...common, partials: [three[0], three[1], three[1], three[2]] }), /shard 1\/3 is given twice/);
    await expectBad(evaluateMerged({ ...common, partials: [three[0], two[1]] }), /is a shard of 2/);
    await expectBad(
      evaluateMerged({ ...common, synth: path('other.csv'), partials: three }),
      /--synth .* is not the table the partials were computed on/,
    );
    await expectBad(evaluateMerged({ real: common.real, synth: common.synth, partials: three }), /computed with a holdout/);
    await expectBad(evaluateMerged({ ...common, partials: await shards(2, 'x', false) }), /without a holdout/);
    const other = path('o-0.evalpartial');
    await evaluateShard({ ...common, synth: path('other.csv'), shard: { index: 1, count: 3 }, partial: other });
    await expectBad(evaluateMerged({ ...common, partials: [three[0], other, three[2]] }), /has other inputs/);
    const bytes = await readFile(three[1]);
    await writeFile(path('cut.evalpartial'), bytes.subarray(0, bytes.length - 9));
    await expectBad(evaluateMerged({ ...common, partials: [three[0], path('cut.evalpartial'), three[2]] }), /does not match its sha256/);
    await writeFile(path('junk.evalpartial'), '{"format":"something/1"}\n');
    await expectBad(evaluateMerged({ ...common, partials: [path('junk.evalpartial')] }), /format is not medsynth\.evalpartial\/1/);
    await expectBad(evaluateMerged({ ...common, partials: [] }), /no partial files/);
    await expectBad(evaluateShard({ ...common, shard: { index: 3, count: 3 }, partial: path('z') }), /0 <= i < k/);
    await expectBad(evaluateShard({ ...common, shard: { index: 0, count: 1 }, partial: common.real }), /refusing to overwrite/);
  });
});
