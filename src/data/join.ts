/**
 * Join (SPEC §4.5): a deal belongs to the lead whose join key equals one of the deal's keys. Keys
 * are trimmed, emails lower-cased, empty keys never match; a deal naming several leads goes to
 * the first that exists; a lead key seen twice keeps its first lead. A deal that matches no lead
 * is unattributed: it still counts in deal totals and in the `(unattributed)` row of sources.
 */
import type { Deal, Lead } from '../model.js';

export interface Joined {
  /** Per lead index: its deals, in file order. */
  readonly dealsByLead: readonly (readonly Deal[])[];
  readonly unattributed: readonly Deal[];
  readonly attributed: number;
}

const NONE: readonly Deal[] = Object.freeze([]);

export function joinDeals(leads: readonly Lead[], deals: readonly Deal[], leadKeys: (lead: Lead) => readonly string[]): Joined {
  const owner = new Map<string, number>();
  for (const lead of leads) {
    for (const key of leadKeys(lead)) if (!owner.has(key)) owner.set(key, lead.index);
  }
  const byLead: Deal[][] = [];
  const unattributed: Deal[] = [];
  let attributed = 0;
  for (const deal of deals) {
    let match: number | undefined;
    for (const key of deal.keys) {
      match = owner.get(key);
      if (match !== undefined) break;
    }
    if (match === undefined) {
      unattributed.push(deal);
      continue;
    }
    (byLead[match] ??= []).push(deal);
    attributed++;
  }
  const dealsByLead = leads.map((lead) => byLead[lead.index] ?? NONE);
  return { dealsByLead, unattributed, attributed };
}
