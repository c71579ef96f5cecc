/**
 * `leadaudit sql` and `audit --facts` (src/commands/sql.ts, src/engine/sql/facts-file.ts) through
 * the CLI, in-process with a fake Io: the script per dialect as golden files, the script run on
 * DuckDB and on PostgreSQL and its one result read back as a facts file (every report, the
 * verdicts and the used rows must be the JS engine's on the same rows), the facts file's own
 * errors, and what the SQL engines refuse, each naming --engine js or the option at fault.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DuckDBInstance } from '@duckdb/node-api';
import { main, type Io } from '../src/cli.js';
import { readCsv } from '../src/io/csv/index.js';
import { loadFacts } from '../src/engine/stream.js';
import { loadFactsFile } from '../src/engine/sql/facts-file.js';
import { FACTS_VERSION } from '../src/engine/sql/queries.js';
import { buildReports, reports, type ReportName } from '../src/reports/index.js';
import { verdicts } from '../src/reports/verdicts.js';
import { parseDate } from '../src/data/normalize.js';
import type { LoadOptions } from '../src/load.js';
import { postgresUnavailable, startPostgres, type Postgres } from './helpers/postgres.js';
import { records, quote } from './helpers/sql.js';

const root = resolve(import.meta.dirname, '..');
const ALL = Object.keys(reports) as ReportName[];
const AS_OF = '2025-06-30';
const hubspot = (file: string) => `fixtures/samples/hubspot/${file}`;
const SAMPLE = [hubspot('contacts.csv'), hubspot('deals.csv')];
const RUBRIC = hubspot('leadaudit.yml');

const scratch = mkdtempSync(join(tmpdir(), 'leadaudit-sql-script-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The CLI in-process: what it writes, and its exit code. One thread; no terminal. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const written = { out: '', err: '' };
  const io: Io = {
    stdout: { write: (text: string) => ((written.out += text), true), isTTY: false },
    stderr: { write: (text: string) => ((written.err += text), true), isTTY: false },
    env: { LEADAUDIT_THREADS: '1' },
    cwd: root,
    now: () => new Date(`${AS_OF}T12:00:00Z`),
  };
  const code = await main(args, io);
  return { code, stdout: written.out, stderr: written.err };
}

/** The script printed for a dialect; fails the test, showing stderr, if the CLI did not print one. */
async function script(dialect: string, extra: string[] = [], rubric = RUBRIC): Promise<string> {
  const r = await cli(['sql', ...SAMPLE, '--rubric', rubric, '--as-of', AS_OF, '--dialect', dialect, ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

/** A file in the scratch folder with this text (or these bytes). */
function scratchFile(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

describe('the script per dialect (golden files)', () => {
  it.each(['bigquery', 'postgres', 'duckdb', 'snowflake'])('%s', async (dialect) => {
    const sql = await script(dialect);
    // One script: setup statements, then one final query of every fact as (fact, row).
    const statements = statementsOf(sql);
    expect(statements.at(-1)).toMatch(/^SELECT 'meta' AS .?fact.?, .* AS .?row.?\nUNION ALL\n/);
    expect(statements.slice(0, -1).every((s) => !s.includes('\nUNION ALL\nSELECT \''))).toBe(true);
    await expect(sql).toMatchFileSnapshot(`golden/sql/hubspot.${dialect}.sql`);
  });

  it('quotes identifiers per dialect', async () => {
    expect(await script('bigquery')).toContain('`Record ID`');
    for (const dialect of ['postgres', 'duckdb']) expect(await script(dialect)).toContain('"Record ID"');
  });
});

/** The statements of a script: split at statement ends, comment lines left out. */
function statementsOf(sql: string): string[] {
  const body = sql
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n');
  return body
    .split(/;\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The facts file against the JS engine on the same rows (the export's data records, written back
 * as a CSV): every report, the verdicts and the used rows; tables named where files are.
 */
async function sameAsJs(facts: string) {
  const files: Record<'leads' | 'deals', string> = { leads: '', deals: '' };
  for (const [side, file] of [['leads', SAMPLE[0]!], ['deals', SAMPLE[1]!]] as const) {
    const { names, rows } = await records(join(root, file));
    files[side] = scratchFile(`${side}.csv`, stringify([names, ...rows]));
  }
  const options: LoadOptions = { ...files, rubric: join(root, RUBRIC), cwd: scratch, asOf: parseDate(AS_OF), minN: 30, strict: false, keepRejects: false };
  const js = await loadFacts(options);
  const sql = await loadFactsFile({ ...options, leads: undefined, deals: undefined, facts });
  const named = (text: string) => text.replaceAll('(leads)', `(${files.leads})`).replaceAll('(deals)', `(${files.deals})`);
  expect(JSON.parse(named(JSON.stringify(buildReports(sql.facts, ALL))))).toEqual(JSON.parse(JSON.stringify(buildReports(js.facts, ALL))));
  expect(JSON.parse(named(JSON.stringify(verdicts(sql.facts))))).toEqual(verdicts(js.facts));
  for (const side of ['leads', 'deals'] as const) {
    const [a, b] = [js.facts.inputs[side]!, sql.facts.inputs[side]!];
    expect({ used: b.used, duplicates: b.duplicates, attributed: b.attributed }).toEqual({ used: a.used, duplicates: a.duplicates, attributed: a.attributed });
  }
}

/**
 * Loads the sample's data records into an in-memory DuckDB as `leads` and `deals` (VARCHAR, with
 * their order in `la_line`), inserted in file order or reversed (a table keeps no order: la_line
 * must give it), runs the script printed with --order-by la_line, and writes its result as CSV.
 */
async function duckDbRoundTrip(facts: string, inserted: 'in order' | 'reversed'): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    for (const [table, file] of [['leads', SAMPLE[0]!], ['deals', SAMPLE[1]!]] as const) {
      const { names, rows } = await records(join(root, file));
      await c.run(`CREATE TABLE ${table} (${names.map((n) => `${quote(n)} VARCHAR`).join(', ')}, la_line INTEGER)`);
      const appender = await c.createAppender(table);
      const numbered = [...rows.entries()];
      for (const [k, row] of inserted === 'reversed' ? numbered.reverse() : numbered) {
        for (const i of names.keys()) appender.appendVarchar(row[i] ?? '');
        appender.appendInteger(k);
        appender.endRow();
      }
      appender.closeSync();
    }
    const statements = statementsOf(await script('duckdb', ['--order-by', 'la_line']));
    for (const statement of statements.slice(0, -1)) await c.run(statement);
    await c.run(`COPY (${statements.at(-1)!}) TO '${facts.replaceAll("'", "''")}' (HEADER, DELIMITER ',')`);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

describe('round trip on DuckDB: script → result as CSV → audit --facts', () => {
  const facts = join(scratch, 'duckdb-facts.csv');
  beforeAll(() => duckDbRoundTrip(facts, 'in order'), 60_000);

  it('loadFactsFile gives the JS engine’s reports, verdicts and used rows', async () => {
    await sameAsJs(facts);
  });

  it('audit --facts renders the reports (as the JS engine does on the same rows)', async () => {
    const r = await cli(['audit', '--facts', facts, '--rubric', RUBRIC, '--format', 'json']);
    expect(r.stderr).toContain(`facts from ${facts}, computed as of ${AS_OF}`);
    // The sample rubric's alert fires (exit 3), as it does on the exports themselves.
    const js = await cli(['audit', ...SAMPLE, '--rubric', RUBRIC, '--as-of', AS_OF, '--format', 'json']);
    expect(r.code).toBe(js.code);
    const doc = JSON.parse(r.stdout) as { asOf: string; reports: unknown[]; verdict: unknown[]; alerts: unknown[] };
    const jsDoc = JSON.parse(js.stdout) as typeof doc;
    expect(doc.asOf).toBe(AS_OF);
    expect(doc.reports.length).toBe(jsDoc.reports.length);
    expect(doc.alerts).toEqual(jsDoc.alerts);
  });

  it('the same with the result\'s rows in reverse order (a warehouse need not keep a UNION ALL\'s order)', async () => {
    const reversed = join(scratch, 'duckdb-facts-rows-reversed.csv');
    let header: string[] = [];
    const rows: string[][] = [];
    await readCsv(facts, {}, (h) => {
      header = [...h.names];
      return { row: (cells) => void rows.push(cells), other: () => undefined };
    });
    writeFileSync(reversed, stringify([header, ...rows.reverse()]));
    await sameAsJs(reversed);
  });

  it('refuses a facts file of another format version (exit 1, naming both versions)', async () => {
    const older = join(scratch, 'duckdb-facts-version-1.csv');
    writeFileSync(older, readFileSync(facts, 'utf8').replace(/(""version"":)\d+/, '$11'));
    expect(readFileSync(older, 'utf8')).toContain('""version"":1');
    const r = await cli(['audit', '--facts', older, '--rubric', RUBRIC]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no meta row of leadaudit sql (version ${FACTS_VERSION}), but version 1`);
  });

  it('the same with the tables\' rows inserted in reverse order (la_line gives the order)', async () => {
    const reversed = join(scratch, 'duckdb-facts-reversed.csv');
    await duckDbRoundTrip(reversed, 'reversed');
    await sameAsJs(reversed);
  });
});

const unavailable = postgresUnavailable();
describe.skipIf(unavailable !== null)(`round trip on PostgreSQL${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  let server: Postgres;
  const facts = join(scratch, 'postgres-facts.csv');
  beforeAll(async () => {
    const started = await startPostgres();
    if (typeof started === 'string') throw new Error(started);
    server = started;
    const client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
    await client.connect();
    try {
      for (const [table, file] of [['leads', SAMPLE[0]!], ['deals', SAMPLE[1]!]] as const) {
        const { names, rows } = await records(join(root, file));
        await client.query(`CREATE TABLE ${table} (${names.map((n) => `${quote(n)} text`).join(', ')}, la_line integer)`);
        for (const [k, row] of rows.entries()) {
          await client.query(`INSERT INTO ${table} VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, ${k})`, names.map((_, i) => row[i] ?? ''));
        }
      }
      const statements = statementsOf(await script('postgres', ['--order-by', 'la_line']));
      for (const statement of statements.slice(0, -1)) await client.query(statement);
      const result = await client.query<{ fact: string; row: unknown }>(statements.at(-1)!);
      // json and jsonb columns come back parsed; the file holds their text.
      const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
      writeFileSync(facts, stringify([['fact', 'row'], ...result.rows.map((r) => [r.fact, text(r.row)])]));
    } finally {
      await client.end();
    }
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('loadFactsFile gives the JS engine’s reports, verdicts and used rows', async () => {
    await sameAsJs(facts);
  });
});

describe('--facts errors', () => {
  it('a CSV without the fact and row columns is exit 1 naming the file', async () => {
    const file = scratchFile('not-facts.csv', 'a,b\n1,2\n');
    const r = await cli(['audit', '--facts', file, '--rubric', RUBRIC]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: not a facts file`);
  });

  it('a facts file made with another rubric is exit 2 saying so', async () => {
    // The facts of the sample, then the sample's rubric with one signal's points changed.
    const facts = join(scratch, 'facts-for-other-rubric.csv');
    await duckDbRun(await script('duckdb'), facts);
    const other = scratchFile('other-rubric.yml', readFileSync(join(root, RUBRIC), 'utf8').replace('name: Company 50+, points: 15', 'name: Company 50+, points: 16'));
    expect(readFileSync(other, 'utf8')).toContain('points: 16');
    const same = await cli(['audit', '--facts', facts, '--rubric', RUBRIC, '--format', 'json']);
    expect([0, 3]).toContain(same.code);
    const r = await cli(['audit', '--facts', facts, '--rubric', other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('another rubric');
  });

  it('--rejects with --facts is refused (a facts file holds no rejected rows)', async () => {
    const facts = join(scratch, 'facts-for-rejects.csv');
    await duckDbRun(await script('duckdb'), facts);
    const r = await cli(['audit', '--facts', facts, '--rubric', RUBRIC, '--rejects', join(scratch, 'rejects.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--rejects/);
  });

  it('--by and --since with --facts are refused (the facts are grouped and counted as the SQL compiled them)', async () => {
    const facts = join(scratch, 'facts-for-options.csv');
    await duckDbRun(await script('duckdb'), facts);
    for (const [option, value] of [['--by', 'owner'], ['--since', '2025-01-01']]) {
      const r = await cli(['sources', '--facts', facts, '--rubric', RUBRIC, option!, value!]);
      expect(r.code, option).toBe(2);
      expect(r.stderr).toContain(`${option}`);
    }
  });
});

/** Runs a DuckDB script on tables made from the sample (VARCHAR columns) and writes its result as CSV. */
async function duckDbRun(sql: string, out: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    for (const [table, file] of [['leads', SAMPLE[0]!], ['deals', SAMPLE[1]!]] as const) {
      const csv = join(root, file);
      await c.run(`CREATE TABLE ${table} AS SELECT * FROM read_csv('${csv}', all_varchar = true, header = true)`);
    }
    const statements = statementsOf(sql);
    for (const statement of statements.slice(0, -1)) await c.run(statement);
    await c.run(`COPY (${statements.at(-1)!}) TO '${out.replaceAll("'", "''")}' (HEADER, DELIMITER ',')`);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

describe('refusals (exit 2, naming --engine js or the option)', () => {
  const duck = ['audit', ...SAMPLE, '--rubric', RUBRIC, '--as-of', AS_OF, '--engine', 'duckdb'];
  const refused = async (args: string[], names: RegExp) => {
    const r = await cli(args);
    expect(r.stderr).toMatch(names);
    expect(r.code).toBe(2);
    return r;
  };
  const engineJs = /--engine js/;

  it('--engine duckdb with join.shared: all', () => {
    const rubric = scratchFile('shared-all.yml', 'version: 1\npreset: hubspot\njoin: { shared: all }\n');
    return refused([...duck, '--rubric', rubric], engineJs);
  });
  it('--engine duckdb with --rejects', () => refused([...duck, '--rejects', join(scratch, 'x.csv')], engineJs));

  it('--engine duckdb on standard input', async () => {
    const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
    Object.defineProperty(process, 'stdin', { value: Readable.from([readFileSync(join(root, SAMPLE[0]!))]), configurable: true });
    try {
      await refused(['audit', '-', SAMPLE[1]!, '--rubric', RUBRIC, '--as-of', AS_OF, '--engine', 'duckdb'], /standard input.*--engine js/);
    } finally {
      Object.defineProperty(process, 'stdin', stdin);
    }
  });


  it('--engine duckdb on a file with a sep= first line', () => {
    const file = scratchFile('sep.csv', `sep=;\n${readFileSync(join(root, SAMPLE[0]!), 'utf8').replace(/^\uFEFF/, '').replaceAll(',', ';')}`);
    return refused(['audit', file, '--as-of', AS_OF, '--engine', 'duckdb'], /sep=.*--engine js/);
  });

  it('--engine duckdb on a Windows-1252 file', () => {
    const file = scratchFile('cp1252.csv', Buffer.from('id,email,source,created,status\nL1,ren\xe9@acme.com,web,2025-01-05,open\n', 'latin1'));
    return refused(['audit', file, '--as-of', AS_OF, '--engine', 'duckdb'], /cp1252\.csv.*--engine js/);
  });

  it('--engine duckdb on a Windows-1252 file says the file is Windows-1252', async () => {
    const file = scratchFile('cp1252-named.csv', Buffer.from('id,email,source,created,status\nL1,ren\xe9@acme.com,web,2025-01-05,open\n', 'latin1'));
    const r = await refused(['audit', file, '--as-of', AS_OF, '--engine', 'duckdb'], /--engine js/);
    expect(r.stderr).toMatch(/windows-1252/i);
    expect(r.stderr).not.toMatch(/rejects such rows/);
  });

  it('--engine duckdb on a ragged row', () => refused(['audit', 'fixtures/edge/ragged-row.csv', '--as-of', AS_OF, '--engine', 'duckdb'], /line 3.*--engine js/));
  it('--db together with export files', () => refused(['audit', ...SAMPLE, '--db', `duckdb:${join(scratch, 'x.duckdb')}`], /--db reads tables, not files/));
  it('--leads-table without --db', () => refused(['audit', ...SAMPLE, '--leads-table', 'leads'], /--leads-table/));
  it('--facts with export files', () => refused(['audit', ...SAMPLE, '--facts', join(scratch, 'facts.csv')], /--facts/));
  it('sql with an unknown --dialect', () => refused(['sql', ...SAMPLE, '--dialect', 'mysql'], /--dialect/));

  it('sql on a deals file alone makes a deals-only script (its meta names no leads table)', async () => {
    const r = await cli(['sql', '--deals', SAMPLE[1]!, '--as-of', AS_OF]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"leads":null');
    expect(r.stdout).not.toContain('la_lead_raw');
  });
});

describe('a word boundary (\\b) and a lazy quantifier in a signal', () => {
  const rubric = (pattern: string) => scratchFile('pattern.yml', `version: 1\npreset: hubspot\nscore:\n  signals:\n    - { name: Chief, points: 10, when: { Job Title: { matches: "${pattern}" } } }\n`);

  it.each(['snowflake', 'duckdb', 'postgres', 'bigquery'])('\\b is printed for --dialect %s (\\y in PostgreSQL)', async (dialect) => {
    const r = await cli(['sql', ...SAMPLE, '--rubric', rubric('\\\\bchief\\\\b'), '--as-of', AS_OF, '--dialect', dialect]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(dialect === 'postgres' ? '\\ychief\\y' : dialect === 'snowflake' || dialect === 'bigquery' ? '\\\\bchief\\\\b' : '\\bchief\\b');
  });

  it('a lazy quantifier is refused for --dialect snowflake, naming the signal', async () => {
    const r = await cli(['sql', ...SAMPLE, '--rubric', rubric('ch.*?f'), '--as-of', AS_OF, '--dialect', 'snowflake']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/score\.signals\[0\]/);
    expect(r.stderr).toContain('lazy quantifiers');
  });
});
