// The host edge of cancellation: VS Code hands commands a CancellationToken, everything below the host
// (engine, storage, core) takes an AbortSignal, so the conversion happens here and nowhere else.
import * as vscode from 'vscode';
import type { Disposable } from 'vscode';
import type { EngineProgress } from '../engine/progress';

/** An AbortSignal that aborts when the token is cancelled; dispose the returned listener when done. */
export function abortSignalFromToken(token: vscode.CancellationToken): { signal: AbortSignal; listener: Disposable } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, listener };
}

/** Formats one engine progress event as the single line the notification shows. */
export function describeProgress(p: EngineProgress): string {
  const count = p.done !== undefined && p.total !== undefined && p.total > 0 ? ` ${p.done}/${p.total}` : '';
  return p.message ? `${p.phase}${count}: ${p.message}` : `${p.phase}${count}`;
}

/**
 * Runs long work under a cancellable notification. The work receives an AbortSignal wired to the
 * Cancel button and a reporter for engine progress; the percentage only moves forward, because VS Code
 * adds increments and phases restart their own counts.
 */
export function withCancellableProgress<T>(
  title: string,
  work: (signal: AbortSignal, report: (p: EngineProgress) => void) => Promise<T>,
): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const { signal, listener } = abortSignalFromToken(token);
      let shown = 0;
      const report = (p: EngineProgress): void => {
        const fraction = p.done !== undefined && p.total ? Math.min(1, p.done / p.total) : undefined;
        const percent = fraction === undefined ? shown : Math.max(shown, Math.round(fraction * 100));
        progress.report({ message: describeProgress(p), increment: percent - shown });
        shown = percent;
      };
      try {
        return await work(signal, report);
      } finally {
        listener.dispose();
      }
    }),
  );
}
