/**
 * Files the user writes by hand — a rubric, a spend file — are small, and regular files: a device
 * (`--rubric /dev/zero` never ends) or a pipe is refused, as is a file past its size limit.
 */
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** Refuses `path` unless it is a regular file of at most `limit` bytes (exit 2, naming why). */
export function checkSmallFile(path: string, what: string, limit: number): void {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: no such ${what.replace(/ file$/, '')} file` : `${path}: cannot read the ${what} (${code ?? String(error)})`);
  }
  if (!stat.isFile()) throw new UsageError(`${path}: the ${what} must be a regular file (this is ${stat.isDirectory() ? 'a folder' : 'a device or a pipe'})`);
  if (stat.size > limit) throw new UsageError(`${path}: a ${what} of ${stat.size.toLocaleString('en-US')} bytes; at most ${limit.toLocaleString('en-US')}`);
}

/** The text of a small file (see checkSmallFile). */
export function readSmallFile(path: string, what: string, limit: number): string {
  checkSmallFile(path, what, limit);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${path}: cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
