// The extension's settings, read once per command so a change applies to the next run without reload.
import * as vscode from 'vscode';
import { defaultExecutionProviders, isExecutionProviderName } from '../protocol/inference';
import type { ExecutionProviderName } from '../protocol/inference';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MAX_SAMPLES } from '../core/data/decodeLimits';
import type { DecodeLimits } from '../core/data/decodeLimits';

export interface MedSynthSettings {
  /** Tried in order; never empty (falls back to the platform default). */
  readonly executionProviders: readonly ExecutionProviderName[];
  /** Relative to the workspace folder. */
  readonly outputFolder: string;
  readonly defaultRows: number;
  readonly seed: number;
  readonly maxRows: number;
  readonly maxCells: number;
  readonly maxPixels: number;
  readonly maxSamples: number;
  readonly maxDecompressedBytes: number;
  /** Share of rows the full loop holds out from fitting, in [0, 0.9]; 0 disables the holdout. */
  readonly holdoutFraction: number;
}

/** The read caps every job passes to the table readers; errors name the setting to change. */
export function tableLimits(settings: MedSynthSettings): { readonly maxRows: number; readonly maxCells: number } {
  return { maxRows: settings.maxRows, maxCells: settings.maxCells };
}

/** The caps every image, signal and text reader gets; errors name the setting to change. */
export function decodeLimits(settings: MedSynthSettings): Required<DecodeLimits> {
  return { maxPixels: settings.maxPixels, maxSamples: settings.maxSamples, maxDecompressedBytes: settings.maxDecompressedBytes };
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
    maxPixels: positiveInt(config.get<unknown>('maxPixels')) ?? DEFAULT_MAX_PIXELS,
    maxSamples: positiveInt(config.get<unknown>('maxSamples')) ?? DEFAULT_MAX_SAMPLES,
    maxDecompressedBytes: positiveInt(config.get<unknown>('maxDecompressedBytes')) ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
    holdoutFraction: fraction(config.get<unknown>('holdoutFraction'), 0.9) ?? 0.2,
  };
}

function nonEmptyString(x: unknown): string | undefined {
  return typeof x === 'string' && x.trim() !== '' ? x.trim() : undefined;
}

/** A number in [0, max]; anything else (a hand-edited settings.json) falls back to the default. */
function fraction(x: unknown, max: number): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= max ? x : undefined;
}

function positiveInt(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isSafeInteger(x) && x > 0 ? x : undefined;
}

function nonNegativeInt(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : undefined;
}
