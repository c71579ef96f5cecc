import type { RubricInput } from '../schema.js';

/**
 * Pipedrive exports: persons as leads, deals joined to them by the person's email (the deals
 * export carries `Person - Email` when person fields are included). Person column names beyond
 * name and email are Pipedrive's usual ones but unconfirmed (CRM-EXPORTS.md lists only those).
 */
export const pipedrive: RubricInput = {
  version: 1,
  dateOrder: 'ymd',
  leads: {
    columns: {
      id: 'Person - ID',
      email: 'Person - Email',
      name: 'Person - Name',
      firstName: 'Person - First name',
      lastName: 'Person - Last name',
      company: 'Person - Organization',
      source: ['Person - Source channel', 'Person - Source origin', 'Person - Label'],
      created: ['Person - Person created', 'Person - Add time'],
      owner: 'Person - Owner',
      lastActivity: 'Person - Last activity date',
    },
  },
  deals: {
    columns: {
      id: 'Deal - ID',
      leadEmail: 'Person - Email',
      stage: 'Deal - Stage',
      status: 'Deal - Status',
      amount: ['Deal - Value', 'Deal - Deal value'],
      currency: ['Deal - Currency', 'Deal - Currency of value'],
      created: ['Deal - Deal created', 'Deal - Deal created on'],
      closed: ['Deal - Deal closed on', 'Deal - Won time'],
      owner: 'Deal - Owner',
      lastActivity: ['Deal - Last activity date', 'Deal - Update time'],
    },
    // Status is sometimes absent from the export; then a lost reason means lost.
    won: { status: { eq: 'Won' } },
    lost: { any: [{ status: { eq: 'Lost' } }, { status: { empty: true }, 'Deal - Lost reason': { present: true } }] },
    stages: [
      { value: 'Qualified', stallAfterDays: 14 },
      { value: 'Contact Made', stallAfterDays: 14 },
      { value: 'Demo Scheduled', stallAfterDays: 14 },
      { value: 'Proposal Made', stallAfterDays: 14 },
      { value: 'Negotiations Started', stallAfterDays: 10 },
    ],
  },
  join: { lead: 'email', deal: 'leadEmail' },
  stages: [
    { key: 'lead', label: 'Person', side: 'marketing', stallAfterDays: 30 },
    { key: 'opportunity', label: 'Deal', side: 'sales', stallAfterDays: 30, reachedWhen: { deal: 'any' } },
    { key: 'won', label: 'Won', side: 'sales', reachedWhen: { deal: 'won' } },
  ],
  score: {
    signals: [{ name: 'Free email', points: -15, when: { email: { matches: '@(gmail|yahoo|hotmail|outlook|aol|icloud)\\.' } } }],
    grades: { A: 0 },
    qualifiedGrade: 'A',
  },
};
