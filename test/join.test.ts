/**
 * The join (src/data/join.ts): `join.shared: first | all` on inline keys, against a naive join
 * written out here; the overlap helper `init` chooses a join with; and `shared: all` end to end on
 * a seeded Salesforce-API export whose expected counts the generator recorded.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinDeals, joinOverlap, type JoinOptions, type Joined } from '../src/data/join.js';
import { joinKeys } from '../src/data/map.js';
import type { DealTable, LeadTable } from '../src/data/table.js';
import { load, type LoadOptions } from '../src/load.js';
import { buildReports } from '../src/reports/index.js';
import { explain } from '../src/reports/explain.js';
import { check } from '../src/reports/check.js';
import { dayNumber } from '../src/data/normalize.js';
import { generateSharedAccounts, SHARED_ACCOUNTS_RUBRIC } from '../scripts/generate-shared-accounts.js';
import { parseRubricText } from '../src/io/read-rubric.js';
import { validateRubric } from '../src/rubric/validate.js';
import { resolveRubric } from '../src/rubric/resolve.js';
import { UsageError } from '../src/errors.js';

// ---------------------------------------------------------------- joinDeals on inline keys

/**
 * joinDeals reads only the leads' count (keys come from `leadKeys`) and the deals' stored keys
 * (`a;b`, as the deal sink stores them): tables of just that.
 */
function joinCells(leadCells: readonly string[], dealCells: readonly string[], options: JoinOptions = {}): Joined {
  const leads = { length: leadCells.length, c: {} } as unknown as LeadTable;
  const stored = dealCells.map((cell) => joinKeys(cell).join(';'));
  const deals = { length: dealCells.length, c: { keys: { get: (d: number) => stored[d]! } } } as unknown as DealTable;
  return joinDeals(leads, deals, (_c, i) => joinKeys(leadCells[i]!), options);
}

/** Per lead, the deals it is credited to. */
function dealsByLead(joined: Joined, leads: number): number[][] {
  return Array.from({ length: leads }, (_, i) => Array.from(joined.list.subarray(joined.start[i]!, joined.start[i + 1]!)));
}

/** The join written out naively: per deal, every lead holding one of its keys, in key order then file order. */
function naiveMatches(leadCells: readonly string[], dealCells: readonly string[]): number[][] {
  return dealCells.map((cell) => {
    const found: number[] = [];
    for (const key of joinKeys(cell)) {
      leadCells.forEach((lead, i) => {
        if (joinKeys(lead).includes(key) && !found.includes(i)) found.push(i);
      });
    }
    return found;
  });
}

describe('joinDeals: join.shared', () => {
  // Two leads converted into account A, one into B; lead 3 holds no key.
  const leads = ['A', 'B', 'A', ''];
  const deals = ['A', 'B', 'C', 'A', ''];

  it('first (the default) credits a shared key to the first lead in file order, and counts it', () => {
    const joined = joinCells(leads, deals);
    expect(Array.from(joined.leadOf)).toEqual([0, 1, -1, 0, -1]);
    expect(dealsByLead(joined, 4)).toEqual([[0, 3], [1], [], []]);
    expect(Array.from(joined.unattributed)).toEqual([2, 4]);
    expect(joined.ways).toBeNull();
    expect(joined.shared).toEqual({ deals: 2, leads: 2 });
  });

  it('all credits every lead holding the key, each with 1/N of the deal', () => {
    const joined = joinCells(leads, deals, { shared: 'all' });
    expect(Array.from(joined.leadOf)).toEqual([0, 1, -1, 0, -1]);
    expect(dealsByLead(joined, 4)).toEqual([[0, 3], [1], [0, 3], []]);
    expect(Array.from(joined.ways!)).toEqual([2, 1, 0, 2, 0]);
    expect(Array.from(joined.unattributed)).toEqual([2, 4]);
    expect(joined.shared).toEqual({ deals: 2, leads: 2 });
  });

  it('a deal naming keys of different leads: first goes to its first key that matches, all to each named lead', () => {
    const people = ['ann@x.io', 'bob@y.io', 'cy@z.io'];
    const cells = ['nobody@q.io; BOB@y.io ; ann@x.io', 'cy@z.io'];
    const first = joinCells(people, cells);
    expect(Array.from(first.leadOf)).toEqual([1, 2]);
    expect(first.shared).toEqual({ deals: 1, leads: 2 });
    const all = joinCells(people, cells, { shared: 'all' });
    expect(dealsByLead(all, 3)).toEqual([[0], [0], [1]]);
    expect(Array.from(all.ways!)).toEqual([2, 1]);
  });

  it('a lead listing one key twice, or a deal naming one lead twice, is not shared', () => {
    const joined = joinCells(['A1;A1', 'B2'], ['A1', 'A1,A1', 'B2;B2'], { shared: 'all' });
    expect(joined.shared).toEqual({ deals: 0, leads: 0 });
    expect(Array.from(joined.ways!)).toEqual([1, 1, 1]);
    expect(dealsByLead(joined, 2)).toEqual([[0, 1], [2]]);
    expect(joinCells(['A1;A1', 'B2'], ['A1', 'A1,A1', 'B2;B2']).shared).toEqual({ deals: 0, leads: 0 });
  });

  it('all, with leads left out (--since/--until): split among the kept leads; with none kept, among all', () => {
    const keep = (lead: number) => lead !== 0;
    const joined = joinCells(['A', 'A', 'A', 'B'], ['A', 'B'], { shared: 'all', keep });
    expect(dealsByLead(joined, 4)).toEqual([[], [0], [0], [1]]);
    expect(Array.from(joined.ways!)).toEqual([2, 1]);
    expect(Array.from(joined.leadOf)).toEqual([1, 3]);
    const none = joinCells(['A', 'A', 'B'], ['A'], { shared: 'all', keep: () => false });
    expect(dealsByLead(none, 3)).toEqual([[0], [0], []]);
    expect(joinCells(['A', 'A'], ['A'], { keep: () => false }).leadOf[0]).toBe(0);
  });

  const cells = (keys: string[]) => fc.array(fc.array(fc.constantFrom(...keys), { maxLength: 3 }).map((k) => k.join(';')), { maxLength: 25 });
  const property = fc.tuple(cells(['a', 'b', 'c', 'd', 'e', 'f']), cells(['a', 'b', 'c', 'd', 'e', 'f', 'g']));

  it('property: all credits exactly the leads a naive join finds; first credits the first of them', () => {
    fc.assert(
      fc.property(property, ([leadCells, dealCells]) => {
        const naive = naiveMatches(leadCells, dealCells);
        const all = joinCells(leadCells, dealCells, { shared: 'all' });
        const first = joinCells(leadCells, dealCells);
        const byLead = dealsByLead(all, leadCells.length);
        naive.forEach((matches, d) => {
          expect(byLead.flatMap((ds, i) => (ds.includes(d) ? [i] : []))).toEqual([...matches].sort((x, y) => x - y));
          expect(all.ways![d]).toBe(matches.length);
          expect(first.leadOf[d]).toBe(matches[0] ?? -1);
          expect(all.leadOf[d]).toBe(matches[0] ?? -1);
        });
        const shared = naive.filter((m) => m.length > 1);
        const counts = { deals: shared.length, leads: new Set(shared.flat()).size };
        expect(first.shared).toEqual(counts);
        expect(all.shared).toEqual(counts);
        // Shares of each attributed deal add up to one deal.
        const credited = new Float64Array(dealCells.length);
        byLead.forEach((ds) => ds.forEach((d) => (credited[d]! += 1 / all.ways![d]!)));
        naive.forEach((m, d) => expect(credited[d]).toBeCloseTo(m.length === 0 ? 0 : 1, 12));
      }),
      { seed: 1205, numRuns: 300 },
    );
  });

  it('property: without shared keys, first and all make the same join', () => {
    const unique = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,3}$/), { maxLength: 20 });
    fc.assert(
      fc.property(unique, fc.array(fc.stringMatching(/^[a-z]{1,3}$/), { maxLength: 30 }), (leadCells, dealCells) => {
        const first = joinCells(leadCells, dealCells);
        const all = joinCells(leadCells, dealCells, { shared: 'all' });
        expect(first.shared.deals).toBe(0);
        expect(Array.from(all.leadOf)).toEqual(Array.from(first.leadOf));
        expect(Array.from(all.start)).toEqual(Array.from(first.start));
        expect(Array.from(all.list)).toEqual(Array.from(first.list));
        expect(Array.from(all.unattributed)).toEqual(Array.from(first.unattributed));
      }),
      { seed: 1206, numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------- the rubric key

describe('rubric join.shared', () => {
  const resolve = (yaml: string) => resolveRubric(validateRubric(parseRubricText(yaml, 'r.yml'), 'r.yml'), 'r.yml', 'salesforce');

  it('defaults to first; `join: { shared: all }` alone keeps the preset\'s keys', () => {
    expect(resolve('version: 1\n').join).toEqual({ lead: 'Converted Opportunity ID', deal: 'id', shared: 'first', sharedStated: false, user: false });
    expect(resolve('version: 1\njoin: { shared: all }\n').join).toEqual({ lead: 'Converted Opportunity ID', deal: 'id', shared: 'all', sharedStated: true, user: false });
    expect(resolve('version: 1\njoin: { lead: ConvertedAccountId, deal: AccountId }\n').join).toMatchObject({ lead: 'ConvertedAccountId', deal: 'AccountId', shared: 'first', user: true });
  });

  it('any other value is a rubric error naming the choices', () => {
    expect(() => resolve('version: 1\njoin: { shared: each }\n')).toThrow(UsageError);
    expect(() => resolve('version: 1\njoin: { shared: each }\n')).toThrow(/join\.shared.*first.*all/s);
  });
});

// ---------------------------------------------------------------- joinOverlap

describe('joinOverlap', () => {
  it('counts deals matched, deals several leads hold, and leads matched, with the join\'s key reading', () => {
    const leads = [' ACC-1 ', 'ACC-1', 'acc-2', 'Ann@X.io', '', 'ACC-3;ACC-4'];
    const deals = ['ACC-1', 'ACC-2', 'ann@x.IO', 'ACC-4, ACC-9', '', 'ACC-3', 'ACC-1'];
    expect(joinOverlap(leads, deals)).toEqual({ deals: 7, keyed: 6, matched: 5, shared: 2, sharedKey: 2, reached: 7, leads: 6, leadsMatched: 4 });
  });

  it('a deal naming keys of two leads is shared; empty columns overlap in nothing', () => {
    expect(joinOverlap(['a', 'b'], ['a;b', 'b'])).toEqual({ deals: 2, keyed: 2, matched: 2, shared: 1, sharedKey: 0, reached: 3, leads: 2, leadsMatched: 2 });
    expect(joinOverlap([], ['a'])).toEqual({ deals: 1, keyed: 1, matched: 0, shared: 0, sharedKey: 0, reached: 0, leads: 0, leadsMatched: 0 });
    expect(joinOverlap(['', ' '], ['', ''])).toEqual({ deals: 2, keyed: 0, matched: 0, shared: 0, sharedKey: 0, reached: 0, leads: 2, leadsMatched: 0 });
  });

  it('property: agrees with the join itself (matched = attributed, shared = joinDeals\' count)', () => {
    const cell = fc.array(fc.constantFrom('a', 'b', 'C', 'x@Y.io', ' d '), { maxLength: 3 }).map((k) => k.join(','));
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 20 }), fc.array(cell, { maxLength: 20 }), (leadCells, dealCells) => {
        const overlap = joinOverlap(leadCells, dealCells);
        const joined = joinCells(leadCells, dealCells, { shared: 'all' });
        expect(overlap.deals).toBe(dealCells.length);
        expect(overlap.matched).toBe(dealCells.length - joined.unattributed.length);
        expect(overlap.shared).toBe(joined.shared.deals);
        expect(overlap.leadsMatched).toBe(dealsByLead(joined, leadCells.length).filter((ds) => ds.length > 0).length);
        // Each matched deal reaches the leads it is credited to under shared: all.
        expect(overlap.reached).toBe(dealsByLead(joined, leadCells.length).reduce((n, ds) => n + ds.length, 0));
        expect(overlap.sharedKey).toBeLessThanOrEqual(overlap.shared);
        expect(overlap.keyed).toBe(dealCells.filter((c) => joinKeys(c.trim()).length > 0).length);
      }),
      { seed: 1207, numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------- end to end on a seeded export

const dir = mkdtempSync(join(tmpdir(), 'leadaudit-join-'));
const AS_OF = dayNumber(2026, 1, 1);
const generated = generateSharedAccounts({ seed: 1205, accounts: 300 });
const { expected } = generated;
const leadsFile = join(dir, 'Lead.csv');
const dealsFile = join(dir, 'Opportunity.csv');
writeFileSync(leadsFile, generated.leadsCsv);
writeFileSync(dealsFile, generated.dealsCsv);

function runShared(shared: 'first' | 'all' | undefined, extra: Partial<LoadOptions> = {}) {
  const rubric = join(dir, `${shared ?? 'default'}.yml`);
  writeFileSync(rubric, SHARED_ACCOUNTS_RUBRIC(shared));
  return load({ leads: leadsFile, deals: dealsFile, rubric, asOf: AS_OF, minN: 30, strict: false, keepRejects: false, cwd: dir, ...extra });
}
const report = (reports: ReturnType<typeof buildReports>, name: string) => reports.find((r) => r.name === name)!;
const sum = (xs: readonly unknown[]) => xs.reduce<number>((s, x) => s + (typeof x === 'number' ? x : 0), 0);

describe('join.shared on a Salesforce API export joined by account (seeded generator)', () => {
  it('the generator made what the test needs: shared accounts, unattributed deals, unpriced won deals', () => {
    expect(expected.sharedDeals).toBeGreaterThan(50);
    expect(expected.wonLeadsAll).toBeGreaterThan(expected.wonLeadsFirst * 1.5);
    expect(expected.unattributed).toBeGreaterThan(0);
    expect(expected.wonRevenue).toBeGreaterThan(expected.attributedRevenue);
  });

  it('all: every lead holding a won deal\'s key is won; revenue sums equal the deals\' totals', async () => {
    const loaded = await runShared('all');
    const data = loaded.data;
    const reports = buildReports(loaded.facts, ['summary', 'sources', 'cohorts']);
    const summary = report(reports, 'summary').rows[0]!;
    expect(summary.leads).toBe(expected.leads);
    expect(summary.won).toBe(expected.wonLeadsAll);
    expect(summary.won_revenue).toBeCloseTo(expected.wonRevenue, 6);
    const leads = [...data.leads!];
    expect(sum(leads.map((c) => c.wonAmount))).toBeCloseTo(expected.attributedRevenue, 6);
    // A split deal counts 1/N in each lead's priced won deals: the whole is the deals' count, and the average deal holds.
    expect(sum(leads.map((c) => c.pricedWonDeals))).toBeCloseTo(expected.attributedPricedWon, 9);
    const sources = report(reports, 'sources').rows;
    expect(sum(sources.map((r) => r.won_revenue))).toBeCloseTo(expected.wonRevenue, 6);
    for (const [source, revenue] of Object.entries(expected.revenueBySource)) {
      expect(sources.find((r) => r.channel === source)!.won_revenue).toBeCloseTo(revenue, 6);
    }
    expect(sum(report(reports, 'cohorts').rows.map((r) => r.won_revenue))).toBeCloseTo(expected.attributedRevenue, 6);
    expect(data.inputs.deals).toMatchObject({ used: expected.deals, attributed: expected.deals - expected.unattributed, unattributed: expected.unattributed });
    expect(loaded.notices).toContain(
      `${expected.sharedDeals} deals matched several leads (${expected.sharedLeads} leads in all); join.shared: all credits each, splitting each evenly among them`,
    );
  });

  it('first (the default): one won lead per account with a won deal, the same revenue, and a warning', async () => {
    const loaded = await runShared(undefined);
    const summary = report(buildReports(loaded.facts, ['summary']), 'summary').rows[0]!;
    expect(summary.won).toBe(expected.wonLeadsFirst);
    expect(summary.won_revenue).toBeCloseTo(expected.wonRevenue, 6);
    expect(loaded.warnings).toContain(
      `${expected.sharedDeals} deals matched several leads (${expected.sharedLeads} leads in all); join.shared: first credits the first (set join.shared: all to credit each)`,
    );
    expect(loaded.data.join).toMatchObject({ shared: 'first', sharedDeals: expected.sharedDeals, sharedLeads: expected.sharedLeads });
  });

  it('first, stated in the rubric: the same join, said as a notice without the hint', async () => {
    const loaded = await runShared('first');
    expect(report(buildReports(loaded.facts, ['summary']), 'summary').rows[0]!.won).toBe(expected.wonLeadsFirst);
    expect(loaded.warnings.filter((w) => w.includes('several leads'))).toEqual([]);
    expect(loaded.notices).toContain(`${expected.sharedDeals} deals matched several leads (${expected.sharedLeads} leads in all); join.shared: first credits the first`);
  });

  it('all with --since: a deal leaves once however many of its leads leave; kept revenue is still counted once', async () => {
    const since = dayNumber(2025, 6, 1);
    const loaded = await runShared('all', { since });
    const deals = loaded.data.inputs.deals!;
    expect(deals.used + deals.skipped + deals.rejected).toBe(deals.read);
    expect(deals.attributed! + deals.unattributed!).toBe(deals.used);
    // Every kept attributed won deal is credited in full across the kept leads.
    let keptWon = 0;
    const credited = new Map<number, number>();
    for (const c of loaded.data.leads!) for (const d of c.deals) credited.set(d.index, (credited.get(d.index) ?? 0) + c.dealShare(d));
    for (const [index, share] of credited) {
      expect(share).toBeCloseTo(1, 12);
      const d = loaded.data.deals!.find((x) => x.index === index)!;
      if (d.outcome === 'won' && !Number.isNaN(d.amount)) keptWon += d.amount;
    }
    expect(credited.size).toBe(deals.attributed);
    expect(sum([...loaded.data.leads!].map((c) => c.wonAmount))).toBeCloseTo(keptWon, 6);
  });

  it('check shows the count and the leads involved', async () => {
    const loaded = await runShared('first');
    const [, , quality] = check({ ...loaded, warnings: loaded.warnings });
    expect(quality!.rows).toContainEqual({
      file: 'deals',
      check: 'deals matching several leads',
      count: expected.sharedDeals,
      detail: `${expected.sharedLeads} leads involved; join.shared: first credits only the first`,
    });
  });
});

describe('the CLI says it on standard error, whatever the mode', () => {
  const bin = join(resolvePath(import.meta.dirname, '..'), 'bin', 'leadaudit.js');
  const cli = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });

  it.each([
    [undefined, `leadaudit: warning: ${expected.sharedDeals} deals matched several leads (${expected.sharedLeads} leads in all); join.shared: first credits the first (set join.shared: all to credit each)`],
    ['all' as const, `leadaudit: ${expected.sharedDeals} deals matched several leads (${expected.sharedLeads} leads in all); join.shared: all credits each, splitting each evenly among them`],
  ])('shared: %s', (shared, line) => {
    const rubric = join(dir, `cli-${shared ?? 'default'}.yml`);
    writeFileSync(rubric, SHARED_ACCOUNTS_RUBRIC(shared));
    const r = cli(['audit', leadsFile, dealsFile, '--rubric', rubric, '--as-of', '2026-01-01', '--format', 'json']);
    expect(r.status).toBe(0);
    expect(r.stderr.split('\n')).toContain(line);
    expect(cli(['audit', leadsFile, dealsFile, '--rubric', rubric, '--as-of', '2026-01-01', '-q']).stderr).toBe('');
  });
});

describe('explain names where a shared deal went', () => {
  const leads = join(dir, 'explain-leads.csv');
  const deals = join(dir, 'explain-deals.csv');
  writeFileSync(leads, 'Id,LeadSource,ConvertedAccountId,CreatedDate\nL1,Web,ACC1,2025-01-01\nL2,Web,ACC1,2025-01-02\nL3,Web,ACC1,2025-01-03\nL4,Web,ACC2,2025-01-04\n');
  writeFileSync(deals, 'Id,AccountId,StageName,Amount,IsWon\nO1,ACC1,Closed Won,300,true\nO2,ACC2,Closed Won,50,true\n');
  const run = async (shared: 'first' | 'all') => {
    const rubric = join(dir, `explain-${shared}.yml`);
    writeFileSync(
      rubric,
      `version: 1
preset: generic
leads: { columns: { id: "Id", source: "LeadSource", created: "CreatedDate" } }
deals:
  columns: { id: "Id", lead: null, stage: "StageName", amount: "Amount" }
  won: { IsWon: { eq: true } }
join: { lead: "ConvertedAccountId", deal: "AccountId", shared: ${shared} }
stages: [{ key: lead, side: marketing }, { key: won, side: sales, reachedWhen: { deal: won } }]
`,
    );
    const loaded = await load({ leads, deals, rubric, asOf: AS_OF, minN: 30, strict: false, keepRejects: false, cwd: dir });
    const of = (id: string) => explain(loaded.data, loaded.leads!.plan, loaded.leads!.read.leads, id).find((r) => r.name === 'lead_deals')!;
    return { loaded, of };
  };

  it('first: the lead that got it, and for the others, that it went to that lead', async () => {
    const { of } = await run('first');
    expect(of('L1').notes).toEqual(['Deal O1 (won, 300) matches 3 leads (L1, L2, L3); join.shared: first credits this one, the first.']);
    expect(of('L2').rows).toEqual([]);
    expect(of('L2').notes).toEqual([
      'No deal is credited to this lead.',
      'Deal O1 (won, 300) matches this lead\'s key but went to lead L1: it matches 3 leads (L1, L2, L3) and join.shared: first credits the first (set join.shared: all to credit each).',
    ]);
    expect(of('L4').notes).toEqual([]);
  });

  it('all: split N ways, with this lead\'s part', async () => {
    const { loaded, of } = await run('all');
    expect(of('L3').rows.map((r) => r.deal_id)).toEqual(['O1']);
    expect(of('L3').notes).toEqual(['Deal O1 (won, 300) is split 3 ways among the leads it matches (L1, L2, L3); join.shared: all credits this lead 1/3 of it (100 of 300).']);
    const outcome = explain(loaded.data, loaded.leads!.plan, loaded.leads!.read.leads, 'L3')[0]!.notes[1];
    expect(outcome).toMatch(/with 1 won deal worth 100 \(its share; the deal is split with other leads\)/);
  });
});

describe('joinKeys', () => {
  it('splits ids and emails on ; and , but keeps a name with a comma whole', () => {
    expect(joinKeys('101;102')).toEqual(['101', '102']);
    expect(joinKeys('101, 102')).toEqual(['101', '102']);
    expect(joinKeys('Ana@Acme.com, ben@acme.com')).toEqual(['ana@acme.com', 'ben@acme.com']);
    expect(joinKeys('Acme, Inc.')).toEqual(['Acme, Inc.']);
    expect(joinKeys('Acme, Inc.;Globex, Ltd')).toEqual(['Acme, Inc.', 'Globex, Ltd']);
    expect(joinKeys(' ; ')).toEqual([]);
  });
});
