/**
 * The verdict rules of docs/verdicts.md on small inline exports: the sales gap's tolerance rule at
 * its edges, a rubric with no score signals, the JSON verdict objects and the page that documents
 * their keys, verdicts computed once, and the warnings for unreachable stages and a stale --as-of.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { load } from '../src/load.js';
import { buildReports, REPORT_COMMANDS } from '../src/reports/index.js';
import { NUMBER_KEYS, RULES, verdicts } from '../src/reports/verdicts.js';
import { scoreTestAbove, wilson } from '../src/reports/stats.js';
import { diffRuns, type RunDocument } from '../src/reports/diff.js';
import { joined, renderers } from '../src/render/index.js';
import { dayNumber } from '../src/data/normalize.js';
import { STALE_AS_OF_DAYS, staleAsOfWarning } from '../src/data/caveats.js';
import type { AuditResult, Verdict } from '../src/model.js';

const root = resolve(import.meta.dirname, '..');
const AS_OF = dayNumber(2025, 6, 30);

/** Stages and score of the inline exports: won is reached by status, so no deals file is needed. */
function rubricYaml(extra = '', signals = true): string {
  return `version: 1
preset: generic
leads:
  columns: { status: status }
stages:
  - { key: lead, side: marketing, stallAfterDays: 30 }
  - { key: sql, side: sales, stallAfterDays: 10, reachedWhen: { date: sql_date } }
  - { key: won, side: sales, reachedWhen: { status: [won] } }
${signals ? 'score:\n  signals:\n    - { name: Decision maker, points: 20, when: { title: { matches: "vp" } } }\n  grades: { A: 20, B: 0 }\n  qualifiedGrade: A\n' : ''}${extra}`;
}

/**
 * `handed` qualified handoffs (title VP) of which `stalled` sit at SQL for months, the rest moved
 * there two days before as-of; owners take turns, so every owner stalls alike. `unqualified` more
 * handoffs below grade, stalling at the same share.
 */
function exportOf(handed: number, stalled: number, unqualified = 0): string {
  const rows = ['id,email,source,created,status,owner,title,sql_date'];
  const row = (i: number, title: string, stall: boolean) =>
    rows.push(`L${i},p${i}@x.com,web,2025-01-02,open,O${i % 4},${title},${stall ? '2025-01-10' : '2025-06-28'}`);
  for (let i = 0; i < handed; i++) row(i, 'VP Sales', i < stalled);
  for (let i = 0; i < unqualified; i++) row(handed + i, 'Analyst', i < Math.round((unqualified * stalled) / handed));
  return `${rows.join('\n')}\n`;
}

async function run(leadsCsv: string, rubric: string, asOf = AS_OF) {
  const dir = mkdtempSync(join(tmpdir(), 'leadaudit-verdicts-'));
  writeFileSync(join(dir, 'leads.csv'), leadsCsv);
  writeFileSync(join(dir, 'rubric.yml'), rubric);
  return load({ leads: join(dir, 'leads.csv'), rubric: join(dir, 'rubric.yml'), asOf, minN: 30, strict: false, keepRejects: false, cwd: dir });
}

const sales = (lines: readonly Verdict[]) => lines.find((v) => v.topic === 'sales gap')!;

describe('sales gap rule above_tolerance (docs/verdicts.md)', () => {
  it('calls 80% of qualified handoffs stalled a gap, naming the rule and no owner', async () => {
    const loaded = await run(exportOf(120, 96), rubricYaml());
    const v = sales(verdicts(loaded.facts));
    expect([v.finding, v.rules, v.names]).toEqual(['gap', ['above_tolerance'], []]);
    expect(v.numbers).toMatchObject({ handoffs: 120, stalled: 96, stalled_rate: 0.8, tolerance: 0.1 });
    expect(v.numbers.stalled_low).toBe(wilson(96, 120)!.low);
    expect(v.text).toContain('80.0% of 120 qualified handoffs (95% CI 72.0%–86.2%): above the 10.0% tolerance with 95% confidence');
  });

  it('is a gap exactly when the 95% Wilson low end is above 0.1: one stalled handoff either side of the edge', async () => {
    const n = 120;
    // The fewest stalled handoffs whose interval lies wholly above 10%.
    let x = 0;
    while (!(wilson(x, n)!.low > 0.1)) x++;
    expect(wilson(x - 1, n)!.low).toBeLessThanOrEqual(0.1);
    const above = sales(verdicts((await run(exportOf(n, x), rubricYaml())).facts));
    const below = sales(verdicts((await run(exportOf(n, x - 1), rubricYaml())).facts));
    expect([above.finding, above.rules]).toEqual(['gap', ['above_tolerance']]);
    expect([below.finding, below.rules]).toEqual(['no gap', []]);
    expect(below.text).toContain('not shown above the 10.0% tolerance');
    // The reported one-sided p agrees: below 0.025 above the edge, not below it.
    expect(above.numbers.tolerance_p!).toBeLessThan(0.025);
    expect(below.numbers.tolerance_p!).toBeGreaterThanOrEqual(0.025);
  });

  it('reads the tolerance from the rubric: a low end equal to it is not above it, a hair below it is', async () => {
    const low = wilson(30, 120)!.low;
    const at = sales(verdicts((await run(exportOf(120, 30), rubricYaml(`verdicts: { salesStallTolerance: ${low} }\n`))).facts));
    const under = sales(verdicts((await run(exportOf(120, 30), rubricYaml(`verdicts: { salesStallTolerance: ${low - 1e-9} }\n`))).facts));
    expect([at.finding, at.numbers.tolerance]).toEqual(['no gap', low]);
    expect([under.finding, under.rules]).toEqual(['gap', ['above_tolerance']]);
  });

  it('refuses a tolerance that is not a share below 1', async () => {
    await expect(run(exportOf(40, 4), rubricYaml('verdicts: { salesStallTolerance: 1 }\n'))).rejects.toThrow(/verdicts\.salesStallTolerance/);
    await expect(run(exportOf(40, 4), rubricYaml('verdicts: { salesStallTolerance: -0.1 }\n'))).rejects.toThrow(/verdicts\.salesStallTolerance/);
  });

  it('says "not enough data" below --min-n handoffs, whatever the share', async () => {
    const v = sales(verdicts((await run(exportOf(29, 29), rubricYaml())).facts));
    expect([v.finding, v.rules, v.numbers.tolerance_p]).toEqual(['not enough data', [], null]);
  });

  it('judges every handoff when the rubric has no score signals', async () => {
    const lines = verdicts((await run(exportOf(100, 60), rubricYaml('', false))).facts);
    const v = sales(lines);
    expect([v.finding, v.rules]).toEqual(['gap', ['above_tolerance']]);
    expect(v.numbers).toMatchObject({ handoffs: 100, stalled: 60, unqualified_handoffs: null, qualified_vs_unqualified_p: null });
    expect(v.text).toContain('60.0% of 100 handoffs');
    expect(v.text).toContain('the rubric has no score signals, so every handoff is judged');
    expect(lines.filter((l) => l !== v).map((l) => l.finding)).toEqual(['not applicable', 'not applicable']);
  });

  it('one-sided score test: p < 0.025 exactly when the Wilson interval lies above the tolerance', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), (n, share, t) => {
        const x = Math.round(share * n);
        const z = (x / n - t) / Math.sqrt((t * (1 - t)) / n);
        fc.pre(Math.abs(z - 1.959963984540054) > 1e-6);
        expect(scoreTestAbove(x, n, t).p < 0.025).toBe(wilson(x, n)!.low > t);
      }),
      { seed: 12, numRuns: 2000 },
    );
  });
});

describe('verdicts as data', () => {
  it('are computed once per run: summary, matrix and the JSON list show the same lines', async () => {
    const loaded = await run(exportOf(120, 96, 40), rubricYaml());
    const lines = verdicts(loaded.facts);
    expect(verdicts(loaded.facts)).toBe(lines);
    const [summary, matrix] = buildReports(loaded.facts, ['summary', 'matrix']);
    for (const v of lines) {
      expect(summary!.notes).toContain(v.text);
      expect(matrix!.notes).toContain(v.text);
    }
    expect(summary!.rows[0]!.verdict_sales).toBe('gap');
  });

  it('are written to JSON as objects with stable keys, every documented number present, unrounded', async () => {
    const loaded = await run(exportOf(120, 96, 40), rubricYaml());
    const reports = buildReports(loaded.facts, ['summary', ...REPORT_COMMANDS]);
    const result: AuditResult = { asOf: '2025-06-30', inputs: loaded.data.inputs, reports, verdict: verdicts(loaded.facts), alerts: [] };
    const doc = JSON.parse(joined((await renderers.json())(result, { color: false, width: 80, wide: false, tool: { name: 'leadaudit', version: 'test' } })));
    expect(doc.verdict.map((v: { topic: string }) => v.topic)).toEqual(['marketing gap', 'sales gap', 'rubric check']);
    for (const v of doc.verdict) {
      expect(Object.keys(v)).toEqual(['topic', 'finding', 'rules', 'names', 'numbers', 'text']);
      expect(Object.keys(v.numbers)).toEqual([...NUMBER_KEYS[v.topic as keyof typeof NUMBER_KEYS]]);
      for (const value of Object.values(v.numbers)) expect(value === null || typeof value === 'number').toBe(true);
      for (const rule of v.rules) expect(RULES[v.topic as keyof typeof RULES]).toContain(rule);
    }
    const s = doc.verdict[1];
    expect(s).toMatchObject({ finding: 'gap', rules: ['above_tolerance'], names: [] });
    expect(s.numbers).toMatchObject({ handoffs: 120, stalled: 96, stalled_rate: 0.8, unqualified_handoffs: 40, unqualified_stalled: 32 });
    // A p-value far below 0.0001 is kept, not rounded to 0.
    expect(s.numbers.tolerance_p).toBeGreaterThan(0);
    expect(s.numbers.tolerance_p).toBeLessThan(1e-10);
  });

  it('docs/verdicts.md names every key of numbers and every rule', () => {
    const page = readFileSync(join(root, 'docs', 'verdicts.md'), 'utf8');
    for (const keys of [...Object.values(NUMBER_KEYS), ...Object.values(RULES)]) for (const key of keys) expect(page, key).toContain(`\`${key}\``);
    expect(page).toContain('verdicts.salesStallTolerance');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('docs/verdicts.md');
  });

  it('diff reads runs whose verdict is sentences and runs whose verdict is objects, and lists a changed finding first', () => {
    const summary = (cell: string) => ({
      summary: { columns: [{ key: 'leads', label: 'Leads', kind: 'count' as const }, { key: 'verdict_sales', label: 'Sales gap', kind: 'text' as const }], rows: [{ leads: 100, verdict_sales: cell }] },
    });
    const older: RunDocument = { asOf: '2025-06-23', reports: summary('no gap'), verdict: ['No sales gap shown: …'] };
    const newer: RunDocument = {
      asOf: '2025-06-30',
      reports: summary('gap'),
      verdict: [{ topic: 'sales gap', finding: 'gap', names: [] }],
    };
    const rows = diffRuns(older, newer)[0]!.rows;
    expect(rows[0]).toMatchObject({ report: 'verdict', row: 'sales gap', metric: 'finding', old: 'no gap', new: 'gap' });
    expect(diffRuns(older, older)[0]!.rows).toEqual([]);
    expect(diffRuns(newer, { ...newer, verdict: [{ topic: 'sales gap', finding: 'gap', names: ['Omar'] }] })[0]!.rows[0]).toMatchObject({ old: 'gap', new: 'gap (Omar)' });
  });
});

describe('warnings that save a wrong reading', () => {
  const dealWon = (extra = '') => `version: 1
preset: generic
leads:
  columns: { status: status }
stages:
  - { key: lead, side: marketing, stallAfterDays: 30 }
  - { key: sql, side: sales, stallAfterDays: 10, reachedWhen: { date: sql_date } }
${extra}  - { key: won, side: sales, reachedWhen: { deal: won } }
score:
  signals:
    - { name: Decision maker, points: 20, when: { title: { matches: "vp" } } }
  grades: { A: 20, B: 0 }
  qualifiedGrade: A
`;

  it('names a won stage a leads-only run cannot reach, and judges nothing on it', async () => {
    const loaded = await run(exportOf(120, 96, 40), dealWon());
    expect(loaded.warnings).toContain(
      'stage "won" cannot be reached with these inputs: it is reached only by a won deal, and there is no deals file; its rates are 0 by construction and are not judged (not judged: no deals file)',
    );
    const lines = verdicts(loaded.facts);
    expect(lines.map((v) => v.finding)).toEqual(['not judged', 'not judged', 'not judged']);
    for (const v of lines) expect(v.text).toMatch(/: not judged: no deals file — stage "won" cannot be reached/);
    const reports = buildReports(loaded.facts, ['summary', ...REPORT_COMMANDS]);
    for (const r of reports) expect(r.notes.some((n) => n.startsWith('Not judged: no deals file — stage "won" cannot be reached')), r.name).toBe(true);
    expect(reports[0]!.notes).toContain('Best and worst channel: not judged: no deals file (no lead can reach stage "won").');
    expect(reports[0]!.rows[0]).toMatchObject({ verdict_marketing: 'not judged', verdict_sales: 'not judged', verdict_rubric: 'not judged' });
  });

  it('names a stage reached only through a later one, without withholding judgement', async () => {
    const loaded = await run(exportOf(120, 96), rubricYaml().replace('  - { key: won', '  - { key: opportunity, side: sales, stallAfterDays: 30, reachedWhen: { deal: any } }\n  - { key: won'));
    expect(loaded.warnings).toContain(
      'stage "opportunity" is never reached directly with these inputs (it is reached only by a deal, and there is no deals file): it counts only leads that reach a later stage',
    );
    expect(sales(verdicts(loaded.facts)).finding).toBe('gap');
  });

  it('warns of nothing when the deals file is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-verdicts-'));
    writeFileSync(join(dir, 'leads.csv'), exportOf(40, 4));
    writeFileSync(join(dir, 'deals.csv'), 'id,lead_id,stage,amount,created,closed\nD1,L5,won,500,2025-06-01,2025-06-20\n');
    writeFileSync(join(dir, 'rubric.yml'), dealWon());
    const loaded = await load({ leads: join(dir, 'leads.csv'), deals: join(dir, 'deals.csv'), rubric: join(dir, 'rubric.yml'), asOf: AS_OF, minN: 30, strict: false, keepRejects: false, cwd: dir });
    expect(loaded.warnings.filter((w) => /stage "|newest date/.test(w))).toEqual([]);
    expect(loaded.data.caveats.unreachable).toEqual([]);
  });

  it('warns when --as-of is more than 90 days after the newest date in the data, naming the --as-of to use', async () => {
    expect(staleAsOfWarning(dayNumber(2024, 6, 30), dayNumber(2025, 12, 5))).toBe(
      'the newest date in the data is 2024-06-30, 523 days before --as-of 2025-12-05: stalls are aged to --as-of; to age them from the export, pass --as-of 2024-06-30',
    );
    const newest = dayNumber(2025, 6, 28);
    expect(staleAsOfWarning(newest, newest + STALE_AS_OF_DAYS)).toBeUndefined();
    expect(staleAsOfWarning(newest, newest + STALE_AS_OF_DAYS + 1)).toMatch(/^the newest date in the data is 2025-06-28, 91 days before/);
    expect(staleAsOfWarning(NaN, newest)).toBeUndefined();
    // Through a run: the newest date is a stage date (2025-06-28), read from the data.
    const stale = await run(exportOf(40, 4), rubricYaml(), dayNumber(2025, 12, 5));
    const text = 'the newest date in the data is 2025-06-28, 160 days before --as-of 2025-12-05: stalls are aged to --as-of; to age them from the export, pass --as-of 2025-06-28';
    expect(stale.warnings).toContain(text);
    expect(buildReports(stale.facts, ['summary'])[0]!.notes).toContain(`Stalls: ${text}.`);
    expect((await run(exportOf(40, 4), rubricYaml())).warnings.filter((w) => w.includes('newest date'))).toEqual([]);
  });
});
