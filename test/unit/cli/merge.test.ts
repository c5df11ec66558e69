// Sharded generation put back together: generate --shard writes each part with a shard manifest, and
// medsynth merge gives back the single run's output byte for byte (the single run is the reference:
// the property is equality), for the built-in copula on samples/workspace/patients.csv (CSV, TSV, JSON
// Lines) and for PPCA fitted on nibabel's anatomical.nii (a folder of PNGs). Merge refuses parts of
// different runs, a missing or repeated index, a changed part, Parquet parts and an --out that is an
// input, each with a typed error that names what is wrong. The CLI's --shard auto reads a Slurm task.
import assert from 'node:assert/strict';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fitGenerator } from '../../../src/engine/fit';
import { generateSynthetic } from '../../../src/engine/generate';
import type { GenerateOptions } from '../../../src/engine/generate';
import { InferenceClient } from '../../../src/engine/inferenceClient';
import { mergeShards } from '../../../src/engine/merge';
import { writeShardManifest } from '../../../src/engine/shardManifest';
import { generateCommand } from '../../../src/cli/commands';
import type { CliContext } from '../../../src/cli/commands';
import { mergeCommand } from '../../../src/cli/mergeCommand';
import { slurmCommand } from '../../../src/cli/slurmCommand';
import { rejectsWith } from '../typedErrors';

const ROOT = join(__dirname, '..', '..', '..');
const INFERENCE_SCRIPT = join(ROOT, 'src', 'inference', 'main.ts');
const PATIENTS = join(ROOT, 'samples', 'workspace', 'patients.csv');
const ANATOMICAL = join(ROOT, 'test', 'fixtures', 'images', 'anatomical.nii');

function ctx(): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { signal: new AbortController().signal, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), out, err };
}

describe('generate --shard + merge', () => {
  let work: string;
  let client: InferenceClient;
  const cpu = ['cpu' as const];
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'medsynth-merge-'));
    client = new InferenceClient({ script: INFERENCE_SCRIPT });
    await fitGenerator({ dataset: PATIENTS, outDir: join(work, 'copula') });
    await fitGenerator({ dataset: ANATOMICAL, outDir: join(work, 'ppca') });
  });
  after(() => {
    client.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  /** Generates k shards of the run into <stem>-<i><ext> (each with its manifest); returns their paths. */
  async function shards(common: Omit<GenerateOptions, 'out'>, stem: string, ext: string, k: number, seed = common.seed): Promise<string[]> {
    const paths: string[] = [];
    for (let i = 0; i < k; i++) {
      const out = join(work, `${stem}-${i}${ext}`);
      const res = await generateSynthetic({ ...common, seed, out, shard: { index: i, count: k }, batch: 97 });
      await writeShardManifest(res);
      paths.push(out);
    }
    return paths;
  }

  for (const ext of ['.csv', '.tsv', '.jsonl'])
    it(`copula ${ext}: 4 shards merged are the single run, byte for byte`, async () => {
      const common = { generatorPath: join(work, 'copula'), n: 1003, seed: 21, client, executionProviders: cpu };
      const single = join(work, `single${ext}`);
      await generateSynthetic({ ...common, out: single });
      const parts = await shards(common, `part${ext.slice(1)}`, ext, 4);
      const manifest = JSON.parse(readFileSync(`${parts[1]}.shard.json`, 'utf8'));
      assert.equal(manifest.schema, 'medsynth.shard/1');
      assert.deepEqual(
        [manifest.index, manifest.count, manifest.firstRow, manifest.rows, manifest.n, manifest.seed],
        [1, 4, 250, 251, 1003, 21],
      );
      const merged = join(work, `merged${ext}`);
      // Given out of order: merge puts them in index order.
      const res = await mergeShards({ inputs: [parts[2], parts[0], parts[3], parts[1]], out: merged });
      assert.equal(res.rows, 1003);
      assert.ok(readFileSync(merged).equals(readFileSync(single)), `merged ${ext} differs from the single run`);
    });

  it('PPCA images: 4 shard folders merged are the single run folder, file for file', async () => {
    const common = { generatorPath: join(work, 'ppca'), n: 7, seed: 5, client, executionProviders: cpu };
    await generateSynthetic({ ...common, out: join(work, 'img-single') });
    const parts = await shards(common, 'img', '', 4);
    assert.ok(existsSync(join(parts[0], 'shard.json')));
    const manifest = JSON.parse(readFileSync(join(parts[3], 'shard.json'), 'utf8'));
    assert.deepEqual(
      manifest.output.files.map((f: { name: string }) => f.name),
      ['synthetic-000005.png', 'synthetic-000006.png'],
    );
    const res = await mergeShards({ inputs: parts, out: join(work, 'img-merged') });
    assert.equal(res.files, 7);
    const names = readdirSync(join(work, 'img-single')).sort();
    assert.deepEqual(readdirSync(join(work, 'img-merged')).sort(), names);
    for (const name of names)
      assert.ok(readFileSync(join(work, 'img-merged', name)).equals(readFileSync(join(work, 'img-single', name))), name);
  });

  it('refuses a missing index, a repeated one, a part of another run, and a changed part', async () => {
    const common = { generatorPath: join(work, 'copula'), n: 40, seed: 2, client, executionProviders: cpu };
    const parts = await shards(common, 'bad', '.csv', 3);
    const out = join(work, 'bad-merged.csv');
    let e = await rejectsWith(mergeShards({ inputs: [parts[0], parts[2]], out }), 'BAD_INPUT');
    assert.match(e.message, /1 of the 3 shards are missing \(index 1\)/);
    e = await rejectsWith(mergeShards({ inputs: [parts[0], parts[1], parts[1]], out }), 'BAD_INPUT');
    assert.match(e.message, /is shard 1 of 3 again/);
    const other = await shards(common, 'other', '.csv', 3, 3);
    e = await rejectsWith(mergeShards({ inputs: [parts[0], other[1], parts[2]], out }), 'BAD_INPUT');
    assert.match(e.message, /its seed is 3, not 2/);
    const copula2 = join(work, 'copula2');
    await fitGenerator({ dataset: join(ROOT, 'test', 'fixtures', 'tables', 'breast_cancer.csv'), outDir: copula2 });
    const foreign = await shards({ ...common, generatorPath: copula2 }, 'foreign', '.csv', 3);
    e = await rejectsWith(mergeShards({ inputs: [parts[0], foreign[1], parts[2]], out }), 'BAD_INPUT');
    assert.match(e.message, /its generator (manifest|model) sha256 is/);
    copyFileSync(parts[2], join(work, 'keep.csv'));
    appendFileSync(parts[2], '1,2,3\n');
    e = await rejectsWith(mergeShards({ inputs: parts, out }), 'BAD_INPUT');
    assert.match(e.message, /has changed since generate wrote it/);
    copyFileSync(join(work, 'keep.csv'), parts[2]);
    rmSync(`${parts[2]}.shard.json`);
    e = await rejectsWith(mergeShards({ inputs: parts, out }), 'BAD_INPUT');
    assert.match(e.message, /no shard manifest bad-2\.csv\.shard\.json beside it/);
    assert.equal(existsSync(out), false, 'a refused merge writes nothing');
  });

  it('refuses an --out that is an input, a bad manifest, and Parquet parts (UNSUPPORTED)', async () => {
    const common = { generatorPath: join(work, 'copula'), n: 10, seed: 4, client, executionProviders: cpu };
    const parts = await shards(common, 'pq', '.parquet', 2);
    let e = await rejectsWith(mergeShards({ inputs: parts, out: join(work, 'pq.parquet') }), 'UNSUPPORTED');
    assert.match(e.message, /\.parquet parts cannot be merged yet/);
    e = await rejectsWith(mergeShards({ inputs: parts, out: parts[0] }), 'BAD_USAGE');
    assert.match(e.message, /would overwrite the input/);
    const csv = await shards(common, 'mf', '.csv', 2);
    writeFileSync(`${csv[1]}.shard.json`, '{"schema":"medsynth.shard/0"}');
    e = await rejectsWith(mergeShards({ inputs: csv, out: join(work, 'mf.csv') }), 'BAD_INPUT');
    assert.match(e.message, /has schema "medsynth.shard\/0", not medsynth.shard\/1/);
    e = await rejectsWith(mergeShards({ inputs: [], out: join(work, 'none.csv') }), 'BAD_USAGE');
    const folders = await shards({ ...common, generatorPath: join(work, 'ppca'), n: 2 }, 'imgout', '', 2);
    e = await rejectsWith(mergeShards({ inputs: folders, out: join(work, 'imgout.csv') }), 'BAD_USAGE');
    assert.match(e.message, /--out must be a folder/);
  });

  it('CLI: generate --shard auto in a Slurm array task writes its part and manifest; merge joins them', async () => {
    const gen = join(work, 'copula');
    mkdirSync(join(work, 'cli'));
    const saved = { ...process.env };
    try {
      for (let id = 0; id < 2; id++) {
        Object.assign(process.env, {
          SLURM_ARRAY_TASK_ID: String(id),
          SLURM_ARRAY_TASK_MIN: '0',
          SLURM_ARRAY_TASK_MAX: '1',
          SLURM_ARRAY_TASK_COUNT: '2',
        });
        const c = ctx();
        await generateCommand(
          [gen, '--n', '30', '--seed', '8', '--ep', 'cpu', '--shard', 'auto', '--out', join(work, 'cli', `part-${id}.csv`)],
          c,
        );
        assert.match(c.out.join(''), id === 0 ? /global rows 0\.\.14/ : /global rows 15\.\.29/);
      }
      delete process.env.SLURM_ARRAY_TASK_ID;
      await rejectsWith(
        generateCommand([gen, '--n', '30', '--seed', '8', '--shard', 'auto', '--out', join(work, 'cli', 'x.csv')], ctx()),
        'BAD_USAGE',
      );
      await rejectsWith(
        generateCommand([gen, '--n', '30', '--seed', '8', '--shards', '2', '--out', join(work, 'cli', 'x.csv')], ctx()),
        'BAD_USAGE',
      );
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    await generateSynthetic({ generatorPath: gen, n: 30, seed: 8, client, executionProviders: cpu, out: join(work, 'cli', 'single.csv') });
    const c = ctx();
    await mergeCommand([join(work, 'cli', 'part-1.csv'), join(work, 'cli', 'part-0.csv'), '--out', join(work, 'cli', 'merged.csv')], c);
    assert.match(c.out.join(''), /merged 2 shard\(s\) of .* \(n 30, seed 8\) into 30 rows/);
    assert.ok(readFileSync(join(work, 'cli', 'merged.csv')).equals(readFileSync(join(work, 'cli', 'single.csv'))));
    await rejectsWith(mergeCommand(['--out', join(work, 'cli', 'm.csv')], ctx()), 'BAD_USAGE');
    await rejectsWith(mergeCommand([join(work, 'cli', 'part-0.csv')], ctx()), 'BAD_USAGE');
  });

  it('CLI: slurm generate reads the generator to name the parts (CSV files or image folders), prints or writes the script', async () => {
    let c = ctx();
    await slurmCommand(['generate', join(work, 'copula'), '--n', '100', '--seed', '1', '--out', join(work, 'sl'), '--shards', '4'], c);
    const script = c.out.join('');
    assert.match(script, /^#SBATCH --array=0-3$/m);
    assert.match(script, /--out \S+\/sl\/part-"\$\{SLURM_ARRAY_TASK_ID\}"\.csv$/m);
    assert.match(script, /merge( \S+\/sl\/part-\d\.csv){4} --out \S+\/sl\/synthetic\.csv/);
    c = ctx();
    await slurmCommand(
      ['generate', join(work, 'ppca'), '--n', '8', '--seed', '1', '--out', join(work, 'sl'), '--shards', '2', '--format', 'nii'],
      c,
    );
    assert.match(c.out.join(''), /--format nii --out \S+\/sl\/part-"\$\{SLURM_ARRAY_TASK_ID\}"$/m);
    c = ctx();
    const file = join(work, 'gen.sbatch');
    await slurmCommand(
      ['generate', join(work, 'copula'), '--n', '100', '--seed', '1', '--out', join(work, 'sl'), '--shards', '2', '--write', file],
      c,
    );
    assert.match(readFileSync(file, 'utf8'), /^#!\/bin\/bash\n#SBATCH/);
    assert.match(c.out.join(''), /JOBID=\$\(sbatch --parsable \S+gen\.sbatch\)\nsbatch --parsable --dependency=afterok:\$JOBID/);
    c = ctx();
    await slurmCommand(
      ['generate', join(work, 'copula'), '--n', '100', '--seed', '1', '--out', join(work, 'sl'), '--shards', '2', '--kubernetes'],
      c,
    );
    assert.match(c.out.join(''), /completionMode: Indexed\n {2}completions: 2/);
    const base = ['generate', join(work, 'copula'), '--n', '100', '--seed', '1', '--out', join(work, 'sl')];
    await rejectsWith(slurmCommand(base, ctx()), 'BAD_USAGE');
    await rejectsWith(slurmCommand([...base, '--shards', '2', '--format', 'parquet'], ctx()), 'UNSUPPORTED');
    await rejectsWith(slurmCommand(['evaluate'], ctx()), 'BAD_USAGE');
    await rejectsWith(slurmCommand([...base, '--shards', '2', '--mem', 'lots'], ctx()), 'BAD_USAGE');
  });
});
