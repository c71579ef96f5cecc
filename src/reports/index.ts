/**
 * Reports by the name the user types (`leadaudit funnel`, `leadaudit sources`). Each builds from a
 * run's AuditFacts (src/engine/facts.ts) neutral tables (raw numbers, typed columns); renderers format.
 */
import type { Report } from '../model.js';
import type { AuditFacts } from '../engine/facts.js';
import type { CommandHelp } from '../model.js';
import type { ReportSpec } from './context.js';
import { summary } from './summary.js';
import { funnel } from './funnel.js';
import { sources } from './sources.js';
import { matrix } from './matrix.js';
import { signals } from './signals.js';
import { stalls } from './stalls.js';
import { cohorts } from './cohorts.js';
import { owners } from './owners.js';

/** Every report, by the name the user types; `audit` prints them in this order. */
export const reports = { summary, funnel, sources, matrix, signals, stalls, cohorts, owners } satisfies Record<string, ReportSpec>;

export type ReportName = keyof typeof reports;

/** The reports that are commands of their own: those with a help (the summary is printed by `audit`). */
export type ReportCommand = { [K in ReportName]: (typeof reports)[K] extends { help: CommandHelp } ? K : never }[ReportName];

/** The commands that print one report (README, "Commands"), in the order `leadaudit --help` lists them. */
export const REPORT_COMMANDS = (Object.keys(reports) as ReportName[]).filter((name): name is ReportCommand => 'help' in reports[name]);

export function buildReports(data: AuditFacts, names: readonly ReportName[]): Report[] {
  const built = names.flatMap((name) => reports[name].build(data));
  // A stage these inputs cannot reach is named under every report (docs/verdicts.md, "Warnings").
  const caveats = unreachableNotes(data);
  return caveats.length === 0 ? built : built.map((r) => ({ ...r, notes: [...r.notes, ...caveats] }));
}

/**
 * Notes on the stages the inputs cannot reach (src/data/caveats.ts): one per stage reached only
 * through a later one, and one for the stages from which on nothing can be reached (the won stage
 * among them), whose rates are not judged.
 */
export function unreachableNotes(data: AuditFacts): string[] {
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
