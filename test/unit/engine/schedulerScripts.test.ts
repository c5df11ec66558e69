// The Slurm and Kubernetes job text of a sharded generate run, read back by the programs that would
// read it: the #SBATCH lines parsed as sbatch reads them, the script's command run by bash with a
// Slurm task's environment (MedSynth replaced by a stub that prints its arguments), the submit
// commands run by bash against a stub sbatch, and the Kubernetes manifest parsed by PyYAML
// (/usr/bin/python3; skipped where it is not installed) with each pod's command run by sh.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import {
  kubernetesGenerateManifest,
  kubernetesMemory,
  mergeCommandLine,
  slurmGenerateScript,
  slurmSubmitCommands,
  slurmTimeSeconds,
} from '../../../src/engine/schedulerScripts';
import type { ShardedGenerateJob } from '../../../src/engine/schedulerScripts';

let work: string;
let stub: string;

function job(over: Partial<ShardedGenerateJob> = {}): ShardedGenerateJob {
  return {
    medsynth: stub,
    model: "/models/my copula's",
    n: 1000,
    seed: 7,
    shards: 4,
    outDir: '/scratch/run1',
    partSuffix: '.csv',
    merged: 'synthetic.csv',
    cpus: 2,
    mem: '4G',
    time: '01:30:00',
    jobName: 'medsynth-generate',
    ...over,
  };
}

/** The arguments the stub received, one per line (the stub prints "$@" with printf). */
function run(shell: string, script: string, env: Record<string, string> = {}): string[] {
  const res = spawnSync(shell, ['-c', script], { encoding: 'utf8', env: { PATH: `${work}:${process.env.PATH ?? ''}`, ...env } });
  assert.equal(res.status, 0, res.stderr);
  return res.stdout.split('\n').filter((l) => l !== '');
}

function sbatchOptions(script: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of script.split('\n')) {
    const m = /^#SBATCH --([a-z-]+)(?:=(.*))?$/.exec(line);
    if (m) map.set(m[1], m[2] ?? '');
  }
  return map;
}

describe('scheduler scripts', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'medsynth-sched-'));
    stub = join(work, 'medsynth-stub');
    writeFileSync(stub, '#!/bin/sh\nprintf "%s\\n" "$@"\n');
    chmodSync(stub, 0o755);
    // A stub sbatch: records its arguments, prints a job id as --parsable does.
    writeFileSync(
      join(work, 'sbatch'),
      `#!/bin/sh\nprintf "%s\\n" "$@" >> ${work}/sbatch.log\necho "---" >> ${work}/sbatch.log\necho 4242\n`,
    );
    chmodSync(join(work, 'sbatch'), 0o755);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('the array script asks for K tasks and the resources, GPU only with cuda', () => {
    const cpu = sbatchOptions(slurmGenerateScript(job()));
    assert.equal(cpu.get('array'), '0-3');
    assert.equal(cpu.get('cpus-per-task'), '2');
    assert.equal(cpu.get('mem'), '4G');
    assert.equal(cpu.get('time'), '01:30:00');
    assert.equal(cpu.get('output'), '/scratch/run1/logs/generate-%A_%a.out');
    assert.equal(cpu.has('gres'), false);
    const gpu = sbatchOptions(slurmGenerateScript(job({ executionProviders: ['cuda', 'cpu'], shards: 16, partition: 'gpu' })));
    assert.equal(gpu.get('gres'), 'gpu:1');
    assert.equal(gpu.get('array'), '0-15');
    assert.equal(gpu.get('partition'), 'gpu');
  });

  it("each task's command, run by bash as task 2, is generate --shard auto into part-2.csv", () => {
    const script = slurmGenerateScript(job({ executionProviders: ['cuda', 'cpu'] }));
    assert.equal(spawnSync('bash', ['-n', '-c', script]).status, 0, 'bash parses the script');
    const argv = run('bash', script, { SLURM_ARRAY_TASK_ID: '2' });
    assert.deepEqual(argv, [
      'generate',
      "/models/my copula's",
      '--n',
      '1000',
      '--seed',
      '7',
      '--shard',
      'auto',
      '--shards',
      '4',
      '--ep',
      'cuda,cpu',
      '--out',
      '/scratch/run1/part-2.csv',
    ]);
    // An image generator: a folder per part, with its item format.
    const img = run('bash', slurmGenerateScript(job({ partSuffix: '', merged: 'synthetic', format: 'png' })), { SLURM_ARRAY_TASK_ID: '0' });
    assert.deepEqual(img.slice(-4), ['--format', 'png', '--out', '/scratch/run1/part-0']);
  });

  it('the submit commands make the log folder, take the array id from --parsable and make the merge afterok on it', () => {
    const j = job({ outDir: join(work, 'run') });
    run('bash', slurmSubmitCommands(j, '/jobs/gen.sbatch').join('\n'));
    const calls = readFileSync(join(work, 'sbatch.log'), 'utf8')
      .split('---\n')
      .filter((c) => c !== '');
    assert.equal(calls.length, 2);
    assert.deepEqual(calls[0].trim().split('\n'), ['--parsable', '/jobs/gen.sbatch']);
    const merge = calls[1].trim().split('\n');
    assert.ok(merge.includes('--dependency=afterok:4242'), merge.join(' '));
    assert.ok(merge.includes(`--output=${join(work, 'run')}/logs/merge-%j.out`));
    const wrap = merge.find((a) => a.startsWith('--wrap='));
    assert.ok(wrap);
    // sbatch runs --wrap with sh: the merge of every part in index order into the merged file.
    assert.deepEqual(run('sh', wrap.slice('--wrap='.length)), [
      'merge',
      ...[0, 1, 2, 3].map((i) => `${join(work, 'run')}/part-${i}.csv`),
      '--out',
      `${join(work, 'run')}/synthetic.csv`,
    ]);
    assert.equal(run('sh', `test -d ${join(work, 'run', 'logs')} && echo yes`)[0], 'yes');
    assert.match(mergeCommandLine(j), / merge /);
  });

  it('the Kubernetes manifest is an indexed Job of K completions and a merge Job (PyYAML reads it back)', (t) => {
    const text = kubernetesGenerateManifest(job({ executionProviders: ['cuda'] }), { image: 'registry/medsynth:1', claim: 'data' });
    const py = spawnSync('/usr/bin/python3', ['-c', 'import json,sys,yaml; print(json.dumps(list(yaml.safe_load_all(sys.stdin))))'], {
      input: text,
      encoding: 'utf8',
    });
    if (py.status !== 0) return t.skip('PyYAML (/usr/bin/python3 -c "import yaml") is not available here');
    const [gen, merge] = JSON.parse(py.stdout) as { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> }[];
    assert.equal(gen.spec.completionMode, 'Indexed');
    assert.equal(gen.spec.completions, 4);
    assert.equal(gen.metadata.labels['medsynth.step'], 'generate');
    assert.equal(merge.metadata.labels['medsynth.step'], 'merge');
    assert.equal(merge.spec.completionMode, undefined);
    type Pod = {
      template: { spec: { containers: { command: string[]; image: string; resources: { limits: Record<string, string> } }[] } };
    };
    const c = (gen.spec as unknown as Pod).template.spec.containers[0];
    assert.equal(c.image, 'registry/medsynth:1');
    assert.equal(c.resources.limits['nvidia.com/gpu'], '1');
    assert.equal(c.resources.limits.memory, '4Gi');
    assert.deepEqual(c.command.slice(0, 2), ['/bin/sh', '-c']);
    const argv = run('sh', c.command[2].replace(/^mkdir -p \S+ && /, ''), { JOB_COMPLETION_INDEX: '3' });
    assert.deepEqual(argv.slice(-2), ['--out', '/scratch/run1/part-3.csv']);
    assert.deepEqual(argv.slice(6, 10), ['--shard', 'auto', '--shards', '4']);
    const m = (merge.spec as unknown as Pod).template.spec.containers[0];
    assert.equal(run('sh', m.command[2])[0], 'merge');
  });

  it('converts Slurm time and memory notation (hand-worked values)', () => {
    assert.equal(slurmTimeSeconds('90'), 5400);
    assert.equal(slurmTimeSeconds('10:30'), 630);
    assert.equal(slurmTimeSeconds('01:30:00'), 5400);
    assert.equal(slurmTimeSeconds('2-00:00:00'), 172800);
    assert.equal(slurmTimeSeconds('1-12'), 129600);
    assert.equal(kubernetesMemory('4G'), '4Gi');
    assert.equal(kubernetesMemory('500'), '500Mi');
    assert.equal(kubernetesMemory('512m'), '512Mi');
  });

  it('refuses what sbatch would refuse later, naming the option', () => {
    const refuses = (over: Partial<ShardedGenerateJob>, pattern: RegExp): void =>
      assert.throws(
        () => slurmGenerateScript(job(over)),
        (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE' && pattern.test(e.message),
      );
    refuses({ shards: 0 }, /--shards must be a whole number of at least 1/);
    refuses({ n: 3 }, /--n 3 is less than --shards 4/);
    refuses({ mem: '4GB' }, /--mem must be a size/);
    refuses({ time: 'soon' }, /--time must be/);
    refuses({ cpus: 0 }, /--cpus/);
    refuses({ outDir: '/scratch/my run' }, /must be a plain path/);
    refuses({ jobName: 'a b' }, /--job-name/);
    assert.throws(() => kubernetesGenerateManifest(job({ shards: 0 }), { image: 'x', claim: 'y' }), MedSynthError);
  });
});
