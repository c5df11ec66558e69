// The generator card app: a ready -> init handshake, then one card rendered: the header (name,
// modality, family, model file and its SHA-256, Generate…), the checks of the model against the
// manifest (a mismatch is an error line), the model's inputs and outputs as the ONNX file declares
// them beside what the manifest says of each, the manifest's parts (latent, condition, diffusion
// sampler, output, provenance) and, for a model without a manifest, what MedSynth needs to run it.
// Renders and messages only: the host reads the files, and every host message is validated first.
import '../../media/webview.css';
import '../../media/generatorCard.css';
import { formatDims, parseGeneratorCardHostMessage } from '../../src/protocol/generatorCard';
import type { CardSection, CardTensor, GeneratorCard, GeneratorCardWebviewMessage } from '../../src/protocol/generatorCard';
import { formatCount, h } from '../shared/dom';
import { connectHost } from '../shared/hostChannel';

const app = document.getElementById('app') ?? document.body;
const host = connectHost<{ readonly type: string }, GeneratorCardWebviewMessage, undefined>(onRawMessage);

function onRawMessage(raw: { readonly type: string }): void {
  const m = parseGeneratorCardHostMessage(raw);
  if (!m) {
    showError(`the host sent a message the card cannot show (${String(raw.type)})`);
    return;
  }
  if (m.type === 'init') render(m.card);
  else showError(m.message);
}

function showError(message: string): void {
  let line = document.querySelector<HTMLElement>('.host-error');
  if (!line) {
    line = h('p', { class: 'host-error', role: 'alert' });
    app.prepend(line);
  }
  line.textContent = message;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${formatCount(n)} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]} (${formatCount(n)} bytes)`;
}

function header(card: GeneratorCard): HTMLElement {
  const facts = [card.modality && `${card.modality} generator`, card.family && `family ${card.family}`].filter(Boolean).join(' · ');
  const button = h(
    'button',
    {
      type: 'button',
      class: 'generate',
      'data-action': 'generate',
      disabled: !card.canGenerate,
      title: card.canGenerate ? 'Run MedSynth: Generate with this generator' : 'Fix the errors on the card first',
    },
    h('span', { class: 'codicon codicon-sparkle', 'aria-hidden': 'true' }),
    'Generate…',
  );
  button.addEventListener('click', () => host.post({ type: 'generate' }));
  const model = card.model;
  return h(
    'header',
    { class: 'card-header' },
    h(
      'div',
      { class: 'heading' },
      h('h1', { class: 'name' }, card.name ?? card.title),
      card.name !== undefined && card.name !== card.title ? h('span', { class: 'title' }, card.title) : null,
      h('span', { class: 'spacer' }),
      button,
    ),
    facts ? h('p', { class: 'facts' }, facts) : null,
    model
      ? h(
          'dl',
          { class: 'model fields' },
          h('dt', {}, 'model'),
          h('dd', { class: 'mono', 'data-field': 'model-file' }, model.file),
          h('dt', {}, 'size'),
          h('dd', { 'data-field': 'model-bytes' }, formatBytes(model.bytes)),
          h('dt', {}, 'SHA-256'),
          h('dd', { class: 'mono sha', 'data-field': 'model-sha256' }, model.sha256),
          model.irVersion !== undefined ? h('dt', {}, 'ONNX') : null,
          model.irVersion !== undefined
            ? h('dd', { 'data-field': 'model-onnx' }, `IR version ${model.irVersion}${model.opsets ? `, opsets ${model.opsets}` : ''}`)
            : null,
          card.manifestSource !== undefined ? h('dt', {}, 'manifest') : null,
          card.manifestSource !== undefined ? h('dd', { class: 'mono', 'data-field': 'manifest-source' }, card.manifestSource) : null,
        )
      : null,
  );
}

function problems(card: GeneratorCard): HTMLElement | null {
  const lines = [
    ...card.errors.map((message) => ({ ok: false, message, kind: 'error' })),
    ...card.checks.map((c) => ({ ok: c.ok, message: c.message, kind: c.ok ? 'ok' : 'error' })),
    ...card.notes.map((message) => ({ ok: true, message, kind: 'note' })),
  ];
  if (lines.length === 0) return null;
  return h(
    'ul',
    { class: 'checks' },
    ...lines.map((l) =>
      h(
        'li',
        { class: `check ${l.kind}`, ...(l.kind === 'error' ? { role: 'alert' } : {}) },
        h('span', { class: `codicon codicon-${l.kind === 'ok' ? 'pass' : l.kind === 'note' ? 'info' : 'error'}`, 'aria-hidden': 'true' }),
        h('span', { class: 'message' }, l.message),
      ),
    ),
  );
}

function tensorTable(caption: string, id: string, list: readonly CardTensor[], hasManifest: boolean): HTMLElement {
  return h(
    'section',
    { class: 'io', 'data-section': id },
    h('h2', {}, `${caption} (${list.length})`),
    h(
      'table',
      { class: 'tensors' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, 'name'), h('th', {}, 'type'), h('th', {}, 'shape in the model'), h('th', {}, 'in the manifest')),
      ),
      h(
        'tbody',
        {},
        ...list.map((t) =>
          h(
            'tr',
            { 'data-tensor': t.name },
            h('td', { class: 'mono' }, t.name),
            h('td', { class: 'mono' }, t.type ?? '—'),
            h('td', { class: 'mono' }, formatDims(t.dims)),
            h(
              'td',
              { class: t.role ? 'role' : 'role none' },
              t.role ?? (hasManifest ? 'not named by the manifest' : '—'),
              t.declared ? h('span', { class: 'mono declared' }, ` ${formatDims(t.declared)}`) : null,
            ),
          ),
        ),
      ),
    ),
  );
}

function section(s: CardSection): HTMLElement {
  return h(
    'section',
    { class: 'part', 'data-section': s.id },
    h('h2', {}, s.title),
    s.fields.length > 0
      ? h(
          'dl',
          { class: 'fields' },
          ...s.fields.flatMap((f) => [
            h('dt', {}, f.label),
            h('dd', { class: f.mono ? 'mono' : undefined, 'data-field': f.label }, f.value),
          ]),
        )
      : null,
    s.items ? h('ol', { class: 'items', start: 0 }, ...s.items.map((item) => h('li', {}, item))) : null,
    s.lines ? h('pre', { class: 'lines' }, s.lines.join('\n')) : null,
  );
}

function missing(card: GeneratorCard): HTMLElement | null {
  if (!card.missing) return null;
  return h(
    'section',
    { class: 'part missing', 'data-section': 'missing' },
    h('h2', {}, 'No manifest: what MedSynth needs to run this model'),
    h('ul', {}, ...card.missing.map((m) => h('li', {}, m))),
  );
}

function render(card: GeneratorCard): void {
  document.title = card.title;
  app.replaceChildren(
    h(
      'main',
      { class: 'card', 'data-ready': 'true' },
      header(card),
      problems(card),
      missing(card),
      card.inputs ? tensorTable('Inputs', 'inputs', card.inputs, card.manifestSource !== undefined) : null,
      card.outputs ? tensorTable('Outputs', 'outputs', card.outputs, card.manifestSource !== undefined) : null,
      ...card.sections.map(section),
    ),
  );
}

app.replaceChildren(h('p', { class: 'loading' }, 'Reading the generator…'));
host.post({ type: 'ready' });
