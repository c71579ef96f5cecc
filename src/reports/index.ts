/**
 * Reports by the name the user types (`leadaudit funnel`, `leadaudit sources`). Each builder takes
 * the classified data and returns neutral tables (raw numbers, typed columns); renderers format.
 */
import type { Report } from '../model.js';
import type { AuditData } from './context.js';
import { funnel, help as funnelHelp } from './funnel.js';
import { cohorts, help as cohortsHelp } from './cohorts.js';
import { matrix, help as matrixHelp } from './matrix.js';
import { owners, help as ownersHelp } from './owners.js';
import { signals, help as signalsHelp } from './signals.js';
import { stalls, help as stallsHelp } from './stalls.js';
import { sources, help as sourcesHelp } from './sources.js';
import { summary } from './summary.js';

export type ReportBuilder = (data: AuditData) => Report[];

export const reports = { summary, funnel, sources, matrix, signals, stalls, cohorts, owners } satisfies Record<string, ReportBuilder>;

export type ReportName = keyof typeof reports;

/**
 * The commands that print one report (README, "Commands"), in the order `leadaudit --help` lists
 * them, each with its `--help` from the report's own file (src/cli.ts builds the commands from
 * it); `audit` prints them all after the summary.
 */
export const REPORT_HELP = {
  funnel: funnelHelp,
  sources: sourcesHelp,
  matrix: matrixHelp,
  signals: signalsHelp,
  stalls: stallsHelp,
  cohorts: cohortsHelp,
  owners: ownersHelp,
} satisfies Partial<Record<ReportName, { description: string; examples: readonly string[] }>>;

export type ReportCommand = keyof typeof REPORT_HELP;

export const REPORT_COMMANDS = Object.keys(REPORT_HELP) as readonly ReportCommand[];

export function buildReports(data: AuditData, names: readonly ReportName[]): Report[] {
  const built = names.flatMap((name) => reports[name](data));
  // A stage these inputs cannot reach is named under every report (docs/verdicts.md, "Warnings").
  const caveats = unreachableNotes(data);
  return caveats.length === 0 ? built : built.map((r) => ({ ...r, notes: [...r.notes, ...caveats] }));
}

/**
 * Notes on the stages the inputs cannot reach (src/data/caveats.ts): one per stage reached only
 * through a later one, and one for the stages from which on nothing can be reached (the won stage
 * among them), whose rates are not judged.
 */
export function unreachableNotes(data: AuditData): string[] {
  const unreachable = data.caveats.unreachable;
  const notes = unreachable
    .filter((u) => u.implied)
    .map((u) => `Stage "${u.key}" is never reached directly with these inputs (${u.why}): it counts only leads that reach a later stage.`);
  const dead = unreachable.filter((u) => !u.implied);
  if (dead.length > 0) {
    const causes = [...new Set(dead.map((u) => u.cause))].join(', ');
    const what =
      dead.length === 1
        ? `stage "${dead[0]!.key}" cannot be reached with these inputs (${dead[0]!.why}), so its rates are 0 by construction`
        : `stages ${dead.map((u) => `"${u.key}"`).join(', ')} cannot be reached with these inputs (${dead.map((u) => `${u.key}: ${u.why}`).join('; ')}), so their rates are 0 by construction`;
    notes.push(`Not judged: ${causes} — ${what}; no + or - mark, best or worst channel, or verdict is built on them.`);
  }
  return notes;
}
