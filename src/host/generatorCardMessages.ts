// The generator card's host side without `vscode`: what the host answers to each (validated) webview
// message. `ready` -> the card, read afresh (the folder may have changed since the tab was hidden);
// `generate` -> medsynth.generate on the generator the host read, never on a path the webview names,
// and only when the card said it can run. generatorCardProvider.ts wires it to a webview panel; the
// webview tests drive the real app with it.
import type { GeneratorCardHostMessage, GeneratorCardWebviewMessage } from '../protocol/generatorCard';
import { assertNever } from '../protocol/messageChecks';
import type { GeneratorCardRead } from './generatorCardModel';
import { cardError } from './generatorCardModel';

export interface GeneratorCardHandlerOptions {
  /** The file's path, for the log. */
  readonly file: string;
  /** Reads the card (readGeneratorCard on the document's path). */
  readonly read: () => Promise<GeneratorCardRead>;
  /** Posts to the webview; resolves when VS Code took the message. */
  readonly post: (message: GeneratorCardHostMessage) => Promise<unknown>;
  /** Runs medsynth.generate on a generator folder or .onnx; resolves when the command is done. */
  readonly generate: (generator: string) => Promise<unknown>;
  readonly log: { info(message: string): void; error(message: string): void };
}

export interface GeneratorCardHandler {
  handle(message: GeneratorCardWebviewMessage): Promise<void>;
  /** The panel closed: nothing more is posted. */
  dispose(): void;
}

export function generatorCardHandler(opts: GeneratorCardHandlerOptions): GeneratorCardHandler {
  const { file, log } = opts;
  let disposed = false;
  let last: GeneratorCardRead | undefined;
  const post = async (m: GeneratorCardHostMessage): Promise<void> => {
    if (!disposed) await opts.post(m);
  };
  const handle = async (m: GeneratorCardWebviewMessage): Promise<void> => {
    switch (m.type) {
      case 'ready': {
        try {
          last = await opts.read();
        } catch (e) {
          // readGeneratorCard puts expected failures on the card; this is anything else.
          log.error(`generator card ${file}: ${cardError(e)}`);
          await post({ type: 'error', message: cardError(e) });
          return;
        }
        const { card } = last;
        log.info(`generator card ${file}: ${card.errors.length} error(s), ${card.checks.filter((c) => !c.ok).length} failed check(s)`);
        await post({ type: 'init', card });
        return;
      }
      case 'generate': {
        const generator = last?.generator;
        if (generator === undefined) {
          await post({ type: 'error', message: `${last?.card.title ?? file} cannot be generated from: see the errors on the card` });
          return;
        }
        log.info(`generator card ${file}: Generate… on ${generator}`);
        try {
          await opts.generate(generator);
        } catch (e) {
          await post({ type: 'error', message: cardError(e) });
        }
        return;
      }
      default:
        assertNever(m);
    }
  };
  return { handle, dispose: () => (disposed = true) };
}
