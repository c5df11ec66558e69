// Compare Runs: two runs' scores side by side with their differences, as a markdown document that VS
// Code's own markdown preview renders (read-only, themed, no webview of ours). No vscode import, so the
// wording and the arithmetic are unit-tested directly.
import type { MetricGoal } from '../core/metrics/types';
import type { ReportMetric } from '../core/report/model';
import { deltaKindMark, metricDeltaKind, scoreDeltaKind } from '../core/report/scoreDelta';
import type { RunSummary } from './runSummary';
import { describeRun } from './runSummary';

/** B − A, rounded for display; "n/a" when either run has no score. */
export function metricDelta(a: number | null | undefined, b: number | null | undefined): number | undefined {
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b)) return undefined;
  return b - a;
}

/**
 * Whether a delta is an improvement for a metric with this goal: ▲ better, ▼ worse, = unchanged, on the
 * point delta alone (scoreDelta.ts without intervals). Compare Runs itself also reads the intervals.
 */
export function deltaMark(delta: number, goal: MetricGoal): string {
  return deltaKindMark(scoreDeltaKind({ score: 0 }, { score: delta }, goal));
}

export function compareRunsMarkdown(a: RunSummary, b: RunSummary): string {
  const title = (s: RunSummary): string => s.dataset ?? s.id;
  const lines = [
    `# Compare runs`,
    '',
    `- **A**: ${title(a)}: \`${a.id}\`; ${describeRun(a)}`,
    `- **B**: ${title(b)}: \`${b.id}\`; ${describeRun(b)}`,
    '',
  ];
  if (!a.report || !b.report) {
    const without = [a, b].filter((s) => !s.report).map((s) => s.id);
    lines.push(
      `No scores to compare: ${without.join(' and ')} ${without.length === 1 ? 'has' : 'have'} no report.json. Evaluate ${without.length === 1 ? 'it' : 'them'} first.`,
      '',
    );
    return lines.join('\n');
  }
  lines.push('| Metric | A | B | B − A | |', '| --- | ---: | ---: | ---: | --- |');
  const byId = new Map<string, { a?: ReportMetric; b?: ReportMetric }>();
  for (const m of a.report.metrics) byId.set(m.id, { a: m });
  for (const m of b.report.metrics) byId.set(m.id, { ...byId.get(m.id), b: m });
  for (const [id, pair] of byId) {
    const descriptor = (pair.a ?? pair.b)?.descriptor;
    const name = descriptor?.title ?? id;
    const delta = metricDelta(pair.a?.score, pair.b?.score);
    const kind = delta === undefined || !descriptor ? undefined : metricDeltaKind(pair.a, pair.b, descriptor.goal);
    const mark = kind === undefined ? '' : deltaKindMark(kind);
    lines.push(`| ${escapeCell(name)} | ${score(pair.a)} | ${score(pair.b)} | ${delta === undefined ? 'n/a' : signed(delta)} | ${mark} |`);
  }
  lines.push('', '| | A | B |', '| --- | --- | --- |');
  const row = (label: string, x: string | number | undefined, y: string | number | undefined): void => {
    lines.push(`| ${label} | ${escapeCell(String(x ?? '—'))} | ${escapeCell(String(y ?? '—'))} |`);
  };
  row('Real rows', a.report.real.rows, b.report.real.rows);
  row('Synthetic rows', a.report.synth.rows, b.report.synth.rows);
  row('Holdout rows', a.report.holdout?.rows ?? 'none', b.report.holdout?.rows ?? 'none');
  row('Generator', a.report.generator?.name, b.report.generator?.name);
  row('Seed', a.report.generator?.seed, b.report.generator?.seed);
  row('Execution provider', a.report.generator?.executionProvider, b.report.generator?.executionProvider);
  row('Real table SHA-256', a.report.real.sha256?.slice(0, 12), b.report.real.sha256?.slice(0, 12));
  if (a.report.real.sha256 && b.report.real.sha256 && a.report.real.sha256 !== b.report.real.sha256) {
    lines.push('', '> The two runs compared against different real data (the SHA-256 differs): their scores are not directly comparable.');
  }
  lines.push(
    '',
    "Scores are on each metric's own scale; ▲/▼ say whether B is better or worse than A for that metric; ≈ within noise: both runs' 95% intervals overlap, so the difference is not shown.",
    '',
  );
  return lines.join('\n');
}

function score(m: ReportMetric | undefined): string {
  if (!m) return '—';
  return typeof m.score === 'number' && Number.isFinite(m.score) ? m.score.toFixed(3) : 'n/a';
}

function signed(x: number): string {
  const fixed = x.toFixed(3);
  return x > 0 && fixed !== '0.000' ? `+${fixed}` : fixed === '-0.000' ? '0.000' : fixed;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
