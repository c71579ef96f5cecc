/**
 * The audit on tables in a database (`--db`, src/engine/sql/db.ts) against the JS engine on the
 * same exports: PostgreSQL in a private cluster (test/helpers/postgres.ts; skipped, saying so,
 * where PostgreSQL is not installed) and a DuckDB database file. Each export's data records, as
 * leadaudit's own reader reads them, are loaded into a table with their order in a column
 * (`la_line`, given as --order-by); every report, the verdicts and the used rows must be the
 * JS engine's. Typed columns (dates, timestamps, numbers) must read as the text they were.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadFacts } from '../src/engine/stream.js';
import { loadDb } from '../src/engine/sql/db.js';
import { buildReports, reports, type ReportName } from '../src/reports/index.js';
import { verdicts } from '../src/reports/verdicts.js';
import type { LoadOptions } from '../src/load.js';
import { postgresUnavailable } from './helpers/postgres.js';
import { BUNDLED_INPUTS, records, quote, usePostgres, type Input } from './helpers/sql.js';

const ALL = Object.keys(reports) as ReportName[];

const INPUTS = BUNDLED_INPUTS;

/** Column types for the typed-table case: a date, a timestamp and a number stored as such. */
const TYPED: Readonly<Record<string, string>> = { 'Create Date': 'timestamp', 'Close Date': 'date', Amount: 'numeric' };

interface Loader {
  table(name: string, file: string, typed: boolean): Promise<void>;
}

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

async function sameAsJs(input: Input, db: string, tables: { leads: string; deals: string }) {
  const files = { leads: await asTable(input.leads, tables.leads), deals: await asTable(input.deals, tables.deals) };
  const options: LoadOptions = { ...files, rubric: input.rubric, cwd: scratch, asOf: input.asOf, minN: 30, strict: false, keepRejects: false };
  const js = await loadFacts(options);
  const sql = await loadDb({ ...options, leads: undefined, deals: undefined, db, leadsTable: tables.leads, dealsTable: tables.deals, orderBy: 'la_line' });
  // A table is named where the JS engine names its file (the summary's notes on rows not used).
  const named = (text: string) => text.replaceAll(`(${tables.leads})`, `(${files.leads})`).replaceAll(`(${tables.deals})`, `(${files.deals})`);
  expect(JSON.parse(named(JSON.stringify(buildReports(sql.facts, ALL))))).toEqual(JSON.parse(JSON.stringify(buildReports(js.facts, ALL))));
  expect(JSON.parse(named(JSON.stringify(verdicts(sql.facts))))).toEqual(verdicts(js.facts));
  for (const side of ['leads', 'deals'] as const) {
    const [a, b] = [js.facts.inputs[side]!, sql.facts.inputs[side]!];
    expect({ used: b.used, duplicates: b.duplicates, attributed: b.attributed }).toEqual({ used: a.used, duplicates: a.duplicates, attributed: a.attributed });
  }
}

function cases(name: string, url: () => string, loader: () => Loader) {
  it.each(INPUTS.map((input) => [input.name, input] as const))(`${name}: %s`, async (label, input) => {
    const prefix = label.replaceAll(/[^a-z]/g, '_');
    await loader().table(`${prefix}_leads`, input.leads, false);
    await loader().table(`${prefix}_deals`, input.deals, false);
    await sameAsJs(input, url(), { leads: `${prefix}_leads`, deals: `${prefix}_deals` });
  }, 60_000);

  it(`${name}: typed columns (timestamp, date, numeric) read as the text they were`, async () => {
    const input = INPUTS[0]!;
    await loader().table('typed_leads', input.leads, true);
    await loader().table('typed_deals', input.deals, true);
    await sameAsJs(input, url(), { leads: 'typed_leads', deals: 'typed_deals' });
  }, 60_000);
}

const scratch = mkdtempSync(join(tmpdir(), 'leadaudit-sql-db-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const unavailable = postgresUnavailable();
describe.skipIf(unavailable !== null)(`PostgreSQL${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  const postgres = usePostgres();
  cases(
    'PostgreSQL',
    () => postgres.server().url,
    () => ({
      async table(name, file, typed) {
        const { names, rows } = await records(file);
        const type = (n: string) => (typed && TYPED[n] ? TYPED[n] : 'text');
        await postgres.client().query(`CREATE TABLE ${quote(name)} (${names.map((n) => `${quote(n)} ${type(n)}`).join(', ')}, la_line integer)`);
        for (const [k, row] of rows.entries()) {
          const values = names.map((n, i) => (type(n) !== 'text' && (row[i] ?? '').trim() === '' ? null : (row[i] ?? '')));
          await postgres.client().query(`INSERT INTO ${quote(name)} VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, ${k})`, values);
        }
      },
    }),
  );
});

describe('DuckDB database file', () => {
  const file = join(scratch, 'audit.duckdb');
  cases(
    'DuckDB',
    () => `duckdb:${file}`,
    () => ({
      async table(name, csv, typed) {
        const { names, rows } = await records(csv);
        const instance = await DuckDBInstance.create(file);
        const c = await instance.connect();
        const type = (n: string) => (typed && TYPED[n] ? (TYPED[n] === 'numeric' ? 'DECIMAL(18,2)' : TYPED[n]!.toUpperCase()) : 'VARCHAR');
        await c.run(`CREATE TABLE ${quote(name)} (${names.map((n) => `${quote(n)} ${type(n)}`).join(', ')}, la_line INTEGER)`);
        const appender = await c.createAppender(name);
        for (const [k, row] of rows.entries()) {
          names.forEach((n, i) => {
            const cell = row[i] ?? '';
            if (type(n) === 'VARCHAR') appender.appendVarchar(cell);
            else if (cell.trim() === '') appender.appendNull();
            else appender.appendVarchar(cell);
          });
          appender.appendInteger(k);
          appender.endRow();
        }
        appender.closeSync();
        c.closeSync();
        instance.closeSync();
      },
    }),
  );
});
