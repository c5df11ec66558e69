// The metadata table beside the image: geometry, spacing, windows and the reader's technical fields.
// Masked fields show no value until the user clicks Reveal, which asks the host for them; Hide drops
// the values again. A note says what the readers keep, and that they keep no identifiers.
import type { MetadataRow, ViewerVolume } from '../../src/protocol/imageViewer';
import { h } from '../shared/dom';

export function metadataPanel(
  volume: ViewerVolume,
  revealed: readonly MetadataRow[] | undefined,
  note: string,
  onReveal: () => void,
  onHide: () => void,
): HTMLElement {
  const values = new Map((revealed ?? []).map((r) => [r.key, r.value ?? '']));
  const anyMasked = volume.metadata.some((r) => r.masked !== undefined);
  const rows = volume.metadata.map((r) => {
    const shown = r.masked === undefined ? r.value : values.get(r.key);
    const cell =
      shown !== undefined
        ? h(
            'td',
            { class: r.masked !== undefined ? 'value revealed' : 'value' },
            shown,
            r.note ? h('span', { class: 'row-note' }, r.note) : null,
          )
        : h(
            'td',
            { class: 'value masked', title: r.masked ?? '' },
            h('span', { class: 'codicon codicon-lock' }),
            ' masked',
            h('span', { class: 'row-note' }, r.masked ?? ''),
          );
    return h(
      'tr',
      { 'data-key': r.key, ...(r.masked !== undefined ? { 'data-masked': revealed ? 'revealed' : 'masked' } : {}) },
      h('th', { scope: 'row' }, r.key),
      cell,
    );
  });
  const reveal = anyMasked
    ? h(
        'button',
        { class: 'reveal secondary', type: 'button', 'data-action': revealed ? 'hide' : 'reveal' },
        h('span', { class: `codicon ${revealed ? 'codicon-eye-closed' : 'codicon-eye'}` }),
        revealed ? ' Hide identifying fields' : ' Reveal identifying fields',
      )
    : null;
  reveal?.addEventListener('click', () => (revealed ? onHide() : onReveal()));
  return h(
    'aside',
    { class: 'metadata', 'aria-label': 'Metadata' },
    h('h2', {}, volume.label),
    reveal,
    h('table', { class: 'metadata-table' }, h('tbody', {}, ...rows)),
    h('p', { class: 'privacy-note', role: 'note' }, note),
  );
}
