// The request side of the inference process: sessions, sampling and cancel. It is loaded only in the
// process itself, never in its latent worker threads, so those threads do not load onnxruntime-node.
import { MedSynthError, toErrorPayload } from '../core/errors';
import { assertNever, isInferenceRequest } from '../protocol/inference';
import type { InferenceRequest, InferenceResponse } from '../protocol/inference';
import { LatentPool, latentWorkerCount } from './latentPool';
import { runDiffusion } from './diffusionRunner';
import { runEmbed } from './embedRunner';
import { runGram } from './gramRunner';
import { describeModel, RunControl, runSample } from './sampler';
import { SessionCache } from './session';

const cache = new SessionCache();
let pool: LatentPool | undefined;
/** Requests in flight that a cancel message can reach. */
const controls = new Map<number, RunControl>();

/** The latent workers start on the first large request and then stay for the life of the process. */
function latentPool(): LatentPool | undefined {
  if (!pool && process.env.MEDSYNTH_LATENT_WORKERS !== '0') {
    const size = Number(process.env.MEDSYNTH_LATENT_WORKERS) || latentWorkerCount();
    try {
      pool = new LatentPool(process.argv[1], size);
    } catch {
      return undefined;
    }
  }
  return pool;
}

function send(message: InferenceResponse): void {
  // The parent may have gone away (it was killed or exited); there is no one left to tell.
  if (process.connected) process.send?.(message);
}

async function handle(req: InferenceRequest): Promise<void> {
  const log = (level: 'info' | 'warn', message: string): void => send({ type: 'log', id: req.id, level, message });
  try {
    switch (req.type) {
      case 'sample': {
        const control = new RunControl();
        controls.set(req.id, control);
        try {
          const family = req.manifest.family;
          if (family === 'diffusion') send(await runDiffusion(req, cache, log, send, control));
          else if (family === 'single-pass') send(await runSample(req, cache, log, send, latentPool, control));
          else throw new MedSynthError('UNSUPPORTED', `generators of family ${family} are not supported yet`);
        } finally {
          controls.delete(req.id);
        }
        return;
      }
      case 'embed': {
        const control = new RunControl();
        controls.set(req.id, control);
        try {
          send(await runEmbed(req, cache, log, send, control));
        } finally {
          controls.delete(req.id);
        }
        return;
      }
      case 'gram':
        send(await runGram(req, log));
        return;
      case 'cancel': {
        const control = controls.get(req.target);
        control?.cancel();
        log(
          'info',
          control
            ? `inference: request ${req.target} cancelled (RunOptions.terminate set)`
            : `inference: request ${req.target} is not running`,
        );
        return;
      }
      case 'describeModel':
        send(await describeModel(req, cache, log));
        return;
      case 'crash':
        // Only tests may ask for this; it stands in for a native abort inside onnxruntime.
        if (process.env.MEDSYNTH_TEST_HOOKS === '1') process.kill(process.pid, 'SIGKILL');
        send({ type: 'error', id: req.id, error: { code: 'BAD_USAGE', message: 'crash requests are for tests only' } });
        return;
      default:
        assertNever(req);
    }
  } catch (e) {
    send({ type: 'error', id: req.id, error: toErrorPayload(e) });
  }
}

/** Handles one IPC message from the engine. */
export function onEngineMessage(message: unknown): void {
  if (isInferenceRequest(message)) void handle(message);
  else send({ type: 'log', level: 'error', message: 'inference: ignored a malformed request' });
}
