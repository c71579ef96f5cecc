/**
 * A run on a SQL engine (docs/engines.md): the rubric and the inputs as the JS engine prepares
 * them (presets, columns, headers), the compiled audit run on the database, and the same
 * LoadedFacts the reports read, with the same row accounting and warnings.
 */
import { Accounting } from '../../data/accounting.js';
import { planColumns } from '../../data/map.js';
import { decideNumberFormat, numberFormatWarning, type DateOrder } from '../../data/normalize.js';
import { settleOrder } from '../../data/value-columns.js';
import { InputError, UsageError } from '../../errors.js';
import type { CsvInfo } from '../../io/csv/index.js';
import { caveatsOf, displayDelimiter, noMatchText, noWonText, prepare, readSpendOf, sharedDealsText, type LoadedFacts, type LoadOptions, type Prepared } from '../../load.js';
import { matchSpend } from '../../data/spend.js';
import { skip as skipRow, windowText } from '../../data/window.js';
import { reasonText, type RowReason } from '../../model.js';
import { assembleFacts } from '../fold.js';
import { compileAudit, refuseUnsupported, type QueryName, type SqlSource } from './compile.js';
import { dialect, type DialectName } from './dialects.js';
import { csvSource, openDuckDb, type Lines, type SkippedRows, type SqlConnection } from './duckdb.js';
import { addStalledRows, dealFactsOf, impliedOf, leadFactsOf, numeric, type Results, type Row } from './facts.js';
import { personal, redacted } from '../../data/personal.js';
import { grouping, isPersonalColumn } from '../grouping.js';
import { NO_SOURCE } from '../../data/classify.js';

/** The reports built from facts, on embedded DuckDB reading the CSV exports. */
export async function loadDuckDb(options: LoadOptions): Promise<LoadedFacts> {
  const run = await prepare(options);
  refuseUnsupported(run.rubric);
  if (options.keepRejects) throw new UsageError('--rejects is not supported by --engine duckdb yet; run with --engine js');
  const db = await openDuckDb();
  try {
    const leads = options.leads === undefined ? null : await side(db, run, 'leads', options.leads);
    const deals = options.deals === undefined ? null : await side(db, run, 'deals', options.deals);
    // File order is kept in the source tables' row numbers (la_row) from here on: DuckDB need not
    // keep rows in order, which costs it time and memory.
    await db.run('SET preserve_insertion_order = false');
    return await audit(db, 'duckdb', run, options, leads, deals);
  } finally {
    db.close();
  }
}

export interface Side {
  readonly file: string;
  readonly source: SqlSource;
  readonly skipped: SkippedRows;
  readonly delimiter: string;
  /** The lines of rows (by la_row), as messages and stand-in ids name them. */
  readonly lines: Pick<Lines, 'find' | 'of'>;
  readonly encoding: string;
}

async function side(db: SqlConnection, run: Prepared, which: 'leads' | 'deals', file: string): Promise<Side> {
  const header = run.headers[which]!;
  const plan = planColumns(which, file, header, run.rubric, [...run.extra[which]]);
  const read = await csvSource(db, which, file, which === 'leads' ? run.leadCsv : run.dealCsv, header, plan);
  return { file, source: read.source, skipped: read.skipped, delimiter: read.layout.delimiter, lines: read.lines, encoding: 'utf-8' };
}

export async function audit(db: SqlConnection, dialectName: DialectName, run: Prepared, options: LoadOptions, leads: Side | null, deals: Side | null): Promise<LoadedFacts> {
  const rows = options.stalledRows ?? true;
  const compiled = compileAudit(
    { rubric: run.rubric, asOf: options.asOf, dateOrder: options.dateOrder, leads: leads?.source ?? null, deals: deals?.source ?? null, rows, by: options.by, since: options.since, until: options.until },
    dialect(dialectName),
  );
  for (const statement of compiled.setup) await db.run(statement);
  const results: Results = {};
  for (const [name, sql] of Object.entries(compiled.queries) as [QueryName, string | undefined][]) if (sql !== undefined) results[name] = await db.all(sql);
  return await assemble(run, options, results, leads, deals);
}

/** The LoadedFacts of a run from its fact queries' rows (from a database, or a facts file). */
export async function assemble(run: Prepared, options: LoadOptions, results: Results, leads: Side | null, deals: Side | null): Promise<LoadedFacts> {
  const { rubric, notices, warnings } = run;
  const rows = options.stalledRows ?? true;
  // The rows a message or a stand-in id names by line: found in one read of each file.
  const noId = (rows: readonly Row[] | undefined) => (rows ?? []).filter((r) => String(r.la_id) === '').map((r) => r.la_row);
  const formatRows = (side: string) => (results.formats ?? []).filter((r) => r.side === side).map((r) => r.first_bad);
  leads?.lines.find([results.leadInput![0]!.first_dup, ...formatRows('lead'), ...noId(results.stalledLeads), ...noId(results.dealLeads)]);
  deals?.lines.find([results.dealInput![0]!.first_dup, ...formatRows('deal'), ...noId(results.stalledDeals)]);
  const leadAcc = leads === null ? null : accountingOf(leads, results.leadInput![0]!);
  const dealAcc = deals === null ? null : accountingOf(deals, results.dealInput![0]!);
  const formats = [...(results.formats ?? [])].sort((a, b) => (a.side === b.side ? numeric(a.k) - numeric(b.k) : a.side === 'lead' ? -1 : 1));
  formatWarnings(run, options.dateOrder, formats, (lead) => (lead ? { acc: leadAcc!, side: leads! } : { acc: dealAcc!, side: deals! }));
  if (leads !== null) run.checkRead(leadAcc!, info(leads));
  if (deals !== null) run.checkRead(dealAcc!, info(deals));

  // The --by grouping as the JS engine names it (its getters are never called here: SQL named the groups).
  const unread = () => {
    throw new Error('grouping: no table to read');
  };
  const group = grouping(options.by, options.redact ?? false, leads === null ? undefined : { plan: leads.source.plan, table: unread }, deals === null ? undefined : { plan: deals.source.plan, table: undefined as never });
  if (leads === null && group.explicit && group.ofDeal === undefined) throw new UsageError(`--by ${options.by}: a deals-only run groups deals by owner, stage or a column of the deals file`);
  const personalPlan = leads?.source.plan ?? deals?.source.plan;
  const personalGroup = options.redact === true && options.by !== undefined && personalPlan !== undefined && isPersonalColumn(options.by, personalPlan);
  const shownGroup = (name: string) => (personalGroup && name !== NO_SOURCE ? redacted(name) : name);
  const leadFacts = leads === null ? null : leadFactsOf(rubric, results, shownGroup, group.explicit && (options.groupDetail ?? true));
  const dealFacts = deals === null ? null : dealFactsOf(rubric, results, leads === null ? shownGroup : undefined);
  if (rows) {
    // A row without an id is named by its line, as the JS reader names it.
    const named = (side: Side) => (row: Row) => (String(row.la_id) === '' ? `#${side.lines.of(row.la_row)}` : String(row.la_id));
    const shown = (value: string) => personal({ redact: options.redact ?? false }, value);
    const ids = { lead: named((leads ?? deals)!), deal: named((deals ?? leads)!) };
    addStalledRows(rubric, results, leadFacts, dealFacts, ids, shown);
  }
  // Warnings in the JS engine's order (src/engine/stream.ts, load.ts): no won deal, spend, shared keys, no match.
  if (dealFacts !== null && dealFacts.all.deals > 0 && dealFacts.all.won === 0) {
    warnings.push(noWonText(deals!.file, rubric));
  }
  const spendIn = await readSpendOf(leads === null ? options : { ...options, leads: leads.file }, run.csv, warnings);
  if (dealFacts !== null && leads !== null) {
    const shared = results.shared?.[0];
    const text = sharedDealsText({ deals: numeric(shared?.deals) || 0, leads: numeric(shared?.leads) || 0 }, rubric.join.shared, rubric.join.sharedStated);
    if (text !== null) (rubric.join.sharedStated ? notices : warnings).push(text);
    if (dealFacts.all.deals > 0 && dealFacts.unattributed.deals === dealFacts.all.deals) {
      warnings.push(noMatchText(rubric));
    }
  }
  const window = results.window?.[0];
  if (window !== undefined) windowSkips(window, leadAcc, dealAcc, options);
  const newest = numeric(results.newest?.[0]?.newest);
  const caveats = caveatsOf(options.asOf, rubric, leads?.source.plan ?? null, deals !== null, newest, warnings);
  const inputs = {
    leads: leads === null ? null : leadAcc!.summary(leads.skipped.read, leads.encoding, displayDelimiter(leads.delimiter)),
    deals:
      deals === null
        ? null
        : {
            ...dealAcc!.summary(deals.skipped.read, deals.encoding, displayDelimiter(deals.delimiter)),
            attributed: leads === null ? null : dealFacts!.all.deals - dealFacts!.unattributed.deals,
            unattributed: leads === null ? null : dealFacts!.unattributed.deals,
          },
  };
  const spend = spendIn === null || leadFacts === null ? null : matchSpend(spendIn, new Set(leadFacts.byGroup.keys()), group.label, warnings);
  const facts = assembleFacts({ rubric, asOf: options.asOf, minN: options.minN, inputs, group, skips: impliedOf(rubric, results), spend, caveats }, rows, leadFacts, dealFacts);
  return {
    facts,
    rubric,
    notices,
    warnings,
    rejects: [],
    leads: leads === null ? null : { plan: leads.source.plan },
    deals: deals === null ? null : { plan: deals.source.plan },
    rubricFile: run.rubricShown,
    preset: run.preset,
  };
}

/** One file's row accounting: the rows DuckDB was told to pass over, and duplicate ids. */
function accountingOf(side: Side, input: Row): Accounting {
  const acc = new Accounting(side.file, false);
  const duplicates = numeric(input.duplicates) || 0;
  const counted = [...side.skipped.reasons];
  if (duplicates > 0) counted.push({ reason: 'duplicate_id', count: duplicates, line: side.lines.of(input.first_dup), rejected: true });
  const reasons: Partial<Record<RowReason, number>> = {};
  const firstLines: Partial<Record<RowReason, number>> = {};
  for (const r of counted) {
    reasons[r.reason] = r.count;
    firstLines[r.reason] = r.line;
  }
  const rejects = counted.filter((r) => r.rejected).sort((a, b) => a.line - b.line);
  acc.append({
    used: numeric(input.read) - duplicates,
    rejected: rejects.reduce((n, r) => n + r.count, 0),
    skipped: counted.filter((r) => !r.rejected).reduce((n, r) => n + r.count, 0),
    duplicates,
    reasons,
    firstLines,
    rejects: [],
    warnings: [],
    firstReject: rejects[0] === undefined ? undefined : { line: rejects[0].line, reason: reasonText(rejects[0].reason) },
  });
  return acc;
}

/**
 * The rows --since/--until skipped, moved from used to skipped with their reasons, in the order the
 * JS engine meets them (src/engine/stream.ts): leads by their first row; then deals whose lead was
 * skipped, then deals no lead holds, by their first row. A window that keeps no lead stops the run.
 */
function windowSkips(row: Row, leads: Accounting | null, deals: Accounting | null, options: LoadOptions): void {
  const skip = (acc: Accounting, reasons: [RowReason, string][]) => {
    const found = reasons.map(([reason, key]) => ({ reason, n: numeric(row[key]) || 0, first: numeric(row[`first_${key}`]) })).filter((r) => r.n > 0);
    for (const { reason, n } of found.sort((a, b) => a.first - b.first)) for (let k = 0; k < n; k++) skipRow(acc, NaN, reason);
  };
  if (leads !== null) skip(leads, [['no_created_date', 'lead_no_date'], ['created_outside_window', 'lead_outside']]);
  if (deals !== null) {
    skip(deals, [['lead_outside_window', 'deal_lead_outside']]);
    skip(deals, [['no_created_date', 'deal_no_date'], ['created_outside_window', 'deal_outside']]);
  }
  if (leads !== null && leads.used === 0) throw new InputError(`${leads.file}: no leads created ${windowText(options)}`);
  if (leads === null && deals !== null && deals.used === 0) throw new InputError(`${deals.file}: no deals created ${windowText(options)}`);
}

/** What checkRead reads of a file's read. */
function info(side: Side): CsvInfo {
  return { file: side.file, encoding: side.encoding, delimiter: side.delimiter, header: side.source.plan.header, read: side.skipped.read, warnings: [], exact: true };
}

/** Date order and number format decisions (with the JS reader's warnings), and unreadable values per column. */
function formatWarnings(run: Prepared, dateOrder: DateOrder | undefined, rows: readonly Row[], of: (lead: boolean) => { acc: Accounting; side: Side }): void {
  for (const row of rows) {
    const lead = row.side === 'lead';
    const { acc, side } = of(lead);
    const column = String(row.column);
    if (row.kind === 'date') {
      const configured = dateOrder ?? (lead ? run.rubric.leads.dateOrder : run.rubric.deals.dateOrder);
      const decided = settleOrder(acc.file, column, { dayFirst: numeric(row.a) || 0, monthFirst: numeric(row.b) || 0, ambiguous: numeric(row.c) || 0 }, configured);
      if (decided.warning) acc.warnings.push(decided.warning);
    } else {
      const format = decideNumberFormat({ point: numeric(row.a) || 0, comma: numeric(row.b) || 0, ambiguousDot: numeric(row.c) || 0, ambiguousComma: 0 });
      const warning = numberFormatWarning(acc.file, column, format);
      if (warning) acc.warnings.push(warning);
    }
    const bad = numeric(row.bad) || 0;
    if (bad > 0) acc.noteInvalid(column, bad, { line: side.lines.of(row.first_bad), text: String(row.first_text ?? '') });
  }
}
