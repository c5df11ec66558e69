// Train on synthetic, test on real beside train on real, test on real (utility.tstr), as a table: per
// model and measure the two scores and the share of skill above chance the synthetic-trained model keeps.
// The rows come from core/report/utilityTable.ts, as in report.html and report.md.
import type { Report } from '../../src/core/report/model';
import { utilityTable } from '../../src/core/report/utilityTable';
import { formatScore, h } from '../shared/dom';

/** The section, or null when utility.tstr was not computed. */
export function utilitySection(report: Report): HTMLElement | null {
  const table = utilityTable(report);
  if (!table) return null;
  const num = (text: string): HTMLElement => h('td', { class: 'num' }, text);
  return h(
    'section',
    { class: 'utility' },
    h('h2', {}, 'Utility: train on synthetic, test on real'),
    h(
      'p',
      { class: 'hint' },
      `Target ${table.target} (${table.task}): the same models trained on the real training rows and on the synthetic rows, both tested on the holdout. Skill kept is the share of the real-trained model's skill above chance that the synthetic-trained one keeps.`,
    ),
    h(
      'table',
      { class: 'utility-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Model'),
          h('th', {}, 'Measure'),
          h('th', { class: 'num' }, 'Trained on real (TRTR)'),
          h('th', { class: 'num' }, 'Trained on synthetic (TSTR)'),
          h('th', { class: 'num' }, 'Skill kept'),
        ),
      ),
      h(
        'tbody',
        {},
        ...table.rows.map((r) =>
          h(
            'tr',
            {},
            h('td', {}, r.model),
            h('td', {}, r.measure),
            num(formatScore(r.trtr)),
            num(formatScore(r.tstr)),
            num(r.skillKept === null ? '' : `${(r.skillKept * 100).toFixed(0)}%`),
          ),
        ),
      ),
    ),
  );
}
