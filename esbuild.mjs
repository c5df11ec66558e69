// One esbuild context per bundle: extension host, inference process, CLI, and one per webview app.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const nodeBundle = (entry, outfile, extra = {}) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  external: ['vscode', 'onnxruntime-node'],
  logLevel: 'info',
  ...extra,
});

const bundles = [
  nodeBundle('src/host/extension.ts', 'dist/extension.js'),
  nodeBundle('src/inference/main.ts', 'dist/inference.js'),
  nodeBundle('src/cli/main.ts', 'dist/cli.js', { banner: { js: '#!/usr/bin/env node' } }),
  nodeBundle('src/engine/datasetWorkerMain.ts', 'dist/datasetWorker.js'),
  // The k-NN pool's worker (src/engine/knnPool.ts finds it beside cli.js / extension.js).
  nodeBundle('src/engine/knnWorkerMain.ts', 'dist/knnWorker.js'),
];

// Each folder under webview/ with a main.ts is one browser app.
for (const app of existsSync('webview') ? readdirSync('webview') : []) {
  const entry = join('webview', app, 'main.ts');
  if (!existsSync(entry)) continue;
  bundles.push({
    entryPoints: [entry],
    outfile: `dist/webview/${app}.js`,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'info',
  });
}

mkdirSync('dist/webview', { recursive: true });
copyFileSync('node_modules/@vscode/codicons/dist/codicon.css', 'dist/webview/codicon.css');
copyFileSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/webview/codicon.ttf');

// WASM decoders for compressed DICOM (src/core/data/dicom/codecs/wasmCodecs.ts): bundled emscripten
// glue looks for its .wasm in dist/codecs/, beside whichever bundle (cli.js, extension.js) loaded it.
mkdirSync('dist/codecs', { recursive: true });
for (const [pkg, file] of [
  ['codec-libjpeg-turbo-8bit', 'libjpegturbowasm_decode.wasm'],
  ['codec-charls', 'charlswasm_decode.wasm'],
  ['codec-openjpeg', 'openjpegwasm_decode.wasm'],
  ['codec-openjph', 'openjphjs.wasm'],
]) {
  copyFileSync(`node_modules/@cornerstonejs/${pkg}/dist/${file}`, `dist/codecs/${file}`);
}

const contexts = await Promise.all(bundles.filter((b) => existsSync(b.entryPoints[0])).map((b) => esbuild.context(b)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
