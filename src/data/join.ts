/**
 * Join (docs: README "What the numbers mean" → Join): a deal belongs to the lead whose join key
 * equals one of the deal's keys. Keys are trimmed, emails lower-cased, `;`/`,` separate several
 * keys in one cell, and empty keys never match (joinKeys). A deal that matches no lead is
 * unattributed: it still counts in deal totals and in the `(unattributed)` row of sources.
 *
 * A deal can match several leads: several leads hold its key (Salesforce leads converted into one
 * account all carry its ConvertedAccountId), or its cell names keys of different leads. The
 * rubric's `join.shared` says what then happens:
 * - `first` (the default): the deal goes to the first of them — the lead of the deal's first key
 *   that matches, and among leads holding that key, the first in file order.
 * - `all`: the deal goes to every one of them, split evenly: each is credited 1/N of the deal
 *   (its amount, and its count as a won deal), so a sum over leads still counts each deal once.
 * Either way the deals that matched several leads are counted (`Joined.shared`), so a run can say so.
 */
import { joinKeys } from './map.js';
import { type DealTable, type LeadColumns, type LeadTable } from './table.js';
import { splitKeys } from './columns.js';

/** What a deal matching several leads does (rubric `join.shared`, its schema in src/rubric/schema.ts). */
export type SharedMode = 'first' | 'all';

export interface Joined {
  /**
   * Per deal row: the first lead row it matched, or -1. Under `first` it is the one lead the deal
   * is credited to; under `all`, the first of the leads it is split among.
   */
  readonly leadOf: Int32Array;
  /**
   * Deals credited to each lead row, compressed: lead i's deals are list[start[i]] … list[start[i + 1] - 1],
   * in file order. Under `all` a shared deal is listed under each of its leads.
   */
  readonly start: Uint32Array;
  readonly list: Uint32Array;
  /** Deal rows that match no lead, in file order. */
  readonly unattributed: Uint32Array;
  /**
   * Per deal row, among how many leads it is split (0 when unattributed): what each of them is
   * credited is 1 / ways of the deal. Null under `first`, where every attributed deal has one lead.
   */
  readonly ways: Uint32Array | null;
  /** Deals whose keys matched more than one lead, and how many distinct leads those deals matched. */
  readonly shared: { readonly deals: number; readonly leads: number };
}

/** The deals credited to each lead row (what classifying reads of a join). */
export type LeadDeals = Pick<Joined, 'start' | 'list' | 'ways'>;

/** A key → lead row lookup: a Map, or the lead ids' own index (IdIndex). */
export interface KeyIndex {
  get(key: string): number | undefined;
}

export interface JoinOptions {
  /** What a deal matching several leads does; `first` when not given. */
  readonly shared?: SharedMode;
  /**
   * A ready key → lead row lookup, when the lead side's keys are its plain ids (the lead sink built
   * it while checking ids for duplicates, so each key has one lead); else it is built from `leadKeys`.
   */
  readonly index?: KeyIndex;
  /**
   * Under `all`, the lead rows a deal may be split among (those --since/--until keeps): a deal is
   * split among its kept leads; one whose leads are all left out goes to all of them, and is left
   * out with them. Under `first` it is not read: the deal goes to its first lead, kept or not.
   */
  readonly keep?: (lead: number) => boolean;
}

/** Lead rows by key: the first lead holding each key, and the further ones of keys that several leads hold. */
interface LeadIndex {
  readonly first: KeyIndex;
  /** Key → the leads after the first holding it, in file order; null when no key is held twice. */
  readonly more: Map<string, number[]> | null;
}

function indexLeads(leads: LeadTable, leadKeys: (c: LeadColumns, i: number) => readonly string[]): LeadIndex {
  const first = new Map<string, number>();
  let more: Map<string, number[]> | null = null;
  for (let i = 0; i < leads.length; i++) {
    for (const key of leadKeys(leads.c, i)) {
      const held = first.get(key);
      if (held === undefined) {
        first.set(key, i);
        continue;
      }
      // A lead listing one key twice is still one lead.
      if (held === i) continue;
      more ??= new Map();
      const rest = more.get(key);
      if (rest === undefined) more.set(key, [i]);
      else if (rest[rest.length - 1] !== i) rest.push(i);
    }
  }
  return { first, more };
}

/**
 * Joins deals to leads (see the top of this file). Under `first`, the default, a deal costs what it
 * did before shared keys were counted: its key list and one lookup per key until one matches —
 * a deal looks further only when it has several keys or its key is held by several leads.
 */
export function joinDeals(
  leads: LeadTable,
  deals: DealTable | null,
  leadKeys: (c: LeadColumns, i: number) => readonly string[],
  options: JoinOptions = {},
): Joined {
  const n = leads.length;
  const m = deals?.length ?? 0;
  const index: LeadIndex = deals === null ? { first: new Map(), more: null } : options.index ? { first: options.index, more: null } : indexLeads(leads, leadKeys);
  if (options.shared === 'all') return joinAll(n, deals, index, options.keep);
  const { first: owner, more } = index;
  const leadOf = new Int32Array(m).fill(-1);
  const count = new Uint32Array(n + 1);
  const marks = new SharedMarks(n, index);
  let unattributed = 0;
  for (let d = 0; d < m; d++) {
    const keys = splitKeys(deals!.c.keys.get(d));
    let match = -1;
    for (let k = 0; k < keys.length; k++) {
      const lead = owner.get(keys[k]!);
      if (lead === undefined) continue;
      if (match === -1) match = lead;
      if (lead !== match || (more !== null && more.has(keys[k]!))) {
        marks.mark(keys);
        break;
      }
    }
    leadOf[d] = match;
    if (match === -1) unattributed++;
    else count[match + 1]!++;
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
  return { leadOf, start, list, unattributed: orphans, ways: null, shared: marks.counts() };
}

/** Counts the deals that matched several leads, and the distinct leads they matched (the marks are allocated at the first such deal). */
class SharedMarks {
  private deals = 0;
  private leads = 0;
  private marked: Uint8Array | null = null;
  constructor(
    private readonly n: number,
    private readonly index: LeadIndex,
  ) {}

  /** One more shared deal, with its keys. */
  mark(keys: readonly string[]): void {
    this.deals++;
    const marked = (this.marked ??= new Uint8Array(this.n));
    for (const key of keys) {
      const lead = this.index.first.get(key);
      if (lead === undefined) continue;
      if (marked[lead] === 0) {
        marked[lead] = 1;
        this.leads++;
      }
      for (const other of this.index.more?.get(key) ?? []) {
        if (marked[other] === 0) {
          marked[other] = 1;
          this.leads++;
        }
      }
    }
  }

  counts(): { deals: number; leads: number } {
    return { deals: this.deals, leads: this.leads };
  }
}

/** `shared: all`: each deal goes to every distinct lead its keys match (see joinDeals). */
function joinAll(n: number, deals: DealTable | null, index: LeadIndex, keep: ((lead: number) => boolean) | undefined): Joined {
  const m = deals?.length ?? 0;
  const { first: owner, more } = index;
  const leadOf = new Int32Array(m).fill(-1);
  const ways = new Uint32Array(m);
  const count = new Uint32Array(n + 1);
  const marks = new SharedMarks(n, index);
  // Per lead, the last deal (+ 1) that listed it: a lead is listed once per deal however many of its keys match.
  const seen = new Uint32Array(n);
  // The leads each deal is credited to, deal after deal: deal d's are credit[creditEnd[d - 1]] … credit[creditEnd[d] - 1].
  const credit: number[] = [];
  const creditEnd = new Uint32Array(m);
  let unattributed = 0;
  for (let d = 0; d < m; d++) {
    const keys = splitKeys(deals!.c.keys.get(d));
    const from = credit.length;
    for (const key of keys) {
      const lead = owner.get(key);
      if (lead === undefined) continue;
      const rest = more?.get(key);
      for (let r = -1; r < (rest?.length ?? 0); r++) {
        const holder = r < 0 ? lead : rest![r]!;
        if (seen[holder] === d + 1) continue;
        seen[holder] = d + 1;
        credit.push(holder);
      }
    }
    const matched = credit.length - from;
    if (matched > 1) marks.mark(keys);
    if (keep !== undefined && matched > 1) {
      // Split among the kept leads only, unless none is kept (then the deal leaves with them all).
      let kept = from;
      for (let j = from; j < credit.length; j++) if (keep(credit[j]!)) credit[kept++] = credit[j]!;
      if (kept > from) credit.length = kept;
    }
    creditEnd[d] = credit.length;
    ways[d] = credit.length - from;
    if (matched === 0) unattributed++;
    else leadOf[d] = credit[from]!;
    for (let j = from; j < credit.length; j++) count[credit[j]! + 1]!++;
  }
  const start = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + count[i + 1]!;
  const fill = start.slice(0, n);
  const list = new Uint32Array(credit.length);
  const orphans = new Uint32Array(unattributed);
  let o = 0;
  for (let d = 0; d < m; d++) {
    if (ways[d] === 0) orphans[o++] = d;
    for (let j = d === 0 ? 0 : creditEnd[d - 1]!; j < creditEnd[d]!; j++) list[fill[credit[j]!]!++] = d;
  }
  return { leadOf, start, list, unattributed: orphans, ways, shared: marks.counts() };
}

/** How well one lead column and one deal column join (see joinOverlap). */
export interface JoinOverlap {
  /** Deal values given (one per deal, empty ones included). */
  readonly deals: number;
  /** Deals with at least one key. */
  readonly keyed: number;
  /** Deals at least one of whose keys some lead holds. */
  readonly matched: number;
  /** Of those, deals whose keys several leads hold (what `join.shared` decides). */
  readonly shared: number;
  /** Of those, deals with one key that several leads hold (an account's buying committee). */
  readonly sharedKey: number;
  /** Leads the matched deals reach, summed: a handful a deal for a real link, dozens for a coincidence. */
  readonly reached: number;
  /** Lead values given. */
  readonly leads: number;
  /** Distinct leads holding a key of some deal. */
  readonly leadsMatched: number;
}

/**
 * How a candidate join pair overlaps: one lead column's values (one per lead) against one deal
 * column's values (one per deal), keys read as the join reads them (joinKeys: `;`/`,` split,
 * trimmed, emails lower-cased, empties dropped). The match rate is matched / deals. Pure, so
 * `init` can run it on sampled or full columns to choose the pair that joins best.
 */
export function joinOverlap(leadKeys: Iterable<string>, dealKeys: Iterable<string>): JoinOverlap {
  return overlapWith(keyHolders(leadKeys), dealKeys);
}

/** Which leads hold each key: one lead column read once, to meet several deal columns. */
export interface KeyHolders {
  /** Key → the lead holding it, or the leads (in order) when several do. */
  readonly holders: ReadonlyMap<string, number | readonly number[]>;
  readonly leads: number;
}

export function keyHolders(leadKeys: Iterable<string>): KeyHolders {
  const holders = new Map<string, number | number[]>();
  let leads = 0;
  for (const cell of leadKeys) {
    const lead = leads++;
    for (const key of joinKeys(cell.trim())) {
      const held = holders.get(key);
      if (held === undefined) holders.set(key, lead);
      else if (typeof held === 'number') {
        if (held !== lead) holders.set(key, [held, lead]);
      } else if (held[held.length - 1] !== lead) held.push(lead);
    }
  }
  return { holders, leads };
}

/** joinOverlap against leads whose keys are already gathered. */
export function overlapWith({ holders, leads }: KeyHolders, dealKeys: Iterable<string>): JoinOverlap {
  const matchedLead = new Uint8Array(leads);
  // Per lead, the last deal (+ 1) that found it: each deal counts its distinct leads.
  const seen = new Uint32Array(leads);
  let deals = 0;
  let keyed = 0;
  let matched = 0;
  let shared = 0;
  let sharedKey = 0;
  let reached = 0;
  let leadsMatched = 0;
  let stamp = 0;
  let found = 0;
  const reach = (lead: number): void => {
    if (seen[lead] === stamp) return;
    seen[lead] = stamp;
    found++;
    if (matchedLead[lead] === 0) {
      matchedLead[lead] = 1;
      leadsMatched++;
    }
  };
  for (const cell of dealKeys) {
    stamp = ++deals;
    found = 0;
    let byOneKey = false;
    const keys = joinKeys(cell.trim());
    if (keys.length > 0) keyed++;
    for (const key of keys) {
      const held = holders.get(key);
      if (held === undefined) continue;
      if (typeof held === 'number') reach(held);
      else {
        byOneKey = true;
        for (const lead of held) reach(lead);
      }
    }
    if (found > 0) matched++;
    if (found > 1) shared++;
    if (byOneKey) sharedKey++;
    reached += found;
  }
  return { deals, keyed, matched, shared, sharedKey, reached, leads, leadsMatched };
}

/**
 * For one lead row: every deal whose keys match it, each with every lead row its keys match (in
 * file order) — what `explain` shows of a shared deal. One pass over deals and one over leads: for
 * one lead at a time, not for every lead of a run.
 */
export function dealsMatchingLead(
  leads: LeadTable,
  deals: DealTable,
  leadKeys: (c: LeadColumns, i: number) => readonly string[],
  row: number,
): { readonly deal: number; readonly leads: readonly number[] }[] {
  const mine = new Set(leadKeys(leads.c, row));
  if (mine.size === 0) return [];
  const found: { deal: number; leads: number[] }[] = [];
  // Key → the found deals naming it.
  const named = new Map<string, number[]>();
  for (let d = 0; d < deals.length; d++) {
    const keys = splitKeys(deals.c.keys.get(d));
    if (!keys.some((k) => mine.has(k))) continue;
    for (const key of keys) {
      const list = named.get(key);
      if (list === undefined) named.set(key, [found.length]);
      else if (list[list.length - 1] !== found.length) list.push(found.length);
    }
    found.push({ deal: d, leads: [] });
  }
  if (found.length === 0) return [];
  for (let i = 0; i < leads.length; i++) {
    for (const key of leadKeys(leads.c, i)) {
      for (const f of named.get(key) ?? []) {
        const holders = found[f]!.leads;
        if (holders[holders.length - 1] !== i) holders.push(i);
      }
    }
  }
  return found;
}
