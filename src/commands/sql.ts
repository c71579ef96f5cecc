/**
 * `leadaudit sql`: the audit compiled to one SQL script for a dialect (docs/engines.md,
 * "Warehouses"). Its tables' columns are those of the exports given (resolved exactly as `audit`
 * resolves them), of the tables in --db, or else those the rubric names first.
 */
import { UsageError } from '../errors.js';
import { planColumns } from '../data/map.js';
import type { CsvHeader } from '../io/csv/index.js';
import { findDefaultRubric, prepare, type LoadOptions } from '../load.js';
import { isoDate } from '../data/normalize.js';
import { conditionFields } from '../rubric/conditions.js';
import { LEAD_FIELDS, DEAL_FIELDS, PRESET_NAMES, type PresetName } from '../rubric/fields.js';
import { resolveRubric, type ColumnChoice, type Rubric } from '../rubric/resolve.js';
import { compileAudit, refuseUnsupported } from '../engine/sql/compile.js';
import { auditScript, FACTS_VERSION } from '../engine/sql/queries.js';
import { dialect, type DialectName } from '../engine/sql/dialects.js';
import { connect, tableColumns, tableSide } from '../engine/sql/db.js';
import { rubricFingerprint } from '../engine/sql/facts-file.js';
import { LAYOUTS, type Layout } from '../engine/sql/layouts.js';
import { detectPreset } from '../rubric/recognize.js';

export interface SqlHow {
  readonly dialect: DialectName;
  readonly db?: string;
  readonly leadsTable?: string;
  readonly dealsTable?: string;
  readonly orderBy?: string;
}

export async function sqlScript(options: LoadOptions, how: SqlHow): Promise<string> {
  const d = dialect(how.dialect);
  const files = options.leads !== undefined || options.deals !== undefined;
  if (files && how.db !== undefined) throw new UsageError('sql: give export files or --db, not both');
  const leadsTable = how.leadsTable ?? 'leads';
  const wantsDeals = options.deals !== undefined || how.dealsTable !== undefined || (!files && how.db === undefined);
  const dealsTable = wantsDeals ? (how.dealsTable ?? 'deals') : undefined;
  const header = (names: readonly string[]): CsvHeader => ({ names, cells: names.length, line: 0 });
  let headers: { leads?: CsvHeader; deals?: CsvHeader } | undefined;
  // The deal table's own columns, when a warehouse layout adds some (LAYOUTS).
  let dealTableColumns: readonly string[] | undefined;
  let layout: Layout | undefined;
  if (how.db !== undefined) {
    const { connection, name } = await connect(how.db);
    try {
      const leadColumns = await tableColumns(connection, name, leadsTable);
      dealTableColumns = dealsTable === undefined ? undefined : await tableColumns(connection, name, dealsTable);
      layout = LAYOUTS[options.preset ?? detectPreset(leadColumns, dealTableColumns).preset];
      headers = { leads: header(leadColumns), ...(dealTableColumns ? { deals: header([...dealTableColumns, ...(layout?.dealColumns ?? [])]) } : {}) };
    } finally {
      connection.close();
    }
  } else if (!files) {
    const rubric = await rubricOf(options);
    layout = LAYOUTS[rubric.preset];
    // The layout's own columns are added to the deal table's below, as with --db.
    // A connector's tables carry its soft-delete column (filtered out in tableSide).
    const deleted = layout?.deletedColumn === undefined ? [] : [layout.deletedColumn];
    dealTableColumns = dealsTable === undefined ? undefined : [...rubricColumns(rubric, 'deals').filter((c) => !(layout?.dealColumns ?? []).includes(c)), ...deleted];
    headers = { leads: header([...rubricColumns(rubric, 'leads'), ...deleted]), ...(dealTableColumns ? { deals: header([...dealTableColumns, ...(layout?.dealColumns ?? [])]) } : {}) };
  }
  const given = headers === undefined ? options : { ...options, leads: leadsTable, deals: dealsTable, headers };
  const run = await prepare(given);
  refuseUnsupported(run.rubric);
  const names = (which: 'leads' | 'deals') => run.headers[which]!.names;
  const side = (which: 'leads' | 'deals', table: string) => {
    const plan = planColumns(which, given[which]!, run.headers[which]!, run.rubric, [...run.extra[which]]);
    const relation = which === 'deals' && layout !== undefined && dealTableColumns !== undefined ? layout.deals(d, table, dealTableColumns) : undefined;
    return tableSide(d, table, names(which), plan, how.orderBy, 0, relation);
  };
  // A deals export alone makes a deals-only script.
  const leads = run.headers.leads === undefined ? null : side('leads', leadsTable);
  const deals = run.headers.deals === undefined || dealsTable === undefined ? null : side('deals', dealsTable);
  const compiled = compileAudit({ rubric: run.rubric, asOf: options.asOf, dateOrder: options.dateOrder, leads: leads?.source ?? null, deals: deals?.source ?? null, rows: true, by: options.by }, d);
  const meta = {
    version: FACTS_VERSION,
    asOf: options.asOf,
    rubric: rubricFingerprint(run.rubric),
    leads: leads === null ? null : { table: leadsTable, columns: names('leads') },
    deals: deals === null ? null : { table: dealsTable!, columns: names('deals') },
  };
  const intro = [
    `-- leadaudit audit as ${how.dialect} SQL (rubric: ${run.rubric.origin}; as of ${isoDate(options.asOf)})`,
    `-- Reads the tables ${[...(leads ? [leadsTable] : []), ...(deals ? [dealsTable] : [])].join(' and ')}; run it, export its one result as CSV,`,
    '-- then: leadaudit audit --facts result.csv (with this rubric).',
  ];
  return `${intro.join('\n')}\n${auditScript(compiled, d, meta)}`;
}

/** The rubric of a run with no files and no database: the --rubric file (or ./leadaudit.yml) over its preset. */
async function rubricOf(options: LoadOptions): Promise<Rubric> {
  const path = options.rubric ?? findDefaultRubric(options.cwd);
  const own = path === undefined ? undefined : (await import('../io/read-rubric.js')).readRubricFile(path);
  const preset = (options.preset ?? own?.preset) as PresetName | undefined;
  if (preset === undefined || !PRESET_NAMES.includes(preset)) throw new UsageError('sql: with no export files and no --db, name the preset (--preset, or preset: in the rubric) so the tables\' columns are known');
  return resolveRubric(own, path ?? `preset ${preset}`, preset);
}

/** The columns a side's table is taken to have: each field's first header, each stage's date, each condition's column. */
function rubricColumns(rubric: Rubric, side: 'leads' | 'deals'): string[] {
  const columns = side === 'leads' ? rubric.leads.columns : rubric.deals.columns;
  const fields: readonly string[] = side === 'leads' ? LEAD_FIELDS : DEAL_FIELDS;
  const first = (c: ColumnChoice | undefined) => (c === undefined ? [] : [c.candidates[0]!]);
  // Conditions and the join read a field (mapped above) or a column by its name.
  const read = [...rubric.conditions.filter((s) => s.on === (side === 'leads' ? 'lead' : 'deal')).flatMap((s) => conditionFields(s.when)), side === 'leads' ? rubric.join.lead : rubric.join.deal];
  const names = [
    ...fields.flatMap((f) => first((columns as Record<string, ColumnChoice | undefined>)[f])),
    ...(side === 'leads' ? rubric.stages.flatMap((s) => first(s.date)) : rubric.deals.stages.flatMap((s) => first(s.enteredDate))),
    ...read.filter((n) => n !== 'channel' && !fields.includes(n)),
  ];
  return [...new Set(names)];
}
