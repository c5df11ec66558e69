// The file system refusing: a full disk, a read-only output folder, and a source file deleted or
// truncated while it is being read. Each ends in a MedSynthError naming the path (IO for the refusal),
// leaves no partial or temp file, and never changes the source. As root, chmod does not stop writes,
// so root mounts a small or read-only tmpfs instead; without root a full disk cannot be made, and that
// test says so in its name and is skipped.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { fitGenerator } from '../../../src/engine/fit';
import { runFullLoop } from '../../../src/engine/fullLoop';
import { generateSynthetic } from '../../../src/engine/generate';
import { InferenceClient } from '../../../src/engine/inferenceClient';
import type { EngineProgress } from '../../../src/engine/progress';
import { readTableFile } from '../../../src/storage/tables';
import { INFERENCE_SCRIPT, listTree, sha256, writeBigTable } from './safetyHarness';

const IS_ROOT = process.getuid?.() === 0;

function tryMount(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    // Already unmounted, or never mounted.
  }
}

async function rejectsWith(p: Promise<unknown>, codes: readonly string[], path: string): Promise<MedSynthError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof MedSynthError, `expected MedSynthError, got ${String(e)}`);
    assert.ok(codes.includes(e.code), `${e.code}: ${e.message}`);
    assert.ok(e.message.includes(path), `the message should name ${path}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${codes.join('/')}`);
}

describe('disk full, read-only output, file deleted while reading', () => {
  let dir: string;
  let dataset: string;
  let gen: string;
  let client: InferenceClient;
  const mounts: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medsynth-io-'));
    mkdirSync(join(dir, 'data'));
    dataset = join(dir, 'data', 'table.csv');
    writeBigTable(dataset, 5000);
    gen = join(dir, 'gen');
    await fitGenerator({ dataset, generator: 'copula', outDir: gen });
    client = new InferenceClient({ script: INFERENCE_SCRIPT });
  });
  after(() => {
    client.dispose();
    for (const m of mounts) unmount(m);
  });

  const diskFullName = IS_ROOT
    ? 'disk full (64 KiB tmpfs): generate and the full loop fail with IO naming the path, nothing left behind'
    : 'disk full: SKIPPED, making a full file system needs root (mount -t tmpfs)';
  it(diskFullName, { skip: !IS_ROOT }, async () => {
    const full = join(dir, 'full');
    mkdirSync(full);
    assert.ok(tryMount(full, 'size=64k'), 'mount -t tmpfs failed although running as root');
    mounts.push(full);
    const before = sha256(dataset);
    const out = join(full, 'synthetic.csv');
    await rejectsWith(generateSynthetic({ generatorPath: gen, n: 20_000, seed: 1, out, client, executionProviders: ['cpu'] }), ['IO'], out);
    assert.deepEqual(listTree(full), []);
    // The full loop with its output root on the full disk: the generator fits, the table does not.
    const ws = join(full, 'ws');
    mkdirSync(ws);
    writeBigTable(join(ws, 'src.csv'), 200);
    const srcHash = sha256(join(ws, 'src.csv'));
    await rejectsWith(
      runFullLoop({ dataset: dataset, workspaceRoot: ws, n: 20_000, seed: 1, client, executionProviders: ['cpu'] }),
      ['IO'],
      full,
    );
    // The loop created synthetic/ itself, so it removes it again.
    assert.deepEqual(listTree(ws), ['src.csv']);
    assert.equal(sha256(join(ws, 'src.csv')), srcHash);
    assert.equal(sha256(dataset), before);
  });

  const readOnlyName = IS_ROOT
    ? 'read-only output folder (root: a read-only tmpfs mount): IO naming the path, nothing written'
    : 'read-only output folder (chmod 0555): IO naming the path, nothing written';
  it(readOnlyName, async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    if (IS_ROOT) {
      assert.ok(tryMount(ro, 'ro,size=64k'), 'mount -o ro tmpfs failed although running as root');
      mounts.push(ro);
    } else {
      chmodSync(ro, 0o555);
    }
    const out = join(ro, 'synthetic.csv');
    await rejectsWith(generateSynthetic({ generatorPath: gen, n: 100, seed: 1, out, client, executionProviders: ['cpu'] }), ['IO'], out);
    await rejectsWith(fitGenerator({ dataset, generator: 'copula', outDir: join(ro, 'gen') }), ['IO'], ro);
    await rejectsWith(runFullLoop({ dataset, workspaceRoot: ro, n: 100, seed: 1, client, executionProviders: ['cpu'] }), ['IO'], ro);
    assert.deepEqual(listTree(ro), []);
    if (!IS_ROOT) chmodSync(ro, 0o755);
  });

  it('a file in place of the output folder: IO (or BAD_USAGE) naming the path, nothing written', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'not a folder');
    const out = join(blocker, 'synthetic.csv');
    await rejectsWith(
      generateSynthetic({ generatorPath: gen, n: 100, seed: 1, out, client, executionProviders: ['cpu'] }),
      ['IO', 'BAD_USAGE'],
      blocker,
    );
    assert.equal(existsSync(out), false);
  });

  for (const how of ['deleted', 'truncated'] as const) {
    it(`source ${how} while readTableFile streams it: a typed error or a consistent read, never a crash`, async () => {
      const victim = join(dir, `victim-${how}.csv`);
      writeBigTable(victim, 200_000);
      let hooked = false;
      // The hook: the first progress tick of the full loop's read is too coarse, so the file is removed
      // from a timer while the stream is still open (the read takes far longer than one timer turn).
      const timer = setTimeout(() => {
        hooked = true;
        if (how === 'deleted') unlinkSync(victim);
        else truncateSync(victim, 1000);
      }, 5);
      try {
        const table = await readTableFile(victim);
        // Unlinking keeps the open file's bytes on POSIX: a read that completes saw a consistent file,
        // and its hash says which bytes it parsed.
        assert.ok(table.rowCount === 200_000 || how === 'truncated', `rows ${table.rowCount}`);
        assert.equal(typeof table.provenance?.sha256, 'string');
      } catch (e) {
        assert.ok(e instanceof MedSynthError, `expected MedSynthError, got ${String(e)}`);
        assert.ok(['IO', 'BAD_INPUT', 'BAD_USAGE'].includes(e.code), `${e.code}: ${e.message}`);
        assert.ok(e.message.includes(victim), e.message);
      } finally {
        clearTimeout(timer);
      }
      assert.ok(hooked, 'the file was read completely before the hook ran');
    });
  }

  it('a source deleted mid full-loop ends typed (or completes from the open file); no partial run folder', async () => {
    const ws = join(dir, 'ws-del');
    mkdirSync(ws);
    const victim = join(ws, 'victim.csv');
    writeBigTable(victim, 100_000);
    const onProgress = (p: EngineProgress): void => {
      if (p.phase === 'fit' && existsSync(victim)) unlinkSync(victim);
    };
    try {
      await runFullLoop({ dataset: victim, workspaceRoot: ws, n: 500, seed: 1, client, executionProviders: ['cpu'], onProgress });
      assert.fail('the loop re-hashes the source at the end, so a deleted source must fail');
    } catch (e) {
      assert.ok(e instanceof MedSynthError, `expected MedSynthError, got ${String(e)}`);
      assert.ok(e.message.includes(victim), e.message);
    }
    // No partial run folder, and no output root either: the loop created it and removes it on failure.
    assert.deepEqual(listTree(ws), []);
  });
});
