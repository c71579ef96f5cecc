/** The --by grouping of a run (docs/reports.md): how each lead and each deal is named for the first column. */
import { leadGetter, NO_SOURCE } from '../data/classify.js';
import { dealGetter } from '../data/deal-sink.js';
import { personalHeaders, PERSONAL_FIELDS, redacted } from '../data/personal.js';
import type { ColumnPlan } from '../data/map.js';
import type { DealTable, LeadTable } from '../data/table.js';
import type { Grouping } from './classified.js';

/** The --by grouping (docs/reports.md): channel (default), source, owner, grade, or a column. */
export function grouping(
  by: string | undefined,
  redact: boolean,
  /** The leads' plan, and the table the leads being grouped are rows of (a chunk, when leads are read in chunks). */
  leads: { plan: ColumnPlan; table: () => LeadTable } | undefined,
  deals: { plan: ColumnPlan; table: DealTable } | undefined,
): Grouping {
  const none = (text: string) => (text === '' ? NO_SOURCE : text);
  switch (by) {
    case undefined:
    case 'channel':
      return { key: 'channel', label: 'Channel', explicit: by !== undefined, ofLead: (c) => c.channel, ofDeal: undefined };
    case 'source':
      return { key: 'source', label: 'Source', explicit: true, ofLead: (c) => none(c.lead.source), ofDeal: undefined };
    case 'owner':
      return { key: 'owner', label: 'Owner', explicit: true, ofLead: (c) => none(c.lead.owner), ofDeal: (d) => none(d.owner) };
    case 'grade':
      return { key: 'grade', label: 'Grade', explicit: true, ofLead: (c) => c.grade, ofDeal: undefined };
    case 'stage':
      return { key: 'stage', label: 'Stage', explicit: true, ofLead: (c) => c.lead.status || NO_SOURCE, ofDeal: (d) => none(d.stage) };
    default: {
      const leadGet = leads ? leadGetter(leads.plan, by) : undefined;
      const dealGet = deals ? dealGetter(deals.plan, by) : undefined;
      // Grouped by a person's email or name, --redact shows each group as its hash.
      const shown = (text: string, plan: ColumnPlan | undefined) => none(redact && plan !== undefined && isPersonalColumn(by, plan) ? redacted(text.trim()) : text.trim());
      return {
        key: by,
        label: by,
        explicit: true,
        ofLead: (c) => shown(leadGet?.({ c: leads!.table().c, i: c.lead.index, channel: c.channel }) ?? '', leads?.plan),
        ofDeal: dealGet ? (d) => shown(dealGet({ c: deals!.table.c, i: d.index }), deals?.plan) : undefined,
      };
    }
  }
}

/** Whether --by names a column of a person's email or name (--redact then shows each group as its hash). */
export function isPersonalColumn(by: string, plan: ColumnPlan): boolean {
  return [...PERSONAL_FIELDS, ...personalHeaders(plan)].some((name) => name.toLowerCase() === by.toLowerCase());
}
