// Every command in one id -> factory table, registered in a loop by extension.ts (as rust-analyzer
// does). A factory receives the shared services and returns the handler; the handler's result is what
// `vscode.commands.executeCommand` resolves to, so integration tests can assert on it.
import * as vscode from 'vscode';
import { parseCommandArgs, workspaceFolderFor, refuse } from './commandContext';
import type { HostServices } from './hostServices';
import { enableCudaCommand, evaluateCommand, fitCommand, fullLoopCommand, generateCommand, openReportCommand } from './runCommands';
import type { StudioView } from './studioView';
import { inspectDataset } from './inspectCommands';
import { previewTableFile } from './tableCommands';

export type CommandHandler = (...args: unknown[]) => unknown;
export type CommandFactory = (services: HostServices, studio: StudioView) => CommandHandler;

/** Command ids as contributed in package.json; the integration tests check the two agree. */
export const COMMANDS: Readonly<Record<string, CommandFactory>> = {
  'medsynth.openStudio': (_services, studio) => async () => {
    if (!workspaceFolderFor(undefined)) return refuse('Open a folder with tables to use the Studio.', [{ title: 'Open Folder', command: 'vscode.openFolder' }]);
    await vscode.commands.executeCommand('medsynth.studio.focus');
    studio.refresh();
    return { ok: true, ...(await studio.listing()) };
  },
  'medsynth.refreshStudio': (_services, studio) => () => {
    studio.refresh();
    return { ok: true };
  },
  'medsynth.previewTable': (services) => (...args) => previewTableFile(services, parseCommandArgs(args).uri),
  'medsynth.inspectDataset': (services) => (...args) => inspectDataset(services, parseCommandArgs(args).uri),
  'medsynth.fitGenerator': (services) => (...args) => {
    const { uri, options } = parseCommandArgs(args);
    return fitCommand(services, uri, options);
  },
  'medsynth.generate': (services) => (...args) => {
    const { uri, options } = parseCommandArgs(args);
    return generateCommand(services, uri, options);
  },
  'medsynth.evaluate': (services) => (...args) => {
    const { uri, options } = parseCommandArgs(args);
    return evaluateCommand(services, uri, options);
  },
  'medsynth.runFullLoop': (services) => (...args) => {
    const { uri, options } = parseCommandArgs(args);
    return fullLoopCommand(services, uri, options);
  },
  'medsynth.openReport': (services) => (...args) => openReportCommand(services, parseCommandArgs(args).uri),
  'medsynth.enableCuda': (services) => () => enableCudaCommand(services),
};
