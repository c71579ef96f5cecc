/**
 * A private PostgreSQL cluster (test/helpers/postgres.ts) and the behaviour of it the SQL engine
 * relies on: Unicode case mapping, case-insensitive regex, integer division, btrim of a no-break
 * space, and no TCP listener. Connects with `pg` over the cluster's Unix socket.
 *
 * Needs PostgreSQL's server binaries (`apt-get install -y postgresql`); skipped, saying why in its
 * title, when they cannot be used here.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable, startPostgres, type Postgres } from './helpers/postgres.js';

const unavailable = postgresUnavailable();
const title = unavailable === null ? 'a private PostgreSQL cluster' : `a private PostgreSQL cluster — skipped: ${unavailable}`;

describe.skipIf(unavailable !== null)(title, () => {
  let server: Postgres | undefined;
  let client: pg.Client | undefined;

  beforeAll(async () => {
    const started = await startPostgres();
    if (typeof started === 'string') throw new Error(`PostgreSQL was found but cannot run: ${started}`);
    server = started;
    client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  const one = async (sql: string): Promise<unknown> => {
    const result = await client!.query({ text: sql, rowMode: 'array' });
    return (result.rows as unknown[][])[0]?.[0];
  };

  it('answers select 1 on the database it made', async () => {
    expect(await one('select 1')).toBe(1);
    expect(await one('select current_database()')).toBe('leadaudit');
  });

  it('lower() maps non-ASCII letters (a UTF-8 locale)', async () => {
    expect(await one(`select lower('ÉCOLE')`)).toBe('école');
  });

  it('~* matches regardless of case', async () => {
    expect(await one(`select 'abc' ~* 'B'`)).toBe(true);
  });

  it('integer division truncates', async () => {
    expect(await one('select 7/2')).toBe(3);
  });

  it('btrim removes a no-break space when asked to', async () => {
    expect(await one(`select btrim(E'\\u00a0x ', E' \\u00a0')`)).toBe('x');
  });

  it('listens on no TCP address, only its Unix socket', async () => {
    expect(await one('show listen_addresses')).toBe('');
    expect(await one('show unix_socket_directories')).toBe(server!.host);
  });

  it('its url connects too', async () => {
    const viaUrl = new pg.Client({ connectionString: server!.url });
    await viaUrl.connect();
    try {
      expect((await viaUrl.query('select current_user as u')).rows[0]).toEqual({ u: server!.user });
    } finally {
      await viaUrl.end();
    }
  });
});
