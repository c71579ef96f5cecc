/** Reading the rubric file (README, "The rubric"): YAML or JSON, validated by the one schema. */
import { LineCounter, parseDocument } from 'yaml';
import { UsageError } from '../errors.js';
import { readSmallFile } from './small-file.js';
import type { RubricInput } from '../rubric/schema.js';
import { validateRubric } from '../rubric/validate.js';

/**
 * Reads and validates a rubric file; messages name it `shown` (a found rubric relative to the
 * working folder). The CLI loads this module, and so YAML and zod, only when there is one.
 */
export function readRubricFile(path: string, shown = path): RubricInput {
  return validateRubric(parseRubricText(readSmallFile(path, 'rubric', MAX_RUBRIC_BYTES), shown), shown);
}

/** The biggest rubric file read: a hand-written rubric is a few KB; /dev/zero is endless. */
export const MAX_RUBRIC_BYTES = 2 * 1024 * 1024;
/** Parses YAML (or JSON, by extension) into plain data; syntax errors name the line and column. */
export function parseRubricText(text: string, path: string): unknown {
  if (path.endsWith('.json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      // Node 20 names only the offset ("at position 14"); turn it into a line and column.
      const message = (error as Error).message;
      const offset = /at position (\d+)/.exec(message)?.[1];
      const before = offset === undefined ? undefined : text.slice(0, Number(offset)).split(/\r\n|\r|\n/);
      const where = before ? ` line ${before.length} column ${before[before.length - 1]!.length + 1}` : '';
      throw new UsageError(`${path}${where}: not valid JSON (${message})`);
    }
  }
  // linePos is only filled in with prettyErrors, which also rewrites the message; count lines ourselves.
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  const [first] = doc.errors;
  if (first) {
    const where = lines.linePos(first.pos[0]);
    // The YAML parser recurses per level of nesting; a stack overflow there means nesting, not a bug.
    const message = /Maximum call stack/.test(first.message) ? `nested more than the parser can follow (a rubric needs a few levels)` : first.message.split('\n')[0];
    throw new UsageError(`${path} line ${where.line} column ${where.col}: ${message}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    // yaml throws a ReferenceError for an alias bomb ("Excessive alias count…"): a rubric error, not a crash.
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
}
