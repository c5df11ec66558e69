// The summary table `evaluate` and the demo print: one line per metric with its goal, then the verdict.
import { formatNumber } from '../core/report/charts';
import type { Report, ReportMetric } from '../core/report/model';
import { reportVerdict } from '../core/report/verdict';

/** A metric that does not apply to these tables is "n/a", not an error: the run itself is fine. */
function scoreCell(m: ReportMetric): string {
  if (m.score !== null) return formatNumber(m.score);
  return m.error === undefined && m.notApplicable !== undefined ? 'n/a' : 'error';
}

function noteCell(m: ReportMetric): string {
  if (m.error !== undefined) return m.error;
  return m.notApplicable !== undefined ? `not applicable: ${m.notApplicable}` : '';
}

export function formatEvaluationSummary(report: Report): string {
  const rows = report.metrics.map((m) => [m.id, scoreCell(m), m.descriptor.goal === 'maximize' ? 'higher is better' : 'lower is better', noteCell(m)]);
  const header = ['metric', 'score', 'goal', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [
    `${report.real.file ?? 'real'} (${report.real.rows} rows) vs ${report.synth.file ?? 'synthetic'} (${report.synth.rows} rows)${report.generator?.executionProvider ? `, generated on ${report.generator.executionProvider}` : ''}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    ...reportVerdict(report).map((v) => `${v.topic} (${v.level}): ${v.text}`),
    '',
  ];
  return out.join('\n');
}
