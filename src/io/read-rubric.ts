/** Finding and reading the rubric file (SPEC §5.1): YAML or JSON, validated by the one schema. */
import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { UsageError } from '../errors.js';
import { validateRubric } from '../rubric/resolve.js';
import type { RubricInput } from '../rubric/schema.js';

/** Looked for in the working directory when `--rubric` is not given. */
export const DEFAULT_RUBRICS = ['leadaudit.yml', 'leadaudit.yaml', 'leadaudit.json'];

export function findDefaultRubric(cwd: string = process.cwd()): string | undefined {
  return DEFAULT_RUBRICS.map((name) => `${cwd}/${name}`).find((path) => existsSync(path));
}

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
      throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`);
    }
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    const where = first.linePos?.[0];
    throw new UsageError(`${path}${where ? ` line ${where.line} column ${where.col}` : ''}: ${first.message.split('\n')[0]}`);
  }
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}
