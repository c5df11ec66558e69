// Shared by the security tests: a bundled CLI and inference process (built the way esbuild.mjs does,
// into .cache/ so onnxruntime-node resolves from the repository), a scratch workspace holding copies of
// the sample tables, and file hashing to prove sources are never touched.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before } from 'node:test';
import { buildCliBundle as buildBundle, removeCliBundle as removeBundle } from '../cliBundle';
import type { CliBundle } from '../cliBundle';

export const ROOT = join(__dirname, '..', '..', '..');

export { removeCliBundle } from '../cliBundle';
export type { CliBundle } from '../cliBundle';

export function buildCliBundle(): CliBundle {
  return buildBundle('security-test');
}

/**
 * For a suite: builds the CLI bundle before its tests and removes it, and every scratch folder pushed
 * onto `scratch`, after them. `bundle()` is the bundle once built.
 */
export function suiteBundle(): { readonly bundle: () => CliBundle; readonly scratch: string[] } {
  let built: CliBundle | undefined;
  const scratch: string[] = [];
  before(() => {
    built = buildCliBundle();
  });
  after(() => {
    removeBundle(built);
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });
  return {
    bundle: () => {
      if (!built) throw new Error('the CLI bundle is built in before()');
      return built;
    },
    scratch,
  };
}

/** A temporary workspace with copies of the sample tables (the originals stay pristine). */
export function scratchWorkspace(files: readonly string[] = ['patients.csv']): string {
  const ws = mkdtempSync(join(tmpdir(), 'medsynth-security-'));
  for (const f of files) copyFileSync(join(ROOT, 'samples', 'workspace', f), join(ws, f));
  return ws;
}

/** Every file under `dir`, relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Hash, size and modification time of each file: a source rewritten with the same bytes still shows. */
export function fingerprint(paths: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of paths) {
    const s = statSync(p);
    out[p] = `${sha256Of(p)} ${s.size} ${s.mtimeMs}`;
  }
  return out;
}

export interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without blocking the test's event loop; kills it after `timeoutMs`. */
export function runProcess(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function ensureDir(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  return path;
}
