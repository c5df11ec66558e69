// Exit codes of the bundled `medsynth` under failure: 1 when a run fails (the inference process killed
// mid-run, the output folder refusing writes), 2 for bad input, and 0 when only some metrics could not
// be computed, with that said on stderr. Every failure is one line on stderr and leaves no output file.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildCli, removeCliBuild, runCliProcess, scratchDir } from '../cli/cliHarness';
import { ROOT } from './safetyHarness';

const PATIENTS = join(ROOT, 'samples', 'workspace', 'patients.csv');
const IS_ROOT = process.getuid?.() === 0;

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected a one-line reason, got: ${stderr}`);
  assert.match(lines[0], /^medsynth: /);
  return lines[0];
}

/** The pids of the direct children of `pid` (the forked inference process). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describe('medsynth exit codes under failure', () => {
  let dir: string;
  let model: string;
  const mounts: string[] = [];
  before(() => {
    dir = scratchDir();
    model = join(dir, 'gen');
    const fit = runCliProcess(['fit', PATIENTS, '--generator', 'copula', '--out', model]);
    assert.equal(fit.code, 0, fit.stderr);
  });
  after(() => {
    for (const m of mounts) execFileSync('umount', [m], { stdio: 'ignore' });
    removeCliBuild();
  });

  it('exits 1 with one line when the inference process is killed mid-run, and writes nothing', async () => {
    // The output's folder must exist: generate creates no folder the user did not name.
    mkdirSync(join(dir, 'killed'));
    const out = join(dir, 'killed', 'synthetic.csv');
    const cli = spawn(
      process.execPath,
      [buildCli(), 'generate', model, '--n', '20000000', '--seed', '1', '--batch', '1000', '--ep', 'cpu', '--out', out],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    cli.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = new Promise<number | null>((resolve) => cli.on('exit', (c) => resolve(c)));
    let victim: number | undefined;
    for (let i = 0; i < 300 && victim === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      victim = childrenOf(cli.pid as number)[0];
    }
    assert.ok(victim, 'the CLI never forked its inference process');
    // Let the child load the model and start sampling before it is killed.
    await new Promise((r) => setTimeout(r, 700));
    process.kill(victim, 'SIGKILL');
    assert.equal(await code, 1, stderr);
    // 20,000,000 rows × 8 columns = 160,000,000 cells, past the readers' default cap: generate warns first.
    const [warning, ...rest] = stderr.trim().split('\n');
    assert.match(warning, /^medsynth: the output has 20000000 rows × 8 columns = 160000000 cells.*--max-cells 160000000/);
    assert.match(oneLine(rest.join('\n')), /inference process died/);
    assert.deepEqual(readdirSync(join(dir, 'killed')), []);
  });

  it(
    IS_ROOT
      ? 'exits 1 (IO) when the output folder is read-only (root: read-only tmpfs)'
      : 'exits 1 (IO) when the output folder is read-only (chmod 0555)',
    () => {
      const ro = join(dir, 'ro');
      mkdirSync(ro);
      if (IS_ROOT) {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]);
        mounts.push(ro);
      } else {
        chmodSync(ro, 0o555);
      }
      const res = runCliProcess(['generate', model, '--n', '10', '--seed', '1', '--out', join(ro, 'x.csv'), '--ep', 'cpu']);
      assert.equal(res.code, 1, res.stderr);
      assert.match(oneLine(res.stderr), new RegExp(`${ro.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*cannot write`));
      assert.deepEqual(readdirSync(ro), []);
    },
  );

  it('exits 2 for bad input (a ragged CSV) with one line', () => {
    const res = runCliProcess([
      'fit',
      join(ROOT, 'test', 'fixtures', 'tables', 'bad', 'ragged.csv'),
      '--generator',
      'copula',
      '--out',
      join(dir, 'bad-gen'),
    ]);
    assert.equal(res.code, 2, res.stderr);
    oneLine(res.stderr);
    assert.equal(existsSync(join(dir, 'bad-gen')), false);
  });

  it('keeps exit 0 when a metric cannot be computed, says so on stderr, and does not count one that does not apply', () => {
    // Two constant numeric columns: no correlation is defined (a failure). One categorical column:
    // contingency similarity does not apply (not a failure, no note). TV complement works.
    const rows = ['sex,dose,site', ...Array.from({ length: 40 }, (_, i) => `${i % 2 ? 'M' : 'F'},5,7`)];
    writeFileSync(join(dir, 'cat.csv'), `${rows.join('\n')}\n`);
    const json = join(dir, 'cat-report.json');
    const ids = 'fidelity.correlationSimilarity,fidelity.contingencySimilarity,fidelity.tvComplement';
    const res = runCliProcess([
      'evaluate',
      '--real',
      join(dir, 'cat.csv'),
      '--synth',
      join(dir, 'cat.csv'),
      '--metrics',
      ids,
      '--json',
      json,
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      oneLine(res.stderr),
      /1 of 3 metrics could not be computed \(exit code stays 0\): fidelity\.correlationSimilarity: .*no pair/,
    );
    assert.match(res.stdout, /fidelity\.contingencySimilarity\s+n\/a\s/);
    type Row = { id: string; error?: string; notApplicable?: string; score: number | null };
    const report = JSON.parse(execFileSync('cat', [json], { encoding: 'utf8' })) as { metrics: Row[] };
    const byId = (id: string): Row | undefined => report.metrics.find((m) => m.id === id);
    assert.equal(byId('fidelity.correlationSimilarity')?.score, null);
    assert.deepEqual([byId('fidelity.contingencySimilarity')?.score, byId('fidelity.contingencySimilarity')?.error], [null, undefined]);
    assert.match(byId('fidelity.contingencySimilarity')?.notApplicable ?? '', /at least two categorical/);
    assert.equal(byId('fidelity.tvComplement')?.score, 1);
  });
});
