/** Writing several files into a folder that may not exist yet, all or nothing (README, "Output files"). */
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Pieces } from '../render/types.js';
import { describeCode, replaceFiles } from './replace.js';

/**
 * Writes files into a folder (--out-dir, demo DIR), making it and its missing parents first, one
 * at a time: Node 20's recursive mkdir never returns on some paths (`/proc/x`). When the files
 * cannot be written, the folders made for them are removed again: a failed run leaves nothing.
 */
export async function writeIntoFolder(dir: string, role: string, files: readonly { path: string; pieces: () => Pieces }[]): Promise<void> {
  const made: string[] = [];
  try {
    const missing: string[] = [];
    for (let at = resolve(dir); statSync(at, { throwIfNoEntry: false }) === undefined; at = dirname(at)) {
      missing.push(at);
      if (dirname(at) === at) break;
    }
    for (const folder of missing.reverse()) {
      mkdirSync(folder);
      made.push(folder);
    }
  } catch (error) {
    throw new UsageError(`${role} ${dir}: cannot make the folder (${describeCode((error as NodeJS.ErrnoException).code ?? String(error))})`);
  }
  try {
    await replaceFiles(files);
  } catch (error) {
    for (const folder of made.reverse()) {
      try {
        rmdirSync(folder);
      } catch {
        // A folder someone filled meanwhile stays (rmdir refuses it); the write's own error is what to report.
      }
    }
    throw error;
  }
}
