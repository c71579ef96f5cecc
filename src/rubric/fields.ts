/** The names a rubric uses for presets and canonical fields (docs/rubric.md#columns), without loading zod. */

export const PRESET_NAMES = ['hubspot', 'salesforce', 'pipedrive', 'zoho', 'generic'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const LEAD_FIELDS = [
  'id',
  'email',
  'name',
  'firstName',
  'lastName',
  'company',
  'source',
  'sourceDetail',
  'created',
  'status',
  'owner',
  'lastActivity',
  'firstTouch',
] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];

export const DEAL_FIELDS = [
  'id',
  'lead',
  'leadEmail',
  'stage',
  'status',
  'amount',
  'currency',
  'created',
  'closed',
  'owner',
  'lastActivity',
] as const;
export type DealField = (typeof DEAL_FIELDS)[number];

/**
 * How a file escapes a quote inside a quoted field (`--escape`, rubric `leads.escape` /
 * `deals.escape`): `quote` doubles it (RFC 4180), `backslash` writes `\"` (MySQL INTO OUTFILE).
 */
export const ESCAPE_NAMES = ['quote', 'backslash'] as const;
export type EscapeName = (typeof ESCAPE_NAMES)[number];
