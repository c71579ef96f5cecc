/** Finding and reading the rubric file (SPEC §5.1): YAML or JSON, validated by the one schema. */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { UsageError } from '../errors.js';
import type { RubricInput } from '../rubric/schema.js';
import { validateRubric } from '../rubric/validate.js';

/** Reads and validates a rubric file. (The CLI loads this module, and so YAML and zod, only when there is one.) */
export function readRubricFile(path: string): RubricInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: no such rubric file` : `${path}: cannot read (${code ?? String(error)})`);
  }
  return validateRubric(parseRubricText(text, path), path);
}

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
    throw new UsageError(`${path} line ${where.line} column ${where.col}: ${first.message.split('\n')[0]}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    // yaml throws a ReferenceError for an alias bomb ("Excessive alias count…"): a rubric error, not a crash.
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
}
