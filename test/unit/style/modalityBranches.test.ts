// The architecture invariant "engine, CLI and host dispatch through the modality registry and hold no
// per-modality branches" (ARCHITECTURE.md), enforced: no line of src/engine, src/cli or src/host
// compares a modality with a literal (`modality === '…'`), names the 'table' literal or a table-only
// default (the 'copula' fitter, the 'synthetic.csv' file: the registry says both), except the
// few allowed below, each with its reason. An allowance that no longer matches fails too, so the list
// shrinks as the seam grows.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { sourceFiles } from '../../sourceFiles';

const ROOT = join(__dirname, '..', '..', '..');
const LAYERS = ['src/engine', 'src/cli', 'src/host'];
const BRANCH = /modality\s*[!=]==?\s*['"`]|['"`](?:table|copula|synthetic\.csv)['"`]/;

interface Allowance {
  readonly file: string;
  readonly line: string;
  readonly reason: string;
}

const ALLOWED: readonly Allowance[] = [
  {
    file: 'src/engine/tableInput.ts',
    line: "requireModality('table')",
    reason: 'a table in memory (the full loop reads its source once and splits it) is a table by construction',
  },
  {
    file: 'src/host/studioDatasets.ts',
    line: "requireModalityForKind('table')",
    reason: "the Studio finds table files by their own glob; 'table' is the dataset kind, whose modality the registry gives",
  },
  {
    file: 'src/host/studioDatasets.ts',
    line: "kind === 'table'",
    reason: "the dataset kind 'table' (not a modality): table files are listed by their own search, not twice",
  },
  {
    file: 'src/host/studioView.ts',
    line: "modality: 'table', label: 'Tables', icon: 'table'",
    reason: "the Studio's tree groups: VS Code labels, codicons and group ids that package.json's menus name (host presentation)",
  },
];

/** The line without a trailing // comment and ignoring comment-only lines. */
function codeOf(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*')) return '';
  return line;
}

describe('no per-modality branches in engine, CLI and host', () => {
  const hits: { file: string; number: number; text: string }[] = [];
  for (const layer of LAYERS) {
    for (const path of sourceFiles(join(ROOT, layer))) {
      const file = relative(ROOT, path).split('\\').join('/');
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((text, i) => {
          if (BRANCH.test(codeOf(text))) hits.push({ file, number: i + 1, text: text.trim() });
        });
    }
  }

  it('dispatches through the modality registry (src/core/modalities/registry.ts)', () => {
    const offenders = hits.filter((h) => !ALLOWED.some((a) => a.file === h.file && h.text.includes(a.line)));
    assert.deepEqual(
      offenders.map((o) => `${o.file}:${o.number}: ${o.text}`),
      [],
      'ask the registry (modalityForPath/ForManifest/ForOutput, requireFitter, requireSampleCodec, …) instead of comparing with a modality literal',
    );
  });

  it('has no stale allowance', () => {
    for (const a of ALLOWED) {
      assert.ok(a.reason.length > 0);
      assert.ok(
        hits.some((h) => h.file === a.file && h.text.includes(a.line)),
        `${a.file}: '${a.line}' is allowed but no longer there; remove it from ALLOWED`,
      );
    }
  });

  it('catches a branch in a sample line (the pattern itself works)', () => {
    assert.ok(BRANCH.test("if (manifest.modality !== 'table') throw x;"));
    assert.ok(BRANCH.test('const kind = "table";'));
    assert.ok(BRANCH.test("fitGenerator({ generator: 'copula' })"));
    assert.ok(BRANCH.test("join(runDir, 'synthetic.csv')"));
    assert.ok(!BRANCH.test('const modality = modalityForPath(path);'));
  });
});
