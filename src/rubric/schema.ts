/**
 * The rubric (docs/rubric.md): one zod schema gives the TypeScript types, the validation of rubric files
 * and `leadaudit schema` (JSON Schema for editor completion). A rubric is data, never code.
 */
// A namespace import lets the bundler keep only the parts of zod used here, not every locale's
// messages: less to compile on every run that reads a rubric file (docs/performance.md).
import * as z from 'zod';

import { DEAL_FIELDS, ESCAPE_NAMES, LEAD_FIELDS, PRESET_NAMES, type DealField, type LeadField } from './fields.js';

const text = z.string().min(1, 'expected a non-empty text');
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const days = z.number().int('expected a whole number of days').nonnegative('expected 0 or more days');
const dateOrder = z.enum(['mdy', 'dmy', 'ymd']).describe('How to read dates like 3/5/2024 when a column does not prove its order.');
/** A file without a header row: its column names, in order (its first row is data). */
const header = z
  .array(text)
  .min(1, 'expected the column names, in file order')
  .describe('The file has no header row: these are its column names, in file order; its first row is data.');
const escape = z
  .enum(ESCAPE_NAMES)
  .describe('How a quote inside a quoted field is written: quote ("" — RFC 4180, the default) or backslash (\\" — MySQL SELECT … INTO OUTFILE; also \\\\, \\n, \\t).');

/** One test on one field (docs/rubric.md#operators). Missing values fail every test but `empty`, `notIn` and `ne`. */
export const testSchema = z
  .object({
    eq: scalar.describe('Equal, case-insensitive and trimmed; true also matches yes/1/x, false no/0. A missing value fails (use ne: true for an unticked box).'),
    ne: scalar.describe('Not equal (a missing value is not equal).'),
    in: z.array(scalar).describe('One of these values, case-insensitive.'),
    notIn: z.array(scalar).describe('None of these values (a missing value passes).'),
    matches: text.describe('A JavaScript regular expression, case-insensitive.'),
    gte: z.union([z.number(), text]).describe('At least this number or date.'),
    gt: z.union([z.number(), text]).describe('More than this number or date.'),
    lte: z.union([z.number(), text]).describe('At most this number or date.'),
    lt: z.union([z.number(), text]).describe('Less than this number or date.'),
    present: z.literal(true).describe('The value is not empty.'),
    empty: z.literal(true).describe('The value is empty or the column is missing.'),
    withinDays: days.describe('A date no older than this many days before the as-of date.'),
  })
  .partial()
  .strict();
export type Test = z.infer<typeof testSchema>;

/**
 * A condition: field → test, all of which must hold; `all`, `any` and `not` combine conditions.
 * A field is a canonical name (`source`, `email`, `channel`, `status`, …) or a column header.
 */
export interface Condition {
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
  [field: string]: Test | Condition | Condition[] | undefined;
}

export const conditionSchema: z.ZodType<Condition> = z
  .object({
    get all() {
      return z.array(conditionSchema).optional();
    },
    get any() {
      return z.array(conditionSchema).optional();
    },
    get not() {
      return conditionSchema.optional();
    },
  })
  .catchall(testSchema) as unknown as z.ZodType<Condition>;

/** A column reference: a header, or several headers of which the first present is used; null unmaps. */
const column = z.union([text, z.array(text).min(1), z.null()]);

const leadColumns = z
  .object(Object.fromEntries(LEAD_FIELDS.map((f) => [f, column.optional()])) as Record<LeadField, z.ZodOptional<typeof column>>)
  .strict();
const dealColumns = z
  .object(Object.fromEntries(DEAL_FIELDS.map((f) => [f, column.optional()])) as Record<DealField, z.ZodOptional<typeof column>>)
  .strict();

const stageSchema = z
  .object({
    key: z.string().regex(/^[A-Za-z][\w-]*$/, 'expected a key of letters, digits, - and _ (like "mql")'),
    label: text.optional(),
    side: z.enum(['marketing', 'sales']),
    stallAfterDays: days.optional().describe('An open lead idle longer than this in the stage is stalled.'),
    reachedWhen: z
      .object({
        date: column.optional().describe('A lead column holding the date the stage was entered.'),
        status: z.array(scalar).optional().describe('Current-status values that mean the lead is at this stage now.'),
        deal: z.enum(['any', 'won']).optional().describe('Reached when a joined deal exists (any) or is won.'),
        when: conditionSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const dealStageSchema = z
  .object({
    value: z.union([text, z.array(text).min(1)]).describe('The deal stage value(s) of this pipeline stage.'),
    label: text.optional(),
    stallAfterDays: days.optional(),
    enteredDate: column.optional().describe('A deal column holding the date the deal entered this stage.'),
  })
  .strict();

const outcomeRule = z.union([z.array(scalar).min(1), conditionSchema]).describe('Deal stage values, or a condition on the deal.');

export const rubricSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1).describe('Rubric format version.'),
    preset: z.enum(PRESET_NAMES).optional().describe('Start from a preset; everything in this file overrides it.'),
    dateOrder: dateOrder.optional(),
    missingValues: z
      .array(z.string())
      .optional()
      .describe(
        'Cells that mean "no value", compared trimmed and case-insensitively: they read as empty in every mapped field, condition, channel, join key and --by column. Replaces the default list \\N, NULL, N/A, #N/A, (blank); [] turns it off.',
      ),
    horizonDays: z
      .number()
      .int('expected a whole number of days, like 90')
      .min(1, 'expected a whole number of days, like 90')
      .max(3650, 'expected at most 3650 days (ten years)')
      .optional()
      .describe(
        'Rates at a horizon, docs/reports.md: win rates count leads created at least this many days before --as-of, and wins within this many days of created. Default: from the data (the 75th percentile of days to win among leads a year old or more, rounded up to the next of 30, 60, 90, 120, 150, 180, 240, 300, 365, 450, 545, 730).',
      ),
    leads: z.object({ columns: leadColumns.optional(), dateOrder: dateOrder.optional(), header: header.optional(), escape: escape.optional() }).strict().optional(),
    deals: z
      .object({
        columns: dealColumns.optional(),
        dateOrder: dateOrder.optional(),
        header: header.optional(),
        escape: escape.optional(),
        won: outcomeRule.optional(),
        lost: outcomeRule.optional(),
        stages: z.array(dealStageSchema).optional().describe('The deal pipeline, in order.'),
      })
      .strict()
      .optional(),
    join: z
      .object({
        lead: text.optional().describe('A lead field (canonical name or header) holding the join key(s); the preset\'s when not given.'),
        deal: text.optional().describe('A deal field (canonical name or header) holding the join key(s); the preset\'s when not given.'),
        shared: z
          .enum(['first', 'all'])
          .optional()
          .describe(
            'A deal whose keys match several leads (several leads share its key, as leads converted into one Salesforce account do, or its cell names keys of different leads): first (default) credits only the first — the lead of its first matching key, the first in file order; all credits each of them, split evenly (1/N of the deal and its amount each), so revenue is counted once.',
          ),
      })
      .strict()
      .optional()
      .describe('How deals find their lead: keys are trimmed, emails lower-cased, ; or , separates several keys in a cell.'),
    channels: z
      .array(z.object({ name: text, when: conditionSchema }).strict())
      .optional()
      .describe('Channel rules; the first match wins. A lead matching none keeps its raw source.'),
    stages: z.array(stageSchema).min(1, 'expected at least one stage').optional(),
    disqualified: conditionSchema.optional().describe('A lead matching this is lost, whatever its deals.'),
    score: z
      .object({
        signals: z
          .array(z.object({ name: text, points: z.number(), when: conditionSchema }).strict())
          .optional(),
        grades: z
          .record(z.string().regex(/^\w+$/, 'expected a grade name like A'), z.number())
          .refine((grades) => Object.keys(grades).length > 0, 'expected at least one grade, like { A: 40, B: 20 }')
          .optional(),
        qualifiedGrade: text.optional(),
      })
      .strict()
      .optional(),
    verdicts: z
      .object({
        salesStallTolerance: z
          .number()
          .min(0, 'expected a share from 0 to below 1, like 0.1')
          .lt(1, 'expected a share from 0 to below 1, like 0.1')
          .describe('Sales gap rule (a), docs/verdicts.md: the share of qualified handoffs that may stall in sales stages (default 0.1); a gap when the 95% Wilson interval of the stalled share lies wholly above it.'),
      })
      .partial()
      .strict()
      .optional()
      .describe('Settings of the verdict rules (docs/verdicts.md).'),
    alerts: z
      .array(
        z
          .object({
            report: text,
            metric: text,
            stage: text.optional(),
            row: text.optional(),
            below: z.number().optional(),
            above: z.number().optional(),
            minLeads: z.number().int().nonnegative().optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** A rubric as written in a file or a preset (everything optional but the version). */
export type RubricInput = z.infer<typeof rubricSchema>;
export type ColumnRef = z.infer<typeof column>;
export type StageInput = z.infer<typeof stageSchema>;
export type DealStageInput = z.infer<typeof dealStageSchema>;
export type OutcomeRule = z.infer<typeof outcomeRule>;

/** The JSON Schema printed by `leadaudit schema`. */
export function rubricJsonSchema(): unknown {
  return z.toJSONSchema(rubricSchema, { target: 'draft-2020-12', unrepresentable: 'any' });
}
