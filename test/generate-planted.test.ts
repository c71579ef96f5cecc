/**
 * The planted-effect generator, checked from the outside: files are read back with csv-parse and
 * every count and effect size is re-derived here from the cells, by the rubric's semantics written
 * out again below (not leadaudit's classifier), and compared with planted.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLED,
  CHANNELS,
  DEALS_HEADER,
  GRADES,
  LEADS_HEADER,
  OWNERS,
  RUBRIC_YAML,
  SCENARIOS,
  SIGNALS,
  generatePlanted,
  parseCli,
  type Planted,
  type PlantedOptions,
  type Scenario,
} from '../scripts/generate-planted.js';
import { readRubricFile } from '../src/io/read-rubric.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'leadaudit-planted-'));
  dirs.push(dir);
  return dir;
}

function run(scenario: Scenario, extra: Partial<PlantedOptions> = {}): { dir: string; planted: Planted } {
  const bundled = BUNDLED.find((b) => b.scenario === scenario)!;
  const dir = tempDir();
  const planted = generatePlanted({ ...bundled, out: dir, ...extra });
  expect(JSON.parse(readFileSync(join(dir, 'planted.json'), 'utf8'))).toEqual(planted);
  return { dir, planted };
}

// ---------------------------------------------------------------- reading back and classifying, independently

type Row = Record<string, string>;

function readCsv(path: string): { header: string[]; rows: Row[] } {
  const records = parse(readFileSync(path), { bom: true }) as string[][];
  const [header, ...data] = records;
  return { header: header!, rows: data.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i]!]))) };
}

const DAY_MS = 86_400_000;
const day = (iso: string): number => (iso === '' ? NaN : Date.parse(`${iso}T00:00:00Z`) / DAY_MS);

interface Lead {
  row: Row;
  channel: string;
  owner: string;
  matched: boolean[];
  grade: string;
  qualified: boolean;
  /** Index of the furthest stage: 0 lead, 1 mql, 2 sql, 3 opportunity, 4 won. */
  furthest: number;
  outcome: 'won' | 'lost' | 'open';
  stalled: boolean;
}

const STALL = [30, 14, 10, 30];

function classify(row: Row, deals: readonly Row[], asOf: number): Lead {
  const matched = [
    /\b(vp|director|head|chief)\b/i.test(row.title!),
    Number(row.employees) >= 200,
    ['yes', 'true', '1', 'x'].includes(row.webinar!.toLowerCase()),
    Number(row.form_fills) >= 3,
  ];
  const score = [20, 15, 10, 5].reduce((sum, p, i) => sum + (matched[i] ? p : 0), 0);
  const grade = score >= 30 ? 'A' : score >= 15 ? 'B' : score >= 5 ? 'C' : 'D';
  const won = deals.some((d) => d.stage === 'won');
  const evidence = [true, row.mql_date !== '', row.sql_date !== '', row.opp_date !== '' || deals.length > 0, won];
  const furthest = evidence.lastIndexOf(true);
  const lost = !won && ((deals.length > 0 && deals.every((d) => d.stage === 'lost')) || row.status!.toLowerCase() === 'disqualified');
  const outcome = won ? 'won' : lost ? 'lost' : 'open';
  const entry = day([row.created!, row.mql_date!, row.sql_date!, row.opp_date!][furthest] ?? '');
  const activity = day(row.last_activity!);
  const since = Number.isNaN(activity) ? entry : Math.max(entry, activity);
  return {
    row,
    channel: row.source === '' ? '(none)' : row.source!,
    owner: row.owner!,
    matched,
    grade,
    qualified: grade === 'A' || grade === 'B',
    furthest,
    outcome,
    stalled: outcome === 'open' && furthest < 4 && asOf - since > STALL[furthest]!,
  };
}

interface Export {
  leads: Lead[];
  deals: Row[];
  leadHeader: string[];
  dealHeader: string[];
  planted: Planted;
}

function readExport(dir: string): Export {
  const leadsFile = readCsv(join(dir, 'leads.csv'));
  const dealsFile = readCsv(join(dir, 'deals.csv'));
  const planted = JSON.parse(readFileSync(join(dir, 'planted.json'), 'utf8')) as Planted;
  const byLead = new Map<string, Row[]>();
  for (const d of dealsFile.rows) byLead.set(d.lead_id!, [...(byLead.get(d.lead_id!) ?? []), d]);
  const asOf = day(planted.asOf);
  return {
    leads: leadsFile.rows.map((r) => classify(r, byLead.get(r.id!) ?? [], asOf)),
    deals: dealsFile.rows,
    leadHeader: leadsFile.header,
    dealHeader: dealsFile.header,
    planted,
  };
}

const rate = (leads: readonly Lead[]): number => leads.filter((l) => l.outcome === 'won').length / leads.length;
const share = <T>(items: readonly T[], test: (x: T) => boolean): number => items.filter(test).length / items.length;

/** Grade-A leads that reached SQL, and the share of them open, stalled, at SQL. */
function sqlStallShare(leads: readonly Lead[]): number {
  return share(
    leads.filter((l) => l.grade === 'A' && l.furthest >= 2),
    (l) => l.furthest === 2 && l.stalled,
  );
}

interface Effects {
  partner: number;
  decisionMaker: number;
  webinar: number;
  bigCompany: number;
  formFiller: number;
  omarStall: number;
  othersStall: number;
  paidSocialGradeD: number;
  othersGradeD: number;
  paidSocialGradeDWin: number;
}

function effects(leads: readonly Lead[]): Effects {
  const ratio = (k: number): number => rate(leads.filter((l) => l.matched[k])) / rate(leads.filter((l) => !l.matched[k]));
  const gradeD = leads.filter((l) => l.grade === 'D');
  const paidSocialD = gradeD.filter((l) => l.channel === 'Paid Social');
  return {
    partner: rate(leads.filter((l) => l.channel === 'Partner')) / rate(leads.filter((l) => l.channel !== 'Partner')),
    decisionMaker: ratio(0),
    bigCompany: ratio(1),
    webinar: ratio(2),
    formFiller: ratio(3),
    omarStall: sqlStallShare(leads.filter((l) => l.owner === 'Omar')),
    othersStall: Math.max(...OWNERS.filter((o) => o !== 'Omar').map((o) => sqlStallShare(leads.filter((l) => l.owner === o)))),
    paidSocialGradeD: share(paidSocialD, (l) => l.furthest >= 2),
    othersGradeD: share(
      gradeD.filter((l) => l.channel !== 'Paid Social'),
      (l) => l.furthest >= 2,
    ),
    paidSocialGradeDWin: rate(paidSocialD.filter((l) => l.furthest >= 2)),
  };
}

// ---------------------------------------------------------------- the tests

const exports = new Map<Scenario, Export>();
beforeAll(() => {
  for (const scenario of SCENARIOS) exports.set(scenario, readExport(run(scenario).dir));
});

describe.each(SCENARIOS)('%s export', (scenario) => {
  const x = (): Export => exports.get(scenario)!;

  it('has the generic headers, the asked-for number of leads and unique ids', () => {
    const { leads, deals, leadHeader, dealHeader, planted } = x();
    expect(leadHeader).toEqual([...LEADS_HEADER]);
    expect(dealHeader).toEqual([...DEALS_HEADER]);
    expect(leads).toHaveLength(4000);
    expect(planted.leads).toBe(4000);
    expect(new Set(leads.map((l) => l.row.id)).size).toBe(leads.length);
    expect(new Set(deals.map((d) => d.id)).size).toBe(deals.length);
    expect(new Set(leads.map((l) => l.row.email)).size).toBe(leads.length);
  });

  it('joins every deal to a lead whose opp_date is its created date, and dates run in order', () => {
    const { leads, deals, planted } = x();
    const byId = new Map(leads.map((l) => [l.row.id!, l]));
    const asOf = day(planted.asOf);
    for (const d of deals) {
      const lead = byId.get(d.lead_id!);
      expect(lead, `deal ${d.id}`).toBeDefined();
      expect(lead!.row.opp_date).toBe(d.created);
      expect(['discovery', 'proposal', 'won', 'lost']).toContain(d.stage);
      expect(Number(d.amount)).toBeGreaterThanOrEqual(2000);
      expect(Number(d.amount)).toBeLessThanOrEqual(60_000);
      expect(d.closed === '').toBe(d.stage === 'discovery' || d.stage === 'proposal');
      if (d.closed !== '') expect(day(d.closed!)).toBeGreaterThanOrEqual(day(d.created!));
      if (d.closed !== '') expect(day(d.closed!)).toBeLessThanOrEqual(asOf);
    }
    expect(deals.length).toBe(leads.filter((l) => l.row.opp_date !== '').length);
    const start = day('2024-04-01'); // the 15 calendar months April 2024 – June 2025
    for (const l of leads) {
      const dates = [l.row.created!, l.row.mql_date!, l.row.sql_date!, l.row.opp_date!];
      for (const text of [...dates, l.row.last_activity!, l.row.first_touch!]) expect(text).toMatch(/^$|^\d{4}-\d{2}-\d{2}$/);
      const known = dates.filter((t) => t !== '').map(day);
      // Stages are filled in order, without gaps, on increasing dates no later than as-of.
      expect(dates.slice(0, known.length).every((t) => t !== '')).toBe(true);
      expect(known.every((d, i) => i === 0 || d > known[i - 1]!)).toBe(true);
      expect(known[0]!).toBeGreaterThanOrEqual(start);
      expect(known.at(-1)!).toBeLessThanOrEqual(asOf);
      if (l.row.status !== '') {
        expect(l.row.status).toBe('disqualified');
        expect(l.row.sql_date).toBe('');
      }
      expect(CHANNELS).toContain(l.channel);
      expect(OWNERS).toContain(l.owner);
    }
    expect(share(leads, (l) => l.channel === '(none)')).toBeLessThanOrEqual(0.01);
  });

  it('holds the funnel invariant: reached = advanced + lost + stalled + open at every stage but the last', () => {
    const { leads } = x();
    for (let stage = 0; stage < 4; stage++) {
      const reached = leads.filter((l) => l.furthest >= stage);
      const advanced = reached.filter((l) => l.furthest > stage).length;
      const here = reached.filter((l) => l.furthest === stage);
      const lost = here.filter((l) => l.outcome === 'lost').length;
      const stalled = here.filter((l) => l.stalled).length;
      const open = here.filter((l) => l.outcome === 'open' && !l.stalled).length;
      expect(here.every((l) => l.outcome !== 'won')).toBe(true);
      expect(advanced + lost + stalled + open).toBe(reached.length);
    }
    // Won means the last stage; a won lead reached every stage before it.
    expect(leads.filter((l) => l.outcome === 'won').every((l) => l.furthest === 4 && l.row.opp_date !== '')).toBe(true);
  });

  it('records in planted.json the counts the files show', () => {
    const { leads, planted } = x();
    const c = planted.counts;
    const won = (ls: readonly Lead[]): number => ls.filter((l) => l.outcome === 'won').length;
    const handedOff = (ls: readonly Lead[]): Lead[] => ls.filter((l) => l.furthest >= 2);
    expect(Object.keys(c.channels)).toEqual([...CHANNELS]);
    for (const name of CHANNELS) {
      const ls = leads.filter((l) => l.channel === name);
      expect(c.channels[name], name).toEqual({
        leads: ls.length,
        won: won(ls),
        handedOff: handedOff(ls).length,
        handedOffUnqualified: handedOff(ls).filter((l) => !l.qualified).length,
      });
    }
    expect(Object.keys(c.signals)).toEqual([...SIGNALS]);
    SIGNALS.forEach((name, k) => {
      const yes = leads.filter((l) => l.matched[k]);
      const no = leads.filter((l) => !l.matched[k]);
      expect(c.signals[name], name).toEqual({ with: yes.length, wonWith: won(yes), without: no.length, wonWithout: won(no) });
    });
    expect(Object.keys(c.owners)).toEqual([...OWNERS]);
    for (const name of OWNERS) {
      const ls = leads.filter((l) => l.owner === name);
      const q = ls.filter((l) => l.qualified);
      expect(c.owners[name], name).toEqual({
        leads: ls.length,
        qualified: q.length,
        handedOff: handedOff(ls).length,
        won: won(ls),
        qualifiedStalledSales: q.filter((l) => l.stalled && l.furthest >= 2).length,
        qualifiedHandedOff: handedOff(q).length,
      });
    }
    expect(Object.keys(c.grades)).toEqual([...GRADES]);
    for (const name of GRADES) {
      const ls = leads.filter((l) => l.grade === name);
      expect(c.grades[name], name).toEqual({ leads: ls.length, won: won(ls), handedOff: handedOff(ls).length });
    }
    expect(c.totals).toEqual({
      leads: leads.length,
      won: won(leads),
      lost: leads.filter((l) => l.outcome === 'lost').length,
      handedOff: handedOff(leads).length,
      qualified: leads.filter((l) => l.qualified).length,
      stalled: leads.filter((l) => l.stalled).length,
    });
  });
});

describe('planted effects', () => {
  it('names what it planted, and only in the planted scenario', () => {
    expect(exports.get('planted')!.planted.planted).toEqual({
      bestChannel: 'Partner',
      predictiveSignal: 'Decision maker',
      inverseSignal: 'Webinar attendee',
      stallingOwner: 'Omar',
      floodingChannel: 'Paid Social',
      teamSqlStall: null,
    });
    expect(Object.values(exports.get('control')!.planted.planted).every((v) => v === null)).toBe(true);
    expect(exports.get('sales-gap')!.planted.planted).toEqual({
      bestChannel: null,
      predictiveSignal: null,
      inverseSignal: null,
      stallingOwner: null,
      floodingChannel: null,
      teamSqlStall: 0.4,
    });
  });

  it('plants a sales gap in sales-gap that no owner or grade explains, and none in the control', () => {
    /** Qualified (or unqualified) handoffs stalled in sales stages, per owner, from the files. */
    const stallShares = (leads: readonly Lead[], qualified: boolean): number[] =>
      OWNERS.map((o) => share(leads.filter((l) => l.owner === o && l.qualified === qualified && l.furthest >= 2), (l) => l.stalled));
    const gap = exports.get('sales-gap')!.leads;
    const qualified = stallShares(gap, true);
    const unqualified = stallShares(gap, false);
    // Every owner's qualified handoffs stall far above the 10% tolerance, and alike.
    for (const r of [...qualified, ...unqualified]) expect(r).toBeGreaterThan(0.25);
    expect(Math.max(...qualified) - Math.min(...qualified)).toBeLessThan(0.12);
    const all = (q: boolean) => share(gap.filter((l) => l.qualified === q && l.furthest >= 2), (l) => l.stalled);
    expect(Math.abs(all(true) - all(false))).toBeLessThan(0.1);
    // The control's handoffs stall well within the tolerance, for every owner.
    for (const r of stallShares(exports.get('control')!.leads, true)) expect(r).toBeLessThan(0.1);
  });

  it('plants each effect strongly enough to see in the files', () => {
    const { leads } = exports.get('planted')!;
    const e = effects(leads);
    expect(e.partner).toBeGreaterThanOrEqual(2.5);
    expect(e.decisionMaker).toBeGreaterThanOrEqual(2);
    expect(e.webinar).toBeLessThanOrEqual(0.5);
    expect(e.bigCompany).toBeGreaterThan(0.75);
    expect(e.bigCompany).toBeLessThan(1.33);
    expect(e.formFiller).toBeGreaterThan(0.75);
    expect(e.formFiller).toBeLessThan(1.33);
    expect(e.omarStall).toBeGreaterThanOrEqual(0.5);
    expect(e.othersStall).toBeLessThanOrEqual(0.15);
    expect(e.paidSocialGradeD).toBeGreaterThanOrEqual(0.4);
    expect(e.othersGradeD).toBeLessThanOrEqual(0.12);
    expect(e.paidSocialGradeDWin).toBeLessThanOrEqual(0.05);
    const paidSocial = leads.filter((l) => l.channel === 'Paid Social');
    expect(paidSocial.length).toBeGreaterThan(500);
    expect(share(paidSocial, (l) => l.grade === 'D')).toBeGreaterThan(0.6);
    expect(leads.filter((l) => l.channel === 'Partner').length).toBeGreaterThan(400);
  });

  it('plants nothing in the control: every ratio is within sampling noise of 1', () => {
    const e = effects(exports.get('control')!.leads);
    expect(e.partner).toBeGreaterThan(0.55);
    expect(e.partner).toBeLessThan(1.6);
    for (const r of [e.decisionMaker, e.webinar, e.bigCompany, e.formFiller]) {
      expect(r).toBeGreaterThan(0.7);
      expect(r).toBeLessThan(1.4);
    }
    expect(e.omarStall).toBeLessThanOrEqual(0.15);
    expect(e.othersStall).toBeLessThanOrEqual(0.15);
    expect(e.paidSocialGradeD / e.othersGradeD).toBeGreaterThan(0.7);
    expect(e.paidSocialGradeD / e.othersGradeD).toBeLessThan(1.4);
  });

  it('hands off every grade alike in the control, so handed-off leads win alike whatever their grade', () => {
    const handedOff = exports.get('control')!.leads.filter((l) => l.furthest >= 2);
    const qualified = rate(handedOff.filter((l) => l.qualified));
    const unqualified = rate(handedOff.filter((l) => !l.qualified));
    expect(unqualified / qualified).toBeGreaterThan(0.7);
    expect(unqualified / qualified).toBeLessThan(1.4);
  });
});

describe('determinism and the bundled fixtures', () => {
  it('writes the same bytes for the same seed, and other bytes for another seed', () => {
    const files = ['leads.csv', 'deals.csv', 'planted.json'];
    for (const scenario of SCENARIOS) {
      const a = run(scenario, { leads: 300, seed: 5 }).dir;
      const b = run(scenario, { leads: 300, seed: 5 }).dir;
      const c = run(scenario, { leads: 300, seed: 6 }).dir;
      for (const f of files) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
      expect(readFileSync(join(a, 'leads.csv')).equals(readFileSync(join(c, 'leads.csv')))).toBe(false);
    }
  });

  it('bundles fixtures/planted as the no-argument run writes them, with a rubric leadaudit accepts', () => {
    const runs = parseCli([]);
    expect(runs.map((r) => r.options.scenario)).toEqual(['planted', 'control', 'sales-gap']);
    const root = runs[0]!.rubricDir;
    expect(readFileSync(join(root, 'rubric.yml'), 'utf8')).toBe(RUBRIC_YAML);
    const rubric = readRubricFile(join(root, 'rubric.yml'));
    expect(rubric.score?.signals?.map((s) => [s.name, s.points])).toEqual(SIGNALS.map((name, i) => [name, [20, 15, 10, 5][i]]));
    for (const { options } of runs) {
      const fresh = run(options.scenario).dir;
      for (const f of ['leads.csv', 'deals.csv', 'planted.json']) {
        expect(readFileSync(join(options.out, f)).equals(readFileSync(join(fresh, f))), `${options.scenario}/${f}`).toBe(true);
      }
    }
  });

  it('reads its options and names the bad one', () => {
    const [one] = parseCli(['--scenario', 'control', '--out', '/tmp/x', '--leads', '10', '--seed', '3', '--as-of', '2025-01-31']);
    expect(one!.options).toEqual({ scenario: 'control', leads: 10, seed: 3, asOf: '2025-01-31', out: '/tmp/x' });
    expect(one!.rubricDir).toBe('/tmp/x');
    expect(() => parseCli(['--scenario', 'other', '--out', '/tmp/x'])).toThrow(/--scenario: expected one of: planted, control, sales-gap/);
    expect(() => parseCli(['--scenario', 'planted'])).toThrow(/--out/);
    expect(() => parseCli(['--scenario', 'planted', '--out', '/tmp/x', '--as-of', '2025-02-30'])).toThrow(/--as-of/);
    expect(() => parseCli(['--scenario', 'planted', '--out', '/tmp/x', '--leads', 'many'])).toThrow(/--leads/);
  });
});
