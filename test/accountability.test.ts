/**
 * The accountability reports (docs/reports.md: matrix to owners) on the smallest inputs: every
 * report renders in every format, rates carry their intervals, and verdicts say "not enough data"
 * instead of guessing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from '../src/load.js';
import { buildReports, REPORT_COMMANDS } from '../src/reports/index.js';
import { verdicts } from '../src/reports/verdicts.js';
import { explain } from '../src/reports/explain.js';
import { joined, renderers } from '../src/render/index.js';
import { dayNumber } from '../src/data/normalize.js';
import type { AuditResult } from '../src/model.js';

const dir = mkdtempSync(join(tmpdir(), 'leadaudit-tiny-'));
const leads = join(dir, 'leads.csv');
const deals = join(dir, 'deals.csv');
const rubric = join(dir, 'rubric.yml');
// Three leads, no wins, one channel of a single lead.
writeFileSync(leads, 'id,email,source,created,owner,title,sql_date\nL1,a@x.com,web,2025-01-05,Ana,VP Sales,2025-02-01\nL2,b@gmail.com,web,2025-02-05,Ben,Analyst,\nL3,c@y.org,partner,2025-03-05,,Director,\n');
writeFileSync(deals, 'id,lead_id,stage,amount,created,closed\nD1,L1,lost,500,2025-02-10,2025-03-01\n');
writeFileSync(
  rubric,
  `version: 1
preset: generic
stages:
  - { key: lead, side: marketing, stallAfterDays: 30 }
  - { key: sql, side: sales, stallAfterDays: 10, reachedWhen: { date: sql_date } }
  - { key: opportunity, side: sales, stallAfterDays: 30, reachedWhen: { deal: any } }
  - { key: won, side: sales, reachedWhen: { deal: won } }
score:
  signals:
    - { name: Decision maker, points: 20, when: { title: { matches: "vp|director" } } }
    - { name: Free email, points: -10, when: { email: { matches: "@gmail\\\\." } } }
  grades: { A: 20, B: 0 }
  qualifiedGrade: A
`,
);

async function tiny() {
  return load({ leads, deals, rubric, asOf: dayNumber(2025, 6, 30), minN: 30, strict: false, keepRejects: false, cwd: dir });
}

describe('tiny inputs: 3 leads, 0 wins, a channel of 1', () => {
  it('every report renders in every format', async () => {
    const loaded = await tiny();
    const reports = buildReports(loaded.facts, ['summary', ...REPORT_COMMANDS]);
    expect(reports.map((r) => r.name)).toEqual(['summary', 'funnel', 'sources', 'matrix', 'signals', 'stalls', 'cohorts', 'owners']);
    const result: AuditResult = { asOf: '2025-06-30', inputs: loaded.data.inputs, reports, verdict: verdicts(loaded.facts), alerts: [] };
    for (const [name, loadRenderer] of Object.entries(renderers)) {
      const out = joined((await loadRenderer())(result, { color: false, width: 80, wide: false, tool: { name: 'leadaudit', version: 'test' } }));
      expect(out.length, name).toBeGreaterThan(100);
      expect(out, name).not.toMatch(/NaN|undefined|Infinity/);
    }
  });

  it('rates carry their intervals, however small the group', async () => {
    const loaded = await tiny();
    const sources = buildReports(loaded.facts, ['sources'])[0]!;
    const partner = sources.rows.find((r) => r.channel === 'partner')!;
    expect(partner).toMatchObject({ leads: 1, won: 0, win_rate: 0, win_rate_low: 0, low_n: true, signif: '' });
    expect(partner.win_rate_high).toBeCloseTo(0.7935, 4); // Wilson 95% for 0 of 1
  });

  it('verdicts say "not enough data" rather than guess', async () => {
    const loaded = await tiny();
    const lines = verdicts(loaded.facts);
    expect(lines.map((v) => [v.topic, v.finding])).toEqual([
      ['marketing gap', 'not enough data'],
      ['sales gap', 'not enough data'],
      ['rubric check', 'not enough data'],
    ]);
    for (const v of lines) expect(v.text).toMatch(/not enough data/);
    const signals = buildReports(loaded.facts, ['signals'])[0]!;
    expect(signals.rows.map((r) => r.verdict)).toEqual(['too few', 'too few']);
    expect(signals.rows.map((r) => r.suggested_points)).toEqual([null, null]);
  });

  it('explains a lead: signals with what they looked at, stages with where each date came from', async () => {
    const loaded = await tiny();
    const [lead, signals, stages, dealsTable] = explain(loaded.data, loaded.leads!.plan, loaded.leads!.read.leads, 'L1');
    expect(lead!.rows[0]).toMatchObject({ id: 'L1', score: 20, grade: 'A', qualified: true, outcome: 'lost (deals lost)', furthest_stage: 'opportunity' });
    expect(signals!.rows).toEqual([
      { signal: 'Decision maker', points: 20, matched: true, looked_at: 'title = "VP Sales"' },
      { signal: 'Free email', points: -10, matched: false, looked_at: 'email = "a@x.com"' },
    ]);
    expect(stages!.rows.map((r) => [r.stage, r.how, r.entered, r.date_from])).toEqual([
      ['lead', 'created', '2025-01-05', 'created'],
      ['sql', 'date', '2025-02-01', 'date column'],
      ['opportunity', 'deal', '2025-02-10', 'first deal created'],
      ['won', 'not reached', null, null],
    ]);
    expect(dealsTable!.rows).toEqual([{ deal_id: 'D1', stage: 'lost', outcome: 'lost', amount: 500, created: '2025-02-10', closed: '2025-03-01' }]);
    expect(() => explain(loaded.data, loaded.leads!.plan, loaded.leads!.read.leads, 'L9')).toThrow(/no lead with id or email "L9"; closest ids: L1/);
  });

  it('spells out the stall arithmetic of an open lead', async () => {
    const loaded = await tiny();
    const [lead] = explain(loaded.data, loaded.leads!.plan, loaded.leads!.read.leads, 'L2');
    expect(lead!.notes[1]).toBe('Open at lead since 2025-02-05 (created); no last activity. Idle 145 days as of 2025-06-30, counted from 2025-02-05 (entry of lead), vs 30 allowed: stalled, 115 days over.');
  });
});

describe('review findings', () => {
  it('a qualified lead reached by status only counts idle time from the last dated stage, and says so', async () => {
    const d = mkdtempSync(join(tmpdir(), 'leadaudit-idle-'));
    const l = join(d, 'leads.csv');
    writeFileSync(l, 'id,source,created,status\nL1,web,2025-01-05,sql\n');
    const r = join(d, 'rubric.yml');
    writeFileSync(r, 'version: 1\npreset: generic\nstages:\n  - { key: lead, side: marketing, stallAfterDays: 30 }\n  - { key: sql, side: sales, stallAfterDays: 10, reachedWhen: { status: [sql] } }\n  - { key: won, side: sales, reachedWhen: { deal: won } }\n');
    const loaded = await load({ leads: l, rubric: r, asOf: dayNumber(2025, 6, 30), minN: 30, strict: false, keepRejects: false, cwd: d });
    const [lead] = explain(loaded.data, loaded.leads!.plan, loaded.leads!.read.leads, 'L1');
    expect(lead!.notes[1]).toBe('Open at sql since an unknown date; no last activity. Idle 176 days as of 2025-06-30, counted from 2025-01-05 (entry of lead (sql has no date)), vs 10 allowed: stalled, 166 days over.');
  });

  it('counts each open amount once in the stalls list: on the deal row when the deal is stalled too', async () => {
    const loaded = await tiny();
    const stalls = buildReports(loaded.facts, ['stalls'])[0]!;
    for (const row of stalls.rows.filter((r) => r.kind === 'lead')) expect(row.open_amount).toBeNull();
  });
});
