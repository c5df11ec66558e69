// The Slurm and Kubernetes job text of a sharded evaluate (`medsynth slurm evaluate`), read back by the
// programs that would read it: the #SBATCH lines parsed as sbatch reads them, the task's commands run by
// bash with a Slurm task's environment (MedSynth replaced by a stub that prints its arguments), the
// submit commands run by bash against a stub sbatch (the merge's --wrap then run by sh), and the
// Kubernetes manifest parsed by PyYAML (/usr/bin/python3; skipped where it is not installed) with each
// pod's command run by sh. The expected argument lists are written out by hand from the interface:
// evaluate <inputs> --shard auto --shards K --partial <dir>/partials/part-<i>.json, then
// evaluate --merge <the K partials in index order> <the same inputs> --json <dir>/report.json.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import type { CliContext } from '../../../src/cli/commands';
import { slurmCommand } from '../../../src/cli/slurmCommand';
import {
  evaluateMergeCommandLine,
  kubernetesEvaluateManifest,
  slurmEvaluateScript,
  slurmEvaluateSubmitCommands,
} from '../../../src/engine/schedulerScripts';
import type { ShardedEvaluateJob } from '../../../src/engine/schedulerScripts';
import { rejectsWith } from '../typedErrors';

const PATIENTS = join(__dirname, '..', '..', '..', 'samples', 'workspace', 'patients.csv');
let work: string;
let stub: string;

function job(over: Partial<ShardedEvaluateJob> = {}): ShardedEvaluateJob {
  return {
    medsynth: stub,
    real: '/data/real set.csv',
    synth: '/data/synth.csv',
    holdout: "/data/hold'out.csv",
    evaluateArgs: ['--metrics', 'privacy.dcr,privacy.nndr', '--seed', '5', '--quasi-identifiers', 'age:10,sex'],
    shards: 3,
    outDir: '/scratch/eval1',
    cpus: 2,
    mem: '8G',
    time: '02:00:00',
    jobName: 'medsynth-evaluate',
    ...over,
  };
}

const INPUTS = [
  '--real',
  '/data/real set.csv',
  '--synth',
  '/data/synth.csv',
  '--holdout',
  "/data/hold'out.csv",
  '--metrics',
  'privacy.dcr,privacy.nndr',
  '--seed',
  '5',
  '--quasi-identifiers',
  'age:10,sex',
];

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

function ctx(): CliContext & { out: string[] } {
  const out: string[] = [];
  return { signal: new AbortController().signal, stdout: (t) => void out.push(t), stderr: () => undefined, out };
}

describe('scheduler scripts: sharded evaluate', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'medsynth-sched-eval-'));
    stub = join(work, 'medsynth-stub');
    writeFileSync(stub, '#!/bin/sh\nprintf "%s\\n" "$@"\n');
    chmodSync(stub, 0o755);
    writeFileSync(
      join(work, 'sbatch'),
      `#!/bin/sh\nprintf "%s\\n" "$@" >> ${work}/sbatch.log\necho "---" >> ${work}/sbatch.log\necho 977\n`,
    );
    chmodSync(join(work, 'sbatch'), 0o755);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('the array script asks for K tasks with the resources, no GPU, logs under <dir>/logs', () => {
    const script = slurmEvaluateScript(job({ partition: 'cpu' }));
    const o = sbatchOptions(script);
    assert.equal(o.get('job-name'), 'medsynth-evaluate');
    assert.equal(o.get('array'), '0-2');
    assert.equal(o.get('ntasks'), '1');
    assert.equal(o.get('cpus-per-task'), '2');
    assert.equal(o.get('mem'), '8G');
    assert.equal(o.get('time'), '02:00:00');
    assert.equal(o.get('partition'), 'cpu');
    assert.equal(o.get('output'), '/scratch/eval1/logs/evaluate-%A_%a.out');
    assert.equal(o.has('gres'), false);
    assert.equal(sbatchOptions(slurmEvaluateScript(job({ shards: 1 }))).get('array'), '0-0');
    // The script's text: the task lines after set -euo pipefail.
    const lines = script.split('\n');
    const body = lines.slice(lines.indexOf('set -euo pipefail') + 1).filter((l) => l !== '');
    assert.equal(body[0], 'mkdir -p /scratch/eval1/partials');
    assert.equal(
      body[1],
      `${stub} evaluate --real '/data/real set.csv' --synth /data/synth.csv --holdout '/data/hold'\\''out.csv' --metrics privacy.dcr,privacy.nndr` +
        ` --seed 5 --quasi-identifiers age:10,sex --shard auto --shards 3 --partial /scratch/eval1/partials/part-"\${SLURM_ARRAY_TASK_ID}".json`,
    );
  });

  it("task 1's command, run by bash, is evaluate <inputs> --shard auto --shards 3 --partial partials/part-1.json", () => {
    const outDir = join(work, 'run-task');
    const script = slurmEvaluateScript(job({ outDir }));
    assert.equal(spawnSync('bash', ['-n', '-c', script]).status, 0, 'bash parses the script');
    const argv = run('bash', script, { SLURM_ARRAY_TASK_ID: '1' });
    assert.deepEqual(argv, ['evaluate', ...INPUTS, '--shard', 'auto', '--shards', '3', '--partial', `${outDir}/partials/part-1.json`]);
    assert.ok(existsSync(join(outDir, 'partials')), 'the task makes the partials folder');
  });

  it('the submit commands make logs/ and partials/, and the merge is an afterok job of evaluate --merge into report.json', () => {
    const outDir = join(work, 'run-submit');
    const j = job({ outDir, reports: ['html', 'markdown'] });
    const commands = slurmEvaluateSubmitCommands(j, '/jobs/eval.sbatch');
    assert.equal(commands[0], `mkdir -p ${outDir}/logs ${outDir}/partials`);
    assert.equal(commands[1], 'JOBID=$(sbatch --parsable /jobs/eval.sbatch)');
    run('bash', commands.join('\n'));
    const calls = readFileSync(join(work, 'sbatch.log'), 'utf8')
      .split('---\n')
      .filter((c) => c !== '');
    assert.equal(calls.length, 2);
    assert.deepEqual(calls[0].trim().split('\n'), ['--parsable', '/jobs/eval.sbatch']);
    const merge = calls[1].trim().split('\n');
    assert.deepEqual(merge.slice(0, 9), [
      '--parsable',
      '--dependency=afterok:977',
      '--job-name=medsynth-evaluate-merge',
      '--ntasks=1',
      '--cpus-per-task=1',
      '--mem=8G',
      '--time=02:00:00',
      `--output=${outDir}/logs/merge-%j.out`,
      merge[8],
    ]);
    assert.ok(merge[8].startsWith('--wrap='));
    // sbatch runs --wrap with sh: every partial in index order, the same inputs, the reports into the folder.
    assert.deepEqual(run('sh', merge[8].slice('--wrap='.length)), [
      'evaluate',
      '--merge',
      `${outDir}/partials/part-0.json`,
      `${outDir}/partials/part-1.json`,
      `${outDir}/partials/part-2.json`,
      ...INPUTS,
      '--json',
      `${outDir}/report.json`,
      '--html',
      `${outDir}/report.html`,
      '--markdown',
      `${outDir}/report.md`,
    ]);
    assert.ok(existsSync(join(outDir, 'logs')) && existsSync(join(outDir, 'partials')));
    // The script's header repeats the submit commands.
    assert.match(slurmEvaluateScript(j, '/jobs/eval.sbatch'), /^# {3}JOBID=\$\(sbatch --parsable \/jobs\/eval\.sbatch\)$/m);
  });

  it('without a holdout or extra flags the merge is evaluate --merge <partials> --real --synth --json', () => {
    const j = job({ holdout: undefined, evaluateArgs: [], shards: 2 });
    assert.deepEqual(run('sh', evaluateMergeCommandLine(j)), [
      'evaluate',
      '--merge',
      '/scratch/eval1/partials/part-0.json',
      '/scratch/eval1/partials/part-1.json',
      '--real',
      '/data/real set.csv',
      '--synth',
      '/data/synth.csv',
      '--json',
      '/scratch/eval1/report.json',
    ]);
  });

  it('the Kubernetes manifest: an indexed evaluate Job of K completions and a merge Job (PyYAML reads it back)', (t) => {
    const text = kubernetesEvaluateManifest(job(), { image: 'registry/medsynth:2', claim: 'scratch' });
    const py = spawnSync('/usr/bin/python3', ['-c', 'import json,sys,yaml; print(json.dumps(list(yaml.safe_load_all(sys.stdin))))'], {
      input: text,
      encoding: 'utf8',
    });
    if (py.status !== 0) return t.skip('PyYAML (/usr/bin/python3 -c "import yaml") is not available here');
    type Doc = {
      metadata: { name: string; labels: Record<string, string> };
      spec: {
        completionMode?: string;
        completions?: number;
        parallelism?: number;
        template: {
          spec: {
            containers: {
              command: string[];
              image: string;
              resources: { requests: Record<string, string>; limits: Record<string, string> };
            }[];
            volumes: { persistentVolumeClaim: { claimName: string } }[];
          };
        };
      };
    };
    const [ev, merge] = JSON.parse(py.stdout) as Doc[];
    assert.equal(ev.metadata.name, 'medsynth-evaluate');
    assert.equal(ev.metadata.labels['medsynth.step'], 'evaluate');
    assert.equal(ev.spec.completionMode, 'Indexed');
    assert.equal(ev.spec.completions, 3);
    assert.equal(ev.spec.parallelism, 3);
    const c = ev.spec.template.spec.containers[0];
    assert.equal(c.image, 'registry/medsynth:2');
    assert.deepEqual(c.resources.requests, { cpu: '2', memory: '8Gi' });
    assert.deepEqual(c.resources.limits, { memory: '8Gi' });
    assert.equal(ev.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, 'scratch');
    const outDir = join(work, 'run-k8s');
    const pod = run('sh', c.command[2].replaceAll('/scratch/eval1', outDir), { JOB_COMPLETION_INDEX: '2' });
    assert.deepEqual(pod, ['evaluate', ...INPUTS, '--shard', 'auto', '--shards', '3', '--partial', `${outDir}/partials/part-2.json`]);
    assert.equal(merge.metadata.name, 'medsynth-evaluate-merge');
    assert.equal(merge.metadata.labels['medsynth.step'], 'merge');
    assert.equal(merge.spec.completionMode, undefined);
    assert.deepEqual(run('sh', merge.spec.template.spec.containers[0].command[2]).slice(0, 5), [
      'evaluate',
      '--merge',
      '/scratch/eval1/partials/part-0.json',
      '/scratch/eval1/partials/part-1.json',
      '/scratch/eval1/partials/part-2.json',
    ]);
  });

  it('refuses what sbatch would refuse later, naming the option', () => {
    const refuses = (over: Partial<ShardedEvaluateJob>, pattern: RegExp): void =>
      assert.throws(
        () => slurmEvaluateScript(job(over)),
        (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE' && pattern.test(e.message),
      );
    refuses({ shards: 0 }, /--shards must be a whole number of at least 1/);
    refuses({ mem: '8GB' }, /--mem must be a size/);
    refuses({ time: 'later' }, /--time must be/);
    refuses({ cpus: 0 }, /--cpus/);
    refuses({ outDir: '/scratch/my eval' }, /must be a plain path/);
    refuses({ jobName: 'x;y' }, /--job-name/);
    refuses({ real: ' ' }, /--real must name a table/);
    assert.throws(() => kubernetesEvaluateManifest(job({ shards: -1 }), { image: 'x', claim: 'y' }), MedSynthError);
  });

  it('CLI: slurm evaluate checks the flags, makes the paths absolute and passes the evaluate flags on as given', async () => {
    let c = ctx();
    const out = join(work, 'cli-eval');
    await slurmCommand(
      ['evaluate', '--real', PATIENTS, '--synth', PATIENTS, '--out', out, '--shards', '4', '--metrics', 'privacy.dcr', '--bootstrap', '0'],
      c,
    );
    const script = c.out.join('');
    assert.match(script, /^#SBATCH --array=0-3$/m);
    assert.match(script, /^#SBATCH --job-name=medsynth-evaluate$/m);
    assert.ok(
      script.includes(
        `medsynth evaluate --real ${PATIENTS} --synth ${PATIENTS} --metrics privacy.dcr --bootstrap 0 --shard auto --shards 4 --partial ${out}/partials/part-"\${SLURM_ARRAY_TASK_ID}".json`,
      ),
      script,
    );
    c = ctx();
    const file = join(work, 'eval.sbatch');
    await slurmCommand(['evaluate', '--real', PATIENTS, '--synth', PATIENTS, '--out', out, '--shards', '2', '--write', file, '--html'], c);
    assert.match(readFileSync(file, 'utf8'), /^#!\/bin\/bash\n#SBATCH/);
    const printed = c.out.join('').split('\n');
    assert.equal(printed[0], `wrote ${file}; submit with:`);
    assert.equal(printed[1], `mkdir -p ${out}/logs ${out}/partials`);
    assert.equal(printed[2], `JOBID=$(sbatch --parsable ${file})`);
    assert.match(printed[3], /^sbatch --parsable --dependency=afterok:\$JOBID .*--wrap='medsynth evaluate --merge /);
    assert.match(printed[3], /--json \S+\/report\.json --html \S+\/report\.html'$/);
    c = ctx();
    await slurmCommand(['evaluate', '--real', PATIENTS, '--synth', PATIENTS, '--out', out, '--shards', '2', '--kubernetes'], c);
    assert.match(c.out.join(''), /medsynth\.step: "evaluate"\nspec:\n {2}completionMode: Indexed\n {2}completions: 2/);
    const base = ['evaluate', '--real', PATIENTS, '--synth', PATIENTS, '--out', out];
    await rejectsWith(slurmCommand(base, ctx()), 'BAD_USAGE'); // no --shards
    await rejectsWith(slurmCommand(['evaluate', '--synth', PATIENTS, '--out', out, '--shards', '2'], ctx()), 'BAD_USAGE');
    const missing = await rejectsWith(slurmCommand([...base, '--shards', '2', '--holdout', join(work, 'nope.csv')], ctx()), 'BAD_USAGE');
    assert.match(missing.message, /--holdout \S+nope\.csv does not exist/);
    await rejectsWith(slurmCommand([...base, '--shards', '2', '--bootstrap', '-1'], ctx()), 'BAD_USAGE');
    await rejectsWith(slurmCommand([...base, '--shards', '2', '--quasi-identifiers', 'age:x'], ctx()), 'BAD_USAGE');
    await rejectsWith(slurmCommand([...base, '--shards', '2', '--ep', 'cuda'], ctx()), 'BAD_USAGE'); // not an evaluate-shard flag
    await rejectsWith(slurmCommand([...base, '--shards', '2', 'extra'], ctx()), 'BAD_USAGE');
  });
});
