// What Fit and Generate ask before they start and say when they finish: the row count and seed, shown
// with the settings' defaults and validated as typed, and a closing notification whose buttons lead to
// the next step (open the result, evaluate it, reveal it), so no command ends silently.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandOptions } from './commandContext';
import type { MedSynthSettings } from './settings';

/** Why a typed row count is not accepted, or undefined when it is; `items` names what is counted (the modality's itemNoun). */
export function rowsProblem(text: string, maxRows: number, items = 'rows'): string | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return `Type a whole number of ${items}, such as 1000.`;
  const n = Number(t);
  if (n < 1) return `At least 1 ${items.replace(/s$/, '')}.`;
  if (n > maxRows) return `At most ${maxRows} ${items} (medsynth.maxRows).`;
  return undefined;
}

/** Why a typed seed is not accepted, or undefined when it is. */
export function seedProblem(text: string): string | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t))) return 'Type a whole number, 0 or more, such as 42.';
  return undefined;
}

/**
 * Rows and seed for a generation. A caller that passes either (tests, other commands) is not asked;
 * otherwise two input boxes show the settings' defaults, so Enter twice keeps them. Undefined = cancelled.
 */
export async function askRowsAndSeed(
  settings: MedSynthSettings,
  options: CommandOptions,
  what: string,
  items = 'rows',
): Promise<{ rows: number; seed: number } | undefined> {
  if (options.rows !== undefined || options.seed !== undefined)
    return { rows: options.rows ?? settings.defaultRows, seed: options.seed ?? settings.seed };
  const rows = await vscode.window.showInputBox({
    title: `${what} (1/2): ${items}`,
    prompt: `How many synthetic ${items} to generate (default medsynth.defaultRows = ${settings.defaultRows})`,
    value: String(settings.defaultRows),
    validateInput: (t) => rowsProblem(t, settings.maxRows, items),
    ignoreFocusOut: true,
  });
  if (rows === undefined) return undefined;
  const seed = await vscode.window.showInputBox({
    title: `${what} (2/2): seed`,
    prompt: `Random seed: the same model, seed and row count give the same rows (default medsynth.seed = ${settings.seed})`,
    value: String(settings.seed),
    validateInput: seedProblem,
    ignoreFocusOut: true,
  });
  if (seed === undefined) return undefined;
  return { rows: Number(rows.trim()), seed: Number(seed.trim()) };
}

/** Offers the next steps once a generator is fitted; does not wait for the user. */
export function announceFit(dataset: string, runDir: string): void {
  void vscode.window
    .showInformationMessage(
      `MedSynth: fitted a generator on ${path.basename(dataset)} in ${vscode.workspace.asRelativePath(runDir)}.`,
      'Generate…',
      'Reveal',
    )
    .then((picked) => {
      if (picked === 'Generate…') void vscode.commands.executeCommand('medsynth.generate', vscode.Uri.file(runDir));
      if (picked === 'Reveal') void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(runDir));
    });
}

/**
 * Offers the next steps once rows are generated; does not wait for the user. A folder of one file per
 * sample (images) has no preview to open: Evaluate or Reveal it.
 */
export function announceGenerated(
  out: string,
  rows: number,
  seed: number,
  provider: string,
  output: { readonly items?: string; readonly folder?: boolean } = {},
): void {
  const where = vscode.workspace.asRelativePath(out);
  const actions = output.folder ? ['Evaluate…', 'Reveal'] : ['Open', 'Evaluate…', 'Reveal'];
  void vscode.window
    .showInformationMessage(`MedSynth: generated ${rows} ${output.items ?? 'rows'} (seed ${seed}, ${provider}) into ${where}.`, ...actions)
    .then((picked) => {
      if (picked === 'Open') void vscode.commands.executeCommand('medsynth.previewTable', vscode.Uri.file(out));
      if (picked === 'Evaluate…') void vscode.commands.executeCommand('medsynth.evaluate', vscode.Uri.file(out));
      if (picked === 'Reveal') void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(out));
    });
}
