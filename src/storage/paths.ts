// Path containment. Every path that comes from a manifest, a message or a setting and must stay in
// a folder goes through resolveInside, so a crafted "../../etc/passwd" or a symlink pointing out of
// the workspace cannot make MedSynth read or write outside the folder the user chose.

import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { MedSynthError } from '../core/errors';

/**
 * Resolves `rel` inside `root`. Throws PATH_ESCAPE when `rel` is absolute (POSIX, Windows drive or
 * UNC form), has a '..' segment (even one that would come back inside: such paths are never needed
 * and are how escapes are written), contains a NUL byte, or resolves through a symlink to a place
 * outside `root`. The returned path is absolute and lexical (symlinks inside `root` are kept).
 */
export function resolveInside(root: string, rel: string): string {
  const escape = (why: string): MedSynthError =>
    new MedSynthError('PATH_ESCAPE', `path ${JSON.stringify(rel)} ${why}`, { file: root, expected: 'a relative path inside this folder' });
  if (rel.includes('\0')) throw escape('contains a NUL byte');
  if (isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.startsWith('\\\\') || rel.startsWith('/')) throw escape('is absolute');
  if (rel.split(/[\\/]/).includes('..')) throw escape("contains '..'");
  const base = resolve(root);
  const target = resolve(base, rel);
  if (!isWithin(base, target)) throw escape('leaves the folder');
  const realBase = realOrSelf(base);
  const realTarget = realOfDeepestExisting(target);
  if (!isWithin(realBase, realTarget)) throw escape('leads out of the folder through a symbolic link');
  return target;
}

/** True when `path` is `folder` or inside it. Both must be absolute and normalized. */
export function isWithin(folder: string, path: string): boolean {
  const r = relative(folder, path);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The real path of `path`, or, when it does not exist yet (an output about to be written), the real
 * path of its deepest existing ancestor joined with the rest.
 */
function realOfDeepestExisting(path: string): string {
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = realpathSync(existing);
      return rest.length === 0 ? real : resolve(real, ...rest.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return path;
      rest.push(existing.slice(parent.length).replace(/^[\\/]+/, ''));
      existing = parent;
    }
  }
}
