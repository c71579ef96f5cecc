/**
 * The streaming engine (src/engine/stream.ts, issue 14) against the in-memory load, as a
 * differential test: for every input here, `loadFacts` with chunks of 1, 7 and 64 leads and with
 * its default must give what `load` gives — every report built from facts (as JSON, byte for
 * byte), the verdicts, the warnings, notices and rejects, and the row accounting — or fail with
 * the same error. Chunks are what can go wrong: a lead classified before its date or number
 * column decided how it is written, a deal credited before the lead of its first key was read, a
 * group counted in another order. So the inputs are the bundled exports and hand-written files
 * built to have exactly those: ambiguous D/M dates and `1,234` numbers proved late, deals whose
 * second key's lead comes first, shared keys, duplicate and missing ids, and --since/--until.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { load, type LoadOptions } from '../src/load.js';
import { loadFacts } from '../src/engine/stream.js';
import { buildReports, reports, type ReportName } from '../src/reports/index.js';
import { verdicts } from '../src/reports/verdicts.js';
import { parseDate } from '../src/data/normalize.js';
import type { AuditFacts } from '../src/engine/facts.js';
import type { RejectedRow } from '../src/data/map.js';
import { generate, PRESET_KEYS } from '../scripts/generate-samples.js';
import { buildExport, SHAPES, type Shape } from '../scripts/generate-exports.js';

const root = resolve(import.meta.dirname, '..');

/** Every report in the registry is built from facts alone (src/reports/index.ts). */
const ALL_FACT_REPORTS = Object.keys(reports) as ReportName[];

/** Chunk sizes each input is streamed with; undefined is the engine's default (32768: one chunk here). */
const CHUNKS = [1, 7, 64, undefined] as const;

const scratch = mkdtempSync(join(tmpdir(), 'leadaudit-stream-diff-'));
/** A folder without leadaudit.yml, so a run without --rubric detects its preset from the headers. */
const noRubric = join(scratch, 'no-rubric');
mkdirSync(noRubric);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Run = Partial<LoadOptions> & Pick<LoadOptions, 'asOf'>;

function options(run: Run): LoadOptions {
  return { minN: 30, strict: false, keepRejects: true, stalledRows: true, groupDetail: true, cwd: noRubric, ...run };
}

/** What a run gives that the reports and the CLI show, or the error it stops with. */
interface Outcome {
  readonly error?: string;
  readonly reports?: string;
  readonly verdicts?: unknown;
  readonly warnings?: readonly string[];
  readonly notices?: readonly string[];
  readonly rejects?: readonly RejectedRow[];
  readonly inputs?: AuditFacts['inputs'];
}

interface FactsRun {
  readonly facts: AuditFacts;
  readonly notices: readonly string[];
  readonly warnings: readonly string[];
  readonly rejects: readonly RejectedRow[];
}

async function outcome(run: () => Promise<FactsRun>): Promise<Outcome> {
  let loaded: FactsRun;
  let facts: AuditFacts;
  try {
    loaded = await run();
    facts = loaded.facts;
  } catch (error) {
    // A run that stops must stop alike (no leads in the window, no usable rows): the error is the outcome.
    if (!(error instanceof Error)) throw error;
    return { error: `${error.name}: ${error.message}` };
  }
  return {
    reports: JSON.stringify(buildReports(facts, ALL_FACT_REPORTS)),
    verdicts: verdicts(facts),
    warnings: loaded.warnings,
    notices: loaded.notices,
    rejects: loaded.rejects,
    inputs: facts.inputs,
  };
}

interface Expect {
  /** Chunk sizes to stream with (CHUNKS when not given). */
  readonly chunks?: readonly (number | undefined)[];
  /** The error the in-memory run stops with; without it the run must not stop (a case that fails at once tests nothing). */
  readonly fails?: RegExp;
  /** Either way, for generated inputs whose outcome is not known beforehand. */
  readonly mayFail?: boolean;
}

/**
 * The streamed runs of `run`, one per chunk size, each equal to the in-memory one. Returns the
 * in-memory outcome, so a case can show that it has what it is about (a warning, a notice).
 */
async function expectSameAsLoad(run: Run, check: Expect = {}): Promise<Outcome> {
  const given = options(run);
  const expected = await outcome(() => load(given));
  if (check.fails) expect(expected.error).toMatch(check.fails);
  else if (!check.mayFail) expect(expected.error, 'the in-memory run stops').toBeUndefined();
  const chunks = check.chunks ?? CHUNKS;
  for (const chunkRows of chunks) {
    const streamed = await outcome(() => loadFacts(chunkRows === undefined ? given : { ...given, chunkRows }));
    const label = `chunkRows ${chunkRows ?? 'default'}`;
    // Parsed first, for a readable diff; then as text, so key order counts too.
    if (expected.reports !== undefined && streamed.reports !== undefined) {
      expect(JSON.parse(streamed.reports), `${label}: reports`).toEqual(JSON.parse(expected.reports));
    }
    expect(streamed, label).toEqual(expected);
  }
  return expected;
}

// ---------------------------------------------------------------- the bundled sample exports

const SAMPLES = {
  hubspot: { leads: 'contacts.csv', deals: 'deals.csv', column: 'Industry', person: 'Email' },
  pipedrive: { leads: 'persons.csv', deals: 'deals.csv', column: 'Person - Organization', person: 'Person - Name' },
  salesforce: { leads: 'leads.csv', deals: 'opportunities.csv', column: 'Industry', person: 'Email' },
} as const;

/** Days before as-of, as a day number. */
const before = (asOf: number, days: number) => asOf - days;

describe.each(Object.keys(SAMPLES) as (keyof typeof SAMPLES)[])('the %s sample', (name) => {
  const dir = join(root, 'fixtures', 'samples', name);
  const sample = SAMPLES[name];
  const asOf = parseDate((JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { asOf: string }).asOf);
  const files = { leads: join(dir, sample.leads), deals: join(dir, sample.deals), asOf };

  it.each([
    ['by channel', {}],
    ['--by owner', { by: 'owner' }],
    ['--by source', { by: 'source' }],
    ['--by a column', { by: sample.column }],
    ['--since/--until', { since: before(asOf, 400), until: before(asOf, 60) }],
    ['--since only, --by owner', { since: before(asOf, 120), by: 'owner' }],
    ['--redact', { redact: true }],
    ['--redact --by a person column', { redact: true, by: sample.person }],
  ] as [string, Partial<LoadOptions>][])('%s', async (_, run) => {
    await expectSameAsLoad({ ...files, ...run });
  });

  it('a window without leads stops alike', async () => {
    await expectSameAsLoad({ ...files, since: parseDate('1990-01-01'), until: parseDate('1990-12-31') }, { fails: /no leads created from 1990-01-01 until 1990-12-31/ });
  });

  it('leads only, and deals only', async () => {
    await expectSameAsLoad({ leads: files.leads, asOf });
    await expectSameAsLoad({ deals: files.deals, asOf, by: 'owner' });
  });
});

it('the hubspot sample with the rubric found beside it (signals, grades, alerts)', async () => {
  const dir = join(root, 'fixtures', 'samples', 'hubspot');
  const asOf = parseDate('2025-06-30');
  await expectSameAsLoad({ leads: join(dir, 'contacts.csv'), deals: join(dir, 'deals.csv'), asOf, cwd: dir });
  await expectSameAsLoad({ leads: join(dir, 'contacts.csv'), deals: join(dir, 'deals.csv'), asOf, cwd: dir, by: 'Job Title', since: parseDate('2025-01-01') });
});

// ---------------------------------------------------------------- the planted-effect exports

describe.each(['planted', 'control', 'sales-gap', 'horizon'])('the %s planted export', (scenario) => {
  const dir = join(root, 'fixtures', 'planted', scenario);
  const asOf = parseDate('2025-06-30');
  // The horizon export has its own rubric (scripts/generate-horizon.ts), with horizonDays.
  const rubric = scenario === 'horizon' ? join(dir, 'rubric.yml') : join(root, 'fixtures', 'planted', 'rubric.yml');
  const files = { leads: join(dir, 'leads.csv'), deals: join(dir, 'deals.csv'), rubric, asOf };

  it.each([
    ['by channel', {}],
    ['--by owner', { by: 'owner' }],
    ['--by source', { by: 'source' }],
    ['--by a column', { by: 'title' }],
    ['--since/--until', { since: parseDate('2024-10-01'), until: parseDate('2025-03-31') }],
    ['--redact --by email', { redact: true, by: 'email' }],
  ] as [string, Partial<LoadOptions>][])('%s', async (_, run) => {
    await expectSameAsLoad({ ...files, ...run });
  });
});

// ---------------------------------------------------------------- realistic export shapes

interface ExportExpected {
  asOf: string;
  leads: { name: string } | null;
  deals: { name: string } | null;
}

const exportsDir = join(root, 'fixtures', 'exports');

/** A shape's files, read with the rubric `init` writes for it (test/golden/init/, as test/init-exports.test.ts reviews it). */
function exportRun(shape: Shape, dir = join(exportsDir, shape)): Run {
  const expected = JSON.parse(readFileSync(join(exportsDir, shape, 'expected.json'), 'utf8')) as ExportExpected;
  return {
    leads: expected.leads ? join(dir, expected.leads.name) : undefined,
    deals: expected.deals ? join(dir, expected.deals.name) : undefined,
    rubric: join(root, 'test', 'golden', 'init', `${shape}.yml`),
    asOf: parseDate(expected.asOf),
  };
}

describe.each(SHAPES)('the %s export', (shape) => {
  const run = exportRun(shape);

  it.each([
    ['with its rubric', {}],
    ['--by owner', { by: 'owner' }],
    ['--since/--until', { since: parseDate('2024-06-01'), until: parseDate('2025-06-30') }],
    ['--redact', { redact: true }],
  ] as [string, Partial<LoadOptions>][])('%s', async (_, extra) => {
    await expectSameAsLoad({ ...run, ...extra });
  });

  it('with the preset detected from its headers', async () => {
    // A file without a header row needs the rubric's leads.header: without it the run stops, alike.
    await expectSameAsLoad({ ...run, rubric: undefined }, shape === 'vtiger-headerless' ? { fails: /the first row looks like data/ } : {});
  });
});

// ---------------------------------------------------------------- hand-written inputs

const RUBRIC = (joinRule: string) => `version: 1
preset: generic
leads:
  columns: { lastActivity: last_activity }
deals:
  won: [won]
  lost: [lost]
  stages:
    - { value: discovery, stallAfterDays: 20 }
    - { value: proposal, stallAfterDays: 10 }
stages:
  - { key: lead, side: marketing, stallAfterDays: 30 }
  - { key: mql, side: marketing, stallAfterDays: 14, reachedWhen: { date: mql_date } }
  - { key: sql, side: sales, stallAfterDays: 7, reachedWhen: { status: [sql] } }
  - { key: opportunity, side: sales, stallAfterDays: 30, reachedWhen: { deal: any } }
  - { key: won, side: sales, reachedWhen: { deal: won } }
disqualified: { status: { eq: unqualified } }
score:
  signals:
    - { name: Big, points: 10, when: { employees: { gte: 100 } } }
    - { name: Big share, points: 5, when: { share: { gt: 2 } } }
    - { name: Mixed, points: 3, when: { visits: { gt: 2 } } }
  grades: { A: 10, B: 5 }
  qualifiedGrade: B
${joinRule}
`;

const LEAD_HEADER = ['id', 'email', 'source', 'created', 'status', 'owner', 'mql_date', 'last_activity', 'employees', 'share', 'visits'];
const DEAL_HEADER = ['id', 'lead_id', 'email', 'stage', 'amount', 'created', 'close_date', 'owner'];

type Row = Record<string, string>;

/** Plain leads between the rows a case is about, so those land in different chunks: ISO dates, plain numbers. */
function filler(from: number, count: number): Row[] {
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    const day = String(1 + (n % 27)).padStart(2, '0');
    const month = String(1 + (n % 11)).padStart(2, '0');
    return {
      id: `F${n}`,
      email: `f${n}@filler.org`,
      source: ['web', 'ads', 'partner', ''][n % 4]!,
      created: `2024-${month}-${day}`,
      status: ['new', 'mql', 'sql', 'unqualified'][n % 4]!,
      owner: ['Ana', 'Bo', ''][n % 3]!,
      mql_date: n % 3 === 0 ? `2024-${month}-${day}` : '',
      last_activity: `2024-${String(Math.min(12, 2 + (n % 11))).padStart(2, '0')}-${day}`,
      employees: String((n * 37) % 400),
      share: n % 5 === 0 ? '0' : '1',
      visits: String(n % 6),
    };
  });
}

function csv(header: readonly string[], rows: readonly Row[]): string {
  return stringify([header, ...rows.map((r) => header.map((h) => r[h] ?? ''))]);
}

/** Writes a case's files into its own folder; returns the paths. */
function writeCase(name: string, leads: readonly Row[], deals: readonly Row[] | null, rubric: string): { leads: string; deals?: string; rubric: string } {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'leads.csv'), csv(LEAD_HEADER, leads));
  if (deals !== null) writeFileSync(join(dir, 'deals.csv'), csv(DEAL_HEADER, deals));
  writeFileSync(join(dir, 'rubric.yml'), rubric);
  return { leads: join(dir, 'leads.csv'), ...(deals === null ? {} : { deals: join(dir, 'deals.csv') }), rubric: join(dir, 'rubric.yml') };
}

const AS_OF = parseDate('2024-12-31');

describe('hand-written inputs', () => {
  // D/M dates: `created` is ambiguous (03/05/2024 is 3 May or 5 March) until row 40 proves D/M;
  // `mql_date` proves both orders (mixed: ambiguous cells stay M/D); `last_activity` is never
  // proved (read as M/D, with a warning). A window on April cuts through the ambiguous dates.
  const dmLeads = (): Row[] => {
    const rows = filler(0, 60).map((r) => ({ ...r, created: '', mql_date: '', last_activity: '' }));
    rows.forEach((r, i) => {
      const a = String(1 + (i % 12)).padStart(2, '0');
      const b = String(1 + ((i * 5) % 12)).padStart(2, '0');
      r.created = `${a}/${b}/2024`;
      r.mql_date = i % 2 === 0 ? `${b}/${a}/2024` : '';
      r.last_activity = `${b}/${a}/2024`;
    });
    rows[40]!.created = '25/05/2024';
    rows[5]!.mql_date = '13/02/2024';
    rows[50]!.mql_date = '02/13/2024';
    rows[55]!.created = '';
    rows[56]!.created = '31/02/2024';
    return rows;
  };
  // Won amounts whose sum depends on the order they are added (0.1 + 0.2 + 2.2 is 2.5, 2.2 + 0.1 +
  // 0.2 is 2.5000000000000004): F59's chunk is final once row 40 proved D/M, F3's and F20's are not.
  const dmDeals: Row[] = [
    { id: 'D1', lead_id: 'F3', stage: 'won', amount: '0.10', created: '04/03/2024', close_date: '05/06/2024', owner: 'Ana' },
    { id: 'D2', lead_id: 'F41', stage: 'discovery', amount: '300', created: '07/08/2024', close_date: '', owner: 'Bo' },
    { id: 'D3', lead_id: 'F12', stage: 'lost', amount: '99.99', created: '10/10/2024', close_date: '11/11/2024', owner: 'Ana' },
    { id: 'D4', lead_id: 'F59', stage: 'won', amount: '2.20', created: '01/02/2024', close_date: '02/03/2024', owner: '' },
    { id: 'D5', lead_id: 'F20', stage: 'won', amount: '0.20', created: '03/02/2024', close_date: '04/03/2024', owner: 'Bo' },
  ];

  it('D/M dates proved late, a mixed column, a column never proved', async () => {
    const files = writeCase('dm-dates', dmLeads(), dmDeals, RUBRIC(''));
    const { warnings } = await expectSameAsLoad({ ...files, asOf: AS_OF });
    // created proved D/M (no warning); mql_date mixed; last_activity assumed M/D.
    expect(warnings!.filter((w) => /dates like|both M\/D and D\/M/.test(w) && /leads\.csv/.test(w)).map((w) => w.replace(/.*column "(\w+)".*/, '$1'))).toEqual(['last_activity', 'mql_date']);
    await expectSameAsLoad({ ...files, asOf: AS_OF, since: parseDate('2024-04-01'), until: parseDate('2024-09-30') });
    await expectSameAsLoad({ ...files, asOf: AS_OF, by: 'owner', since: parseDate('2024-02-01') });
    await expectSameAsLoad({ ...files, asOf: AS_OF, dateOrder: 'dmy' });
    await expectSameAsLoad({ ...files, asOf: AS_OF, dateOrder: 'mdy', since: parseDate('2024-04-01') });
  });

  // `created` never proved: every chunk is ambiguous to the end. `mql_date` proves M/D (the
  // order assumed) first and D/M later: mixed, which reads the ambiguous cells as assumed too.
  it('D/M dates never proved, and a column that proves the assumed order before turning mixed', async () => {
    const rows = dmLeads().map((r) => (r.created === '25/05/2024' ? { ...r, created: '05/05/2024' } : r));
    rows[5]!.mql_date = '02/13/2024';
    rows[50]!.mql_date = '13/02/2024';
    const files = writeCase('dm-unproved', rows, dmDeals, RUBRIC(''));
    const { warnings } = await expectSameAsLoad({ ...files, asOf: AS_OF, since: parseDate('2024-04-01') });
    expect(warnings).toContainEqual(expect.stringMatching(/column "created": 58 dates like 3\/5\/2024 could be M\/D or D\/M/));
    expect(warnings).toContainEqual(expect.stringMatching(/column "mql_date" has dates in both M\/D and D\/M order/));
  });

  // Numbers a condition compares: `employees` holds 1,234 (1234, or 1.234 once a comma is proved)
  // until 0,5 proves the decimal comma; `share` holds 1,234-style values and nothing that decides
  // (read as thousands, with a warning); `visits` proves the comma first (1,500 would be 1.5) and
  // the point later: mixed, so 1,500 is 1500 after all.
  it('1,234 and 0,5 in number columns the signals compare', async () => {
    const rows = filler(0, 50);
    rows[1]!.employees = '1,234';
    rows[8]!.employees = '2,500';
    rows[30]!.employees = '0,5';
    rows[45]!.employees = '150,000';
    rows[2]!.share = '1,234';
    rows[20]!.share = '2,500';
    rows[3]!.visits = '2,5';
    rows[20]!.visits = '1,500';
    rows[40]!.visits = '1,234.5';
    const deals = [
      { id: 'D1', lead_id: 'F1', stage: 'won', amount: '1.234,56', created: '2024-03-01', close_date: '2024-04-01', owner: 'Ana' },
      { id: 'D2', lead_id: 'F30', stage: 'won', amount: '2.000', created: '2024-03-01', close_date: '2024-05-01', owner: 'Bo' },
      { id: 'D3', lead_id: 'F45', stage: 'proposal', amount: '10,5', created: '2024-11-01', close_date: '', owner: 'Bo' },
    ];
    const files = writeCase('numbers', rows, deals, RUBRIC(''));
    const { warnings } = await expectSameAsLoad({ ...files, asOf: AS_OF });
    expect(warnings!.map((w) => w.replace(/.*column "(\w+)"(:| has) .*/, '$1'))).toEqual(['share', 'visits']);
    await expectSameAsLoad({ ...files, asOf: AS_OF, by: 'employees' });
    await expectSameAsLoad({ ...files, asOf: AS_OF, strict: true });
    // Proved the other way: a decimal point after the ambiguous values.
    rows[30]!.employees = '0.5';
    const point = writeCase('numbers-point', rows, deals, RUBRIC(''));
    await expectSameAsLoad({ ...point, asOf: AS_OF });
  });

  // The join: deal D1's cell names a@x.com first and b@x.com second, and b's lead comes first in
  // the file (it holds the deal only until a's lead is read, under join.shared: first); two leads
  // hold shared@x.com; a duplicate id, rows without an id, deals that match no lead, and deals of
  // leads that --since/--until leave out.
  const joinLeads = (): Row[] => {
    const rows = filler(0, 80);
    rows[2] = { ...rows[2]!, id: 'LB', email: 'b@x.com' };
    rows[61] = { ...rows[61]!, id: 'LA', email: 'a@x.com' };
    rows[10] = { ...rows[10]!, id: 'LS1', email: 'shared@x.com' };
    rows[70] = { ...rows[70]!, id: 'LS2', email: 'Shared@X.com ' };
    rows[15] = { ...rows[15]!, id: 'LB', email: 'dup@x.com' };
    rows[20] = { ...rows[20]!, id: '', email: 'noid@x.com' };
    rows[75] = { ...rows[75]!, id: '', email: '' };
    rows[30] = { ...rows[30]!, id: 'LOLD', email: 'old@x.com', created: '2023-02-01' };
    rows[31] = { ...rows[31]!, id: 'LNEW', email: 'new@x.com', created: '' };
    return rows;
  };
  const joinDeals = (): Row[] => [
    { id: 'D1', lead_id: 'LA;LB', email: 'a@x.com;b@x.com', stage: 'won', amount: '1000.10', created: '2024-02-01', close_date: '2024-03-01', owner: 'Ana' },
    { id: 'D2', lead_id: 'LS1', email: 'shared@x.com', stage: 'won', amount: '500.25', created: '2024-04-01', close_date: '2024-05-01', owner: 'Bo' },
    { id: 'D3', lead_id: 'NOBODY', email: 'nobody@x.com', stage: 'lost', amount: '10', created: '2024-06-01', close_date: '2024-06-20', owner: 'Bo' },
    { id: 'D4', lead_id: 'LOLD', email: 'old@x.com', stage: 'won', amount: '70.70', created: '2023-03-01', close_date: '2023-04-01', owner: 'Ana' },
    { id: 'D5', lead_id: '', email: '', stage: 'discovery', amount: '', created: '2023-01-01', close_date: '', owner: '' },
    { id: 'D6', lead_id: '', email: '', stage: 'won', amount: '42.42', created: '2024-07-01', close_date: '2024-07-02', owner: 'Ana' },
    { id: 'D7', lead_id: 'LB', email: 'b@x.com', stage: 'proposal', amount: '0.10', created: '2024-11-01', close_date: '', owner: 'Ana' },
    { id: 'D8', lead_id: 'F79;LA', email: 'f79@filler.org;a@x.com', stage: 'won', amount: '0.20', created: '2024-08-01', close_date: '2024-09-01', owner: 'Bo' },
    { id: 'D9', lead_id: 'LNEW', email: 'new@x.com', stage: 'lost', amount: '5', created: '2024-08-01', close_date: '2024-09-01', owner: 'Bo' },
    { id: 'D10', lead_id: 'F5', email: 'f5@filler.org', stage: 'won', amount: '0.70', created: '2024-09-01', close_date: '2024-10-01', owner: '' },
  ];
  const windows: Partial<LoadOptions>[] = [{}, { since: parseDate('2024-01-01') }, { since: parseDate('2024-03-01'), until: parseDate('2024-08-31'), by: 'owner' }, { by: 'source', redact: true }];

  it.each([
    ['by id, join.shared: first', 'join: { lead: id, deal: lead, shared: first }'],
    ['by id, join.shared: all', 'join: { lead: id, deal: lead, shared: all }'],
    ['by email, join.shared: first', 'join: { lead: email, deal: leadEmail, shared: first }'],
    ['by email, join.shared: all', 'join: { lead: email, deal: leadEmail, shared: all }'],
    ['by email, join.shared left to the default', 'join: { lead: email, deal: leadEmail }'],
  ])('the join %s: several keys in a cell, shared keys, duplicate and missing ids, windows', async (name, joinRule) => {
    const files = writeCase(`join-${name.replace(/\W+/g, '-')}`, joinLeads(), joinDeals(), RUBRIC(joinRule));
    for (const w of windows) {
      const { inputs, notices, warnings } = await expectSameAsLoad({ ...files, asOf: AS_OF, ...w });
      expect(inputs!.leads).toMatchObject({ rejected: 1, duplicates: 1 });
      expect([...notices!, ...warnings!]).toContainEqual(expect.stringMatching(/deals matched several leads/));
    }
  });

  it('standard input is read once, also when join.shared: all sends the run to the whole-file read', async () => {
    const files = writeCase('join-stdin', joinLeads(), joinDeals(), RUBRIC('join: { lead: id, deal: lead, shared: all }'));
    const bytes = readFileSync(files.leads);
    // Standard input can be read once: a second read gets nothing.
    const once = () => {
      let read = false;
      return () => Promise.resolve(read ? Buffer.alloc(0) : ((read = true), bytes));
    };
    const expected = await outcome(() => load(options({ ...files, leads: '-', asOf: AS_OF, stdin: once() })));
    expect(expected.error).toBeUndefined();
    expect(await outcome(() => loadFacts(options({ ...files, leads: '-', asOf: AS_OF, stdin: once() })))).toEqual(expected);
  });

  it('a join key whose leads are ambiguous-dated and outside the window only once the column decides', async () => {
    const rows = joinLeads();
    rows[61]!.created = '03/05/2024'; // LA: March 5 until row 79 proves D/M, then May 3
    rows[2]!.created = '04/06/2024'; // LB
    rows[79]!.created = '20/06/2024';
    const files = writeCase('join-dm', rows, joinDeals(), RUBRIC('join: { lead: email, deal: leadEmail, shared: first }'));
    await expectSameAsLoad({ ...files, asOf: AS_OF, since: parseDate('2024-04-01') });
    await expectSameAsLoad({ ...files, asOf: AS_OF, until: parseDate('2024-04-01') });
  });

  it('every row rejected or skipped: no usable rows, and no leads in the window', async () => {
    const files = writeCase('no-leads', filler(0, 20), joinDeals(), RUBRIC(''));
    await expectSameAsLoad({ ...files, asOf: AS_OF, since: parseDate('2030-01-01') }, { fails: /no leads created from 2030-01-01/ });
    const rejected = writeCase('all-rejected', [], null, RUBRIC(''));
    writeFileSync(rejected.leads, `${LEAD_HEADER.join(',')}\nL1,a@x.com\nL2\n${','.repeat(LEAD_HEADER.length - 1)}\n`);
    await expectSameAsLoad({ ...rejected, asOf: AS_OF }, { fails: /leads\.csv: no usable rows \(3 read: 2 too few cells, 1 blank/ });
    const sameId = writeCase('same-id', filler(0, 9).map((r) => ({ ...r, id: 'SAME' })), null, RUBRIC(''));
    const { inputs } = await expectSameAsLoad({ ...sameId, asOf: AS_OF });
    expect(inputs!.leads).toMatchObject({ used: 1, rejected: 8 });
  });

  it('--strict and --spend', async () => {
    const files = writeCase('strict-spend', joinLeads(), joinDeals(), RUBRIC(''));
    const spend = join(scratch, 'strict-spend', 'spend.csv');
    writeFileSync(spend, 'channel,spend\nweb,"1,500"\nads,200.50\npaid,10\n');
    await expectSameAsLoad({ ...files, asOf: AS_OF, spend });
    await expectSameAsLoad({ ...files, asOf: AS_OF, strict: true }, { fails: /line 17: duplicate id \(--strict\)/ });
  });
});

// ---------------------------------------------------------------- properties over generated exports

const date = (style: 'iso' | 'dmy' | 'mdy') =>
  fc.oneof(
    { weight: 6, arbitrary: fc.date({ min: new Date('2024-01-01'), max: new Date('2024-12-30'), noInvalidDate: true }).map((d) => formatDay(d, style)) },
    { weight: 1, arbitrary: fc.constantFrom('', 'not a date') },
  );

function formatDay(d: Date, style: 'iso' | 'dmy' | 'mdy'): string {
  const [y, m, day] = d.toISOString().slice(0, 10).split('-');
  return style === 'iso' ? `${y}-${m}-${day}` : style === 'dmy' ? `${day}/${m}/${y}` : `${m}/${day}/${y}`;
}

const leadRow = (style: 'iso' | 'dmy' | 'mdy') =>
  fc.record({
    id: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 150 }).map((n) => `L${n}`) }, { weight: 1, arbitrary: fc.constant('') }),
    email: fc.constantFrom('a@x.com', 'b@gmail.com', '', 'C@Y.org', 'd@x.com'),
    source: fc.constantFrom('web', 'partner', 'ads', '', '=cmd()'),
    created: date(style),
    status: fc.constantFrom('new', 'mql', 'sql', 'customer', 'unqualified', ''),
    owner: fc.constantFrom('Ana', 'Bo', ''),
    mql_date: date(style),
    last_activity: date(style),
    employees: fc.constantFrom('', '5', '120', '1,200', '0,5', '1.5', 'many'),
    share: fc.constantFrom('', '0.5', '2', '1,234'),
    visits: fc.constantFrom('', '1', '3', '2,5'),
  });

const dealRow = (style: 'iso' | 'dmy' | 'mdy') =>
  fc.record({
    id: fc.integer({ min: 1, max: 80 }).map((n) => `D${n}`),
    lead_id: fc.oneof(fc.integer({ min: 1, max: 160 }).map((n) => `L${n}`), fc.constant('L1;L2'), fc.constant('L90;L3'), fc.constant('')),
    email: fc.constantFrom('a@x.com', 'b@gmail.com;a@x.com', 'd@x.com', ''),
    stage: fc.constantFrom('discovery', 'proposal', 'won', 'lost', 'weird'),
    amount: fc.constantFrom('', '100', '$2,500.00', '1.234,56', '0.10', 'n/a'),
    created: date(style),
    close_date: date(style),
    owner: fc.constantFrom('Ana', 'Bo', ''),
  });

const JOINS = ['', 'join: { lead: id, deal: lead, shared: all }', 'join: { lead: email, deal: leadEmail }', 'join: { lead: email, deal: leadEmail, shared: all }'];

describe('properties', () => {
  it('random exports: any chunk size gives what the in-memory load gives', async () => {
    let run = 0;
    const input = fc.constantFrom('iso', 'dmy', 'mdy').chain((style) =>
      fc.record({
        style: fc.constant(style),
        leads: fc.array(leadRow(style), { minLength: 10, maxLength: 80 }),
        deals: fc.array(dealRow(style), { minLength: 1, maxLength: 30 }),
        join: fc.constantFrom(...JOINS),
        since: fc.option(fc.constantFrom('2024-02-01', '2024-05-01'), { nil: undefined }),
        until: fc.option(fc.constantFrom('2024-10-31'), { nil: undefined }),
        by: fc.option(fc.constantFrom('owner', 'source', 'employees', 'email'), { nil: undefined }),
        chunkRows: fc.integer({ min: 1, max: 40 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(input, async (x) => {
        const files = writeCase(`random-${run++}`, x.leads, x.deals, RUBRIC(x.join));
        await expectSameAsLoad(
          { ...files, asOf: AS_OF, since: x.since && parseDate(x.since), until: x.until && parseDate(x.until), by: x.by, redact: x.by === 'email' },
          // A window can leave no lead, or every deal row be noise: such a run must stop alike.
          { chunks: [x.chunkRows, 1, undefined], mayFail: true },
        );
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it('generated CRM exports (scripts/generate-samples.ts): any chunk size gives what the in-memory load gives', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          preset: fc.constantFrom(...PRESET_KEYS),
          seed: fc.integer({ min: 1, max: 10_000 }),
          leads: fc.integer({ min: 30, max: 400 }),
          clean: fc.boolean(),
          chunkRows: fc.integer({ min: 1, max: 300 }),
          by: fc.option(fc.constantFrom('owner', 'source'), { nil: undefined }),
        }),
        async (x) => {
          const out = join(scratch, `generated-${run++}`);
          const expected = generate({ preset: x.preset, leads: x.leads, seed: x.seed, asOf: '2025-06-30', out, clean: x.clean });
          await expectSameAsLoad({ leads: join(out, expected.leadsFile), deals: join(out, expected.dealsFile), asOf: parseDate('2025-06-30'), by: x.by }, { chunks: [x.chunkRows, 7] });
          rmSync(out, { recursive: true, force: true });
        },
      ),
      { seed: 42, numRuns: 30 },
    );
  });

  it('generated export shapes (scripts/generate-exports.ts) with their reviewed rubrics: any chunk size gives what the in-memory load gives', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          shape: fc.constantFrom(...SHAPES),
          seed: fc.integer({ min: 1, max: 10_000 }),
          leads: fc.integer({ min: 30, max: 300 }),
          chunkRows: fc.integer({ min: 1, max: 300 }),
        }),
        async (x) => {
          const out = join(scratch, `shape-${run++}`);
          mkdirSync(out);
          const built = buildExport({ shape: x.shape, seed: x.seed, leads: x.leads, asOf: '2025-09-30' });
          for (const [name, bytes] of Object.entries(built.files)) writeFileSync(join(out, name), bytes);
          await expectSameAsLoad(exportRun(x.shape, out), { chunks: [x.chunkRows, 7] });
          rmSync(out, { recursive: true, force: true });
        },
      ),
      { seed: 42, numRuns: 30 },
    );
  });
});
