/**
 * `leadaudit audit --facts FILE`: every report from the result of `leadaudit sql` run anywhere,
 * exported as CSV (docs/engines.md, "Warehouses"). The file holds one row per fact, (fact, row)
 * with the row as JSON, and first a `meta` row: the tables and columns the SQL was compiled for,
 * its as-of date and its rubric's fingerprint, so the reports are those of the same run.
 */
import { createHash } from 'node:crypto';
import { planColumns } from '../../data/map.js';
import { isoDate } from '../../data/normalize.js';
import { InputError, UsageError } from '../../errors.js';
import { readCsv, type CsvHeader } from '../../io/csv/index.js';
import { prepare, type LoadedFacts, type LoadOptions } from '../../load.js';
import type { Rubric } from '../../rubric/resolve.js';
import { refuseUnsupported, type QueryName } from './compile.js';
import { FACTS_VERSION, type FactsMeta } from './queries.js';
import type { Results, Row } from './facts.js';
import { assemble, type Side } from './load.js';

/** What makes two resolved rubrics compute the same facts: everything but where they came from. */
export function rubricFingerprint(rubric: Rubric): string {
  const { origin: _origin, alerts: _alerts, ...rest } = rubric;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}

export async function loadFactsFile(options: LoadOptions & { readonly facts: string }): Promise<LoadedFacts> {
  if (options.keepRejects) throw new UsageError('--rejects needs the rows themselves; a facts file holds only counts');
  // What the SQL counted is fixed when it is compiled: the groups (by channel) and every lead.
  if (options.by !== undefined && options.by !== 'channel') throw new UsageError('--by with --facts: the facts are grouped by channel, as leadaudit sql compiled them');
  if (options.since !== undefined || options.until !== undefined) throw new UsageError('--since/--until with --facts: the facts count every lead leadaudit sql read');
  const { meta, results } = await readFacts(options.facts);
  const header = (names: readonly string[]): CsvHeader => ({ names, cells: names.length, line: 0 });
  const headers = { ...(meta.leads ? { leads: header(meta.leads.columns) } : {}), ...(meta.deals ? { deals: header(meta.deals.columns) } : {}) };
  const asOf = meta.asOf;
  const run = await prepare({ ...options, leads: meta.leads?.table, deals: meta.deals?.table, headers, asOf });
  if (rubricFingerprint(run.rubric) !== meta.rubric) {
    throw new UsageError(`${options.facts}: made with another rubric than ${run.rubric.origin}; give the rubric (and --preset) the SQL was made with (leadaudit sql)`);
  }
  refuseUnsupported(run.rubric);
  run.notices.push(`facts from ${options.facts}, computed as of ${isoDate(asOf)}`);
  const side = (which: 'leads' | 'deals', table: { table: string; columns: readonly string[] }): Side => {
    const input = results[which === 'leads' ? 'leadInput' : 'dealInput']?.[0];
    return {
      file: table.table,
      source: { plan: planColumns(which, table.table, headers[which]!, run.rubric, [...run.extra[which]]), from: '', column: (i) => table.columns[i]!, order: '' },
      skipped: { read: Number(input?.read ?? 0), reasons: [] },
      delimiter: '',
      lines: { find: () => undefined, of: (row) => Number(row) + 1 },
      encoding: 'facts',
    };
  };
  return assemble(run, { ...options, asOf }, results, meta.leads === null ? null : side('leads', meta.leads), meta.deals === null ? null : side('deals', meta.deals));
}

async function readFacts(file: string): Promise<{ meta: FactsMeta; results: Results }> {
  const results: Partial<Record<QueryName, Row[]>> = {};
  let meta: FactsMeta | undefined;
  let fact = -1;
  let row = -1;
  await readCsv(file, {}, (header) => {
    // Warehouses may upper-case the names (Snowflake): FACT, ROW.
    fact = header.names.findIndex((n) => n.toLowerCase() === 'fact');
    row = header.names.findIndex((n) => n.toLowerCase() === 'row');
    if (fact < 0 || row < 0) throw new InputError(`${file}: not a facts file (expected the columns fact and row that leadaudit sql makes)`);
    return {
      row: (cells, line) => {
        const name = cells[fact]!;
        let value: unknown;
        try {
          value = JSON.parse(cells[row]!);
        } catch {
          throw new InputError(`${file} line ${line}: the row of fact "${name}" is not JSON`);
        }
        if (name === 'meta') meta = value as FactsMeta;
        // Snowflake names unquoted columns upper-case: every key leadaudit sql writes is lower-case.
        else (results[name as QueryName] ??= []).push(Object.fromEntries(Object.entries(value as Row).map(([k, v]) => [k.toLowerCase(), v])));
      },
      other: () => undefined,
    };
  });
  if (meta === undefined || meta.version !== FACTS_VERSION) {
    throw new InputError(`${file}: no meta row of leadaudit sql (version ${FACTS_VERSION})${meta === undefined ? '' : `, but version ${String(meta.version)}`}; run the SQL of this version of leadaudit sql again`);
  }
  return { meta, results };
}
