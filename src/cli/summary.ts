// The summary table `evaluate` and the demo print: what was compared, one line per metric with what a
// good value is, the privacy questions and the TSTR vs TRTR table when they apply, what the scores left
// out, then the verdict. Plain text, no colour, wrapped at 100 columns where a line is prose.
import type { Report, ReportMetric } from '../core/report/model';
import { privacyQuestions, questionAdvice, questionLevelLabel } from '../core/report/privacyQuestions';
import { utilityTable } from '../core/report/utilityTable';
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

/** Prose lines wrap at this width, with a hanging indent. */
export const SUMMARY_WIDTH = 100;

/** Words of `text` in lines of at most `width` characters; the first starts with `first`, the rest with `rest`. */
function wrap(text: string, first: string, rest: string, width = SUMMARY_WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else line = empty ? line + word : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** One entry per question: the level, the question and its answer (figures, interval), then what to do (questionAdvice: risk, fair, inconclusive). */
function privacyLines(report: Report): string[] {
  const questions = privacyQuestions(report);
  if (questions.length === 0) return [];
  const width = Math.max(...questions.map((q) => questionLevelLabel(q.level).length));
  const pad = ' '.repeat(width + 3);
  const out = ['', 'Privacy questions:'];
  for (const q of questions) {
    out.push(...wrap(`${q.question} ${q.answer}`, `  ${questionLevelLabel(q.level).padEnd(width)} `, pad));
    const advice = questionAdvice(q);
    if (advice !== undefined) out.push(...wrap(`What to do: ${advice}`, pad, pad));
  }
  return out;
}

/** TSTR beside TRTR per model and measure, when utility.tstr ran. */
function utilityLines(report: Report): string[] {
  const table = utilityTable(report);
  if (!table) return [];
  const header = ['model', 'measure', 'TRTR', 'TSTR', 'skill kept'];
  const rows = table.rows.map((r) => [
    r.model,
    r.measure,
    r.trtr.toFixed(3),
    r.tstr.toFixed(3),
    r.skillKept === null ? '' : `${(r.skillKept * 100).toFixed(0)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    `  ${cells
      .map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()}`;
  return [
    '',
    ...wrap(`Utility (TSTR vs TRTR): target ${table.target} (${table.task}), scored on the holdout:`, '', ''),
    line(header),
    ...rows.map(line),
  ];
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
    ...privacyLines(report),
    ...utilityLines(report),
    ...(leftOut.length > 0 ? ['', 'Not used by some scores:', ...leftOut] : []),
    '',
    ...reportVerdict(report).map((v) => `${v.topic} (${v.level}): ${v.text}`),
    '',
  ];
  return out.join('\n');
}
