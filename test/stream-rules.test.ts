/**
 * Rules of the streaming JS engine (src/engine/stream.ts, issue 14), each stated by a test of its
 * own so that a mutant of the module dies in a test that names the rule (docs/testing.md "Mutation
 * testing"): the join of deals to leads read in chunks (DealClaims), a date column's chunks
 * (DateColumn.take/settle), the lead sink's chunks (leadChunks, settleChunk), rows picked out of a
 * chunk (pickLeads), far-future dates counted across chunks (LeadChecks), and the leads file read
 * through the pipeline's messages (threadPipeline), a file that turns out not to be UTF-8 included.
 * The end-to-end comparison of streamed and whole-file facts is test/stream.test.ts.
 */
import './helpers/seed.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { DealClaims } from '../src/data/join-stream.js';
import { joinDeals, type LeadDeals } from '../src/data/join.js';
import { joinKeys } from '../src/data/map.js';
import { DateColumn } from '../src/data/value-columns.js';
import { leadChunks, leadSink, settleChunk, type LeadChunk } from '../src/data/lead-sink.js';
import { pickLeads, type DealTable, type LeadColumns, type LeadTable } from '../src/data/table.js';
import { implausibleLeads, LeadChecks } from '../src/data/plausible.js';
import { threadPipeline, type LeadsReader } from '../src/parallel/chunks.js';
import { loadFacts } from '../src/engine/stream.js';
import { load, prepare, type LoadOptions } from '../src/load.js';
import { buildReports, reports, type ReportName } from '../src/reports/index.js';
import { verdicts } from '../src/reports/verdicts.js';
import { parseDate } from '../src/data/normalize.js';
import { LEAD_FIELD_KINDS } from '../src/rubric/fields.js';
import type { AuditFacts } from '../src/engine/facts.js';

const root = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'leadaudit-stream-rules-'));
/** A folder without leadaudit.yml, so a run without --rubric detects its preset from the headers. */
const noRubric = join(scratch, 'no-rubric');
mkdirSync(noRubric);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// ---------------------------------------------------------------- DealClaims

/**
 * Leads as their join-key cells, and deals as theirs (stored `a;b` as the deal sink stores them):
 * the claims and the join read nothing else. A chunk is a table of some of the leads' cells.
 */
interface CellTable {
  readonly length: number;
  readonly c: { readonly cells: readonly string[] };
}
const keysOf = (c: LeadColumns, i: number): readonly string[] => joinKeys((c as unknown as CellTable['c']).cells[i]!);
const leadTable = (cells: readonly string[]): LeadTable => ({ length: cells.length, c: { cells } }) as unknown as LeadTable;
function dealTable(cells: readonly string[]): DealTable {
  const stored = cells.map((cell) => joinKeys(cell).join(';'));
  return { length: cells.length, c: { keys: { get: (d: number) => stored[d]! } } } as unknown as DealTable;
}

/** Per lead row of a table, its deals. */
function perLead(deals: LeadDeals, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(deals.list.subarray(deals.start[i]!, deals.start[i + 1]!)));
}

interface Claimed {
  readonly claims: DealClaims;
  /** Per chunk, the rows `claim` said were open (chunk rows). */
  readonly open: number[][];
  /** Per lead of the file, its deals as the engine takes them: from `claim` when not open, else from `dealsOf` after the last chunk. */
  readonly deals: number[][];
  /** Per chunk, per row, the deals `claim` said it owned then. */
  readonly claimedAt: { lead: number; deals: number[] }[][];
}

/** Claims the deals of `dealCells` for the leads `leadCells`, read in chunks of `sizes` rows (the last size repeats), as LeadPass does. */
function claimInChunks(leadCells: readonly string[], dealCells: readonly string[], sizes: readonly number[]): Claimed {
  const claims = new DealClaims(dealTable(dealCells));
  const open: number[][] = [];
  const deals: number[][] = leadCells.map(() => []);
  const waiting: { table: LeadTable; leads: number[] }[] = [];
  const claimedAt: Claimed['claimedAt'] = [];
  for (let base = 0, k = 0; base < leadCells.length; k++) {
    const size = sizes[Math.min(k, sizes.length - 1)]!;
    const cells = leadCells.slice(base, base + size);
    const claimed = claims.claim(leadTable(cells), keysOf, base);
    open.push(claimed.open);
    const lists = perLead(claimed.deals, cells.length);
    claimedAt.push(lists.map((owned, i) => ({ lead: base + i, deals: owned })));
    cells.forEach((_, i) => {
      if (!claimed.open.includes(i)) deals[base + i] = lists[i]!;
    });
    if (claimed.open.length > 0) waiting.push({ table: leadTable(claimed.open.map((i) => cells[i]!)), leads: claimed.open.map((i) => base + i) });
    base += cells.length;
  }
  for (const w of waiting) {
    const lists = perLead(
      claims.dealsOf(w.table, keysOf, (r) => w.leads[r]!),
      w.leads.length,
    );
    w.leads.forEach((lead, r) => (deals[lead] = lists[r]!));
  }
  return { claims, open, deals, claimedAt };
}

/** The whole-file join (`join.shared: first`), the oracle: owner per deal, deals per lead, shared counts. */
function joinWhole(leadCells: readonly string[], dealCells: readonly string[]) {
  const joined = joinDeals(leadTable(leadCells), dealTable(dealCells), keysOf, { shared: 'first' });
  return { owner: Array.from(joined.leadOf), deals: perLead(joined, leadCells.length), shared: joined.shared };
}

describe('DealClaims', () => {
  it('a deal goes to the lead of its first key that some lead holds, the first such lead in file order', () => {
    // Deal 0's first key X is held by no lead: its second key B decides, and B's first lead is lead 1.
    // Deal 1's first key A is held by lead 3 only, after B's leads: lead 3.
    const leads = ['C', 'B', 'B', 'A'];
    const deals = ['X;B;C', 'A;B', 'C;A'];
    for (const sizes of [[1], [2], [3], [4]]) {
      const { claims, deals: byLead } = claimInChunks(leads, deals, sizes);
      expect(Array.from(claims.owner), `chunks of ${sizes[0]}`).toEqual([1, 3, 0]);
      expect(byLead).toEqual([[2], [0], [], [1]]);
    }
    expect(joinWhole(leads, deals).owner).toEqual([1, 3, 0]);
  });

  it('claim returns as open exactly the rows owning a deal through a key that is not the deal\'s first', () => {
    // Lead 0 owns deals 0 and 2 through their first key A (final); lead 1 owns deal 1 through its
    // second key B (open); lead 2 matches deal 2's second key C, which lead 0's A outranks, so it
    // owns nothing (not open); lead 3 holds no key of any deal.
    const leads = ['A', 'B', 'C', 'Z'];
    const deals = ['A', 'X;B', 'A;C'];
    const claims = new DealClaims(dealTable(deals));
    const claimed = claims.claim(leadTable(leads), keysOf, 0);
    expect(claimed.open).toEqual([1]);
    expect(perLead(claimed.deals, 4)).toEqual([[0, 2], [1], [], []]);
    // A row owning a deal through a later key is open even though no later lead will take it: the claim cannot know.
    expect(new DealClaims(dealTable(['X;B'])).claim(leadTable(['B']), keysOf, 0).open).toEqual([0]);
    // Several deals through later keys: the row is named once, rows in order.
    expect(new DealClaims(dealTable(['X;C', 'X;B', 'Y;B'])).claim(leadTable(['A', 'B', 'C']), keysOf, 0).open).toEqual([1, 2]);
  });

  it('a row that held a later-key claim and lost it to a later row of the same chunk is not open', () => {
    const claimed = new DealClaims(dealTable(['A;B'])).claim(leadTable(['B', 'A']), keysOf, 0);
    expect(claimed.open).toEqual([]);
    expect(perLead(claimed.deals, 2)).toEqual([[], [0]]);
  });

  it('a later lead holding an earlier key takes the deal (dealsOf after all chunks shows it)', () => {
    const claims = new DealClaims(dealTable(['A;B', 'B']));
    const first = claims.claim(leadTable(['B']), keysOf, 0);
    expect(first.open).toEqual([0]);
    expect(perLead(first.deals, 1)).toEqual([[0, 1]]);
    expect(Array.from(claims.owner)).toEqual([0, 0]);
    const second = claims.claim(leadTable(['C', 'A']), keysOf, 1);
    expect(second.open).toEqual([]);
    expect(perLead(second.deals, 2)).toEqual([[], [0]]);
    expect(Array.from(claims.owner)).toEqual([2, 0]);
    // Lead 0, read again at the end, keeps only the deal of its own first key.
    expect(perLead(claims.dealsOf(leadTable(['B']), keysOf, () => 0), 1)).toEqual([[1]]);
    expect(perLead(claims.dealsOf(leadTable(['C', 'A']), keysOf, (i) => 1 + i), 2)).toEqual([[], [0]]);
    // A lead that holds the same key as an earlier one does not take the deal.
    const same = new DealClaims(dealTable(['A']));
    same.claim(leadTable(['A']), keysOf, 0);
    same.claim(leadTable(['A']), keysOf, 1);
    expect(Array.from(same.owner)).toEqual([0]);
  });

  it('the deals listed per lead are in deal file order, each once (a lead whose two keys name one deal)', () => {
    // Lead 0 holds a and b; deal 2 names both, deal 0 names b only, deal 1 a only: listed 0, 1, 2.
    const leads = ['b;a', 'c'];
    const deals = ['b', 'a', 'a;b', 'c', 'b;a'];
    const claimed = new DealClaims(dealTable(deals)).claim(leadTable(leads), keysOf, 0);
    expect(perLead(claimed.deals, 2)).toEqual([[0, 1, 2, 4], [3]]);
    const claims = new DealClaims(dealTable(deals));
    claims.claim(leadTable(leads), keysOf, 0);
    expect(perLead(claims.dealsOf(leadTable(leads), keysOf, (i) => i), 2)).toEqual([[0, 1, 2, 4], [3]]);
    expect(perLead(claimed.deals, 2)).toEqual(joinWhole(leads, deals).deals);
    // Rows without deals between rows with them: each row's list starts where the one before ends.
    const gaps = new DealClaims(dealTable(['c', 'a'])).claim(leadTable(['a', 'x', 'y', 'c', 'z']), keysOf, 0);
    expect(Array.from(gaps.deals.start)).toEqual([0, 1, 1, 1, 2, 2]);
  });

  it('shared: deals matched by several distinct leads, and those leads, as joinDeals counts them', () => {
    // Deal 0: A and B (two leads); deal 1: A twice in one lead's keys (one lead, not shared);
    // deal 2: S held by leads 2 and 3; deal 3: A, lead 0 only.
    const leads = ['A', 'B', 'S', 'S;A', 'Q'];
    const deals = ['A;B', 'A;A', 'S', 'Q;Q'];
    for (const sizes of [[1], [2], [5]]) {
      const { claims } = claimInChunks(leads, deals, sizes);
      // Deal 1 (A) reaches leads 0 and 3: shared too. Leads: 0, 1, 2, 3.
      expect(claims.shared, `chunks of ${sizes[0]}`).toEqual({ deals: 3, leads: 4 });
    }
    expect(joinWhole(leads, deals).shared).toEqual({ deals: 3, leads: 4 });
    // A lead naming one key twice is one lead.
    expect(claimInChunks(['A;A', 'B'], ['A'], [1]).claims.shared).toEqual({ deals: 0, leads: 0 });
  });

  it('property: owner per deal, deals per lead and shared counts equal joinDeals\' for any key layout and chunk sizes', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g');
    const cell = fc.array(key, { minLength: 0, maxLength: 3 }).map((keys) => keys.join(';'));
    fc.assert(
      fc.property(
        fc.array(cell, { minLength: 1, maxLength: 25 }),
        fc.array(cell, { minLength: 0, maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 6 }),
        (leads, deals, sizes) => {
          const whole = joinWhole(leads, deals);
          const streamed = claimInChunks(leads, deals, sizes);
          expect(Array.from(streamed.claims.owner)).toEqual(whole.owner);
          expect(streamed.deals).toEqual(whole.deals);
          expect(streamed.claims.shared).toEqual(whole.shared);
          // Open rows are exactly those owning, at their claim, a deal whose first key they do not hold.
          streamed.claimedAt.forEach((lists, k) => {
            const through = lists.flatMap(({ lead, deals: owned }) => (owned.some((d) => !joinKeys(leads[lead]!).includes(joinKeys(deals[d]!)[0]!)) ? [lead] : []));
            expect(streamed.open[k]!.map((i) => lists[i]!.lead)).toEqual(through);
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('many distinct keys (the key index grows well past its first table): owners and lists equal joinDeals\'', () => {
    // A fixed pseudo-random layout: 3000 leads with one or two of 4000 keys, 2500 deals naming one to three.
    let state = 14;
    const next = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const key = () => (next(2) === 0 ? `L${next(4000)}` : `user${next(4000)}@example.org`);
    const leads = Array.from({ length: 3000 }, () => (next(3) === 0 ? `${key()};${key()}` : key()));
    const deals = Array.from({ length: 2500 }, () => Array.from({ length: 1 + next(3) }, key).join(';'));
    const whole = joinWhole(leads, deals);
    expect(whole.owner.filter((o) => o >= 0).length).toBeGreaterThan(1000);
    for (const sizes of [[1000], [7, 300, 1]]) {
      const streamed = claimInChunks(leads, deals, sizes);
      expect(Array.from(streamed.claims.owner)).toEqual(whole.owner);
      expect(streamed.deals).toEqual(whole.deals);
      expect(streamed.claims.shared).toEqual(whole.shared);
    }
  });

  // Found writing these tests: DealClaims once indexed only a deal's first 1024 keys, while nothing
  // caps the keys of a deal cell and joinDeals reads them all.
  it('a deal whose matching key is past its 1024th key goes to that key\'s lead, as joinDeals has it', () => {
    const many = Array.from({ length: 1100 }, (_, k) => `k${k}`);
    const leads = ['k1050', 'k0', 'k1099'];
    const deals = [many.join(';'), many.slice(1).join(';')];
    const whole = joinWhole(leads, deals);
    expect(whole.owner).toEqual([1, 0]);
    expect(whole.shared).toEqual({ deals: 2, leads: 3 });
    const { claims } = claimInChunks(leads, deals, [1]);
    expect(Array.from(claims.owner)).toEqual(whole.owner);
    expect(claims.shared).toEqual(whole.shared);
  });
});

// ---------------------------------------------------------------- DateColumn.take / settle

/** Pushes the cells of one chunk (lines from 2) and takes it. */
function chunkOf(column: DateColumn, cells: readonly string[]) {
  cells.forEach((text, i) => column.push(text, 2 + i));
  const taken = column.take();
  return { days: Array.from(taken.days), ambiguous: [...taken.ambiguous], final: taken.final };
}

const day = (text: string, order: 'mdy' | 'dmy' = 'mdy') => Math.fround(parseDate(text, order));

describe('DateColumn take/settle', () => {
  it('take: a chunk\'s ambiguous values are final exactly when the column has proved its assumed order (M/D assumed)', () => {
    const column = new DateColumn('created', undefined);
    // Before any proof: the chunk with 3/5/2024 waits.
    const before = chunkOf(column, ['3/5/2024', '2024-01-02', '']);
    expect(before).toMatchObject({ ambiguous: [0], final: false });
    // The chunk holding the proof (5/25/2024 can only be M/D) is final, its ambiguous rows listed from 0.
    const proving = chunkOf(column, ['4/6/2024', '5/25/2024']);
    expect(proving).toMatchObject({ ambiguous: [0], final: true });
    // After the proof every chunk is final.
    expect(chunkOf(column, ['7/8/2024'])).toMatchObject({ ambiguous: [0], final: true });
    expect(proving.days).toEqual([day('4/6/2024'), day('5/25/2024')]);
  });

  it('take: a chunk without ambiguous values is final before any proof; one proving the other order is not final', () => {
    const column = new DateColumn('created', undefined);
    expect(chunkOf(column, ['2024-01-02', '', 'not a date'])).toMatchObject({ ambiguous: [], final: true });
    // 25/5/2024 proves D/M, the order not assumed: 3/5 may yet be read either way (mixed keeps M/D).
    expect(chunkOf(column, ['3/5/2024', '25/5/2024'])).toMatchObject({ ambiguous: [0], final: false });
    expect(chunkOf(column, ['3/6/2024'])).toMatchObject({ final: false });
  });

  it('take: with dateOrder dmy the column assumes D/M and a D/M proof makes chunks final', () => {
    const column = new DateColumn('created', 'dmy');
    const before = chunkOf(column, ['3/5/2024']);
    expect(before).toMatchObject({ ambiguous: [0], final: false });
    expect(before.days).toEqual([day('3/5/2024', 'dmy')]);
    expect(chunkOf(column, ['5/25/2024', '1/2/2024'])).toMatchObject({ final: false });
    expect(chunkOf(column, ['25/5/2024', '1/2/2024'])).toMatchObject({ ambiguous: [1], final: true });
  });

  it('settle swaps when the column proved the other order, not when it ends mixed or proved the assumed one', () => {
    const other = new DateColumn('created', undefined);
    chunkOf(other, ['3/5/2024']);
    chunkOf(other, ['25/5/2024']);
    expect(other.settle('leads.csv')).toEqual({ swap: true, warning: undefined, order: 'dmy' });

    const mixed = new DateColumn('created', undefined);
    chunkOf(mixed, ['3/5/2024', '25/5/2024']);
    chunkOf(mixed, ['5/25/2024']);
    const settled = mixed.settle('leads.csv');
    expect(settled).toMatchObject({ swap: false, order: 'mixed' });
    expect(settled.warning).toBe('leads.csv: column "created" has dates in both M/D and D/M order (1 prove M/D, 1 prove D/M); ambiguous ones read as M/D');

    const assumed = new DateColumn('created', undefined);
    chunkOf(assumed, ['3/5/2024', '5/25/2024']);
    expect(assumed.settle('leads.csv')).toEqual({ swap: false, warning: undefined, order: 'mdy' });

    // Assumed D/M (dateOrder dmy) and proved M/D: swap.
    const dmy = new DateColumn('created', 'dmy');
    chunkOf(dmy, ['3/5/2024', '5/25/2024']);
    expect(dmy.settle('leads.csv')).toEqual({ swap: true, warning: undefined, order: 'mdy' });
  });

  it('the ambiguous count in the warning counts every chunk, not the last', () => {
    const column = new DateColumn('created', undefined);
    chunkOf(column, ['3/5/2024', '4/5/2024']);
    chunkOf(column, ['2024-01-01']);
    chunkOf(column, ['6/7/2024']);
    expect(column.settle('leads.csv')).toEqual({
      swap: false,
      order: 'mdy (assumed)',
      warning: 'leads.csv: column "created": 3 dates like 3/5/2024 could be M/D or D/M; read as M/D (set --date-order or dateOrder in the rubric)',
    });
    // Configured, the same column says nothing.
    const configured = new DateColumn('created', 'mdy');
    chunkOf(configured, ['3/5/2024']);
    expect(configured.settle('leads.csv')).toEqual({ swap: false, warning: undefined, order: 'mdy' });
  });
});

// ---------------------------------------------------------------- leadChunks and settleChunk

const RUBRIC = `version: 1
preset: generic
leads:
  columns: { lastActivity: last_activity }
deals:
  won: [won]
  lost: [lost]
stages:
  - { key: lead, side: marketing, stallAfterDays: 30 }
  - { key: mql, side: marketing, stallAfterDays: 14, reachedWhen: { date: mql_date } }
  - { key: sql, side: sales, stallAfterDays: 7, reachedWhen: { status: [sql] } }
  - { key: opportunity, side: sales, stallAfterDays: 30, reachedWhen: { deal: any } }
  - { key: won, side: sales, reachedWhen: { deal: won } }
join: { lead: id, deal: lead }
score:
  signals:
    - { name: Big, points: 10, when: { employees: { gte: 100 } } }
  grades: { A: 10 }
  qualifiedGrade: A
`;

const LEAD_HEADER = ['id', 'email', 'source', 'created', 'status', 'owner', 'mql_date', 'last_activity', 'employees'];
const DEAL_HEADER = ['id', 'lead_id', 'stage', 'amount', 'created', 'close_date'];
type Row = Record<string, string>;

/** Plain leads: ISO dates, plain numbers; names long enough to be packed. */
function filler(from: number, count: number): Row[] {
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    const dd = String(1 + (n % 27)).padStart(2, '0');
    const mm = String(1 + (n % 11)).padStart(2, '0');
    return {
      id: `F${n}`,
      email: `someone.number.${n}@filler.org`,
      source: ['web', 'ads', 'partner', ''][n % 4]!,
      created: `2024-${mm}-${dd}`,
      status: ['new', 'mql', 'sql', 'unqualified'][n % 4]!,
      owner: ['Ana', 'Bo', ''][n % 3]!,
      mql_date: n % 3 === 0 ? `2024-${mm}-${dd}` : '',
      last_activity: `2024-${String(Math.min(12, 2 + (n % 11))).padStart(2, '0')}-${dd}`,
      employees: String((n * 37) % 400),
    };
  });
}

function csv(header: readonly string[], rows: readonly Row[]): string {
  return stringify([header, ...rows.map((r) => header.map((h) => r[h] ?? ''))]);
}

let cases = 0;
/** Writes a case's files into a folder of its own. */
function writeCase(leads: readonly Row[] | Buffer, deals?: readonly Row[]): { leads: string; deals?: string; rubric: string } {
  const dir = join(scratch, `case-${cases++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'leads.csv'), Buffer.isBuffer(leads) ? leads : csv(LEAD_HEADER, leads));
  if (deals) writeFileSync(join(dir, 'deals.csv'), csv(DEAL_HEADER, deals));
  writeFileSync(join(dir, 'rubric.yml'), RUBRIC);
  return { leads: join(dir, 'leads.csv'), ...(deals ? { deals: join(dir, 'deals.csv') } : {}), rubric: join(dir, 'rubric.yml') };
}

const AS_OF = parseDate('2024-12-31');

function options(run: Partial<LoadOptions>): LoadOptions {
  return { asOf: AS_OF, minN: 30, strict: false, keepRejects: true, stalledRows: true, groupDetail: true, cwd: noRubric, ...run };
}

/** The leads file read in chunks of `rows`, and read whole, through the run's own plan and rubric. */
async function readBoth(files: { leads: string; rubric: string }, rows: number, run: Partial<LoadOptions> = {}) {
  const prepared = await prepare(options({ ...files, ...run }));
  const chunks: LeadChunk[] = [];
  const streamed = await prepared.readSide('leads', (plan) => leadChunks(plan, prepared.rubric, prepared.mapOptions, rows, (chunk) => chunks.push(chunk)));
  const whole = await (await prepare(options({ ...files, ...run }))).readSide('leads', (plan) => leadSink(plan, prepared.rubric, prepared.mapOptions));
  return { chunks, streamed, whole };
}

/** Every field of every row of a table, as the rows read them (ids, texts, dates, stage dates, values, line). */
function rowsOf(table: LeadTable): Record<string, unknown>[] {
  return Array.from({ length: table.length }, (_, i) => {
    const lead = table.at(i) as unknown as Record<string, unknown>;
    const fields = Object.entries(LEAD_FIELD_KINDS).filter(([, kind]) => kind !== 'part');
    return {
      ...Object.fromEntries(fields.map(([field]) => [field, lead[field]])),
      line: lead.line,
      stageDates: lead.stageDates,
      values: lead.values,
    };
  });
}

describe('leadChunks', () => {
  it('hands on chunks of `rows` rows; the last is flagged last and final, and may be empty', async () => {
    const ten = writeCase(filler(0, 10));
    const { chunks } = await readBoth(ten, 3);
    expect(chunks.map((c) => [c.table.length, c.last, c.final])).toEqual([
      [3, false, true],
      [3, false, true],
      [3, false, true],
      [1, true, true],
    ]);
    const nine = writeCase(filler(0, 9));
    expect((await readBoth(nine, 3)).chunks.map((c) => [c.table.length, c.last])).toEqual([
      [3, false],
      [3, false],
      [3, false],
      [0, true],
    ]);
    // One chunk of everything when rows exceed the file.
    expect((await readBoth(ten, 100)).chunks.map((c) => [c.table.length, c.last])).toEqual([[10, true]]);
  });

  it('the chunks, put together, read as the whole file: every field, line and value', async () => {
    const files = writeCase(filler(0, 23));
    const { chunks, whole } = await readBoth(files, 4);
    expect(chunks.flatMap((c) => rowsOf(c.table))).toEqual(rowsOf(whole.read.leads));
  });

  it('duplicate ids are rejected across chunk boundaries, and a rejected row does not count toward a chunk', async () => {
    const rows = filler(0, 8);
    rows[6] = { ...rows[6]!, id: 'F1' };
    rows.push({ ...rows[7]!, id: 'F7' }); // duplicate of the row just before, in the next chunk
    const files = writeCase(rows);
    const { chunks, streamed, whole } = await readBoth(files, 3);
    // F1 again (line 8) and F7 again (line 10) are left out; the last chunk is F7 alone.
    expect(chunks.map((c) => Array.from({ length: c.table.length }, (_, i) => c.table.c.id.get(i)))).toEqual([['F0', 'F1', 'F2'], ['F3', 'F4', 'F5'], ['F7']]);
    expect(streamed.read.accounting.duplicates).toBe(2);
    expect(streamed.read.accounting.rejects.map((r) => r.line)).toEqual([8, 10]);
    expect(streamed.read.accounting.summary(0, 'utf-8', ',')).toEqual(whole.read.accounting.summary(0, 'utf-8', ','));
  });

  it('a chunk holding 1,234 in a column a condition compares as a number is not final; settleChunk gives it the decided mark', async () => {
    const rows = filler(0, 9);
    rows[1]!.employees = '1,234';
    rows[7]!.employees = '0,5'; // proves the decimal comma, in a later chunk
    const files = writeCase(rows);
    const { chunks, streamed, whole } = await readBoth(files, 3);
    // The chunk holding the proof is final (0,5 reads one way); the one holding 1,234 is not, and stays so.
    expect(chunks.map((c) => c.final)).toEqual([false, true, true, true]);
    expect(streamed.read.decided.marks).toEqual({ employees: ',' });
    expect(whole.read.leads.c.decimals).toEqual({ employees: ',' });
    expect(chunks[0]!.table.c.decimals).toEqual({});
    settleChunk(chunks[0]!, streamed.read.decided);
    expect(chunks[0]!.table.c.decimals).toEqual({ employees: ',' });
    // A column not compared as a number waits for nothing: 1,234 in `source` leaves chunks final.
    const inText = filler(0, 6);
    inText[1]!.source = '1,234';
    expect((await readBoth(writeCase(inText), 3)).chunks.map((c) => c.final)).toEqual([true, true, true]);
  });

  it('settleChunk swaps the ambiguous dates of a chunk read before the column proved D/M, as the whole read does', async () => {
    const rows = filler(0, 9);
    rows[0]!.created = '03/05/2024';
    rows[1]!.mql_date = '04/06/2024';
    rows[2]!.last_activity = '07/08/2024'; // never proved: stays M/D
    rows[4]!.created = '06/07/2024';
    rows[7]!.created = '25/05/2024'; // proves D/M for `created`
    rows[8]!.mql_date = '13/02/2024'; // and for `mql_date` (a stage's date)
    const files = writeCase(rows);
    const { chunks, streamed, whole } = await readBoth(files, 3);
    expect(chunks.map((c) => c.final)).toEqual([false, false, true, true]);
    // Per date column (created, last_activity, first touch, then the stages' dates): created and mql_date swap.
    const swapped = streamed.read.decided.swap.flatMap((swap, k) => (swap ? [k] : []));
    expect(swapped).toEqual([0, 3 + 1]);
    expect(streamed.read.dateOrders).toEqual(whole.read.dateOrders);
    // Before settling, the first chunk reads 03/05 as March 5.
    expect(chunks[0]!.table.c.created[0]).toBe(day('03/05/2024'));
    for (const chunk of chunks) if (!chunk.final) settleChunk(chunk, streamed.read.decided);
    expect(chunks[0]!.table.c.created[0]).toBe(day('03/05/2024', 'dmy'));
    expect(chunks.flatMap((c) => rowsOf(c.table))).toEqual(rowsOf(whole.read.leads));
    expect(streamed.read.accounting.warnings).toEqual(whole.read.accounting.warnings);
  });
});

// ---------------------------------------------------------------- pickLeads

describe('pickLeads', () => {
  it('the picked rows read exactly as the source rows: every field, stage dates and values, in the order picked', async () => {
    const rows = filler(0, 300); // more than a packed block (256 rows)
    rows[260]!.email = 'a.rather.long.address.to.copy@example.org';
    const { whole } = await readBoth(writeCase(rows), 1000);
    const table = whole.read.leads;
    const picked = [299, 0, 260, 5, 255, 256];
    const out = pickLeads(table, picked);
    expect(out.length).toBe(picked.length);
    const all = rowsOf(table);
    expect(rowsOf(out)).toEqual(picked.map((i) => all[i]));
    expect(pickLeads(table, []).length).toBe(0);
  });

  it('a picked cell is copied into columns of its own, not a view of the source block', async () => {
    const { whole } = await readBoth(writeCase(filler(0, 300)), 1000);
    const table = whole.read.leads;
    const out = pickLeads(table, [260]);
    // Fresh columns: the picked table holds no reference to the source's packed text.
    expect(out.c.email).not.toBe(table.c.email);
    expect(out.c.id).not.toBe(table.c.id);
    expect(out.c.values[0]).not.toBe(table.c.values[0]);
    expect(out.c.email.get(0)).toBe(table.c.email.get(260));
    expect(out.c.email.toJSON()).toEqual(['someone.number.260@filler.org']);
  });
});

// ---------------------------------------------------------------- LeadChecks

describe('LeadChecks', () => {
  it('far-future dates counted over tables added in any order give the count and the first line, as implausibleLeads on the whole table', async () => {
    const rows = filler(0, 20);
    rows[3]!.created = '2027-03-01';
    rows[7]!.created = '2028-01-01';
    rows[12]!.created = '2026-06-01';
    rows[15]!.last_activity = '2030-01-01';
    rows[9]!.mql_date = '2029-09-09';
    rows[18]!.mql_date = '2031-01-01';
    const { whole } = await readBoth(writeCase(rows), 1000);
    const table = whole.read.leads;
    const expected = implausibleLeads(whole.plan, table, AS_OF);
    expect(expected.map((x) => [x.check, x.count, x.line, x.example])).toEqual([
      ['dates over a year after the as-of date in "created"', 3, 5, '2027-03-01'],
      ['dates over a year after the as-of date in "last_activity"', 1, 17, '2030-01-01'],
      ['dates over a year after the as-of date in "mql_date"', 2, 11, '2029-09-09'],
    ]);
    const parts = [
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14],
      [15, 16, 17, 18, 19],
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }), (order) => {
        const checks = new LeadChecks(whole.plan, AS_OF);
        for (const k of order) checks.add(pickLeads(table, parts[k]!));
        expect(checks.found()).toEqual(expected);
      }),
      { numRuns: 24 },
    );
    // Rows out of order within one table too: the smallest line is still the first.
    const checks = new LeadChecks(whole.plan, AS_OF);
    checks.add(pickLeads(table, [12, 7, 3]));
    expect(checks.found()[0]).toMatchObject({ count: 3, line: 5, example: '2027-03-01' });
  });
});

// ---------------------------------------------------------------- threadPipeline through loadFacts

const ALL_FACT_REPORTS = Object.keys(reports) as ReportName[];

/** What a run gives that the reports and the CLI show (as test/stream.test.ts compares them). */
async function outcome(run: () => Promise<{ facts: AuditFacts; notices: readonly string[]; warnings: readonly string[]; rejects: readonly unknown[] }>) {
  const done = await run();
  return {
    reports: JSON.parse(JSON.stringify(buildReports(done.facts, ALL_FACT_REPORTS))) as unknown,
    verdicts: verdicts(done.facts),
    warnings: done.warnings,
    notices: done.notices,
    rejects: done.rejects,
    inputs: done.facts.inputs,
  };
}

/** threadPipeline, counting each beginning of the read and the chunks taken before it. */
function countingPipeline(): { reader: LeadsReader; begins: number[] } {
  const begins: number[] = [];
  let taken = 0;
  const inner = threadPipeline();
  const reader: LeadsReader = (job) => {
    const reading = inner(job)!;
    return {
      read: (onProgress, begin) =>
        reading.read(onProgress, (plan) => {
          begins.push(taken);
          const take = begin(plan);
          return (chunk) => {
            taken++;
            take(chunk);
          };
        }),
      cancel: () => reading.cancel(),
    };
  };
  return { reader, begins };
}

describe('threadPipeline through loadFacts', () => {
  const dir = join(root, 'fixtures', 'samples', 'hubspot');
  const asOf = parseDate((JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { asOf: string }).asOf);
  const hubspot = { leads: join(dir, 'contacts.csv'), deals: join(dir, 'deals.csv'), asOf };

  it.each([
    ['by channel', {}],
    ['--by owner, a window', { by: 'owner', since: asOf - 300, until: asOf - 30 }],
    ['with the rubric beside it', { cwd: dir }],
  ] as [string, Partial<LoadOptions>][])('the hubspot sample, %s: the same facts and warnings as load', async (_, run) => {
    const given = options({ ...hubspot, ...run });
    const expected = await outcome(() => load(given));
    for (const chunkRows of [1, 7, 50]) {
      const { reader, begins } = countingPipeline();
      expect(await outcome(() => loadFacts({ ...given, chunkRows, leadsReader: reader })), `chunkRows ${chunkRows}`).toEqual(expected);
      expect(begins).toEqual([0]);
    }
  });

  it('chunks that wait cross as they are: ambiguous dates proved late, 1,234 proved a decimal comma, a deal a later lead takes, a duplicate id', async () => {
    const rows = filler(0, 40);
    rows[0]!.created = '03/05/2024';
    rows[2]!.mql_date = '04/06/2024';
    rows[30]!.created = '25/05/2024';
    rows[1]!.employees = '1,234';
    rows[35]!.employees = '0,5';
    // In the last chunk, which the reader settles before it crosses: 1.05 employees, not 1050 (Big).
    rows[39]!.employees = '1,050';
    rows[20] = { ...rows[20]!, id: 'F4' };
    const deals: Row[] = [
      { id: 'D1', lead_id: 'F33;F2', stage: 'won', amount: '100', created: '2024-03-01', close_date: '2024-04-01' },
      { id: 'D2', lead_id: 'F0', stage: 'won', amount: '0.10', created: '2024-03-01', close_date: '2024-04-01' },
      { id: 'D3', lead_id: 'X;F5', stage: 'lost', amount: '20', created: '2024-03-01', close_date: '2024-04-01' },
    ];
    const files = writeCase(rows, deals);
    for (const run of [{}, { since: parseDate('2024-04-01') }, { by: 'employees' }] as Partial<LoadOptions>[]) {
      const given = options({ ...files, ...run });
      const expected = await outcome(() => load(given));
      for (const chunkRows of [1, 4, 13, 16]) {
        const { reader, begins } = countingPipeline();
        expect(await outcome(() => loadFacts({ ...given, chunkRows, leadsReader: reader })), `chunkRows ${chunkRows}`).toEqual(expected);
        expect(begins).toEqual([0]);
      }
    }
  });

  it('a leads file that turns out not to be UTF-8 after chunks were handed on gives the facts load gives, in this thread and through threadPipeline', async () => {
    const rows = filler(0, 120);
    rows[100]!.owner = 'Andr\u00e9';
    rows[110]!.source = 'caf\u00e9';
    // Windows-1252 bytes: é is 0xE9, past the first 4 KiB the encoding is judged on.
    const bytes = Buffer.from(csv(LEAD_HEADER, rows), 'latin1');
    expect(bytes.indexOf(0xe9)).toBeGreaterThan(4096);
    const deals: Row[] = [
      { id: 'D1', lead_id: 'F100', stage: 'won', amount: '100', created: '2024-03-01', close_date: '2024-04-01' },
      { id: 'D2', lead_id: 'F3;F110', stage: 'won', amount: '250.50', created: '2024-05-01', close_date: '2024-06-01' },
      { id: 'D3', lead_id: 'F110;F3', stage: 'lost', amount: '10', created: '2024-05-01', close_date: '2024-06-01' },
      { id: 'D4', lead_id: 'NOBODY', stage: 'open', amount: '5', created: '2024-05-01', close_date: '' },
    ];
    const files = writeCase(bytes, deals);
    const given = options({ ...files, chunkSize: 1024 });
    const expected = await outcome(() => load(given));
    expect(expected.warnings).toContainEqual(expect.stringMatching(/not valid UTF-8; read as Windows-1252/));
    expect(JSON.stringify(expected.reports)).toContain('caf\u00e9');

    // In this thread: the read begins again after chunks of 3 were handed on.
    const prepared = await prepare(given);
    const begun: number[] = [];
    let handed = 0;
    await prepared.readSide('leads', (plan) => {
      begun.push(handed);
      return leadChunks(plan, prepared.rubric, prepared.mapOptions, 3, () => handed++);
    });
    expect(begun.length).toBe(2);
    expect(begun[1]).toBeGreaterThan(20 / 3);
    expect(await outcome(() => loadFacts({ ...given, chunkRows: 3 }))).toEqual(expected);

    // Through threadPipeline: the same, and the pipeline saw the read begin again.
    for (const chunkRows of [3, 16]) {
      const { reader, begins } = countingPipeline();
      expect(await outcome(() => loadFacts({ ...given, chunkRows, leadsReader: reader })), `chunkRows ${chunkRows}`).toEqual(expected);
      expect(begins.length).toBe(2);
      expect(begins[1]).toBeGreaterThan(20 / chunkRows);
    }
  });
});
