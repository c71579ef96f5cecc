/**
 * Which column holds which field, by header and by values. Each field has the names CRMs give it
 * — report labels, API names, internal names, snake_case, and the commonest German, Spanish,
 * Portuguese and French words for a deal's value and stage — in order of preference, and the
 * kinds of value it can hold. A column is a candidate when its header names the field (case,
 * spaces, `_` and dashes aside) and its values are of a kind the field accepts; the best-ranked
 * name wins, and the other candidates are kept as runners-up for `check` and `init` to show
 * (docs/init.md).
 */
import type { ColumnKind, ColumnProfile } from '../data/profile.js';
import type { DealField, LeadField, PresetName } from './fields.js';
import { headerKey } from './resolve.js';

interface FieldRule {
  /** Header names, most specific first. `*` at the end (start) matches any header starting (ending) with the rest. */
  readonly names: readonly string[];
  readonly kinds: readonly ColumnKind[];
  /** A kind of value that finds the field's column when no header names it. */
  readonly byValue?: ColumnKind;
}

const DATE: readonly ColumnKind[] = ['date', 'empty'];
const KEY: readonly ColumnKind[] = ['id', 'number', 'email', 'text', 'category', 'empty'];

export const LEAD_RULES: Record<LeadField, FieldRule> = {
  id: { names: ['Lead ID', 'Record ID', 'Contact ID', 'Prospect ID', 'hs_object_id', 'vid', 'leadid', 'Person - ID', 'Record Id', 'Id', 'ID', 'lead_id', 'contact_id', 'lead_no', 'Lead Number'], kinds: KEY },
  email: { names: ['Email', 'Email Address', 'E-mail', 'Person - Email', 'email_address', 'Work Email', 'Primary Email'], kinds: ['email', 'text', 'empty'], byValue: 'email' },
  name: { names: ['Full Name', 'Name', 'Lead Name', 'Contact Name', 'Person - Name'], kinds: ['text', 'category', 'empty'] },
  firstName: { names: ['First Name', 'firstname', 'Person - First name', 'first'], kinds: ['text', 'category', 'empty'] },
  lastName: { names: ['Last Name', 'lastname', 'Person - Last name', 'last'], kinds: ['text', 'category', 'empty'] },
  company: { names: ['Company', 'Company Name', 'Associated Company', 'Account Name', 'Organization', 'Organisation', 'Person - Organization', 'Account'], kinds: ['text', 'category', 'empty'] },
  source: {
    names: ['Original Source', 'Lead Source', 'hs_analytics_source', 'Source', 'Lead Origin', 'Person - Source channel', 'Person - Source origin', 'Channel', 'utm_source', 'utm_medium', 'Origin', 'Source Channel', 'Marketing Source'],
    kinds: ['category', 'text', 'empty'],
  },
  sourceDetail: { names: ['Original Source Drill-Down 1', 'hs_analytics_source_data_1', 'Source Detail', 'Campaign', 'utm_campaign', 'Lead Source Detail'], kinds: ['category', 'text', 'empty'] },
  created: {
    names: ['Create Date', 'Created Date', 'createdate', 'Created Time', 'createdtime', 'Created', 'Created At', 'Date Created', 'Created On', 'Person - Person created', 'Person - Add time', 'Signup Date', 'Lead Created Date', 'Add time'],
    kinds: DATE,
  },
  status: { names: ['Lifecycle Stage', 'lifecyclestage', 'Lead Status', 'Status', 'leadstatus', 'hs_lead_status', 'Status Label', 'Lead Stage', 'Stage'], kinds: ['category', 'empty'] },
  owner: {
    names: ['Contact owner', 'Lead Owner', 'Owner', 'Owner Name', 'Owner ID', 'OwnerId', 'hubspot_owner_id', 'Person - Owner', 'assigned_to', 'Assigned To', 'Sales Rep', 'Rep', 'smownerid'],
    kinds: ['category', 'text', 'id', 'number', 'empty'],
  },
  lastActivity: {
    names: ['Last Activity Date', 'Last Activity', 'LastActivityDate', 'Last Activity Time', 'notes_last_updated', 'Person - Last activity date', 'Last Contacted', 'last_activity', 'Last Modified Date'],
    kinds: DATE,
  },
  firstTouch: { names: ['First Touch', 'First Contacted', 'First Contact Date', 'First Response', 'First Sales Activity Date'], kinds: DATE },
};

export const DEAL_RULES: Record<DealField, FieldRule> = {
  id: { names: ['Opportunity ID', 'Deal ID', 'Record ID', 'Deal - ID', 'hs_object_id', 'potentialid', 'Record Id', 'Id', 'ID', 'opportunity_id', 'deal_id', 'potential_no'], kinds: KEY },
  lead: {
    names: ['Associated Contact IDs', 'Associated Contact ID', 'associated_contact_ids', 'associatedVids', 'Contact ID', 'contact_id', 'Lead ID', 'lead_id', 'Lead', 'Contact', 'Converted Lead ID', 'ConvertedLeadId'],
    kinds: KEY,
  },
  leadEmail: { names: ['Person - Email', 'Contact Email', 'Lead Email', 'Email', 'Email Address'], kinds: ['email', 'text', 'empty'], byValue: 'email' },
  stage: {
    names: ['Deal Stage', 'dealstage', 'Stage', 'StageName', 'Stage Name', 'Deal - Stage', 'sales_stage', 'Sales Stage', 'Pipeline Stage', 'Opportunity Stage', 'Deal - Phase', 'Phase', 'Etapa', 'Fase', 'Étape'],
    kinds: ['category', 'empty'],
  },
  status: { names: ['Deal - Status', 'Deal Status', 'Status', 'Status Type', 'Outcome', 'Result'], kinds: ['category', 'empty'] },
  amount: {
    names: ['Amount in company currency', 'Total Amount (converted)', 'Amount (converted)', 'Total Amount', 'Amount', 'Deal - Value', 'Deal - Deal value', 'Deal Value', 'Value', 'Close Value', 'Opportunity Amount', 'Revenue', 'Expected Revenue', 'Deal - Wert', 'Wert', 'Betrag', 'Valor', 'Importe', 'Montant', '*Amount'],
    kinds: ['number', 'id', 'empty'],
  },
  currency: {
    names: ['Total Amount (converted) Currency', 'Amount (converted) Currency', 'Currency', 'Deal - Currency', 'Deal - Currency of value', 'Total Amount Currency', 'Opportunity Currency', 'Amount Currency', 'CurrencyIsoCode'],
    kinds: ['category', 'empty'],
  },
  created: {
    names: ['Create Date', 'Created Date', 'createdate', 'Created Time', 'createdtime', 'Deal - Deal created', 'Deal - Deal created on', 'Created', 'Created At', 'Date Created', 'Engage Date', 'Open Date', 'Created On'],
    kinds: DATE,
  },
  closed: {
    names: ['Close Date', 'closedate', 'Closing Date', 'closingdate', 'Closed Date', 'Deal - Deal closed on', 'Deal - Won time', 'Closed', 'Closed At', 'Won Date', 'Date Closed', 'Actual Close Date'],
    kinds: DATE,
  },
  owner: {
    names: ['Deal owner', 'Opportunity Owner', 'Deal Owner', 'Owner', 'Owner Name', 'Owner ID', 'OwnerId', 'hubspot_owner_id', 'Deal - Owner', 'assigned_to', 'Assigned To', 'Sales Agent', 'Sales Rep', 'Rep', 'smownerid'],
    kinds: ['category', 'text', 'id', 'number', 'empty'],
  },
  lastActivity: {
    names: ['Last Activity Date', 'Last Activity', 'LastActivityDate', 'Last Activity Time', 'Deal - Last activity date', 'notes_last_updated', 'Deal - Update time', 'Last Stage Change', 'Deal - Last stage change', 'Last Modified Date'],
    kinds: DATE,
  },
};

export interface Candidate {
  readonly column: string;
  /** Why it is a candidate: the name it matched and its kind of values. */
  readonly why: string;
}

export interface Recognized {
  readonly column: string | undefined;
  readonly why: string;
  readonly runnersUp: readonly Candidate[];
}

function matches(name: string, header: string): boolean {
  const key = headerKey(header);
  if (name.startsWith('*')) return key.endsWith(headerKey(name.slice(1)));
  return name.endsWith('*') ? key.startsWith(headerKey(name.slice(0, -1))) : key === headerKey(name);
}

/** The part after a prefix: `custom.Lead Source` → `Lead Source` (Close, Zoho lookups); undefined when short. */
function tailOf(header: string): string | undefined {
  const i = header.lastIndexOf('.');
  const tail = i < 0 ? '' : header.slice(i + 1).trim();
  return tail.length >= 4 ? tail : undefined;
}

/**
 * The column for each field of one file. Columns already taken by a field earlier in `fields`
 * are not offered again (a Salesforce `Id` is the lead id, not also its owner). `prefer` are
 * names to try before the rule's own (a preset's, or a rubric's).
 */
export function recognize<F extends string>(
  rules: Record<F, FieldRule>,
  profiles: readonly ColumnProfile[],
  prefer: Partial<Record<F, readonly string[]>> = {},
): Record<F, Recognized> {
  const taken = new Set<string>();
  const out = {} as Record<F, Recognized>;
  for (const field of Object.keys(rules) as F[]) {
    const rule = rules[field];
    const names = [...(prefer[field] ?? []), ...rule.names];
    const found: { profile: ColumnProfile; rank: number; name: string; fits: boolean }[] = [];
    for (const profile of profiles) {
      let rank = names.findIndex((n) => matches(n, profile.name));
      // A prefixed header names the field after every plain one does.
      const tail = rank < 0 ? tailOf(profile.name) : undefined;
      if (tail !== undefined) rank = names.findIndex((n) => matches(n, tail));
      if (rank < 0) continue;
      found.push({ profile, rank: tail === undefined ? rank : names.length + rank, name: names[rank]!, fits: rule.kinds.includes(profile.kind) });
    }
    // An email field takes the first column of emails when no header names it.
    if (rule.byValue !== undefined && !found.some((f) => f.fits)) {
      const byValue = profiles.find((p) => p.kind === rule.byValue && !taken.has(p.name));
      if (byValue) found.push({ profile: byValue, rank: Infinity, name: `${rule.byValue} values`, fits: true });
    }
    found.sort((a, b) => Number(b.fits) - Number(a.fits) || a.rank - b.rank || a.profile.index - b.profile.index);
    const best = found.find((f) => f.fits && !taken.has(f.profile.name));
    const describe = (f: (typeof found)[number]) =>
      `${f.rank === Infinity ? 'no header names it; found by its values' : f.profile.name === f.name ? 'header' : `header matches ${JSON.stringify(f.name)}`}; ${f.profile.kind} values${f.fits ? '' : ` (not a ${field} column)`}${taken.has(f.profile.name) ? '; already used' : ''}`;
    const why = best ? describe(best) : undefined;
    if (best) taken.add(best.profile.name);
    out[field] = {
      column: best?.profile.name,
      why: why !== undefined ? why : found.length > 0 ? `no column fits: ${found.map((f) => `${JSON.stringify(f.profile.name)} holds ${f.profile.kind} values`).join(', ')}` : 'no header names it',
      runnersUp: found.filter((f) => f !== best).map((f) => ({ column: f.profile.name, why: describe(f) })),
    };
  }
  return out;
}

/**
 * Headers only one CRM's exports carry. A preset is detected from these, not from common names
 * (`Lead Source`, `Stage`, `Amount` are in every CRM, and snake_case CRMs have them too).
 */
const SIGNATURES: Record<Exclude<PresetName, 'generic'>, readonly string[]> = {
  hubspot: [
    'Lifecycle Stage', 'Original Source', 'Original Source Drill-Down 1', 'Contact owner', 'Associated Contact IDs', 'Deal Stage', 'Deal owner',
    'hs_object_id', 'lifecyclestage', 'hs_analytics_source', 'hs_lead_status', 'hubspot_owner_id', 'dealstage', 'hs_is_closed_won', 'Became a Marketing Qualified Lead Date', 'Became a Lead Date',
    'hs_lifecyclestage_lead_date', 'hs_lifecyclestage_customer_date', 'Amount in company currency', 'Associated Deal IDs', 'Marketing contact status', 'Primary Associated Company ID',
  ],
  salesforce: [
    'Lead ID', 'Opportunity ID', 'Lead Owner', 'Opportunity Owner', 'Converted Opportunity ID', 'Probability (%)', 'Fiscal Period', 'Forecast Category', 'Converted Date',
    'LeadSource', 'StageName', 'IsWon', 'IsClosed', 'IsConverted', 'ConvertedAccountId', 'ConvertedOpportunityId', 'ConvertedContactId', 'ConvertedDate', 'OwnerId', 'ForecastCategory', 'CreatedDate', 'CloseDate', 'AccountId',
  ],
  pipedrive: ['Deal - ID', 'Deal - Title', 'Deal - Stage', 'Deal - Status', 'Deal - Value', 'Deal - Owner', 'Person - Email', 'Person - Name', 'Person - ID', 'Deal - Won time', 'Deal - Lost reason'],
  zoho: ['Lead Conversion Time', 'Converted Deal', 'Closing Date', 'Account Name.id', 'Created Time', 'Last Activity Time', 'Deal Owner', 'Modified Time'],
  'fivetran-hubspot': ['property_createdate', 'property_lifecyclestage', 'property_hs_analytics_source', 'property_dealstage', 'property_hubspot_owner_id', 'deal_pipeline_stage_id', 'property_hs_lifecyclestage_customer_date', '_fivetran_synced'],
};

/**
 * A signature with spaces matches a header with separators where it has them, in any case
 * (`Deal Stage`, `DEAL_STAGE`), not one run-together word (`dealstage` is HubSpot's internal
 * name, `createdtime` vtiger's, not Zoho's `Created Time`). A bare word matches as written or
 * upper-cased (Snowflake stores names upper-case): `LeadSource`, not `leadsource`.
 */
function signatureMatches(signature: string, header: string): boolean {
  const h = header.trim().replace(/[\u2013\u2014]/g, '-');
  if (/[\s_-]/.test(signature)) return /[\s_-]/.test(h) && headerKey(h) === headerKey(signature);
  return h === signature || h === signature.toUpperCase();
}

export interface Detection {
  readonly preset: PresetName;
  /** The headers that gave it away (empty for generic). */
  readonly evidence: readonly string[];
}

/**
 * The CRM whose own headers appear most, two at least; else generic. Common names (`Email`,
 * `Stage`, `Amount`) are no evidence: every CRM and every homegrown export has them.
 */
export function detectPreset(...headers: (readonly string[] | undefined)[]): Detection {
  const all = headers.flatMap((h) => h ?? []);
  let best: Detection = { preset: 'generic', evidence: [] };
  for (const [preset, names] of Object.entries(SIGNATURES) as [PresetName, readonly string[]][]) {
    const evidence = all.filter((header) => names.some((n) => signatureMatches(n, header)));
    if (evidence.length >= 2 && evidence.length > best.evidence.length) best = { preset, evidence };
  }
  return best;
}
