// The inference process: forked by InferenceClient, it alone loads onnxruntime-node. session.run can
// block its thread and a native fault kills the process, so it lives apart from the extension host and
// the CLI; cancelling a run means killing this process.
//
// The same entry runs as the process (serving requests) and as its latent worker threads. The serving
// code (and with it onnxruntime-node) is loaded lazily, so a worker thread starts without the native
// binding; messages that arrive while it loads are kept and handled in order.
import { isLatentWorker, serveLatents } from './latentPool';

function serveRequests(): void {
  if (!process.send) {
    process.stderr.write('medsynth inference: this script runs as a forked child of the MedSynth engine\n');
    process.exit(2);
  }
  const early: unknown[] = [];
  let handler: ((message: unknown) => void) | undefined;
  process.on('message', (message: unknown) => {
    if (handler) handler(message);
    else early.push(message);
  });
  // When the parent dies the IPC channel closes; leave rather than linger as an orphan.
  process.on('disconnect', () => process.exit(0));
  void import('./server').then(
    (server) => {
      handler = server.onEngineMessage;
      for (const message of early.splice(0)) handler(message);
    },
    (e: unknown) => {
      process.stderr.write(`medsynth inference: cannot load the inference server: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}

if (isLatentWorker()) serveLatents();
else serveRequests();
