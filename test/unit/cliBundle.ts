// Test helper shared by the CLI and security suites: bundles the CLI and the inference process the way
// esbuild.mjs does, into .cache/ so onnxruntime-node still resolves from the repository's node_modules.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export const ROOT = join(__dirname, '..', '..');

export interface CliBundle {
  readonly cli: string;
  readonly inference: string;
  readonly dir: string;
}

/** `tag` names the folder (with the process id) so suites running in parallel never share one. */
export function buildCliBundle(tag: string): CliBundle {
  const dir = join(ROOT, '.cache', `${tag}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node20',
    external: ['vscode', 'onnxruntime-node'],
    logLevel: 'error' as const,
  };
  buildSync({ ...common, entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')], outfile: join(dir, 'cli.js') });
  buildSync({ ...common, entryPoints: [join(ROOT, 'src', 'inference', 'main.ts')], outfile: join(dir, 'inference.js') });
  // The DICOM codecs' WebAssembly, beside the bundle as esbuild.mjs puts it in dist/codecs/.
  mkdirSync(join(dir, 'codecs'), { recursive: true });
  for (const pkg of readdirSync(join(ROOT, 'node_modules', '@cornerstonejs')).filter((p) => p.startsWith('codec-'))) {
    const distDir = join(ROOT, 'node_modules', '@cornerstonejs', pkg, 'dist');
    for (const f of readdirSync(distDir).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(distDir, f), join(dir, 'codecs', f));
  }
  return { cli: join(dir, 'cli.js'), inference: join(dir, 'inference.js'), dir };
}

export function removeCliBundle(bundle: CliBundle | undefined): void {
  if (bundle) rmSync(bundle.dir, { recursive: true, force: true });
}
