// Test helper: runs the bundled CLI (test/unit/cliBundle.ts) as `node cli.js ...` in a real process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCliBundle, removeCliBundle } from '../cliBundle';
import type { CliBundle } from '../cliBundle';

export const ROOT = join(__dirname, '..', '..', '..');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let bundle: CliBundle | undefined;

export function buildCli(): string {
  bundle ??= buildCliBundle('cli-test');
  return bundle.cli;
}

export function runCliProcess(args: readonly string[], cwd: string = ROOT): CliRun {
  const res = spawnSync(process.execPath, [buildCli(), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'medsynth-cli-'));
}

export function removeCliBuild(): void {
  removeCliBundle(bundle);
  bundle = undefined;
}
