import type { RubricInput } from '../schema.js';
import { hubspot } from './hubspot.js';

/**
 * HubSpot as Fivetran lays it out in a warehouse (tables `contact`, `deal`, `deal_contact`,
 * `deal_stage`; docs/engines.md, "Warehouse layouts"): HubSpot's internal property names behind a
 * `property_` prefix. A deal's contacts come from the `deal_contact` bridge and the date it entered
 * each pipeline stage from the `deal_stage` history, as the columns `contact_ids` and
 * `entered_<stage>` that the layout (src/engine/sql/layouts.ts) adds to the deal table. Stages,
 * channels and grades are HubSpot's own.
 */
export const fivetranHubspot: RubricInput = {
  ...hubspot,
  leads: {
    columns: {
      id: 'id',
      email: 'property_email',
      firstName: 'property_firstname',
      lastName: 'property_lastname',
      company: 'property_company',
      source: 'property_hs_analytics_source',
      sourceDetail: 'property_hs_analytics_source_data_1',
      created: 'property_createdate',
      status: 'property_lifecyclestage',
      owner: 'property_hubspot_owner_id',
      lastActivity: 'property_notes_last_updated',
    },
  },
  deals: {
    ...hubspot.deals,
    columns: {
      id: 'deal_id',
      lead: 'contact_ids',
      stage: 'property_dealstage',
      amount: ['property_amount_in_home_currency', 'property_amount'],
      currency: 'property_deal_currency_code',
      created: 'property_createdate',
      closed: 'property_closedate',
      owner: ['owner_id', 'property_hubspot_owner_id'],
      lastActivity: 'property_notes_last_updated',
    },
    stages: hubspot.deals!.stages!.map((stage) => {
      const first = Array.isArray(stage.value) ? stage.value[0]! : stage.value;
      return { ...stage, enteredDate: `entered_${first}` };
    }),
  },
  join: { lead: 'id', deal: 'lead' },
  stages: hubspot.stages!.map((stage) => {
    const date = stage.reachedWhen?.date;
    if (date === undefined) return stage;
    // The internal property of each lifecycle date (hs_lifecyclestage_…_date), prefixed.
    const internal = (Array.isArray(date) ? date : [date]).find((d): d is string => typeof d === 'string' && d.startsWith('hs_'))!;
    return { ...stage, reachedWhen: { ...stage.reachedWhen, date: `property_${internal}` } };
  }),
  disqualified: { property_hs_lead_status: { in: ['UNQUALIFIED', 'BAD_TIMING'] } },
  score: {
    ...hubspot.score,
    signals: [
      { name: 'Decision maker', points: 20, when: { property_jobtitle: { matches: '\\b(vp|vice president|director|head|chief|founder|owner|ceo|cto|cmo|coo|cfo)\\b' } } },
      { name: 'Company 50+', points: 15, when: { property_numemployees: { gte: 50 } } },
      { name: 'Repeat visitor', points: 10, when: { property_num_conversion_events: { gte: 2 } } },
      { name: 'Free email', points: -15, when: { email: { matches: '@(gmail|yahoo|hotmail|outlook|aol|icloud)\\.' } } },
    ],
  },
};
