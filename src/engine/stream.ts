/**
 * The JS engine on a run that needs only facts (every report but score, explain and check): the
 * deals are read first and kept, the leads are read in chunks, and each chunk is classified, folded
 * into the facts and let go (docs/performance.md, "Reports from facts"). Memory then grows with the
 * deals and the facts, not with the leads. The facts, warnings and row accounting are those of
 * load() and buildFacts on the same inputs.
 *
 * A chunk waits for the end of the file when a cell of it reads one way or the other depending on
 * later rows (an ambiguous date or number, src/data/lead-sink.ts) or one of its leads holds a claim
 * on a deal that a later lead may take (src/data/join-stream.ts); it is then folded on its own and
 * its facts merged in file order. Runs the chunks cannot serve are loaded whole: a deals-only run,
 * and `join.shared: all` (a deal's share of each lead needs all the leads its keys match).
 */
import { InputError } from '../errors.js';
import { classifyLeads, leadJoinKeys } from '../data/classify.js';
import { DealClaims } from '../data/join-stream.js';
import { leadChunks, type LeadChunk } from '../data/lead-sink.js';
import { dealSink } from '../data/deal-sink.js';
import { dealState } from '../data/deal-state.js';
import { implausibleDeals, LeadChecks } from '../data/plausible.js';
import { newestDate } from '../data/caveats.js';
import { pickLeads, Rows, type LeadTable } from '../data/table.js';
import type { LeadDeals } from '../data/join.js';
import { inWindow, skip, windowText } from '../data/window.js';
import { matchSpend } from '../data/spend.js';
import type { ColumnPlan } from '../data/map.js';
import { caveatsOf, displayDelimiter, load, noWonWarning, prepare, readSpendOf, sharedDealsText, type LoadedFacts, type LoadOptions } from '../load.js';
import { grouping } from './grouping.js';
import { assembleFacts, foldDeals, LeadFolder } from './fold.js';
import type { LeadFacts } from './facts.js';

/** Rows per chunk: big enough that a chunk's fixed costs vanish, small enough that it is a few MB. */
export const CHUNK_ROWS = 32_768;

export async function loadFacts(options: LoadOptions & { readonly chunkRows?: number }): Promise<LoadedFacts> {
  if (options.leads === undefined) return load(options);
  const run = await prepare(options);
  if (run.rubric.join.shared === 'all') return load(options);
  const { rubric, notices, warnings, mapOptions } = run;
  const { asOf } = options;
  const rows = options.stalledRows ?? true;

  const deals = options.deals === undefined ? null : await run.readSide('deals', (plan) => dealSink(plan, rubric, mapOptions));
  const dealTable = deals?.read.deals ?? null;
  const claims = dealTable === null ? null : new DealClaims(dealTable);
  // The deals the stalls report lists on their own (a lead's row then leaves their amounts out).
  const stalledDeals = new Set<number>();
  if (rows && dealTable !== null) for (let d = 0; d < dealTable.length; d++) if (dealState(dealTable.at(d), rubric.deals.stages, asOf).stalled) stalledDeals.add(d);

  const dropped = new Uint8Array(dealTable?.length ?? 0);
  const windowed = options.since !== undefined || options.until !== undefined;
  let kept = 0;
  const implied = rubric.stages.map(() => 0);
  let newest = NaN;
  let current: LeadTable | undefined;
  let leadPlan: ColumnPlan | undefined;
  let keysOf: ReturnType<typeof leadJoinKeys> | undefined;
  let checks: LeadChecks | undefined;
  let group: ReturnType<typeof grouping> | undefined;

  // Leads folded as their chunk is read; those that wait (a chunk whose cells are not settled yet,
  // a lead whose deal a later lead may take) are folded at the end. The facts do not depend on the
  // order leads are folded in, but for the last binary digit of sums of amounts.
  let main: LeadFolder | undefined;
  const waiting: { readonly table: LeadTable; readonly chunk?: LeadChunk; readonly lead: (i: number) => number }[] = [];
  // The leads --since/--until leaves out (skipped from the accounting in file order once the file's
  // own checks have run), and how many deals leave with them.
  const skippedLeads: { line: number; created: number }[] = [];
  let skippedDeals = 0;

  /** Classifies and folds the rows `only` (all when not given) of a table whose row i is the file's lead `lead(i)`. */
  const fold = (table: LeadTable, lead: (i: number) => number, only?: readonly number[]): void => {
    current = table;
    const leadDeals: LeadDeals = claims === null ? { start: new Uint32Array(table.length + 1), list: new Uint32Array(0), ways: null } : claims.dealsOf(table, keysOf!, lead);
    const chosen: number[] = [];
    for (let k = 0; k < (only?.length ?? table.length); k++) {
      const i = only === undefined ? k : only[k]!;
      const created = table.c.created[i]!;
      if (!windowed || inWindow(created, options)) {
        chosen.push(i);
        continue;
      }
      // A lead outside --since/--until is skipped, and its deals with it.
      skippedLeads.push({ line: table.c.line[i]!, created });
      for (let j = leadDeals.start[i]!; j < leadDeals.start[i + 1]!; j++) {
        dropped[leadDeals.list[j]!] = 1;
        skippedDeals++;
      }
    }
    kept += chosen.length;
    const classified = classifyLeads(rubric, leadPlan!, asOf, table, dealTable, leadDeals, Uint32Array.from(chosen));
    classified.impliedStages().forEach((count, s) => (implied[s]! += count));
    (main ??= new LeadFolder({ rubric, group: group!, redact: options.redact ?? false }, { rows, groupDetail: options.groupDetail, stalledDeals })).add(classified);
  };
  /** What is checked on every row once its values are settled: implausible dates, the newest date. */
  const check = (table: LeadTable): void => {
    checks!.add(table);
    newest = newer(newest, newestDate(table, null));
  };

  let leadCount = 0;
  const leads = await run.readSide(
    'leads',
    (plan) => {
      leadPlan = plan;
      keysOf = leadJoinKeys(plan, rubric.join.lead);
      checks = new LeadChecks(plan, asOf);
      group = grouping(options.by, options.redact ?? false, { plan, table: () => current! }, deals === null ? undefined : { plan: deals.plan, table: dealTable! });
      return leadChunks(plan, rubric, mapOptions, options.chunkRows ?? CHUNK_ROWS, (chunk) => {
        const { table } = chunk;
        const base = leadCount;
        leadCount += table.length;
        const lead = (i: number) => base + i;
        const open = claims?.claim(table, keysOf!, base) ?? [];
        if (!chunk.final) {
          waiting.push({ table, chunk, lead });
          return;
        }
        check(table);
        if (open.length === 0 || chunk.last) fold(table, lead);
        else {
          waiting.push({ table: pickLeads(table, open), lead: (r) => base + open[r]! });
          const wait = new Set(open);
          const now: number[] = [];
          for (let i = 0; i < table.length; i++) if (!wait.has(i)) now.push(i);
          fold(table, lead, now);
        }
      });
    },
    { parallel: false },
  );
  for (const w of waiting) {
    if (w.chunk) {
      w.chunk.settle();
      check(w.table);
    }
    fold(w.table, w.lead);
  }
  current = undefined;
  const leadFacts: LeadFacts = (main ?? new LeadFolder({ rubric, group: group!, redact: options.redact ?? false }, { stalledDeals })).facts;

  leads.check();
  deals?.check();
  const leadAcc = leads.read.accounting;
  for (const { created } of skippedLeads.sort((a, b) => a.line - b.line)) skip(leadAcc, created);
  for (let d = 0; d < skippedDeals; d++) skip(deals!.read.accounting, NaN, 'lead_outside_window');

  if (deals !== null) noWonWarning(dealTable!, options.deals!, rubric, warnings);
  const spendIn = await readSpendOf(options, run.csv, warnings);
  warnings.push(...checks!.found().map((x) => x.warning));
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
      warnings.push(`no deal matched a lead (join: lead ${rubric.join.lead} = deal ${rubric.join.deal}); every deal is unattributed — check the join in the rubric`);
    }
  }
  if (windowed && kept === 0) throw new InputError(`${leadAcc.file}: no leads created ${windowText(options)}`);

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
  const spend = spendIn === null ? null : matchSpend(spendIn, new Set(leadFacts.byGroup.keys()), group!.label, warnings);
  const caveats = caveatsOf(asOf, rubric, leads.plan, deals !== null, newer(newest, newestDate(null, dealTable)), warnings);
  let dealFacts = null;
  if (dealTable !== null) {
    const keptDeals: number[] = [];
    for (let d = 0; d < dealTable.length; d++) if (dropped[d] === 0) keptDeals.push(d);
    const list = new Rows(keptDeals.length, (k) => dealTable.at(keptDeals[k]!));
    dealFacts = foldDeals({ rubric, asOf, group: group! }, list, unattributed.map((d) => dealTable.at(d)), false, rows);
  }
  const facts = assembleFacts({ rubric, asOf, minN: options.minN, inputs, group: group!, skips: implied, spend, caveats }, rows, leadFacts, dealFacts);
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

/** The later of two days, NaN standing for none. */
function newer(a: number, b: number): number {
  return Number.isNaN(a) || b > a ? b : a;
}
