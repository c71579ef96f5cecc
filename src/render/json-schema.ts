/**
 * The shape of the `--format json` document (docs/json.md), as one zod schema: `leadaudit schema
 * --output` prints it as JSON Schema (draft 2020-12), and the tests validate every sample's audit
 * against that printed schema with a validator that is not zod (test/json-schema.test.ts).
 *
 * What must stay true: this file describes what src/render/json.ts writes, no more loosely than
 * the reports allow. A report column added, renamed or retyped is a change here and in
 * docs/json.md; a report's key that depends on the run (the --by column, a cohort's stage, score
 * --with-columns) is allowed by kind, not by name.
 */
import * as z from 'zod';

import { ROW_REASONS, type ColumnKind, type RowReason, type VerdictFinding, type VerdictTopic } from '../model.js';
import { PRESET_NAMES } from '../rubric/fields.js';
import { NUMBER_KEYS, RULES } from '../reports/verdicts.js';
import { JSON_SCHEMA_VERSION } from './json.js';

/** A cell by its column's kind, as rawValue writes it (a missing value, NaN or ±Infinity is null). */
const CELLS = {
  count: z.number().nullable(),
  percent: z.number().nullable().describe('A fraction (0.25 is 25%), 4 decimals'),
  money: z.number().nullable().describe('An amount in the data\'s currency, 2 decimals'),
  days: z.number().nullable().describe('Days, 1 decimal'),
  number: z.number().nullable(),
  text: z.string().nullable(),
  flag: z.boolean().nullable(),
} satisfies Record<ColumnKind, z.ZodType>;

type Keys = Record<string, ColumnKind>;

/**
 * A report's row: `keys` are in every row, `optional` only in some runs (a deals-only summary,
 * spend columns), `others` the kind of keys named by the run (absent: no other key).
 */
function row(keys: Keys, optional: Keys = {}, others?: ColumnKind) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, kind] of Object.entries(keys)) shape[key] = CELLS[kind];
  for (const [key, kind] of Object.entries(optional)) shape[key] = CELLS[kind].optional();
  const object = z.object(shape);
  return others === undefined ? object.strict() : object.catchall(CELLS[others]);
}

const kinds = Object.keys(CELLS) as [ColumnKind, ...ColumnKind[]];
const columnSchema = z
  .object({
    key: z.string().describe('The key of this column in each row'),
    label: z.string().describe('The heading people read'),
    kind: z.enum(kinds).describe('How the values are formatted: count, percent (a fraction), money, days, number, text, flag (true/false)'),
  })
  .strict();

function report(rows: z.ZodType, description: string) {
  return z
    .object({
      title: z.string(),
      columns: z.array(columnSchema).describe('The columns in order; every row has each key'),
      rows: z.array(rows),
      notes: z.array(z.string()).describe('Lines printed under the table: thresholds, caveats, why rows were not used'),
    })
    .strict()
    .describe(description);
}

// ---------------------------------------------------------------- rows of each report (docs/json.md, "Reports")

const STAGE_COUNTS: Keys = {
  reached: 'count',
  advanced: 'count',
  conversion: 'percent',
  conversion_low: 'percent',
  conversion_high: 'percent',
  lost: 'count',
  stalled: 'count',
  open: 'count',
  stalled_pct: 'percent',
  median_days: 'days',
  p75_days: 'days',
  stall_after_days: 'days',
};

const summaryRow = row(
  { won: 'count', lost: 'count', stalled: 'count', won_so_far: 'percent', win_rate: 'percent', win_rate_low: 'percent', win_rate_high: 'percent', won_revenue: 'money' },
  {
    // A run with leads.
    leads: 'count',
    qualified_pct: 'percent',
    handoff_pct: 'percent',
    biggest_leak: 'text',
    biggest_leak_leads: 'count',
    best_channel: 'text',
    best_channel_win_rate: 'percent',
    worst_channel: 'text',
    worst_channel_win_rate: 'percent',
    verdict_marketing: 'text',
    verdict_sales: 'text',
    verdict_rubric: 'text',
    // The gaps in money, when the run has won deals with amounts.
    marketing_at_risk: 'money',
    marketing_at_risk_low: 'money',
    marketing_at_risk_high: 'money',
    sales_at_risk: 'money',
    sales_at_risk_low: 'money',
    sales_at_risk_high: 'money',
    // A deals-only run.
    deals: 'count',
    open: 'count',
    close_rate: 'percent',
    avg_deal: 'money',
    // Row accounting of each file given.
    leads_read: 'count',
    leads_used: 'count',
    leads_rejected: 'count',
    leads_skipped: 'count',
    deals_read: 'count',
    deals_used: 'count',
    deals_rejected: 'count',
    deals_skipped: 'count',
    deals_attributed: 'count',
    deals_unattributed: 'count',
  },
);

const SPEND: Keys = { spend: 'money', cost_per_lead: 'money', cost_per_win: 'money', roas: 'number' };

/** Sources of a run with leads; the first key is the channel, or the --by column. */
const leadSourcesRow = row(
  {
    leads: 'count',
    qualified_pct: 'percent',
    handoff_pct: 'percent',
    opportunity_pct: 'percent',
    won: 'count',
    won_so_far: 'percent',
    horizon_leads: 'count',
    win_rate: 'percent',
    win_rate_low: 'percent',
    win_rate_high: 'percent',
    close_rate: 'percent',
    won_revenue: 'money',
    revenue_per_lead: 'money',
    avg_deal: 'money',
    median_days_to_win: 'days',
    lead_share: 'percent',
    revenue_share: 'percent',
    signif: 'text',
    low_n: 'flag',
  },
  SPEND,
  'text',
);

/** Sources of a deals-only run: deals are the unit. */
const dealSourcesRow = row(
  {
    deals: 'count',
    won: 'count',
    lost: 'count',
    open: 'count',
    won_so_far: 'percent',
    horizon_deals: 'count',
    win_rate: 'percent',
    win_rate_low: 'percent',
    win_rate_high: 'percent',
    close_rate: 'percent',
    won_revenue: 'money',
    avg_deal: 'money',
    median_days_to_win: 'days',
    deal_share: 'percent',
    revenue_share: 'percent',
    signif: 'text',
    low_n: 'flag',
  },
  {},
  'text',
);

const leadOwnersRow = row({
  owner: 'text',
  leads: 'count',
  qualified: 'count',
  handed_off: 'count',
  won: 'count',
  win_rate_qualified: 'percent',
  median_days_to_first_touch: 'days',
  median_days_to_win: 'days',
  stalled: 'count',
  stalled_qualified_sales: 'count',
  stall_signif: 'text',
  low_n: 'flag',
});

const dealOwnersRow = row({ owner: 'text', deals: 'count', won: 'count', lost: 'count', won_so_far: 'percent', win_rate: 'percent', median_days_to_win: 'days', stalled: 'count', signif: 'text' });

/** Old and new values of a diff row, formatted by the row's `kind`. */
const diffValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

const reportsSchema = z
  .object({
    summary: report(summaryRow, 'One row: headline rates, the biggest leak, best and worst channel, the verdict findings, row accounting'),
    funnel: report(row({ stage: 'text', label: 'text', side: 'text', ...STAGE_COUNTS, horizon_conversion: 'percent', horizon_conversion_low: 'percent', horizon_conversion_high: 'percent' }, {}, 'text'), 'One row per rubric stage (per --by group and stage with --by)'),
    pipeline: report(row({ stage: 'text', ...STAGE_COUNTS }), 'One row per deal pipeline stage'),
    sources: report(z.union([leadSourcesRow, dealSourcesRow]), 'One row per channel (or --by group), then (unattributed) and total rows'),
    matrix: report(
      row(
        {
          grade: 'text',
          leads: 'count',
          handed_off: 'count',
          handoff_pct: 'percent',
          won: 'count',
          lost: 'count',
          stalled_marketing: 'count',
          stalled_sales: 'count',
          open: 'count',
          won_so_far: 'percent',
          win_rate: 'percent',
          win_rate_handed_off: 'percent',
        },
        {},
        'text',
      ),
      'One row per grade (per --by group and grade with --by)',
    ),
    signals: report(
      row({
        signal: 'text',
        points: 'number',
        leads_with: 'count',
        win_rate_with: 'percent',
        win_rate_without: 'percent',
        lift: 'number',
        diff_low: 'percent',
        diff_high: 'percent',
        p_value: 'number',
        verdict: 'text',
        log_odds: 'number',
        suggested_points: 'number',
      }),
      'One row per score signal of the rubric',
    ),
    stalls: report(
      row({
        kind: 'text',
        lead_id: 'text',
        deal_id: 'text',
        name: 'text',
        email: 'text',
        channel: 'text',
        grade: 'text',
        stage: 'text',
        side: 'text',
        days_in_stage: 'days',
        stall_after_days: 'days',
        days_over: 'days',
        owner: 'text',
        open_amount: 'money',
      }),
      'One row per stalled lead or deal, most overdue first (every row, unlike the terminal\'s preview)',
    ),
    cohorts: report(
      row({ cohort: 'text', leads: 'count', won: 'count', win_rate: 'percent', won_revenue: 'money', mature: 'flag' }, {}, 'percent'),
      'One row per month created; a <stage>_pct key per stage after the first',
    ),
    owners: report(z.union([leadOwnersRow, dealOwnersRow]), 'One row per owner (of leads, or of deals in a deals-only run)'),
    score: report(
      row(
        {
          lead_id: 'text',
          channel: 'text',
          score: 'number',
          grade: 'text',
          qualified: 'flag',
          furthest_stage: 'text',
          outcome: 'text',
          stalled: 'flag',
          days_in_stage: 'days',
          won_amount: 'money',
        },
        {},
        'text',
      ),
      'leadaudit score: one row per lead; --with-columns adds each original column as text',
    ),
    lead: report(
      row({
        id: 'text',
        name: 'text',
        email: 'text',
        company: 'text',
        line: 'count',
        source: 'text',
        channel: 'text',
        owner: 'text',
        created: 'text',
        status: 'text',
        score: 'number',
        grade: 'text',
        qualified: 'flag',
        furthest_stage: 'text',
        outcome: 'text',
        stalled: 'flag',
      }),
      'leadaudit explain: the lead',
    ),
    lead_signals: report(row({ signal: 'text', points: 'number', matched: 'flag', looked_at: 'text' }), 'leadaudit explain: each signal'),
    lead_stages: report(
      row({ stage: 'text', side: 'text', reached: 'flag', how: 'text', entered: 'text', date_from: 'text', stall_after_days: 'days' }),
      'leadaudit explain: each stage',
    ),
    lead_deals: report(row({ deal_id: 'text', stage: 'text', outcome: 'text', amount: 'money', created: 'text', closed: 'text' }), 'leadaudit explain: the lead\'s deals'),
    rubric: report(row({ item: 'text', value: 'text' }), 'leadaudit check: the rubric in use'),
    mapping: report(
      row({ file: 'text', field: 'text', column: 'text', status: 'text', why: 'text', runners_up: 'text', tried: 'text' }),
      'leadaudit check: the column mapping',
    ),
    quality: report(row({ file: 'text', check: 'text', count: 'count', detail: 'text' }), 'leadaudit check: data quality of each file'),
    diff: report(
      z
        .object({ report: z.string(), row: z.string(), metric: z.string(), kind: z.enum(kinds), old: diffValue, new: diffValue, change: CELLS.number, relative: CELLS.percent })
        .strict(),
      'leadaudit diff: what moved between two runs, verdicts first',
    ),
  })
  .partial()
  .strict()
  .describe('The reports of the run, by name, in the order printed');

// ---------------------------------------------------------------- inputs, verdicts, alerts

const count = z.number().int().nonnegative();
const reasonKeys = Object.keys(ROW_REASONS) as [RowReason, ...RowReason[]];

const accountingShape = {
  file: z.string().describe('The file as given on the command line (- for standard input)'),
  encoding: z.string(),
  delimiter: z.string().describe('The delimiter, "tab" for a tab'),
  read: count.describe('Rows read: used + rejected + skipped'),
  used: count,
  rejected: count,
  skipped: count,
  duplicates: count.describe('Rows rejected as duplicate_id (their id seen before)'),
  reasons: z
    .partialRecord(z.enum(reasonKeys), count)
    .describe('Rows not used, per reason (docs/json.md lists the keys); the counts add up to rejected + skipped'),
};

const leadsAccounting = z.object(accountingShape).strict();
const dealsAccounting = z
  .object({
    ...accountingShape,
    attributed: count.nullable().describe('Deals joined to a lead; null in a deals-only run'),
    unattributed: count.nullable().describe('Deals joined to no lead; null in a deals-only run'),
  })
  .strict();

/** The findings each topic can reach (docs/verdicts.md, "Findings": works, inverted and no evidence are the rubric check's). */
const FINDINGS = {
  'marketing gap': ['gap', 'no gap', 'not enough data', 'not applicable', 'not judged'],
  'sales gap': ['gap', 'no gap', 'not enough data', 'not applicable', 'not judged'],
  'rubric check': ['works', 'inverted', 'no evidence', 'not enough data', 'not applicable', 'not judged'],
} as const satisfies Record<VerdictTopic, readonly VerdictFinding[]>;

function verdictOf<T extends VerdictTopic>(topic: T) {
  const numbers = Object.fromEntries(NUMBER_KEYS[topic].map((key) => [key, z.number().nullable()]));
  const rules = RULES[topic] as readonly string[] as [string, ...string[]];
  return z
    .object({
      topic: z.literal(topic),
      finding: z.enum(FINDINGS[topic]),
      rules: z.array(z.enum(rules)).describe('The rules that found the gap or trend (docs/verdicts.md); empty when none did'),
      names: z.array(z.string()).describe('The groups it points at (a channel, an owner)'),
      numbers: z.object(numbers).strict().describe('Every key in every run (docs/verdicts.md); null when the rule could not compute it; unrounded'),
      text: z.string().describe('The sentence people read'),
    })
    .strict();
}

const alertSchema = z
  .object({
    rule: z.string().describe('The --fail-on rule as written, or the rubric alert described'),
    report: z.string(),
    row: z.string().nullable().describe('The row the value came from (a channel, a stage), null for a report-level metric'),
    metric: z.string(),
    value: z.number().nullable().describe('Unrounded; null when not finite'),
    op: z.enum(['<', '<=', '>', '>=']),
    threshold: z.number(),
  })
  .strict();

/** The `--format json` document. */
export const outputSchema = z
  .object({
    schemaVersion: z.literal(JSON_SCHEMA_VERSION).describe('Changes only when a key is removed, renamed or changes type'),
    tool: z.object({ name: z.literal('leadaudit'), version: z.string() }).strict(),
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('The as-of date every age is computed at, YYYY-MM-DD'),
    run: z
      .object({
        rubric: z.string().nullable().describe('The rubric file in use; null when the preset alone was used'),
        preset: z.enum(PRESET_NAMES),
        spend: z.string().nullable().describe('The --spend file; null without one'),
      })
      .strict()
      .nullable()
      .describe('What made the run; null in a diff'),
    inputs: z
      .object({ leads: leadsAccounting.nullable(), deals: dealsAccounting.nullable() })
      .strict()
      .describe('Row accounting of each input file; null for a file not given'),
    reports: reportsSchema,
    verdict: z
      .array(z.discriminatedUnion('topic', [verdictOf('marketing gap'), verdictOf('sales gap'), verdictOf('rubric check')]))
      .describe('The three verdict lines of a run with leads (docs/verdicts.md); empty otherwise'),
    alerts: z.array(alertSchema).describe('The --fail-on rules and rubric alerts that fired (exit 3 when any did)'),
  })
  .strict()
  .meta({ title: 'leadaudit --format json', description: 'One leadaudit run: inputs, reports, verdicts and alerts (docs/json.md)' });

export type OutputDocument = z.infer<typeof outputSchema>;

/** The JSON Schema printed by `leadaudit schema --output`. */
export function outputJsonSchema(): unknown {
  return z.toJSONSchema(outputSchema, { target: 'draft-2020-12', unrepresentable: 'any' });
}
