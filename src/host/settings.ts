// The extension's settings, read once per command so a change applies to the next run without reload.
import * as vscode from 'vscode';
import { defaultExecutionProviders, isExecutionProviderName } from '../protocol/inference';
import type { ExecutionProviderName } from '../protocol/inference';

export interface MedSynthSettings {
  /** Tried in order; never empty (falls back to the platform default). */
  readonly executionProviders: readonly ExecutionProviderName[];
  /** Relative to the workspace folder. */
  readonly outputFolder: string;
  readonly defaultRows: number;
  readonly seed: number;
  readonly maxRows: number;
  readonly maxCells: number;
}

/** The read caps every job passes to the table readers; errors name the setting to change. */
export function tableLimits(settings: MedSynthSettings): { readonly maxRows: number; readonly maxCells: number } {
  return { maxRows: settings.maxRows, maxCells: settings.maxCells };
}

export function readSettings(scope?: vscode.ConfigurationScope): MedSynthSettings {
  const config = vscode.workspace.getConfiguration('medsynth', scope);
  const providers = config.get<unknown>('executionProviders');
  const listed = Array.isArray(providers) ? providers.filter((p): p is ExecutionProviderName => typeof p === 'string' && isExecutionProviderName(p)) : [];
  return {
    executionProviders: listed.length > 0 ? listed : defaultExecutionProviders(),
    outputFolder: nonEmptyString(config.get<unknown>('outputFolder')) ?? 'synthetic',
    defaultRows: positiveInt(config.get<unknown>('defaultRows')) ?? 1000,
    seed: nonNegativeInt(config.get<unknown>('seed')) ?? 42,
    maxRows: positiveInt(config.get<unknown>('maxRows')) ?? 1_000_000,
    maxCells: positiveInt(config.get<unknown>('maxCells')) ?? 50_000_000,
  };
}

function nonEmptyString(x: unknown): string | undefined {
  return typeof x === 'string' && x.trim() !== '' ? x.trim() : undefined;
}

function positiveInt(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isSafeInteger(x) && x > 0 ? x : undefined;
}

function nonNegativeInt(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : undefined;
}
