// Times the table reader on one file (called by tablesParseTiming.py, which times pandas on the same
// file in the same run). Prints one JSON line: the best of `repeats` wall times in milliseconds for
// readTableFile (streamed from disk, hashed, typed) and its row/column counts.
import { readTableFile } from '../../src/storage/tables';

async function main(): Promise<void> {
  const [path, repeatsArg] = process.argv.slice(2);
  const repeats = Number(repeatsArg ?? '3');
  let best = Infinity;
  let rows = 0;
  let columns = 0;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const table = await readTableFile(path);
    best = Math.min(best, performance.now() - t0);
    rows = table.rowCount;
    columns = table.columns.length;
  }
  console.log(JSON.stringify({ ms: best, rows, columns }));
}

void main();
