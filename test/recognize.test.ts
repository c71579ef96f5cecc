import { describe, expect, it } from 'vitest';
import { profileRows } from '../src/data/profile.js';
import { DEAL_RULES, LEAD_RULES, detectPreset, recognize } from '../src/rubric/recognize.js';

function table(header: string[], rows: string[][]) {
  return profileRows(header, rows);
}

describe('recognize', () => {
  it('maps a Salesforce report export by its labels, and never a TRUE/FALSE column to a date', () => {
    const header = ['Opportunity ID', 'Stage', 'Amount', 'Probability (%)', 'Close Date', 'Closed', 'Won', 'Opportunity Owner'];
    const rows = Array.from({ length: 40 }, (_, i) => [`0065e0000${String(i).padStart(6, '0')}`, i % 2 ? 'Closed Won' : 'Prospecting', `${i * 100}.50`, '10', `0${(i % 9) + 1}/15/2024`, i % 2 ? 'TRUE' : 'FALSE', i % 2 ? 'TRUE' : 'FALSE', ['Ana', 'Ben'][i % 2]!]);
    const r = recognize(DEAL_RULES, table(header, rows), { closed: ['closed', 'Close Date'] });
    expect(r.id.column).toBe('Opportunity ID');
    expect(r.stage.column).toBe('Stage');
    expect(r.amount.column).toBe('Amount');
    expect(r.closed.column).toBe('Close Date');
    expect(r.closed.runnersUp.map((c) => c.column)).toContain('Closed');
    expect(r.closed.runnersUp.find((c) => c.column === 'Closed')!.why).toMatch(/boolean values \(not a closed column\)/);
    expect(r.owner.column).toBe('Opportunity Owner');
  });

  it('maps Salesforce API names and snake_case names', () => {
    const api = ['Id', 'LeadSource', 'Status', 'OwnerId', 'IsConverted', 'ConvertedAccountId', 'CreatedDate'];
    const rows = Array.from({ length: 30 }, (_, i) => [`00Q5e0000${String(i).padStart(6, '0')}`, 'Web', 'Open', '0055e000001ABC', i % 2 ? 'true' : 'false', '', '2022-10-15T10:29:00.000+0000']);
    const r = recognize(LEAD_RULES, table(api, rows));
    expect([r.id.column, r.source.column, r.status.column, r.owner.column, r.created.column]).toEqual(['Id', 'LeadSource', 'Status', 'OwnerId', 'CreatedDate']);
    const snake = ['leadid', 'leadsource', 'leadstatus', 'assigned_to', 'createdtime'];
    const rows2 = Array.from({ length: 30 }, (_, i) => [String(1000 + i), 'Cold Call', 'Contacted', 'admin', '2023-01-02 10:00:00']);
    const s = recognize(LEAD_RULES, table(snake, rows2));
    expect([s.id.column, s.source.column, s.status.column, s.owner.column, s.created.column]).toEqual(['leadid', 'leadsource', 'leadstatus', 'assigned_to', 'createdtime']);
  });

  it('reads a prefixed header by its last part, and finds emails by their values', () => {
    const header = ['id', 'display_name', 'primary_contact_primary_email', 'custom.Lead Source'];
    const rows = Array.from({ length: 20 }, (_, i) => [`lead_${i}a7`, `Acme ${i}`, `p${i}@acme.com`, ['Web', 'Event'][i % 2]!]);
    const r = recognize(LEAD_RULES, table(header, rows));
    expect(r.source.column).toBe('custom.Lead Source');
    expect(r.email.column).toBe('primary_contact_primary_email');
    expect(r.email.why).toMatch(/found by its values/);
  });

  it('takes a header ending in Amount as the amount when none is named plainly', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [`${i}`, 'Closed Won', `${1000 + i}`, 'USD']);
    const r = recognize(DEAL_RULES, table(['Close Date', 'Stage', 'Closed Won Bookings Amount', 'Amount Currency'], rows));
    expect(r.amount.column).toBe('Closed Won Bookings Amount');
    expect(r.currency.column).toBe('Amount Currency');
  });

  it('gives a column to one field only', () => {
    const r = recognize(DEAL_RULES, table(['Status', 'Amount'], [['Won', '5'], ['Open', '6']]));
    expect(r.stage.column).toBeUndefined();
    expect(r.status.column).toBe('Status');
  });
});

describe('detectPreset', () => {
  it('tells a Salesforce report export by its labels', () => {
    expect(detectPreset(['Lead ID', 'Lead Source', 'Status', 'Owner ID', 'Created Date'], ['Opportunity ID', 'Close Date', 'Stage', 'Won', 'Probability (%)']).preset).toBe('salesforce');
  });
  it('tells Salesforce API names and HubSpot internal names', () => {
    expect(detectPreset(['Id', 'LeadSource', 'Status', 'OwnerId', 'IsConverted', 'ConvertedAccountId', 'CreatedDate'], ['StageName', 'IsWon', 'IsClosed', 'CloseDate', 'AccountId']).preset).toBe('salesforce');
    expect(detectPreset(['hs_object_id', 'email', 'lifecyclestage', 'hs_analytics_source', 'createdate', 'hubspot_owner_id']).preset).toBe('hubspot');
    expect(detectPreset(['HS_OBJECT_ID', 'LIFECYCLESTAGE', 'HS_ANALYTICS_SOURCE']).preset).toBe('hubspot');
  });
  it('leaves a snake_case CRM generic, not Zoho', () => {
    const d = detectPreset(['leadid', 'leadsource', 'leadstatus', 'assigned_to', 'createdtime', 'modifiedtime'], ['potentialid', 'sales_stage', 'closingdate', 'amount', 'createdtime']);
    expect(d).toEqual({ preset: 'generic', evidence: [] });
  });
  it('names the headers that gave a CRM away', () => {
    expect(detectPreset(['Lead ID', 'Lead Owner', 'Email']).evidence).toEqual(['Lead ID', 'Lead Owner']);
  });
});
