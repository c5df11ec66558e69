// The CLI summary's privacy questions and TSTR vs TRTR blocks on hand-made reports whose figures are
// worked out by hand in test/webview/fixtures/privacyReport.ts: one entry per question with its level,
// the attack's risk and interval, and what to do for a risk or a fair answer; the utility rows with the
// skill kept; every line within 100 columns and free of colour codes; nothing for a report without
// privacy metrics or without utility.tstr.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEvaluationSummary } from '../../../src/cli/summary';
import {
  fidelityOnlyReport,
  imageReportWithoutAttacks,
  inconclusiveReport,
  notAssessedReport,
  riskyReport,
  safeReport,
} from '../../webview/fixtures/privacyReport';

/** The lines of one block: from its title line to the next empty line. */
function block(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(title));
  if (start < 0) return [];
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
}

/** The entries of the privacy block: a line starting "  <level> " opens one, indented lines continue it. */
function entries(lines: readonly string[]): { level: string; text: string }[] {
  const out: { level: string; text: string }[] = [];
  for (const l of lines.slice(1)) {
    const open = /^ {2}(\S+) +(.*)$/.exec(l);
    if (open) out.push({ level: open[1], text: open[2] });
    else out[out.length - 1].text += ` ${l.trim()}`;
  }
  return out;
}

describe('CLI summary: privacy questions and utility', () => {
  it('prints one entry per question with level, risk and interval, and what to do for the risk and the fair answer', () => {
    const text = formatEvaluationSummary(riskyReport());
    const lines = block(text, 'Privacy questions:');
    assert.equal(lines[0], 'Privacy questions:');
    const e = entries(lines);
    assert.deepEqual(
      e.map((x) => x.level),
      ['risk', 'good', 'fair', 'good'],
    );
    // Singling out: (0.60 − 0.20) / 0.80 = 0.500 in 0.400–0.600; k-anonymity 30% in groups below 5, real 25%.
    assert.ok(e[0].text.startsWith('Can a person be singled out? '), e[0].text);
    assert.ok(
      e[0].text.includes('risk 0.500 (95% interval 0.400–0.600; success 60.0% on training rows, 20.0% on holdout rows)'),
      e[0].text,
    );
    assert.ok(e[0].text.includes('30.0% of records are in groups below 5 (real data: 25.0%)'), e[0].text);
    assert.match(e[0].text, / What to do: Coarsen a quasi-identifier/);
    // Linkability: 0.008 / 0.80 = 0.010 in 0.000–0.030, no advice for a good answer.
    assert.ok(e[1].text.startsWith('Can records about the same person be linked? '), e[1].text);
    assert.ok(e[1].text.includes('risk 0.010 (95% interval 0.000–0.030; success 20.8% on training rows, 20.0% on holdout rows)'));
    assert.doesNotMatch(e[1].text, /What to do/);
    // Inference: 0.06 / 0.60 = 0.100 in 0.060–0.140: look closer, with advice.
    assert.ok(e[2].text.includes('risk 0.100 (95% interval 0.060–0.140; success 46.0% on training rows, 40.0% on holdout rows)'));
    assert.match(e[2].text, / What to do: /);
    // Membership: AUC 0.52.
    assert.ok(e[3].text.startsWith('Can anyone tell who was in the training data? '), e[3].text);
    assert.ok(e[3].text.includes('AUC 0.520 (0.5 = chance)'));
    // The blocks come after the metric table (its last row is utility.tstr) and before the verdict.
    const all = text.split('\n');
    const tableEnd = all.findIndex((l) => l.startsWith('utility.tstr '));
    const privacyAt = all.indexOf('Privacy questions:');
    const utilityAt = all.findIndex((l) => l.startsWith('Utility (TSTR vs TRTR)'));
    const verdictAt = all.findIndex((l) => l.startsWith('fidelity ('));
    assert.ok(tableEnd < privacyAt && privacyAt < utilityAt && utilityAt < verdictAt, `${tableEnd} ${privacyAt} ${utilityAt} ${verdictAt}`);
  });

  it('prints TSTR beside TRTR per model and measure, with the skill kept on the AUROC rows', () => {
    const lines = block(formatEvaluationSummary(riskyReport()), 'Utility (TSTR vs TRTR)');
    assert.deepEqual(lines, [
      'Utility (TSTR vs TRTR): target smoker (classification), scored on the holdout:',
      '  model                measure             TRTR   TSTR  skill kept',
      '  logistic regression  AUROC              0.800  0.740         80%',
      '  logistic regression  balanced accuracy  0.700  0.660',
      '  gradient boosting    AUROC              0.900  0.700         50%',
      '  gradient boosting    balanced accuracy  0.750  0.600',
    ]);
  });

  it('keeps every line within 100 columns and prints no colour codes', () => {
    for (const report of [riskyReport(), safeReport(), fidelityOnlyReport()]) {
      const text = formatEvaluationSummary(report);
      assert.doesNotMatch(text, /\x1b\[/); // eslint-disable-line no-control-regex
      for (const l of block(text, 'Privacy questions:').concat(block(text, 'Utility (TSTR vs TRTR)')))
        assert.ok(l.length <= 100, `${l.length} columns: ${l}`);
    }
  });

  it('gives advice only for the fair answer when no answer is a risk', () => {
    const e = entries(block(formatEvaluationSummary(safeReport()), 'Privacy questions:'));
    // Singling out 0.016 / 0.80 = 0.020 in 0.000–0.040, no k-anonymity group below 5: no sign of a risk.
    assert.deepEqual(
      e.map((x) => x.level),
      ['good', 'good', 'fair', 'good'],
    );
    assert.ok(
      e[0].text.includes('risk 0.020 (95% interval 0.000–0.040; success 21.6% on training rows, 20.0% on holdout rows)'),
      e[0].text,
    );
    assert.deepEqual(
      e.map((x) => x.text.includes('What to do:')),
      [false, false, true, false],
    );
  });

  it('prints neither block for a report without privacy metrics or utility.tstr', () => {
    const text = formatEvaluationSummary(fidelityOnlyReport());
    assert.doesNotMatch(text, /Privacy questions|Utility \(TSTR/);
    assert.match(text, /^fidelity\.ksComplement {2}0\.912 {2}higher is better$/m);
    assert.doesNotMatch(formatEvaluationSummary(safeReport()), /Utility \(TSTR/);
    // An image report whose privacy metrics hold no membership attack has no question to answer.
    assert.doesNotMatch(formatEvaluationSummary(imageReportWithoutAttacks()), /Privacy questions/);
  });

  it('says "unknown" with no advice for questions the attacks could not assess', () => {
    const e = entries(block(formatEvaluationSummary(notAssessedReport()), 'Privacy questions:'));
    assert.deepEqual(
      e.map((x) => x.level),
      ['unknown', 'unknown', 'unknown', 'unknown'],
    );
    assert.ok(e.every((x) => !x.text.includes('What to do:')));
    assert.match(e[3].text, /^Can anyone tell who was in the training data\? /);
  });
});

describe('CLI summary: an inconclusive answer', () => {
  it('says inconclusive, with the holdout advice, within 100 columns', () => {
    const text = formatEvaluationSummary(inconclusiveReport());
    const e = entries(block(text, 'Privacy questions:'));
    const link = e.find((x) => x.text.startsWith('Can records about the same person be linked?'));
    assert.ok(link, text);
    assert.equal(link.level, 'inconclusive');
    assert.ok(link.text.includes('risk 0.219 (95% interval 0.000–0.574'), link.text);
    assert.match(link.text, /What to do: Holdout too small: the interval spans both sides of the threshold/);
    for (const l of block(text, 'Privacy questions:')) assert.ok(l.length <= 100, `${l.length}: ${l}`);
  });
});
