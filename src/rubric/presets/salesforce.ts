import type { RubricInput } from '../schema.js';

/**
 * Salesforce report exports ("Details Only" CSV) of leads and opportunities, by their labels or
 * their API names (`LeadSource`, `StageName`, `OwnerId`; header matching ignores case and spaces).
 * A standard lead report does not carry the opportunity a lead converted into; add the
 * "Converted Opportunity ID" column to the report so deals can be joined to leads.
 */
export const salesforce: RubricInput = {
  version: 1,
  dateOrder: 'mdy',
  leads: {
    columns: {
      id: ['Lead ID', 'Id'],
      email: 'Email',
      firstName: 'First Name',
      lastName: 'Last Name',
      company: 'Company',
      source: 'Lead Source',
      created: 'Created Date',
      status: ['Lead Status', 'Status'],
      owner: ['Lead Owner', 'Owner', 'Owner Name', 'OwnerId'],
      lastActivity: ['Last Activity', 'Last Activity Date'],
    },
  },
  deals: {
    columns: {
      id: ['Opportunity ID', 'Id'],
      stage: ['Stage', 'StageName'],
      // A multi-currency org's converted columns are in the corporate currency: they add up.
      amount: ['Total Amount (converted)', 'Amount (converted)', 'Total Amount', 'Amount'],
      currency: ['Total Amount (converted) Currency', 'Amount (converted) Currency', 'Total Amount Currency', 'Opportunity Currency', 'Amount Currency'],
      created: 'Created Date',
      closed: 'Close Date',
      owner: ['Opportunity Owner', 'Owner', 'Owner Name', 'OwnerId'],
      lastActivity: ['Last Activity', 'Last Activity Date'],
    },
    won: ['Closed Won'],
    lost: ['Closed Lost'],
    stages: [
      { value: 'Prospecting', stallAfterDays: 14 },
      { value: 'Qualification', stallAfterDays: 14 },
      { value: 'Needs Analysis', stallAfterDays: 14 },
      { value: 'Value Proposition', stallAfterDays: 14 },
      { value: 'Id. Decision Makers', stallAfterDays: 14 },
      { value: 'Perception Analysis', stallAfterDays: 14 },
      { value: 'Proposal/Price Quote', stallAfterDays: 14 },
      { value: 'Negotiation/Review', stallAfterDays: 10 },
    ],
  },
  join: { lead: 'Converted Opportunity ID', deal: 'id' },
  stages: [
    { key: 'lead', label: 'Lead', side: 'marketing', stallAfterDays: 30 },
    { key: 'mql', label: 'MQL', side: 'marketing', stallAfterDays: 14, reachedWhen: { status: ['Marketing Qualified', 'MQL'] } },
    { key: 'sql', label: 'SQL', side: 'sales', stallAfterDays: 7, reachedWhen: { status: ['Working - Contacted', 'Sales Qualified', 'SQL'] } },
    {
      key: 'opportunity',
      label: 'Opportunity',
      side: 'sales',
      stallAfterDays: 30,
      reachedWhen: { date: 'Converted Date', deal: 'any', when: { any: [{ Converted: { eq: true } }, { IsConverted: { eq: true } }] } },
    },
    { key: 'won', label: 'Won', side: 'sales', reachedWhen: { deal: 'won' } },
  ],
  disqualified: { status: { in: ['Closed - Not Converted', 'Unqualified', 'Disqualified'] } },
  score: {
    signals: [
      { name: 'Decision maker', points: 20, when: { Title: { matches: '\\b(vp|vice president|director|head|chief|founder|owner|ceo|cto|cmo|coo|cfo)\\b' } } },
      { name: 'Company 50+', points: 15, when: { 'No. of Employees': { gte: 50 } } },
      { name: 'Hot rating', points: 10, when: { Rating: { eq: 'Hot' } } },
      { name: 'Free email', points: -15, when: { email: { matches: '@(gmail|yahoo|hotmail|outlook|aol|icloud)\\.' } } },
    ],
    grades: { A: 40, B: 20, C: 5 },
    qualifiedGrade: 'B',
  },
};
