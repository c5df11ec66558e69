// readTableFile refuses a table over maxRows/maxCells from a count of its lines before parsing it
// (the hint then names a cap that fits the whole file), and never refuses one within its caps:
// line ends inside quotes, comment lines, padded short rows and previews are counted as the parser
// counts them. Row counts are written by hand.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readTableFile, writeTableFile } from '../../../src/storage/tables';
import { isMedSynthError } from '../../../src/core/errors';

function limited(pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown): boolean => {
    assert.ok(isMedSynthError(e), String(e));
    assert.equal(e.code, 'LIMIT_EXCEEDED', e.message);
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /headRows/);
    return true;
  };
}

describe('readTableFile: caps checked before parsing', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'medsynth-caps-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const rows = (n: number, row: (i: number) => string): string => Array.from({ length: n }, (_, i) => row(i)).join('\n') + '\n';

  it('a CSV over maxRows or maxCells is refused with a runnable hint sized for the whole file', async () => {
    const path = file('big.csv', 'id,v\n' + rows(4000, (i) => `${i},${i % 7}`));
    // 4,000 rows counted in the whole file: the hint suggests exactly that many.
    await assert.rejects(
      readTableFile(path, { maxRows: 1000 }),
      limited(
        /more than 1000 rows.*pass --max-rows 4000 \(or a larger N\) on the command line, or raise the VS Code setting medsynth\.maxRows/,
      ),
    );
    await assert.rejects(readTableFile(path, { maxCells: 5000 }), limited(/more than 5000 cells.*pass --max-cells 8000 \(or a larger N\)/));
  });

  it('JSON Lines and Parquet are refused the same way', async () => {
    const jsonl = file(
      'big.jsonl',
      rows(3000, (i) => `{"id":${i},"note":"a \\"quoted\\" word"}`),
    );
    await assert.rejects(readTableFile(jsonl, { maxRows: 100 }), limited(/more than 100 rows.*--max-rows 3000 /));
    // Parquet declares its counts in the footer, read from the end of the file alone.
    const parquet = join(dir, 'big.parquet');
    await writeTableFile(parquet, await readTableFile(jsonl));
    await assert.rejects(readTableFile(parquet, { maxRows: 100 }), limited(/more than 100 rows.*--max-rows 3000 /));
    await assert.rejects(readTableFile(parquet, { maxCells: 100 }), limited(/more than 100 cells.*--max-cells 6000 /));
  });

  it('never refuses a table within its caps', async () => {
    // 100 rows whose quoted notes hold line ends: 300 lines, 100 records.
    const quoted = file('quoted.csv', 'id,note\n' + rows(100, (i) => `${i},"line one\nline two\nend"`));
    assert.equal((await readTableFile(quoted, { maxRows: 100 })).rowCount, 100);
    // Comment lines before the header and blank lines are no rows.
    const commented = file('commented.csv', '# made up\n# second\nid,v\n\n' + rows(50, (i) => `${i},1`));
    assert.equal((await readTableFile(commented, { maxRows: 50 })).rowCount, 50);
    // Short rows padded to the header's 4 columns: 60 rows x 4 = 240 cells.
    const short = file('short.csv', 'a,b,c,d\n' + rows(60, (i) => `${i}`));
    assert.equal((await readTableFile(short, { maxCells: 240 })).rowCount, 60);
    await assert.rejects(readTableFile(short, { maxCells: 239 }), limited(/more than 239 cells/));
    // A preview reads its first rows whatever the size.
    assert.equal((await readTableFile(quoted, { maxRows: 10, headRows: 5 })).rowCount, 5);
  });

  it('a named pipe is read once, by the parser alone', async () => {
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf 'a,b\\n1,2\\n3,4\\n' > '${fifo}'`]);
    const written = new Promise((done) => writer.on('close', done));
    const t = await readTableFile(fifo, { maxRows: 5 });
    assert.equal(t.rowCount, 2);
    await written;
  });

  it('a table that cannot be read is still reported as the parser reports it', async () => {
    const ragged = file('ragged.csv', 'a,b\n' + rows(20, () => '1,2') + '1,2,3\n');
    await assert.rejects(
      readTableFile(ragged, { maxRows: 100 }),
      (e: unknown) => isMedSynthError(e) && e.code === 'BAD_INPUT' && /line 22: row has 3 fields/.test(e.message),
    );
  });
});
