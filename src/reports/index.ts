/**
 * Reports by the name the user types (`leadaudit funnel`, `leadaudit sources`). Each builder takes
 * the classified data and returns neutral tables (raw numbers, typed columns); renderers format.
 */
import type { Report } from '../model.js';
import type { AuditData } from './context.js';
import { funnel } from './funnel.js';
import { sources } from './sources.js';
import { summary } from './summary.js';

export type ReportBuilder = (data: AuditData) => Report[];

export const reports = { summary, funnel, sources } satisfies Record<string, ReportBuilder>;

export type ReportName = keyof typeof reports;

/** The commands that print one report (SPEC §3.1); `audit` prints them all after the summary. */
export const REPORT_COMMANDS = ['funnel', 'sources'] as const satisfies readonly ReportName[];

export function buildReports(data: AuditData, names: readonly ReportName[]): Report[] {
  return names.flatMap((name) => reports[name](data));
}
