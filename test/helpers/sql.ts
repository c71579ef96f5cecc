/**
 * What the SQL engine tests share: an export's data records as leadaudit's reader reads them (to
 * load them into tables), a quoted identifier, and a private PostgreSQL cluster for a describe block.
 */
import { afterAll, beforeAll } from 'vitest';
import pg from 'pg';
import { readCsv } from '../../src/io/csv/index.js';
import { startPostgres, type Postgres } from './postgres.js';

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
