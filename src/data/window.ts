/** --since / --until (docs/reports.md): which leads and deals a run keeps by their created date. */
import type { Accounting } from './accounting.js';
import { isoDate } from './normalize.js';
import type { RowReason } from '../model.js';

/** The created dates a run keeps, as day numbers; both ends included, either may be open. */
export interface Window {
  readonly since?: number;
  readonly until?: number;
}

/** Moves one used row to skipped, with why: outside the window, or no created date to judge by. */
export function skip(accounting: Accounting, created: number, reason: RowReason = Number.isNaN(created) ? 'no_created_date' : 'created_outside_window'): void {
  accounting.used--;
  accounting.skip(reason);
}

export function windowText(options: Window): string {
  const since = options.since === undefined ? '' : `from ${isoDate(options.since)}`;
  const until = options.until === undefined ? '' : `until ${isoDate(options.until)}`;
  return [since, until].filter(Boolean).join(' ');
}

export function inWindow(day: number, options: Window): boolean {
  if (Number.isNaN(day)) return false;
  if (options.since !== undefined && day < options.since) return false;
  if (options.until !== undefined && day > options.until) return false;
  return true;
}
