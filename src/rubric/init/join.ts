/**
 * The join `init` proposes is measured, not guessed: every candidate pair of key columns, lead
 * side and deal side, is scored by how many deals its keys link.
 */
import { keyHolders, overlapWith, type JoinOverlap } from '../../data/join.js';
import type { InitFile } from './evidence.js';

export interface JoinPair extends JoinOverlap {
  readonly lead: string;
  readonly deal: string;
  /** Leads a matched deal reaches, on average: a handful for a real link, dozens for a coincidence. */
  readonly leadsPerDeal: number;
  /** Both columns hold ids or emails, not names. */
  readonly keyLike: boolean;
}

/**
 * How well each candidate lead column's keys meet each deal column's, measured as the join reads
 * keys (data/join.ts, joinOverlap). In the lead id column a repeated id is a duplicate row,
 * rejected when read, so only its first row holds the key. A lead column with fewer distinct
 * values than a tenth of its filled rows (owners, teams, regions) links nothing and is not offered.
 */
export function joinPairs(leads: InitFile, deals: InitFile, leadIdColumn?: string): JoinPair[] {
  const pairs: JoinPair[] = [];
  const keyLike = (file: InitFile, column: string) => file.profiles.find((p) => p.name === column)?.keyLike ?? false;
  for (const [leadColumn, cells] of leads.keys) {
    const distinct = new Set(cells.filter((c) => c !== ''));
    const filled = cells.filter((c) => c !== '').length;
    if (filled === 0 || distinct.size < filled / 10) continue;
    const seen = new Set<string>();
    const held = keyHolders(leadColumn !== leadIdColumn ? cells : cells.map((c) => (seen.has(c) ? '' : (seen.add(c), c))));
    for (const [dealColumn, dealCells] of deals.keys) {
      const overlap = overlapWith(held, dealCells);
      pairs.push({ ...overlap, lead: leadColumn, deal: dealColumn, leadsPerDeal: overlap.matched === 0 ? 0 : overlap.reached / overlap.matched, keyLike: keyLike(leads, leadColumn) && keyLike(deals, dealColumn) });
    }
  }
  return pairs.sort((a, b) => b.matched - a.matched || a.shared - b.shared);
}

/** Lead and deal columns worth measuring as join keys: ids, emails, and anything naming a link. */
export function keyCandidates(side: 'leads' | 'deals', names: readonly string[], headerless = false): string[] {
  if (headerless) return names.slice(0, 24);
  const link = side === 'leads' ? /id$|^id|email|account|opportunit|deal|convert|contact|company|^vid$|number|_no$/i : /id$|ids$|^id|email|account|contact|lead|person|related|^vid$|number|_no$|name$/i;
  return names.filter((n) => link.test(n.replace(/\s+/g, ''))).slice(0, 10);
}
