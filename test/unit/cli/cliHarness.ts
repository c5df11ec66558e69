// Test helper: bundles the CLI and the inference process the way esbuild.mjs does (into .cache/, so
// onnxruntime-node still resolves from the repository's node_modules) and runs `node cli.js ...`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';

export const ROOT = join(__dirname, '..', '..', '..');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let bundled: string | undefined;

export function buildCli(): string {
  if (bundled) return bundled;
  const outdir = join(ROOT, '.cache', `cli-test-${process.pid}`);
  mkdirSync(outdir, { recursive: true });
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20', external: ['vscode', 'onnxruntime-node'], logLevel: 'error' as const };
  buildSync({ ...common, entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')], outfile: join(outdir, 'cli.js') });
  buildSync({ ...common, entryPoints: [join(ROOT, 'src', 'inference', 'main.ts')], outfile: join(outdir, 'inference.js') });
  bundled = join(outdir, 'cli.js');
  return bundled;
}

export function runCliProcess(args: readonly string[], cwd: string = ROOT): CliRun {
  const res = spawnSync(process.execPath, [buildCli(), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'medsynth-cli-'));
}

export function removeCliBuild(): void {
  if (bundled) rmSync(dirname(bundled), { recursive: true, force: true });
  bundled = undefined;
}
