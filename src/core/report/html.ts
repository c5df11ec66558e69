// The self-contained HTML export: one file with inline CSS and inline SVG, no scripts and no remote
// references, so a reviewer or ethics board can open it offline and nothing in it can phone home. An
// image report adds its thumbnails as checked data: URIs (imageSections.ts), and the page's own CSP
// (default-src 'none', images from data: only) makes a browser refuse anything else.
import { escapeXml, formatNumber, renderDistributionSvg, renderHistogramSvg } from './charts';
import { REPORT_CHART_STYLE } from './chartStyle';
import { renderCorrelationSectionHtml } from './correlationHeatmap';
import { IMAGE_SECTION_STYLE, renderImageSectionsHtml } from './imageSectionsHtml';
import type { Report, ReportMetric } from './model';
import { goalText, leftOutSentences, provenanceEntries, rangeText, readerNoteLines, reportNouns, scoreWithInterval } from './reportText';
import { privacyFirst, privacyQuestions, questionAdvice } from './privacyQuestions';
import { utilityTable } from './utilityTable';
import { copiesAtBaseRate, dcrBaseline, goodness, isNotApplicable, reportVerdict } from './verdict';

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0; --real: #3b6fb6; --synth: #e07b39; --good: #1a7f37; --fair: #9a6700; --poor: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --real: #6ea8fe; --synth: #f0a35e; --good: #3fb950; --fair: #d29922; --poor: #f85149; } }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.score.unknown { color: var(--fg); } td.score { font-variant-numeric: tabular-nums; white-space: nowrap; font-weight: 600; }
.doc { color: var(--muted); font-size: 12px; }
.verdict li { margin: 4px 0; } .good { color: var(--good); } .fair { color: var(--fair); } .poor { color: var(--poor); } .inconclusive { color: var(--fair); } .unknown { color: var(--muted); }
.reader-notes { color: var(--fair); font-size: 13px; } .error { color: var(--poor); } .na { color: var(--muted); } .left-out { color: var(--fair); font-size: 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(370px, 1fr)); gap: 16px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; } figcaption { font-weight: 600; } figcaption span { color: var(--muted); font-weight: 400; font-size: 12px; }
svg .real { fill: var(--real); } svg .synth { fill: var(--synth); } svg .bar { fill: var(--real); } svg .axis { stroke: var(--muted); } svg .tick { fill: var(--muted); font-size: 10px; }
`;

function scoreText(m: ReportMetric): string {
  if (m.score === null) return isNotApplicable(m) ? 'n/a' : '—';
  return scoreWithInterval(m);
}

function metricRow(m: ReportMetric): string {
  // Only scales where closer to the goal is always better get a colour; a DCR near its maximum
  // would mean useless data, so distance scores stay neutral and the verdict explains them.
  const g = m.id.startsWith('fidelity.') || m.id === 'privacy.exactCopies' ? goodness(m) : undefined;
  // Copies at the rate two real samples share are natural collisions, not a leak (see the verdict).
  const cls = g === undefined ? 'unknown' : copiesAtBaseRate(m) || g >= 0.9 ? 'good' : g >= 0.75 ? 'fair' : 'poor';
  const goal = goalText(m);
  const err = m.error
    ? `<div class="error">Could not compute: ${escapeXml(m.error)}</div>`
    : isNotApplicable(m)
      ? `<div class="na">Not applicable: ${escapeXml(m.notApplicable ?? '')}</div>`
      : '';
  const leftOut = leftOutSentences(m)
    .map((t) => `<div class="left-out">${escapeXml(`${t.charAt(0).toUpperCase()}${t.slice(1)}.`)}</div>`)
    .join('');
  return (
    `<tr><td><strong>${escapeXml(m.descriptor.title)}</strong><div class="doc">${escapeXml(m.id)}</div></td>` +
    `<td class="score ${cls}">${escapeXml(scoreText(m))}</td>` +
    `<td>${escapeXml(m.descriptor.doc)}<div class="doc">Range ${escapeXml(rangeText(m.descriptor.range))}, ${escapeXml(goal)}.${m.descriptor.reference ? ` Reference: ${escapeXml(m.descriptor.reference)}` : ''}</div>${leftOut}${err}</td></tr>`
  );
}

function sources(report: Report): string {
  return provenanceEntries(report)
    .map(([label, text]) => `<li>${escapeXml(label)}: ${escapeXml(text)}</li>`)
    .join('');
}

/** What the reader assumed or repaired (encoding, comment lines, padded rows), under the sources; empty when nothing. */
function readerNotes(report: Report): string {
  const lines = readerNoteLines(report);
  return lines.length > 0 ? `<ul class="reader-notes">${lines.map((l) => `<li>${escapeXml(l)}</li>`).join('')}</ul>` : '';
}

/** The DCR section's word on the holdout baseline, escaped; empty without a holdout. */
function dcrBaselineSentence(report: Report): string {
  const base = dcrBaseline(report.metrics.find((m) => m.id === 'privacy.dcr'));
  if (!base) return '';
  const { samples } = reportNouns(report.modality);
  return escapeXml(
    ` The holdout ${samples} (real patients the generator never saw) lie at a median distance of ${formatNumber(base.median)} from the training ${samples}: ` +
      `synthetic ${samples} at about that distance or more are as far from the training patients as new patients are.`,
  );
}

/** The privacy questions: each answer coloured by its level, with the thresholds and, for a risk, what to do. */
function privacyQuestionsHtml(report: Report): string {
  const questions = privacyQuestions(report);
  if (questions.length === 0) return '';
  const items = questions.map((q) => {
    const shown = questionAdvice(q);
    const advice = shown !== undefined ? ` <em>What to do:</em> ${escapeXml(shown)}` : '';
    return `<li class="${q.level}"><strong>${escapeXml(q.question)}</strong> ${escapeXml(q.answer)}<br><span class="doc">Thresholds: ${escapeXml(q.thresholds)}.${advice}</span></li>`;
  });
  return `<h2>Privacy: the questions a reviewer asks</h2><ul class="verdict privacy-questions">${items.join('')}</ul>`;
}

/** TSTR beside TRTR (utility.tstr); empty when it was not computed. */
function utilityHtml(report: Report): string {
  const table = utilityTable(report);
  if (!table) return '';
  const rows = table.rows
    .map(
      (r) =>
        `<tr><td>${escapeXml(r.model)}</td><td>${escapeXml(r.measure)}</td><td>${r.trtr.toFixed(3)}</td><td>${r.tstr.toFixed(3)}</td><td>${r.skillKept === null ? '' : `${(r.skillKept * 100).toFixed(0)}%`}</td></tr>`,
    )
    .join('');
  return (
    `<h2>Utility: train on synthetic, test on real</h2><p class="doc">Target ${escapeXml(table.target)} (${escapeXml(table.task)}): the same models trained on the real training rows and on the synthetic rows, both tested on the holdout.</p>` +
    `<table><thead><tr><th>Model</th><th>Measure</th><th>Trained on real (TRTR)</th><th>Trained on synthetic (TSTR)</th><th>Skill kept</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

export function renderReportHtml(report: Report): string {
  const verdict = reportVerdict(report)
    .map((l) => `<li class="${l.level}"><strong>${l.topic === 'fidelity' ? 'Fidelity' : 'Privacy'}:</strong> ${escapeXml(l.text)}</li>`)
    .join('');
  const questions = privacyQuestionsHtml(report);
  const first = privacyFirst(privacyQuestions(report));
  const gen = report.generator;
  const genLine = gen
    ? `<li>Generator: ${escapeXml(gen.name)} (${escapeXml(gen.family)})${gen.seed !== undefined ? ` · seed ${gen.seed}` : ''}${gen.executionProvider ? ` · ran on ${escapeXml(gen.executionProvider)}` : ''}</li>`
    : '';
  const columns = report.columns
    .map((c) => {
      const missing = `missing: real ${(c.missingReal * 100).toFixed(1)}%, synthetic ${(c.missingSynth * 100).toFixed(1)}%`;
      return `<figure><figcaption>${escapeXml(c.name)} <span>${escapeXml(c.kind)} · ${missing}</span></figcaption>${renderDistributionSvg(c)}</figure>`;
    })
    .join('');
  const image = report.modality === 'image';
  const dcrText = image
    ? `<h2>Distance to closest real image</h2><p class="doc">How far each synthetic image is from its nearest real image in the embedder's feature space (Euclidean; 0 = the same features). A pile-up at 0 means copied patients.`
    : `<h2>Distance to closest real record</h2><p class="doc">How far each synthetic row is from its nearest real row (0 = identical on every compared column). A pile-up at 0 means copied patients.`;
  const dcr = report.dcrHistogram
    ? `${dcrText}${dcrBaselineSentence(report)}</p>${renderHistogramSvg(report.dcrHistogram, image ? 'distance to closest real image' : 'distance to closest record')}`
    : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing loads from anywhere: inline styles, and images only from the data: URIs written below.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>MedSynth report — ${escapeXml(report.real.part?.source ?? report.real.file ?? reportNouns(report.modality).set)}</title>`,
    `<style>${STYLE}${REPORT_CHART_STYLE}${report.images ? IMAGE_SECTION_STYLE : ''}</style></head><body>`,
    '<h1>MedSynth synthetic data report</h1>',
    `<p class="meta">${escapeXml(report.modality)} data · created ${escapeXml(report.createdAt)}</p>`,
    `<ul>${sources(report)}${genLine}</ul>`,
    readerNotes(report),
    // Privacy goes first when any question is answered as a risk.
    first ? questions : '',
    `<h2>Verdict</h2><ul class="verdict">${verdict}</ul>`,
    '<h2>Scores</h2><table><thead><tr><th>Metric</th><th>Score</th><th>What it means</th></tr></thead><tbody>',
    report.metrics.map(metricRow).join(''),
    '</tbody></table>',
    first ? '' : questions,
    utilityHtml(report),
    dcr,
    renderImageSectionsHtml(report.images),
    report.columns.length > 0 ? `<h2>Columns: real vs synthetic</h2><div class="grid">${columns}</div>` : '',
    report.correlations && report.correlations.columns.length >= 2 ? renderCorrelationSectionHtml(report.correlations) : '',
    '</body></html>',
    '',
  ].join('\n');
}
