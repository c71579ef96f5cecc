/** What holds a person's email or name, and how --redact shows it. */
import { createRequire } from 'node:module';
import type { ColumnPlan } from './map.js';

/** node:crypto, loaded by the first --redact: a run without it does not pay for loading it. */
let nodeCrypto: typeof import('node:crypto') | undefined;

/**
 * A lead's email or name as a report may show it: as is, or with --redact a stable short hash
 * (the first 10 hex digits of its SHA-256, of the trimmed lower-cased text), so the same person
 * is the same token in every report and run, and can still be joined across them.
 */
export function personal(run: { readonly redact: boolean }, value: string): string {
  return run.redact ? redacted(value) : value;
}

/** The --redact token of a person's email or name (empty stays empty). */
export function redacted(value: string): string {
  if (value === '') return value;
  nodeCrypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return `anon-${nodeCrypto.createHash('sha256').update(value.trim().toLowerCase()).digest('hex').slice(0, 10)}`;
}

/** The fields that hold a person's email or name: hashed with --redact wherever they show. */
export const PERSONAL_FIELDS = ['email', 'name', 'firstName', 'lastName'] as const;

/** The headers of a file that hold emails and names (as mapped), for --redact. */
export function personalHeaders(plan: ColumnPlan): string[] {
  return PERSONAL_FIELDS.flatMap((f) => (plan.fields[f] === undefined ? [] : [plan.header.names[plan.fields[f]!]!]));
}
