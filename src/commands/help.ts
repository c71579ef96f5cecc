/**
 * The help of the commands that are not one report (`leadaudit audit --help`, `init --help`, …):
 * each command's description (also its line in `leadaudit --help`), what to know before running
 * it, and examples. A report command's help is in its report's file (src/reports/index.ts lists
 * them). src/cli.ts declares the commands, their options and what they do.
 */
import type { Command } from 'commander';
import type { CommandHelp } from '../model.js';


/** A command described by its help: the description, and after the options the details and examples. */
export function withHelp<C extends Command>(command: C, help: CommandHelp): C {
  return command.description(help.description).addHelpText('after', afterOptions(help));
}

/** The text commander prints after the options: the details, then the examples. */
function afterOptions(help: CommandHelp): string {
  return `\n${help.details === undefined ? '' : `${help.details}\n\n`}Examples:\n${help.examples.map((e) => `  $ ${e}`).join('\n')}\n`;
}

const AUDIT_DETAILS = `Prints the summary, the funnel (and the deal pipeline), and sources, from whatever the inputs allow:
leads and deals, leads only (the outcome comes from a status or flag column), or deals only
(--deals FILE: each deal is the unit).

How leads are judged (see the rubric, \`leadaudit schema\`):
  - Deals join to leads by the rubric's join keys (trimmed; emails lower-cased; a cell may hold
    several keys separated by ;, or by , between ids and emails). A deal matching several leads (a key several leads hold,
    or keys of different leads) goes to the first of them, or with join.shared: all to each of
    them, split evenly; the run says how many there were. A deal matching no lead is
    "(unattributed)": it counts in deal totals, not in any channel.
  - A lead id seen twice keeps its first row; the duplicate is rejected and counted.
  - Won = the last stage is reached (a won deal, or the status or date the rubric names).
    Lost = every deal lost, or the lead matches the rubric's "disqualified". Else open.
  - Stalled = open, and idle (since entering its stage or its last activity, whichever is later)
    longer than the stage's stallAfterDays, as of --as-of.
  - Every row is used, rejected (with --rejects FILE to see them) or skipped (blank lines, report
    footers, summary rows of totals or averages after the last row of data), and counted in the
    summary.
  - Verdicts (docs/verdicts.md): a sales gap when the 95% interval of qualified handoffs stalled in
    sales stages lies above the rubric's verdicts.salesStallTolerance (default 0.1), or an owner
    lets them stall more than the rest, or they stall more than unqualified ones; a marketing gap
    and a rubric check likewise. With --format json each is an object with its numbers.
  - Warned on stderr: a stage these inputs cannot reach (e.g. won by a deal, with no deals file; its
    rates are then not judged), and an --as-of more than 90 days after the newest date in the data.

Exit codes: 0 ok, 1 input error, 2 usage or rubric error, 3 an alert fired.`;

export const COMMAND_HELP = {
  audit: {
    description: 'the summary and every report the inputs allow',
    details: AUDIT_DETAILS,
    examples: [
      'leadaudit audit contacts.csv deals.csv',
      'leadaudit audit --deals sales_pipeline.csv --rubric examples/maven-crm.yml --by sales_agent',
      "leadaudit audit leads.csv deals.csv --format json -o weekly.json --fail-on 'summary.win_rate<0.05'",
    ],
  },
  score: {
    description: 'one row per lead: id, channel, score, grade, qualified, furthest stage, outcome, stalled, days in stage, won amount',
    examples: [
      'leadaudit score contacts.csv deals.csv --format csv > scored.csv',
      'leadaudit score contacts.csv deals.csv --with-columns --format csv > scored-full.csv',
    ],
  },
  check: {
    description: 'validate the rubric, show the column mapping found, and report the data quality of each file',
    examples: [
      'leadaudit check contacts.csv deals.csv',
      'leadaudit check leads.csv --rubric leadaudit.yml --strict',
    ],
  },
  explain: {
    description: 'one lead taken apart: each signal and its points, the grade, each stage with its date and where it came from, the deals, the outcome, and the stall arithmetic',
    examples: [
      'leadaudit explain 51000340 contacts.csv deals.csv',
      'leadaudit explain ann@acme.com leads.csv deals.csv --format json',
    ],
  },
  diff: {
    description: 'what moved between two --format json runs: per report, the rates that left their interval, the counts and amounts that changed, the rows that came or went, biggest first',
    examples: [
      'leadaudit diff last-week.json this-week.json',
      'leadaudit diff runs/2025-06-23.json runs/2025-06-30.json --format md -o changes.md',
    ],
  },
  init: {
    description: 'write leadaudit.yml from these exports, headers and values: columns recognized by header and kind of value; won and lost, the pipeline, lead stages, disqualifying statuses and channels from the values seen (with counts); the join by the key columns whose values meet most (with the match rate); every guess commented with its evidence. A file with no header row gets its columns named by what they hold (leads.header). check accepts it and audit runs on it unedited.',
    examples: [
      'leadaudit init contacts.csv deals.csv && leadaudit check contacts.csv deals.csv',
      'leadaudit init leads.csv                      # leads only',
      'leadaudit init --deals pipeline.csv -o rubrics/pipeline.yml   # deals only',
    ],
  },
  schema: {
    description: "print the rubric's JSON Schema (for editor completion of leadaudit.yml), or with --output that of the --format json document (docs/json.md)",
    examples: [
      'leadaudit schema > leadaudit.schema.json   # then start leadaudit.yml with: # yaml-language-server: $schema=./leadaudit.schema.json',
      "leadaudit schema | jq '.properties | keys'",
      'leadaudit schema --output > leadaudit-output.schema.json   # validates leadaudit audit … --format json',
    ],
  },
  sql: {
    description: 'print the audit as SQL for DuckDB, PostgreSQL, Snowflake or BigQuery: run it in the warehouse, export its one result as CSV, then leadaudit audit --facts result.csv',
    details: `The tables it reads (--leads-table, --deals-table; default leads and deals) are taken to have the
columns of the exports given, of the tables in --db, or else those the rubric and its preset name
first (for warehouse layouts such as Fivetran's, --preset fivetran-hubspot). The script makes
temporary tables, then one result set of (fact, row): every count the reports need, with the row as
JSON. Render it with the same rubric: leadaudit audit --facts result.csv --rubric leadaudit.yml.
See docs/engines.md.`,
    examples: [
      'leadaudit sql contacts.csv deals.csv --dialect snowflake --leads-table crm.contacts --deals-table crm.deals > audit.sql',
      'leadaudit sql --db postgresql://localhost/crm --dialect postgres -o audit.sql',
      'leadaudit audit --facts result.csv',
    ],
  },
  demo: {
    description: 'run the audit on the bundled sample HubSpot exports, or with DIR write them (and a rubric) there to try things on',
    examples: [
      'leadaudit demo',
      'leadaudit demo ./try && cd try && leadaudit audit contacts.csv deals.csv',
    ],
  },
} satisfies Record<string, CommandHelp>;
