// The image viewer's host side without `vscode`: what the host answers to each (validated) webview
// message. `ready` -> `init` (volumes with identifying fields masked) and the first frames pushed one at
// a time (frame 0 first); `requestFrame` -> that frame from the worker session, checked against the
// volumes; `revealMetadata` -> the masked values. imageViewerProvider.ts wires it to a webview panel;
// the webview tests drive the real app with it, so the app sees exactly the messages VS Code delivers.
import type { ImageFrameSession } from '../engine/datasetInspection';
import { MedSynthError } from '../core/errors';
import { FRAME_PUSH_BYTES, framesToPush } from '../protocol/imageViewer';
import type { ImageViewerHostMessage, ImageViewerInit, ImageViewerWebviewMessage } from '../protocol/imageViewer';
import { assertNever } from '../protocol/messageChecks';
import { privacyNote, revealedRows, viewerVolume } from './imageViewerMetadata';

/** An error as the viewer shows it (a MedSynthError's message already names the file and what was expected). */
function describeError(e: unknown): string {
  if (e instanceof MedSynthError) return e.code === 'CANCELLED' ? 'cancelled' : e.message;
  return e instanceof Error ? e.message : String(e);
}

export interface ImageViewerHandlerOptions {
  /** The file name shown in the toolbar and in errors. */
  readonly title: string;
  /** The file's path, for the log. */
  readonly file: string;
  /** The dataset worker's session for the file (started once, shared by the file's editors). */
  readonly open: () => Promise<ImageFrameSession>;
  /** Posts to the webview; resolves when VS Code took the message. */
  readonly post: (message: ImageViewerHostMessage) => Promise<unknown>;
  readonly log: { info(message: string): void; error(message: string): void };
  /** Bytes of frames pushed after init; FRAME_PUSH_BYTES by default. */
  readonly pushBytes?: number;
}

export interface ImageViewerHandler {
  handle(message: ImageViewerWebviewMessage): Promise<void>;
  /** The panel closed: nothing more is posted. */
  dispose(): void;
}

export function imageViewerHandler(opts: ImageViewerHandlerOptions): ImageViewerHandler {
  const { title, file, log } = opts;
  let disposed = false;
  // Each `ready` (a reload, the tab shown again) starts a new push; an older one stops.
  let generation = 0;
  const post = async (m: ImageViewerHostMessage): Promise<void> => {
    if (!disposed) await opts.post(m);
  };
  const push = async (session: ImageFrameSession, count: number, gen: number): Promise<void> => {
    for (let f = 0; f < count; f++) {
      const data = await session.frame(0, f);
      if (disposed || gen !== generation) return;
      // One frame at a time: a frame the user asks for meanwhile waits behind one frame at most.
      await post({ type: 'frame', volume: 0, frame: f, data });
    }
  };
  const handle = async (m: ImageViewerWebviewMessage): Promise<void> => {
    let session: ImageFrameSession;
    try {
      session = await opts.open();
    } catch (e) {
      log.error(`image viewer ${file}: ${describeError(e)}`);
      await post({
        type: 'error',
        ...(m.type === 'requestFrame' ? { id: m.id } : {}),
        message: `cannot show ${title}: ${describeError(e)}`,
      });
      return;
    }
    switch (m.type) {
      case 'ready': {
        const gen = ++generation;
        const volumes = session.volumes.map(viewerVolume);
        const pushFrames = framesToPush(volumes[0], opts.pushBytes ?? FRAME_PUSH_BYTES);
        const init: ImageViewerInit = { title, format: session.format, volumes, pushFrames, privacyNote: privacyNote(volumes) };
        await post({ type: 'init', init });
        log.info(`image viewer ${file}: ${volumes.length} volume(s) (${session.format}), pushing ${pushFrames} frame(s)`);
        await push(session, pushFrames, gen).catch((e: unknown) => post({ type: 'error', message: describeError(e) }));
        return;
      }
      case 'requestFrame': {
        const v = session.volumes[m.volume];
        if (!v || m.frame >= v.frames) {
          await post({ type: 'error', id: m.id, message: `${title} has no frame ${m.frame + 1} in volume ${m.volume + 1}` });
          return;
        }
        try {
          const data = await session.frame(m.volume, m.frame);
          await post({ type: 'frame', volume: m.volume, frame: m.frame, id: m.id, data });
        } catch (e) {
          await post({ type: 'error', id: m.id, message: describeError(e) });
        }
        return;
      }
      case 'revealMetadata': {
        const v = session.volumes[m.volume];
        if (!v) return;
        // The values go to the webview only; the log records that they were shown, not what they are.
        log.info(`image viewer ${file}: identifying fields of volume ${m.volume + 1} revealed`);
        await post({ type: 'metadataRevealed', volume: m.volume, rows: revealedRows(v) });
        return;
      }
      default:
        assertNever(m);
    }
  };
  return { handle, dispose: () => (disposed = true) };
}
