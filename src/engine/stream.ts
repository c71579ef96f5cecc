/**
 * The JS engine on a run that needs only facts (every report but score, explain and check): the
 * deals are read first and kept, the leads are read in chunks, and each chunk is classified, folded
 * into the facts and let go (docs/architecture.md, "The JS engine streams"). Memory then grows with
 * the deals and the facts, not with the leads. The facts, warnings and row accounting are those of
 * load() and buildFacts on the same inputs (test/stream.test.ts).
 *
 * A chunk waits for the end of the file when a cell of it reads one way or the other depending on
 * later rows (an ambiguous date or number, src/data/lead-sink.ts), and a lead does when it holds a
 * claim on a deal that a later lead may take (src/data/join-stream.ts); they are folded once the
 * file is read. Runs the chunks cannot serve are loaded whole: a deals-only run, and
 * `join.shared: all` (a deal's share of each lead needs all the leads its keys match).
 */
import { InputError } from '../errors.js';
import { classifyLeads, leadJoinKeys } from '../data/classify.js';
import { DealClaims } from '../data/join-stream.js';
import { CHUNK_ROWS, leadChunks, settleChunk, type Decided, type LeadChunk } from '../data/lead-sink.js';
import { dealSink } from '../data/deal-sink.js';
import { dealState } from '../data/deal-state.js';
import { implausibleDeals, LeadChecks } from '../data/plausible.js';
import { newestDate } from '../data/caveats.js';
import { pickLeads, Rows, type DealTable, type LeadColumns, type LeadTable } from '../data/table.js';
import type { LeadDeals } from '../data/join.js';
import { inWindow, skip, windowText } from '../data/window.js';
import { matchSpend } from '../data/spend.js';
import type { ColumnPlan } from '../data/map.js';
import { caveatsOf, displayDelimiter, load, noMatchText, noWonWarning, prepare, readLeadsElsewhere, readSpendOf, startLeadsElsewhere, sharedDealsText, type LoadedFacts, type LoadOptions } from '../load.js';
import { grouping } from './grouping.js';
import type { Grouping } from './classified.js';
import type { Rubric } from '../rubric/resolve.js';
import { assembleFacts, foldDeals, LeadFolder } from './fold.js';
import type { LeadFacts } from './facts.js';

export async function loadFacts(options: LoadOptions): Promise<LoadedFacts> {
  if (options.leads === undefined) return load(options);
  const run = await prepare(options);
  if (run.rubric.join.shared === 'all') return load(options, run);
  const { rubric, notices, warnings, mapOptions } = run;
  const { asOf } = options;
  const rows = options.stalledRows ?? true;
  const chunkRows = options.chunkRows ?? CHUNK_ROWS;

  // A big leads file starts on another core now, its first chunks read while the deals are
  // (src/parallel/chunks.ts); they are taken once the deals are in.
  const elsewhere = startLeadsElsewhere(options, run, chunkRows);
  let deals;
  try {
    deals = options.deals === undefined ? null : await run.readSide('deals', (plan) => dealSink(plan, rubric, mapOptions));
  } catch (error) {
    elsewhere?.cancel();
    throw error;
  }
  const dealTable = deals?.read.deals ?? null;
  // The deals the stalls report lists on their own (a lead's row then leaves their amounts out).
  const stalledDeals = new Set<number>();
  if (rows && dealTable !== null) for (let d = 0; d < dealTable.length; d++) if (dealState(dealTable.at(d), rubric.deals.stages, asOf).stalled) stalledDeals.add(d);

  const setting: PassSetting = { options, rubric, chunkRows, rows, stalledDeals, dealTable, dealPlan: deals?.plan ?? null };
  // A read may begin again (the file was not UTF-8 after all): each beginning starts a pass afresh.
  let pass: LeadPass | undefined;
  const begin = (plan: ColumnPlan) => {
    const own = (pass = new LeadPass(setting, plan));
    return (chunk: LeadChunk) => own.take(chunk);
  };
  const leads = (await readLeadsElsewhere(elsewhere, run, begin)) ?? (await run.readSide('leads', (plan) => leadChunks(plan, rubric, mapOptions, chunkRows, begin(plan))));
  const { facts: leadFacts, claims, dropped, keptLeads, checks, newest, group, implied } = pass!.end(leads.read.decided);
  const windowed = options.since !== undefined || options.until !== undefined;

  leads.check();
  deals?.check();
  const leadAcc = leads.read.accounting;
  for (const { created } of pass!.skippedLeads.sort((a, b) => a.line - b.line)) skip(leadAcc, created);
  for (let d = 0; d < pass!.skippedDeals; d++) skip(deals!.read.accounting, NaN, 'lead_outside_window');

  if (deals !== null) noWonWarning(dealTable!, options.deals!, rubric, warnings);
  const spendIn = await readSpendOf(options, run.csv, warnings);
  warnings.push(...checks.found().map((x) => x.warning));
  if (deals !== null) warnings.push(...implausibleDeals(deals.plan, dealTable!, asOf).map((x) => x.warning));

  // Deals: those no lead claimed are unattributed, kept or skipped by their own created date.
  let attributed = 0;
  const unattributed: number[] = [];
  if (claims !== null) {
    const shared = sharedDealsText(claims.shared, rubric.join.shared, rubric.join.sharedStated);
    if (shared !== null) (rubric.join.sharedStated ? notices : warnings).push(shared);
    let claimed = 0;
    for (let d = 0; d < dealTable!.length; d++) {
      if (claims.owner[d]! >= 0) {
        claimed++;
        if (dropped[d] === 0) attributed++;
      } else if (windowed && !inWindow(dealTable!.c.created[d]!, options)) {
        dropped[d] = 1;
        skip(deals!.read.accounting, dealTable!.c.created[d]!);
      } else unattributed.push(d);
    }
    if (claimed === 0 && dealTable!.length > 0) {
      warnings.push(noMatchText(rubric));
    }
  }
  if (windowed && keptLeads === 0) throw new InputError(`${leadAcc.file}: no leads created ${windowText(options)}`);

  const inputs = {
    leads: leadAcc.summary(leads.info.read, leads.info.encoding, displayDelimiter(leads.info.delimiter)),
    deals:
      deals === null
        ? null
        : {
            ...deals.read.accounting.summary(deals.info.read, deals.info.encoding, displayDelimiter(deals.info.delimiter)),
            attributed,
            unattributed: unattributed.length,
          },
  };
  const spend = spendIn === null ? null : matchSpend(spendIn, new Set(leadFacts.byGroup.keys()), group.label, warnings);
  const caveats = caveatsOf(asOf, rubric, leads.plan, deals !== null, newer(newest, newestDate(null, dealTable)), warnings);
  let dealFacts = null;
  if (dealTable !== null) {
    const keptDeals: number[] = [];
    for (let d = 0; d < dealTable.length; d++) if (dropped[d] === 0) keptDeals.push(d);
    const list = new Rows(keptDeals.length, (k) => dealTable.at(keptDeals[k]!));
    dealFacts = foldDeals({ rubric, asOf, group }, list, unattributed.map((d) => dealTable.at(d)), false, rows);
  }
  const facts = assembleFacts({ rubric, asOf, minN: options.minN, inputs, group, skips: implied, spend, caveats }, rows, leadFacts, dealFacts);
  return {
    facts,
    rubric,
    notices,
    warnings,
    rejects: [...leadAcc.rejects, ...(deals?.read.accounting.rejects ?? [])],
    leads: { plan: leads.plan },
    deals: deals === null ? null : { plan: deals.plan },
    rubricFile: run.rubricShown,
    preset: run.preset,
  };
}

/** What every pass over a leads file shares: the run, and the deals read before it. */
interface PassSetting {
  readonly options: LoadOptions;
  readonly rubric: Rubric;
  readonly chunkRows: number;
  /** Keep the stall rows (the stalls report). */
  readonly rows: boolean;
  readonly stalledDeals: ReadonlySet<number>;
  readonly dealTable: DealTable | null;
  readonly dealPlan: ColumnPlan | null;
}

/**
 * One pass over a leads file, chunk by chunk: each chunk's leads claim their deals, and the leads
 * whose deals and cells are settled are classified and folded at once; the others wait for end().
 */
class LeadPass {
  readonly claims: DealClaims | null;
  readonly dropped: Uint8Array;
  readonly checks: LeadChecks;
  readonly group: Grouping;
  readonly implied: number[];
  keptLeads = 0;
  newest = NaN;
  /** The leads --since/--until leaves out (skipped from the accounting in file order once the file's own checks have run), and the deals that leave with them. */
  readonly skippedLeads: { line: number; created: number }[] = [];
  skippedDeals = 0;
  private readonly keysOf: (c: LeadColumns, i: number) => readonly string[];
  private readonly windowed: boolean;
  /** The table being folded, for the --by grouping to read a lead's column from. */
  private current: LeadTable | undefined;
  /**
   * Leads folded as their chunk is read; those that wait (a chunk whose cells are not settled yet,
   * a lead whose deal a later lead may take) are folded at the end. The facts do not depend on the
   * order leads are folded in (sums of amounts included: see Revenue in facts.ts).
   */
  private readonly folder: LeadFolder;
  private readonly waiting: { readonly table: LeadTable; readonly chunk?: LeadChunk; readonly lead: (i: number) => number }[] = [];
  private count = 0;

  constructor(
    private readonly setting: PassSetting,
    private readonly plan: ColumnPlan,
  ) {
    const { options, rubric, dealTable, dealPlan } = setting;
    this.claims = dealTable === null ? null : new DealClaims(dealTable);
    this.dropped = new Uint8Array(dealTable?.length ?? 0);
    this.keysOf = leadJoinKeys(plan, rubric.join.lead);
    this.checks = new LeadChecks(plan, options.asOf);
    this.group = grouping(options.by, options.redact ?? false, { plan, table: () => this.current! }, dealPlan === null ? undefined : { plan: dealPlan, table: dealTable! });
    this.implied = rubric.stages.map(() => 0);
    this.windowed = options.since !== undefined || options.until !== undefined;
    this.folder = new LeadFolder({ rubric, group: this.group, redact: options.redact ?? false, asOf: options.asOf }, { rows: setting.rows, groupDetail: options.groupDetail, stalledDeals: setting.stalledDeals });
  }

  /** The next chunk of the file. */
  take(chunk: LeadChunk): void {
    const { table } = chunk;
    const base = this.count;
    this.count += table.length;
    const lead = (i: number) => base + i;
    const claimed = this.claims?.claim(table, this.keysOf, base);
    if (!chunk.final) {
      this.waiting.push({ table, chunk, lead });
      return;
    }
    this.check(table);
    const open = chunk.last ? [] : (claimed?.open ?? []);
    if (open.length === 0) return this.fold(table, claimed?.deals);
    this.waiting.push({ table: pickLeads(table, open), lead: (r) => base + open[r]! });
    const wait = new Set(open);
    const now: number[] = [];
    for (let i = 0; i < table.length; i++) if (!wait.has(i)) now.push(i);
    this.fold(table, claimed?.deals, now);
  }

  /** Folds the leads that waited, now that the file is read and its cells `decided`. */
  end(decided: Decided): this & { facts: LeadFacts } {
    for (const w of this.waiting) {
      if (w.chunk) {
        settleChunk(w.chunk, decided);
        this.check(w.table);
      }
      this.fold(w.table, this.claims?.dealsOf(w.table, this.keysOf, w.lead));
    }
    this.current = undefined;
    return Object.assign(this, { facts: this.folder.facts });
  }

  /** What is checked on every row once its values are settled: implausible dates, the newest date. */
  private check(table: LeadTable): void {
    this.checks.add(table);
    this.newest = newer(this.newest, newestDate(table, null));
  }

  /** Classifies and folds the rows `only` (all when not given) of a table, whose deals are `leadDeals` (none when not given). */
  private fold(table: LeadTable, leadDeals: LeadDeals = noDeals(table.length), only?: readonly number[]): void {
    const { options, rubric, dealTable, chunkRows } = this.setting;
    this.current = table;
    const n = only?.length ?? table.length;
    let chosen = new Uint32Array(n);
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const i = only === undefined ? k : only[k]!;
      const created = table.c.created[i]!;
      if (!this.windowed || inWindow(created, options)) {
        chosen[kept++] = i;
        continue;
      }
      // A lead outside --since/--until is skipped, and its deals with it.
      this.skippedLeads.push({ line: table.c.line[i]!, created });
      for (let j = leadDeals.start[i]!; j < leadDeals.start[i + 1]!; j++) {
        this.dropped[leadDeals.list[j]!] = 1;
        this.skippedDeals++;
      }
    }
    if (kept < n) chosen = chosen.slice(0, kept);
    this.keptLeads += kept;
    // A few thousand at a time: the rest of a file read on another core comes as one table.
    for (let from = 0; from < chosen.length; from += chunkRows) {
      const classified = classifyLeads(rubric, this.plan, options.asOf, table, dealTable, leadDeals, chosen.subarray(from, from + chunkRows));
      classified.impliedStages().forEach((count, s) => (this.implied[s]! += count));
      this.folder.add(classified);
    }
  }
}

/** The later of two days, NaN standing for none. */
function newer(a: number, b: number): number {
  return Number.isNaN(a) || b > a ? b : a;
}

/** No deals for any of n leads. */
function noDeals(n: number): LeadDeals {
  return { start: new Uint32Array(n + 1), list: new Uint32Array(0), ways: null };
}
