// The bar under the preview's toolbar that says where the type picker's changes go (medsynth.columns,
// which Fit and Run read) and offers Fit Generator / Run Full Loop on this table. Buttons only post
// messages; the host writes the setting and runs the commands.
import type { ColumnTypeSettings, TablePreviewCommand, TablePreviewWebviewMessage } from '../../src/protocol/tablePreview';
import { custom, h } from '../shared/dom';

const COMMAND_LABELS: Readonly<Record<TablePreviewCommand, string>> = {
  fitGenerator: 'Fit Generator',
  runFullLoop: 'Run Full Loop',
};

function explanation(types: ColumnTypeSettings): string {
  const count = Object.keys(types.saved).length;
  if (types.key === undefined) {
    return 'This file is outside the workspace folders: type changes apply to this preview only, and Fit and Run infer the types.';
  }
  if (count === 0) return `Types are inferred. A type you pick is saved to medsynth.columns for ${types.key}; Fit and Run use these types.`;
  const subject = count === 1 ? `1 column type for ${types.key} comes` : `${count} column types for ${types.key} come`;
  return `${subject} from medsynth.columns; a type you pick is saved there too. Fit and Run use these types.`;
}

export function typesBar(types: ColumnTypeSettings, post: (message: TablePreviewWebviewMessage) => void): HTMLElement {
  const button = (label: string, attrs: Readonly<Record<string, string | boolean>>, message: TablePreviewWebviewMessage): HTMLElement => {
    const el = custom('vscode-button', { secondary: true, ...attrs }, label);
    el.addEventListener('click', () => post(message));
    return el;
  };
  const commands = (Object.keys(COMMAND_LABELS) as TablePreviewCommand[]).map((command) =>
    button(COMMAND_LABELS[command], { 'data-command': command }, { type: 'runCommand', command }),
  );
  const canClear = Object.keys(types.saved).length > 0;
  return h(
    'div',
    { class: 'types-bar', 'data-key': types.key },
    h('span', { class: 'types-status' }, explanation(types)),
    h(
      'span',
      { class: 'types-actions' },
      canClear ? button('Clear saved types', { 'data-action': 'clearColumnKinds' }, { type: 'clearColumnKinds' }) : null,
      ...commands,
    ),
    h('span', { class: 'notice', role: 'status' }),
  );
}
