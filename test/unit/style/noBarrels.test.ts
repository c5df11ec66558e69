// The style rule "no barrel index.ts files" (STYLE.md), enforced: under src/ and webview/ no file is
// named index.ts, and no module consists of re-exports only. Importers name the file that defines what
// they use, so a reader (and esbuild) follows one hop, not two.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { sourceFiles } from '../../sourceFiles';

const ROOT = join(__dirname, '..', '..', '..');

/** True when every statement, comments and blank lines aside, is an `export ... from '...'`. */
function onlyReExports(text: string): boolean {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .trim();
  if (code === '') return false;
  const statements = code
    .split(/;\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
  return statements.every((s) => /^export\s+(type\s+)?(\*|\{[^}]*\})(\s+as\s+\w+)?\s+from\s+['"][^'"]+['"]$/.test(s));
}

describe('no barrels', () => {
  const files = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'webview'))].map((f) => relative(ROOT, f));

  it('no index.ts under src/ or webview/', () => {
    assert.deepEqual(
      files.filter((f) => /(^|\/)index\.ts$/.test(f)),
      [],
    );
  });

  it('no module made of re-exports only', () => {
    assert.deepEqual(
      files.filter((f) => onlyReExports(readFileSync(join(ROOT, f), 'utf8'))),
      [],
    );
  });

  it('the re-export detector recognises a barrel (so the check above can fail)', () => {
    assert.equal(onlyReExports("// A barrel.\nexport { a } from './a';\nexport type { B } from './b';\nexport * from './c';\n"), true);
    assert.equal(onlyReExports("export { a } from './a';\nexport const b = 1;\n"), false);
  });
});
