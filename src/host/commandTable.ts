// Every command in one id -> factory table, registered in a loop by extension.ts (as rust-analyzer
// does). A factory receives the shared services and returns the handler; the handler's result is what
// `vscode.commands.executeCommand` resolves to, so integration tests can assert on it.
import * as vscode from 'vscode';
import { parseCommandArgs, workspaceFolderFor, refuse } from './commandContext';
import type { CommandArgs } from './commandContext';
import type { HostServices } from './hostServices';
import { enableCudaCommand, evaluateCommand, fitCommand, fullLoopCommand, generateCommand, openReportCommand } from './runCommands';
import type { StudioView } from './studioView';
import { inspectDataset } from './inspectCommands';
import { previewTableFile } from './tableCommands';
import { compareRunsCommand, deleteRunCommand, revealRunCommand } from './runManagement';

export type CommandHandler = (...args: unknown[]) => unknown;

/**
 * Runs a one-file command on every selected file in turn (explorer or Studio multi-select). One file
 * gives that file's result; several give { ok, results } with ok true only when every one succeeded.
 */
async function eachSelected<T extends { readonly ok: boolean }>(
  args: CommandArgs,
  run: (uri: vscode.Uri | undefined) => Promise<T>,
): Promise<T | { readonly ok: boolean; readonly results: readonly T[] }> {
  if (args.uris.length <= 1) return run(args.uri);
  const results: T[] = [];
  for (const uri of args.uris) results.push(await run(uri));
  return { ok: results.every((r) => r.ok), results };
}
export type CommandFactory = (services: HostServices, studio: StudioView) => CommandHandler;

/** Command ids as contributed in package.json; the integration tests check the two agree. */
export const COMMANDS: Readonly<Record<string, CommandFactory>> = {
  'medsynth.openStudio': (_services, studio) => async () => {
    if (!workspaceFolderFor(undefined))
      return refuse('Open a folder with tables to use the Studio.', [{ title: 'Open Folder', command: 'vscode.openFolder' }]);
    await vscode.commands.executeCommand('medsynth.studio.focus');
    studio.refresh();
    return { ok: true, ...(await studio.listing()) };
  },
  'medsynth.refreshStudio': (_services, studio) => () => {
    studio.refresh();
    return { ok: true };
  },
  'medsynth.previewTable':
    (services) =>
    (...args) =>
      eachSelected(parseCommandArgs(args), (uri) => previewTableFile(services, uri)),
  'medsynth.inspectDataset':
    (services) =>
    (...args) =>
      eachSelected(parseCommandArgs(args), (uri) => inspectDataset(services, uri)),
  'medsynth.fitGenerator':
    (services) =>
    (...args) => {
      const a = parseCommandArgs(args);
      return eachSelected(a, (uri) => fitCommand(services, uri, a.options));
    },
  'medsynth.generate':
    (services) =>
    (...args) => {
      const { uri, options } = parseCommandArgs(args);
      return generateCommand(services, uri, options);
    },
  'medsynth.evaluate':
    (services) =>
    (...args) => {
      const { uri, options } = parseCommandArgs(args);
      return evaluateCommand(services, uri, options);
    },
  'medsynth.runFullLoop':
    (services) =>
    (...args) => {
      const a = parseCommandArgs(args);
      return eachSelected(a, (uri) => fullLoopCommand(services, uri, a.options));
    },
  'medsynth.openReport':
    (services) =>
    (...args) =>
      openReportCommand(services, parseCommandArgs(args).uri),
  'medsynth.revealRun':
    () =>
    (...args) =>
      revealRunCommand(parseCommandArgs(args)),
  'medsynth.deleteRun':
    (services) =>
    (...args) =>
      deleteRunCommand(services, parseCommandArgs(args)),
  'medsynth.compareRuns':
    (services) =>
    (...args) =>
      compareRunsCommand(services, parseCommandArgs(args)),
  'medsynth.enableCuda': (services) => () => enableCudaCommand(services),
};
