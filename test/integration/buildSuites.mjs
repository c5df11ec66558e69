// Bundles the extension-host suites (test/integration/extensionHost/*.ts) into one CommonJS file each,
// for VS Code's extensionTestsPath. `vscode` is provided by the extension host and mocha is loaded
// from the repository's node_modules, so both stay external. Usage: node buildSuites.mjs OUT_DIR
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] ?? join(here, '..', '..', 'out', 'integration');
const srcDir = join(here, 'extensionHost');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const entries = readdirSync(srcDir)
  .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
  .map((f) => join(srcDir, f));
await esbuild.build({
  entryPoints: entries,
  outdir: outDir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
console.log(`integration suites: ${entries.length} bundles in ${outDir}`);
