/**
 * Reading a big export on two cores (src/parallel/split.ts) changes nothing: the second half of a file, read as
 * the worker thread reads it and joined to the first, yields exactly the records, rows, row
 * accounting, warnings, rejects and reports of a read in one piece — and where it could not (a
 * cut inside a quoted field, a footer before the cut, duplicates of first-half ids with --rejects)
 * the part is read again.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findCut } from '../src/parallel/part.js';
import { load, type LoadOptions } from '../src/load.js';
import { buildReports, reports as REPORTS, type ReportName } from '../src/reports/index.js';
import { dayNumber } from '../src/data/normalize.js';
import { SPLIT_MIN_BYTES, threadReads, type Splitter } from '../src/parallel/split.js';
import { generate } from '../scripts/generate-samples.js';
import { properties, splitStats } from '../scripts/fuzz-properties.js';

const bin = resolve(import.meta.dirname, '..', 'bin', 'leadaudit.js');
const dir = mkdtempSync(join(tmpdir(), 'leadaudit-split-test-'));
let n = 0;
function file(text: string | Buffer): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, text);
  return path;
}

describe('split reads: records', () => {
  it('on random CSV, well-formed and malformed, cut wherever the middle falls: the records, lines and failures of a read in one piece', async () => {
    splitStats.tried = splitStats.used = 0;
    await fc.assert(properties.split(), { numRuns: 400 });
    // The property means something only if many of the cases were really read in two parts.
    // (Over 11 seeds: 162-188 tried and 52-73 used of 400.)
    expect(splitStats.tried).toBeGreaterThan(120);
    expect(splitStats.used).toBeGreaterThan(30);
  });

  it('cuts at the first line end after the middle that is outside quotes, and knows its line', () => {
    const quoted = '"a note\nover\nthree lines"';
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i % 3 === 0 ? quoted : 'plain'},x`);
    const text = `id,note,z\n${rows.join('\n')}\n`;
    const path = file(text);
    const middle = Math.floor(text.length / 2);
    const cut = findCut(path, text.length, middle)!;
    // The cut starts a record: the text before it is whole records, and it is on the right line.
    expect(text[cut.at - 1]).toBe('\n');
    expect(text.slice(cut.at)).toMatch(/^\d+,/);
    expect((text.slice(0, cut.at).match(/"/g) ?? []).length % 2).toBe(0);
    expect(cut.line).toBe(text.slice(0, cut.at).split('\n').length);
    expect(cut.at).toBeGreaterThanOrEqual(middle);
    // A target inside a quoted field moves on to the end of its record.
    const inQuote = text.indexOf('over', middle);
    expect(findCut(path, text.length, inQuote)!.at).toBe(text.indexOf('\n', text.indexOf('lines"', inQuote)) + 1);
    expect(findCut(path, text.length, text.length - 1)).toBeUndefined();
  });
});

const AS_OF = dayNumber(2025, 6, 30);
const ALL = Object.keys(REPORTS) as ReportName[];

/** Splitter that counts the parts started at a cut. */
function counted(): { splitter: Splitter; started: number; used: number } {
  const c = { started: 0, used: 0, splitter: undefined as unknown as Splitter };
  c.splitter = (job) => {
    const inner = threadReads(0)(job);
    return {
      minBytes: 0,
      start(continuation, onBytes) {
        const remote = inner.start(continuation, onBytes);
        return { ...remote, cut: () => remote.cut().then((cut) => (cut && c.started++, cut)) };
      },
    };
  };
  return c;
}

/** A run loaded in one piece and split (small reads, so even small files are cut), compared whole. */
async function bothWays(options: Partial<LoadOptions>): Promise<{ started: number; used: number }> {
  const base: LoadOptions = { asOf: AS_OF, minN: 5, strict: false, keepRejects: true, cwd: dir, chunkSize: 512, ...options };
  const c = counted();
  const outcome = async (o: LoadOptions) => {
    try {
      const loaded = await load(o);
      const { leads, deals } = loaded;
      // Files whose second half was read elsewhere and used (CsvInfo.split), counted and left out.
      c.used = [leads?.info, deals?.info].filter((info) => info?.split).length;
      return JSON.stringify({
        reports: buildReports(loaded.facts, ALL),
        warnings: loaded.warnings,
        notices: loaded.notices,
        rejects: loaded.rejects,
        inputs: loaded.data.inputs,
        leads: leads && { info: { ...leads.info, split: undefined }, columns: leads.read.leads.c, orders: leads.read.dateOrders, numbers: leads.read.numberFormats, byId: leads.read.byId && leads.read.leads.c.id.toJSON().map((key) => leads.read.byId!.get(key)) },
        deals: deals && { info: { ...deals.info, split: undefined }, columns: deals.read.deals.c, orders: deals.read.dateOrders, numbers: deals.read.numberFormats, currencies: [...deals.read.currencies] },
      });
    } catch (error) {
      return `failed: ${(error as Error).message}`;
    }
  };
  const whole = await outcome(base);
  expect(c.used).toBe(0);
  const split = await outcome({ ...base, parallel: c.splitter });
  if (split !== whole) {
    // Say where they part, not the whole (long) outcome.
    let at = 0;
    while (split[at] === whole[at]) at++;
    expect(split.slice(Math.max(0, at - 300), at + 200)).toBe(whole.slice(Math.max(0, at - 300), at + 200));
  }
  return c;
}

describe('split reads: rows, accounting and reports', () => {
  it('on the bundled samples of each CRM', async () => {
    for (const crm of [
      ['hubspot', 'contacts.csv', 'deals.csv'],
      ['salesforce', 'leads.csv', 'opportunities.csv'],
      ['pipedrive', 'persons.csv', 'deals.csv'],
    ] as const) {
      const c = await bothWays({ leads: `fixtures/samples/${crm[0]}/${crm[1]}`, deals: `fixtures/samples/${crm[0]}/${crm[2]}`, keepRejects: false });
      expect(c, crm[0]).toMatchObject({ started: 2, used: 2 });
    }
    // The HubSpot contacts hold ids that are in both halves (rows 120 and 421); with --rejects
    // their cells are needed, so that half is read again.
    const c = await bothWays({ leads: 'fixtures/samples/hubspot/contacts.csv', deals: 'fixtures/samples/hubspot/deals.csv', keepRejects: true });
    expect(c).toMatchObject({ started: 2, used: 1 });
  });

  it('on a generated export with quoted commas and multi-line notes', async () => {
    const out = join(dir, 'gen');
    generate({ preset: 'hubspot', leads: 3000, seed: 11, asOf: '2025-06-30', out, clean: true });
    const c = await bothWays({ leads: join(out, 'contacts.csv'), deals: join(out, 'deals.csv'), chunkSize: 4096 });
    expect(c.used).toBe(2);
  });

  /** Leads whose second half holds what only it proves or has: date order, NUL, bad values, footers. */
  function leadRows(count: number, row: (i: number, half: 1 | 2) => string): string {
    return Array.from({ length: count }, (_, i) => row(i, i < count / 2 ? 1 : 2)).join('\n');
  }

  it('settles a date column on evidence from both halves, and counts bad values, missing ids and rejects of both', async () => {
    const leads = file(
      'id,email,source,owner,created\n' +
        leadRows(900, (i, half) => {
          const id = i % 50 === 7 ? '' : `L${i}`;
          // Day/month order is proven (25/5) only in the second half; 3/5 is ambiguous.
          const created = half === 1 ? `${(i % 12) + 1}/5/2024` : i % 9 === 0 ? '25/5/2024' : i % 40 === 3 ? 'soon' : `${(i % 12) + 1}/6/2024`;
          const ragged = half === 2 && i % 70 === 5 ? ',extra' : '';
          const nul = half === 2 && i % 100 === 1 ? '\0' : '';
          return `${id},p${i}@x.com,${['web', 'ads', 'event'][i % 3]}${nul},Rep ${i % 4},${created}${ragged}`;
        }) +
        '\n',
    );
    const deals = file(
      'id,lead_id,stage,amount,currency,created\n' +
        leadRows(400, (i, half) => `D${i},L${i * 2};L${i * 2 + 1},${i % 3 === 0 ? 'won' : 'lost'},${half === 2 && i % 30 === 1 ? 'lots' : 100 + i},${half === 2 && i === 100 ? 'EUR' : 'USD'},2024-07-0${(i % 9) + 1}`) +
        '\n',
    );
    const c = await bothWays({ leads, deals, preset: 'generic' });
    expect(c.used).toBe(2);
  });

  it('takes out the rows of the second half whose id the first has (rejected as duplicates), and what their values proved', async () => {
    // The second half's duplicates of first-half ids are the only rows proving D/M dates (25/5)
    // and holding unreadable dates and amounts: a read in one piece rejects them before reading
    // their values, so the column stays M/D and the first unreadable value is a later one.
    const leads = file(
      'id,source,created\n' +
        leadRows(600, (i, half) => {
          const duplicate = half === 2 && i >= 350 && i % 25 === 0;
          const created = duplicate ? (i % 50 === 0 ? '25/5/2024' : 'never') : i === 590 ? 'later' : `${(i % 12) + 1}/5/2024`;
          return `L${duplicate ? i - 300 : i},web,${created}${half === 2 && i === 420 ? ',extra' : ''}`;
        }) +
        '\n',
    );
    const deals = file(
      'id,lead_id,stage,amount,currency\n' +
        leadRows(600, (i, half) => {
          const duplicate = half === 2 && i % 40 === 0;
          // (`n.a.`: `n/a` is a missing value, not an unreadable one.)
          return `D${duplicate ? 3 : i},L${i},won,${duplicate ? 'n.a.' : i === 580 ? 'tbd' : 10 + i},${duplicate ? 'EUR' : 'USD'}`;
        }) +
        '\n',
    );
    expect(await bothWays({ leads, deals, preset: 'generic', keepRejects: false })).toMatchObject({ started: 2, used: 2 });
    // With --rejects the duplicates' cells are needed, and only the worker saw them: read again.
    expect(await bothWays({ leads, deals, preset: 'generic', keepRejects: true })).toMatchObject({ started: 2, used: 0 });
  });

  it('decides a number column on evidence from both halves, without what duplicates taken out proved', async () => {
    // 100.500 is ambiguous (100500 or 100.5); only the second half proves a decimal point (12.5).
    const proven = file('id,stage,amount\n' + leadRows(600, (i, half) => `D${i},won,${half === 2 && i % 9 === 0 ? '12.5' : `${100 + (i % 800)}.500`}`) + '\n');
    expect(await bothWays({ deals: proven, preset: 'generic', keepRejects: false })).toMatchObject({ started: 1, used: 1 });
    const loaded = await load({ asOf: AS_OF, minN: 5, strict: false, keepRejects: false, cwd: dir, preset: 'generic', deals: proven, chunkSize: 512, parallel: counted().splitter });
    expect(loaded.data.deals!.at(0)!.amount).toBe(100.5);
    // Here the only proof is on second-half duplicates of first-half ids: a read in one piece
    // rejects them unread, so the column stays undecided (thousands).
    const duplicates = file(
      'id,stage,amount\n' + leadRows(600, (i, half) => (half === 2 && i % 50 === 0 ? `D${i - 300},won,0.125` : `D${i},won,${100 + (i % 800)}.500`)) + '\n',
    );
    expect(await bothWays({ deals: duplicates, preset: 'generic', keepRejects: false })).toMatchObject({ started: 1, used: 1 });
    const undecided = await load({ asOf: AS_OF, minN: 5, strict: false, keepRejects: false, cwd: dir, preset: 'generic', deals: duplicates, chunkSize: 512, parallel: counted().splitter });
    expect(undecided.data.deals!.at(0)!.amount).toBe(100500);
  });

  it('lists the reasons rows were not used in the order of their first line, across the cut', async () => {
    // A duplicate of a first-half id (line 402) before a short row (422) and a duplicate inside the second half (442).
    const leads = file(
      'id,source,created\n' + leadRows(600, (i) => (i === 400 ? 'L5,web,2024-05-01' : i === 420 ? 'L420,web' : i === 440 ? 'L430,web,2024-05-01' : `L${i},web,2024-05-01`)) + '\n',
    );
    expect(await bothWays({ leads, preset: 'generic', keepRejects: false })).toMatchObject({ started: 1, used: 1 });
  });

  it('reads the second half again after a report footer, text after a closing quote or mixed line ends in the first', async () => {
    const rows = leadRows(600, (i) => `L${i},web,2024-05-01`).split('\n');
    const footer = [...rows.slice(0, 290), 'Grand Totals,,', ...rows.slice(290)];
    const quote = [...rows.slice(0, 260), 'L999,"web"x,2024-05-01', ...rows.slice(260)];
    for (const body of [footer.join('\n'), quote.join('\n'), rows.slice(0, 280).join('\n') + '\r\n' + rows.slice(280).join('\n')]) {
      expect(await bothWays({ leads: file(`id,source,created\n${body}\n`), preset: 'generic' })).toMatchObject({ used: 0 });
    }
  });

  it('skips summary rows at the end as a read in one piece does: with the first part\'s sample, or read again when the part judged without it', async () => {
    // Rows of ~110 bytes: the first 4 KiB read (where the second part starts) hold ~37 of them.
    const rows = leadRows(3000, (i) => `L${i},web,2024-05-01,${'n'.repeat(90)}`);
    const text = `id,source,created,notes\n${rows}\n\n,0,0.0016,\nTotal,,3000,\n`;
    // 8 KiB chunks: the first part has sampled its 50 rows when the second starts, which uses them.
    expect(await bothWays({ leads: file(text), preset: 'generic', chunkSize: 8192 })).toMatchObject({ started: 1, used: 1 });
    // 512-byte chunks: the sample is still filling when the second part starts; the part judged
    // `,0,0.0016,` without it (PartInfo.unsure), so it is read again in the first thread.
    expect(await bothWays({ leads: file(text), preset: 'generic' })).toMatchObject({ started: 1, used: 0 });
    const loaded = await load({ asOf: AS_OF, minN: 5, strict: false, keepRejects: false, cwd: dir, leads: file(text), preset: 'generic', chunkSize: 8192, parallel: counted().splitter });
    expect(loaded.data.inputs.leads).toMatchObject({ read: 3003, used: 3000, skipped: 3, reasons: { blank_line: 1, summary_row: 2 } });
    // A file of numbers has no column of text: its second part judges rows of numbers as a read
    // in one piece does whatever came before its cut, and is used.
    const numbers = `id,score,amount\n${leadRows(6000, (i) => `${100000 + i},${i % 7},${i * 3}.25`)}\n`;
    expect(await bothWays({ leads: file(numbers), preset: 'generic', chunkSize: 8192 })).toMatchObject({ started: 1, used: 1 });
  });

  it('takes the second half after a ragged row in the first (the fast path reads past it)', async () => {
    const rows = leadRows(600, (i) => `L${i},web,2024-05-01`).split('\n');
    const ragged = [...rows.slice(0, 260), 'L999,web', ...rows.slice(260)];
    expect(await bothWays({ leads: file(`id,source,created\n${ragged.join('\n')}\n`), preset: 'generic' })).toMatchObject({ used: 1 });
  });

  it('fails as a read in one piece fails: an unterminated quote in either half, --strict on a row of either half', async () => {
    const rows = leadRows(600, (i) => `L${i},web,2024-05-01`).split('\n');
    const second = await bothWays({ leads: file(`id,source,created\n${rows.slice(0, 450).join('\n')}\n"L450,web,2024-05-01\n${rows.slice(451).join('\n')}\n`), preset: 'generic' });
    const first = await bothWays({ leads: file(`id,source,created\n${rows.slice(0, 20).join('\n')}\n"L20,web,2024-05-01\n${rows.slice(21).join('\n')}\n`), preset: 'generic' });
    const strict = await bothWays({ leads: file(`id,source,created\n${rows.slice(0, 470).join('\n')}\nL470,web\n${rows.slice(471).join('\n')}\n`), preset: 'generic', strict: true });
    // A part was started for the second and the third; the first has no line end with balanced
    // quotes after the middle (its quote never closes), so it is read in one piece.
    expect([second.started, first.started, strict.started]).toEqual([1, 0, 1]);
  });
});

describe('split reads: the CLI', () => {
  it('reads an export over 16 MB in a worker thread, with the output of a read on one thread (LEADAUDIT_THREADS=1)', () => {
    const out = join(dir, 'big');
    generate({ preset: 'hubspot', leads: 80_000, seed: 5, asOf: '2025-06-30', out, clean: true });
    const leads = join(out, 'contacts.csv');
    expect(statSync(leads).size).toBeGreaterThan(SPLIT_MIN_BYTES);
    const run = (command: string, threads: string | undefined) => {
      const r = spawnSync(process.execPath, [bin, command, leads, join(out, 'deals.csv'), '--as-of', '2025-06-30', '--format', 'json'], {
        encoding: 'utf8',
        env: { ...process.env, LEADAUDIT_THREADS: threads, NO_COLOR: '1' },
        maxBuffer: 1 << 30,
      });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    type Check = { reports: { quality: { rows: { file: string; check: string; detail: string }[] } } };
    const encoding = (json: string) => (JSON.parse(json) as Check).reports.quality.rows.find((r) => r.file === 'leads' && r.check === 'encoding')!.detail;
    expect(encoding(run('check', undefined))).toBe('utf-8, delimiter ,; read on two threads');
    expect(encoding(run('check', '1'))).toBe('utf-8, delimiter ,');
    expect(run('audit', undefined)).toBe(run('audit', '1'));
  });

  it('a fault of a big leads file read in the worker (the pipeline of src/parallel/chunks.ts) ends the run as a read on one thread does', () => {
    const out = join(dir, 'big-broken');
    generate({ preset: 'hubspot', leads: 80_000, seed: 6, asOf: '2025-06-30', out, clean: true });
    const leads = join(out, 'contacts.csv');
    // A quote that never closes, in the last row: the worker meets it at the very end.
    appendFileSync(leads, '99999999,"Ann,Lee\n');
    expect(statSync(leads).size).toBeGreaterThan(SPLIT_MIN_BYTES);
    const run = (threads: string | undefined) =>
      spawnSync(process.execPath, [bin, 'sources', leads, join(out, 'deals.csv'), '--as-of', '2025-06-30', '--format', 'json'], {
        encoding: 'utf8',
        env: { ...process.env, LEADAUDIT_THREADS: threads, NO_COLOR: '1' },
        maxBuffer: 1 << 30,
      });
    const two = run(undefined);
    const one = run('1');
    expect(one.status).toBe(1);
    expect(one.stderr).toMatch(/unterminated|quote/i);
    expect({ status: two.status, stderr: two.stderr, stdout: two.stdout }).toEqual({ status: one.status, stderr: one.stderr, stdout: one.stdout });
  });
});
