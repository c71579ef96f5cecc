import type { RubricInput } from '../schema.js';

/**
 * Zoho CRM exports of leads and deals (CRM-EXPORTS.md). A converted lead's `Converted Deal`
 * lookup is exported as the deal's name, so deals join on `Deal Name`.
 */
export const zoho: RubricInput = {
  version: 1,
  dateOrder: 'mdy',
  leads: {
    columns: {
      id: 'Record Id',
      email: 'Email',
      firstName: 'First Name',
      lastName: 'Last Name',
      company: 'Company',
      source: 'Lead Source',
      created: 'Created Time',
      status: 'Lead Status',
      owner: 'Lead Owner',
      lastActivity: 'Last Activity Time',
    },
  },
  deals: {
    columns: {
      id: 'Record Id',
      stage: 'Stage',
      amount: 'Amount',
      created: 'Created Time',
      closed: 'Closing Date',
      owner: 'Deal Owner',
      lastActivity: 'Last Activity Time',
    },
    won: ['Closed Won'],
    lost: ['Closed Lost', 'Closed-Lost to Competition', 'Closed Lost to Competition'],
    stages: [
      { value: 'Qualification', stallAfterDays: 14 },
      { value: 'Needs Analysis', stallAfterDays: 14 },
      { value: 'Value Proposition', stallAfterDays: 14 },
      { value: 'Identify Decision Makers', stallAfterDays: 14 },
      { value: 'Proposal/Price Quote', stallAfterDays: 14 },
      { value: 'Negotiation/Review', stallAfterDays: 10 },
    ],
  },
  join: { lead: 'Converted Deal', deal: 'Deal Name' },
  stages: [
    { key: 'lead', label: 'Lead', side: 'marketing', stallAfterDays: 30 },
    { key: 'mql', label: 'Pre-Qualified', side: 'marketing', stallAfterDays: 14, reachedWhen: { status: ['Pre-Qualified', 'Contacted'] } },
    { key: 'opportunity', label: 'Converted', side: 'sales', stallAfterDays: 30, reachedWhen: { date: 'Lead Conversion Time', deal: 'any' } },
    { key: 'won', label: 'Won', side: 'sales', reachedWhen: { deal: 'won' } },
  ],
  disqualified: { status: { in: ['Junk Lead', 'Lost Lead', 'Not Qualified'] } },
  score: {
    signals: [
      { name: 'Company 50+', points: 15, when: { 'No. of Employees': { gte: 50 } } },
      { name: 'Hot rating', points: 10, when: { Rating: { in: ['Hot', 'Active'] } } },
      { name: 'Free email', points: -15, when: { email: { matches: '@(gmail|yahoo|hotmail|outlook|aol|icloud)\\.' } } },
    ],
    grades: { A: 25, B: 10, C: 0 },
    qualifiedGrade: 'B',
  },
};
