// Output paths named on the command line are checked before any work starts: a command that would
// fail to write (no such folder, a file where a folder should be) says so at once, and a command never
// creates folders the user did not name. Only the last level of `fit --out` is created, by the writer.
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MedSynthError } from '../core/errors';

/** Throws BAD_USAGE unless the folder that will hold `path` exists and is a folder. */
export async function checkOutputParent(command: string, flag: string, path: string): Promise<void> {
  const parent = dirname(resolve(path));
  const info = await stat(parent).catch(() => undefined);
  if (!info)
    throw new MedSynthError(
      'BAD_USAGE',
      `${command}: the folder ${parent} for ${flag} does not exist; create it first (MedSynth creates no folders you did not name)`,
    );
  if (!info.isDirectory()) throw new MedSynthError('BAD_USAGE', `${command}: ${parent} for ${flag} is not a folder`);
}
