import type { RubricInput } from '../schema.js';

/**
 * HubSpot "all properties" exports of contacts and deals, by display names or by the internal
 * property names of API and warehouse exports (`hs_object_id`, `lifecyclestage`, `dealstage`).
 */
export const hubspot: RubricInput = {
  version: 1,
  dateOrder: 'mdy',
  leads: {
    columns: {
      id: ['Record ID', 'Contact ID', 'hs_object_id', 'vid'],
      email: 'Email',
      firstName: 'First Name',
      lastName: 'Last Name',
      company: ['Company Name', 'Associated Company', 'company'],
      source: ['Original Source', 'hs_analytics_source'],
      sourceDetail: ['Original Source Drill-Down 1', 'hs_analytics_source_data_1'],
      created: 'Create Date',
      status: 'Lifecycle Stage',
      owner: ['Contact owner', 'hubspot_owner_id'],
      lastActivity: ['Last Activity Date', 'notes_last_updated'],
    },
  },
  deals: {
    columns: {
      id: ['Record ID', 'Deal ID', 'hs_object_id'],
      lead: ['Associated Contact IDs', 'associated_contact_ids', 'associatedcontactids'],
      stage: 'Deal Stage',
      amount: ['Amount in company currency', 'Amount'],
      currency: 'Currency',
      created: 'Create Date',
      closed: 'Close Date',
      owner: ['Deal owner', 'hubspot_owner_id'],
      lastActivity: 'Last Activity Date',
    },
    won: ['closedwon', 'Closed Won'],
    lost: ['closedlost', 'Closed Lost'],
    stages: [
      { value: ['appointmentscheduled', 'Appointment Scheduled'], label: 'Appointment Scheduled', stallAfterDays: 14, enteredDate: 'Date entered "Appointment Scheduled (Sales Pipeline)"' },
      { value: ['qualifiedtobuy', 'Qualified To Buy'], label: 'Qualified To Buy', stallAfterDays: 14, enteredDate: 'Date entered "Qualified To Buy (Sales Pipeline)"' },
      { value: ['presentationscheduled', 'Presentation Scheduled'], label: 'Presentation Scheduled', stallAfterDays: 14, enteredDate: 'Date entered "Presentation Scheduled (Sales Pipeline)"' },
      { value: ['decisionmakerboughtin', 'Decision Maker Bought-In'], label: 'Decision Maker Bought-In', stallAfterDays: 14, enteredDate: 'Date entered "Decision Maker Bought-In (Sales Pipeline)"' },
      { value: ['contractsent', 'Contract Sent'], label: 'Contract Sent', stallAfterDays: 10, enteredDate: 'Date entered "Contract Sent (Sales Pipeline)"' },
    ],
  },
  join: { lead: 'id', deal: 'lead' },
  channels: [
    { name: 'Organic Search', when: { source: { in: ['ORGANIC_SEARCH', 'Organic Search'] } } },
    { name: 'Paid Search', when: { source: { in: ['PAID_SEARCH', 'Paid Search'] } } },
    { name: 'Email Marketing', when: { source: { in: ['EMAIL_MARKETING', 'Email Marketing'] } } },
    { name: 'Social Media', when: { source: { in: ['SOCIAL_MEDIA', 'Social Media'] } } },
    { name: 'Paid Social', when: { source: { in: ['PAID_SOCIAL', 'Paid Social'] } } },
    { name: 'Referrals', when: { source: { in: ['REFERRALS', 'Referrals'] } } },
    { name: 'AI Referrals', when: { source: { in: ['AI_REFERRALS', 'AI Referrals'] } } },
    { name: 'Other Campaigns', when: { source: { in: ['OTHER_CAMPAIGNS', 'Other Campaigns'] } } },
    { name: 'Direct Traffic', when: { source: { in: ['DIRECT_TRAFFIC', 'Direct Traffic'] } } },
    { name: 'Offline Sources', when: { source: { in: ['OFFLINE', 'Offline Sources'] } } },
  ],
  stages: [
    { key: 'lead', label: 'Lead', side: 'marketing', stallAfterDays: 30 },
    {
      key: 'mql',
      label: 'MQL',
      side: 'marketing',
      stallAfterDays: 14,
      reachedWhen: { date: ['Became a Marketing Qualified Lead Date', 'hs_lifecyclestage_marketingqualifiedlead_date'], status: ['marketingqualifiedlead', 'Marketing Qualified Lead'] },
    },
    {
      key: 'sql',
      label: 'SQL',
      side: 'sales',
      stallAfterDays: 7,
      reachedWhen: { date: ['Became a Sales Qualified Lead Date', 'hs_lifecyclestage_salesqualifiedlead_date'], status: ['salesqualifiedlead', 'Sales Qualified Lead'] },
    },
    {
      key: 'opportunity',
      label: 'Opportunity',
      side: 'sales',
      stallAfterDays: 30,
      reachedWhen: { date: ['Became an Opportunity Date', 'hs_lifecyclestage_opportunity_date'], status: ['opportunity', 'Opportunity'], deal: 'any' },
    },
    {
      key: 'won',
      label: 'Customer',
      side: 'sales',
      reachedWhen: { date: ['Became a Customer Date', 'hs_lifecyclestage_customer_date'], status: ['customer', 'Customer', 'evangelist', 'Evangelist'], deal: 'won' },
    },
  ],
  disqualified: {
    any: [{ 'Lead Status': { in: ['UNQUALIFIED', 'Unqualified', 'BAD_TIMING', 'Bad Timing'] } }, { hs_lead_status: { in: ['UNQUALIFIED', 'BAD_TIMING'] } }],
  },
  score: {
    signals: [
      { name: 'Decision maker', points: 20, when: { 'Job Title': { matches: '\\b(vp|vice president|director|head|chief|founder|owner|ceo|cto|cmo|coo|cfo)\\b' } } },
      { name: 'Company 50+', points: 15, when: { 'Number of Employees': { gte: 50 } } },
      { name: 'Repeat visitor', points: 10, when: { 'Number of Form Submissions': { gte: 2 } } },
      { name: 'Free email', points: -15, when: { email: { matches: '@(gmail|yahoo|hotmail|outlook|aol|icloud)\\.' } } },
    ],
    grades: { A: 40, B: 20, C: 5 },
    qualifiedGrade: 'B',
  },
};
