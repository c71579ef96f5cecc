/**
 * The fivetran-hubspot warehouse layout (src/engine/sql/layouts.ts) against the JS engine: the
 * HubSpot sample laid out as Fivetran lays it out in schema `hubspot` (`contact`, `deal`, the
 * `deal_contact` bridge and the `deal_stage` history, soft-deleted rows included) in a DuckDB file
 * and on PostgreSQL (skipped, saying so, where it is not installed), and the same data as two CSVs
 * with the preset's column names (`contact_ids`, `entered_<stage>` made in JS) read by the JS
 * engine. Every report, the verdicts and the used rows must agree. `leadaudit sql` for Snowflake
 * on the layout is pinned in test/golden/sql/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadFacts } from '../src/engine/stream.js';
import { loadDb } from '../src/engine/sql/db.js';
import { buildReports, reports, type ReportName } from '../src/reports/index.js';
import { verdicts } from '../src/reports/verdicts.js';
import { parseDate } from '../src/data/normalize.js';
import { hubspot } from '../src/rubric/presets/hubspot.js';
import { main, type Io } from '../src/cli.js';
import type { LoadOptions } from '../src/load.js';
import { postgresUnavailable, startPostgres, type Postgres } from './helpers/postgres.js';
import { records, quote } from './helpers/sql.js';

const root = resolve(import.meta.dirname, '..');
const sampleDir = join(root, 'fixtures', 'samples', 'hubspot');
const ALL = Object.keys(reports) as ReportName[];
const AS_OF = parseDate('2025-06-30');

/** The sample's contact columns → Fivetran's `contact` columns (HubSpot internal names, prefixed). */
const CONTACT: Readonly<Record<string, string>> = {
  'Record ID': 'id',
  'First Name': 'property_firstname',
  'Last Name': 'property_lastname',
  Email: 'property_email',
  'Job Title': 'property_jobtitle',
  'Company Name': 'property_company',
  'Number of Employees': 'property_numemployees',
  Industry: 'property_industry',
  'Contact owner': 'property_hubspot_owner_id',
  'Create Date': 'property_createdate',
  'Lifecycle Stage': 'property_lifecyclestage',
  'Lead Status': 'property_hs_lead_status',
  'Last Activity Date': 'property_notes_last_updated',
  'Became a Lead Date': 'property_hs_lifecyclestage_lead_date',
  'Became a Marketing Qualified Lead Date': 'property_hs_lifecyclestage_marketingqualifiedlead_date',
  'Became a Sales Qualified Lead Date': 'property_hs_lifecyclestage_salesqualifiedlead_date',
  'Became an Opportunity Date': 'property_hs_lifecyclestage_opportunity_date',
  'Became a Customer Date': 'property_hs_lifecyclestage_customer_date',
  'Original Source': 'property_hs_analytics_source',
  'Original Source Drill-Down 1': 'property_hs_analytics_source_data_1',
  'Number of Form Submissions': 'property_num_conversion_events',
  'Number of Pageviews': 'property_hs_analytics_num_page_views',
  'Associated Deal IDs': 'property_associated_deal_ids',
  Notes: 'property_notes',
};

/** The sample's deal columns → Fivetran's `deal` columns (contacts and stage dates go to their own tables). */
const DEAL: Readonly<Record<string, string>> = {
  'Record ID': 'deal_id',
  'Deal Name': 'property_dealname',
  Pipeline: 'property_pipeline',
  'Deal Stage': 'property_dealstage',
  Amount: 'property_amount',
  'Create Date': 'property_createdate',
  'Close Date': 'property_closedate',
  'Deal owner': 'owner_id',
  'Deal Type': 'property_dealtype',
  'Closed Lost Reason': 'property_closed_lost_reason',
};

/** Each sample column `Date entered "<Stage> (Sales Pipeline)"` → the stage's internal id, the first of the hubspot preset's values. */
const STAGES = hubspot.deals!.stages!.map((stage) => ({
  column: String(stage.enteredDate),
  id: String(Array.isArray(stage.value) ? stage.value[0] : stage.value),
}));

interface Table {
  readonly columns: readonly string[];
  /** Cells as text; a boolean column holds 'true' or 'false'. */
  readonly rows: readonly (readonly string[])[];
}

interface Warehouse {
  readonly contact: Table;
  readonly deal: Table;
  readonly deal_contact: Table;
  readonly deal_stage: Table;
}

const tables = (w: Warehouse): [name: string, table: Table][] => [
  ['contact', w.contact],
  ['deal', w.deal],
  ['deal_contact', w.deal_contact],
  ['deal_stage', w.deal_stage],
];

/** Rows by their first cell as text (what the SQL orders by when no --order-by is given); a stable sort. */
const byId = <T extends readonly string[]>(rows: readonly T[]): T[] => [...rows].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));

/**
 * One row per id, the first: `id` and `deal_id` are Fivetran's primary keys, and with duplicates
 * the id alone would not say which comes first (the SQL's order among equal ids is the database's).
 */
function firstPerId(rows: readonly string[][], at: number): string[][] {
  const seen = new Set<string>();
  return rows.filter((row) => !seen.has(row[at]!) && (seen.add(row[at]!), true));
}

/** The sample as Fivetran's four tables, each with one soft-deleted row the run must not read. */
async function warehouse(): Promise<Warehouse> {
  const contacts = await records(join(sampleDir, 'contacts.csv'));
  const deals = await records(join(sampleDir, 'deals.csv'));
  const cIndex = (name: string) => contacts.names.indexOf(name);
  const dIndex = (name: string) => deals.names.indexOf(name);
  for (const name of contacts.names) expect(CONTACT, `contacts.csv column ${name}`).toHaveProperty([name]);

  const contactRows = firstPerId(contacts.rows, cIndex('Record ID')).map((row) => [...contacts.names.map((n) => row[cIndex(n)] ?? ''), 'false']);
  // A deleted contact who would count: a customer with a score and a source.
  const deletedContact = [...contactRows.find((row) => row[contacts.names.indexOf('Lifecycle Stage')] === 'customer')!];
  deletedContact[0] = '51999999';
  deletedContact[deletedContact.length - 1] = 'true';

  const dealColumns = Object.keys(DEAL);
  const dealRows = deals.rows.map((row) => [...dealColumns.map((n) => row[dIndex(n)] ?? ''), 'false']);
  const deletedDeal = [...dealRows.find((row) => row[dealColumns.indexOf('Deal Stage')] === 'closedwon')!];
  deletedDeal[0] = '9879999999';
  deletedDeal[deletedDeal.length - 1] = 'true';

  const bridge = deals.rows.flatMap((row) =>
    (row[dIndex('Associated Contact IDs')] ?? '')
      .split(';')
      .map((id) => id.trim())
      .filter((id) => id !== '')
      .map((id) => [row[dIndex('Record ID')]!, id]),
  );
  const history = deals.rows.flatMap((row) =>
    STAGES.filter((s) => (row[dIndex(s.column)] ?? '').trim() !== '').map((s) => [row[dIndex('Record ID')]!, s.id, row[dIndex(s.column)]!]),
  );
  // The deleted deal keeps its contacts and its history: the layout must not bring it back through them.
  const deletedLinks = [[deletedDeal[0], contactRows[0]![0]!]];
  const deletedHistory = [[deletedDeal[0], 'appointmentscheduled', '2025-01-02 10:00']];
  return {
    contact: { columns: [...contacts.names.map((n) => CONTACT[n]!), '_fivetran_deleted'], rows: [...contactRows, deletedContact] },
    deal: { columns: [...dealColumns.map((n) => DEAL[n]!), '_fivetran_deleted'], rows: [...dealRows, deletedDeal] },
    deal_contact: { columns: ['deal_id', 'contact_id'], rows: [...bridge, ...deletedLinks] as string[][] },
    deal_stage: { columns: ['deal_id', 'value', 'date_entered'], rows: [...history, ...deletedHistory] as string[][] },
  };
}

/**
 * The JS reference: the live rows as two CSVs in the order the SQL reads them (by id as text), the
 * deals with the layout's columns made here: contact ids sorted as text and joined with ';', and
 * each stage's earliest entry date.
 */
function referenceCsvs(w: Warehouse, dir: string): { leads: string; deals: string } {
  const live = (t: Table) => t.rows.filter((row) => row.at(-1) === 'false');
  const leads = join(dir, 'contact.csv');
  writeFileSync(leads, stringify([w.contact.columns, ...byId(live(w.contact))]));
  const contactIds = (deal: string) =>
    w.deal_contact.rows
      .filter((r) => r[0] === deal)
      .map((r) => r[1]!)
      .sort()
      .join(';');
  const entered = (deal: string, stage: string) =>
    w.deal_stage.rows
      .filter((r) => r[0] === deal && r[1] === stage)
      .map((r) => r[2]!)
      .sort()[0] ?? '';
  const deals = join(dir, 'deal.csv');
  const header = [...w.deal.columns, 'contact_ids', ...STAGES.map((s) => `entered_${s.id}`)];
  const rows = byId(live(w.deal)).map((row) => [...row, contactIds(row[0]!), ...STAGES.map((s) => entered(row[0]!, s.id))]);
  writeFileSync(deals, stringify([header, ...rows]));
  return { leads, deals };
}

async function sameAsJs(w: Warehouse, db: string) {
  const files = referenceCsvs(w, scratch);
  const options: LoadOptions = { ...files, preset: 'fivetran-hubspot', cwd: scratch, asOf: AS_OF, minN: 30, strict: false, keepRejects: false };
  const js = await loadFacts(options);
  const sql = await loadDb({ ...options, leads: undefined, deals: undefined, db, leadsTable: 'hubspot.contact', dealsTable: 'hubspot.deal' });
  // A table is named where the JS engine names its file (the summary's notes on rows not used).
  const named = (text: string) => text.replaceAll('(hubspot.contact)', `(${files.leads})`).replaceAll('(hubspot.deal)', `(${files.deals})`);
  expect(JSON.parse(named(JSON.stringify(buildReports(sql.facts, ALL))))).toEqual(JSON.parse(JSON.stringify(buildReports(js.facts, ALL))));
  expect(JSON.parse(named(JSON.stringify(verdicts(sql.facts))))).toEqual(verdicts(js.facts));
  for (const side of ['leads', 'deals'] as const) {
    const [a, b] = [js.facts.inputs[side]!, sql.facts.inputs[side]!];
    expect({ used: b.used, duplicates: b.duplicates, attributed: b.attributed }).toEqual({ used: a.used, duplicates: a.duplicates, attributed: a.attributed });
  }
  // The deleted rows are not read: one live contact per sample id, every sample deal.
  expect(sql.facts.inputs.leads!.used).toBe(w.contact.rows.length - 1);
  expect(sql.facts.inputs.deals!.used).toBe(w.deal.rows.length - 1);
}

let scratch: string;
let data: Warehouse;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'leadaudit-sql-layouts-'));
  data = await warehouse();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Fivetran's own column types (ids as BIGINT, dates as TIMESTAMP, amounts as DOUBLE) where `typed`;
 * else text, the soft-delete flag a BOOLEAN either way.
 */
const FIVETRAN_TYPES: Readonly<Record<string, string>> = {
  id: 'BIGINT',
  deal_id: 'BIGINT',
  contact_id: 'BIGINT',
  property_createdate: 'TIMESTAMP',
  property_closedate: 'TIMESTAMP',
  date_entered: 'TIMESTAMP',
  property_amount: 'DOUBLE',
};
const duckType = (column: string, typed: boolean) => (column === '_fivetran_deleted' ? 'BOOLEAN' : typed ? (FIVETRAN_TYPES[column] ?? 'VARCHAR') : 'VARCHAR');

async function duckWarehouse(file: string, w: Warehouse, typed: boolean): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const c = await instance.connect();
  await c.run('CREATE SCHEMA hubspot');
  for (const [name, table] of tables(w)) {
    await c.run(`CREATE TABLE hubspot.${quote(name)} (${table.columns.map((n) => `${quote(n)} ${duckType(n, typed)}`).join(', ')})`);
    const appender = await c.createAppender(name, 'hubspot');
    for (const row of table.rows) {
      table.columns.forEach((n, i) => {
        const cell = row[i]!;
        if (duckType(n, typed) === 'BOOLEAN') appender.appendBoolean(cell === 'true');
        else if (duckType(n, typed) !== 'VARCHAR' && cell.trim() === '') appender.appendNull();
        else appender.appendVarchar(cell);
      });
      appender.endRow();
    }
    appender.closeSync();
  }
  c.closeSync();
  instance.closeSync();
}

describe('fivetran-hubspot layout in a DuckDB database file', () => {
  it("gives the JS engine's reports, verdicts and used rows", async () => {
    const file = join(scratch, 'warehouse.duckdb');
    await duckWarehouse(file, data, false);
    await sameAsJs(data, `duckdb:${file}`);
  }, 60_000);

  it("with Fivetran's column types (BIGINT ids, TIMESTAMP dates, DOUBLE amounts) reads as the text they were", async () => {
    const file = join(scratch, 'typed.duckdb');
    await duckWarehouse(file, data, true);
    await sameAsJs(data, `duckdb:${file}`);
  }, 60_000);
});

const unavailable = postgresUnavailable();
describe.skipIf(unavailable !== null)(`fivetran-hubspot layout on PostgreSQL${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  let server: Postgres;
  beforeAll(async () => {
    const started = await startPostgres();
    if (typeof started === 'string') throw new Error(started);
    server = started;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('gives the JS engine\'s reports, verdicts and used rows', async () => {
    const client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
    await client.connect();
    try {
      await client.query('CREATE SCHEMA hubspot');
      for (const [name, table] of tables(data)) {
        const pgType = (n: string) => (n === '_fivetran_deleted' ? 'boolean' : 'text');
        await client.query(`CREATE TABLE hubspot.${quote(name)} (${table.columns.map((n) => `${quote(n)} ${pgType(n)}`).join(', ')})`);
        for (const row of table.rows) {
          await client.query(`INSERT INTO hubspot.${quote(name)} VALUES (${table.columns.map((_, i) => `$${i + 1}`).join(', ')})`, [...row]);
        }
      }
    } finally {
      await client.end();
    }
    await sameAsJs(data, server.url);
  }, 60_000);
});

describe('leadaudit sql on the fivetran-hubspot layout', () => {
  it('prints the Snowflake script (golden file)', async () => {
    const written = { out: '', err: '' };
    const io: Io = {
      stdout: { write: (text: string) => ((written.out += text), true), isTTY: false },
      stderr: { write: (text: string) => ((written.err += text), true), isTTY: false },
      env: { LEADAUDIT_THREADS: '1' },
      cwd: scratch,
      now: () => new Date('2025-06-30T12:00:00Z'),
    };
    const args = ['sql', '--preset', 'fivetran-hubspot', '--dialect', 'snowflake', '--leads-table', 'hubspot.contact', '--deals-table', 'hubspot.deal', '--as-of', '2025-06-30'];
    const code = await main(args, io);
    expect({ code, stderr: written.err }).toEqual({ code: 0, stderr: '' });
    await expect(written.out).toMatchFileSnapshot(join('golden', 'sql', 'fivetran-hubspot.snowflake.sql'));
  });
});
