/**
 * The rubric → SQL compiler (docs/engines.md): the resolved rubric and each input's column plan
 * become statements that read each side's values (sides.ts), materialise the per-lead and
 * per-deal classification as temporary tables, then one query per fact table (queries.ts). Every
 * rule mirrors the JS engine's (src/data/classify.ts, src/data/deal-state.ts, src/data/join.ts),
 * and its docs/rubric.md section is the reference.
 */
import { UsageError } from '../../errors.js';
import type { ColumnPlan } from '../../data/map.js';
import type { DateOrder } from '../../data/normalize.js';
import type { Rubric } from '../../rubric/resolve.js';
import type { Condition } from '../../rubric/schema.js';
import { conditionSql, type FieldSql } from './conditions.js';
import type { Dialect } from './dialects.js';
import { stack } from './stack.js';
import { dealQueries, inputQuery, leadQueries, newestQuery, rowQueries } from './queries.js';
import { dealValues, leadValues, type DealValues, type LeadValues } from './sides.js';
import { and, bin, call, cases, col, eq, iff, inList, isNull, matches, NO_DAY, NO_NUMBER, not, notNull, num, or, pattern, raw, text, type Expr } from './tree.js';
import { lower, trim, WS, type Layer } from './values.js';

/** Where one input's rows are: a FROM item, its columns' names, and what orders them as the file did. */
export interface SqlSource {
  readonly plan: ColumnPlan;
  /** A table name or table function (`read_csv(...)`), as SQL. */
  readonly from: string;
  /** The source's column holding header index `i`. */
  readonly column: (i: number) => string;
  /** SQL over the source's columns giving each row's place in file order (unique). */
  readonly order: string;
}

export interface SqlRun {
  readonly rubric: Rubric;
  readonly asOf: number;
  /** --date-order, which overrides the rubric's for mapped date columns. */
  readonly dateOrder?: DateOrder;
  readonly leads: SqlSource | null;
  readonly deals: SqlSource | null;
  /** Query the stalled leads and deals the stalls report lists (FoldOptions.rows). */
  readonly rows?: boolean;
  /** --by: what names each lead's group (channel when not given; docs/reports.md). */
  readonly by?: string;
  /** --since / --until (src/data/window.ts): the created days a run keeps, both ends included. */
  readonly since?: number;
  readonly until?: number;
}

/** The queries whose rows make the facts (src/engine/sql/facts.ts reads each by name). */
export type QueryName =
  | 'leadInput'
  | 'dealInput'
  | 'leadClasses'
  | 'leadWinDays'
  | 'leadStageDays'
  | 'leadStageReach'
  | 'leadTouch'
  | 'leadImplied'
  | 'shared'
  | 'dealClasses'
  | 'dealWinDays'
  | 'dealAmounts'
  | 'pipelineDays'
  | 'newest'
  | 'formats'
  | 'stalledLeads'
  | 'stalledDeals'
  | 'dealLeads'
  | 'window';

export interface CompiledAudit {
  /** Statements run first, in order: they make the temporary tables the queries read. */
  readonly setup: readonly string[];
  readonly queries: Partial<Record<QueryName, string>>;
}

/** The SQL engines run what the JS engine does for these; the rest is refused, naming the option. */
export function refuseUnsupported(rubric: Rubric): void {
  if (rubric.join.shared === 'all') throw new UsageError('join.shared: all is not supported by the SQL engines yet; run with --engine js');
}

/** Compiles one run: leads with or without deals, or deals alone (each deal is then the unit). */
export function compileAudit(run: SqlRun, d: Dialect): CompiledAudit {
  if (run.leads === null && run.deals === null) throw new UsageError('no input to compile');
  const setup: string[] = [];
  const queries: Partial<Record<QueryName, string>> = {};
  const lead = run.leads === null ? null : leadValues(run, run.leads, d);
  if (lead !== null) {
    setup.push(...lead.setup);
    queries.leadInput = inputQuery(d, 'la_lead_raw');
  }
  let deal: DealValues | null = null;
  if (run.deals !== null) {
    deal = dealValues(run, run.deals, d);
    setup.push(...deal.setup, ...classifyDeals(run, deal, d));
    queries.dealInput = inputQuery(d, 'la_deal_raw');
    if (lead !== null) {
      setup.push(...joinStatements(run, lead, d));
      queries.shared = sharedQuery(d);
    }
  }
  if (lead !== null) setup.push(...classifyLeads(run, lead, deal !== null, d));
  if (windowed(run)) {
    setup.push(...windowStatements(run, lead !== null, deal !== null, d));
    queries.window = windowQuery(run, lead !== null, deal !== null, d);
  }
  if (lead !== null) Object.assign(queries, leadQueries(run, lead, d));
  if (deal !== null) Object.assign(queries, dealQueries(run, lead === null, d));
  queries.formats = [...(lead?.formats ?? []), ...(deal?.formats ?? [])].join(' UNION ALL ') || undefined;
  queries.newest = newestQuery(run, d);
  if (run.rows) Object.assign(queries, rowQueries(run, d));
  return { setup, queries };
}

function outcomeSql(rule: Rubric['deals']['won'], field: (name: string) => FieldSql | undefined, run: SqlRun, path: string): Expr {
  if (rule === undefined) return { k: 'bool', v: false };
  if (Array.isArray(rule)) return inList(lower(col('la_stage')), [...new Set(rule.map((v) => String(v).trim().toLowerCase()))].map(text));
  return conditionSql(rule as Condition, { field, asOf: run.asOf, dateOrder: run.rubric.deals.dateOrder ?? 'mdy', path });
}

/** Deals classified: `la_deal` with outcome (0 open, 1 won, 2 lost), pipeline stage, stall (deal-state.ts). */
function classifyDeals(run: SqlRun, deal: DealValues, d: Dialect): string[] {
  const { rubric, asOf } = run;
  const stages = rubric.deals.stages;
  const n = stages.length;
  const won = outcomeSql(rubric.deals.won, deal.field, run, 'deals.won');
  const lost = outcomeSql(rubric.deals.lost, deal.field, run, 'deals.lost');
  const stageIndex = cases(stages.flatMap((s, i) => s.values.map((v): [Expr, Expr] => [eq(lower(col('la_stage')), text(v.trim().toLowerCase())), num(i)])), num(-1));
  const entered = (k: number) => deal.stageDay[k]!;
  const ahead = cases(
    Array.from({ length: n }, (_, j) => n - 1 - j).map((k): [Expr, Expr] => [and(notNull(entered(k)), bin('>', num(k), col('la_si'))), num(k)]),
    col('la_si'),
  );
  const furthest = cases([[eq(col('la_outcome'), num(1)), num(n)], [and(bin('<', col('la_ahead'), num(0)), eq(col('la_outcome'), num(2))), num(0)]], col('la_ahead'));
  // Every value here is a day or a number of days: a typed NULL where none applies (NO_DAY).
  const at = (values: (k: number) => Expr) => cases(Array.from({ length: n }, (_, k): [Expr, Expr] => [eq(col('la_furthest'), num(k)), values(k)]), NO_DAY);
  const enteredHere = at(entered);
  const activity = col('d_lastActivity_day');
  const hasActivity = run.deals!.plan.fields.lastActivity !== undefined;
  const created = run.deals!.plan.fields.created !== undefined ? col('d_created_day') : NO_DAY;
  const since0 = hasActivity ? cases([[isNull(col('la_entered')), activity], [isNull(activity), col('la_entered')], [bin('>', activity, col('la_entered')), activity]], col('la_entered')) : col('la_entered');
  const thresholds = at((k) => (stages[k]!.stallAfterDays === undefined ? NO_DAY : num(stages[k]!.stallAfterDays!)));
  const open = and(eq(col('la_outcome'), num(0)), bin('>=', col('la_furthest'), num(0)), bin('<', col('la_furthest'), num(n)));
  const layers: Layer[] = [
    [
      ['la_outcome', cases([[won, num(1)], [lost, num(2)]], num(0))],
      ['la_si', stageIndex],
    ],
    [['la_ahead', ahead]],
    [['la_furthest', furthest]],
    [['la_entered', enteredHere]],
    [['la_since', iff(open, cases([[notNull(since0), since0]], created))]],
    [
      ['la_days', iff(notNull(col('la_since')), bin('-', num(asOf), col('la_since')))],
      ['la_threshold', iff(open, thresholds)],
    ],
    [
      ['la_stalled', and(notNull(col('la_threshold')), notNull(col('la_days')), bin('>', col('la_days'), col('la_threshold')))],
      // A deals-only run's --by group (the deals are the rows of its reports).
      ['la_grp', run.leads === null ? dealGroupOf(run, deal) : text('')],
    ],
  ];
  const s = stack(d, 'la_deal_c', 'la_deal_val', layers);
  const keep = ['la_row', 'la_id', 'la_owner', 'la_stage', 'la_currency', 'la_outcome', 'la_furthest', 'la_stalled', 'la_days', 'la_grp', ...['amt_num', 'd_created_day', 'd_closed_day', 'd_lastActivity_day'].filter((c) => deal.has(c)), ...stages.flatMap((_, k) => (deal.has(`d_stage${k}_day`) ? [`d_stage${k}_day`] : []))];
  return [`CREATE TEMP TABLE ${windowed(run) ? 'la_deal_all' : 'la_deal'} AS WITH ${s.ctes.join(', ')} SELECT ${keep.map((c) => d.ident(c)).join(', ')} FROM ${s.last}`];
}

// ---------------------------------------------------------------- the join

/**
 * A side's keys, one row each (map.ts joinKeys): split at `;`, then a part at `,` when every
 * piece is blank or holds a digit or `@`; trimmed, emails lower-cased, empties dropped.
 */
function keyRows(d: Dialect, from: string, textColumn: string, table: string): string {
  return `CREATE TEMP TABLE ${table} AS ${keyRowsSelect(d, `(SELECT ${d.ident('la_row')}, ${textColumn} AS ${d.ident('la_text')} FROM ${from})`)}`;
}

/**
 * The keys of the relation `from` (a parenthesised query, no alias: columns `la_row`, `la_text`) as rows `la_row`, `la_i`, `la_j`
 * (the key's place in its cell), `la_key`; `key` wraps the key's expression (tests fence it).
 */
export function keyRowsSelect(d: Dialect, from: string, key: (e: Expr) => Expr = (e) => e): string {
  const firstSplit = d.splitRows(from, d.ident('la_text'), ';');
  const parts = `(SELECT ${d.ident('la_row')}, pos AS ${d.ident('la_i')}, part AS ${d.ident('la_part')} FROM ${firstSplit} p1)`;
  const name = `[^,0-9@${WS.slice(1, -1)}]`;
  const whole = `(?:^|,)[^,0-9@]*${name}[^,0-9@]*(?:,|$)`;
  const splittable = and(bin('>', call('strpos', col('la_part'), text(',')), num(0)), not(matches(col('la_part'), pattern(whole))));
  const flagged = `(SELECT *, ${d.expr(splittable)} AS ${d.ident('la_split')} FROM ${parts} p2)`;
  const secondSplit = d.splitRows(flagged, d.ident('la_part'), ',');
  const piece = `CASE WHEN ${d.ident('la_split')} THEN part ELSE ${d.ident('la_part')} END`;
  const keyed = `(SELECT ${d.ident('la_row')}, ${d.ident('la_i')}, pos AS ${d.ident('la_j')}, ${d.expr(trim(raw(piece)))} AS ${d.ident('la_key0')} FROM ${secondSplit} p3 WHERE ${d.ident('la_split')} OR pos = 1)`;
  const cased = iff(bin('>', call('strpos', col('la_key0'), text('@')), num(0)), lower(col('la_key0')), col('la_key0'));
  return `SELECT ${d.ident('la_row')}, ${d.ident('la_i')}, ${d.ident('la_j')}, ${d.expr(key(cased))} AS ${d.ident('la_key')} FROM ${keyed} p4 WHERE ${d.ident('la_key0')} <> ''`;
}

function joinStatements(run: SqlRun, lead: LeadValues, d: Dialect): string[] {
  const { rubric } = run;
  const joinLead = rubric.join.lead;
  // The lead side's key text (classify.ts leadJoinKeys): the id (never a stand-in), the email, or a field trimmed.
  const leadKey = joinLead === 'email' ? col('la_email') : joinLead === 'id' ? col('la_id') : trim(lead.field(joinLead)?.text ?? text(''));
  const id = d.ident;
  return [
    keyRows(d, `(SELECT ${id('la_row')}, ${d.expr(leadKey)} AS ${id('la_k')} FROM la_lead_val) l`, id('la_k'), 'la_lead_keys'),
    keyRows(d, 'la_deal_val', id('la_keys'), 'la_deal_keys'),
    `CREATE TEMP TABLE la_first_lead AS SELECT ${id('la_key')}, MIN(${id('la_row')}) AS ${id('la_lead')} FROM la_lead_keys GROUP BY ${id('la_key')}`,
    // Each deal goes to the lead of its first key that some lead holds (join.ts, `first`).
    `CREATE TEMP TABLE la_owner AS SELECT ${id('la_deal')}, ${id('la_lead')} FROM (SELECT k.${id('la_row')} AS ${id('la_deal')}, f.${id('la_lead')}, ROW_NUMBER() OVER (PARTITION BY k.${id('la_row')} ORDER BY k.${id('la_i')}, k.${id('la_j')}) AS ${id('la_n')} FROM la_deal_keys k JOIN la_first_lead f ON f.${id('la_key')} = k.${id('la_key')}) o WHERE ${id('la_n')} = 1`,
  ];
}

/** Deals whose keys match more than one lead, and the distinct leads they match (the shared-keys notice). */
function sharedQuery(d: Dialect): string {
  const id = d.ident;
  const matched = `(SELECT DISTINCT k.${id('la_row')} AS ${id('la_deal')}, l.${id('la_row')} AS ${id('la_lead')} FROM la_deal_keys k JOIN la_lead_keys l ON l.${id('la_key')} = k.${id('la_key')})`;
  return `SELECT COUNT(DISTINCT ${id('la_deal')}) AS ${id('deals')}, COUNT(DISTINCT ${id('la_lead')}) AS ${id('leads')} FROM ${matched} m WHERE ${id('la_deal')} IN (SELECT ${id('la_deal')} FROM ${matched} m2 GROUP BY ${id('la_deal')} HAVING COUNT(*) > 1)`;
}

// ---------------------------------------------------------------- leads: classification

function classifyLeads(run: SqlRun, lead: LeadValues, withDeals: boolean, d: Dialect): string[] {
  const { rubric, asOf } = run;
  const stages = rubric.stages;
  const S = stages.length;
  const last = S - 1;
  const id = d.ident;
  const noDay = d.expr(NO_DAY);
  const statements: string[] = [];
  let from = 'la_lead_val';
  if (withDeals) {
    const rollup = [
      `o.${id('la_lead')}`,
      `COUNT(*) AS ${id('la_n_deals')}`,
      `SUM(CASE WHEN x.${id('la_outcome')} <> 2 THEN 1 ELSE 0 END) AS ${id('la_not_lost')}`,
      `MIN(${run.deals!.plan.fields.created !== undefined ? `x.${id('d_created_day')}` : noDay}) AS ${id('la_first_created')}`,
      `SUM(CASE WHEN x.${id('la_outcome')} = 1 THEN 1 ELSE 0 END) AS ${id('la_won_deals')}`,
      `MIN(CASE WHEN x.${id('la_outcome')} = 1 THEN ${run.deals!.plan.fields.closed !== undefined ? `x.${id('d_closed_day')}` : noDay} END) AS ${id('la_first_won')}`,
      `SUM(CASE WHEN x.${id('la_outcome')} = 1 AND ${amountOf(run, d)} IS NOT NULL THEN ${amountOf(run, d)} ELSE 0 END) AS ${id('la_won_amount')}`,
      `SUM(CASE WHEN x.${id('la_outcome')} = 1 AND ${amountOf(run, d)} IS NOT NULL THEN 1 ELSE 0 END) AS ${id('la_priced')}`,
    ];
    statements.push(`CREATE TEMP TABLE la_rollup AS SELECT ${rollup.join(', ')} FROM la_owner o JOIN ${windowed(run) ? 'la_deal_all' : 'la_deal'} x ON x.${id('la_row')} = o.${id('la_deal')} GROUP BY o.${id('la_lead')}`);
    from = `(SELECT v.*, ${['la_n_deals', 'la_not_lost', 'la_won_deals', 'la_won_amount', 'la_priced'].map((c) => `COALESCE(r.${id(c)}, 0) AS ${id(c)}`).join(', ')}, r.${id('la_first_created')}, r.${id('la_first_won')} FROM la_lead_val v LEFT JOIN la_rollup r ON r.${id('la_lead')} = v.${id('la_row')}) j`;
  } else {
    from = `(SELECT v.*, 0 AS ${id('la_n_deals')}, 0 AS ${id('la_not_lost')}, 0 AS ${id('la_won_deals')}, 0 AS ${id('la_won_amount')}, 0 AS ${id('la_priced')}, ${noDay} AS ${id('la_first_created')}, ${noDay} AS ${id('la_first_won')} FROM la_lead_val v) j`;
  }
  const withChannel = (channel: Expr) => (name: string) => (name === 'channel' ? { text: channel } : lead.field(name));
  const ctx = (path: string, channel: Expr) => ({ field: withChannel(channel), asOf, dateOrder: rubric.leads.dateOrder ?? 'mdy', path });
  const channel = cases(
    rubric.channels.map((c, i): [Expr, Expr] => [conditionSql(c.when, ctx(`channels[${i}].when`, text(''))), text(c.name)]),
    iff(eq(col('la_source'), text('')), text('(none)'), col('la_source')),
  );
  const signals = rubric.signals.map((s, i) => conditionSql(s.when, ctx(`score.signals[${i}].when`, col('la_channel'))));
  const score = rubric.signals.reduce<Expr>((acc, s, i) => bin('+', acc, iff(col(`la_s${i}`), num(s.points), num(0))), num(0));
  const grade = cases(
    rubric.grades.slice(0, -1).map((g, i): [Expr, Expr] => [bin('>=', col('la_score'), num(g.min)), num(i)]),
    num(rubric.grades.length - 1),
  );
  const status = lower(col('la_status'));
  const created = run.leads!.plan.fields.created !== undefined ? col('d_created_day') : NO_DAY;
  // Per stage: whether the lead shows evidence of it, and the entry date that evidence gives (classify.ts).
  const reached = (s: number): Expr => {
    const st = stages[s]!;
    if (s === 0) return { k: 'bool', v: true };
    return or(
      notNull(lead.stageDay[s]!),
      st.status.length > 0 ? inList(status, [...new Set(st.status.map((v) => v.trim().toLowerCase()))].map(text)) : { k: 'bool', v: false },
      st.deal === 'any' ? bin('>', col('la_n_deals'), num(0)) : { k: 'bool', v: false },
      st.deal === 'won' ? bin('>', col('la_won_deals'), num(0)) : { k: 'bool', v: false },
      st.when ? conditionSql(st.when, ctx(`stages[${s}].reachedWhen.when`, col('la_channel'))) : { k: 'bool', v: false },
    );
  };
  const own = (s: number): Expr => {
    const st = stages[s]!;
    if (s === 0) return created;
    return cases(
      [
        [notNull(lead.stageDay[s]!), lead.stageDay[s]!],
        ...(st.deal === 'any' ? [[bin('>', col('la_n_deals'), num(0)), col('la_first_created')] as [Expr, Expr]] : []),
        ...(st.deal === 'won' ? [[bin('>', col('la_won_deals'), num(0)), col('la_first_won')] as [Expr, Expr]] : []),
      ],
      NO_DAY,
    );
  };
  const furthest = cases(
    Array.from({ length: S - 1 }, (_, j) => S - 1 - j).map((s): [Expr, Expr] => [col(`la_r${s}`), num(s)]),
    num(0),
  );
  // Every value here is a day or a number of days: a typed NULL where none applies (NO_DAY).
  const atFurthest = (values: (s: number) => Expr) => cases(Array.from({ length: S }, (_, s): [Expr, Expr] => [eq(col('la_furthest'), num(s)), values(s)]), NO_DAY);
  // With no entry date where it is, idle time counts from the nearest earlier stage's own date.
  const earlier = (s: number): Expr => cases(Array.from({ length: s }, (_, j) => s - 1 - j).map((k): [Expr, Expr] => [notNull(col(`la_e${k}`)), col(`la_e${k}`)]), NO_DAY);
  const activity = run.leads!.plan.fields.lastActivity !== undefined ? col('d_lastActivity_day') : NO_DAY;
  const enteredHere = atFurthest((s) => col(`la_e${s}`));
  const since = cases(
    [
      [and(notNull(col('la_here')), notNull(activity), bin('>', activity, col('la_here'))), activity],
      [notNull(col('la_here')), col('la_here')],
      [notNull(activity), activity],
    ],
    atFurthest(earlier),
  );
  const disqualified = rubric.disqualified ? conditionSql(rubric.disqualified, ctx('disqualified', col('la_channel'))) : { k: 'bool' as const, v: false };
  const outcome = cases(
    [
      [last > 0 ? eq(col('la_furthest'), num(last)) : { k: 'bool', v: false }, num(1)],
      [and(bin('>', col('la_n_deals'), num(0)), eq(col('la_not_lost'), num(0))), num(2)],
      [col('la_disq'), num(2)],
    ],
    num(0),
  );
  const threshold = atFurthest((s) => (stages[s]!.stallAfterDays === undefined ? NO_DAY : num(stages[s]!.stallAfterDays!)));
  const layers: Layer[] = [
    [['la_channel', channel]],
    [
      ...signals.map((e, i): [string, Expr] => [`la_s${i}`, e]),
      ...Array.from({ length: S }, (_, s): [string, Expr] => [`la_r${s}`, reached(s)]),
      ...Array.from({ length: S }, (_, s): [string, Expr] => [`la_e${s}`, own(s)]),
      ['la_disq', disqualified],
    ],
    [
      ['la_score', score],
      ['la_furthest', furthest],
    ],
    [
      ['la_grade', grade],
      ['la_outcome', outcome],
      ['la_here', enteredHere],
    ],
    [['la_since', since]],
    [
      ['la_days', iff(notNull(col('la_since')), bin('-', num(asOf), col('la_since')))],
      ['la_threshold', threshold],
    ],
    [
      ['la_grp', groupOf(run, lead)],
      ['la_stalled', and(eq(col('la_outcome'), num(0)), notNull(col('la_threshold')), notNull(col('la_days')), bin('>', col('la_days'), col('la_threshold')))],
      ['la_won_day', iff(eq(col('la_outcome'), num(1)), col(`la_e${last}`))],
      ['la_ym', run.leads!.plan.fields.created === undefined ? NO_DAY : iff(notNull(created), call('idiv', col('d_created_ymd'), num(100)))],
    ],
  ];
  const s = stack(d, 'la_lead_c', from, layers);
  const keep = [
    ...['la_row', 'la_id', 'la_name', 'la_email', 'la_owner', 'la_channel', 'la_grp', 'la_grade', 'la_furthest', 'la_outcome', 'la_stalled', 'la_days', 'la_won_day', 'la_ym', 'la_won_amount', 'la_won_deals', 'la_priced'],
    ...rubric.signals.map((_, i) => `la_s${i}`),
    ...stages.flatMap((_, st) => [`la_r${st}`, `la_e${st}`]),
    ...['d_created_day', 'd_firstTouch_day'].filter((c) => lead.has(c)),
  ];
  statements.push(`CREATE TEMP TABLE ${windowed(run) ? 'la_lead_all' : 'la_lead'} AS WITH ${s.ctes.join(', ')} SELECT ${keep.map((c) => id(c)).join(', ')} FROM ${s.last}`);
  return statements;
}

/**
 * The name of a lead's --by group (src/engine/grouping.ts): its channel; its source, owner or status
 * ('(none)' when empty); its grade; or the --by column's value, trimmed ('(none)' when empty).
 * (--redact's hash of a person's email or name as a group is applied to the names in JavaScript.)
 */
function groupOf(run: SqlRun, lead: LeadValues): Expr {
  const none = (e: Expr) => iff(eq(e, text('')), text('(none)'), e);
  switch (run.by) {
    case undefined:
    case 'channel':
      return col('la_channel');
    case 'source':
    case 'owner':
      return none(col(`la_${run.by}`));
    case 'stage':
      return none(col('la_status'));
    case 'grade':
      return cases(run.rubric.grades.map((g, i): [Expr, Expr] => [eq(col('la_grade'), num(i)), text(g.name)]), text(''));
    default:
      return none(trim(lead.field(run.by)?.text ?? text('')));
  }
}

function amountOf(run: SqlRun, d: Dialect): string {
  return run.deals!.plan.fields.amount === undefined ? d.expr(NO_NUMBER) : `x.${d.ident('amt_num')}`;
}

/**
 * The name of a deal's --by group in a deals-only run (src/engine/grouping.ts ofDeal): its owner
 * unless --by names the stage or a column of the deals file ('(none)' when empty).
 */
function dealGroupOf(run: SqlRun, deal: DealValues): Expr {
  const none = (e: Expr) => iff(eq(e, text('')), text('(none)'), e);
  if (run.by === 'stage') return none(col('la_stage'));
  const column = run.by === undefined || ['channel', 'source', 'owner', 'grade'].includes(run.by) ? undefined : deal.field(run.by);
  return column === undefined ? none(col('la_owner')) : none(trim(column.text));
}

// ---------------------------------------------------------------- --since / --until

function windowed(run: SqlRun): boolean {
  return run.since !== undefined || run.until !== undefined;
}

/** A created day inside the window (src/data/window.ts inWindow: a lead with no created date is outside). */
function inWindow(run: SqlRun, day: Expr): Expr {
  return and(notNull(day), ...(run.since === undefined ? [] : [bin('>=', day, num(run.since))]), ...(run.until === undefined ? [] : [bin('<=', day, num(run.until))]));
}

/**
 * The leads and deals a windowed run keeps (src/engine/stream.ts): leads created inside the window;
 * the deals of those leads, and the deals no lead holds that were created inside it. The fact
 * queries read `la_lead` and `la_deal`; without a window those are every lead and deal.
 */
function windowStatements(run: SqlRun, withLeads: boolean, withDeals: boolean, d: Dialect): string[] {
  const id = d.ident;
  const statements: string[] = [];
  if (withLeads) {
    const leadCreated = run.leads!.plan.fields.created !== undefined ? col('d_created_day') : NO_DAY;
    statements.push(`CREATE TEMP TABLE la_lead AS SELECT * FROM la_lead_all WHERE ${d.expr(inWindow(run, leadCreated))}`);
  }
  if (withDeals) {
    const dealCreated = run.deals!.plan.fields.created !== undefined ? col('d_created_day', 'x') : NO_DAY;
    // With leads, a deal goes with its lead; alone (or held by none), by its own created date.
    statements.push(
      withLeads
        ? `CREATE TEMP TABLE la_deal AS SELECT x.* FROM la_deal_all x LEFT JOIN la_owner o ON o.${id('la_deal')} = x.${id('la_row')} WHERE (o.${id('la_lead')} IS NOT NULL AND o.${id('la_lead')} IN (SELECT ${id('la_row')} FROM la_lead)) OR (o.${id('la_lead')} IS NULL AND ${d.expr(inWindow(run, dealCreated))})`
        : `CREATE TEMP TABLE la_deal AS SELECT x.* FROM la_deal_all x WHERE ${d.expr(inWindow(run, dealCreated))}`,
    );
  }
  return statements;
}

/**
 * What a window skipped, per reason, with the first row of each (window.ts skip): leads with no
 * created date or created outside; deals whose lead was skipped; deals no lead holds, by their own date.
 */
function windowQuery(run: SqlRun, withLeads: boolean, withDeals: boolean, d: Dialect): string {
  const id = d.ident;
  const count = (table: string, where: string, name: string) =>
    `(SELECT COUNT(*) FROM ${table} WHERE ${where}) AS ${id(name)}, (SELECT MIN(${id('la_row')}) FROM ${table} WHERE ${where}) AS ${id(`first_${name}`)}`;
  const parts: string[] = [];
  if (withLeads) {
    const leadCreated = run.leads!.plan.fields.created !== undefined ? id('d_created_day') : d.expr(NO_DAY);
    const skippedLead = `${id('la_row')} NOT IN (SELECT ${id('la_row')} FROM la_lead)`;
    parts.push(count('la_lead_all', `${skippedLead} AND ${leadCreated} IS NULL`, 'lead_no_date'), count('la_lead_all', `${skippedLead} AND ${leadCreated} IS NOT NULL`, 'lead_outside'));
  }
  if (withDeals) {
    const dealCreated = run.deals!.plan.fields.created !== undefined ? id('d_created_day') : d.expr(NO_DAY);
    const owned = withLeads ? `${id('la_row')} IN (SELECT ${id('la_deal')} FROM la_owner)` : 'FALSE';
    const skippedDeal = `${id('la_row')} NOT IN (SELECT ${id('la_row')} FROM la_deal)`;
    parts.push(
      count('la_deal_all', `${skippedDeal} AND ${owned}`, 'deal_lead_outside'),
      count('la_deal_all', `${skippedDeal} AND NOT ${owned} AND ${dealCreated} IS NULL`, 'deal_no_date'),
      count('la_deal_all', `${skippedDeal} AND NOT ${owned} AND ${dealCreated} IS NOT NULL`, 'deal_outside'),
    );
  }
  return `SELECT ${parts.join(', ')}`;
}
