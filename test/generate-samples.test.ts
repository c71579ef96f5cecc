/**
 * The sample generator, checked from the outside: files are read back with csv-parse and counted
 * here, independently of leadaudit's reader and classifier, and compared with expected.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DECISION_MAKER_TITLES,
  OTHER_TITLES,
  PRESET_KEYS,
  PRESET_VIEWS,
  SAMPLES,
  generate,
  parseCli,
  salesforceId,
  type Expected,
  type GenerateOptions,
  type PresetKey,
} from '../scripts/generate-samples.js';
import { presets } from '../src/rubric/presets/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'leadaudit-samples-'));
  dirs.push(dir);
  return dir;
}

function run(preset: PresetKey, extra: Partial<GenerateOptions> = {}): { dir: string; expected: Expected } {
  const dir = tempDir();
  const expected = generate({ preset, leads: 500, seed: 11, asOf: '2025-06-30', out: dir, ...extra });
  const written = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  expect(written).toEqual(expected);
  return { dir, expected };
}

// ---------------------------------------------------------------- reading the files back

interface Table {
  header: string[];
  /** Rows as wide as the header, in file order (duplicates included). */
  data: string[][];
  blank: number;
  footer: number;
  ragged: number;
  /** Records after the header. */
  read: number;
}

function readTable(path: string): Table {
  const records = parse(readFileSync(path), { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
  const [header, ...rest] = records;
  const table: Table = { header: header!, data: [], blank: 0, footer: 0, ragged: 0, read: rest.length };
  for (const cells of rest) {
    if (cells.every((c) => c.trim() === '')) table.blank++;
    else if (cells.length === 1) table.footer++;
    else if (cells.length === header!.length) table.data.push(cells);
    else table.ragged++;
  }
  return table;
}

/** Header lookup as leadaudit matches headers: case, spaces and the en dash do not matter. */
function normalizeHeader(name: string): string {
  return name.toLowerCase().replace(/\u2013/g, '-').replace(/\s+/g, ' ').trim();
}

function columnIndex(header: readonly string[], ref: unknown): number {
  const names = (Array.isArray(ref) ? ref : [ref]).filter((r): r is string => typeof r === 'string');
  const normalized = header.map(normalizeHeader);
  for (const name of names) {
    const at = normalized.indexOf(normalizeHeader(name));
    if (at >= 0) return at;
  }
  return -1;
}

interface Files {
  leads: Table;
  deals: Table;
  /** First row per lead id (the duplicate rows dropped). */
  used: string[][];
  duplicates: number;
}

function readFiles(preset: PresetKey, dir: string): Files {
  const view = PRESET_VIEWS[preset];
  const leads = readTable(join(dir, view.leadsFile));
  const deals = readTable(join(dir, view.dealsFile));
  const id = columnIndex(leads.header, presets[preset].leads!.columns!.id);
  const seen = new Set<string>();
  const used: string[][] = [];
  let duplicates = 0;
  for (const row of leads.data) {
    if (seen.has(row[id]!)) duplicates++;
    else {
      seen.add(row[id]!);
      used.push(row);
    }
  }
  return { leads, deals, used, duplicates };
}

/** Deals attributed to a lead, by the preset's join (docs/rubric.md#join), computed here from the cells. */
function attributedDeals(preset: PresetKey, files: Files): boolean[] {
  const leadCols = presets[preset].leads!.columns!;
  const dealCols = presets[preset].deals!.columns!;
  const split = (text: string): string[] => text.split(/[;,]/).map((k) => k.trim()).filter((k) => k !== '');
  const { leads, deals, used } = files;
  if (preset === 'hubspot') {
    const ids = new Set(used.map((row) => row[columnIndex(leads.header, leadCols.id)]!.trim()));
    const lead = columnIndex(deals.header, dealCols.lead);
    return deals.data.map((row) => split(row[lead]!).some((k) => ids.has(k)));
  }
  if (preset === 'salesforce') {
    const converted = columnIndex(leads.header, 'Converted Opportunity ID');
    const keys = new Set(used.flatMap((row) => split(row[converted]!)));
    const id = columnIndex(deals.header, dealCols.id);
    return deals.data.map((row) => keys.has(row[id]!.trim()));
  }
  const email = (text: string): string => text.trim().toLowerCase();
  const emails = new Set(used.map((row) => email(row[columnIndex(leads.header, leadCols.email)]!)).filter((e) => e !== ''));
  const dealEmail = columnIndex(deals.header, dealCols.leadEmail);
  return deals.data.map((row) => emails.has(email(row[dealEmail]!)));
}

// ---------------------------------------------------------------- the preset's channel and score rules, applied to cells

type Test = { in?: string[]; matches?: string; gte?: number; eq?: string | boolean };

function leadValue(preset: PresetKey, header: readonly string[], row: readonly string[], field: string): string {
  const columns = presets[preset].leads!.columns! as Record<string, unknown>;
  const at = columnIndex(header, field in columns ? columns[field] : field);
  return at < 0 ? '' : row[at]!.trim();
}

function passes(value: string, test: Test): boolean {
  if (test.in) return test.in.some((v) => v.toLowerCase() === value.toLowerCase());
  if (test.matches !== undefined) return value !== '' && new RegExp(test.matches, 'i').test(value);
  if (test.gte !== undefined) return value !== '' && Number(value) >= test.gte;
  if (test.eq !== undefined) return value.toLowerCase() === String(test.eq).toLowerCase();
  throw new Error(`test not handled here: ${JSON.stringify(test)}`);
}

function channelOf(preset: PresetKey, header: readonly string[], row: readonly string[]): string {
  const source = leadValue(preset, header, row, 'source');
  for (const rule of presets[preset].channels ?? []) {
    const test = (rule.when as { source: Test }).source;
    if (passes(source, test)) return rule.name;
  }
  return source === '' ? '(none)' : source;
}

function gradeOf(preset: PresetKey, header: readonly string[], row: readonly string[]): string {
  let score = 0;
  for (const signal of presets[preset].score!.signals!) {
    const [field, test] = Object.entries(signal.when)[0]!;
    if (passes(leadValue(preset, header, row, field), test as Test)) score += signal.points;
  }
  const bands = Object.entries(presets[preset].score!.grades!).sort((a, b) => b[1] - a[1]);
  return bands.find(([, bound]) => score >= bound)?.[0] ?? PRESET_VIEWS[preset].lowestGrade;
}

/** YYYY-MM-DD of a cell holding an ISO or M/D/YYYY date (with or without a time). */
function isoOf(text: string): string | undefined {
  const iso = /^(\d{4}-\d\d-\d\d)(?: |$)/.exec(text);
  if (iso) return iso[1];
  const mdy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:,|$)/.exec(text);
  return mdy ? `${mdy[3]}-${mdy[1]!.padStart(2, '0')}-${mdy[2]!.padStart(2, '0')}` : undefined;
}

function countBy(items: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

// ---------------------------------------------------------------- tests

describe('generate-samples', () => {
  it('writes the same bytes for the same seed, and other bytes for another seed', () => {
    for (const preset of PRESET_KEYS) {
      const view = PRESET_VIEWS[preset];
      const a = run(preset).dir;
      const b = run(preset).dir;
      const c = run(preset, { seed: 12 }).dir;
      for (const file of [view.leadsFile, view.dealsFile, 'expected.json']) {
        expect(readFileSync(join(b, file)).equals(readFileSync(join(a, file))), `${preset} ${file}`).toBe(true);
      }
      expect(readFileSync(join(c, view.leadsFile)).equals(readFileSync(join(a, view.leadsFile)))).toBe(false);
    }
  });

  describe.each(PRESET_KEYS)('%s', (preset) => {
    const { dir, expected } = run(preset);
    const files = readFiles(preset, dir);
    const { leads, deals } = files;
    const attributed = attributedDeals(preset, files);

    it('counts read, used, rejected and skipped rows as the files hold them', () => {
      expect(expected.leads).toEqual({
        read: leads.read,
        used: files.used.length,
        rejected: leads.ragged + files.duplicates,
        skipped: leads.blank + leads.footer,
        duplicates: files.duplicates,
      });
      const attributedCount = attributed.filter(Boolean).length;
      expect(expected.deals).toEqual({
        read: deals.read,
        used: deals.data.length,
        rejected: deals.ragged,
        skipped: deals.blank + deals.footer,
        attributed: attributedCount,
        unattributed: deals.data.length - attributedCount,
      });
      expect(expected.unattributedDeals.count).toBe(expected.deals.unattributed);
    });

    it('keeps the funnel invariant and the totals consistent', () => {
      const funnel = expected.funnel;
      expect(funnel.map((row) => row.stage)).toEqual(presets[preset].stages!.map((s) => s.key));
      for (let s = 0; s < funnel.length - 1; s++) {
        const row = funnel[s]!;
        expect(row.reached, row.stage).toBe(row.advanced + row.lost + row.stalled + row.open);
        expect(funnel[s + 1]!.reached, row.stage).toBe(row.advanced);
      }
      const t = expected.totals;
      expect(funnel[0]!.reached).toBe(t.leads);
      expect(funnel.at(-1)!.reached).toBe(t.won);
      expect(t.leads).toBe(t.won + t.lost + t.open + t.stalled);
      expect(sum(funnel.map((r) => r.lost))).toBe(t.lost);
      expect(sum(funnel.map((r) => r.stalled))).toBe(t.stalled);
      expect(sum(funnel.map((r) => r.open))).toBe(t.open);
      const handoff = presets[preset].stages!.findIndex((s) => s.side === 'sales');
      expect(funnel[handoff]!.reached).toBe(t.handedOff);
    });

    it('sums channels and grades to the totals', () => {
      const channels = Object.values(expected.channels);
      const t = expected.totals;
      expect(sum(channels.map((c) => c.leads))).toBe(t.leads);
      expect(sum(channels.map((c) => c.qualified))).toBe(t.qualified);
      expect(sum(channels.map((c) => c.handedOff))).toBe(t.handedOff);
      expect(sum(channels.map((c) => c.won))).toBe(t.won);
      expect(sum(channels.map((c) => c.lost))).toBe(t.lost);
      expect(sum(channels.map((c) => c.wonRevenue))).toBeCloseTo(t.wonRevenue, 2);
      expect(channels.every((c) => c.leads > 0)).toBe(true);
      const grades = Object.values(expected.grades);
      expect(sum(grades.map((g) => g.leads))).toBe(t.leads);
      expect(sum(grades.map((g) => g.won))).toBe(t.won);
    });

    it("has channel and grade counts that the preset's rules give on the cells", () => {
      const channels = countBy(files.used.map((row) => channelOf(preset, leads.header, row)));
      expect(channels).toEqual(Object.fromEntries(Object.entries(expected.channels).map(([name, c]) => [name, c.leads])));
      const grades = countBy(files.used.map((row) => gradeOf(preset, leads.header, row)));
      for (const [grade, g] of Object.entries(expected.grades)) expect(grades[grade] ?? 0, grade).toBe(g.leads);
    });

    it('gives every deal a unique id', () => {
      const id = columnIndex(deals.header, presets[preset].deals!.columns!.id);
      const ids = deals.data.map((row) => row[id]!);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.every((x) => x !== '')).toBe(true);
    });

    it('has every column the preset maps for the numbers in expected.json', () => {
      const rubric = presets[preset];
      const leadCols = rubric.leads!.columns! as Record<string, unknown>;
      const dealCols = rubric.deals!.columns! as Record<string, unknown>;
      const leadRefs = ['email', 'source', 'created', 'lastActivity', rubric.join!.lead === 'id' ? 'id' : '']
        .filter((f) => f in leadCols)
        .map((f) => leadCols[f]);
      if (rubric.join!.lead !== 'id' && rubric.join!.lead !== 'email') leadRefs.push(rubric.join!.lead);
      for (const stage of rubric.stages!) if (stage.reachedWhen?.date) leadRefs.push(stage.reachedWhen.date);
      for (const ref of leadRefs) expect(columnIndex(leads.header, ref), `leads ${JSON.stringify(ref)}`).toBeGreaterThanOrEqual(0);
      const dealRefs = ['id', 'lead', 'leadEmail', 'stage', 'status', 'amount', 'created', 'closed'].filter((f) => f in dealCols).map((f) => dealCols[f]);
      for (const ref of dealRefs) expect(columnIndex(deals.header, ref), `deals ${JSON.stringify(ref)}`).toBeGreaterThanOrEqual(0);
    });

    it('plants at least one unattributed deal, won revenue included', () => {
      expect(attributed.filter((a) => !a).length).toBeGreaterThan(0);
      expect(expected.unattributedDeals.won).toBeLessThanOrEqual(expected.unattributedDeals.count);
    });

    it('writes no date after the as-of date but the expected close of open deals', () => {
      const closed = columnIndex(deals.header, presets[preset].deals!.columns!.closed);
      const cells = [...leads.data.flat(), ...deals.data.flatMap((row) => row.filter((_, i) => i !== closed))];
      const dates = cells.map(isoOf).filter((d): d is string => d !== undefined);
      expect(dates.length).toBeGreaterThan(leads.data.length);
      expect(dates.filter((d) => d > '2025-06-30')).toEqual([]);
    });
  });

  it('plants HubSpot duplicates, multi-id associations, skips and label values', () => {
    const { dir, expected } = run('hubspot');
    const files = readFiles('hubspot', dir);
    const h = files.leads.header;
    expect(files.duplicates).toBe(2);
    const lead = columnIndex(files.deals.header, 'Associated Contact IDs');
    const multi = files.deals.data.filter((row) => row[lead]!.includes(';'));
    expect(multi.length).toBeGreaterThan(0);
    // MQL reached only because a later stage is: no MQL date, but a later date or a deal.
    const cellOf = (row: string[], name: string): string => row[h.indexOf(name)]!;
    const later = ['Became a Sales Qualified Lead Date', 'Became an Opportunity Date', 'Became a Customer Date', 'Associated Deal IDs'];
    const mqlSkips = files.used.filter((row) => cellOf(row, 'Became a Marketing Qualified Lead Date') === '' && later.some((name) => cellOf(row, name) !== ''));
    expect(mqlSkips.length).toBe(expected.skips.mql);
    expect(mqlSkips.some((row) => cellOf(row, 'Became a Sales Qualified Lead Date') !== '')).toBe(true);
    const sources = new Set(files.used.map((row) => row[h.indexOf('Original Source')]!));
    expect(sources.has('ORGANIC_SEARCH') && sources.has('Organic Search')).toBe(true);
    const text = readFileSync(join(dir, 'contacts.csv'), 'utf8');
    expect(text.startsWith('\uFEFFRecord ID,')).toBe(true);
    expect(text).toMatch(/José|Zoë|François/);
    const notes = files.used.map((row) => row[h.indexOf('Notes')]!);
    expect(notes.some((n) => n.includes('\n'))).toBe(true);
    expect(notes.some((n) => n.includes('"'))).toBe(true);
  });

  it('writes Salesforce report exports: quoted, CRLF, footers, a ragged row, 18-character ids', () => {
    const { dir } = run('salesforce');
    const files = readFiles('salesforce', dir);
    expect(files.deals.ragged).toBe(1);
    expect(files.leads.footer).toBe(3);
    expect(files.leads.blank).toBe(2);
    const text = readFileSync(join(dir, 'opportunities.csv'), 'utf8');
    expect(text.split('\r\n')[0]).toBe('"Opportunity ID","Opportunity Name","Account Name","Stage","Amount","Close Date","Created Date","Opportunity Owner","Lead Source","Type","Probability (%)"');
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(text).toContain('"Copyright © 2000-2025 salesforce.com, inc. All rights reserved."\r\n');
    expect(text).toMatch(/"\$\d{1,3}(,\d{3})*\.\d\d"/);
    const leadsText = readFileSync(join(dir, 'leads.csv'), 'utf8');
    expect(leadsText).toMatch(/"\d{1,2}\/\d{1,2}\/\d{4}, \d{1,2}:\d\d [AP]M"/);
    expect(leadsText).toMatch(/"Grand Totals \(500 records\)"/);
    const id = files.leads.header.indexOf('Lead ID');
    for (const row of files.used) expect(row[id]).toMatch(/^00Q5g00000[0-9A-Za-z]{5}[A-Z0-5]{3}$/);
    expect(salesforceId('0065g00000', 0)).toHaveLength(18);
  });

  it('writes Pipedrive exports with en-dash headers, status-less lost deals and emails in other case', () => {
    const { dir } = run('pipedrive');
    const files = readFiles('pipedrive', dir);
    expect(files.deals.header).toContain('Deal – Title');
    const status = files.deals.header.indexOf('Deal - Status');
    const reason = files.deals.header.indexOf('Deal - Lost reason');
    expect(files.deals.data.some((row) => row[status] === '' && row[reason] !== '')).toBe(true);
    expect(files.deals.data.every((row) => row[status] !== '' || row[reason] !== '')).toBe(true);
    const email = files.deals.header.indexOf('Person - Email');
    expect(files.deals.data.some((row) => row[email] !== row[email]!.trim().toLowerCase() && row[email] !== '')).toBe(true);
    const emails = files.used.map((row) => row[2]!.toLowerCase());
    expect(new Set(emails).size).toBe(emails.length);
  });

  it('plants no faults with --clean', () => {
    for (const preset of PRESET_KEYS) {
      const { expected } = run(preset, { clean: true });
      for (const file of [expected.leads, expected.deals]) {
        expect(file.read).toBe(file.used);
        expect(file.rejected + file.skipped).toBe(0);
      }
      expect(expected.leads.duplicates).toBe(0);
    }
  });

  it("matches the presets' stages, grades, signals and channels", () => {
    for (const preset of PRESET_KEYS) {
      const view = PRESET_VIEWS[preset];
      const rubric = presets[preset];
      expect(view.stages.map((s) => [s.key, s.side, s.stallAfterDays])).toEqual(rubric.stages!.map((s) => [s.key, s.side, s.stallAfterDays]));
      expect(view.dealStage).toBe(rubric.stages!.findIndex((s) => s.reachedWhen?.deal === 'any'));
      expect(Object.fromEntries(view.grades)).toEqual(rubric.score!.grades);
      expect(view.qualifiedGrade).toBe(rubric.score!.qualifiedGrade);
      expect(view.signals).toEqual(Object.fromEntries(rubric.score!.signals!.map((s) => [s.name, s.points])));
      if (rubric.channels) expect(view.channels).toEqual(rubric.channels.map((c) => c.name));
    }
    const pattern = (presets.hubspot.score!.signals![0]!.when['Job Title'] as { matches: string }).matches;
    for (const title of DECISION_MAKER_TITLES) expect(new RegExp(pattern, 'i').test(title), title).toBe(true);
    for (const title of OTHER_TITLES) expect(new RegExp(pattern, 'i').test(title), title).toBe(false);
  });

  it('keeps the bundled samples in fixtures/samples up to date', () => {
    for (const sample of SAMPLES) {
      const dir = tempDir();
      generate({ ...sample, out: dir });
      const view = PRESET_VIEWS[sample.preset];
      for (const file of [view.leadsFile, view.dealsFile, 'expected.json']) {
        const bundled = readFileSync(new URL(`../fixtures/samples/${sample.preset}/${file}`, import.meta.url));
        expect(bundled.equals(readFileSync(join(dir, file))), `${sample.preset}/${file}: run npm run generate`).toBe(true);
      }
    }
  });

  it('reads its command line', () => {
    const bundled = parseCli([]);
    expect(bundled.map((o) => [o.preset, o.leads, o.asOf])).toEqual([
      ['hubspot', 600, '2025-06-30'],
      ['salesforce', 400, '2025-06-30'],
      ['pipedrive', 300, '2025-06-30'],
    ]);
    expect(bundled[0]!.out).toMatch(/fixtures[/\\]samples[/\\]hubspot$/);
    const [one] = parseCli(['--preset', 'salesforce', '--leads', '20', '--seed', '9', '--as-of', '2025-01-31', '--out', 'x', '--clean']);
    expect(one).toMatchObject({ preset: 'salesforce', leads: 20, seed: 9, asOf: '2025-01-31', clean: true });
    expect(() => parseCli(['--preset', 'hubsopt', '--out', 'x'])).toThrow(/expected one of: hubspot, salesforce, pipedrive/);
    expect(() => parseCli(['--preset', 'hubspot'])).toThrow(/--out/);
    expect(() => parseCli(['--preset', 'hubspot', '--out', 'x', '--leads', 'many'])).toThrow(/--leads/);
  });
});
