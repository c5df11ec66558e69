// Markdown export of the report: the scores, their meaning and the verdict, for pasting into a review
// or a pull request. Distributions are summarised as the largest per-bin gap, since Markdown has no charts;
// an image report's samples, nearest neighbours and embedding come as text (imageSectionsMarkdown.ts).
import { imageSectionsMarkdown } from './imageSectionsMarkdown';
import type { Report } from './model';
import { goalText, leftOutSentences, provenanceEntries, rangeText, readerNoteLines, scoreWithInterval } from './reportText';
import { privacyFirst, privacyQuestions, questionAdvice, questionLevelLabel } from './privacyQuestions';
import { utilityTable } from './utilityTable';
import { isNotApplicable, reportVerdict } from './verdict';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderReportMarkdown(report: Report): string {
  const lines: string[] = ['# MedSynth synthetic data report', '', `${report.modality} data · created ${report.createdAt}`, ''];
  for (const [label, text] of provenanceEntries(report)) lines.push(`- ${label}: ${text}`);
  const g = report.generator;
  if (g)
    lines.push(
      `- Generator: ${g.name} (${g.family})${g.seed !== undefined ? ` · seed ${g.seed}` : ''}${g.executionProvider ? ` · ran on ${g.executionProvider}` : ''}`,
    );
  for (const note of readerNoteLines(report)) lines.push(`- Note: ${note}`);
  // Privacy goes first when any question is answered as a risk.
  const questions = privacyQuestionLines(report);
  const first = privacyFirst(privacyQuestions(report));
  if (first) lines.push(...questions);
  lines.push('', '## Verdict', '');
  for (const v of reportVerdict(report)) lines.push(`- **${v.topic}** (${v.level}): ${v.text}`);
  lines.push('', '## Scores', '', '| Metric | Score | Range | Good value | Meaning |', '| --- | ---: | --- | --- | --- |');
  for (const m of report.metrics) {
    const score =
      m.score !== null
        ? scoreWithInterval(m)
        : isNotApplicable(m)
          ? `n/a (${cell(m.notApplicable ?? '')})`
          : `— (${cell(m.error ?? 'not computed')})`;
    const leftOut = leftOutSentences(m)
      .map((t) => ` **Left out:** ${t}.`)
      .join('');
    lines.push(
      `| ${cell(m.descriptor.title)} (\`${m.id}\`) | ${score} | ${rangeText(m.descriptor.range, '–')} | ${cell(goalText(m))} | ${cell(m.descriptor.doc)}${cell(leftOut)} |`,
    );
  }
  if (!first) lines.push(...questions);
  lines.push(...utilityLines(report));
  lines.push(...imageSectionsMarkdown(report.images));
  if (report.columns.length > 0) {
    lines.push(
      '',
      '## Columns',
      '',
      '| Column | Kind | Largest bin gap | Missing real | Missing synthetic |',
      '| --- | --- | ---: | ---: | ---: |',
    );
    for (const c of report.columns) {
      let gap = 0;
      for (let i = 0; i < c.bins.length; i++) gap = Math.max(gap, Math.abs((c.real[i] ?? 0) - (c.synth[i] ?? 0)));
      lines.push(
        `| ${cell(c.name)} | ${c.kind} | ${(gap * 100).toFixed(1)}% | ${(c.missingReal * 100).toFixed(1)}% | ${(c.missingSynth * 100).toFixed(1)}% |`,
      );
    }
  }
  lines.push('');
  return lines.join('\n');
}

/** The privacy questions as a Markdown section: answer, thresholds and what to do. */
function privacyQuestionLines(report: Report): string[] {
  const questions = privacyQuestions(report);
  if (questions.length === 0) return [];
  const lines = ['', '## Privacy: the questions a reviewer asks', ''];
  for (const q of questions) {
    const advice = questionAdvice(q);
    lines.push(`- **${q.question}** (${questionLevelLabel(q.level)}): ${q.answer}`);
    lines.push(`  Thresholds: ${q.thresholds}.${advice !== undefined ? ` What to do: ${advice}` : ''}`);
  }
  return lines;
}

/** TSTR beside TRTR, one row per model and measure; nothing when utility.tstr was not computed. */
function utilityLines(report: Report): string[] {
  const table = utilityTable(report);
  if (!table) return [];
  const lines = [
    '',
    `## Utility: train on synthetic, test on real (target ${cell(table.target)}, ${table.task})`,
    '',
    '| Model | Measure | Trained on real (TRTR) | Trained on synthetic (TSTR) | Skill kept |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const r of table.rows)
    lines.push(
      `| ${r.model} | ${r.measure} | ${r.trtr.toFixed(3)} | ${r.tstr.toFixed(3)} | ${r.skillKept === null ? '' : `${(r.skillKept * 100).toFixed(0)}%`} |`,
    );
  return lines;
}
