/**
 * Warehouse layouts (docs/engines.md, "Warehouse layouts"): how a preset's tables make the leads
 * and deals a run reads, when a CRM's warehouse copy spreads a deal over several tables. The
 * relation a layout makes has the deal table's own columns and the ones it adds.
 */
import type { PresetName } from '../../rubric/fields.js';
import { presets } from '../../rubric/presets/index.js';
import type { Dialect } from './dialects.js';
import { cast, raw } from './tree.js';

export interface Layout {
  /** The column the connector marks deleted rows with, taken to be in every table when their columns are not read. */
  readonly deletedColumn?: string;
  /** The columns the deals relation adds to the deal table's. */
  readonly dealColumns: readonly string[];
  /** The deals relation over the deal table (`schema.deal`), as a FROM item's query. */
  deals(d: Dialect, table: string, columns: readonly string[]): string;
}

/** `schema.deal` → `schema.<name>` (the layout's other tables sit beside the deal table). */
function beside(table: string, name: string): string {
  const parts = table.split('.');
  parts[parts.length - 1] = name;
  return parts.join('.');
}

const quoted = (d: Dialect, table: string) =>
  table
    .split('.')
    .map((part) => d.ident(part))
    .join('.');

/** Fivetran's HubSpot connector: contacts by the `deal_contact` bridge, stage dates from `deal_stage`. */
const fivetranHubspot: Layout = (() => {
  const stages = presets['fivetran-hubspot'].deals!.stages!.map((stage) => ({
    column: String(stage.enteredDate),
    values: (Array.isArray(stage.value) ? stage.value : [stage.value]).map((v) => String(v).trim().toLowerCase()),
  }));
  return {
    deletedColumn: '_fivetran_deleted',
    dealColumns: ['contact_ids', ...stages.map((s) => s.column)],
    deals(d, table, columns) {
      const id = d.ident;
      const text = (sql: string) => d.expr(cast(raw(sql), 'text'));
      const bridge = quoted(d, beside(table, 'deal_contact'));
      const history = quoted(d, beside(table, 'deal_stage'));
      // A contact's order within a deal: by id (the bridge has no other), so "first" is the lowest id.
      const contacts = `(SELECT ${d.listAgg(text(`b.${id('contact_id')}`), ';', text(`b.${id('contact_id')}`))} FROM ${bridge} b WHERE b.${id('deal_id')} = t.${id('deal_id')}) AS ${id('contact_ids')}`;
      const entered = stages.map(
        (s) => `(SELECT MIN(h.${id('date_entered')}) FROM ${history} h WHERE h.${id('deal_id')} = t.${id('deal_id')} AND LOWER(${text(`h.${id('value')}`)}) IN (${s.values.map((v) => d.string(v)).join(', ')})) AS ${id(s.column)}`,
      );
      const live = columns.includes('_fivetran_deleted') ? ` WHERE NOT COALESCE(t.${id('_fivetran_deleted')}, FALSE)` : '';
      return `SELECT t.*, ${[contacts, ...entered].join(', ')} FROM ${quoted(d, table)} t${live}`;
    },
  };
})();

export const LAYOUTS: Partial<Record<PresetName, Layout>> = { 'fivetran-hubspot': fivetranHubspot };
