/** The names a rubric uses for presets and canonical fields (docs/rubric.md#columns), without loading zod. */

export const PRESET_NAMES = ['hubspot', 'salesforce', 'pipedrive', 'zoho', 'generic', 'fivetran-hubspot'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * How a canonical field is kept and read (src/data/columns.ts, src/data/value-columns.ts):
 * - `id`: the row's id, packed, with an index (duplicates are rejected);
 * - `packed`: text that seldom repeats (emails, names), packed in blocks;
 * - `coded`: text that repeats (source, status, owner), as codes into its distinct values;
 * - `date`: a date column, read as day numbers once its order is decided;
 * - `part`: a part of another field (first and last name make the name), read as a header column;
 * - `keys`: the deal's join keys (src/data/map.ts joinKeys);
 * - `amount`: a money column, read once its decimal mark is decided.
 */
export type FieldKind = 'id' | 'packed' | 'coded' | 'date' | 'part' | 'keys' | 'amount';

/**
 * Every canonical lead field, declared once: the rubric's `leads.columns` keys and the presets'
 * column lists (src/rubric/presets/), the lead's storage and row view (src/data/table.ts), its
 * sink (src/data/lead-sink.ts) and its getter for conditions (src/data/classify.ts) follow from it.
 * The order is the order columns are read and warned about.
 */
export const LEAD_FIELD_KINDS = {
  id: 'id',
  email: 'packed',
  name: 'packed',
  firstName: 'part',
  lastName: 'part',
  company: 'coded',
  source: 'coded',
  sourceDetail: 'coded',
  created: 'date',
  status: 'coded',
  owner: 'coded',
  lastActivity: 'date',
  firstTouch: 'date',
} as const satisfies Record<string, FieldKind>;
export type LeadField = keyof typeof LEAD_FIELD_KINDS;
export const LEAD_FIELDS = Object.keys(LEAD_FIELD_KINDS) as readonly LeadField[];

/** Every canonical deal field, declared once (as LEAD_FIELD_KINDS is for leads). */
export const DEAL_FIELD_KINDS = {
  id: 'id',
  lead: 'keys',
  leadEmail: 'keys',
  stage: 'coded',
  status: 'coded',
  amount: 'amount',
  currency: 'coded',
  created: 'date',
  closed: 'date',
  owner: 'coded',
  lastActivity: 'date',
} as const satisfies Record<string, FieldKind>;
export type DealField = keyof typeof DEAL_FIELD_KINDS;
export const DEAL_FIELDS = Object.keys(DEAL_FIELD_KINDS) as readonly DealField[];

/** The fields of a side of one kind, in declaration order. */
type OfKind<T extends Record<string, FieldKind>, K extends FieldKind> = { [F in keyof T]: T[F] extends K ? F : never }[keyof T];
export type LeadFieldOf<K extends FieldKind> = OfKind<typeof LEAD_FIELD_KINDS, K>;
export type DealFieldOf<K extends FieldKind> = OfKind<typeof DEAL_FIELD_KINDS, K>;

export function leadFieldsOf<K extends FieldKind>(kind: K): LeadFieldOf<K>[] {
  return LEAD_FIELDS.filter((f): f is LeadFieldOf<K> => LEAD_FIELD_KINDS[f] === kind);
}

export function dealFieldsOf<K extends FieldKind>(kind: K): DealFieldOf<K>[] {
  return DEAL_FIELDS.filter((f): f is DealFieldOf<K> => DEAL_FIELD_KINDS[f] === kind);
}

/**
 * How a file escapes a quote inside a quoted field (`--escape`, rubric `leads.escape` /
 * `deals.escape`): `quote` doubles it (RFC 4180), `backslash` writes `\"` (MySQL INTO OUTFILE).
 */
export const ESCAPE_NAMES = ['quote', 'backslash'] as const;
export type EscapeName = (typeof ESCAPE_NAMES)[number];
