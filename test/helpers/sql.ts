/**
 * What the SQL engine tests share: the bundled inputs they run on, an export's data records as
 * leadaudit's reader reads them (to load them into tables), a quoted identifier, and a private
 * PostgreSQL cluster for a describe block.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import pg from 'pg';
import { readCsv } from '../../src/io/csv/index.js';
import { parseDate } from '../../src/data/normalize.js';
import { startPostgres, type Postgres } from './postgres.js';

/** An input of a test: a leads and a deals file, the rubric, the as-of date. */
export interface Input {
  readonly name: string;
  readonly leads: string;
  readonly deals: string;
  /** The rubric file, or undefined: the preset detected from the headers. */
  readonly rubric: string | undefined;
  readonly asOf: number;
}

const root = resolve(import.meta.dirname, '..', '..');
const asOfOf = (file: string) => parseDate((JSON.parse(readFileSync(file, 'utf8')) as { asOf: string }).asOf);

const sample = (name: string, leads: string, deals: string): Input => {
  const dir = join(root, 'fixtures', 'samples', name);
  const rubric = join(dir, 'leadaudit.yml');
  return { name: `sample ${name}`, leads: join(dir, leads), deals: join(dir, deals), rubric: existsSync(rubric) ? rubric : undefined, asOf: asOfOf(join(dir, 'expected.json')) };
};

const planted = (name: string): Input => {
  const dir = join(root, 'fixtures', 'planted', name);
  return { name: `planted ${name}`, leads: join(dir, 'leads.csv'), deals: join(dir, 'deals.csv'), rubric: join(root, 'fixtures', 'planted', 'rubric.yml'), asOf: asOfOf(join(dir, 'planted.json')) };
};

/** The bundled samples and planted exports the SQL engine tests run on. */
export const BUNDLED_INPUTS: readonly Input[] = [
  sample('hubspot', 'contacts.csv', 'deals.csv'),
  sample('pipedrive', 'persons.csv', 'deals.csv'),
  sample('salesforce', 'leads.csv', 'opportunities.csv'),
  planted('control'),
  planted('planted'),
  planted('sales-gap'),
];

/** The data records of an export as leadaudit's reader reads them: header names and rows. */
export async function records(file: string): Promise<{ names: readonly string[]; rows: string[][] }> {
  let names: readonly string[] = [];
  const rows: string[][] = [];
  await readCsv(file, {}, (header) => {
    names = header.names;
    return { row: (cells) => void rows.push(cells.slice(0, header.names.length)), other: () => undefined };
  });
  return { names, rows };
}

/** An identifier as DuckDB and PostgreSQL quote it. */
export const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * A private PostgreSQL cluster and a client for the describe block this is called in (started
 * before its tests, stopped after them); use inside `describe.skipIf(postgresUnavailable() !== null)`.
 */
export function usePostgres(): { server: () => Postgres; client: () => pg.Client } {
  let server: Postgres | undefined;
  let client: pg.Client | undefined;
  beforeAll(async () => {
    const started = await startPostgres();
    if (typeof started === 'string') throw new Error(started);
    server = started;
    client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
    await client.connect();
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });
  return { server: () => server!, client: () => client! };
}
