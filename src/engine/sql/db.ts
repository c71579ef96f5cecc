/**
 * A run on tables in an existing database (`--db duckdb:FILE`, `--db postgresql://…`): the
 * tables' own columns stand for a file's header, so presets and the rubric's columns resolve as
 * they do for an export (docs/engines.md, "Tables in a database").
 */
import { UsageError } from '../../errors.js';
import { planColumns } from '../../data/map.js';
import type { CsvHeader } from '../../io/csv/index.js';
import { prepare, type LoadedFacts, type LoadOptions } from '../../load.js';
import { refuseUnsupported } from './compile.js';
import { dialect, type Dialect, type DialectName } from './dialects.js';
import { cast, col } from './tree.js';
import type { ColumnPlan } from '../../data/map.js';
import { openDuckDb, type SqlConnection } from './duckdb.js';
import { numeric } from './facts.js';
import { audit, type Side } from './load.js';
import { LAYOUTS } from './layouts.js';
import { detectPreset } from '../../rubric/recognize.js';

export interface DbOptions {
  /** `duckdb:FILE` or `postgresql://…` (also `postgres://…`). */
  readonly db: string;
  readonly leadsTable?: string;
  readonly dealsTable?: string;
  /** A column giving the rows' order where "first" matters (duplicate ids, shared join keys); default: the id. */
  readonly orderBy?: string;
}

export async function loadDb(options: LoadOptions & DbOptions): Promise<LoadedFacts> {
  const { connection, name } = await connect(options.db);
  try {
    const d = dialect(name);
    const leadsTable = options.leadsTable ?? (options.dealsTable === undefined ? 'leads' : undefined);
    const dealsTable = options.dealsTable ?? (options.leadsTable === undefined ? 'deals' : undefined);
    const leadColumns = leadsTable === undefined ? undefined : await tableColumns(connection, name, leadsTable);
    const tableDealColumns = dealsTable === undefined ? undefined : await tableColumns(connection, name, dealsTable);
    // A warehouse layout's deals are the deal table and what it adds from the tables beside it.
    const layout = LAYOUTS[options.preset ?? detectPreset(leadColumns, tableDealColumns).preset];
    const dealColumns = tableDealColumns === undefined ? undefined : [...tableDealColumns, ...(layout?.dealColumns ?? [])];
    const header = (names: readonly string[]): CsvHeader => ({ names, cells: names.length, line: 0 });
    const headers = { ...(leadColumns ? { leads: header(leadColumns) } : {}), ...(dealColumns ? { deals: header(dealColumns) } : {}) };
    const run = await prepare({ ...options, leads: leadsTable, deals: dealsTable, headers });
    refuseUnsupported(run.rubric);
    if (options.keepRejects) throw new UsageError('--rejects is not supported with --db yet');
    const side = async (which: 'leads' | 'deals', table: string, columns: readonly string[]): Promise<Side> => {
      if (options.orderBy !== undefined && !columns.includes(options.orderBy)) throw new UsageError(`--order-by ${options.orderBy}: no such column in ${table}`);
      const plan = planColumns(which, table, headers[which]!, run.rubric, [...run.extra[which]]);
      const relation = which === 'deals' && layout !== undefined ? layout.deals(d, table, tableDealColumns!) : undefined;
      const side = tableSide(d, table, columns, plan, options.orderBy, 0, relation);
      const read = numeric((await connection.all(`SELECT COUNT(*) AS n FROM ${side.source.from}`))[0]!.n);
      return { ...side, skipped: { read, reasons: [] } };
    };
    const leads = leadsTable === undefined ? null : await side('leads', leadsTable, leadColumns!);
    const deals = dealsTable === undefined ? null : await side('deals', dealsTable, dealColumns!);
    return await audit(connection, name, run, options, leads, deals);
  } finally {
    connection.close();
  }
}

/**
 * A table as a run reads it: its rows in the order of `orderBy` (when the table has that column),
 * else of the id, as the JS engine reads a file's in file order; `read` rows in all.
 */
export function tableSide(d: Dialect, table: string, columns: readonly string[], plan: ColumnPlan, orderBy: string | undefined, read: number, relation?: string): Side {
  const idColumn = plan.fields.id;
  const text = (c: string) => d.expr(cast(col(c), 'text'));
  const order = orderBy !== undefined ? d.ident(orderBy) : idColumn !== undefined ? text(columns[idColumn]!) : '1';
  // Rows a connector marks deleted are not there (Fivetran's _fivetran_deleted, Salesforce's is_deleted).
  const deleted = ['_fivetran_deleted', 'is_deleted'].filter((c) => columns.includes(c)).map((c) => `NOT COALESCE(t.${d.ident(c)}, FALSE)`);
  const rows = relation === undefined ? `${qualified(d.ident, table)} t${deleted.length > 0 ? ` WHERE ${deleted.join(' AND ')}` : ''}` : `(${relation}) t`;
  return {
    file: table,
    source: { plan, from: `(SELECT ROW_NUMBER() OVER (ORDER BY ${order}) - 1 AS la_src_row, t.* FROM ${rows}) src`, column: (i) => columns[i]!, order: 'la_src_row' },
    skipped: { read, reasons: [] },
    delimiter: '',
    // A table has no lines: a row is named by its place in the order, from 1.
    lines: { find: () => undefined, of: (row) => numeric(row) + 1 },
    encoding: d.name,
  };
}

/** `schema.table` or `table`, each part quoted. */
export function qualified(ident: (s: string) => string, table: string): string {
  return table
    .split('.')
    .map((part) => ident(part))
    .join('.');
}

export async function connect(url: string): Promise<{ connection: SqlConnection; name: DialectName }> {
  if (url.startsWith('duckdb:')) return { connection: await openDuckDb(url.slice('duckdb:'.length) || ':memory:'), name: 'duckdb' };
  if (/^postgres(ql)?:\/\//.test(url)) return { connection: await openPostgres(url), name: 'postgres' };
  throw new UsageError(`--db ${url}: expected duckdb:FILE or postgresql://…`);
}

export async function openPostgres(url: string): Promise<SqlConnection> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new UsageError(`--db: cannot connect to PostgreSQL (${(error as Error).message})`);
  }
  return {
    run: async (sql) => {
      await client.query(sql);
    },
    all: async (sql) => (await client.query(sql)).rows as Record<string, unknown>[],
    close: () => void client.end(),
  };
}

/** A table's columns, in order; a table that is not there is a usage error naming it. */
export async function tableColumns(db: SqlConnection, name: DialectName, table: string): Promise<string[]> {
  const parts = table.split('.');
  const tableName = parts.at(-1)!;
  const schema = parts.length > 1 ? `'${parts.at(-2)!.replaceAll("'", "''")}'` : 'current_schema()';
  const rows = await db.all(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = ${schema} AND table_name = '${tableName.replaceAll("'", "''")}' ORDER BY ordinal_position`,
  );
  if (rows.length === 0) throw new UsageError(`--db: no table ${table} (or it has no columns) in the ${name} database`);
  return rows.map((r) => String(r.column_name));
}
