// No network: the full fit -> generate -> evaluate loop runs through the real CLI and its inference
// process with every Node networking entry point replaced by a recorder that throws (inherited by the
// inference child through NODE_OPTIONS), and, when running as root with unshare, again inside a
// network namespace with no interfaces at all. The loop must complete with zero recorded attempts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runProcess, scratchWorkspace, suiteBundle } from './securityHarness';

const GUARD = join(__dirname, 'networkGuard.js');

interface GuardEntry {
  readonly type: 'loaded' | 'attempt';
  readonly pid: number;
  readonly script: string;
  readonly api?: string;
  readonly detail?: string;
  readonly stack?: string;
}

const suite = suiteBundle();
const { scratch } = suite;

function readLog(file: string): GuardEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as GuardEntry);
}

function guardedEnv(logFile: string): NodeJS.ProcessEnv {
  const inherited = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ` : '';
  return { ...process.env, NODE_OPTIONS: `${inherited}--require ${GUARD}`, MEDSYNTH_NET_LOG: logFile };
}

/** fit -> generate -> evaluate on a copy of the sample table; `prefix` wraps each command (unshare). */
async function runLoop(prefix: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const ws = scratchWorkspace();
  scratch.push(ws);
  const node = [...prefix, process.execPath, suite.bundle().cli];
  const run = async (...args: string[]): Promise<void> => {
    const r = await runProcess(node[0], [...node.slice(1), ...args], { cwd: ws, env });
    assert.equal(r.code, 0, `medsynth ${args[0]} failed (${r.code}): ${r.stderr}`);
  };
  await run('fit', 'patients.csv', '--generator', 'copula', '--out', 'gen');
  await run('generate', 'gen', '--n', '200', '--seed', '7', '--out', 'synthetic.csv');
  await run('evaluate', '--real', 'patients.csv', '--synth', 'synthetic.csv', '--json', 'report.json', '--html', 'report.html');
  for (const f of ['gen/medsynth.json', 'gen/model.onnx', 'synthetic.csv', 'report.json', 'report.html']) {
    assert.ok(existsSync(join(ws, f)) && statSync(join(ws, f)).size > 0, `${f} was not written`);
  }
  const report = JSON.parse(readFileSync(join(ws, 'report.json'), 'utf8')) as unknown;
  assert.equal(typeof report, 'object');
  return ws;
}

test('the guard records and refuses every networking entry point', async () => {
  const log = join(scratchWorkspace([]), 'net.jsonl');
  scratch.push(join(log, '..'));
  const probe = [
    "const tries = [() => require('node:net').connect(9, '127.0.0.1'), () => require('node:dns').lookup('example.org', () => {}),",
    "() => require('node:http').get('http://127.0.0.1:9/'), () => require('node:https').request('https://127.0.0.1:9/'),",
    "() => require('node:tls').connect(9, '127.0.0.1'), () => fetch('http://127.0.0.1:9/')];",
    'let refused = 0; for (const t of tries) { try { t(); } catch { refused++; } } process.stdout.write(String(refused));',
  ].join(' ');
  const r = await runProcess(process.execPath, ['-e', probe], { env: guardedEnv(log) });
  assert.equal(r.stdout, '6', r.stderr);
  const apis = readLog(log)
    .filter((e) => e.type === 'attempt')
    .map((e) => e.api);
  assert.deepEqual(apis, ['net.Socket.connect', 'dns.lookup', 'http.get', 'https.request', 'tls.connect', 'fetch']);
});

test('fit -> generate -> evaluate completes with networking made to fail, in the CLI and the inference child', async () => {
  const ws = scratchWorkspace([]);
  scratch.push(ws);
  const log = join(ws, 'net.jsonl');
  await runLoop([], guardedEnv(log));
  const entries = readLog(log);
  const attempts = entries.filter((e) => e.type === 'attempt');
  assert.deepEqual(attempts, [], `network attempts: ${JSON.stringify(attempts, null, 1)}`);
  const loaded = entries.filter((e) => e.type === 'loaded').map((e) => e.script);
  assert.ok(loaded.filter((s) => s.endsWith('cli.js')).length >= 3, `guard not loaded in every CLI run: ${loaded.join(', ')}`);
  assert.ok(
    loaded.some((s) => s.endsWith('inference.js')),
    `guard not inherited by the inference process: ${loaded.join(', ')}`,
  );
});

function unshareAvailable(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  return spawnSync('unshare', ['-n', 'true']).status === 0;
}

test(
  'the loop also completes in a network namespace with no interfaces (unshare -n, root only)',
  { skip: !unshareAvailable() && 'needs root and unshare' },
  async () => {
    const ws = scratchWorkspace([]);
    scratch.push(ws);
    const log = join(ws, 'net.jsonl');
    // Prove the namespace really has no network: even loopback is down inside it.
    const probe = await runProcess('unshare', [
      '-n',
      process.execPath,
      '-e',
      "require('node:net').connect(9, '127.0.0.1').on('error', (e) => { process.stdout.write(e.code); })",
    ]);
    assert.match(probe.stdout, /ENETUNREACH|ECONNREFUSED|EADDRNOTAVAIL/);
    await runLoop(['unshare', '-n'], guardedEnv(log));
    assert.deepEqual(
      readLog(log).filter((e) => e.type === 'attempt'),
      [],
    );
  },
);
