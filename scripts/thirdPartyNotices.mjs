// Writes THIRD_PARTY_NOTICES.md: every npm package whose code or files ship in the VSIX, with its
// version, licence and licence text taken from node_modules. The list is derived, not kept by hand:
// the packages esbuild bundles (a metafile build of every bundle esbuild.mjs makes), the files
// esbuild.mjs copies out of node_modules, and the modules .vscodeignore ships whole.
//   node scripts/thirdPartyNotices.mjs           rewrite THIRD_PARTY_NOTICES.md
//   node scripts/thirdPartyNotices.mjs --check   fail when it is out of date (scripts/package.sh)
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = 'THIRD_PARTY_NOTICES.md';

// The bundles of esbuild.mjs: four Node entry points and one browser app per webview/<app>/main.ts.
// scripts/package.sh checks that every bundle in dist/ is one of these.
export const NODE_ENTRIES = ['src/host/extension.ts', 'src/inference/main.ts', 'src/cli/main.ts', 'src/engine/datasetWorkerMain.ts'];
const webviewEntries = () =>
  existsSync('webview')
    ? readdirSync('webview')
        .map((a) => `webview/${a}/main.ts`)
        .filter((e) => existsSync(e))
    : [];

/** Package name from a path inside node_modules (the innermost node_modules wins). */
function packageOf(path) {
  const tail = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const parts = tail.split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

async function bundledPackages() {
  const found = new Map();
  const builds = [
    ...NODE_ENTRIES.map((entry) => ({ entry, platform: 'node', format: 'cjs', external: ['vscode', 'onnxruntime-node'] })),
    ...webviewEntries().map((entry) => ({ entry, platform: 'browser', format: 'esm', external: [] })),
  ];
  for (const b of builds) {
    const result = await esbuild.build({
      entryPoints: [b.entry],
      bundle: true,
      write: false,
      metafile: true,
      outdir: 'out/notices-scratch',
      platform: b.platform,
      format: b.format,
      external: b.external,
      logLevel: 'silent',
    });
    for (const input of Object.keys(result.metafile.inputs)) {
      if (!input.includes('node_modules/')) continue;
      const name = packageOf(input);
      if (!found.has(name)) found.set(name, new Set());
      found.get(name).add(b.entry);
    }
  }
  return found;
}

/** Packages whose files esbuild.mjs copies into dist/ (codicons' font and stylesheet). */
function copiedPackages() {
  const text = readFileSync('esbuild.mjs', 'utf8');
  return [...text.matchAll(/'node_modules\/((?:@[\w.-]+\/)?[\w.-]+)\//g)].map((m) => m[1]);
}

/** Modules the VSIX ships whole: `!node_modules/<name>/package.json` lines of .vscodeignore. */
function shippedModules() {
  return [...readFileSync('.vscodeignore', 'utf8').matchAll(/^!node_modules\/((?:@[\w.-]+\/)?[\w.-]+)\/package\.json$/gm)].map((m) => m[1]);
}

// Packages that ship no licence file: their package.json licence, and the holder named where the
// project states one (ONNX Runtime's LICENSE reads "Copyright (c) Microsoft Corporation").
const HOLDERS = {
  'onnxruntime-node': 'Microsoft Corporation',
  'onnxruntime-common': 'Microsoft Corporation',
  '@cornerstonejs/codec-libjpeg-turbo-8bit': 'the cornerstonejs/codecs contributors',
  '@cornerstonejs/codec-openjpeg': 'the cornerstonejs/codecs contributors',
};
const TEMPLATES = {
  MIT: (holder) => `MIT License

Copyright (c) ${holder}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`,
  ISC: (holder) => `ISC License

Copyright (c) ${holder}

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.`,
};

// Native libraries compiled into the codec packages' WebAssembly and into ONNX Runtime's shared
// library: their notices live upstream, not in node_modules, so they are named with their licence.
const EMBEDDED = [
  [
    '@cornerstonejs/codec-libjpeg-turbo-8bit',
    'libjpeg-turbo',
    'IJG License, BSD-3-Clause and zlib License',
    'https://github.com/libjpeg-turbo/libjpeg-turbo/blob/main/LICENSE.md',
  ],
  ['@cornerstonejs/codec-charls', 'CharLS', 'BSD-3-Clause', 'https://github.com/team-charls/charls/blob/main/LICENSE.md'],
  ['@cornerstonejs/codec-openjpeg', 'OpenJPEG', 'BSD-2-Clause', 'https://github.com/uclouvain/openjpeg/blob/master/LICENSE'],
  ['@cornerstonejs/codec-openjph', 'OpenJPH', 'BSD-2-Clause', 'https://github.com/aous72/OpenJPH/blob/master/LICENSE'],
  [
    'onnxruntime-node',
    'the components of ONNX Runtime (protobuf, Eigen, abseil, ...)',
    "listed with their licences in ONNX Runtime's ThirdPartyNotices.txt",
    'https://github.com/microsoft/onnxruntime/blob/main/ThirdPartyNotices.txt',
  ],
];

// Packages whose published build is itself a bundle of other packages: esbuild sees one package, but
// the code of these ships too (dcmjs's build/dcmjs.js carries pako, loglevel, lodash.clonedeep, ndarray
// and its helpers, gl-matrix and Babel's core-js runtime). Each is listed with its own licence text.
const INLINED = {
  dcmjs: [
    'pako',
    'loglevel',
    'lodash.clonedeep',
    'ndarray',
    'iota-array',
    'is-buffer',
    'gl-matrix',
    '@babel/runtime-corejs3',
    'core-js-pure',
  ],
};

function licenceTexts(dir, name, licence) {
  const files = readdirSync(dir)
    .filter((f) => /^(licen[cs]e|copying|notice)([.-].*)?$/i.test(f) && !/\.json$/i.test(f))
    .sort();
  if (files.length > 0) return files.map((f) => readFileSync(join(dir, f), 'utf8').trim());
  const template = TEMPLATES[licence];
  const holder = HOLDERS[name];
  if (!template || !holder)
    throw new Error(`${name}: no licence file in node_modules and no template for ${licence}; add it to HOLDERS/TEMPLATES`);
  return [`(The package ships no licence file; its package.json declares ${licence}. The standard text follows.)\n\n${template(holder)}`];
}

async function render() {
  const bundled = await bundledPackages();
  const how = new Map();
  for (const [name, entries] of bundled)
    how.set(name, `bundled into ${[...entries].map((e) => e.replace(/^src\/|\/main\.ts$|\.ts$/g, '')).join(', ')}`);
  for (const [outer, inner] of Object.entries(INLINED)) {
    if (!how.has(outer)) continue;
    for (const name of inner) {
      if (!existsSync(join('node_modules', name, 'package.json')))
        throw new Error(`${name}: inlined in ${outer}'s bundle but not in node_modules; update INLINED`);
      if (!how.has(name)) how.set(name, `inlined in ${outer}'s prebuilt bundle`);
    }
  }
  for (const name of copiedPackages()) if (!how.has(name)) how.set(name, 'files copied into dist/');
  for (const name of shippedModules()) if (!how.has(name)) how.set(name, 'shipped as a module in node_modules/');
  const names = [...how.keys()].sort();
  const parts = [
    '# Third-party notices',
    '',
    'MedSynth (Apache-2.0, see LICENSE) ships the following third-party software in its VSIX. This file is',
    'generated by `node scripts/thirdPartyNotices.mjs` from what esbuild bundles, what esbuild.mjs copies and',
    "what .vscodeignore ships; each licence text is the package's own, from node_modules.",
    '',
    '| Package | Version | Licence | How it ships |',
    '| --- | --- | --- | --- |',
  ];
  const bodies = [];
  for (const name of names) {
    const dir = join('node_modules', name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licence = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'see below');
    parts.push(`| ${name} | ${pkg.version} | ${licence} | ${how.get(name)} |`);
    const texts = licenceTexts(dir, name, licence);
    bodies.push(`## ${name} ${pkg.version}\n\n${texts.map((t) => '```text\n' + t.replace(/```/g, "'''") + '\n```').join('\n\n')}`);
  }
  parts.push('', '## Native code inside these packages', '');
  for (const [pkg, what, licence, url] of EMBEDDED) parts.push(`- ${pkg} contains ${what}: ${licence} (${url}).`);
  parts.push('', ...bodies.flatMap((b) => [b, '']));
  return parts.join('\n');
}

const text = await render();
if (process.argv.includes('--check')) {
  const current = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
  if (current !== text) {
    console.error(
      `thirdPartyNotices: ${OUT} is out of date (a bundled or shipped package changed); run node scripts/thirdPartyNotices.mjs`,
    );
    process.exit(1);
  }
  console.log(`thirdPartyNotices: ${OUT} is up to date`);
} else {
  writeFileSync(OUT, text);
  console.log(`thirdPartyNotices: wrote ${OUT}`);
}
