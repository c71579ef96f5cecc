/**
 * The JSON Schema `leadaudit schema --output` prints, compiled by ajv: a validator that is not zod,
 * so a document passes because it has the printed shape, not because zod agrees with itself.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';

const root = resolve(import.meta.dirname, '..', '..');

let compiled: ValidateFunction | undefined;

export function printedOutputSchema(): unknown {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'leadaudit.js'), 'schema', '--output'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`schema --output exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

/** The validator of `schema --output`, made once per test file. */
export function outputValidator(): ValidateFunction {
  if (compiled === undefined) {
    // strict: the schema must use no keyword ajv does not know (a typo would validate nothing).
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    compiled = ajv.compile(printedOutputSchema() as object);
  }
  return compiled!;
}

/** The validation errors of a document, as lines (empty when it is valid). */
export function outputErrors(doc: unknown): string[] {
  const validate = outputValidator();
  if (validate(doc)) return [];
  return (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
