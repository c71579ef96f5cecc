import { describe, expect, it } from 'vitest';
import { CLOSED_FLAG, DISQUALIFIED, LOST_VALUE, NEW, STATUS_STAGES, WON_FLAG, WON_VALUE } from '../src/rubric/vocabulary.js';

describe('won and lost words', () => {
  it('knows the closed stages of real pipelines, in several languages', () => {
    for (const v of ['Closed Won', 'closedwon', 'Won', 'Closed Won - Renewal', 'Renewed', 'Gewonnen', 'Ganho', 'Ganado', 'Gagné', 'Vinto', 'Signed']) expect([v, WON_VALUE.test(v)]).toEqual([v, true]);
    for (const v of ['Closed Lost', 'closedlost', 'Lost', 'Closed-Lost to Competition', 'Churned', 'Verloren', 'Perdido', 'Perdu', 'Perso', 'Dead', 'Cancelled']) expect([v, LOST_VALUE.test(v)]).toEqual([v, true]);
  });

  it('leaves open stages, negations and look-alikes alone', () => {
    const open = ['Prospecting', 'Qualification', 'Negotiation/Review', 'Appointment Scheduled', 'contractsent', 'Renewal Due', 'Winning Strategy', 'Personal Demo', 'Persona Identified', 'Vintage Review', 'Not Won', 'Not Lost', 'No Loss Yet'];
    for (const v of open) expect([v, WON_VALUE.test(v) || LOST_VALUE.test(v)]).toEqual([v, false]);
  });

  it('reads won and closed flags by their names', () => {
    for (const n of ['IsWon', 'Won', 'Is Closed Won', 'hs_is_closed_won']) expect([n, WON_FLAG.test(n)]).toEqual([n, true]);
    for (const n of ['IsClosed', 'Closed', 'Is Deal Closed?', 'hs_is_closed']) expect([n, CLOSED_FLAG.test(n)]).toEqual([n, true]);
    expect(WON_FLAG.test('Won time')).toBe(false);
  });
});

describe('status values', () => {
  const stageOf = (v: string) => (DISQUALIFIED.test(v) ? 'disqualified' : NEW.test(v) ? 'new' : STATUS_STAGES.find((s) => s.pattern.test(v))?.key);
  it('puts Salesforce, HubSpot, Zoho and Close statuses where a RevOps analyst would', () => {
    expect(
      ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted', 'marketingqualifiedlead', 'salesqualifiedlead', 'customer', 'UNQUALIFIED', 'BAD_TIMING', 'Junk Lead', 'Bad Fit', 'OPEN_DEAL', 'Pre-Qualified'].map(stageOf),
    ).toEqual(['new', 'sql', 'opportunity', 'disqualified', 'mql', 'sql', 'won', 'disqualified', 'disqualified', 'disqualified', 'disqualified', 'opportunity', 'mql']);
  });
});
