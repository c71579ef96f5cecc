/**
 * One run's inputs, read and classified: rubric file (it may say how the files are written) →
 * headers → rubric (preset detected when none is given) → column plans → leads and deals → join → classification. The only I/O is reading the inputs; the
 * result is the data every report is built from.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError, UsageError } from './errors.js';
import { keepWhole, readCsv, type CsvHeader, type CsvInfo, type CsvOptions, type CsvSink } from './io/csv/index.js';
import { classifyLeads, leadJoinKeys, type ClassifiedLeads } from './data/classify.js';
import { OUTCOMES, Rows, type DealTable, type LeadColumns, type LeadTable } from './data/table.js';
import { dealsMatchingLead, joinDeals, type Joined, type SharedMode } from './data/join.js';
import { implausibleDeals, implausibleLeads, type Implausible } from './data/plausible.js';
import { planColumns, type ColumnPlan, type MapOptions, type RejectedRow } from './data/map.js';
import { CHUNK_ROWS, leadSink, WholeLeads, type LeadChunk, type LeadChunksRead, type LeadsRead } from './data/lead-sink.js';
import { dealSink, type DealsRead } from './data/deal-sink.js';
import { failOnInvalid, invalidValueMessages, type Accounting } from './data/accounting.js';
import { isoDate, type DateOrder } from './data/normalize.js';
import { reasonText, type Deal, type FileAccounting } from './model.js';
import type { AuditData, Grouping, JoinFacts } from './engine/classified.js';
import { grouping } from './engine/grouping.js';
import { inWindow, skip, windowText } from './data/window.js';
import { matchSpend, readSpend, type SpendFile } from './data/spend.js';
import { newestDate, staleAsOfWarning, unreachableStages, unreachableWarning } from './data/caveats.js';
import { detectPreset } from './rubric/recognize.js';
import { fileShape, resolveRubric, type EscapeName, type Rubric } from './rubric/resolve.js';
import type { PresetName } from './rubric/fields.js';
import { NoWorker, type LeadsReader, type LeadsReading } from './parallel/chunks.js';
import { buildFacts } from './engine/fold.js';
import type { AuditFacts, Caveats } from './engine/facts.js';

export interface LoadOptions {
  readonly leads?: string;
  readonly deals?: string;
  readonly rubric?: string;
  readonly preset?: PresetName;
  readonly asOf: number;
  readonly since?: number;
  readonly until?: number;
  readonly by?: string;
  readonly minN: number;
  readonly strict: boolean;
  readonly keepRejects: boolean;
  readonly delimiter?: string;
  readonly encoding?: string;
  /** --escape: how quotes are escaped in both files (overrides the rubric's leads.escape / deals.escape). */
  readonly escape?: EscapeName;
  readonly dateOrder?: DateOrder;
  /** Keep the rows of stalled leads and deals in the facts, for the stalls report (default true). */
  readonly stalledRows?: boolean;
  /** With --by, count each group per grade and stage too, for the funnel and the matrix (default true). */
  readonly groupDetail?: boolean;
  /** Keep every cell of each lead (score --with-columns). */
  readonly keepCells?: boolean;
  /** --redact: hash leads' emails and names in every report. */
  readonly redact?: boolean;
  /** --spend: a CSV of channel (or --by group) and spend. */
  readonly spend?: string;
  /** Where to look for ./leadaudit.yml. */
  readonly cwd?: string;
  readonly stdin?: () => Promise<Buffer>;
  /** Told how each read is going (the CLI draws a progress line on a terminal). */
  readonly onProgress?: CsvOptions['onProgress'];
  /** Bytes per read (tests vary it). */
  readonly chunkSize?: number;
  /** Rows per chunk of a leads file read in chunks (tests vary it; default CHUNK_ROWS). */
  readonly chunkRows?: number;
  /** Read a big leads file on another core while this one classifies it (src/parallel/chunks.ts); off when not given. */
  readonly leadsReader?: LeadsReader;
  /** The inputs' headers when they are known without a read (tables in a database: `leads` and `deals` name them). */
  readonly headers?: { readonly leads?: CsvHeader; readonly deals?: CsvHeader };
}

/** A run's inputs as the reports built from facts need them (src/engine/stream.ts reads no more). */
export interface LoadedFacts {
  /** What every report reads (src/engine/facts.ts). */
  readonly facts: AuditFacts;
  readonly rubric: Rubric;
  /** Things the user should know (detected preset, rubric found); printed unless --quiet. */
  readonly notices: readonly string[];
  readonly warnings: readonly string[];
  readonly rejects: readonly RejectedRow[];
  readonly leads: { readonly plan: ColumnPlan } | null;
  readonly deals: { readonly plan: ColumnPlan } | null;
  /** The rubric file in use (given or found), or undefined when the preset alone is the rubric. */
  readonly rubricFile?: string;
  /** The preset the rubric starts from. */
  readonly preset?: string;
}

/** A run's inputs read whole: every lead kept, for the reports that show single leads. */
export interface Loaded extends LoadedFacts {
  /** The classified leads and deals, for the reports that show single leads (score, explain, check). */
  readonly data: AuditData;
  /** Folded from `data` when first asked for. */
  readonly facts: AuditFacts;
  readonly leads: { readonly plan: ColumnPlan; readonly read: LeadsRead; readonly info: CsvInfo } | null;
  readonly deals: { readonly plan: ColumnPlan; readonly read: DealsRead; readonly info: CsvInfo } | null;
  /** Values that read but cannot be right (far-future dates, …), for `check`. */
  readonly implausible?: readonly Implausible[];
  /** How each file was read (delimiter, encoding, header names, escapes): to read it again alike. */
  readonly csv?: { readonly leads: CsvOptions; readonly deals: CsvOptions };
}

/** Looked for in the working directory when `--rubric` is not given (docs/rubric.md, "Where the rubric comes from"). */
export const DEFAULT_RUBRICS = ['leadaudit.yml', 'leadaudit.yaml', 'leadaudit.json'];

export function findDefaultRubric(cwd: string = process.cwd()): string | undefined {
  return DEFAULT_RUBRICS.map((name) => join(cwd, name)).find((path) => existsSync(path));
}

/** Reads only the header of a file (the first few KiB). */
export async function readHeader(file: string, options: CsvOptions): Promise<CsvHeader> {
  let header: CsvHeader | undefined;
  const stop = new Error('header read');
  try {
    await readCsv(file, options, (h) => {
      header = h;
      throw stop;
    });
  } catch (error) {
    if (error !== stop) throw error;
  }
  return header!;
}

/**
 * The first row of a file as it is, header or not (the first few KiB are read): for `init`, which
 * judges it with headerLooksLikeData and can then write `leads.header` instead of failing.
 */
export async function readFirstRow(file: string, options: CsvOptions): Promise<readonly string[]> {
  let first: readonly string[] | undefined;
  const stop = new Error('first row read');
  try {
    const onFirstRow = (cells: readonly string[]) => {
      first = [...cells];
      throw stop;
    };
    await readCsv(file, { ...options, names: undefined, onFirstRow }, () => {
      throw stop;
    });
  } catch (error) {
    if (error !== stop) throw error;
  }
  return first!;
}

function sameFile(a: string, b: string): boolean {
  if (a === '-' || b === '-') return a === b;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return a === b;
  }
}

/**
 * A run before any row is read: its rubric (given, found or the detected preset), how each file is
 * read, and the reads themselves, each through a sink made from the column plan of its header.
 */
export interface Prepared {
  readonly rubric: Rubric;
  readonly notices: string[];
  readonly warnings: string[];
  /** How the files are read (--delimiter, --encoding, …), and each file as the rubric describes it. */
  readonly csv: CsvOptions;
  readonly leadCsv: CsvOptions;
  readonly dealCsv: CsvOptions;
  readonly preset: PresetName;
  readonly rubricShown: string | undefined;
  readonly mapOptions: MapOptions;
  /** The --by column to carry, for the leads file and (in a deals-only run) the deals file. */
  readonly extra: { readonly leads: Extra; readonly deals: Extra };
  /** Each file's header, as peeked before any row is read (another engine plans its columns from it). */
  readonly headers: { readonly leads: CsvHeader | undefined; readonly deals: CsvHeader | undefined };
  /** Reads one file through a sink made from its plan; `check()` then warns, or fails under --strict, about what the read found. */
  readSide<R extends { accounting: Accounting }>(
    side: 'leads' | 'deals',
    makeSink: (plan: ColumnPlan) => CsvSink & { finish(): R },
  ): Promise<{ plan: ColumnPlan; read: R; info: CsvInfo; check(): void }>;
  /** What readSide's check() does, for a file read otherwise (src/parallel/chunks.ts). */
  checkRead(accounting: Accounting, info: CsvInfo): void;
}

type Extra = readonly { readonly name: string; readonly path: string }[];

export async function prepare(options: LoadOptions): Promise<Prepared> {
  const { leads: leadsFile, deals: dealsFile } = options;
  if (leadsFile === undefined && dealsFile === undefined) {
    throw new UsageError('no input files: give a leads export, a deals export, or both (leadaudit audit LEADS [DEALS], or --leads/--deals)');
  }
  if (options.since !== undefined && options.until !== undefined && options.since > options.until) {
    throw new UsageError(`--since ${isoDate(options.since)} is after --until ${isoDate(options.until)}`);
  }
  checkDistinctInputs(options);
  const csvOptions: CsvOptions = {
    chunkSize: options.chunkSize,
    delimiter: options.delimiter,
    encoding: options.encoding,
    onProgress: options.onProgress,
    // Standard input and pipes can be read once only; the header peek, the read and check's second read share the bytes.
    whole: keepWhole(options.stdin),
  };

  const notices: string[] = [];
  const rubricPath = options.rubric ?? findDefaultRubric(options.cwd);
  // As the user would name it: given, as typed; found, relative to the working folder (an absolute
  // path would put the machine's folders into a report that is shared).
  const rubricShown = options.rubric ?? (rubricPath === undefined ? undefined : relative(options.cwd ?? process.cwd(), rubricPath) || rubricPath);
  // The YAML parser and zod load only when there is a rubric file to read.
  const own = rubricPath === undefined ? undefined : (await import('./io/read-rubric.js')).readRubricFile(rubricPath, rubricShown);
  if (rubricPath !== undefined && options.rubric === undefined) notices.push(`using rubric ${rubricShown}`);
  // The rubric is read before the files: it may say how they are written (a file without a
  // header row and its column names, backslash escapes), which decides how their first row reads.
  const sideCsv = (side: 'leads' | 'deals'): CsvOptions => {
    const shape = fileShape(own, side, rubricShown ?? '');
    const escape = options.escape ?? shape.escape;
    const file = side === 'leads' ? leadsFile : dealsFile;
    if (file !== undefined && shape.header !== undefined) notices.push(`${file}: no header row; its column names are ${side}.header in the rubric`);
    return { ...csvOptions, names: shape.header, namesFrom: `${side}.header`, ...(escape === 'backslash' ? { escape: '\\' } : {}) };
  };
  const leadCsv = sideCsv('leads');
  const dealCsv = sideCsv('deals');
  const leadHeader = options.headers?.leads ?? (leadsFile === undefined ? undefined : await readHeader(leadsFile, leadCsv));
  const dealHeader = options.headers?.deals ?? (dealsFile === undefined ? undefined : await readHeader(dealsFile, dealCsv));
  let preset = options.preset ?? own?.preset;
  if (preset === undefined) {
    const detected = detectPreset(leadHeader?.names, dealHeader?.names);
    preset = detected.preset;
    const files = [leadsFile, dealsFile].filter((f) => f !== undefined).join(' and ');
    notices.push(
      preset === 'generic'
        ? `no CRM preset matches the headers of ${files}; using the generic one (choose with --preset, or write a rubric from the data with leadaudit init)`
        : `detected ${preset} exports (${files}: ${detected.evidence.slice(0, 3).map((h) => JSON.stringify(h)).join(', ')}); using the ${preset} preset (override with --preset or --rubric)`,
    );
  }
  const rubric = resolveRubric(own, rubricShown ?? `preset ${preset}`, preset);

  const by = options.by;
  const byColumn = by !== undefined && !['channel', 'source', 'owner', 'grade', 'stage'].includes(by) ? [{ name: by, path: '--by' }] : [];
  const extra = { leads: byColumn, deals: leadsFile === undefined ? byColumn : [] };
  const mapOptions = { dateOrder: options.dateOrder, asOf: options.asOf, keepCells: options.keepCells, keepRejects: options.keepRejects };
  const warnings: string[] = [];
  // The leads' plan is checked against its peeked header before any file is read, so a missing
  // column of the leads file fails first whichever file is read first.
  if (leadsFile !== undefined) planColumns('leads', leadsFile, leadHeader!, rubric, [...extra.leads]);

  const readSide: Prepared['readSide'] = async (side, makeSink) => {
    const file = (side === 'leads' ? leadsFile : dealsFile)!;
    const sideExtra = [...extra[side]];
    // Plan against the peeked header first, so a missing column fails before any row is read.
    planColumns(side, file, (side === 'leads' ? leadHeader : dealHeader)!, rubric, sideExtra);
    let plan: ColumnPlan | undefined;
    let sink: ReturnType<typeof makeSink> | undefined;
    const info = await readCsv(file, side === 'leads' ? leadCsv : dealCsv, (header) => {
      plan = planColumns(side, file, header, rubric, sideExtra);
      return (sink = makeSink(plan));
    });
    const read = sink!.finish();
    // check() below outlives the read: it must not keep the sink's own indexes and buffers alive.
    sink = undefined;
    return { plan: plan!, read, info, check: () => checkRead(read.accounting, info) };
  };
  const checkRead = (accounting: Accounting, info: CsvInfo): void => {
    warnings.push(...info.warnings);
    if (options.strict && info.nul) throw new InputError(`${info.file} line ${info.nul.line}: a NUL character in column "${info.nul.column}" (--strict)`);
    finishFile(accounting, info.read, options.strict, warnings);
  };
  const headers = { leads: leadHeader, deals: dealHeader };
  return { rubric, notices, warnings, csv: csvOptions, leadCsv, dealCsv, preset, rubricShown, mapOptions, extra, headers, readSide, checkRead };
}

/** Reads a run's inputs whole; `prepared`: the run as prepare() made it, when the caller has (its inputs are read once). */
export async function load(options: LoadOptions, prepared?: Prepared): Promise<Loaded> {
  const run = prepared ?? (await prepare(options));
  const { rubric, notices, warnings, mapOptions } = run;
  const read = async <R extends { accounting: Accounting }>(side: 'leads' | 'deals', makeSink: (plan: ColumnPlan) => CsvSink & { finish(): R }) => {
    const { check, ...done } = await run.readSide(side, makeSink);
    check();
    return done;
  };
  const leads = options.leads === undefined ? null : ((await readWholeElsewhere(options, run)) ?? (await read('leads', (plan) => leadSink(plan, rubric, mapOptions))));
  const deals = options.deals === undefined ? null : await read('deals', (plan) => dealSink(plan, rubric, mapOptions));

  if (deals !== null) noWonWarning(deals.read.deals, options.deals!, rubric, warnings);
  const spendIn = await readSpendOf(options, run.csv, warnings);
  const implausible = [
    ...(leads === null ? [] : implausibleLeads(leads.plan, leads.read.leads, options.asOf)),
    ...(deals === null ? [] : implausibleDeals(deals.plan, deals.read.deals, options.asOf)),
  ];
  warnings.push(...implausible.map((x) => x.warning));
  const classified = classifyAll(options, rubric, leads, deals, spendIn, notices, warnings);
  let facts: AuditFacts | undefined;
  return {
    ...classified,
    get facts() {
      return (facts ??= buildFacts(classified.data, { rows: options.stalledRows, groupDetail: options.groupDetail }));
    },
    implausible,
    csv: { leads: run.leadCsv, deals: run.dealCsv },
    rubricFile: run.rubricShown,
    preset: run.preset,
  };
}

/** A big leads file read whole on another core, in chunks joined again here; undefined when it is read here (small, or the worker failed). */
async function readWholeElsewhere(options: LoadOptions, run: Prepared): Promise<{ plan: ColumnPlan; read: LeadsRead; info: CsvInfo } | undefined> {
  // score --with-columns shows every cell, which chunks do not carry across threads.
  if (options.keepCells) return undefined;
  let whole: WholeLeads | undefined;
  const done = await readLeadsElsewhere(startLeadsElsewhere(options, run, options.chunkRows ?? CHUNK_ROWS), run, (plan) => {
    const own = (whole = new WholeLeads(plan));
    return (chunk) => own.take(chunk);
  });
  if (done === undefined) return undefined;
  done.check();
  return { plan: done.plan, read: whole!.finish(done.read), info: done.info };
}

/** Starts reading the leads file on another core in chunks of `rows` (src/parallel/chunks.ts); undefined when it is to be read here (no such reader, a small file). */
export function startLeadsElsewhere(options: LoadOptions, run: Prepared, rows: number): LeadsReading | undefined {
  // The callbacks stay here: the worker reports progress as messages.
  const { delimiter, encoding, chunkSize, names, namesFrom, escape } = run.leadCsv;
  const csv = { delimiter, encoding, chunkSize, names, namesFrom, escape };
  return options.leadsReader?.({ file: options.leads!, csv, rubric: run.rubric, extra: run.extra.leads, mapOptions: run.mapOptions, rows });
}

/**
 * Takes a read of the leads file started on another core, handing each chunk to what `begin`
 * returns for the file's plan (again if the read begins again); undefined when the file is to be
 * read here (none was started, or its worker failed).
 */
export async function readLeadsElsewhere(
  reading: LeadsReading | undefined,
  run: Prepared,
  begin: (plan: ColumnPlan) => (chunk: LeadChunk) => void,
): Promise<{ plan: ColumnPlan; read: LeadChunksRead; info: CsvInfo; check(): void } | undefined> {
  if (reading === undefined) return undefined;
  try {
    const done = await reading.read(run.leadCsv.onProgress, begin);
    return { ...done, check: () => run.checkRead(done.read.accounting, done.info) };
  } catch (error) {
    if (error instanceof NoWorker) return undefined;
    throw error;
  }
}

/** The warning when no deal is won by the rubric (wins and revenue are then 0). */
export function noWonWarning(deals: DealTable, file: string, rubric: Rubric, warnings: string[]): void {
  if (deals.length > 0 && !deals.c.outcome.includes(OUTCOMES.indexOf('won'))) warnings.push(noWonText(file, rubric));
}

/** The words of that warning (the SQL engines count the won deals themselves). */
export function noWonText(file: string, rubric: Rubric): string {
  return `no deal in ${file} is won by the rubric's deals.won (${rubric.origin}): wins and revenue are 0; name the won stage values or a won column there`;
}

/** The warning when deals were read and none matched a lead. */
export function noMatchText(rubric: Rubric): string {
  return `no deal matched a lead (join: lead ${rubric.join.lead} = deal ${rubric.join.deal}); every deal is unattributed — check the join in the rubric`;
}

/** --spend, read once the inputs are (its decimal-mark warning follows theirs). */
export async function readSpendOf(options: LoadOptions, csvOptions: CsvOptions, warnings: string[]): Promise<SpendFile | null> {
  if (options.spend !== undefined && options.leads === undefined) throw new UsageError('--spend needs a leads file (spend is set against the leads of each channel)');
  const spendIn = options.spend === undefined ? null : await readSpend(options.spend, csvOptions, options.by ?? 'channel');
  if (spendIn?.warning) warnings.push(spendIn.warning);
  return spendIn;
}

/** One file given as two of the inputs (leads, deals, --spend, --rubric) is a mistake: exit 2. */
function checkDistinctInputs(options: LoadOptions): void {
  const given = (['leads', 'deals', 'spend', 'rubric'] as const).flatMap((role) => (options[role] === undefined ? [] : [{ role, file: options[role]! }]));
  given.forEach((a, i) => {
    const b = given.slice(i + 1).find((other) => sameFile(a.file, other.file));
    if (b) throw new UsageError(`${a.file} is given as both the ${a.role} and the ${b.role} file`);
  });
}

export function displayDelimiter(d: string): string {
  return d === '\t' ? 'tab' : d;
}

/** Per-file checks once a file is read: --strict faults, and a file that yielded nothing. */
function finishFile(accounting: Accounting, read: number, strict: boolean, warnings: string[]): void {
  warnings.push(...accounting.warnings, ...invalidValueMessages(accounting));
  if (strict) {
    const first = accounting.firstReject;
    if (first) throw new InputError(`${accounting.file} line ${first.line}: ${first.reason} (--strict)`);
    failOnInvalid(accounting);
  }
  if (accounting.used === 0) {
    const why = Object.entries(accounting.reasons)
      .map(([r, n]) => `${n} ${reasonText(r)}`)
      .join(', ');
    throw new InputError(`${accounting.file}: no usable rows (${read} read${why ? `: ${why}` : ''})`);
  }
  if (accounting.rejected > 0) {
    const first = accounting.firstReject!;
    warnings.push(`${accounting.file}: ${accounting.rejected} row${accounting.rejected === 1 ? '' : 's'} rejected (first at line ${first.line}: ${first.reason}); --rejects FILE writes them out`);
  }
}

/** 0, 1, …, n − 1: every row of a table (a loop: `Uint32Array.from` with a function calls it per row). */
function allRows(n: number): Uint32Array {
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

function classifyAll(
  options: LoadOptions,
  rubric: Rubric,
  leadsIn: Loaded['leads'],
  dealsIn: Loaded['deals'],
  spendIn: SpendFile | null,
  notices: string[],
  warnings: string[],
): Omit<Loaded, 'facts'> {
  const { asOf } = options;
  let classified: ClassifiedLeads | null = null;
  let unattributed: readonly Deal[] = [];
  let attributed = 0;
  let skips = rubric.stages.map(() => 0);
  let leadAccounting: FileAccounting | null = null;
  let dealAccounting: FileAccounting | null = null;
  const table = dealsIn?.read.deals ?? null;
  // The deal rows a run keeps (all, unless --since/--until leaves some out).
  let keptDeals: Uint32Array | null = table === null ? null : allRows(table.length);

  const windowed = options.since !== undefined || options.until !== undefined;
  let joinFacts: JoinFacts | null = null;
  if (leadsIn !== null) {
    const acc = leadsIn.read.accounting;
    const leads = leadsIn.read.leads;
    const keysOf = leadJoinKeys(leadsIn.plan, rubric.join.lead);
    const joined = joinDeals(leads, table, keysOf, {
      shared: rubric.join.shared,
      index: rubric.join.lead === 'id' ? leadsIn.read.byId : undefined,
      keep: windowed ? (i) => inWindow(leads.c.created[i]!, options) : undefined,
    });
    if (table !== null) joinFacts = describeJoin(rubric.join.shared, joined, leads, table, keysOf);
    const sharedNote = sharedDealsText(joined.shared, rubric.join.shared, rubric.join.sharedStated);
    // A warning when the default decided; a notice when the rubric chose.
    if (sharedNote !== null) (rubric.join.sharedStated ? notices : warnings).push(sharedNote);
    let rows = allRows(leads.length);
    let orphans = joined.unattributed;
    if (windowed) {
      // Leads created outside --since/--until are skipped, their deals with them; a deal that
      // matches no lead is kept or skipped by its own created date.
      const created = leads.c.created;
      rows = rows.filter((i) => inWindow(created[i]!, options));
      const dropped = new Uint8Array(table?.length ?? 0);
      for (let i = 0; i < leads.length; i++) {
        if (inWindow(created[i]!, options)) continue;
        skip(acc, created[i]!);
        for (let j = joined.start[i]!; j < joined.start[i + 1]!; j++) {
          // Under join.shared: all a deal is listed under each of its leads: it leaves once.
          if (dropped[joined.list[j]!] === 1) continue;
          dropped[joined.list[j]!] = 1;
          skip(dealsIn!.read.accounting, NaN, 'lead_outside_window');
        }
      }
      orphans = orphans.filter((d) => {
        if (inWindow(table!.c.created[d]!, options)) return true;
        dropped[d] = 1;
        skip(dealsIn!.read.accounting, table!.c.created[d]!);
        return false;
      });
      if (keptDeals !== null) keptDeals = keptDeals.filter((d) => dropped[d] === 0);
    }
    unattributed = Array.from(orphans, (d) => table!.at(d));
    // Deals, not credits: under join.shared: all a deal split among several leads is one deal.
    if (keptDeals !== null) for (const d of keptDeals) if (joined.leadOf[d]! >= 0) attributed++;
    classified = classifyLeads(rubric, leadsIn.plan, asOf, leads, table, joined, rows);
    skips = classified.impliedStages();
    if (table !== null && joined.list.length === 0 && table.length > 0) {
      warnings.push(noMatchText(rubric));
    }
    if (windowed && rows.length === 0) throw new InputError(`${acc.file}: no leads created ${windowText(options)}`);
    leadAccounting = acc.summary(leadsIn.info.read, leadsIn.info.encoding, displayDelimiter(leadsIn.info.delimiter));
  } else if (table !== null && windowed) {
    const acc = dealsIn!.read.accounting;
    keptDeals = keptDeals!.filter((d) => {
      if (inWindow(table.c.created[d]!, options)) return true;
      skip(acc, table.c.created[d]!);
      return false;
    });
    if (keptDeals.length === 0) throw new InputError(`${acc.file}: no deals created ${windowText(options)}`);
  }
  if (dealsIn !== null) {
    dealAccounting = {
      ...dealsIn.read.accounting.summary(dealsIn.info.read, dealsIn.info.encoding, displayDelimiter(dealsIn.info.delimiter)),
      attributed: leadsIn === null ? null : attributed,
      unattributed: leadsIn === null ? null : unattributed.length,
    };
  }

  const leadTable = leadsIn?.read.leads;
  const group = grouping(options.by, options.redact ?? false, leadsIn ? { plan: leadsIn.plan, table: () => leadTable! } : undefined, dealsIn ? { plan: dealsIn.plan, table: dealsIn.read.deals } : undefined);
  const spend = spendIn === null ? null : matchSpend(spendIn, groupsOf(classified, group), group.label, warnings);
  if (leadsIn === null && group.explicit && group.ofDeal === undefined) {
    throw new UsageError(`--by ${options.by}: a deals-only run groups deals by owner, stage or a column of the deals file`);
  }
  const kept = keptDeals;
  const caveats = findCaveats(options, rubric, leadsIn, dealsIn, warnings);
  const data: AuditData = {
    rubric,
    asOf,
    minN: options.minN,
    leads: classified,
    deals: table === null || kept === null ? null : new Rows(kept.length, (k) => table.at(kept[k]!)),
    unattributed,
    inputs: { leads: leadAccounting, deals: dealAccounting },
    skips,
    group,
    spend,
    redact: options.redact ?? false,
    join: joinFacts,
    caveats,
  };
  const rejects = [...(leadsIn?.read.accounting.rejects ?? []), ...(dealsIn?.read.accounting.rejects ?? [])];
  return { data, rubric, notices, warnings, rejects, leads: leadsIn, deals: dealsIn };
}

function groupsOf(leads: ClassifiedLeads | null, group: Grouping): Set<string> {
  const groups = new Set<string>();
  for (const c of leads ?? []) groups.add(group.ofLead(c));
  return groups;
}

function describeJoin(shared: SharedMode, joined: Joined, leads: LeadTable, deals: DealTable, keysOf: (c: LeadColumns, i: number) => readonly string[]): JoinFacts {
  return {
    shared,
    sharedDeals: joined.shared.deals,
    sharedLeads: joined.shared.leads,
    leadId: (row) => leads.c.id.get(row),
    matchesOf: (row) =>
      dealsMatchingLead(leads, deals, keysOf, row).map((m) => ({
        deal: deals.at(m.deal),
        leads: m.leads,
        first: joined.leadOf[m.deal]!,
        ways: joined.ways === null ? 1 : joined.ways[m.deal]!,
      })),
  };
}

/**
 * What a run says about deals that matched several leads (null when none did): how many, how many
 * leads, and what join.shared did with them; when the default decided, how to choose the other way.
 */
export function sharedDealsText(shared: Joined['shared'], mode: SharedMode, stated: boolean): string | null {
  if (shared.deals === 0) return null;
  const deals = `${shared.deals} deal${shared.deals === 1 ? '' : 's'} matched several leads (${shared.leads} leads in all)`;
  if (mode === 'first') return `${deals}; join.shared: first credits the first${stated ? '' : ' (set join.shared: all to credit each)'}`;
  return `${deals}; join.shared: all credits each, splitting ${shared.deals === 1 ? 'it' : 'each'} evenly among them`;
}

/** Stages these inputs cannot reach, and an --as-of far after the data: found, and added to the warnings (docs/verdicts.md). */
function findCaveats(options: LoadOptions, rubric: Rubric, leadsIn: Loaded['leads'], dealsIn: Loaded['deals'], warnings: string[]): Caveats {
  const newest = newestDate(leadsIn?.read.leads ?? null, dealsIn?.read.deals ?? null);
  return caveatsOf(options.asOf, rubric, leadsIn?.plan ?? null, dealsIn !== null, newest, warnings);
}

/** The caveats of a run whose newest date is known. */
export function caveatsOf(asOf: number, rubric: Rubric, leadPlan: ColumnPlan | null, hasDeals: boolean, newest: number, warnings: string[]): Caveats {
  const unreachable = leadPlan === null ? [] : unreachableStages(rubric, leadPlan, hasDeals);
  warnings.push(...unreachable.map(unreachableWarning));
  const staleAsOf = staleAsOfWarning(newest, asOf);
  if (staleAsOf !== undefined) warnings.push(staleAsOf);
  return { unreachable, newest, staleAsOf };
}

