/**
 * Rules of the join (README "What the numbers mean" → Join, and the top of src/data/join.ts), each
 * stated by a test that a mutation of src/data/join.ts would break (docs/testing.md "Mutation
 * testing"). The broader behaviour, and the seeded end-to-end checks, are in join.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dealsMatchingLead, joinDeals, joinOverlap, keyHolders, overlapWith, type JoinOptions, type Joined, type KeyIndex } from '../src/data/join.js';
import { joinKeys } from '../src/data/map.js';
import type { DealTable, LeadTable } from '../src/data/table.js';

/**
 * The join reads only the leads' count (keys come from `leadKeys`) and the deals' stored keys
 * (`a;b`, as the deal sink stores them): tables of just that, built in this one place.
 */
function tables(leadCells: readonly string[], dealCells: readonly string[]) {
  const leads = { length: leadCells.length, c: {} } as unknown as LeadTable;
  const stored = dealCells.map((cell) => joinKeys(cell).join(';'));
  const deals = { length: dealCells.length, c: { keys: { get: (d: number) => stored[d]! } } } as unknown as DealTable;
  return { leads, deals, leadKeys: (_c: unknown, i: number) => joinKeys(leadCells[i]!) };
}

function joinCells(leadCells: readonly string[], dealCells: readonly string[], options: JoinOptions = {}): Joined {
  const { leads, deals, leadKeys } = tables(leadCells, dealCells);
  return joinDeals(leads, deals, leadKeys, options);
}

/** Per lead, the deals it is credited to. */
function dealsByLead(joined: Joined, leads: number): number[][] {
  return Array.from({ length: leads }, (_, i) => Array.from(joined.list.subarray(joined.start[i]!, joined.start[i + 1]!)));
}

describe('joinDeals', () => {
  it('without a deals file, no lead has a deal and nothing is unattributed or shared', () => {
    const { leads, leadKeys } = tables(['A', 'B'], []);
    for (const shared of ['first', 'all'] as const) {
      const joined = joinDeals(leads, null, leadKeys, { shared });
      expect(Array.from(joined.start)).toEqual([0, 0, 0]);
      expect(joined.list.length).toBe(0);
      expect(joined.unattributed.length).toBe(0);
      expect(joined.shared).toEqual({ deals: 0, leads: 0 });
    }
  });

  it('a ready key index is used as given: a key it does not hold matches no lead', () => {
    // The lead cells say A and B, the index knows only B (at lead 0): the join asks the index.
    const index: KeyIndex = new Map([['B', 0]]);
    const joined = joinCells(['A', 'B'], ['A', 'B'], { index });
    expect(Array.from(joined.leadOf)).toEqual([-1, 0]);
    expect(dealsByLead(joined, 2)).toEqual([[1], []]);
    expect(Array.from(joined.unattributed)).toEqual([0]);
  });

  it('a lead\'s deals are listed in file order, and every lead\'s list starts where the one before ends', () => {
    const joined = joinCells(['A', 'B', 'C'], ['C', 'A', 'C', 'B', 'A', 'X']);
    expect(dealsByLead(joined, 3)).toEqual([[1, 4], [3], [0, 2]]);
    expect(Array.from(joined.start)).toEqual([0, 2, 3, 5]);
    expect(Array.from(joined.unattributed)).toEqual([5]);
  });

  it('first: a deal whose first key matches one lead and whose later key matches another is shared, and goes to the first', () => {
    const joined = joinCells(['A', 'B'], ['A;B', 'B;A', 'A;A']);
    expect(Array.from(joined.leadOf)).toEqual([0, 1, 0]);
    expect(joined.shared).toEqual({ deals: 2, leads: 2 });
  });

  it('the shared count names each lead once, however many shared deals reach it', () => {
    const joined = joinCells(['A', 'A', 'B', 'B', 'B'], ['A', 'A', 'B', 'B;A']);
    expect(joined.shared).toEqual({ deals: 4, leads: 5 });
    expect(joinCells(['A', 'A', 'B', 'B', 'B'], ['A', 'A', 'B', 'B;A'], { shared: 'all' }).shared).toEqual({ deals: 4, leads: 5 });
  });

  it('all: a deal is listed under each of its leads once, with leadOf the first of them', () => {
    const joined = joinCells(['A;B', 'B', 'A'], ['B;A', 'A'], { shared: 'all' });
    expect(dealsByLead(joined, 3)).toEqual([[0, 1], [0], [0, 1]]);
    expect(Array.from(joined.ways!)).toEqual([3, 2]);
    expect(Array.from(joined.leadOf)).toEqual([0, 0]);
  });

  it('all, with leads left out: a deal of one lead is not split, even if that lead is left out', () => {
    const joined = joinCells(['A', 'B'], ['A', 'B'], { shared: 'all', keep: (lead) => lead === 1 });
    expect(dealsByLead(joined, 2)).toEqual([[0], [1]]);
    expect(Array.from(joined.ways!)).toEqual([1, 1]);
  });

  it('property: every attributed deal is listed exactly as often as it has ways, and list and unattributed hold every deal', () => {
    const cells = (keys: string[]) => fc.array(fc.array(fc.constantFrom(...keys), { maxLength: 3 }).map((k) => k.join(';')), { maxLength: 15 });
    fc.assert(
      fc.property(cells(['a', 'b', 'c', 'd']), cells(['a', 'b', 'c', 'd', 'e']), fc.func(fc.boolean()), (leadCells, dealCells, keepIt) => {
        const keep = (lead: number) => keepIt(lead);
        const joined = joinCells(leadCells, dealCells, { shared: 'all', keep });
        const listed = new Array<number>(dealCells.length).fill(0);
        for (const d of joined.list) listed[d]!++;
        dealCells.forEach((_, d) => expect(listed[d]).toBe(joined.ways![d]));
        const unattributed = Array.from(joined.unattributed);
        dealCells.forEach((_, d) => expect(unattributed.includes(d)).toBe(joined.ways![d] === 0));
        expect(joined.start[leadCells.length]).toBe(joined.list.length);
      }),
    );
  });
});

describe('dealsMatchingLead', () => {
  const leads = ['A', 'A;B', 'C', '', 'B'];
  const deals = ['A', 'B;C', 'X', 'C', 'A;A'];
  const matching = (row: number) => {
    const { leads: l, deals: d, leadKeys } = tables(leads, deals);
    return dealsMatchingLead(l, d, leadKeys, row);
  };

  it('lists every deal one of whose keys the lead holds, each with every lead its keys match, in file order', () => {
    expect(matching(1)).toEqual([
      { deal: 0, leads: [0, 1] },
      { deal: 1, leads: [1, 2, 4] },
      { deal: 4, leads: [0, 1] },
    ]);
    expect(matching(2)).toEqual([
      { deal: 1, leads: [1, 2, 4] },
      { deal: 3, leads: [2] },
    ]);
  });

  it('a lead without keys, or whose keys no deal names, has no deals', () => {
    expect(matching(3)).toEqual([]);
    const { leads: l, deals: d, leadKeys } = tables(['Z', 'A'], ['A']);
    expect(dealsMatchingLead(l, d, leadKeys, 0)).toEqual([]);
  });

  it('property: a deal is listed for a lead exactly when it shares a key, and each lead listed holds one of its keys', () => {
    const cells = fc.array(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 2 }).map((k) => k.join(';')), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(cells, cells, fc.nat(), (leadCells, dealCells, pick) => {
        const row = pick % leadCells.length;
        const { leads: l, deals: d, leadKeys } = tables(leadCells, dealCells);
        const found = dealsMatchingLead(l, d, leadKeys, row);
        const mine = joinKeys(leadCells[row]!);
        const expected = dealCells.flatMap((cell, deal) => (joinKeys(cell).some((k) => mine.includes(k)) ? [deal] : []));
        expect(found.map((f) => f.deal)).toEqual(expected);
        for (const f of found) {
          const keys = joinKeys(dealCells[f.deal]!);
          const holders = leadCells.flatMap((cell, i) => (joinKeys(cell).some((k) => keys.includes(k)) ? [i] : []));
          expect(f.leads).toEqual(holders);
        }
      }),
    );
  });
});

describe('joinOverlap and keyHolders', () => {
  it('a lead cell is read as the join reads it: trimmed, split, emails lower-cased; a key held twice by one lead is one holder', () => {
    const { holders, leads } = keyHolders([' A ', 'Ann@X.io;B', 'A;A', 'b']);
    expect(leads).toBe(4);
    expect(holders.get('A')).toEqual([0, 2]);
    expect(holders.get('ann@x.io')).toBe(1);
    expect(holders.get('B')).toBe(1);
    expect(holders.get('b')).toBe(3);
  });

  it('a key held by three leads lists them all, once each', () => {
    const { holders } = keyHolders(['K', 'K;K', 'K', 'L']);
    expect(holders.get('K')).toEqual([0, 1, 2]);
    expect(overlapWith(keyHolders(['K', 'K;K', 'K', 'L']), ['K'])).toMatchObject({ matched: 1, shared: 1, sharedKey: 1, reached: 3, leadsMatched: 3 });
  });

  it('a deal reaching one lead by two keys reaches it once and is not shared', () => {
    expect(joinOverlap(['a;b', 'c'], ['a;b', 'b;a', 'c;a'])).toEqual({ deals: 3, keyed: 3, matched: 3, shared: 1, sharedKey: 0, reached: 4, leads: 2, leadsMatched: 2 });
  });

  it('leads matched counts each lead once over all deals', () => {
    expect(joinOverlap(['a', 'b', 'c'], ['a', 'a', 'a;b'])).toMatchObject({ matched: 3, reached: 4, leadsMatched: 2 });
  });
});
