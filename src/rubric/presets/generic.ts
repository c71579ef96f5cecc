import type { RubricInput } from '../schema.js';

/** Common lower-case names, for exports from anything else. */
export const generic: RubricInput = {
  version: 1,
  leads: {
    columns: {
      id: ['id', 'lead_id', 'contact_id', 'record_id', 'prospect_id'],
      email: ['email', 'email_address', 'e-mail'],
      name: ['name', 'full_name', 'lead_name', 'contact_name'],
      firstName: ['first_name', 'firstname'],
      lastName: ['last_name', 'lastname'],
      company: ['company', 'company_name', 'account', 'organization'],
      source: ['source', 'lead_source', 'channel', 'utm_source', 'utm_medium', 'origin'],
      sourceDetail: ['source_detail', 'campaign', 'utm_campaign'],
      created: ['created', 'created_at', 'create_date', 'created_date', 'date_created', 'signup_date'],
      status: ['status', 'lead_status', 'lifecycle_stage'],
      owner: ['owner', 'lead_owner', 'sales_rep', 'rep', 'assigned_to'],
      lastActivity: ['last_activity', 'last_activity_date', 'last_contacted', 'updated_at'],
      firstTouch: ['first_touch', 'first_contacted', 'first_contact_date', 'first_response'],
    },
  },
  deals: {
    columns: {
      id: ['id', 'deal_id', 'opportunity_id', 'opportunity'],
      lead: ['lead_id', 'contact_id', 'lead', 'contact'],
      leadEmail: ['email', 'lead_email', 'contact_email'],
      stage: ['stage', 'deal_stage', 'pipeline_stage', 'status'],
      amount: ['amount', 'value', 'deal_value', 'close_value', 'revenue'],
      currency: ['currency'],
      created: ['created', 'created_at', 'create_date', 'created_date', 'engage_date', 'open_date'],
      // A date column first: `closed` is often a TRUE/FALSE flag beside `close_date`.
      closed: ['close_date', 'closed_date', 'closed_at', 'closing_date', 'won_date', 'closed'],
      owner: ['owner', 'deal_owner', 'sales_agent', 'sales_rep', 'rep'],
      lastActivity: ['last_activity', 'last_activity_date', 'updated_at'],
    },
    won: ['won', 'closed won', 'closedwon', 'closed_won', 'win'],
    lost: ['lost', 'closed lost', 'closedlost', 'closed_lost', 'loss'],
  },
  join: { lead: 'id', deal: 'lead' },
  stages: [
    { key: 'lead', label: 'Lead', side: 'marketing', stallAfterDays: 30 },
    { key: 'opportunity', label: 'Opportunity', side: 'sales', stallAfterDays: 30, reachedWhen: { deal: 'any' } },
    { key: 'won', label: 'Won', side: 'sales', reachedWhen: { deal: 'won' } },
  ],
  score: { signals: [], grades: { A: 0 }, qualifiedGrade: 'A' },
};
