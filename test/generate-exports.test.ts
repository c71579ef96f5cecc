/**
 * The export-shape generator, checked from the outside: every file is decoded and parsed here with
 * csv-parse using this test's own knowledge of each shape (encoding, delimiter, escaping, what
 * "won" is written as, how amounts are written), recounted, re-joined with a join written here,
 * and compared with the expected.json the generator wrote. Nothing is taken from the generator
 * but the bytes and the expected.json under test.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLED, SHAPES, buildExport, generateExport, parseCli, type Expected, type Shape } from '../scripts/generate-exports.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'leadaudit-exports-'));
  dirs.push(dir);
  return dir;
}

const FIXTURES = new URL('../fixtures/exports/', import.meta.url);

// ---------------------------------------------------------------- what this test knows of each shape

type Outcome = 'won' | 'lost' | 'open';

interface FileSpec {
  readonly name: string;
  readonly encoding: 'utf-8' | 'windows-1252';
  readonly bom: boolean;
  readonly delimiter: string;
  /** csv-parse's escape: '"' for RFC 4180, '\\' for MySQL dumps. */
  readonly escape: '"' | '\\';
  readonly header: boolean;
}

interface LeadSpec extends FileSpec {
  readonly id: string;
  readonly isConverted: (row: Row) => boolean;
}

interface DealSpec extends FileSpec {
  readonly outcome: (row: Row) => Outcome;
  readonly id: string;
  readonly amount: string;
  /** The decimal mark of the amount column. */
  readonly decimal: '.' | ',';
  readonly probability?: { readonly column: string; readonly scale: 'percent' | 'fraction' };
}

interface ShapeSpec {
  readonly leads?: LeadSpec;
  readonly deals?: DealSpec;
  readonly join?: { readonly lead: string; readonly deal: string; readonly caseless?: boolean };
}

/** A data row with its cells by column name. */
type Row = Readonly<Record<string, string>>;

const utf8 = { encoding: 'utf-8', bom: false, delimiter: ',', escape: '"', header: true } as const;
const sfReport = (encoding: 'utf-8' | 'windows-1252') => ({ ...utf8, encoding });

const sfReportLeads = (encoding: 'utf-8' | 'windows-1252'): LeadSpec => ({ ...sfReport(encoding), name: 'leads.csv', id: 'Lead ID', isConverted: (r) => r['Converted'] === '1' });
const sfReportDeals = (encoding: 'utf-8' | 'windows-1252'): DealSpec => ({
  ...sfReport(encoding),
  name: 'opportunities.csv',
  id: 'Opportunity ID',
  amount: 'Amount',
  decimal: '.',
  probability: { column: 'Probability (%)', scale: 'percent' },
  outcome: (r) => {
    const stage = r['Stage'] === 'Closed Won' ? 'won' : r['Stage'] === 'Closed Lost' ? 'lost' : 'open';
    expect(r['Won'], 'Won agrees with Stage').toBe(stage === 'won' ? 'TRUE' : 'FALSE');
    expect(r['Closed'], 'Closed agrees with Stage').toBe(stage === 'open' ? 'FALSE' : 'TRUE');
    return stage;
  },
});
const vtigerDeals = (mysql: boolean): DealSpec => ({
  ...utf8,
  ...(mysql ? { escape: '\\', header: false } : {}),
  name: 'potentials.csv',
  id: 'potentialid',
  amount: 'amount',
  decimal: '.',
  probability: { column: 'probability', scale: 'percent' },
  outcome: (r) => (r['sales_stage'] === 'Closed Won' ? 'won' : r['sales_stage'] === 'Closed Lost' ? 'lost' : 'open'),
});
const vtigerLeads = (mysql: boolean): LeadSpec => ({ ...utf8, ...(mysql ? { escape: '\\', header: false } : {}), name: 'leads.csv', id: 'leadid', isConverted: (r) => r['converted'] === '1' });

const SPECS: Record<Shape, ShapeSpec> = {
  'salesforce-report': { leads: sfReportLeads('windows-1252'), deals: sfReportDeals('windows-1252'), join: { lead: 'Converted Opportunity ID', deal: 'Opportunity ID' } },
  'salesforce-report-leads-only': { leads: sfReportLeads('windows-1252') },
  'stats-footer': { leads: sfReportLeads('utf-8'), deals: sfReportDeals('utf-8'), join: { lead: 'Converted Opportunity ID', deal: 'Opportunity ID' } },
  'salesforce-api': {
    leads: { ...utf8, name: 'leads.csv', id: 'Id', isConverted: (r) => r['IsConverted'] === 'true' },
    deals: {
      ...utf8,
      name: 'opportunities.csv',
      id: 'Id',
      amount: 'Amount',
      decimal: '.',
      probability: { column: 'Probability', scale: 'percent' },
      outcome: (r) => (r['IsWon'] === 'true' ? 'won' : r['IsClosed'] === 'true' ? 'lost' : 'open'),
    },
    join: { lead: 'ConvertedAccountId', deal: 'AccountId' },
  },
  'hubspot-api': {
    leads: { ...utf8, name: 'contacts.csv', id: 'hs_object_id', isConverted: (r) => r['hs_lifecyclestage_opportunity_date'] !== '' },
    deals: {
      ...utf8,
      name: 'deals.csv',
      id: 'hs_object_id',
      amount: 'amount',
      decimal: '.',
      probability: { column: 'hs_deal_stage_probability', scale: 'fraction' },
      outcome: (r) => {
        const stage = r['dealstage'] === 'closedwon' ? 'won' : r['dealstage'] === 'closedlost' ? 'lost' : 'open';
        expect(r['hs_is_closed_won']).toBe(String(stage === 'won'));
        return stage;
      },
    },
    join: { lead: 'hs_object_id', deal: 'associatedVids' },
  },
  'vtiger-snake': { leads: vtigerLeads(false), deals: vtigerDeals(false), join: { lead: 'company', deal: 'accountname' } },
  'vtiger-potentials-only': { deals: vtigerDeals(false) },
  'vtiger-headerless': { leads: vtigerLeads(true), deals: vtigerDeals(true), join: { lead: 'company', deal: 'accountname' } },
  'decimal-comma': {
    leads: { ...utf8, bom: true, delimiter: ';', name: 'contacts.csv', id: 'Record ID', isConverted: (r) => r['Became an Opportunity Date'] !== '' },
    deals: {
      ...utf8,
      bom: true,
      delimiter: ';',
      name: 'deals.csv',
      id: 'Record ID',
      amount: 'Amount',
      decimal: ',',
      outcome: (r) => (r['Deal Stage'] === 'Gewonnen' ? 'won' : r['Deal Stage'] === 'Verloren' ? 'lost' : 'open'),
    },
    join: { lead: 'Record ID', deal: 'Associated Contact IDs' },
  },
  'decimal-point': {
    leads: { ...utf8, name: 'persons.csv', id: 'Person - ID', isConverted: () => false },
    deals: {
      ...utf8,
      name: 'deals.csv',
      id: 'Deal - ID',
      amount: 'Deal - Value',
      decimal: '.',
      probability: { column: 'Deal - Probability', scale: 'percent' },
      outcome: (r) => (r['Deal - Status'] === 'Won' ? 'won' : r['Deal - Status'] === 'Lost' ? 'lost' : 'open'),
    },
    join: { lead: 'Person - Email', deal: 'Person - Email', caseless: true },
  },
};

// ---------------------------------------------------------------- reading a file back

interface Read {
  header: string[];
  rows: Row[];
  /** Records after the header (all records when there is none). */
  read: number;
  blank: number;
  footer: number;
  summary: number;
}

/** Windows-1252's 0x80–0x9F (undefined bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D left as they are). */
const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * Node's TextDecoder('windows-1252') decodes as Latin-1 (0x80 becomes U+0080, not €), so the
 * 0x80–0x9F range is mapped here by hand.
 */
function windows1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => CP1252[c.charCodeAt(0) - 0x80]!);
}

function decode(bytes: Buffer, spec: FileSpec): string {
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  expect(hasBom, `${spec.name}: BOM`).toBe(spec.bom);
  if (spec.encoding === 'windows-1252') return windows1252(bytes);
  // TextDecoder drops a UTF-8 BOM.
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/**
 * Rows before the first blank row are data; after it, a one-cell row is a footer line and a full
 * row is a summary. Every record is one of these (read = data + blank + footer + summary).
 */
function readFile(dir: string, spec: FileSpec, columns: readonly string[]): Read {
  const text = decode(readFileSync(join(dir, spec.name)), spec);
  const records = parse(text, { delimiter: spec.delimiter, escape: spec.escape, relax_column_count: true, skip_empty_lines: false }) as string[][];
  const header = spec.header ? records.shift()! : [...columns];
  const out: Read = { header, rows: [], read: records.length, blank: 0, footer: 0, summary: 0 };
  let afterBlank = false;
  for (const cells of records) {
    if (cells.every((c) => c.trim() === '')) {
      out.blank++;
      afterBlank = true;
    } else if (cells.length === 1) {
      expect(afterBlank, `${spec.name}: a one-cell row inside the data`).toBe(true);
      out.footer++;
    } else {
      expect(cells.length, `${spec.name}: row width`).toBe(header.length);
      if (afterBlank) out.summary++;
      else out.rows.push(Object.fromEntries(header.map((name, i) => [name, spec.escape === '\\' && cells[i] === '\\N' ? '' : cells[i]!])));
    }
  }
  return out;
}

/** An amount cell in thousandths: currency signs and grouping dropped, at most 3 significant decimals. */
function milliOf(text: string, decimal: '.' | ','): number {
  const bare = text.replace(/[€$£\s\u00a0]/g, '');
  const grouping = decimal === '.' ? ',' : '.';
  expect(bare, `amount "${text}"`).toMatch(decimal === '.' ? /^\d{1,3}(,\d{3})*(\.\d+)?$|^\d+(\.\d+)?$/ : /^\d{1,3}(\.\d{3})*(,\d+)?$|^\d+(,\d+)?$/);
  const [whole, frac = ''] = bare.split(grouping).join('').split(decimal);
  expect(frac.slice(3), `amount "${text}": more than 3 significant decimals`).toMatch(/^0*$/);
  return Number(whole) * 1000 + Number(frac.slice(0, 3).padEnd(3, '0'));
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** The join as issue 12 states it, written independently of the generator. */
function rejoin(leads: readonly Row[], deals: readonly Row[], leadColumn: string, dealColumn: string, outcomes: readonly Outcome[], milli: readonly number[], caseless = false) {
  const key = (k: string): string => (caseless ? k.trim().toLowerCase() : k.trim());
  const firstHolder = new Map<string, number>();
  const holders = new Map<string, Set<number>>();
  leads.forEach((row, i) => {
    const k = key(row[leadColumn]!);
    if (k === '') return;
    if (!firstHolder.has(k)) firstHolder.set(k, i);
    holders.set(k, (holders.get(k) ?? new Set()).add(i));
  });
  const first = new Map<number, Outcome[]>();
  const all = new Map<number, Outcome[]>();
  let matched = 0;
  let several = 0;
  let revenue = 0;
  deals.forEach((row, d) => {
    const keys = row[dealColumn]!.split(';').map(key).filter(Boolean);
    const owner = keys.find((k) => firstHolder.has(k));
    if (owner === undefined) return;
    matched++;
    if (outcomes[d] === 'won') revenue += milli[d]!;
    const lead = firstHolder.get(owner)!;
    first.set(lead, [...(first.get(lead) ?? []), outcomes[d]!]);
    const everyone = new Set(keys.flatMap((k) => [...(holders.get(k) ?? [])]));
    if (everyone.size > 1) several++;
    for (const i of everyone) all.set(i, [...(all.get(i) ?? []), outcomes[d]!]);
  });
  const mode = (m: Map<number, Outcome[]>) => ({
    leadsWithDeals: m.size,
    wonLeads: [...m.values()].filter((o) => o.includes('won')).length,
    lostLeads: [...m.values()].filter((o) => o.every((x) => x === 'lost')).length,
  });
  return { lead: leadColumn, deal: dealColumn, matchedDeals: matched, unattributedDeals: deals.length - matched, dealsMatchingSeveralLeads: several, attributedWonRevenue: revenue / 1000, first: mode(first), all: mode(all) };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

// ---------------------------------------------------------------- tests

describe('generate-exports', () => {
  it('writes the same bytes for the same seed, and other bytes for another seed', () => {
    for (const b of BUNDLED) {
      const one = buildExport(b);
      const two = buildExport(b);
      const other = buildExport({ ...b, seed: b.seed + 1 });
      for (const name of Object.keys(one.files)) {
        expect(two.files[name]!.equals(one.files[name]!), `${b.shape}/${name}`).toBe(true);
        expect(other.files[name]!.equals(one.files[name]!), `${b.shape}/${name} with another seed`).toBe(false);
      }
      expect(JSON.stringify(two.expected)).toBe(JSON.stringify(one.expected));
    }
  });

  it('keeps fixtures/exports up to date (npm run build && npm run generate:exports)', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual([...SHAPES].sort());
    for (const b of BUNDLED) {
      const dir = tempDir();
      generateExport({ ...b, out: dir });
      const bundled = new URL(`${b.shape}/`, FIXTURES);
      expect(readdirSync(bundled).sort(), b.shape).toEqual(readdirSync(dir).sort());
      for (const name of readdirSync(dir)) {
        expect(readFileSync(new URL(name, bundled)).equals(readFileSync(join(dir, name))), `${b.shape}/${name}`).toBe(true);
      }
    }
  });

  it('keeps the fixtures small: 300 to 800 leads a shape, 1.5 MB in all', () => {
    let bytes = 0;
    for (const shape of SHAPES) for (const name of readdirSync(new URL(`${shape}/`, FIXTURES))) bytes += statSync(new URL(`${shape}/${name}`, FIXTURES)).size;
    expect(bytes).toBeLessThan(1.5 * 1024 * 1024);
    for (const b of BUNDLED) expect(b.leads, b.shape).toBeGreaterThanOrEqual(300);
    for (const b of BUNDLED) expect(b.leads, b.shape).toBeLessThanOrEqual(800);
  });

  describe.each(SHAPES)('%s', (shape) => {
    const dir = new URL(`${shape}/`, FIXTURES).pathname;
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
    const spec = SPECS[shape];
    const leads = spec.leads && expected.leads ? readFile(dir, spec.leads, expected.leads.columns) : undefined;
    const deals = spec.deals && expected.deals ? readFile(dir, spec.deals, expected.deals.columns) : undefined;

    it('has the files this test expects, declared as this test reads them', () => {
      expect(expected.shape).toBe(shape);
      expect(expected.leads === null, 'leads').toBe(spec.leads === undefined);
      expect(expected.deals === null, 'deals').toBe(spec.deals === undefined);
      for (const [file, fileSpec] of [[expected.leads, spec.leads], [expected.deals, spec.deals]] as const) {
        if (!file || !fileSpec) continue;
        expect({ name: file.name, encoding: file.encoding, bom: file.bom, delimiter: file.delimiter, escape: file.escape, header: file.header }).toEqual({
          name: fileSpec.name,
          encoding: fileSpec.encoding,
          bom: fileSpec.bom,
          delimiter: fileSpec.delimiter,
          escape: fileSpec.escape,
          header: fileSpec.header,
        });
      }
      expect(expected.join === null).toBe(spec.join === undefined);
      if (spec.join) expect([expected.join!.lead, expected.join!.deal]).toEqual([spec.join.lead, spec.join.deal]);
    });

    if (leads && spec.leads) {
      it('counts lead rows, skipped rows, conversions, statuses and sources as the file holds them', () => {
        const e = expected.leads!;
        expect(leads.header).toEqual(e.columns);
        expect({ records: e.records, read: e.read, ...e.skipped }).toEqual({ records: leads.rows.length, read: leads.read, blank: leads.blank, footer: leads.footer, summary: leads.summary });
        expect(e.read).toBe(e.records + e.skipped.blank + e.skipped.footer + e.skipped.summary);
        expect(e.converted).toBe(leads.rows.filter(spec.leads!.isConverted).length);
        if (e.statusColumn !== '') expect(e.byStatus).toEqual(countBy(leads.rows.map((r) => r[e.statusColumn]!)));
        expect(e.bySource).toEqual(countBy(leads.rows.map((r) => r[e.sourceColumn]!)));
      });

      it('gives every lead a unique, non-empty id', () => {
        const ids = leads.rows.map((r) => r[spec.leads!.id]!);
        expect(ids.every((id) => id !== '')).toBe(true);
        expect(new Set(ids).size).toBe(ids.length);
      });
    }

    if (deals && spec.deals) {
      const d = spec.deals;
      it('counts deals, outcomes, stages and revenue as the file holds them', () => {
        const e = expected.deals!;
        expect(deals.header).toEqual(e.columns);
        expect({ records: e.records, read: e.read, ...e.skipped }).toEqual({ records: deals.rows.length, read: deals.read, blank: deals.blank, footer: deals.footer, summary: deals.summary });
        const outcomes = deals.rows.map(d.outcome);
        const milli = deals.rows.map((r) => milliOf(r[d.amount]!, d.decimal));
        expect({ won: e.won, lost: e.lost, open: e.open }).toEqual({
          won: outcomes.filter((o) => o === 'won').length,
          lost: outcomes.filter((o) => o === 'lost').length,
          open: outcomes.filter((o) => o === 'open').length,
        });
        expect(e.wonRevenue).toBe(sum(milli.filter((_, i) => outcomes[i] === 'won')) / 1000);
        expect(e.totalAmount).toBe(sum(milli) / 1000);
        expect(e.byStage).toEqual(countBy(deals.rows.map((r) => r[e.stageColumn]!)));
        expect(e.byStage[e.wonStage]).toBe(e.won);
        expect(e.amount.column).toBe(d.amount);
        expect(e.amount.decimal).toBe(d.decimal);
        expect(e.amount.examples).toEqual(deals.rows.slice(0, 5).map((r) => r[d.amount]));
        for (const p of e.planted) {
          const row = deals.rows.find((r) => r[d.id] === p.id)!;
          expect(row[d.amount], `deal ${p.id}`).toBe(p.text);
          expect(milliOf(p.text, d.decimal) / 1000).toBe(p.value);
        }
        const ids = deals.rows.map((r) => r[d.id]!);
        expect(ids.every((id) => id !== '')).toBe(true);
        expect(new Set(ids).size).toBe(ids.length);
      });

      it('records the probability column, its scale and the deals under one half', () => {
        const p = expected.deals!.probability;
        expect(p === null).toBe(d.probability === undefined);
        if (!p || !d.probability) return;
        expect([p.column, p.scale]).toEqual([d.probability.column, d.probability.scale]);
        const cells = deals.rows.map((r) => r[p.column]!).filter((c) => c !== '');
        const values = cells.map((c) => milliOf(c, '.') / 1000);
        const top = d.probability.scale === 'fraction' ? 1 : 100;
        expect(Math.max(...values)).toBeLessThanOrEqual(top);
        if (d.probability.scale === 'percent') expect(Math.max(...values)).toBeGreaterThan(1);
        expect({ filled: p.filled, belowHalf: p.belowHalf, values: p.values }).toEqual({
          filled: cells.length,
          belowHalf: values.filter((v) => v < top / 2).length,
          values: [...new Set(cells)],
        });
      });

      if (leads && spec.join) {
        const j = spec.join;
        it('joins deals to leads as expected.json says, for shared: first and shared: all', () => {
          const outcomes = deals.rows.map(d.outcome);
          const milli = deals.rows.map((r) => milliOf(r[d.amount]!, d.decimal));
          const { decoys, join: expectedJoin } = expected;
          expect(expectedJoin).toEqual(rejoin(leads.rows, deals.rows, j.lead, j.deal, outcomes, milli, j.caseless));
          for (const decoy of decoys) {
            const { why, ...counts } = decoy;
            expect(why).not.toBe('');
            expect(counts).toEqual(rejoin(leads.rows, deals.rows, decoy.lead, decoy.deal, outcomes, milli));
          }
          expect(expectedJoin!.attributedWonRevenue).toBeLessThanOrEqual(expected.deals!.wonRevenue);
          // HubSpot makes every contact of a won deal a customer: the lifecycle agrees with shared: all.
          const customer = { 'hubspot-api': ['lifecyclestage', 'customer'], 'decimal-comma': ['Lifecycle Stage', 'Customer'] }[shape as string];
          if (customer) expect(leads.rows.filter((r) => r[customer[0]!] === customer[1]).length).toBe(expectedJoin!.all.wonLeads);
        });
      }
    }

    it('writes no created or close date after the export day but open deals\' expected close', () => {
      const asOf = expected.asOf;
      const isoOf = (text: string): string | undefined => {
        let m = /^(\d{4})-(\d\d)-(\d\d)/.exec(text);
        if (m) return `${m[1]}-${m[2]}-${m[3]}`;
        m = /^(\d\d)[./](\d\d)[./](\d{4})/.exec(text); // dd/mm/yyyy, dd.mm.yyyy
        if (m && shape !== 'stats-footer') return `${m[3]}-${m[2]}-${m[1]}`;
        m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text); // m/d/yyyy
        return m ? `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}` : undefined;
      };
      const closeColumns = new Set(['Close Date', 'CloseDate', 'closedate', 'closingdate', 'Deal - Expected close date', 'Fiscal Period']);
      const dates: string[] = [];
      for (const table of [leads, deals]) {
        if (!table) continue;
        for (const row of table.rows) {
          const open = deals && table === deals && spec.deals!.outcome(row) === 'open';
          for (const [name, cell] of Object.entries(row)) {
            const iso = isoOf(cell);
            if (iso === undefined || (open && closeColumns.has(name))) continue;
            dates.push(iso);
          }
        }
      }
      expect(dates.length).toBeGreaterThan((leads ?? deals)!.rows.length);
      expect(dates.filter((x) => x > asOf)).toEqual([]);
    });
  });

  // ---------------------------------------------------------------- the quirks each shape exists for

  const fixture = (path: string): Buffer => readFileSync(new URL(path, FIXTURES));

  it('writes the Salesforce report in Windows-1252 with 15-character ids, dd/mm/yyyy dates and the footer', () => {
    const bytes = fixture('salesforce-report/leads.csv');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const text = windows1252(bytes);
    expect(text).toMatch(/Müller|José|Zoë|Jürgen/);
    expect(text.endsWith('"Grand Totals (500 records)"\r\n""\r\n"Confidential Information - Do Not Distribute"\r\n"Copyright © 2000-2025 salesforce.com, inc. All rights reserved."\r\n')).toBe(true);
    const rows = parse(text, { columns: true, relax_column_count: true, to_line: 501 }) as Record<string, string>[];
    expect(rows.every((r) => /^00Q[0-9A-Za-z]{12}$/.test(r['Lead ID']!))).toBe(true);
    expect(rows.every((r) => /^\d\d\/\d\d\/\d{4}$/.test(r['Created Date']!))).toBe(true);
    expect(rows.some((r) => Number(r['Created Date']!.slice(0, 2)) > 12)).toBe(true);
    const opps = windows1252(fixture('salesforce-report/opportunities.csv'));
    expect(opps).toMatch(/"€\d{1,3}(,\d{3})*\.\d\d"/);
  });

  it('writes the stats-footer report with a summary row of numbers in text columns before the footer', () => {
    const lines = fixture('stats-footer/leads.csv').toString('utf8').split('\r\n');
    // The file ends in CRLF: lines.at(-1) is ''.
    expect(lines.slice(-8, -1)).toEqual([
      '""',
      expect.stringMatching(/^"","","0","0",.*"0\.\d{4}"/),
      '""',
      '"Grand Totals (400 records)"',
      '""',
      '"Confidential Information - Do Not Distribute"',
      '"Copyright © 2000-2025 salesforce.com, inc. All rights reserved."',
    ]);
  });

  it('writes Salesforce API exports with 18-character prefixed ids, true/false and shared account keys', () => {
    const leads = parse(fixture('salesforce-api/leads.csv'), { columns: true }) as Record<string, string>[];
    const opps = parse(fixture('salesforce-api/opportunities.csv'), { columns: true }) as Record<string, string>[];
    expect(leads.every((r) => /^00Q[0-9A-Za-z]{12}[A-Z0-5]{3}$/.test(r['Id']!) && /^005/.test(r['OwnerId']!))).toBe(true);
    expect(opps.every((r) => /^006/.test(r['Id']!) && /^001/.test(r['AccountId']!))).toBe(true);
    expect(new Set(leads.map((r) => r['IsConverted']))).toEqual(new Set(['true', 'false']));
    expect(leads[0]!['CreatedDate']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/);
    const converted = leads.filter((r) => r['IsConverted'] === 'true');
    expect(converted.filter((r) => r['ConvertedOpportunityId'] === '').length).toBeGreaterThan(converted.length / 3);
    const e = JSON.parse(fixture('salesforce-api/expected.json').toString()) as Expected;
    expect(e.join!.dealsMatchingSeveralLeads).toBeGreaterThan(10);
    expect(e.join!.all.wonLeads).toBeGreaterThan(e.join!.first.wonLeads);
  });

  it('writes HubSpot internal names and values with ISO timestamps', () => {
    const contacts = parse(fixture('hubspot-api/contacts.csv'), { columns: true }) as Record<string, string>[];
    const deals = parse(fixture('hubspot-api/deals.csv'), { columns: true }) as Record<string, string>[];
    expect(new Set(contacts.map((r) => r['lifecyclestage']))).toContain('marketingqualifiedlead');
    expect(new Set(contacts.map((r) => r['hs_analytics_source']))).toContain('ORGANIC_SEARCH');
    expect(contacts.every((r) => /^\d{8}$/.test(r['hubspot_owner_id']!))).toBe(true);
    expect(contacts.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(r['createdate']!))).toBe(true);
    expect(new Set(deals.map((r) => r['dealstage']))).toEqual(new Set(['closedwon', 'closedlost', 'appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent']));
    expect(deals.some((r) => r['associatedVids']!.includes(';'))).toBe(true);
  });

  it('writes vtiger columns with decimal(25,8) amounts, decimal(7,3) probabilities and crmids unique across modules', () => {
    const leads = parse(fixture('vtiger-snake/leads.csv'), { columns: true }) as Record<string, string>[];
    const pots = parse(fixture('vtiger-snake/potentials.csv'), { columns: true }) as Record<string, string>[];
    expect(pots.every((r) => /^\d+\.\d{8}$/.test(r['amount']!) && /^\d+\.\d{3}$/.test(r['probability']!))).toBe(true);
    expect(new Set(pots.map((r) => r['sales_stage']))).toContain('Proposal or Price Quote');
    const ids = [...leads.map((r) => r['leadid']), ...pots.flatMap((r) => [r['potentialid'], r['related_to'], r['contact_id']])].filter((x) => x !== '');
    const leadIds = new Set(leads.map((r) => r['leadid']));
    expect(ids.filter((x) => !leadIds.has(x)).length).toBe(ids.length - leads.length);
    expect(leads.every((r) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(r['createdtime']!))).toBe(true);
  });

  it('writes the headerless dump with \\N, enclosed strings, bare numbers, \\" and \\\\, and the same rows tab-separated', () => {
    const csv = fixture('vtiger-headerless/leads.csv').toString('utf8');
    const lines = csv.split('\n');
    expect(lines[0]).toMatch(/^\d+,"LEA1",/);
    // Read as a header, the first row would name two columns "\N" (issue 12's error).
    expect(lines[0]!.split(',').filter((c) => c === '\\N').length).toBeGreaterThanOrEqual(2);
    expect(csv).toContain('\\N');
    expect(csv).toMatch(/"[^",]* \\"[^",]*\\"",/);
    expect(csv).toContain('"Sales\\\\Marketing Lead"');
    expect(csv).not.toMatch(/"\\N"/);
    const e = JSON.parse(fixture('vtiger-headerless/expected.json').toString()) as Expected;
    const fromCsv = parse(csv, { escape: '\\' }) as string[][];
    const fromTsv = (parse(fixture('vtiger-headerless/leads.tsv'), { delimiter: '\t', quote: false }) as string[][]).map((r) => r.map((c) => (c === '\\N' ? c : c.replace(/\\(.)/g, '$1'))));
    expect(fromTsv).toEqual(fromCsv);
    expect(fromCsv[0]!.length).toBe(e.leads!.columns.length);
  });

  it('writes decimal-comma amounts with euro signs, dd.mm.yyyy dates and quoted ;-lists', () => {
    const text = fixture('decimal-comma/deals.csv').toString('utf8');
    const rows = parse(text, { columns: true, delimiter: ';', bom: true }) as Record<string, string>[];
    expect(rows.every((r) => /^\d{1,3}(\.\d{3})*,\d\d €$/.test(r['Amount']!))).toBe(true);
    expect(rows.some((r) => /^\d{1,3}\.\d{3},\d\d €$/.test(r['Amount']!))).toBe(true);
    expect(rows.every((r) => /^\d\d\.\d\d\.\d{4}$/.test(r['Close Date']!))).toBe(true);
    expect(text).toMatch(/;"\d+;\d+[;\d]*"\r\n/);
  });

  it('plants 0.125, 12.5, 1,250.50 and 99.999 in one decimal-point column, won', () => {
    const e = JSON.parse(fixture('decimal-point/expected.json').toString()) as Expected;
    expect(e.deals!.planted.map((p) => p.text)).toEqual(expect.arrayContaining(['0.125', '12.5', '1,250.50', '99.999']));
    const rows = parse(fixture('decimal-point/deals.csv'), { columns: true }) as Record<string, string>[];
    for (const p of e.deals!.planted) expect(rows.find((r) => r['Deal - ID'] === p.id)!['Deal - Status']).toBe('Won');
    expect(rows.some((r) => /^\d+$/.test(r['Deal - Value']!))).toBe(true);
  });

  it('reads its command line', () => {
    const all = parseCli([]);
    expect(all.map((o) => o.shape)).toEqual([...SHAPES]);
    expect(all[0]!.out).toMatch(/fixtures[/\\]exports[/\\]salesforce-report$/);
    const [one] = parseCli(['--shape', 'hubspot-api', '--out', 'x', '--seed', '9', '--leads', '50', '--as-of', '2025-01-31']);
    expect(one).toMatchObject({ shape: 'hubspot-api', seed: 9, leads: 50, asOf: '2025-01-31' });
    expect(() => parseCli(['--shape', 'hubspot', '--out', 'x'])).toThrow(/expected one of: salesforce-report/);
    expect(() => parseCli(['--shape', 'hubspot-api'])).toThrow(/--out/);
    expect(() => parseCli(['--shape', 'hubspot-api', '--out', 'x', '--as-of', '2025-02-30'])).toThrow(/--as-of/);
  });
});
