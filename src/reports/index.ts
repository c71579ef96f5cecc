/**
 * Reports by the name the user types (`leadaudit funnel`, `leadaudit sources`). Each builder takes
 * the classified data and returns neutral tables (raw numbers, typed columns); renderers format.
 */
import type { Report } from '../model.js';
import type { AuditData } from './context.js';
import { funnel } from './funnel.js';
import { cohorts } from './cohorts.js';
import { matrix } from './matrix.js';
import { owners } from './owners.js';
import { signals } from './signals.js';
import { stalls } from './stalls.js';
import { sources } from './sources.js';
import { summary } from './summary.js';

export type ReportBuilder = (data: AuditData) => Report[];

export const reports = { summary, funnel, sources, matrix, signals, stalls, cohorts, owners } satisfies Record<string, ReportBuilder>;

export type ReportName = keyof typeof reports;

/** The commands that print one report (SPEC §3.1); `audit` prints them all after the summary. */
export const REPORT_COMMANDS = ['funnel', 'sources', 'matrix', 'signals', 'stalls', 'cohorts', 'owners'] as const satisfies readonly ReportName[];

export function buildReports(data: AuditData, names: readonly ReportName[]): Report[] {
  const built = names.flatMap((name) => reports[name](data));
  // A stage these inputs cannot reach is named under every report (docs/verdicts.md, "Warnings").
  const caveats = unreachableNotes(data);
  return caveats.length === 0 ? built : built.map((r) => ({ ...r, notes: [...r.notes, ...caveats] }));
}

/** One note per stage the inputs cannot reach (src/data/caveats.ts), for the reports' notes. */
export function unreachableNotes(data: AuditData): string[] {
  return data.caveats.unreachable.map((u) =>
    u.implied
      ? `Stage "${u.key}" is never reached directly with these inputs (${u.why}): it counts only leads that reach a later stage.`
      : `Not judged: ${u.cause} — stage "${u.key}" cannot be reached with these inputs (${u.why}), so its rates are 0 by construction; no + or - mark, best or worst channel, or verdict is built on them.`,
  );
}
