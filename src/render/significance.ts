/**
 * What colour means in every format for people (table, HTML): a row's significance mark, as its
 * `Sig` column says it (p < 0.05 against the rest, Holm-adjusted), never a mere difference from
 * the average. Green is a significant difference for the better, red for the worse.
 */
import type { Cell, Report } from '../model.js';
import type { Tone } from './charts.js';

/**
 * Which column a report's significance mark speaks of, and whether more is better there. Keyed by
 * the mark's column key: sources' `signif` is about the win rate (higher is good); owners'
 * `stall_signif` about qualified handoffs stalled in sales (higher is bad); a deals-only owners
 * report's `signif` about the win rate again.
 */
export const SIGNIFICANCE: Record<string, { readonly column: string; readonly higherIs: 'good' | 'bad' }> = {
  signif: { column: 'win_rate', higherIs: 'good' },
  stall_signif: { column: 'stalled_qualified_sales', higherIs: 'bad' },
};

/** The tone a row's significance mark gives, per SIGNIFICANCE: `+`/`-` good or bad, anything else neutral. */
export function markTone(mark: Cell | undefined, higherIs: 'good' | 'bad'): Tone {
  if (mark !== '+' && mark !== '-') return 'neutral';
  return (mark === '+') === (higherIs === 'good') ? 'good' : 'bad';
}

export interface Significance {
  /** The key of the column holding the `+` / `-` mark. */
  readonly mark: string;
  /** The key of the column the mark speaks of. */
  readonly column: string;
  readonly higherIs: 'good' | 'bad';
}

/** The significance mark of a report (its column and what it speaks of), when it has one. */
export function significanceOf(report: Report): Significance | undefined {
  for (const column of report.columns) {
    const sig = SIGNIFICANCE[column.key];
    if (sig && report.columns.some((c) => c.key === sig.column)) return { mark: column.key, ...sig };
  }
  return undefined;
}
