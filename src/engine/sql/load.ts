/**
 * A run on a SQL engine (docs/engines.md): the rubric and the inputs as the JS engine prepares
 * them (presets, columns, headers), the compiled audit run on the database, and the same
 * LoadedFacts the reports read, with the same row accounting and warnings.
 */
import { Accounting } from '../../data/accounting.js';
import { planColumns } from '../../data/map.js';
import { decideNumberFormat, numberFormatWarning, type DateOrder } from '../../data/normalize.js';
import { settleOrder } from '../../data/value-columns.js';
import { UsageError } from '../../errors.js';
import type { CsvInfo } from '../../io/csv/index.js';
import { caveatsOf, displayDelimiter, prepare, sharedDealsText, type LoadedFacts, type LoadOptions, type Prepared } from '../../load.js';
import type { RowReason } from '../../model.js';
import { assembleFacts } from '../fold.js';
import { compileAudit, refuseUnsupported, type QueryName, type SqlSource } from './compile.js';
import { dialect } from './dialects.js';
import { csvSource, openDuckDb, type SkippedRows, type SqlConnection } from './duckdb.js';
import { dealFactsOf, impliedOf, leadFactsOf, numeric, type Results, type Row } from './facts.js';

/** The reports built from facts, on embedded DuckDB reading the CSV exports. */
export async function loadDuckDb(options: LoadOptions): Promise<LoadedFacts> {
  const run = await prepare(options);
  refuseUnsupported(run.rubric, options);
  if (options.leads === undefined) throw new UsageError('a deals-only run is not supported by --engine duckdb yet; run with --engine js');
  if (options.keepRejects) throw new UsageError('--rejects is not supported by --engine duckdb yet; run with --engine js');
  const db = await openDuckDb();
  try {
    const leads = await side(db, run, 'leads', options.leads);
    const deals = options.deals === undefined ? null : await side(db, run, 'deals', options.deals);
    return await audit(db, run, options, leads, deals);
  } finally {
    db.close();
  }
}

interface Side {
  readonly file: string;
  readonly source: SqlSource;
  readonly skipped: SkippedRows;
  readonly delimiter: string;
}

async function side(db: SqlConnection, run: Prepared, which: 'leads' | 'deals', file: string): Promise<Side> {
  const header = run.headers[which]!;
  const plan = planColumns(which, file, header, run.rubric, [...run.extra[which]]);
  const read = await csvSource(db, which, file, which === 'leads' ? run.leadCsv : run.dealCsv, header, plan);
  return { file, source: read.source, skipped: read.skipped, delimiter: read.layout.delimiter };
}

async function audit(db: SqlConnection, run: Prepared, options: LoadOptions, leads: Side, deals: Side | null): Promise<LoadedFacts> {
  const { rubric, notices, warnings } = run;
  const compiled = compileAudit({ rubric, asOf: options.asOf, dateOrder: options.dateOrder, leads: leads.source, deals: deals?.source ?? null }, dialect('duckdb'));
  for (const statement of compiled.setup) await db.run(statement);
  const results: Results = {};
  for (const [name, sql] of Object.entries(compiled.queries) as [QueryName, string | undefined][]) if (sql !== undefined) results[name] = await db.all(sql);

  const leadAcc = accountingOf(leads, results.leadInput![0]!, options);
  const dealAcc = deals === null ? null : accountingOf(deals, results.dealInput![0]!, options);
  formatWarnings(run, options.dateOrder, results.formats ?? [], leadAcc, dealAcc);
  run.checkRead(leadAcc, info(leads, numeric(results.leadInput![0]!.read)));
  if (deals !== null) run.checkRead(dealAcc!, info(deals, numeric(results.dealInput![0]!.read)));

  const leadFacts = leadFactsOf(rubric, results);
  const dealFacts = deals === null ? null : dealFactsOf(rubric, results);
  if (dealFacts !== null) {
    const shared = results.shared?.[0];
    const text = sharedDealsText({ deals: numeric(shared?.deals) || 0, leads: numeric(shared?.leads) || 0 }, rubric.join.shared, rubric.join.sharedStated);
    if (text !== null) (rubric.join.sharedStated ? notices : warnings).push(text);
    if (dealFacts.all.deals > 0 && dealFacts.all.won === 0) warnings.push(`no deal in ${deals!.file} is won by the rubric's deals.won (${rubric.origin}): wins and revenue are 0; name the won stage values or a won column there`);
    if (dealFacts.all.deals > 0 && dealFacts.unattributed.deals === dealFacts.all.deals) {
      warnings.push(`no deal matched a lead (join: lead ${rubric.join.lead} = deal ${rubric.join.deal}); every deal is unattributed — check the join in the rubric`);
    }
  }
  const newest = numeric(results.newest?.[0]?.newest);
  const caveats = caveatsOf(options.asOf, rubric, leads.source.plan, deals !== null, newest, warnings);
  const inputs = {
    leads: leadAcc.summary(leads.skipped.read + 0, 'utf-8', displayDelimiter(leads.delimiter)),
    deals:
      deals === null
        ? null
        : { ...dealAcc!.summary(deals.skipped.read, 'utf-8', displayDelimiter(deals.delimiter)), attributed: dealFacts!.all.deals - dealFacts!.unattributed.deals, unattributed: dealFacts!.unattributed.deals },
  };
  const group = { key: 'channel', label: 'Channel', explicit: false, ofLead: () => '', ofDeal: undefined };
  const facts = assembleFacts({ rubric, asOf: options.asOf, minN: options.minN, inputs, group, skips: impliedOf(rubric, results), spend: null, caveats }, false, leadFacts, dealFacts);
  return { facts, rubric, notices, warnings, rejects: [], leads: { plan: leads.source.plan }, deals: deals === null ? null : { plan: deals.source.plan }, rubricFile: run.rubricShown, preset: run.preset };
}

/** One file's row accounting: the rows DuckDB was told to pass over, and duplicate ids. */
function accountingOf(side: Side, input: Row, options: LoadOptions): Accounting {
  const acc = new Accounting(side.file, false);
  const duplicates = numeric(input.duplicates) || 0;
  const reasons: Partial<Record<RowReason, number>> = {};
  const firstLines: Partial<Record<RowReason, number>> = {};
  let rejected = 0;
  let skipped = 0;
  for (const r of side.skipped.reasons) {
    reasons[r.reason] = r.count;
    firstLines[r.reason] = r.line;
    if (r.rejected) rejected += r.count;
    else skipped += r.count;
  }
  if (duplicates > 0) {
    reasons.duplicate_id = duplicates;
    firstLines.duplicate_id = Infinity;
  }
  const long = side.skipped.reasons.find((r) => r.rejected);
  acc.append({
    used: numeric(input.read) - duplicates,
    rejected: rejected + duplicates,
    skipped,
    duplicates,
    reasons,
    firstLines,
    rejects: [],
    warnings: [],
    firstReject: long ? { line: long.line, reason: 'field too long' } : duplicates > 0 ? { line: NaN, reason: 'duplicate id' } : undefined,
  });
  void options;
  return acc;
}

/** What checkRead reads of a file's read. */
function info(side: Side, used: number): CsvInfo {
  void used;
  return { file: side.file, encoding: 'utf-8', delimiter: side.delimiter, header: side.source.plan.header, read: side.skipped.read, warnings: [], exact: true };
}

/** Date order and number format decisions (with the JS reader's warnings), and unreadable values per column. */
function formatWarnings(run: Prepared, dateOrder: DateOrder | undefined, rows: readonly Row[], leadAcc: Accounting, dealAcc: Accounting | null): void {
  for (const row of rows) {
    const lead = row.side === 'lead';
    const acc = lead ? leadAcc : dealAcc!;
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
    if (bad > 0) acc.noteInvalid(column, bad, { line: numeric(row.first_bad) + 2, text: '' });
  }
}
