// Table typing bench: reading a CSV file and typing its columns (parseTable: the streamed CSV reader
// plus column inference, the path `medsynth inspect` takes) against pandas.read_csv on the same file,
// both timed in this one run (best of N after a warm-up, file read included on both sides). The file
// is the demo's patients.csv shape with fresh ids, made under bench/out/ (gitignored) and removed.
// pandas types dates only when asked (parse_dates), MedSynth always does, so MedSynth does more work.
// Run: node --import tsx bench/typing.ts [--rows 1000000] [--repeats 3]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseTable } from '../src/core/data/table/tableReader';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const rows = option('rows', 1_000_000);
const repeats = option('repeats', 3);

/** patients.csv's rows repeated with fresh ids (P00000001, ...): ids, ISO dates, numbers with gaps, labels, booleans. */
function makeCsv(path: string): void {
  const sample = readFileSync(join(__dirname, '..', 'samples', 'workspace', 'patients.csv'), 'utf8')
    .trim()
    .split('\n');
  const body = sample.slice(1).map((line) => line.slice(line.indexOf(',')));
  const out: string[] = [sample[0]];
  for (let r = 0; r < rows; r++) out.push(`P${String(r + 1).padStart(8, '0')}${body[r % body.length]}`);
  writeFileSync(path, `${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  mkdirSync(join(__dirname, 'out'), { recursive: true });
  const dir = mkdtempSync(join(__dirname, 'out', 'typing-'));
  try {
    const file = join(dir, 'patients_big.csv');
    makeCsv(file);
    const megabytes = statSync(file).size / 1e6;
    const pandas = JSON.parse(
      execFileSync('/usr/bin/python3', [join(__dirname, 'pandas_read.py'), file, String(repeats)], { encoding: 'utf8' }),
    ) as {
      seconds: number;
      pandas: string;
      dtypes: Record<string, string>;
    };
    const read = async (): Promise<string[]> => {
      const table = await parseTable(readFileSync(file), { fileName: 'patients_big.csv' });
      return table.columns.map((c) => `${c.name} ${c.kind}`);
    };
    let kinds = await read();
    const times: number[] = [];
    for (let k = 0; k < repeats; k++) {
      const start = performance.now();
      kinds = await read();
      times.push((performance.now() - start) / 1000);
    }
    const ours = Math.min(...times);
    const lines = [
      '## Table typing: CSV read + column inference vs pandas.read_csv',
      '',
      `Data: ${rows} rows × 8 columns (${megabytes.toFixed(0)} MB; samples/workspace/patients.csv rows with fresh ids), file read included; ` +
        `best of ${repeats} runs after a warm-up, same process run.`,
      `Machine: ${cpus().length} CPU cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, pandas ${pandas.pandas}.`,
      '',
      '| implementation | seconds | ratio to pandas | MB/s |',
      '| --- | ---: | ---: | ---: |',
      `| pandas.read_csv (C parser, default dtype inference) | ${pandas.seconds.toFixed(3)} | 1.00 | ${(megabytes / pandas.seconds).toFixed(0)} |`,
      `| MedSynth parseTable (streamed CSV reader + inference) | ${ours.toFixed(3)} | ${(ours / pandas.seconds).toFixed(2)} | ${(megabytes / ours).toFixed(0)} |`,
      '',
      `Kinds found: ${kinds.join(', ')}. pandas dtypes: ${Object.entries(pandas.dtypes)
        .map(([name, dtype]) => `${name} ${dtype}`)
        .join(', ')} (its object columns are untyped text; it reads admission_date as text unless told parse_dates).`,
      '',
      `Command: \`node --import tsx bench/typing.ts --rows ${rows} --repeats ${repeats}\``,
      '',
    ];
    writeFileSync(join(__dirname, 'results-typing.md'), lines.join('\n'));
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
