/**
 * What `init` decides from: an export as it was read (src/rubric/init/read.ts), the columns
 * recognition found in it (src/rubric/recognize.ts), and a decision with the evidence the rubric
 * prints beside it.
 */
import type { ColumnProfile } from '../../data/profile.js';
import type { DealField, LeadField } from '../fields.js';
import type { Recognized } from '../recognize.js';
import type { ColumnRef } from '../schema.js';

/** An export as `init` read it: each column's profile, and the cells of the columns that may be join keys. */
export interface InitFile {
  readonly file: string;
  readonly profiles: readonly ColumnProfile[];
  /** Join-key candidates by column: each row's cell, trimmed ('' when empty or a missing-value token). */
  readonly keys: ReadonlyMap<string, readonly string[]>;
  /** Set when only this many first rows' keys were kept. */
  readonly keysCapped?: number;
  /** The file has no header row: these are the names init gave its columns (written as `header`). */
  readonly headerless?: { readonly names: readonly string[]; readonly why: string };
  /** Quotes escaped with a backslash (MySQL's INTO OUTFILE): written as `escape: backslash`. */
  readonly backslash?: boolean;
  /** A deal stage column and a probability column, row by row, to order stages by probability. */
  readonly stageProbability?: { readonly stage: string; readonly probability: string; readonly rows: readonly (readonly [string, number])[] };
}

/** A decision and its evidence, written as a comment beside it. */
export interface Choice<T> {
  readonly value: T;
  readonly why: string;
}

/** The column recognition chose for each field, and each file's column profiles by header. */
export interface Plan {
  leads?: Record<LeadField, Recognized>;
  deals?: Record<DealField, Recognized>;
  leadProfile: (name: string | undefined) => ColumnProfile | undefined;
  dealProfile: (name: string | undefined) => ColumnProfile | undefined;
}

/** A file's column profile by its header (undefined for no file, no name, or no such column). */
export function profileLookup(file: InitFile | undefined) {
  const byName = new Map((file?.profiles ?? []).map((p) => [p.name, p]));
  return (name: string | undefined) => (name === undefined ? undefined : byName.get(name));
}

/** A preset's column names by field, for recognition to try first. */
export function preferred<F extends string>(columns: Partial<Record<F, ColumnRef>> | undefined): Partial<Record<F, readonly string[]>> {
  const out: Partial<Record<F, readonly string[]>> = {};
  for (const [field, ref] of Object.entries(columns ?? {}) as [F, ColumnRef][]) out[field] = refsOf(ref);
  return out;
}

/** Values of a column with their counts, most common first. */
export function valuesOf(profile: ColumnProfile | undefined): readonly (readonly [string, number])[] {
  return profile?.values ?? [];
}

/** A header that would read as rubric syntax as a condition's key (`all`, `any`, `not`): never used as one. */
export function usableAsKey(header: string): boolean {
  return !['all', 'any', 'not'].includes(header.trim().toLowerCase());
}

/** A column reference (one name, several, or null) as a list of names. */
export const refsOf = (ref: ColumnRef | undefined): string[] => (ref === undefined || ref === null ? [] : typeof ref === 'string' ? [ref] : ref);

/** Values (stage names, sources) compared loosely: `PAID_SEARCH` is `Paid Search`. Headers use headerKey. */
export const canon = (value: string) => value.toLowerCase().replace(/[\s_\-–.]+/g, '');
