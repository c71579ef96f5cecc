/**
 * The options the reporting commands share (README, "Commands"), and how they become the
 * LoadOptions of a run: each option's text is checked here, with a message naming the flag.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { isoDate, parseDate, today, type DateOrder } from '../data/normalize.js';
import type { LoadOptions } from '../load.js';
import { ENGINE_NAMES, type EngineName } from '../engine/engines.js';
import type { DialectName } from '../engine/sql/dialects.js';
import { renderers } from '../render/index.js';
import type { Out } from '../io/write.js';
import { progressLine } from '../progress.js';
import { workerPipeline } from '../parallel/chunks.js';
import { checkPresetName } from '../rubric/resolve.js';
import { ESCAPE_NAMES, PRESET_NAMES, type EscapeName } from '../rubric/fields.js';

/** Where the CLI talks to the world; tests pass their own. */
export interface Io {
  readonly stdout: Out & { isTTY?: boolean; columns?: number };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly now: () => Date;
}

export interface SharedOptions {
  leads?: string;
  deals?: string;
  rubric?: string;
  preset?: string;
  asOf?: string;
  since?: string;
  until?: string;
  by?: string;
  format: string;
  output?: string;
  outDir?: string;
  minN: string;
  spend?: string;
  failOn: string[];
  strict?: boolean;
  rejects?: string;
  delimiter?: string;
  encoding?: string;
  escape?: EscapeName;
  dateOrder?: DateOrder;
  wide?: boolean;
  redact?: boolean;
  color: boolean;
  quiet?: boolean;
  verbose?: boolean;
  withColumns?: boolean;
  decimalComma?: boolean;
  engine: EngineName;
  db?: string;
  leadsTable?: string;
  dealsTable?: string;
  orderBy?: string;
  facts?: string;
  dialect?: DialectName;
}

function dayOption(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const day = parseDate(text, 'mdy');
  if (Number.isNaN(day)) throw new UsageError(`${flag} "${text}": expected a date like 2025-06-30`);
  return day;
}

const DELIMITERS: Record<string, string> = { ',': ',', comma: ',', ';': ';', semicolon: ';', '\t': '\t', '\\t': '\t', tab: '\t', '|': '|', pipe: '|' };

export function delimiterOption(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const d = DELIMITERS[text.toLowerCase()];
  if (d === undefined) throw new UsageError(`--delimiter "${text}": expected one of: , ; tab |`);
  return d;
}

function minNOption(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--min-n "${text}": expected a whole number of 1 or more`);
  return n;
}

/** Adds the input files and the options shared by the reporting commands (README, "Commands"). */
export function withShared(command: Command, io: Io): Command {
  return sharedOptions(command.argument('[leads]', 'leads (contacts) export, or - for standard input').argument('[deals]', 'deals (opportunities) export'), io);
}

export function sharedOptions(command: Command, io: Io): Command {
  return command
    .option('--leads <file>', 'the leads export (instead of the first argument)')
    .option('--deals <file>', 'the deals export (use alone for a deals-only audit)')
    .option('--rubric <file>', 'rubric file (default: ./leadaudit.yml, .yaml or .json if present, else the detected preset)')
    .addOption(new Option('--preset <name>', `start from a preset: ${PRESET_NAMES.join(', ')}`))
    .option('--as-of <date>', `"today" for every age and stall (default: ${isoDate(today(io.now()))})`)
    .option('--since <date>', 'only leads created on or after this date')
    .option('--until <date>', 'only leads created on or before this date')
    .option('--by <group>', 'group sources and funnel by channel, source, owner, grade, stage or a column name')
    .addOption(new Option('--format <format>', 'output format').choices(Object.keys(renderers)).default('table'))
    .option('-o, --output <file>', 'write the report to this file instead of standard output')
    .option('--out-dir <dir>', 'write one file per report into this folder (summary.csv, funnel.csv, …)')
    .option('--spend <file>', 'CSV of channel (or --by group) and spend: adds spend, cost per lead and per win, and ROAS to sources')
    .option('--min-n <n>', 'small-sample bar: groups with fewer leads are flagged low_n', '30')
    .option('--fail-on <rule>', "exit 3 when a metric crosses a line, e.g. 'sources.win_rate<0.02' (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--strict', 'exit 1 on any malformed row or unreadable value instead of skipping it')
    .option('--rejects <file>', 'write every rejected row, with _file, _line and _reason, to this CSV')
    .option('--delimiter <char>', 'column delimiter: , ; tab | (default: sniffed)')
    .option('--encoding <name>', 'text encoding (default: from the BOM, else UTF-8, else Windows-1252)')
    .addOption(
      new Option('--escape <how>', 'how quotes are escaped in quoted cells: quote ("" as in RFC 4180) or backslash (\\" \\\\ \\n, as MySQL SELECT … INTO OUTFILE writes; \\N stays a null) (default: the rubric\'s leads.escape / deals.escape, else quote)').choices(
        ESCAPE_NAMES,
      ),
    )
    .addOption(new Option('--date-order <order>', 'how to read 3/5/2024 when a column does not prove it').choices(['mdy', 'dmy', 'ymd']))
    .option('--db <url>', 'audit tables in a database instead of files: duckdb:FILE or postgresql://… (with --leads-table, --deals-table)')
    .option('--leads-table <name>', 'with --db: the leads table, schema-qualified if need be (default: leads)')
    .option('--deals-table <name>', 'with --db: the deals table (default: deals)')
    .option('--order-by <column>', 'with --db: the column that orders rows where "first" matters (duplicate ids, shared join keys); default: the id')
    .option('--facts <file>', "render the reports from the result of leadaudit sql run in a warehouse (its one result set, exported as CSV)")
    .addOption(new Option('--engine <name>', 'compute on leadaudit\'s own engine (js) or on embedded DuckDB (duckdb: the rubric compiled to SQL; the same numbers, slower than js on CSV exports)').choices(ENGINE_NAMES).default('js'))
    .option('--redact', "replace leads' emails and names with a stable short hash in every report")
    .option('--decimal-comma', 'CSV/TSV for comma-decimal locales (de, fr, es…): 0,305 not 0.305, flags 1/0, CSV fields separated by ; (no effect on table, json, md, html)')
    .option('--wide', 'show every column in tables, however wide')
    .option('--no-color', 'no colour in tables')
    .option('-q, --quiet', 'no notices or warnings on standard error')
    .option('--verbose', 'show stack traces of unexpected errors');
}

export function loadOptions(args: (string | undefined)[], o: SharedOptions, io: Io, extra: Partial<LoadOptions> = {}): LoadOptions {
  const [first, second] = args;
  const leads = o.leads ?? (o.deals !== undefined && second === undefined ? undefined : first);
  const deals = o.deals ?? (o.leads !== undefined ? first : second);
  return {
    leads,
    deals,
    rubric: o.rubric,
    preset: o.preset === undefined ? undefined : checkPresetName(o.preset),
    asOf: dayOption('--as-of', o.asOf) ?? today(io.now()),
    since: dayOption('--since', o.since),
    until: dayOption('--until', o.until),
    by: o.by,
    minN: minNOption(o.minN),
    spend: o.spend,
    redact: o.redact ?? false,
    // A progress line for big inputs, only where a person watches (stderr is a terminal).
    onProgress: io.stderr.isTTY && !o.quiet ? progressLine((text) => io.stderr.write(text)) : undefined,
    // A big leads file is read on two cores; LEADAUDIT_THREADS=1 reads it on one.
    leadsReader: io.env.LEADAUDIT_THREADS === '1' ? undefined : workerPipeline(),
    strict: o.strict ?? false,
    keepRejects: o.rejects !== undefined,
    delimiter: delimiterOption(o.delimiter),
    encoding: o.encoding,
    escape: o.escape,
    dateOrder: o.dateOrder,
    cwd: io.cwd,
    ...extra,
  };
}
