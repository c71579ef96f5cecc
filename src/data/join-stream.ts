/**
 * The join of `join.shared: first` (src/data/join.ts) for leads read in chunks: the deals are
 * indexed by key, and each chunk's leads claim the deals whose keys they hold, in file order.
 *
 * A deal goes to the lead of its first key that some lead holds, the first such lead in file
 * order. A claim through the deal's first key is therefore final when it is made; a claim through
 * a later key can still move to a later lead holding an earlier key, so a lead holding such a
 * claim waits for the end of the file (`claim` names them) and reads its deals then.
 */
import { IdIndex, splitKeys } from './columns.js';
import type { Joined, LeadDeals } from './join.js';
import type { DealTable, LeadColumns, LeadTable } from './table.js';

export class DealClaims {
  /**
   * Key → its number, and per key number the deals naming it, in file order, with the key's position
   * among each deal's keys: deal[start[k]] … deal[start[k + 1] - 1], and `at` alike.
   * Typed arrays and packed keys rather than a Map: the index lives through the whole read of the
   * leads, and a Map of every key is the bulk of the heap then (docs/performance.md).
   */
  private readonly keys = new IdIndex();
  private readonly start: Uint32Array;
  private readonly deal: Uint32Array;
  private readonly at: Uint32Array;
  /** Per deal: the lead (its position among the file's leads) it goes to so far, or -1. */
  readonly owner: Int32Array;
  /** Per deal: the position, among the deal's keys, of the key that gave it to its owner. */
  private readonly ownerKey: Uint32Array;
  /** Per deal: the first and the last lead that matched it, and whether several did (to count shared deals). */
  private readonly firstLead: Int32Array;
  private readonly lastLead: Int32Array;
  private readonly several: Uint8Array;
  private sharedDeals = 0;
  private readonly sharedLeads = new Set<number>();
  /** The matches of the chunk being claimed: lead row, deal, lead row, deal, … */
  private matches: number[] = [];

  constructor(deals: DealTable) {
    const m = deals.length;
    this.owner = new Int32Array(m).fill(-1);
    this.ownerKey = new Uint32Array(m);
    this.firstLead = new Int32Array(m).fill(-1);
    this.lastLead = new Int32Array(m).fill(-1);
    this.several = new Uint8Array(m);
    // Each (key, deal, position) in deal order, then sorted by key with a count (stable: deal order stays).
    const keyOf: number[] = [];
    const dealOf: number[] = [];
    const atOf: number[] = [];
    for (let d = 0; d < m; d++) {
      const keys = splitKeys(deals.c.keys.get(d));
      keys.forEach((key, at) => {
        // A key named twice by one deal counts where it is first named.
        if (keys.indexOf(key) !== at) return;
        let k = this.keys.get(key);
        if (k === undefined) {
          k = this.keys.length;
          this.keys.push(key);
        }
        keyOf.push(k);
        dealOf.push(d);
        atOf.push(at);
      });
    }
    const count = this.keys.length;
    this.start = new Uint32Array(count + 1);
    for (const k of keyOf) this.start[k + 1]!++;
    for (let k = 0; k < count; k++) this.start[k + 1]! += this.start[k]!;
    const fill = this.start.slice(0, count);
    this.deal = new Uint32Array(keyOf.length);
    this.at = new Uint32Array(keyOf.length);
    keyOf.forEach((k, j) => {
      const to = fill[k]!++;
      this.deal[to] = dealOf[j]!;
      this.at[to] = atOf[j]!;
    });
  }

  /**
   * The leads of one chunk, the file's leads `base`, `base + 1`, …, claim the deals whose keys they
   * hold. Returns the chunk's rows holding a deal that a later lead may still take (`open`), and
   * the deals each row owns now (final for the other rows).
   */
  claim(table: LeadTable, keysOf: (c: LeadColumns, i: number) => readonly string[], base: number): { open: number[]; deals: LeadDeals } {
    this.matches = [];
    for (let i = 0; i < table.length; i++) {
      const lead = base + i;
      const keys = keysOf(table.c, i);
      for (let k = 0; k < keys.length; k++) {
        const key = this.keys.get(keys[k]!);
        if (key === undefined) continue;
        for (let j = this.start[key]!; j < this.start[key + 1]!; j++) this.match(this.deal[j]!, this.at[j]!, i, lead);
      }
    }
    const open = new Set<number>();
    const owned: number[] = [];
    const matches = this.matches;
    for (let j = 0; j < matches.length; j += 2) {
      const i = matches[j]!;
      const d = matches[j + 1]!;
      if (this.owner[d] !== base + i) continue;
      if (this.ownerKey[d] !== 0) open.add(i);
      owned.push(i, d);
    }
    this.matches = [];
    return { open: [...open].sort((a, b) => a - b), deals: listed(table.length, owned) };
  }

  private match(d: number, at: number, row: number, lead: number): void {
    if (this.lastLead[d] !== lead) {
      // Another lead matching the deal: it is shared among all the leads that match it.
      if (this.firstLead[d] === -1) this.firstLead[d] = lead;
      else if (this.several[d] === 0) {
        this.several[d] = 1;
        this.sharedDeals++;
        this.sharedLeads.add(this.firstLead[d]!);
        this.sharedLeads.add(lead);
      } else this.sharedLeads.add(lead);
      this.lastLead[d] = lead;
    }
    if (this.owner[d] === -1 || at < this.ownerKey[d]!) {
      this.owner[d] = lead;
      this.ownerKey[d] = at;
    }
    this.matches.push(row, d);
  }

  /** The deals each lead of a table (row i is the file's lead `lead(i)`) owns now, in file order. */
  dealsOf(table: LeadTable, keysOf: (c: LeadColumns, i: number) => readonly string[], lead: (i: number) => number): LeadDeals {
    const owned: number[] = [];
    for (let i = 0; i < table.length; i++) {
      const mine = lead(i);
      for (const text of keysOf(table.c, i)) {
        const key = this.keys.get(text);
        if (key === undefined) continue;
        for (let j = this.start[key]!; j < this.start[key + 1]!; j++) if (this.owner[this.deal[j]!] === mine) owned.push(i, this.deal[j]!);
      }
    }
    return listed(table.length, owned);
  }

  /** Deals that matched several leads, and the distinct leads those deals matched. */
  get shared(): Joined['shared'] {
    return { deals: this.sharedDeals, leads: this.sharedLeads.size };
  }
}

/**
 * Per lead row, its deals in file order, each once, from (row, deal) pairs in row order: the
 * compressed lists classifying reads (a lead's several keys may name a deal twice).
 */
function listed(n: number, pairs: readonly number[]): LeadDeals {
  const start = new Uint32Array(n + 1);
  const list: number[] = [];
  let from = 0;
  for (let j = 0; j < pairs.length; j += 2) {
    const i = pairs[j]!;
    const d = pairs[j + 1]!;
    if (j > 0 && pairs[j - 2] !== i) from = list.length;
    if (!list.includes(d, from)) list.push(d);
    start[i + 1] = list.length;
  }
  // Rows without deals end where the row before them does; several deals of a row go in file order.
  for (let i = 1; i <= n; i++) if (start[i]! < start[i - 1]!) start[i] = start[i - 1]!;
  for (let i = 0; i < n; i++) if (start[i + 1]! - start[i]! > 1) list.splice(start[i]!, start[i + 1]! - start[i]!, ...list.slice(start[i], start[i + 1]).sort((a, b) => a - b));
  return { start, list: Uint32Array.from(list), ways: null };
}
