/**
 * Join (SPEC §4.5): a deal belongs to the lead whose join key equals one of the deal's keys. Keys
 * are trimmed, emails lower-cased, empty keys never match; a deal naming several leads goes to
 * the first that exists; a lead key seen twice keeps its first lead. A deal that matches no lead
 * is unattributed: it still counts in deal totals and in the `(unattributed)` row of sources.
 */
import { splitKeys, type DealTable, type LeadColumns, type LeadTable } from './table.js';

export interface Joined {
  /** Per deal row: the lead row it belongs to, or -1. */
  readonly leadOf: Int32Array;
  /** Deals per lead row, compressed: lead i's deals are list[start[i]] … list[start[i + 1] - 1], in file order. */
  readonly start: Uint32Array;
  readonly list: Uint32Array;
  /** Deal rows that match no lead, in file order. */
  readonly unattributed: Uint32Array;
}

/** A key → lead row lookup: a Map, or the lead ids' own index (IdIndex). */
export interface KeyIndex {
  get(key: string): number | undefined;
}

/**
 * `index`: a ready key → lead row lookup, when the lead side's keys are its plain ids (the lead sink
 * built it while checking ids for duplicates); else it is built from `leadKeys`.
 */
export function joinDeals(
  leads: LeadTable,
  deals: DealTable | null,
  leadKeys: (c: LeadColumns, i: number) => readonly string[],
  index?: KeyIndex,
): Joined {
  const n = leads.length;
  const m = deals?.length ?? 0;
  let owner: KeyIndex = index ?? new Map<string, number>();
  if (deals !== null && index === undefined) {
    const built = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      for (const key of leadKeys(leads.c, i)) if (!built.has(key)) built.set(key, i);
    }
    owner = built;
  }
  const leadOf = new Int32Array(m).fill(-1);
  const count = new Uint32Array(n + 1);
  let unattributed = 0;
  for (let d = 0; d < m; d++) {
    for (const key of splitKeys(deals!.c.keys.get(d))) {
      const match = owner.get(key);
      if (match !== undefined) {
        leadOf[d] = match;
        break;
      }
    }
    if (leadOf[d] === -1) unattributed++;
    else count[leadOf[d]! + 1]!++;
  }
  const start = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + count[i + 1]!;
  const fill = start.slice(0, n);
  const list = new Uint32Array(m - unattributed);
  const orphans = new Uint32Array(unattributed);
  let o = 0;
  for (let d = 0; d < m; d++) {
    const lead = leadOf[d]!;
    if (lead < 0) orphans[o++] = d;
    else list[fill[lead]!++] = d;
  }
  return { leadOf, start, list, unattributed: orphans };
}
