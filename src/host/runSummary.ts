// What the Studio shows for one run folder, read from the records the run left (run.json, report.json,
// medsynth.json): which dataset, which modality, when, and the report's headline verdict. No vscode
// import: the reading and the wording are unit-tested on plain folders.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { modalityForOutput, modalityForOutputFolder, modalityForPath } from '../core/modalities/registry';
import type { Report } from '../core/report/model';
import { reportVerdict } from '../core/report/verdict';
import type { VerdictLevel } from '../core/report/verdict';

export interface RunSummary {
  readonly dir: string;
  readonly id: string;
  /** The source table's name as the run recorded it, when it did. */
  readonly dataset?: string;
  readonly modality: string;
  /** ISO timestamp: run.json's, else the report's, else the run id's UTC stamp. */
  readonly createdAt?: string;
  /** What the folder holds: a full loop, a fitted generator, generated rows, or a report only. */
  readonly contents: 'full loop' | 'generator' | 'synthetic data' | 'report' | 'incomplete';
  /** The worst verdict level per topic, when there is a report. */
  readonly verdict?: { readonly fidelity: VerdictLevel; readonly privacy: VerdictLevel };
  readonly report?: Report;
}

const LEVEL_ORDER: readonly VerdictLevel[] = ['good', 'fair', 'poor', 'unknown'];

/** Reads a run folder's records; missing or unreadable records leave their fields out, never throw. */
export async function readRunSummary(dir: string): Promise<RunSummary> {
  const [run, report, manifest, names] = await Promise.all([
    readJson(path.join(dir, 'run.json')),
    readJson(path.join(dir, 'report.json')),
    readJson(path.join(dir, 'medsynth.json')),
    fs.readdir(dir).catch(() => [] as string[]),
  ]);
  const id = path.basename(dir);
  const runDataset = field(field(run, 'dataset'), 'file');
  const trainedOn = field(field(manifest, 'provenance'), 'trainedOn');
  const realFile = field(field(report, 'real'), 'file');
  const dataset = [runDataset, trainedOn, realFile].find((x): x is string => typeof x === 'string' && x !== '');
  // Generate alone writes only a synthetic.<extension> file: its writer's modality (the registry) says
  // what the run made. A full loop's run.json names its dataset, whose modality the registry knows.
  // A modality that writes a folder of one file per sample (images) leaves its default folder instead.
  const outputModality =
    names.filter((n) => n.startsWith('synthetic.')).map((n) => modalityForOutput(n))[0] ??
    names.map((n) => modalityForOutputFolder(n)).find((m) => m !== undefined);
  const modality =
    [field(report, 'modality'), field(manifest, 'modality')].find((x): x is string => typeof x === 'string') ??
    outputModality?.id ??
    (run ? modalityForPath(typeof runDataset === 'string' ? runDataset : '')?.id : undefined) ??
    'unknown';
  const createdAt = [field(run, 'createdAt'), field(report, 'createdAt'), stampOf(id)].find((x): x is string => typeof x === 'string');
  const hasReport = isReport(report);
  const contents =
    run && hasReport
      ? 'full loop'
      : hasReport
        ? 'report'
        : outputModality !== undefined
          ? 'synthetic data'
          : manifest
            ? 'generator'
            : 'incomplete';
  return {
    dir,
    id,
    dataset: dataset === undefined ? undefined : shortDatasetName(dataset),
    modality,
    createdAt,
    contents,
    ...(hasReport ? { verdict: headlineVerdict(report), report } : {}),
  };
}

/** The worst level the report's verdict gives each topic ("unknown" only when a topic has nothing else). */
export function headlineVerdict(report: Report): { fidelity: VerdictLevel; privacy: VerdictLevel } {
  const lines = reportVerdict(report);
  const worst = (topic: 'fidelity' | 'privacy'): VerdictLevel => {
    const levels = lines.filter((l) => l.topic === topic).map((l) => l.level);
    const known = levels.filter((l) => l !== 'unknown');
    if (known.length === 0) return 'unknown';
    return known.reduce((a, b) => (LEVEL_ORDER.indexOf(b) > LEVEL_ORDER.indexOf(a) ? b : a));
  };
  return { fidelity: worst('fidelity'), privacy: worst('privacy') };
}

/**
 * One line for the tree, most telling first, since a narrow side bar cuts the end:
 * "fidelity good, privacy fair · 2026-12-02 06:31 · table".
 */
export function describeRun(s: RunSummary): string {
  const verdict = s.verdict
    ? `fidelity ${s.verdict.fidelity}, privacy ${s.verdict.privacy}`
    : s.contents === 'incomplete'
      ? 'no report'
      : `${s.contents}, no report`;
  return [verdict, s.createdAt ? shortDate(s.createdAt) : undefined, s.modality].filter((p): p is string => p !== undefined).join(' · ');
}

/** The level the run's icon shows: the worse of fidelity and privacy. */
export function overallLevel(s: RunSummary): VerdictLevel {
  if (!s.verdict) return 'unknown';
  const { fidelity, privacy } = s.verdict;
  if (fidelity === 'poor' || privacy === 'poor') return 'poor';
  if (fidelity === 'fair' || privacy === 'fair') return 'fair';
  if (fidelity === 'good' && privacy === 'good') return 'good';
  return 'unknown';
}

/** "2026-12-02 06:31" (UTC) from an ISO timestamp; the input unchanged when it is no timestamp. */
export function shortDate(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** A run id starts with its UTC time, 20261202-063107-ab12: that time as ISO, for runs without records. */
export function stampOf(id: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : undefined;
}

/**
 * The report calls the full loop's training part "patients.csv (training part: …)": the file is what
 * counts. A table evaluated from outside the workspace is recorded by its absolute path: its name will do.
 */
function shortDatasetName(name: string): string {
  const file = name.replace(/\s+\(.*\)$/, '');
  return path.isAbsolute(file) ? path.basename(file) : file;
}

function isReport(x: unknown): x is Report {
  return typeof x === 'object' && x !== null && (x as Report).schema === 'medsynth.report/1' && Array.isArray((x as Report).metrics);
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function field(x: unknown, key: string): unknown {
  return typeof x === 'object' && x !== null ? (x as Record<string, unknown>)[key] : undefined;
}
