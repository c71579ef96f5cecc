/**
 * The command line (README, "Commands"): the only module that reads argv, writes stdout/stderr and decides
 * the exit code. Everything else is data in, data out.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommanderError, Option } from 'commander';
import { checkAlerts, parseRule, rubricRules } from './alerts.js';
import { FittedCommand, stackedWhenNarrow, type Reflow } from './commands/fitted-command.js';
import { COMMAND_HELP, withHelp } from './commands/help.js';
import { rejectsCsv } from './commands/rejects.js';
import { delimiterOption, loadOptions, sharedOptions, withShared, type Io, type SharedOptions } from './commands/options.js';
import { EXIT, InputError, UsageError, exitCodeOf } from './errors.js';
import { isoDate, today } from './data/normalize.js';
import { keepWhole, type CsvOptions } from './io/csv/index.js';
import { writeIntoFolder } from './io/folder.js';
import { checkSmallFile } from './io/small-file.js';
import { findDefaultRubric, load, type LoadOptions, type LoadedFacts } from './load.js';
import { loadFacts } from './engine/stream.js';
import { ENGINES } from './engine/engines.js';
import { DIALECT_NAMES } from './engine/sql/dialects.js';
import type { AuditResult, Report } from './model.js';
import { renderers, type FormatName } from './render/index.js';
import type { Pieces } from './render/types.js';
import { alertText } from './render/format.js';
import { terminalPieces, terminalSafe } from './render/safe.js';
import { streamPieces } from './io/write.js';
import { checkOutputs, describeCode, replaceFile, replaceFiles, type NamedPath } from './io/replace.js';
import type { RunDocument } from './reports/diff.js';
import { buildReports, REPORT_COMMANDS, reports } from './reports/index.js';
import { personalHeaders } from './data/personal.js';
import { verdicts } from './reports/verdicts.js';
import { wonCurrencies } from './reports/summary.js';
import { detectPreset } from './rubric/recognize.js';
import { checkPresetName } from './rubric/resolve.js';
import { ESCAPE_NAMES, PRESET_NAMES, type EscapeName } from './rubric/fields.js';

export type { Io } from './commands/options.js';

function defaultIo(): Io {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // `leadaudit stalls … | head` closes the pipe early: that is success, not an error (README, exit codes).
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    // A full disk (`> report.txt`) or a broken terminal: one line and exit 2, as for a file.
    process.stderr.write(`leadaudit: error: standard output: cannot write (${describeCode(error.code ?? error.message)})\n`);
    process.exit(EXIT.usage);
  });
  // Notices and warnings that cannot be written (`2>/dev/full`) must not end the run: its report
  // is on standard output or in a file, and there is nowhere left to say it.
  process.stderr.on('error', () => undefined);
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), now: () => new Date() };
}

/** The package's own folder (for the bundled samples and the version). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('leadaudit: cannot find its package.json');
    dir = up;
  }
  return dir;
}

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

const SAMPLE = { dir: 'fixtures/samples/hubspot', leads: 'contacts.csv', deals: 'deals.csv', rubric: 'leadaudit.yml' };

function useColor(o: SharedOptions, io: Io): boolean {
  if (!o.color) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  // no-color.org: NO_COLOR disables colour "when present and not an empty string".
  const noColor = io.env.NO_COLOR;
  return io.stdout.isTTY === true && (noColor === undefined || noColor === '');
}

/**
 * The width output fits (tables, notes, help, alerts; README "Terminal width"): the terminal's when
 * the stream it goes to is one, else COLUMNS when it is a positive whole number, else 80. Output
 * to a file (-o, --out-dir; `to` null) is not on the terminal, so it skips the terminal's width.
 */
export function outputWidth(io: Io, to: { isTTY?: boolean; columns?: number } | null = io.stdout): number {
  const columns = to?.columns;
  if (to?.isTTY === true && columns !== undefined && Number.isInteger(columns) && columns > 0) return columns;
  const env = io.env.COLUMNS?.trim() ?? '';
  if (/^\d+$/.test(env) && Number(env) > 0) return Number(env);
  return 80;
}

function say(io: Io, o: SharedOptions, loaded: LoadedFacts): void {
  if (o.quiet) return;
  // Messages quote file names, headers and cells: a terminal must not obey escapes hidden in them.
  for (const notice of loaded.notices) io.stderr.write(`leadaudit: ${terminalSafe(notice)}\n`);
  for (const warning of loaded.warnings) io.stderr.write(`leadaudit: warning: ${terminalSafe(warning)}\n`);
}

/** The files a run reads, named for a refusal: the rubric is the one in use, given or found. */
function inputsOf(o: LoadOptions, cwd: string): NamedPath[] {
  const rubric = o.rubric ?? findDefaultRubric(cwd);
  return [
    { path: o.leads, role: 'the leads file' },
    { path: o.deals, role: 'the deals file' },
    { path: rubric, role: o.rubric === undefined ? 'the rubric this run found' : 'the rubric' },
    { path: o.spend, role: 'the spend file' },
  ].filter((f): f is NamedPath => f.path !== undefined);
}

/** `audit`: the summary and every report; on screen the stalls list is cut to its worst rows. */
function auditReports(loaded: LoadedFacts): Report[] {
  return buildReports(loaded.facts, ['summary', ...REPORT_COMMANDS]).map((r) =>
    r.name === 'stalls' ? { ...r, preview: { rows: 15, more: '`leadaudit stalls` lists them all' } } : r,
  );
}

const MAX_RUN_BYTES = 512 * 1024 * 1024;

/** A `--format json` document from disk, checked enough to diff (docs/json.md): any shape diff reads is checked. */
async function readRun(path: string): Promise<RunDocument> {
  let doc: unknown;
  // A run's JSON is a regular file, no bigger than the longest string V8 can hold (a million-lead
  // audit's is well under it).
  try {
    checkSmallFile(path, 'leadaudit JSON report', MAX_RUN_BYTES);
  } catch (error) {
    // diff's runs are its input data: a bad one is an input error (exit 1), as a bad export is.
    throw error instanceof UsageError ? new InputError(error.message) : error;
  }
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${path}: no such file` : `${path}: not a leadaudit JSON report (${code === undefined ? (error as Error).message : describeCode(code)})`);
  }
  const { runDocumentProblem } = await import('./reports/diff.js');
  const problem = runDocumentProblem(doc);
  if (problem !== undefined) throw new InputError(`${path}: not a leadaudit JSON report (${problem}; make one with --format json)`);
  return doc as RunDocument;
}

/**
 * Writes a report to standard output. The table is made for a terminal already; any other format
 * printed to one has the data's escape sequences and control characters removed (a lead named
 * with ESC or BEL must not drive the terminal), while into a pipe or a file it stays byte-exact.
 */
async function toStdout(io: Io, pieces: Pieces, format: FormatName | 'table'): Promise<void> {
  await streamPieces(io.stdout.isTTY === true && format !== 'table' ? terminalPieces(pieces) : pieces, io.stdout);
}

/** File name endings by format, for --out-dir. */
const EXTENSIONS: Record<string, string> = { table: 'txt', csv: 'csv', tsv: 'tsv', json: 'json', md: 'md', html: 'html' };

/**
 * Refuses what no run may do before anything is read: -o beside --out-dir, an --out-dir that is a
 * file, an output that is an input (the rubric found, too) or another output.
 */
function checkRunOutputs(io: Io, o: SharedOptions, options: LoadOptions): NamedPath[] {
  if (o.output !== undefined && o.outDir !== undefined) throw new UsageError('-o and --out-dir: choose one (--out-dir writes one file per report)');
  if (o.outDir !== undefined) {
    let stat;
    try {
      stat = statSync(resolve(io.cwd, o.outDir), { throwIfNoEntry: false });
    } catch (error) {
      throw new UsageError(`--out-dir ${o.outDir}: cannot be a folder (${describeCode((error as NodeJS.ErrnoException).code ?? String(error))})`);
    }
    if (stat !== undefined && !stat.isDirectory()) throw new UsageError(`--out-dir ${o.outDir}: is a file, not a folder`);
  }
  const inputs = inputsOf(options, io.cwd);
  const outputs = [
    { path: o.output, role: '-o' },
    { path: o.rejects, role: '--rejects' },
  ].filter((f): f is NamedPath => f.path !== undefined);
  checkOutputs(outputs, inputs, io.cwd);
  return inputs;
}

/**
 * Reads a run's inputs, builds its reports and writes them. The reports built from facts read the
 * inputs streaming (src/engine/stream.ts); score, explain and check read them whole.
 */
/** What computes a run's facts: the engine asked for, or the database --db names. */
async function factsLoader(o: SharedOptions, options: LoadOptions): Promise<(options: LoadOptions) => Promise<LoadedFacts>> {
  if (o.facts !== undefined) {
    if (options.leads !== undefined || options.deals !== undefined || o.db !== undefined) throw new UsageError('--facts holds the facts already: give no export files and no --db with it');
    const { loadFactsFile } = await import('./engine/sql/facts-file.js');
    const facts = o.facts;
    return (run) => loadFactsFile({ ...run, facts });
  }
  if (o.db === undefined) {
    if (o.leadsTable !== undefined || o.dealsTable !== undefined || o.orderBy !== undefined) throw new UsageError('--leads-table, --deals-table and --order-by go with --db');
    return ENGINES[o.engine]();
  }
  if (options.leads !== undefined || options.deals !== undefined) throw new UsageError('--db reads tables, not files: name them with --leads-table and --deals-table');
  const { loadDb } = await import('./engine/sql/db.js');
  const db = { db: o.db, leadsTable: o.leadsTable, dealsTable: o.dealsTable, orderBy: o.orderBy };
  return (run) => loadDb({ ...run, ...db });
}

async function runReports<L extends LoadedFacts>(
  io: Io,
  o: SharedOptions,
  options: LoadOptions,
  read: (options: LoadOptions) => Promise<L>,
  build: (loaded: L) => Report[] | Promise<Report[]>,
): Promise<number> {
  const inputs = checkRunOutputs(io, o, options);
  const loaded = await read(options);
  say(io, o, loaded);
  const reports = await build(loaded);
  const rules = [...o.failOn.map(parseRule), ...rubricRules(loaded.rubric.alerts)];
  const verdict = verdicts(loaded.facts);
  const alerts = checkAlerts(rules, reports, verdict);
  const result: AuditResult = {
    asOf: isoDate(loaded.facts.asOf),
    inputs: loaded.facts.inputs,
    reports,
    verdict,
    alerts,
    run: { rubric: loaded.rubricFile ?? null, preset: loaded.preset ?? 'generic', spend: options.spend ?? null, currencies: wonCurrencies(loaded.facts) },
  };
  const format = o.format as FormatName;
  const renderer = await renderers[format]();
  const render = (r: AuditResult, toTerminal: boolean) =>
    renderer(r, {
      color: toTerminal && useColor(o, io),
      width: outputWidth(io, toTerminal ? io.stdout : null),
      wide: o.wide ?? false,
      tool: { name: 'leadaudit', version: version() },
      decimalComma: o.decimalComma ?? false,
    });
  // Every file is made first and renamed into place together at the end (README, "Output files").
  const files: { path: string; role: string; pieces: () => Pieces }[] = [];
  if (o.rejects !== undefined) files.push({ path: o.rejects, role: '--rejects', pieces: () => [rejectsCsv(loaded, options.redact ?? false, o.decimalComma ? ';' : ',')] });
  if (o.outDir !== undefined) {
    // One file per report, named by report and format.
    for (const report of reports) {
      const path = join(o.outDir, `${report.name}.${EXTENSIONS[format] ?? format}`);
      files.push({ path, role: '--out-dir', pieces: () => render({ ...result, reports: [report] }, false) });
    }
    checkOutputs(files, inputs, io.cwd);
    await writeIntoFolder(o.outDir, '--out-dir', files);
  } else {
    if (o.output !== undefined) files.push({ path: o.output, role: '-o', pieces: () => render(result, false) });
    await replaceFiles(files);
  }
  if (o.outDir !== undefined && !o.quiet) io.stderr.write(`leadaudit: wrote ${files.filter((f) => f.role === '--out-dir').map((f) => terminalSafe(f.path)).join(', ')}\n`);
  if (o.outDir === undefined && o.output === undefined) await toStdout(io, render(result, true), format);
  // On a terminal an alert wraps to its width; in a log it stays one line, for grep. (The wrap
  // helpers load only when needed: string-width and wrap-ansi are slow to load; docs/performance.md.)
  const wrap = alerts.length > 0 && io.stderr.isTTY === true ? await import('./render/wrap.js') : undefined;
  for (const a of alerts) {
    const line = `leadaudit: alert: ${alertText(a)}`;
    io.stderr.write(`${wrap === undefined ? line : wrap.wrapParagraph(line, outputWidth(io, io.stderr)).join('\n')}\n`);
  }
  return alerts.length > 0 ? EXIT.alert : EXIT.ok;
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const verbose = argv.includes('--verbose');
  // Help is fitted with the wrap helpers, loaded only by a run that may print help: string-width and
  // wrap-ansi are slow to load (commander's own wrapping serves any other help; docs/performance.md).
  const mayHelp = argv.length === 0 || argv.some((arg) => arg === '--help' || arg === '-h' || arg === 'help');
  const wrap = mayHelp ? await import('./render/wrap.js') : undefined;
  const reflow: Reflow = (text, error) => wrap?.reflowHelp(text, outputWidth(io, error ? io.stderr : io.stdout)) ?? text;
  const program = new FittedCommand('leadaudit', reflow)
    .description('Audit CRM lead and deal exports: where leads stall, which sources close, and whether a gap belongs to marketing or sales.')
    .version(version(), '-V, --version')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`leadaudit: ${s}`),
      getOutHelpWidth: () => outputWidth(io),
      getErrHelpWidth: () => outputWidth(io, io.stderr),
    })
    .configureHelp(wrap === undefined ? {} : { formatItem: stackedWhenNarrow(wrap.wrapLines) })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  let exitCode: number = EXIT.ok;

  withShared(withHelp(program.command('audit'), COMMAND_HELP.audit), io).action(
    async (leads: string | undefined, deals: string | undefined, o: SharedOptions) => {
      const options = loadOptions([leads, deals], o, io);
      exitCode = await runReports(io, o, options, await factsLoader(o, options), (l) => auditReports(l));
    },
  );

  for (const name of REPORT_COMMANDS) {
    withShared(withHelp(program.command(name), reports[name].help), io).action(
      async (leads: string | undefined, deals: string | undefined, o: SharedOptions) => {
        // Only the stalls report lists stalled leads, and only the funnel and the matrix split a
        // --by group by grade and stage; the others need fewer counts.
        const needs = { stalledRows: name === 'stalls', groupDetail: name === 'funnel' || name === 'matrix' };
        const options = loadOptions([leads, deals], o, io, needs);
        exitCode = await runReports(io, o, options, await factsLoader(o, options), (l) => {
          const built = buildReports(l.facts, [name]);
          // A report about leads, asked for with no leads file: say so.
          if (built.length === 0) throw new UsageError(`${name} needs a leads file${name === 'funnel' ? ' (or deal stages in the rubric, for the pipeline)' : ''}`);
          return built;
        });
      },
    );
  }

  withShared(
    withHelp(program.command('score'), COMMAND_HELP.score).option('--with-columns', "add the lead's original columns"),
    io,
  ).action(async (leads: string | undefined, deals: string | undefined, o: SharedOptions) => {
    const options = loadOptions([leads, deals], o, io, { keepCells: o.withColumns ?? false, stalledRows: false, groupDetail: false });
    if (options.leads === undefined) throw new UsageError('score needs a leads file (it scores leads)');
    const { score } = await import('./reports/score.js');
    exitCode = await runReports(io, o, options, load, (l) => {
      const hashed = new Set(personalHeaders(l.leads!.plan));
      return score(l.data, o.withColumns ? l.leads!.plan.header.names.map((name, index) => ({ name, index, personal: hashed.has(name) })) : []);
    });
  });

  withShared(
    withHelp(program.command('check'), COMMAND_HELP.check),
    io,
  ).action(async (leads: string | undefined, deals: string | undefined, o: SharedOptions) => {
    const { check } = await import('./reports/check.js');
    const { recognizeInputs } = await import('./rubric/init/read.js');
    const options = loadOptions([leads, deals], o, io, { stalledRows: false, groupDetail: false });
    // A second read of each file (not of standard input) gives each field's runners-up by value.
    exitCode = await runReports(io, o, options, load, async (l) => check({ ...l, recognized: await recognizeInputs(l, options) }));
  });

  withShared(
    withHelp(program.command('explain'), COMMAND_HELP.explain).argument('<lead>', 'the lead id (or email)'),
    io,
  ).action(async (lead: string, leads: string | undefined, deals: string | undefined, o: SharedOptions) => {
    const options = loadOptions([leads, deals], o, io, { stalledRows: false, groupDetail: false });
    if (options.leads === undefined) throw new UsageError('explain needs a leads file');
    const { explain } = await import('./reports/explain.js');
    exitCode = await runReports(io, o, options, load, (l) => explain(l.data, l.leads!.plan, l.leads!.read.leads, lead));
  });

  withHelp(program.command('diff'), COMMAND_HELP.diff)
    .argument('<old>', 'the earlier run (leadaudit … --format json)')
    .argument('<new>', 'the later run')
    .addOption(new Option('--format <format>', 'output format').choices(Object.keys(renderers)).default('table'))
    .option('-o, --output <file>', 'write the diff to this file instead of standard output')
    .option('--decimal-comma', 'CSV/TSV for comma-decimal locales (de, fr, es…): 0,305 not 0.305, flags 1/0, CSV fields separated by ; (no effect on table, json, md, html)')
    .option('--wide', 'show every column in tables, however wide')
    .option('--no-color', 'no colour in tables')
    .option('-q, --quiet', 'no notices on standard error')
    .action(async (older: string, newer: string, o: SharedOptions) => {
      if (o.output !== undefined) checkOutputs([{ path: o.output, role: '-o' }], [{ path: older, role: 'the earlier run' }, { path: newer, role: 'the later run' }], io.cwd);
      const { diffRuns } = await import('./reports/diff.js');
      const earlier = await readRun(older);
      const later = await readRun(newer);
      const reports = diffRuns(earlier, later);
      const result: AuditResult = { asOf: later.asOf, inputs: { leads: null, deals: null }, reports, verdict: [], alerts: [] };
      const renderer = await renderers[o.format as FormatName]();
      const pieces = renderer(result, {
        color: o.output === undefined && useColor(o, io),
        width: outputWidth(io, o.output === undefined ? io.stdout : null),
        wide: o.wide ?? false,
        tool: { name: 'leadaudit', version: version() },
        decimalComma: o.decimalComma ?? false,
      });
      if (o.output !== undefined) await replaceFile(o.output, pieces);
      else await toStdout(io, pieces, o.format as FormatName);
    });

  withHelp(program.command('init'), COMMAND_HELP.init)
    .argument('[leads]', 'leads (contacts) export')
    .argument('[deals]', 'deals (opportunities) export')
    .option('--leads <file>', 'the leads export (instead of the first argument)')
    .option('--deals <file>', 'the deals export')
    .addOption(new Option('--preset <name>', `start from this preset instead of the detected one: ${PRESET_NAMES.join(', ')}`))
    .option('-o, --output <file>', 'where to write the rubric', 'leadaudit.yml')
    .option('--force', 'overwrite an existing rubric file')
    .option('--delimiter <char>', 'column delimiter: , ; tab | (default: sniffed)')
    .option('--encoding <name>', 'text encoding (default: from the BOM, else UTF-8, else Windows-1252)')
    .addOption(new Option('--escape <how>', 'quotes inside quoted cells: doubled (quote, RFC 4180) or after a backslash (backslash, MySQL INTO OUTFILE); written into the rubric').choices(ESCAPE_NAMES))
    .option('-q, --quiet', 'no notices on standard error')
    .action(async (leadsArg: string | undefined, dealsArg: string | undefined, o: { leads?: string; deals?: string; preset?: string; output: string; force?: boolean; delimiter?: string; encoding?: string; escape?: EscapeName; quiet?: boolean }) => {
      const leads = o.leads ?? (o.deals !== undefined && dealsArg === undefined ? undefined : leadsArg);
      const deals = o.deals ?? (o.leads !== undefined ? leadsArg : dealsArg);
      if (leads === undefined && deals === undefined) throw new UsageError('init needs a leads export, a deals export, or both');
      const target = resolve(io.cwd, o.output);
      if (existsSync(target) && !o.force) throw new UsageError(`${o.output} already exists; use --force to overwrite it`);
      const inputs = [
        { path: leads, role: 'the leads file' },
        { path: deals, role: 'the deals file' },
      ].filter((f): f is NamedPath => f.path !== undefined);
      checkOutputs([{ path: o.output, role: '-o' }], inputs, io.cwd);
      const csv: CsvOptions = { delimiter: delimiterOption(o.delimiter), encoding: o.encoding, whole: keepWhole(), ...(o.escape === 'backslash' ? { escape: '\\' } : {}) };
      const { readInitFile } = await import('./rubric/init/read.js');
      const leadFile = leads === undefined ? undefined : await readInitFile(leads, 'leads', csv);
      const dealFile = deals === undefined ? undefined : await readInitFile(deals, 'deals', csv);
      const { initRubric } = await import('./rubric/init/write.js');
      const detected = detectPreset(leadFile?.header.names, dealFile?.header.names);
      const preset = o.preset === undefined ? detected.preset : checkPresetName(o.preset);
      const presetWhy =
        o.preset !== undefined ? 'chosen with --preset' : detected.evidence.length > 0 ? `detected from the headers ${detected.evidence.slice(0, 4).map((h) => JSON.stringify(h)).join(', ')}` : 'no CRM\'s own headers found';
      const text = initRubric({ preset, presetWhy, leads: leadFile, deals: dealFile, today: isoDate(today(io.now())) });
      await replaceFile(target, [text]);
      if (!o.quiet) {
        const files = [leads, deals].filter((f): f is string => f !== undefined);
        const args = leads === undefined ? ['--deals', ...files] : files;
        const rubricArg = resolve(io.cwd, 'leadaudit.yml') === target ? [] : ['--rubric', o.output];
        io.stderr.write(`leadaudit: wrote ${o.output} (${preset} preset, ${presetWhy}); next: leadaudit check ${[...args, ...rubricArg].map(shellQuote).join(' ')}\n`);
      }
    });

  withHelp(program.command('schema'), COMMAND_HELP.schema)
    .option('--rubric', "the rubric's schema (the default)")
    .option('--output', 'the schema of the --format json document, to validate runs against')
    .action(async (o: { rubric?: boolean; output?: boolean }) => {
      if (o.rubric && o.output) throw new UsageError('schema prints one schema: --rubric or --output, not both');
      const schema = o.output ? (await import('./render/json-schema.js')).outputJsonSchema() : (await import('./rubric/schema.js')).rubricJsonSchema();
      io.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });

  withHelp(program.command('sql'), COMMAND_HELP.sql)
    .argument('[leads]', 'leads export: the tables are taken to have its columns')
    .argument('[deals]', 'deals export')
    .option('--leads <file>', 'the leads export (instead of the first argument)')
    .option('--deals <file>', 'the deals export')
    .option('--rubric <file>', 'rubric file (default: ./leadaudit.yml, .yaml or .json if present, else the detected preset)')
    .addOption(new Option('--preset <name>', `start from a preset: ${PRESET_NAMES.join(', ')}`))
    .option('--as-of <date>', `"today" for every age and stall (default: ${isoDate(today(io.now()))})`)
    .addOption(new Option('--date-order <order>', 'how to read 3/5/2024 when a column does not prove it').choices(['mdy', 'dmy', 'ymd']))
    .addOption(new Option('--dialect <name>', 'the SQL dialect').choices(DIALECT_NAMES).default('duckdb'))
    .option('--db <url>', 'take the tables\' columns from this database: duckdb:FILE or postgresql://…')
    .option('--leads-table <name>', 'the leads table the SQL reads, schema-qualified if need be (default: leads)')
    .option('--deals-table <name>', 'the deals table (default: deals)')
    .option('--order-by <column>', 'the column that orders rows where "first" matters (duplicate ids, shared join keys); default: the id')
    .option('--delimiter <char>', 'column delimiter of the exports: , ; tab | (default: sniffed)')
    .option('--encoding <name>', 'text encoding of the exports')
    .option('-o, --output <file>', 'write the SQL to this file instead of standard output')
    .option('-q, --quiet', 'no notices on standard error')
    .action(async (leads: string | undefined, deals: string | undefined, o: SharedOptions) => {
      const options = loadOptions([leads, deals], { ...o, minN: '30', failOn: [], format: 'table', color: false, engine: 'js' }, io);
      const { sqlScript } = await import('./commands/sql.js');
      const script = await sqlScript(options, { dialect: o.dialect ?? 'duckdb', db: o.db, leadsTable: o.leadsTable, dealsTable: o.dealsTable, orderBy: o.orderBy });
      if (o.output !== undefined) await replaceFile(o.output, [script]);
      else io.stdout.write(script);
    });

  sharedOptions(
    withHelp(program.command('demo'), COMMAND_HELP.demo).argument('[dir]', 'folder to write the sample exports and rubric into'),
    io,
  ).action(async (dir: string | undefined, o: SharedOptions) => {
    const root = join(packageRoot(), SAMPLE.dir);
    if (dir !== undefined) {
      const files = [SAMPLE.leads, SAMPLE.deals, SAMPLE.rubric].map((file) => ({ path: join(dir, file), pieces: () => [readFileSync(join(root, file), 'utf8')] }));
      for (const { path } of files) if (existsSync(path)) throw new UsageError(`${path} already exists; choose an empty folder`);
      await writeIntoFolder(dir, 'demo', files);
      io.stdout.write(`wrote ${SAMPLE.leads}, ${SAMPLE.deals} and ${SAMPLE.rubric} to ${resolve(dir)}\nnext: cd ${dir} && leadaudit audit ${SAMPLE.leads} ${SAMPLE.deals}\n`);
      return;
    }
    const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as { asOf: string };
    // Paths relative to where the user is, so the report names files the way they would.
    const sample = (file: string) => relative(io.cwd, join(root, file)) || file;
    const options = loadOptions([sample(SAMPLE.leads), sample(SAMPLE.deals)], { ...o, asOf: o.asOf ?? expected.asOf }, io, {
      rubric: o.rubric ?? sample(SAMPLE.rubric),
    });
    exitCode = await runReports(io, o, options, loadFacts, (l) => auditReports(l));
  });

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    if (code !== undefined) {
      for (const line of message.split('\n')) io.stderr.write(`leadaudit: error: ${terminalSafe(line)}\n`);
      if (verbose && error instanceof Error) io.stderr.write(`${error.stack ?? ''}\n`);
      return code;
    }
    io.stderr.write(`leadaudit: internal error: ${terminalSafe(message)}${verbose ? '' : ' (run with --verbose for details)'}\n`);
    if (verbose && error instanceof Error) io.stderr.write(`${error.stack ?? ''}\n`);
    return EXIT.input;
  }
}

/** A word as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
