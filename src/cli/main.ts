// Entry of the `medsynth` command line (dist/cli.js). Exit codes: 0 ok, 1 a run failed, 2 bad usage
// or bad input, each failure with a one-line reason on stderr.
import { installKnnWorkers } from '../engine/knnPool';
import { isMedSynthError, MedSynthError } from '../core/errors';
import { USAGE } from './args';
import { convertCommand, evaluateCommand, fitCommand, generateCommand, splitCommand } from './commands';
import { inspect as inspectCommand } from './inspect';
import type { CliContext } from './commands';
import { runCommand } from './runCommand';
import { mergeCommand } from './mergeCommand';
import { slurmCommand } from './slurmCommand';

type Command = (argv: readonly string[], ctx: CliContext) => Promise<void>;

const COMMANDS: Readonly<Record<string, Command>> = {
  inspect: inspectCommand,
  convert: convertCommand,
  split: splitCommand,
  fit: fitCommand,
  generate: generateCommand,
  merge: mergeCommand,
  slurm: slurmCommand,
  evaluate: evaluateCommand,
  run: runCommand,
};

export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? ctx.stderr : ctx.stdout)(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    ctx.stdout('medsynth 0.1.0\n');
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (!command) throw new MedSynthError('BAD_USAGE', `unknown command '${name}' (try medsynth --help)`);
    await command(rest, ctx);
    return 0;
  } catch (e) {
    const err = isMedSynthError(e) ? e : undefined;
    const message = err ? err.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    ctx.stderr(`medsynth: ${message.split('\n')[0]}\n`);
    return exitCodeFor(e);
  }
}

/** Exit code for an error: a MedSynthError says whose fault it is; anything else is a crash (1). */
export function exitCodeFor(e: unknown): 1 | 2 {
  return isMedSynthError(e) ? e.exitCode : 1;
}

function main(): void {
  // An error that escapes every job (a bug, a throw in a stream callback) is a failed run: exit 1 with
  // one line, not a stack trace and not Node's default code for an unhandled rejection.
  const crash = (e: unknown): void => {
    process.stderr.write(`medsynth: internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
    process.exit(exitCodeFor(e));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  // The privacy metrics' neighbour searches run on all cores (dist/knnWorker.js); idle workers do not keep the process alive.
  installKnnWorkers();
  const controller = new AbortController();
  // Ctrl-C cancels the job (and kills the inference child) so no partial output is left behind.
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const ctx: CliContext = {
    signal: controller.signal,
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
  };
  runCli(process.argv.slice(2), ctx).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`medsynth: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

main();
