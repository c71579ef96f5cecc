/**
 * The join of `join.shared: first` (src/data/join.ts) for leads read in chunks: the deals are
 * indexed by key, and each chunk's leads claim the deals whose keys they hold, in file order.
 *
 * A deal goes to the lead of its first key that some lead holds, the first such lead in file
 * order. A claim through the deal's first key is therefore final when it is made; a claim through
 * a later key can still move to a later lead holding an earlier key, so a lead holding such a
 * claim waits for the end of the file (`claim` names them) and reads its deals then.
 */
import { splitKeys } from './columns.js';
import type { Joined, LeadDeals } from './join.js';
import type { DealTable, LeadColumns, LeadTable } from './table.js';

export class DealClaims {
  /** Key → the deal rows naming it, in file order. */
  private readonly byKey = new Map<string, number | number[]>();
  /** Per deal: the lead (its position among the file's leads) it goes to so far, or -1. */
  readonly owner: Int32Array;
  /** Per deal: the position, among the deal's keys, of the key that gave it to its owner. */
  private readonly ownerKey: Uint32Array;
  private readonly manyKeys: Uint8Array;
  /** Per deal: the first and the last lead that matched it, and whether several did (to count shared deals). */
  private readonly firstLead: Int32Array;
  private readonly lastLead: Int32Array;
  private readonly several: Uint8Array;
  private sharedDeals = 0;
  private readonly sharedLeads = new Set<number>();

  constructor(private readonly deals: DealTable) {
    const m = deals.length;
    this.owner = new Int32Array(m).fill(-1);
    this.ownerKey = new Uint32Array(m);
    this.manyKeys = new Uint8Array(m);
    this.firstLead = new Int32Array(m).fill(-1);
    this.lastLead = new Int32Array(m).fill(-1);
    this.several = new Uint8Array(m);
    for (let d = 0; d < m; d++) {
      const keys = splitKeys(deals.c.keys.get(d));
      if (keys.length > 1) this.manyKeys[d] = 1;
      for (const key of keys) {
        const held = this.byKey.get(key);
        if (held === undefined) this.byKey.set(key, d);
        else if (typeof held === 'number') {
          if (held !== d) this.byKey.set(key, [held, d]);
        } else if (held[held.length - 1] !== d) held.push(d);
      }
    }
  }

  /**
   * The leads of one chunk, the file's leads `base`, `base + 1`, …, claim the deals whose keys they
   * hold. Returns the chunk's rows holding a deal that a later lead may still take.
   */
  claim(table: LeadTable, keysOf: (c: LeadColumns, i: number) => readonly string[], base: number): number[] {
    const claimed: number[] = [];
    for (let i = 0; i < table.length; i++) {
      const lead = base + i;
      for (const key of keysOf(table.c, i)) {
        const held = this.byKey.get(key);
        if (held === undefined) continue;
        if (typeof held === 'number') this.match(held, key, lead, claimed);
        else for (const d of held) this.match(d, key, lead, claimed);
      }
    }
    const open = new Set<number>();
    for (const d of claimed) if (this.ownerKey[d] !== 0 && this.owner[d]! >= base) open.add(this.owner[d]! - base);
    return [...open].sort((a, b) => a - b);
  }

  private match(d: number, key: string, lead: number, claimed: number[]): void {
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
    const at = this.manyKeys[d] === 0 ? 0 : splitKeys(this.deals.c.keys.get(d)).indexOf(key);
    if (this.owner[d] === -1 || at < this.ownerKey[d]!) {
      this.owner[d] = lead;
      this.ownerKey[d] = at;
      claimed.push(d);
    }
  }

  /** The deals each lead of a table (row i is the file's lead `lead(i)`) owns now, in file order. */
  dealsOf(table: LeadTable, keysOf: (c: LeadColumns, i: number) => readonly string[], lead: (i: number) => number): LeadDeals {
    const n = table.length;
    const start = new Uint32Array(n + 1);
    const list: number[] = [];
    for (let i = 0; i < n; i++) {
      const from = list.length;
      const mine = lead(i);
      for (const key of keysOf(table.c, i)) {
        const held = this.byKey.get(key);
        if (held === undefined) continue;
        for (const d of typeof held === 'number' ? [held] : held) if (this.owner[d] === mine && !list.includes(d, from)) list.push(d);
      }
      // In file order, as the join of a whole file lists them.
      if (list.length - from > 1) list.splice(from, list.length - from, ...list.slice(from).sort((a, b) => a - b));
      start[i + 1] = list.length;
    }
    return { start, list: Uint32Array.from(list), ways: null };
  }

  /** Deals that matched several leads, and the distinct leads those deals matched. */
  get shared(): Joined['shared'] {
    return { deals: this.sharedDeals, leads: this.sharedLeads.size };
  }
}
