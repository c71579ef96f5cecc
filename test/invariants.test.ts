/**
 * Invariants that must hold on any input (docs/json.md#inputsleads-inputsdeals,
 * docs/reports.md#funnel), checked on random exports: every row is used, rejected or skipped;
 * every deal is attributed or not; and for every stage but the last,
 * reached = advanced + lost + stalled + open.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { load } from '../src/load.js';
import { buildReports } from '../src/reports/index.js';
import { dayNumber } from '../src/data/normalize.js';

const AS_OF = dayNumber(2025, 6, 30);

const date = fc.oneof(
  fc.constant(''),
  fc.date({ min: new Date('2024-01-01'), max: new Date('2025-06-29'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constant('not a date'),
);

const lead = fc.record({
  id: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 60 }).map((n) => `L${n}`) }, { weight: 1, arbitrary: fc.constant('') }),
  email: fc.constantFrom('a@x.com', 'b@gmail.com', '', 'C@Y.org'),
  source: fc.constantFrom('web', 'partner', 'ads', '', '=cmd()'),
  created: date,
  status: fc.constantFrom('new', 'mql', 'sql', 'customer', 'unqualified', ''),
  mql_date: date,
  last_activity: date,
  employees: fc.constantFrom('', '5', '120', '1,200', 'many'),
});

const deal = fc.record({
  id: fc.integer({ min: 1, max: 80 }).map((n) => `D${n}`),
  lead_id: fc.oneof(fc.integer({ min: 1, max: 70 }).map((n) => `L${n}`), fc.constant('L1;L2'), fc.constant('')),
  stage: fc.constantFrom('discovery', 'proposal', 'won', 'lost', 'weird'),
  amount: fc.constantFrom('', '100', '$2,500.00', '1.234,56', 'n/a'),
  created: date,
  closed: date,
});

/** Rows as CSV lines, with some ragged lines, blank lines and footers mixed in. */
function csvWithNoise(header: string[], rows: Record<string, string>[], noise: number[]): string {
  const lines = stringify([header, ...rows.map((r) => header.map((h) => r[h] ?? ''))]).trimEnd().split('\n');
  for (const n of noise) {
    const at = 1 + (n % lines.length);
    const kind = n % 3;
    lines.splice(at, 0, kind === 0 ? 'only,two' : kind === 1 ? '' : 'a,b,c,d,e,f,g,h,i,j,k,l');
  }
  return `${lines.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'leadaudit-invariants-'));
const rubric = join(dir, 'rubric.yml');
writeFileSync(
  rubric,
  `version: 1
preset: generic
leads:
  columns: { lastActivity: last_activity }
deals:
  stages:
    - { value: discovery, stallAfterDays: 20 }
    - { value: proposal, stallAfterDays: 10 }
stages:
  - { key: lead, side: marketing, stallAfterDays: 30 }
  - { key: mql, side: marketing, stallAfterDays: 14, reachedWhen: { date: mql_date, status: [mql] } }
  - { key: sql, side: sales, stallAfterDays: 7, reachedWhen: { status: [sql] } }
  - { key: opportunity, side: sales, stallAfterDays: 30, reachedWhen: { deal: any } }
  - { key: won, side: sales, reachedWhen: { deal: won, status: [customer] } }
disqualified: { status: { eq: unqualified } }
score:
  signals: [{ name: Big, points: 10, when: { employees: { gte: 100 } } }]
  grades: { A: 10 }
`,
);

describe('invariants on random exports', () => {
  it('row accounting and the funnel invariant hold', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(lead, { minLength: 1, maxLength: 40 }),
        fc.array(deal, { maxLength: 30 }),
        fc.array(fc.nat(1000), { maxLength: 4 }),
        fc.array(fc.nat(1000), { maxLength: 4 }),
        async (leads, deals, leadNoise, dealNoise) => {
          const leadText = csvWithNoise(['id', 'email', 'source', 'created', 'status', 'mql_date', 'last_activity', 'employees'], leads, leadNoise);
          const dealText = csvWithNoise(['id', 'lead_id', 'stage', 'amount', 'created', 'closed'], deals, dealNoise);
          const leadsFile = join(dir, 'leads.csv');
          const dealsFile = join(dir, 'deals.csv');
          writeFileSync(leadsFile, leadText);
          writeFileSync(dealsFile, dealText);
          let loaded;
          try {
            loaded = await load({ leads: leadsFile, deals: dealsFile, rubric, asOf: AS_OF, minN: 5, strict: false, keepRejects: true, cwd: dir });
          } catch (error) {
            // Only "no usable rows" may stop a run on this input.
            expect(String(error)).toMatch(/no usable rows/);
            return;
          }
          const { inputs } = loaded.data;
          for (const file of [inputs.leads!, inputs.deals!]) {
            expect(file.read).toBe(file.used + file.rejected + file.skipped);
            expect(Object.values(file.reasons).reduce((a, b) => a + b, 0)).toBe(file.rejected + file.skipped);
          }
          expect(inputs.deals!.used).toBe(inputs.deals!.attributed! + inputs.deals!.unattributed!);
          expect(loaded.rejects).toHaveLength(inputs.leads!.rejected + inputs.deals!.rejected);
          const [funnel] = buildReports(loaded.facts, ['funnel']);
          const rows = funnel!.rows;
          rows.slice(0, -1).forEach((row) => {
            expect(row.reached).toBe((row.advanced as number) + (row.lost as number) + (row.stalled as number) + (row.open as number));
          });
          expect(rows[0]!.reached).toBe(inputs.leads!.used);
          checked++;
        },
      ),
      { numRuns: 150 },
    );
    // The property must have been checked, not skipped by failed runs.
    expect(checked).toBeGreaterThan(100);
  });
});

