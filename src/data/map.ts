/**
 * Mapping (docs/rubric.md, "Columns"): rubric columns → header positions (the column plan of a
 * file), and the join keys a cell holds. The sinks that map each row are lead-sink.ts and deal-sink.ts.
 */
import { UsageError, closest } from '../errors.js';
import type { CsvHeader } from '../io/csv/index.js';

import { conditionFields } from '../rubric/conditions.js';
import { headerKey, type ColumnChoice, type Rubric } from '../rubric/resolve.js';
import { DEAL_FIELDS, LEAD_FIELDS } from '../rubric/fields.js';
import { type DateOrder } from './normalize.js';

export interface MapOptions {
  /** --date-order: wins over the rubric's. */
  readonly dateOrder?: DateOrder;
  readonly asOf: number;
  /** Keep every cell of each lead (score --with-columns). */
  readonly keepCells?: boolean;
  /** Keep rejected rows for --rejects. */
  readonly keepRejects?: boolean;
}

export interface RejectedRow {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  readonly cells: readonly string[];
}

/** What mapping found in one file's header: the column of each field, and what is missing. */
export interface ColumnPlan {
  readonly file: string;
  readonly header: CsvHeader;
  /** Canonical field → header index. */
  readonly fields: Partial<Record<string, number>>;
  /** Preset columns not in the file (unmapped, no error): field → the headers tried. */
  readonly unmapped: readonly { field: string; tried: readonly string[] }[];
  /** Header index of every column a condition or the join reads. */
  readonly slots: readonly number[];
  readonly slotOf: ReadonlyMap<string, number>;
  /** Header index of each stage's date column (leads) or entered-date column (deals); -1 = none. */
  readonly stageColumns: readonly number[];
}

/** Finds a header by the rubric's names: case-, space- and dash-insensitive, first present wins. */
function findHeader(header: CsvHeader, candidates: readonly string[]): number {
  const keys = header.names.map(headerKey);
  const lower = header.names.map((n) => n.toLowerCase());
  for (const candidate of candidates) {
    // As written first: `Lead Source` is not `Lead_Source` when a file has both.
    const exact = lower.indexOf(candidate.trim().toLowerCase());
    if (exact >= 0) return exact;
    const i = keys.indexOf(headerKey(candidate));
    if (i >= 0) return i;
  }
  return -1;
}

function missingColumn(file: string, header: CsvHeader, choice: ColumnChoice, origin: string): UsageError {
  const wanted = choice.candidates.map((c) => `"${c}"`).join(' or ');
  const near = closest(choice.candidates[0]!, header.names, 3);
  const hint = near.length > 0 ? `; closest: ${near.map((n) => `"${n}"`).join(', ')}` : '';
  return new UsageError(`${file}: no column ${wanted} (${origin}: ${choice.path})${hint}`);
}

/**
 * Plans one file: the rubric's columns for this side resolved against the header. A column the
 * user's rubric names that is not in the file is exit 2 naming the closest headers; a preset's is
 * left unmapped and listed by `check`.
 */
export function planColumns(
  side: 'leads' | 'deals',
  file: string,
  header: CsvHeader,
  rubric: Rubric,
  extra: readonly { name: string; path: string }[] = [],
): ColumnPlan {
  const fields: Partial<Record<string, number>> = {};
  const unmapped: { field: string; tried: readonly string[] }[] = [];
  const columns = side === 'leads' ? rubric.leads.columns : rubric.deals.columns;
  const names: readonly string[] = side === 'leads' ? LEAD_FIELDS : DEAL_FIELDS;
  const resolve = (field: string, choice: ColumnChoice | undefined): number => {
    if (choice === undefined) return -1;
    const i = findHeader(header, choice.candidates);
    if (i < 0) {
      if (choice.user) throw missingColumn(file, header, choice, rubric.origin);
      unmapped.push({ field, tried: choice.candidates });
    }
    return i;
  };
  for (const field of names) {
    const i = resolve(field, (columns as Record<string, ColumnChoice | undefined>)[field]);
    if (i >= 0) fields[field] = i;
  }
  const stageColumns =
    side === 'leads'
      ? rubric.stages.map((s) => resolve(`stages.${s.key}.date`, s.date))
      : rubric.deals.stages.map((s) => resolve(`deals.stages.${s.label}.enteredDate`, s.enteredDate));

  // Columns read as raw text: every condition field that is a header, and the join field.
  const slotOf = new Map<string, number>();
  const slots: number[] = [];
  const wants: { name: string; user: boolean; path: string }[] = [];
  for (const site of rubric.conditions) {
    if (site.on !== (side === 'leads' ? 'lead' : 'deal')) continue;
    for (const name of conditionFields(site.when)) wants.push({ name, user: site.user, path: `${site.path}.${name}` });
  }
  wants.push({ name: side === 'leads' ? rubric.join.lead : rubric.join.deal, user: rubric.join.user, path: `join.${side === 'leads' ? 'lead' : 'deal'}` });
  for (const e of extra) wants.push({ ...e, user: true });
  for (const want of wants) {
    if (slotOf.has(want.name)) continue;
    if (isCanonical(side, want.name)) {
      // First and last name are kept as text only when a condition reads them.
      const i = fields[want.name];
      if ((want.name === 'firstName' || want.name === 'lastName') && i !== undefined) {
        slotOf.set(want.name, slots.length);
        slots.push(i);
      }
      continue;
    }
    const i = findHeader(header, [want.name]);
    if (i < 0) {
      if (want.user) {
        const near = closest(want.name, [...header.names, ...names], 3);
        const where = want.path.startsWith('--') ? want.path : `${rubric.origin}: ${want.path}`;
        throw new UsageError(
          `${where}: no field or column "${want.name}" in ${file}${near.length > 0 ? `; closest: ${near.map((n) => `"${n}"`).join(', ')}` : ''}`,
        );
      }
      continue;
    }
    slotOf.set(want.name, slots.length);
    slots.push(i);
  }
  return { file, header, fields, unmapped, slots, slotOf, stageColumns };
}

function isCanonical(side: 'leads' | 'deals', name: string): boolean {
  return side === 'leads' ? name === 'channel' || (LEAD_FIELDS as readonly string[]).includes(name) : (DEAL_FIELDS as readonly string[]).includes(name);
}

/**
 * Splits a join cell into keys: `;` separated, or `,` separated when every part is an id or an
 * email (holds a digit or an `@`) — a name such as `Acme, Inc.` is one key, not `Acme` and `Inc.`
 * (a company joined to an account name would otherwise match every "Inc."). Keys are trimmed,
 * empties dropped, emails lower-cased.
 */
export function joinKeys(text: string): string[] {
  if (text === '') return [];
  let parts = text.includes(';') ? text.split(';') : [text];
  if (text.includes(',')) {
    parts = parts.flatMap((part) => {
      if (!part.includes(',')) return [part];
      const pieces = part.split(',');
      return pieces.every((p) => p.trim() === '' || /[\d@]/.test(p)) ? pieces : [part];
    });
  }
  const keys: string[] = [];
  for (const part of parts) {
    const key = part.trim();
    if (key !== '') keys.push(key.includes('@') ? key.toLowerCase() : key);
  }
  return keys;
}
