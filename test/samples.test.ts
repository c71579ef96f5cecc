/**
 * Numbers proven, not just printed: the reports on the bundled sample exports against the counts
 * the generator recorded when it planted them (fixtures/samples/*\/expected.json), which it knows
 * by construction, not by running leadaudit's code.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from '../src/load.js';
import { buildReports } from '../src/reports/index.js';
import { parseDate } from '../src/data/normalize.js';
import type { Report, Row } from '../src/model.js';

const root = resolve(import.meta.dirname, '..');
const noRubric = mkdtempSync(join(tmpdir(), 'leadaudit-samples-'));

interface Expected {
  preset: string;
  asOf: string;
  leadsFile: string;
  dealsFile: string;
  leads: { read: number; used: number; rejected: number; skipped: number; duplicates: number };
  deals: { read: number; used: number; rejected: number; skipped: number; attributed: number; unattributed: number };
  funnel: { stage: string; reached: number; advanced: number; lost: number; stalled: number; open: number }[];
  skips: Record<string, number>;
  channels: Record<string, { leads: number; qualified: number; handedOff: number; won: number; lost: number; wonRevenue: number; wonDeals: number }>;
  grades: Record<string, { leads: number; won: number }>;
  totals: { leads: number; qualified: number; handedOff: number; won: number; lost: number; open: number; stalled: number; wonRevenue: number };
  unattributedDeals: { count: number; won: number; wonRevenue: number };
}

function report(reports: Report[], name: string): Report {
  const found = reports.find((r) => r.name === name);
  if (!found) throw new Error(`no ${name} report`);
  return found;
}

/** A rate times its base, back to a count (the reports hold exact fractions). */
const count = (rate: unknown, base: number) => Math.round((rate as number) * base);

describe.each(['hubspot', 'salesforce', 'pipedrive'])('the %s sample', (name) => {
  const dir = join(root, 'fixtures', 'samples', name);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const run = async (by?: string) => {
    const loaded = await load({
      leads: join(dir, expected.leadsFile),
      deals: join(dir, expected.dealsFile),
      asOf: parseDate(expected.asOf),
      minN: 30,
      strict: false,
      keepRejects: false,
      cwd: noRubric, // a folder without leadaudit.yml: the preset must be detected from the headers
      by,
    });
    return { loaded, reports: buildReports(loaded.facts, ['summary', 'funnel', 'sources']) };
  };

  it('detects its preset from the headers', async () => {
    const { loaded } = await run();
    expect(loaded.rubric.preset).toBe(expected.preset);
  });

  it('accounts for every row as the generator planted them', async () => {
    const { loaded } = await run();
    const { leads, deals } = loaded.data.inputs;
    expect({ read: leads!.read, used: leads!.used, rejected: leads!.rejected, skipped: leads!.skipped, duplicates: leads!.duplicates }).toEqual(expected.leads);
    expect({
      read: deals!.read,
      used: deals!.used,
      rejected: deals!.rejected,
      skipped: deals!.skipped,
      attributed: deals!.attributed,
      unattributed: deals!.unattributed,
    }).toEqual(expected.deals);
  });

  it('counts every funnel stage and the implied skips', async () => {
    const { loaded, reports } = await run();
    const rows = report(reports, 'funnel').rows;
    expect(rows.map((r) => r.stage)).toEqual(expected.funnel.map((f) => f.stage));
    expected.funnel.forEach((f, i) => {
      const row = rows[i]!;
      const last = i === expected.funnel.length - 1;
      expect({ stage: row.stage, reached: row.reached, advanced: row.advanced ?? 0, lost: row.lost ?? 0, stalled: row.stalled ?? 0, open: row.open ?? 0 }).toEqual(
        last ? { ...f, advanced: 0, lost: 0, stalled: 0, open: 0 } : f,
      );
    });
    const skips = Object.fromEntries(loaded.rubric.stages.map((s, i) => [s.key, loaded.data.skips[i]!]));
    for (const [stage, n] of Object.entries(expected.skips)) expect(skips[stage], `skips of ${stage}`).toBe(n);
  });

  it('counts leads, qualified, handoffs, wins and revenue per channel', async () => {
    const { loaded, reports } = await run();
    const lostBy = new Map<string, number>();
    for (const c of loaded.data.leads!) if (c.outcome === 'lost') lostBy.set(c.channel, (lostBy.get(c.channel) ?? 0) + 1);
    const rows = new Map(report(reports, 'sources').rows.map((r): [string, Row] => [String(r.channel), r]));
    for (const [channel, e] of Object.entries(expected.channels)) {
      const row = rows.get(channel);
      expect(row, `channel ${channel}`).toBeDefined();
      expect({
        leads: row!.leads,
        qualified: count(row!.qualified_pct, e.leads),
        handedOff: count(row!.handoff_pct, e.leads),
        won: row!.won,
        lost: lostBy.get(channel) ?? 0,
        wonRevenue: row!.won_revenue,
      }).toEqual({ leads: e.leads, qualified: e.qualified, handedOff: e.handedOff, won: e.won, lost: e.lost, wonRevenue: e.wonRevenue });
    }
    const unattributed = rows.get('(unattributed)');
    expect(unattributed?.won).toBe(expected.unattributedDeals.won);
    expect(unattributed?.won_revenue).toBe(expected.unattributedDeals.wonRevenue);
  });

  it('grades leads as the generator scored them', async () => {
    const { reports } = await run('grade');
    const rows = new Map(report(reports, 'sources').rows.map((r): [string, Row] => [String(r.grade), r]));
    for (const [grade, e] of Object.entries(expected.grades)) {
      if (e.leads === 0) {
        expect(rows.has(grade)).toBe(false);
        continue;
      }
      expect({ grade, leads: rows.get(grade)?.leads, won: rows.get(grade)?.won }).toEqual({ grade, leads: e.leads, won: e.won });
    }
  });

  it('sums up the summary', async () => {
    const { reports } = await run();
    const s = report(reports, 'summary').rows[0]!;
    const t = expected.totals;
    expect({
      leads: s.leads,
      qualified: count(s.qualified_pct, t.leads),
      handedOff: count(s.handoff_pct, t.leads),
      won: s.won,
      lost: s.lost,
      stalled: s.stalled,
    }).toEqual({ leads: t.leads, qualified: t.qualified, handedOff: t.handedOff, won: t.won, lost: t.lost, stalled: t.stalled });
    expect(s.won_revenue).toBeCloseTo(t.wonRevenue + expected.unattributedDeals.wonRevenue, 2);
  });
});
