// The summary table `evaluate` and the demo print: what was compared, one line per metric with what a
// good value is, what the scores left out, then the verdict.
import type { Report, ReportMetric } from '../core/report/model';
import { goalText, leftOutSentences, realHeadline, scoreWithInterval, tableText } from '../core/report/reportText';
import { reportVerdict } from '../core/report/verdict';

/** A metric that does not apply to these tables is "n/a", not an error: the run itself is fine. */
function scoreCell(m: ReportMetric): string {
  if (m.score !== null) return scoreWithInterval(m);
  return m.error === undefined && m.notApplicable !== undefined ? 'n/a' : 'error';
}

function noteCell(m: ReportMetric): string {
  if (m.error !== undefined) return m.error;
  return m.notApplicable !== undefined ? `not applicable: ${m.notApplicable}` : '';
}

export function formatEvaluationSummary(report: Report): string {
  const rows = report.metrics.map((m) => [m.id, scoreCell(m), goalText(m), noteCell(m)]);
  const header = ['metric', 'score', 'good value', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const leftOut = report.metrics.flatMap((m) => leftOutSentences(m).map((s) => `  ${m.id}: ${s}`));
  const provider = report.generator?.executionProvider ? `, generated on ${report.generator.executionProvider}` : '';
  const run = [
    report.runId !== undefined ? `Run ${report.runId}` : '',
    report.medsynthVersion !== undefined ? `MedSynth ${report.medsynthVersion}` : '',
  ].filter((x) => x !== '');
  const out = [
    realHeadline(report),
    `Synthetic: ${tableText(report.synth, report.modality)}${provider}`,
    ...(run.length > 0 ? [run.join(' · ')] : []),
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...(leftOut.length > 0 ? ['', 'Not used by some scores:', ...leftOut] : []),
    '',
    ...reportVerdict(report).map((v) => `${v.topic} (${v.level}): ${v.text}`),
    '',
  ];
  return out.join('\n');
}
