/**
 * The fact queries of a compiled audit (docs/engines.md): one per fact table, each reading the
 * classification tables src/engine/sql/compile.ts makes (`la_lead`, `la_deal`, the join's), and
 * the script `leadaudit sql` prints to run them all anywhere. src/engine/sql/facts.ts reads
 * their rows by name.
 */
import { Bands, horizonLadder } from '../horizon.js';
import type { CompiledAudit, QueryName, SqlRun } from './compile.js';
import type { LeadValues } from './sides.js';
import type { Dialect } from './dialects.js';
import { bin, cases, col, countIf, isNull, not, NO_DAY, NO_NUMBER, num, or, raw, type Expr } from './tree.js';

/**
 * The horizon bands of a lead or deal (src/engine/horizon.ts Bands.age and Bands.win): `age` days
 * since created (NULL: no date), won or not, `days` from created to won (NULL: unknown).
 */
export function bandsSql(bands: Bands, d: Dialect, age: string, won: string, days: string): { age: string; win: string } {
  const ladder = bands.ladder;
  const ageBand = cases(
    ladder.map((_, i) => ladder.length - 1 - i).map((k): [Expr, Expr] => [bin('>=', raw(age), num(ladder[k]!)), num(k + 1)]),
    num(0),
  );
  const winBand = cases(
    [
      [not(raw(won)), num(bands.notWon)],
      [or(isNull(raw(days)), bin('<', raw(days), num(0))), num(bands.noDays)],
      ...ladder.map((edge, k): [Expr, Expr] => [bin('<=', raw(days), num(edge)), num(k)]),
    ],
    num(bands.rungs),
  );
  return { age: d.expr(ageBand), win: d.expr(winBand) };
}

export function leadQueries(run: SqlRun, lead: LeadValues, d: Dialect): Partial<Record<QueryName, string>> {
  const { rubric } = run;
  const id = d.ident;
  const S = rubric.stages.length;
  const owner = `CASE WHEN ${id('la_owner')} = '' THEN '(none)' ELSE ${id('la_owner')} END`;
  const created = run.leads!.plan.fields.created !== undefined ? id('d_created_day') : d.expr(NO_DAY);
  const winDays = `${id('la_won_day')} - ${created}`;
  const bands = new Bands(horizonLadder(rubric));
  const band = bandsSql(bands, d, `(${run.asOf} - ${created})`, `(${id('la_outcome')} = 1)`, `(${winDays})`);
  const keys = [
    `${id('la_channel')} AS ${id('channel')}`,
    `${id('la_grp')} AS ${id('grp')}`,
    `${owner} AS ${id('owner')}`,
    `${id('la_ym')} AS ${id('ym')}`,
    `${id('la_grade')} AS ${id('grade')}`,
    `${id('la_furthest')} AS ${id('furthest')}`,
    `${id('la_outcome')} AS ${id('outcome')}`,
    `${id('la_stalled')} AS ${id('stalled')}`,
    `${band.age} AS ${id('age_band')}`,
    `${band.win} AS ${id('win_band')}`,
    ...rubric.signals.map((_, i) => `${id(`la_s${i}`)} AS ${id(`s${i}`)}`),
  ];
  const groupBy = keys.map((_, i) => String(i + 1)).join(', ');
  const measures = [`MIN(${id('la_row')}) AS ${id('first_row')}`, `COUNT(*) AS ${id('n')}`, `SUM(${id('la_won_amount')}) AS ${id('won_amount')}`, `SUM(${id('la_won_deals')}) AS ${id('won_deals')}`, `SUM(${id('la_priced')}) AS ${id('priced')}`];
  const stageDays = Array.from({ length: Math.max(0, S - 1) }, (_, i) => `SELECT ${id('la_grp')} AS ${id('grp')}, ${i} AS ${id('stage')}, ${id(`la_e${i + 1}`)} - ${id(`la_e${i}`)} AS ${id('days')}, COUNT(*) AS ${id('n')} FROM la_lead WHERE ${id('la_furthest')} > ${i} AND ${id(`la_e${i + 1}`)} - ${id(`la_e${i}`)} >= 0 GROUP BY 1, 2, 3`);
  // Per stage, the leads that reached it by age and by how long after created they entered it.
  const stageReach = Array.from({ length: S }, (_, i) => {
    const reach = bandsSql(bands, d, `(${run.asOf} - ${created})`, 'TRUE', `(${id(`la_e${i}`)} - ${created})`);
    return `SELECT ${id('la_grp')} AS ${id('grp')}, ${i} AS ${id('stage')}, ${reach.age} AS ${id('age_band')}, ${reach.win} AS ${id('reach_band')}, COUNT(*) AS ${id('n')} FROM la_lead WHERE ${id('la_furthest')} >= ${i} GROUP BY 1, 2, 3, 4`;
  });
  // A stage before the furthest with no evidence of its own was implied by a later one.
  const implied = Array.from({ length: Math.max(0, S - 1) }, (_, s) => `SUM(CASE WHEN ${id('la_furthest')} > ${s} AND NOT ${id(`la_r${s}`)} THEN 1 ELSE 0 END) AS ${id(`i${s}`)}`);
  return {
    leadClasses: `SELECT ${[...keys, ...measures].join(', ')} FROM la_lead GROUP BY ${groupBy}`,
    leadWinDays: `SELECT ${id('la_grp')} AS ${id('grp')}, ${id('la_channel')} AS ${id('channel')}, ${owner} AS ${id('owner')}, ${id('la_grade')} AS ${id('grade')}, ${winDays} AS ${id('days')}, COUNT(*) AS ${id('n')} FROM la_lead WHERE ${id('la_outcome')} = 1 AND ${winDays} >= 0 GROUP BY 1, 2, 3, 4, 5`,
    ...(stageDays.length > 0 ? { leadStageDays: stageDays.join(' UNION ALL ') } : {}),
    leadStageReach: stageReach.join(' UNION ALL '),
    ...(lead.hasFirstTouch
      ? { leadTouch: `SELECT ${owner} AS ${id('owner')}, ${id('d_firstTouch_day')} - ${created} AS ${id('days')}, COUNT(*) AS ${id('n')}, 1 AS ${id('any_touch')} FROM la_lead WHERE ${id('d_firstTouch_day')} IS NOT NULL GROUP BY 1, 2` }
      : {}),
    ...(implied.length > 0 ? { leadImplied: `SELECT ${implied.join(', ')} FROM la_lead` } : {}),
  };
}

export function dealQueries(run: SqlRun, alone: boolean, d: Dialect): Partial<Record<QueryName, string>> {
  const id = d.ident;
  const n = run.rubric.deals.stages.length;
  const fields = run.deals!.plan.fields;
  const amount = fields.amount === undefined ? d.expr(NO_NUMBER) : id('amt_num');
  const created = fields.created === undefined ? d.expr(NO_DAY) : id('d_created_day');
  const closed = fields.closed === undefined ? d.expr(NO_DAY) : id('d_closed_day');
  const owner = `CASE WHEN ${id('la_owner')} = '' THEN '(none)' ELSE ${id('la_owner')} END`;
  const band = bandsSql(new Bands(horizonLadder(run.rubric)), d, `(${run.asOf} - ${created})`, `(${id('la_outcome')} = 1)`, `(${closed} - ${created})`);
  const attributed = alone ? '0' : `CASE WHEN ${id('la_row')} IN (SELECT ${id('la_deal')} FROM la_owner) THEN 1 ELSE 0 END`;
  const keys = [
    `${attributed} AS ${id('attributed')}`,
    `${id('la_grp')} AS ${id('grp')}`,
    `${owner} AS ${id('owner')}`,
    `${id('la_furthest')} AS ${id('furthest')}`,
    `CASE WHEN ${id('la_furthest')} < 0 THEN ${id('la_stage')} ELSE '' END AS ${id('stage')}`,
    `${id('la_outcome')} AS ${id('outcome')}`,
    `${id('la_stalled')} AS ${id('stalled')}`,
    `CASE WHEN ${id('la_outcome')} = 1 THEN UPPER(${id('la_currency')}) ELSE '' END AS ${id('currency')}`,
    `${band.age} AS ${id('age_band')}`,
    `${band.win} AS ${id('win_band')}`,
  ];
  const pipeline = Array.from({ length: n }, (_, k) => {
    const from = id(`d_stage${k}_day`);
    const to = k + 1 < n ? id(`d_stage${k + 1}_day`) : closed;
    const hasFrom = run.deals!.plan.stageColumns[k]! >= 0;
    const hasTo = k + 1 < n ? run.deals!.plan.stageColumns[k + 1]! >= 0 : fields.closed !== undefined;
    if (!hasFrom || !hasTo) return undefined;
    return `SELECT ${k} AS ${id('stage')}, ${to} - ${from} AS ${id('days')}, COUNT(*) AS ${id('n')} FROM la_deal WHERE ${id('la_furthest')} > ${k} AND ${to} - ${from} >= 0 GROUP BY 1, 2`;
  }).filter((q) => q !== undefined);
  const groupBy = keys.map((_, i) => String(i + 1)).join(', ');
  return {
    dealClasses: `SELECT ${keys.join(', ')}, MIN(${id('la_row')}) AS ${id('first_row')}, COUNT(*) AS ${id('n')}, SUM(CASE WHEN ${id('la_outcome')} = 1 AND ${amount} IS NOT NULL THEN ${amount} ELSE 0 END) AS ${id('won_amount')}, SUM(CASE WHEN ${id('la_outcome')} = 1 AND ${amount} IS NOT NULL THEN 1 ELSE 0 END) AS ${id('priced')} FROM la_deal GROUP BY ${groupBy}`,
    ...(fields.amount === undefined ? {} : { dealAmounts: `SELECT ${amount} AS ${id('amount')}, COUNT(*) AS ${id('n')} FROM la_deal WHERE ${id('la_outcome')} = 1 AND ${amount} IS NOT NULL GROUP BY 1` }),
    dealWinDays: `SELECT ${attributed} AS ${id('attributed')}, ${id('la_grp')} AS ${id('grp')}, ${owner} AS ${id('owner')}, ${closed} - ${created} AS ${id('days')}, COUNT(*) AS ${id('n')} FROM la_deal WHERE ${id('la_outcome')} = 1 AND ${closed} - ${created} >= 0 GROUP BY 1, 2, 3, 4`,
    ...(pipeline.length > 0 ? { pipelineDays: pipeline.join(' UNION ALL ') } : {}),
  };
}

/**
 * The newest date anywhere in the data (caveats.ts newestDate): every date column of both sides,
 * and the close dates of closed deals only (an open deal's is a forecast).
 */
export function newestQuery(run: SqlRun, d: Dialect): string {
  const id = d.ident;
  const leadDates =
    run.leads === null ? [] : [...(['created', 'lastActivity', 'firstTouch'] as const).filter((f) => run.leads!.plan.fields[f] !== undefined).map((f) => `d_${f}_day`), ...run.leads.plan.stageColumns.flatMap((i, s) => (i >= 0 ? [`d_stage${s}_day`] : []))];
  const parts = leadDates.map((c) => `SELECT MAX(${id(c)}) AS ${id('newest')} FROM la_lead_val`);
  if (run.deals !== null) {
    const fields = run.deals.plan.fields;
    const dealDates = [...(['created', 'lastActivity'] as const).filter((f) => fields[f] !== undefined).map((f) => `d_${f}_day`), ...run.deals.plan.stageColumns.flatMap((i, s) => (i >= 0 ? [`d_stage${s}_day`] : []))];
    parts.push(...dealDates.map((c) => `SELECT MAX(${id(c)}) AS ${id('newest')} FROM la_deal`));
    if (fields.closed !== undefined) parts.push(`SELECT MAX(${id('d_closed_day')}) AS ${id('newest')} FROM la_deal WHERE ${id('la_outcome')} <> 0`);
  }
  return parts.length === 0 ? `SELECT ${d.expr(NO_DAY)} AS ${id('newest')}` : `SELECT MAX(${id('newest')}) AS ${id('newest')} FROM (${parts.join(' UNION ALL ')}) n`;
}

/** Rows read, and duplicate ids with the first of them. */
export function inputQuery(d: Dialect, table: string): string {
  const id = d.ident;
  return `SELECT COUNT(*) AS ${id('read')}, ${d.expr(countIf(col('la_dup')))} AS ${id('duplicates')}, MIN(CASE WHEN ${id('la_dup')} THEN ${id('la_row')} END) AS ${id('first_dup')} FROM ${table}`;
}

/**
 * The rows the stalls report lists (fold.ts foldStalled): stalled leads with the amounts of their
 * open deals that have no row of their own, stalled deals, and the lead each stalled deal is shown with.
 */
export function rowQueries(run: SqlRun, d: Dialect): Partial<Record<QueryName, string>> {
  const id = d.ident;
  const lead = ['la_row', 'la_id', 'la_name', 'la_email', 'la_channel', 'la_grade', 'la_owner'];
  const out: Partial<Record<QueryName, string>> = {};
  if (run.leads === null) {
    // Deals alone: their own rows only.
    const dealAmount = run.deals!.plan.fields.amount === undefined ? d.expr(NO_NUMBER) : id('amt_num');
    out.stalledDeals = `SELECT ${id('la_row')}, ${id('la_id')}, ${id('la_furthest')}, ${id('la_days')}, ${id('la_owner')}, ${dealAmount} AS ${id('amount')} FROM la_deal WHERE ${id('la_stalled')} ORDER BY ${id('la_row')}`;
    return out;
  }
  const amount = run.deals?.plan.fields.amount === undefined ? d.expr(NO_NUMBER) : `x.${id('amt_num')}`;
  const openAmount =
    run.deals === null
      ? d.expr(NO_NUMBER)
      : `(SELECT SUM(${amount}) FROM la_owner o JOIN la_deal x ON x.${id('la_row')} = o.${id('la_deal')} WHERE o.${id('la_lead')} = l.${id('la_row')} AND x.${id('la_outcome')} = 0 AND NOT x.${id('la_stalled')} AND ${amount} IS NOT NULL)`;
  out.stalledLeads = `SELECT ${lead.map((c) => `l.${id(c)}`).join(', ')}, l.${id('la_furthest')}, l.${id('la_days')}, ${openAmount} AS ${id('open_amount')} FROM la_lead l WHERE l.${id('la_stalled')} ORDER BY l.${id('la_row')}`;
  if (run.deals !== null) {
    const dealAmount = run.deals.plan.fields.amount === undefined ? d.expr(NO_NUMBER) : id('amt_num');
    out.stalledDeals = `SELECT ${id('la_row')}, ${id('la_id')}, ${id('la_furthest')}, ${id('la_days')}, ${id('la_owner')}, ${dealAmount} AS ${id('amount')} FROM la_deal WHERE ${id('la_stalled')} ORDER BY ${id('la_row')}`;
    out.dealLeads = `SELECT o.${id('la_deal')}, ${lead.map((c) => `l.${id(c)}`).join(', ')} FROM la_owner o JOIN la_lead l ON l.${id('la_row')} = o.${id('la_lead')} JOIN la_deal x ON x.${id('la_row')} = o.${id('la_deal')} WHERE x.${id('la_stalled')}`;
  }
  return out;
}

/** What a facts file says of the run that made it, besides the facts (src/engine/sql/facts-file.ts). */
/** The format of the facts `leadaudit sql` makes and `--facts` reads. */
export const FACTS_VERSION = 2 as const;

export interface FactsMeta {
  /** The facts' format: 2 since the horizon bands (rows of version 1 have none). */
  readonly version: typeof FACTS_VERSION;
  /** The as-of date the SQL was compiled for (a day number). */
  readonly asOf: number;
  /** The resolved rubric's fingerprint: a facts file is read with the rubric it was made with. */
  readonly rubric: string;
  readonly leads: { readonly table: string; readonly columns: readonly string[] } | null;
  readonly deals: { readonly table: string; readonly columns: readonly string[] } | null;
}

/**
 * The audit as one script (`leadaudit sql`): the setup statements, then one query whose rows are
 * every fact, as (fact, row) with the row as JSON text — one result set, which any warehouse
 * client exports as a CSV for `leadaudit audit --facts`. The first row is the run's FactsMeta.
 */
export function auditScript(compiled: CompiledAudit, d: Dialect, meta: FactsMeta): string {
  const parts = [`SELECT 'meta' AS ${d.ident('fact')}, ${d.string(JSON.stringify(meta))} AS ${d.ident('row')}`];
  for (const [name, sql] of Object.entries(compiled.queries)) {
    if (sql !== undefined) parts.push(`SELECT '${name}' AS ${d.ident('fact')}, ${d.rowJson('x')} AS ${d.ident('row')} FROM (${sql}) x`);
  }
  return [...compiled.setup, parts.join('\nUNION ALL\n')].map((statement) => `${statement};\n`).join('\n');
}

