// `node --import tsx test/fuzz/main.ts [--seconds N] [--seed S] [--targets a,b] [--save DIR | --no-save]
// [--report FILE] [--timeout-ms MS]`: fuzzes each target for N seconds in a bounded worker process,
// prints the seed first (rerun with --seed to reproduce), keeps failing inputs, exits 1 on any failure.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { failureSignature, runCampaign } from './campaign';
import { listRegressionInputs, replayInput } from './replay';
import type { CampaignResult } from './campaign';
import { renderFuzzReport } from './report';
import { DEFAULT_BOUNDS, FuzzWorker } from './supervisor';
import { FAILURE_KINDS, ROOT, TARGET_NAMES, isTargetName } from './targets';
import type { TargetName } from './targets';

/** Replays the inputs already kept for `target`, so the same bug found again is not saved twice. */
async function knownFailures(worker: FuzzWorker, dir: string, target: TargetName): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  for (const input of listRegressionInputs(dir).filter((i) => i.target === target)) {
    const outcome = await replayInput(worker, input);
    if (FAILURE_KINDS.includes(outcome.kind)) known.set(failureSignature(target, outcome), relative(ROOT, input.file));
  }
  return known;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '30' },
      seed: { type: 'string' },
      targets: { type: 'string', default: TARGET_NAMES.join(',') },
      save: { type: 'string', default: join(ROOT, 'test', 'fixtures', 'fuzz') },
      'no-save': { type: 'boolean', default: false },
      report: { type: 'string' },
      'timeout-ms': { type: 'string', default: String(DEFAULT_BOUNDS.timeoutMs) },
    },
  });
  const seconds = Number(values.seconds);
  const seed = values.seed !== undefined ? Number(values.seed) >>> 0 : (Date.now() ^ process.pid) >>> 0;
  const targets = (values.targets ?? '').split(',').filter((t) => t !== '');
  const bad = targets.filter((t) => !isTargetName(t));
  if (!(seconds > 0) || bad.length > 0) {
    process.stderr.write(`fuzz: bad --seconds or unknown targets ${bad.join(', ')} (known: ${TARGET_NAMES.join(', ')})\n`);
    return 2;
  }
  const bounds = { ...DEFAULT_BOUNDS, timeoutMs: Number(values['timeout-ms']) };
  const command = `node --import tsx test/fuzz/main.ts --seconds ${seconds} --seed ${seed} --targets ${targets.join(',')}`;
  process.stdout.write(`fuzz: seed ${seed} (reproduce: ${command})\n`);
  const startedAt = new Date();
  const worker = new FuzzWorker(bounds);
  const results: CampaignResult[] = [];
  try {
    for (const target of targets.filter(isTargetName)) {
      const saveDir = values['no-save'] ? undefined : values.save;
      const known = saveDir ? await knownFailures(worker, saveDir, target) : new Map<string, string>();
      const r = await runCampaign({ target, seconds, seed, worker, saveDir, known, log: (l) => process.stdout.write(`${l}\n`) });
      results.push(r);
      process.stdout.write(`fuzz ${target}: ${r.inputs} inputs, ${JSON.stringify(r.outcomes)}, ${r.failures.length} distinct failures\n`);
    }
  } finally {
    worker.dispose();
  }
  if (values.report) {
    await mkdir(dirname(values.report), { recursive: true });
    await writeFile(values.report, renderFuzzReport(results, command, bounds, startedAt));
    process.stdout.write(`fuzz: report in ${relative(process.cwd(), values.report)}\n`);
  }
  return results.some((r) => r.failures.length > 0) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`fuzz: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
