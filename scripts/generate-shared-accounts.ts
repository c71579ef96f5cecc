/**
 * A seeded Salesforce-API-shaped export where leads share join keys: leads converted into one
 * account all carry its ConvertedAccountId, and opportunities join by AccountId — the shape
 * `join.shared` decides (src/data/join.ts). Besides the two CSVs it returns what a correct join
 * must find, counted while the data is made (from accounts, not by joining the files): won leads
 * under each mode, revenue in all and per lead source, and the deals and leads that share keys.
 */
import { Rng } from './random.js';

export interface SharedAccountsOptions {
  readonly seed: number;
  /** Accounts to make; some get no converted lead, so their opportunities match no lead. */
  readonly accounts: number;
}

export interface SharedAccounts {
  readonly leadsCsv: string;
  readonly dealsCsv: string;
  readonly expected: {
    readonly leads: number;
    readonly deals: number;
    /** Leads holding the key of a won opportunity: won under `join.shared: all`. */
    readonly wonLeadsAll: number;
    /** Accounts with a lead and a won opportunity: won leads under `first` (one lead per account). */
    readonly wonLeadsFirst: number;
    /** Won opportunities' amounts, all of them (attributed or not). */
    readonly wonRevenue: number;
    /** Won amounts of opportunities whose account has a lead. */
    readonly attributedRevenue: number;
    /** Won opportunities with an amount, whose account has a lead. */
    readonly attributedPricedWon: number;
    /** Under `all`: won revenue per LeadSource, each opportunity split evenly among its account's leads. */
    readonly revenueBySource: Readonly<Record<string, number>>;
    /** Opportunities whose account several leads hold, and the leads of those accounts. */
    readonly sharedDeals: number;
    readonly sharedLeads: number;
    /** Opportunities whose account no lead holds. */
    readonly unattributed: number;
  };
}

export const SHARED_ACCOUNTS_LEADS_HEADER = ['Id', 'FirstName', 'LastName', 'Company', 'Email', 'LeadSource', 'Status', 'OwnerId', 'IsConverted', 'ConvertedAccountId', 'CreatedDate'];
export const SHARED_ACCOUNTS_DEALS_HEADER = ['Id', 'AccountId', 'Name', 'StageName', 'Amount', 'IsWon', 'IsClosed', 'CloseDate', 'CreatedDate', 'OwnerId'];

/** The rubric these exports need (generic preset, Salesforce API field names); `join.shared` left out when not given. */
export const SHARED_ACCOUNTS_RUBRIC = (shared?: 'first' | 'all'): string => `version: 1
preset: generic
leads:
  columns: { id: "Id", email: "Email", company: "Company", source: "LeadSource", status: "Status", owner: "OwnerId", created: "CreatedDate" }
deals:
  columns: { id: "Id", lead: null, stage: "StageName", amount: "Amount", closed: "CloseDate", created: "CreatedDate", owner: "OwnerId" }
  won: { IsWon: { eq: true } }
  lost: { all: [{ IsClosed: { eq: true } }, { IsWon: { eq: false } }] }
join: { lead: "ConvertedAccountId", deal: "AccountId"${shared === undefined ? '' : `, shared: ${shared}`} }
stages:
  - { key: lead, side: marketing }
  - { key: opportunity, side: sales, reachedWhen: { deal: any } }
  - { key: won, side: sales, reachedWhen: { deal: won } }
`;

const SOURCES = ['Web', 'Partner Referral', 'Trade Show', 'Advertisement'];
const STAGES_OPEN = ['Prospecting', 'Qualification', 'Proposal/Price Quote'];
const OWNERS = ['0055g00000A1aaaAAA', '0055g00000B2bbbBBB'];

/** An 18-character Salesforce-like id with a fixed 3-character prefix (001 account, 00Q lead, 006 opportunity). */
const sfId = (prefix: string, n: number) => `${prefix}5g00000${n.toString(36).toUpperCase().padStart(8, '0')}`;
const iso = (day: number) => new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString().replace('Z', '+0000');
const date = (day: number) => iso(day).slice(0, 10);

export function generateSharedAccounts(options: SharedAccountsOptions): SharedAccounts {
  const rng = new Rng(options.seed);
  interface LeadRow { cells: string[]; account: number; source: string }
  const leads: LeadRow[] = [];
  const deals: string[][] = [];
  // Per account: its leads (filled below), its won amounts (NaN: no amount).
  const accountLeads: LeadRow[][] = [];
  const wonAmounts: number[][] = [];
  const opportunities: number[] = [];
  let leadNo = 0;
  for (let a = 0; a < options.accounts; a++) {
    const account = sfId('001', a + 1);
    // Most accounts have one or two converted leads; some many; some none (their deals match no lead).
    const count = rng.weighted([2, 5, 3, 2, 1, 1]) + (rng.chance(0.05) ? 6 : 0);
    accountLeads.push([]);
    for (let k = 0; k < count; k++) {
      const source = rng.pick(SOURCES);
      const created = rng.int(0, 300);
      leads.push({
        cells: [sfId('00Q', ++leadNo), `Ann${leadNo}`, `Lee${leadNo}`, `Account ${a + 1}`, `ann${leadNo}@account${a + 1}.example`, source, 'Closed - Converted', rng.pick(OWNERS), 'true', account, iso(created)],
        account: a,
        source,
      });
    }
    const won: number[] = [];
    const opps = rng.int(0, 3);
    for (let o = 0; o < opps; o++) {
      const outcome = rng.weighted([3, 2, 2]); // won, lost, open
      const amount = rng.chance(0.1) ? NaN : rng.int(10, 500) * 100;
      const created = rng.int(0, 300);
      const stage = outcome === 0 ? 'Closed Won' : outcome === 1 ? 'Closed Lost' : rng.pick(STAGES_OPEN);
      deals.push([
        sfId('006', deals.length + 1),
        account,
        `Account ${a + 1} - ${o + 1}`,
        stage,
        Number.isNaN(amount) ? '' : amount.toFixed(2),
        outcome === 0 ? 'true' : 'false',
        outcome === 2 ? 'false' : 'true',
        date(created + 30),
        iso(created),
        rng.pick(OWNERS),
      ]);
      if (outcome === 0) won.push(amount);
    }
    wonAmounts.push(won);
    opportunities.push(opps);
  }
  // Leads that never converted hold no account: they join nothing.
  for (let k = rng.int(10, 30); k > 0; k--) {
    leads.push({ cells: [sfId('00Q', ++leadNo), `Bo${leadNo}`, `Ray${leadNo}`, 'Solo', `bo${leadNo}@solo.example`, rng.pick(SOURCES), 'Open - Not Contacted', rng.pick(OWNERS), 'false', '', iso(rng.int(0, 300))], account: -1, source: '' });
  }
  // File order is not account order: which lead of an account comes first is the file's business.
  for (let i = leads.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [leads[i], leads[j]] = [leads[j]!, leads[i]!];
  }
  for (const lead of leads) if (lead.account >= 0) accountLeads[lead.account]!.push(lead);

  let wonLeadsAll = 0;
  let wonLeadsFirst = 0;
  let wonRevenue = 0;
  let attributedRevenue = 0;
  let attributedPricedWon = 0;
  let sharedDeals = 0;
  let sharedLeads = 0;
  let unattributed = 0;
  const revenueBySource: Record<string, number> = {};
  accountLeads.forEach((holders, a) => {
    const won = wonAmounts[a]!;
    const priced = won.filter((x) => !Number.isNaN(x));
    const sum = priced.reduce((s, x) => s + x, 0);
    wonRevenue += sum;
    if (holders.length === 0) {
      unattributed += opportunities[a]!;
      return;
    }
    attributedRevenue += sum;
    attributedPricedWon += priced.length;
    if (won.length > 0) {
      wonLeadsAll += holders.length;
      wonLeadsFirst++;
    }
    if (holders.length > 1 && opportunities[a]! > 0) {
      sharedDeals += opportunities[a]!;
      sharedLeads += holders.length;
    }
    for (const lead of holders) revenueBySource[lead.source] = (revenueBySource[lead.source] ?? 0) + sum / holders.length;
  });
  const csv = (header: string[], rows: string[][]) => [header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
  return {
    leadsCsv: csv(SHARED_ACCOUNTS_LEADS_HEADER, leads.map((l) => l.cells)),
    dealsCsv: csv(SHARED_ACCOUNTS_DEALS_HEADER, deals),
    expected: {
      leads: leads.length,
      deals: deals.length,
      wonLeadsAll,
      wonLeadsFirst,
      wonRevenue,
      attributedRevenue,
      attributedPricedWon,
      revenueBySource,
      sharedDeals,
      sharedLeads,
      unattributed,
    },
  };
}
