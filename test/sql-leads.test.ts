/**
 * Per lead, the SQL engines against the JS engine (issue 15): after the compiled setup statements
 * have run, `la_lead` holds one row per used lead, in file order (`la_row`), with its id, channel,
 * grade, furthest stage, outcome and stalled flag; each must be what the JS engine's ClassifiedLead
 * says of the same lead. On DuckDB (over the CSV export, and over a table) and on PostgreSQL (a
 * table; skipped, saying so, where PostgreSQL is not installed), for the samples and the planted
 * exports. Then random rubrics (channels, signals with every operator and regexes, grades,
 * disqualified) over generated exports on PostgreSQL, through `loadDb` as `--db` runs them: every
 * report, the verdicts and the used rows must be the JS engine's, and every lead too.
 *
 * Tables are loaded as test/sql-db.test.ts loads them: the data records leadaudit's own reader
 * reads, with their order in `la_line` (given as --order-by).
 *
 * What differs today is kept, failing, in the "known mismatches" block at the end: a difference
 * there is a bug in the SQL engine to fix, not a test to loosen.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import pg from 'pg';
import { DuckDBInstance } from '@duckdb/node-api';
import type { CsvHeader } from '../src/io/csv/index.js';
import { load, prepare, type LoadOptions } from '../src/load.js';
import { planColumns } from '../src/data/map.js';
import { compileAudit, type SqlSource } from '../src/engine/sql/compile.js';
import { dialect, type DialectName } from '../src/engine/sql/dialects.js';
import { loadDb, openPostgres, tableSide } from '../src/engine/sql/db.js';
import { csvSource, openDuckDb, type SqlConnection } from '../src/engine/sql/duckdb.js';
import { loadFacts } from '../src/engine/stream.js';
import { buildReports, reports, type ReportName } from '../src/reports/index.js';
import { verdicts } from '../src/reports/verdicts.js';
import { parseDate } from '../src/data/normalize.js';
import { generate, PRESET_KEYS } from '../scripts/generate-samples.js';
import { postgresUnavailable } from './helpers/postgres.js';
import { BUNDLED_INPUTS, records, quote, usePostgres, type Input } from './helpers/sql.js';
import { PRESET_COLUMNS, randomRubric, rubricYaml } from './helpers/random-rubric.js';

const ALL = Object.keys(reports) as ReportName[];

const scratch = mkdtempSync(join(tmpdir(), 'leadaudit-sql-leads-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// ---------------------------------------------------------------- inputs

const INPUTS = BUNDLED_INPUTS;

/** cwd: a folder without leadaudit.yml, so a run without a rubric detects its preset. */
const options = (input: Pick<Input, 'leads' | 'deals' | 'rubric' | 'asOf'>): LoadOptions => ({
  leads: input.leads,
  deals: input.deals,
  rubric: input.rubric,
  asOf: input.asOf,
  cwd: scratch,
  minN: 30,
  strict: false,
  keepRejects: false,
});

// ---------------------------------------------------------------- one lead, as each engine classifies it

interface LeadView {
  readonly id: string;
  readonly channel: string;
  readonly grade: string;
  readonly furthest: number;
  readonly outcome: 'open' | 'won' | 'lost';
  readonly stalled: boolean;
}

const OUTCOMES = ['open', 'won', 'lost'] as const;

/** The JS engine's used leads, in file order. */
async function jsLeads(given: LoadOptions): Promise<LeadView[]> {
  const loaded = await load(given);
  return [...loaded.data.leads!].map((c) => ({ id: c.lead.id, channel: c.channel, grade: c.grade, furthest: c.furthest, outcome: c.outcome, stalled: c.stalled }));
}

/** The `la_lead` table after the compiled setup has run on `db`, in file order, as LeadViews. */
async function sqlLeads(db: SqlConnection, name: DialectName, given: LoadOptions, leads: SqlSource, deals: SqlSource): Promise<LeadView[]> {
  const run = await prepare(given);
  const d = dialect(name);
  const compiled = compileAudit({ rubric: run.rubric, asOf: given.asOf, dateOrder: given.dateOrder, leads, deals, rows: true }, d);
  for (const statement of compiled.setup) await db.run(statement);
  const id = d.ident;
  const rows = await db.all(`SELECT ${['la_row', 'la_id', 'la_channel', 'la_grade', 'la_furthest', 'la_outcome', 'la_stalled'].map(id).join(', ')} FROM la_lead ORDER BY ${id('la_row')}`);
  const grades = run.rubric.grades.map((g) => g.name);
  return rows.map((r) => ({
    id: String(r.la_id),
    channel: String(r.la_channel),
    grade: grades[Number(r.la_grade)] ?? `grade #${String(r.la_grade)}`,
    furthest: Number(r.la_furthest),
    outcome: OUTCOMES[Number(r.la_outcome)] ?? (`outcome #${String(r.la_outcome)}` as 'open'),
    stalled: r.la_stalled === true,
  }));
}

/** Lead by lead, naming the first lead that differs (by its place in the file) for a readable failure. */
function expectSameLeads(sql: readonly LeadView[], js: readonly LeadView[]): void {
  const k = js.findIndex((lead, i) => JSON.stringify(lead) !== JSON.stringify(sql[i]));
  if (k >= 0) expect({ lead: k, ...sql[k] }, `lead ${k} of ${js.length}`).toEqual({ lead: k, ...js[k] });
  expect(sql.length, 'used leads').toBe(js.length);
}

// ---------------------------------------------------------------- exports as tables

/** Loads `file` into table `name` (text columns, and `la_line`) on PostgreSQL; its columns, as the table has them. */
async function pgTable(client: pg.Client, name: string, file: string): Promise<string[]> {
  const { names, rows } = await records(file);
  await client.query(`CREATE TABLE ${quote(name)} (${names.map((n) => `${quote(n)} text`).join(', ')}, la_line integer)`);
  // A few hundred rows per statement (PostgreSQL takes up to 65535 parameters).
  const per = Math.max(1, Math.floor(30_000 / (names.length + 1)));
  for (let start = 0; start < rows.length; start += per) {
    const batch = rows.slice(start, start + per);
    const values: unknown[] = [];
    const tuples = batch.map((row, b) => {
      const cells = names.map((_, i) => row[i] ?? '');
      values.push(...cells, start + b);
      const base = b * (names.length + 1);
      return `(${Array.from({ length: names.length + 1 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    await client.query(`INSERT INTO ${quote(name)} VALUES ${tuples.join(', ')}`, values);
  }
  return [...names, 'la_line'];
}

/** Loads `file` into table `name` (VARCHAR columns, and `la_line`) on a DuckDB connection. */
async function duckTable(instance: DuckDBInstance, name: string, file: string): Promise<string[]> {
  const { names, rows } = await records(file);
  const c = await instance.connect();
  await c.run(`CREATE TABLE ${quote(name)} (${names.map((n) => `${quote(n)} VARCHAR`).join(', ')}, la_line INTEGER)`);
  const appender = await c.createAppender(name);
  for (const [k, row] of rows.entries()) {
    for (const i of names.keys()) appender.appendVarchar(row[i] ?? '');
    appender.appendInteger(k);
    appender.endRow();
  }
  appender.closeSync();
  c.closeSync();
  return [...names, 'la_line'];
}

const header = (names: readonly string[]): CsvHeader => ({ names, cells: names.length, line: 0 });

/** Per lead on tables: the sources made as loadDb makes them (tableSide, ordered by la_line). */
async function tableLeads(db: SqlConnection, name: DialectName, input: Input, tables: { leads: string; deals: string }, columns: { leads: string[]; deals: string[] }): Promise<LeadView[]> {
  const headers = { leads: header(columns.leads), deals: header(columns.deals) };
  const given: LoadOptions = { ...options(input), leads: tables.leads, deals: tables.deals, headers };
  const run = await prepare(given);
  const side = (which: 'leads' | 'deals') => tableSide(dialect(name), tables[which], columns[which], planColumns(which, tables[which], headers[which], run.rubric, [...run.extra[which]]), 'la_line', 0);
  return await sqlLeads(db, name, given, side('leads').source, side('deals').source);
}

const tableName = (label: string, side: string) => `${label.replaceAll(/[^a-z]/g, '_')}_${side}`;

// ---------------------------------------------------------------- per lead: the bundled inputs

/** What --engine duckdb refuses to read of the bundled inputs (test/sql-engine.test.ts lists the same). */
const CSV_REFUSED: Readonly<Record<string, string>> = {
  'sample salesforce': 'Expected Number of Columns: 17 Found: 1',
};

describe('per lead, DuckDB over the CSV exports (csvSource)', () => {
  it.each(INPUTS.map((input) => [input.name, input] as const))('%s', async (label, input) => {
    const given = options(input);
    const db = await openDuckDb();
    try {
      const run = await prepare(given);
      const source = async (which: 'leads' | 'deals') => {
        const file = given[which]!;
        const plan = planColumns(which, file, run.headers[which]!, run.rubric, [...run.extra[which]]);
        return (await csvSource(db, which, file, which === 'leads' ? run.leadCsv : run.dealCsv, run.headers[which]!, plan)).source;
      };
      if (CSV_REFUSED[label] !== undefined) {
        await expect(source('leads')).rejects.toThrow(CSV_REFUSED[label]);
        return;
      }
      expectSameLeads(await sqlLeads(db, 'duckdb', given, await source('leads'), await source('deals')), await jsLeads(given));
    } finally {
      db.close();
    }
  }, 60_000);
});

describe('per lead, a DuckDB table (tableSide, ordered by la_line)', () => {
  const instance = DuckDBInstance.create(':memory:');
  afterAll(async () => (await instance).closeSync());
  it.each(INPUTS.map((input) => [input.name, input] as const))('%s', async (label, input) => {
    const db = await instance;
    const tables = { leads: tableName(label, 'leads'), deals: tableName(label, 'deals') };
    const columns = { leads: await duckTable(db, tables.leads, input.leads), deals: await duckTable(db, tables.deals, input.deals) };
    // A connection of its own: the setup's temporary tables are the connection's.
    const c = await db.connect();
    const connection: SqlConnection = {
      run: async (sql) => void (await c.run(sql)),
      all: async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS(),
      close: () => c.closeSync(),
    };
    try {
      expectSameLeads(await tableLeads(connection, 'duckdb', input, tables, columns), await jsLeads(options(input)));
    } finally {
      connection.close();
    }
  }, 60_000);
});

// ---------------------------------------------------------------- PostgreSQL: per lead, and random rubrics


/**
 * An export as its table holds it: the header and the data records, without the rows the JS
 * reader does not use (blank lines, footers, ragged rows), which a table does not have.
 */
async function asTable(file: string, name: string): Promise<string> {
  const { names, rows } = await records(file);
  const copy = join(scratch, `${name}.csv`);
  writeFileSync(copy, stringify([names, ...rows]));
  return copy;
}

const unavailable = postgresUnavailable();
describe.skipIf(unavailable !== null)(`PostgreSQL${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  const postgres = usePostgres();

  /** Per lead on PostgreSQL tables, on a session of its own (the setup's temporary tables are the session's). */
  async function pgLeads(input: Input, tables: { leads: string; deals: string }, columns: { leads: string[]; deals: string[] }): Promise<LeadView[]> {
    const db = await openPostgres(postgres.server().url);
    try {
      return await tableLeads(db, 'postgres', input, tables, columns);
    } finally {
      db.close();
    }
  }

  describe('per lead, a PostgreSQL table (tableSide, ordered by la_line)', () => {
    it.each(INPUTS.map((input) => [input.name, input] as const))('%s', async (label, input) => {
      const tables = { leads: tableName(label, 'leads'), deals: tableName(label, 'deals') };
      const columns = { leads: await pgTable(postgres.client(), tables.leads, input.leads), deals: await pgTable(postgres.client(), tables.deals, input.deals) };
      expectSameLeads(await pgLeads(input, tables, columns), await jsLeads(options(input)));
    }, 60_000);
  });

  describe('random rubrics over generated exports', () => {
    it('PostgreSQL (loadDb, --order-by la_line) gives the JS engine\'s reports, verdicts, used rows and leads', async () => {
      let run = 0;
      const input = fc.constantFrom(...PRESET_KEYS).chain((preset) =>
        fc.record({
          preset: fc.constant(preset),
          seed: fc.integer({ min: 1, max: 10_000 }),
          leads: fc.integer({ min: 30, max: 80 }),
          rubric: randomRubric(PRESET_COLUMNS[preset]),
        }),
      );
      await fc.assert(
        fc.asyncProperty(input, async (x) => {
          const n = run++;
          const out = join(scratch, `random-${n}`);
          const expected = generate({ preset: x.preset, leads: x.leads, seed: x.seed, asOf: '2025-06-30', out, clean: true });
          const rubric = join(out, 'rubric.yml');
          writeFileSync(rubric, rubricYaml(x.preset, x.rubric));
          const tables = { leads: `random_${n}_leads`, deals: `random_${n}_deals` };
          const files = { leads: await asTable(join(out, expected.leadsFile), `random-${n}-leads`), deals: await asTable(join(out, expected.dealsFile), `random-${n}-deals`) };
          const columns = { leads: await pgTable(postgres.client(), tables.leads, files.leads), deals: await pgTable(postgres.client(), tables.deals, files.deals) };
          const given = options({ ...files, rubric, asOf: parseDate('2025-06-30') });
          const js = await loadFacts(given);
          const sql = await loadDb({ ...given, leads: undefined, deals: undefined, db: postgres.server().url, leadsTable: tables.leads, dealsTable: tables.deals, orderBy: 'la_line' });
          // A table is named where the JS engine names its file (the summary's notes on rows not used).
          const named = (text: string) => text.replaceAll(`(${tables.leads})`, `(${files.leads})`).replaceAll(`(${tables.deals})`, `(${files.deals})`);
          expect(JSON.parse(named(JSON.stringify(buildReports(sql.facts, ALL)))), 'reports').toEqual(JSON.parse(JSON.stringify(buildReports(js.facts, ALL))));
          expect(JSON.parse(named(JSON.stringify(verdicts(sql.facts)))), 'verdicts').toEqual(verdicts(js.facts));
          for (const side of ['leads', 'deals'] as const) {
            const [a, b] = [js.facts.inputs[side]!, sql.facts.inputs[side]!];
            expect({ used: b.used, duplicates: b.duplicates, attributed: b.attributed }, `${side}: used rows`).toEqual({ used: a.used, duplicates: a.duplicates, attributed: a.attributed });
          }
          const leads: Input = { name: `random ${n}`, ...files, rubric, asOf: given.asOf };
          expectSameLeads(await pgLeads(leads, tables, columns), await jsLeads(given));
          rmSync(out, { recursive: true, force: true });
        }),
        // 10 runs of up to 80 leads: each costs a second or so (two sessions, ~25 statements each).
        { seed: 42, numRuns: 10 },
      );
    }, 120_000);
  });

  // ---------------------------------------------------------------- known mismatches (bugs in the SQL engine, left failing)

  /**
   * Two leads (one with a won deal, one with an open deal) as tables, under the generic preset and
   * `rubric` (YAML added to it): PostgreSQL's leads must be the JS engine's.
   */
  async function tinyRun(tag: string, rubric: string): Promise<void> {
    const dir = mkdtempSync(join(scratch, `${tag}-`));
    const files = { leads: join(dir, 'leads.csv'), deals: join(dir, 'deals.csv'), rubric: join(dir, 'rubric.yml') };
    writeFileSync(files.leads, 'id,created\n1,2025-01-01\n2,2025-02-01\n');
    writeFileSync(files.deals, 'id,lead_id,stage,created\nd1,1,won,2025-03-01\nd2,2,open,2025-03-01\n');
    writeFileSync(files.rubric, `version: 1\npreset: generic\n${rubric}`);
    const tables = { leads: `${tag}_leads`, deals: `${tag}_deals` };
    const columns = { leads: await pgTable(postgres.client(), tables.leads, files.leads), deals: await pgTable(postgres.client(), tables.deals, files.deals) };
    const input: Input = { name: tag, ...files, asOf: parseDate('2025-06-30') };
    const js = await jsLeads(options(input));
    expect(js.map((l) => l.outcome)).toEqual(['won', 'open']);
    expectSameLeads(await pgLeads(input, tables, columns), js);
  }

  // A column the compiler makes of NULLs alone must still be a number: PostgreSQL types a bare NULL
  // as text and then refuses to mix it with one (NO_DAY and NO_NUMBER in compile.ts).
  describe('columns of NULLs alone', () => {
    // The generic preset has no deals.stages (and is used whenever no CRM's headers are recognised:
    // fixtures/exports/vtiger-snake without a rubric, say). classifyDeals's la_entered is cases([]),
    // a bare NULL: "CASE types bigint and text cannot be matched" in la_since.
    it('no deals.stages (the generic preset)', async () => {
      await tinyRun('no_deal_stages', '');
    }, 60_000);

    // la_threshold (classifyDeals) is a CASE of NULLs: "operator does not exist: bigint > text" in la_stalled.
    it('deals.stages, none with stallAfterDays', async () => {
      await tinyRun('deal_stages_no_stall', 'deals:\n  stages:\n    - { value: open }\n');
    }, 60_000);

    // la_threshold (classifyLeads) likewise: "operator does not exist: bigint > text".
    it('stages, none with stallAfterDays', async () => {
      await tinyRun(
        'lead_stages_no_stall',
        [
          'deals:\n  stages:\n    - { value: open, stallAfterDays: 5 }',
          'stages:',
          '  - { key: lead, label: Lead, side: marketing }',
          '  - { key: opp, label: Opp, side: sales, reachedWhen: { deal: any } }',
          '  - { key: won, label: Won, side: sales, reachedWhen: { deal: won } }',
          '',
        ].join('\n'),
      );
    }, 60_000);
  });
});
