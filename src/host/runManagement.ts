// What the Studio's context menu does with runs: reveal a run folder in the explorer, delete it (to the
// trash, after a modal confirmation), and compare two runs' scores in a read-only markdown document.
// Deleting only ever touches a run folder: a direct child of an output root that holds MedSynth's own
// records, so no setting or stray argument can make it remove the user's data.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandArgs, Refusal } from './commandContext';
import { describeError, refuse } from './commandContext';
import type { HostServices } from './hostServices';
import { compareRunsMarkdown } from './runCompare';
import { describeRun, readRunSummary } from './runSummary';
import type { RunSummary } from './runSummary';
import { outputRoots } from './studioView';

export const COMPARE_SCHEME = 'medsynth-compare';

/** The run folder a Uri names: the folder itself, or the folder of a file inside it. */
async function runDirOf(uri: vscode.Uri): Promise<string | undefined> {
  const roots = outputRoots();
  const isDir = await fs.stat(uri.fsPath).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const dir = isDir ? uri.fsPath : path.dirname(uri.fsPath);
  if (!roots.includes(path.dirname(dir))) return undefined;
  const records = await Promise.all(
    ['run.json', 'report.json', 'medsynth.json'].map((f) =>
      fs.stat(path.join(dir, f)).then(
        () => true,
        () => false,
      ),
    ),
  );
  return records.some(Boolean) ? dir : undefined;
}

async function pickRuns(services: HostServices, placeHolder: string, many: boolean, leaveOut: readonly string[] = []): Promise<string[]> {
  const dirs = (await services.studio?.runDirs()) ?? [];
  const summaries = await Promise.all(dirs.filter((d) => !leaveOut.includes(d)).map(readRunSummary));
  const items = summaries.map((s) => ({ label: s.dataset ?? s.id, description: describeRun(s), detail: s.id, dir: s.dir }));
  if (items.length === 0) return [];
  if (many) return ((await vscode.window.showQuickPick(items, { placeHolder, canPickMany: true })) ?? []).map((i) => i.dir);
  const one = await vscode.window.showQuickPick(items, { placeHolder });
  return one ? [one.dir] : [];
}

export async function revealRunCommand(args: CommandArgs): Promise<{ readonly ok: true; readonly dir: string } | Refusal> {
  const dir = args.uri ? await runDirOf(args.uri) : undefined;
  if (!dir) return refuse('Reveal in Explorer works on a run in the Studio.');
  await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(dir));
  return { ok: true, dir };
}

export interface DeleteRunResult {
  readonly ok: true;
  readonly deleted: readonly string[];
  /** 'trash' where the file system has one; 'permanently' after a second confirmation where it has none. */
  readonly how: 'trash' | 'permanently';
}

export async function deleteRunCommand(services: HostServices, args: CommandArgs): Promise<DeleteRunResult | Refusal> {
  const dirs: string[] = [];
  for (const uri of args.uris) {
    const dir = await runDirOf(uri);
    if (!dir)
      return refuse(
        `${path.basename(uri.fsPath)} is not a MedSynth run folder; Delete Run removes only run folders under medsynth.outputFolder.`,
      );
    if (!dirs.includes(dir)) dirs.push(dir);
  }
  if (dirs.length === 0) return refuse('Delete Run works on runs in the Studio: select one or more runs first.');
  const summaries = await Promise.all(dirs.map(readRunSummary));
  const what =
    summaries.length === 1 ? `the run ${summaries[0].id} (${summaries[0].dataset ?? 'unknown dataset'})` : `${summaries.length} runs`;
  if (args.options.confirmed !== true) {
    const answer = await vscode.window.showWarningMessage(
      `Delete ${what}?`,
      {
        modal: true,
        detail: `${summaries.map((s) => `${s.id}: ${describeRun(s)}`).join('\n')}\n\nThe folder moves to the trash; the source data is not touched.`,
      },
      'Move to Trash',
    );
    if (answer !== 'Move to Trash') return { ok: false, reason: 'not confirmed' };
  }
  let how: DeleteRunResult['how'] = 'trash';
  try {
    for (const dir of dirs) {
      try {
        await vscode.workspace.fs.delete(vscode.Uri.file(dir), { recursive: true, useTrash: true });
      } catch (e) {
        // A remote or web workspace's file system often has no trash: say so and ask again, never fall back silently.
        if (how === 'trash' && args.options.confirmed !== true) {
          const again = await vscode.window.showWarningMessage(
            `This workspace's file system has no trash (${describeError(e)}). Delete ${what} permanently?`,
            { modal: true },
            'Delete Permanently',
          );
          if (again !== 'Delete Permanently') return { ok: false, reason: 'not confirmed' };
        }
        how = 'permanently';
        await vscode.workspace.fs.delete(vscode.Uri.file(dir), { recursive: true, useTrash: false });
      }
      services.log.info(`deleted run ${dir} (${how === 'trash' ? 'to the trash' : 'permanently'})`);
    }
  } catch (e) {
    return refuse(`cannot delete ${what}: ${describeError(e)}`);
  } finally {
    services.studio?.refresh();
  }
  return { ok: true, deleted: dirs, how };
}

export interface CompareRunsResult {
  readonly ok: true;
  readonly runs: readonly [string, string];
  readonly document: string;
  readonly markdown: string;
}

export async function compareRunsCommand(services: HostServices, args: CommandArgs): Promise<CompareRunsResult | Refusal> {
  const documents = services.compareDocuments;
  if (!documents) return refuse('MedSynth is not activated yet.');
  const given: string[] = [];
  for (const uri of args.uris) {
    const dir = await runDirOf(uri);
    if (!dir) return refuse(`${path.basename(uri.fsPath)} is not a MedSynth run folder.`);
    if (!given.includes(dir)) given.push(dir);
  }
  const dirs =
    given.length >= 2
      ? given.slice(0, 2)
      : given.length === 1
        ? [...given, ...(await pickRuns(services, `Compare ${path.basename(given[0])} with…`, false, given))]
        : await pickRuns(services, 'Pick two runs to compare', true);
  if (dirs.length < 2)
    return dirs.length === 0 && given.length === 0
      ? { ok: false, reason: 'no runs picked' }
      : refuse('Compare Runs needs two runs: select two in the Studio (Ctrl/Cmd+click), or pick a second one.');
  // Oldest first, so B − A reads as "what changed since".
  const [a, b] = (await Promise.all(dirs.slice(0, 2).map(readRunSummary))).sort(byDate);
  const markdown = compareRunsMarkdown(a, b);
  const docUri = vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/Compare ${a.id} and ${b.id}.md` });
  documents.set(docUri, markdown);
  const doc = await vscode.workspace.openTextDocument(docUri);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', docUri);
  } catch {
    // Without the built-in markdown extension the document itself is still readable.
    await vscode.window.showTextDocument(doc, { preview: true });
  }
  services.log.info(`compared runs ${a.id} and ${b.id}`);
  return { ok: true, runs: [a.dir, b.dir], document: docUri.toString(), markdown };
}

function byDate(x: RunSummary, y: RunSummary): number {
  return (x.createdAt ?? x.id).localeCompare(y.createdAt ?? y.id);
}
