/**
 * Reading a big leads file on two cores (src/parallel/chunks.ts) changes nothing: the chunks a
 * worker reads and maps, joined again by `score`, `explain` and `check` (WholeLeads), are the
 * rows, row accounting, warnings, rejects and reports of a read in one thread; and a report run
 * that folds them as they come gives what it gives on one thread.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load, type LoadOptions } from '../src/load.js';
import { loadFacts } from '../src/engine/stream.js';
import { buildReports, reports as REPORTS, type ReportName } from '../src/reports/index.js';
import { dayNumber } from '../src/data/normalize.js';
import { threadPipeline, type LeadsReader } from '../src/parallel/chunks.js';
import { WORKER_MIN_BYTES } from '../src/parallel/threads.js';
import { generate } from '../scripts/generate-samples.js';

const bin = resolve(import.meta.dirname, '..', 'bin', 'leadaudit.js');
const dir = mkdtempSync(join(tmpdir(), 'leadaudit-threads-test-'));
let n = 0;
function file(text: string | Buffer, ext = 'csv'): string {
  const path = join(dir, `f${n++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

const AS_OF = dayNumber(2025, 6, 30);
const ALL = Object.keys(REPORTS) as ReportName[];

/** A reader that reads every leads file in this thread through the worker's messages (threadPipeline), counting the reads it took. */
function counted(): { reader: LeadsReader; used: number } {
  const c = { used: 0, reader: undefined as unknown as LeadsReader };
  const inner = threadPipeline();
  c.reader = (job) => {
    const reading = inner(job)!;
    return { read: (onProgress, begin) => reading.read(onProgress, begin).then((done) => (c.used++, done)), cancel: () => reading.cancel() };
  };
  return c;
}

/** A run loaded in one thread and with its leads read in chunks by the pipeline (small chunks, so even small files make several), compared whole. */
async function bothWays(options: Partial<LoadOptions>, chunkRows = 37): Promise<{ used: number }> {
  const base: LoadOptions = { asOf: AS_OF, minN: 5, strict: false, keepRejects: true, cwd: dir, chunkSize: 512, ...options };
  const outcome = async (o: LoadOptions) => {
    try {
      const loaded = await load(o);
      const { leads, deals } = loaded;
      return JSON.stringify({
        reports: buildReports(loaded.facts, ALL),
        warnings: loaded.warnings,
        notices: loaded.notices,
        rejects: loaded.rejects,
        inputs: loaded.data.inputs,
        leads: leads && { info: leads.info, columns: leads.read.leads.c, orders: leads.read.dateOrders, numbers: leads.read.numberFormats, byId: leads.read.byId && leads.read.leads.c.id.toJSON().map((key) => leads.read.byId!.get(key)) },
        deals: deals && { info: deals.info, columns: deals.read.deals.c, orders: deals.read.dateOrders, numbers: deals.read.numberFormats, currencies: [...deals.read.currencies] },
      });
    } catch (error) {
      return `failed: ${(error as Error).message}`;
    }
  };
  const whole = await outcome(base);
  const c = counted();
  const chunked = await outcome({ ...base, leadsReader: c.reader, chunkRows });
  if (chunked !== whole) {
    // Say where they part, not the whole (long) outcome.
    let at = 0;
    while (chunked[at] === whole[at]) at++;
    expect(chunked.slice(Math.max(0, at - 300), at + 200)).toBe(whole.slice(Math.max(0, at - 300), at + 200));
  }
  return { used: c.used };
}

describe('a leads file read in chunks on another core, joined: rows, accounting and reports', () => {
  it('on the bundled samples of each CRM, with and without --rejects, and in chunks of one row', async () => {
    for (const crm of [
      ['hubspot', 'contacts.csv', 'deals.csv'],
      ['salesforce', 'leads.csv', 'opportunities.csv'],
      ['pipedrive', 'persons.csv', 'deals.csv'],
    ] as const) {
      const run = { leads: `fixtures/samples/${crm[0]}/${crm[1]}`, deals: `fixtures/samples/${crm[0]}/${crm[2]}` };
      expect(await bothWays({ ...run, keepRejects: false }), crm[0]).toEqual({ used: 1 });
      expect(await bothWays({ ...run, keepRejects: true }), crm[0]).toEqual({ used: 1 });
    }
    expect(await bothWays({ leads: 'fixtures/samples/hubspot/contacts.csv', deals: 'fixtures/samples/hubspot/deals.csv' }, 1)).toEqual({ used: 1 });
  });

  it('on a generated export with quoted commas and multi-line notes', async () => {
    const out = join(dir, 'gen');
    generate({ preset: 'hubspot', leads: 3000, seed: 11, asOf: '2025-06-30', out, clean: true });
    expect(await bothWays({ leads: join(out, 'contacts.csv'), deals: join(out, 'deals.csv'), chunkSize: 4096 }, 500)).toEqual({ used: 1 });
  });

  /** Leads whose later rows hold what only they prove or have: date order, NUL, bad values, footers. */
  function leadRows(count: number, row: (i: number, half: 1 | 2) => string): string {
    return Array.from({ length: count }, (_, i) => row(i, i < count / 2 ? 1 : 2)).join('\n');
  }

  it('settles a date column on evidence only later chunks hold (earlier chunks wait, then swap), and counts bad values, missing ids and rejects of all', async () => {
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
    expect(await bothWays({ leads, deals, preset: 'generic' })).toEqual({ used: 1 });
    // The rows read D/M: 3/5/2024 is 3 May once 25/5 has proven the order.
    const loaded = await load({ asOf: AS_OF, minN: 5, strict: false, keepRejects: false, cwd: dir, leads, deals, preset: 'generic', leadsReader: threadPipeline(), chunkRows: 37 });
    expect(loaded.leads!.read.dateOrders).toEqual({ created: 'dmy' });
    const table = loaded.leads!.read.leads;
    expect(table.c.created[table.c.id.toJSON().indexOf('L2')]).toBe(dayNumber(2024, 5, 3));
  });

  it('rejects a later duplicate of an earlier chunk\'s id, whatever its values prove', async () => {
    // The duplicates are the only rows proving D/M dates (25/5) and holding unreadable dates: a
    // read in one thread rejects them before reading their values, so the column stays M/D.
    const leads = file(
      'id,source,created\n' +
        leadRows(600, (i, half) => {
          const duplicate = half === 2 && i >= 350 && i % 25 === 0;
          const created = duplicate ? (i % 50 === 0 ? '25/5/2024' : 'never') : i === 590 ? 'later' : `${(i % 12) + 1}/5/2024`;
          return `L${duplicate ? i - 300 : i},web,${created}${half === 2 && i === 420 ? ',extra' : ''}`;
        }) +
        '\n',
    );
    expect(await bothWays({ leads, preset: 'generic', keepRejects: false })).toEqual({ used: 1 });
    expect(await bothWays({ leads, preset: 'generic', keepRejects: true })).toEqual({ used: 1 });
  });

  it('decides a compared number column on evidence only later chunks hold', async () => {
    // 100.500 is ambiguous (100500 or 100.5); only the second half proves a decimal point (12.5).
    const rubric = file('version: 1\npreset: generic\nscore:\n  signals:\n    - { name: Big, points: 5, when: { score: { gt: 200 } } }\n', 'yml');
    const leads = file('id,source,score\n' + leadRows(600, (i, half) => `L${i},web,${half === 2 && i % 9 === 0 ? '12.5' : `${100 + (i % 800)}.500`}`) + '\n');
    expect(await bothWays({ leads, rubric, keepRejects: false })).toEqual({ used: 1 });
  });

  it('lists the reasons rows were not used in the order of their first line, across chunks', async () => {
    // A duplicate of an earlier id (line 402) before a short row (422) and another duplicate (442).
    const leads = file(
      'id,source,created\n' + leadRows(600, (i) => (i === 400 ? 'L5,web,2024-05-01' : i === 420 ? 'L420,web' : i === 440 ? 'L430,web,2024-05-01' : `L${i},web,2024-05-01`)) + '\n',
    );
    expect(await bothWays({ leads, preset: 'generic', keepRejects: false })).toEqual({ used: 1 });
  });

  it('after a report footer, text after a closing quote, mixed line ends, summary rows and ragged rows', async () => {
    const rows = leadRows(600, (i) => `L${i},web,2024-05-01`).split('\n');
    const footer = [...rows.slice(0, 290), 'Grand Totals,,', ...rows.slice(290)];
    const quote = [...rows.slice(0, 260), 'L999,"web"x,2024-05-01', ...rows.slice(260)];
    const ragged = [...rows.slice(0, 260), 'L999,web', ...rows.slice(260)];
    for (const body of [footer.join('\n'), quote.join('\n'), ragged.join('\n'), rows.slice(0, 280).join('\n') + '\r\n' + rows.slice(280).join('\n')]) {
      expect(await bothWays({ leads: file(`id,source,created\n${body}\n`), preset: 'generic' })).toEqual({ used: 1 });
    }
    const summary = `id,source,created,notes\n${leadRows(3000, (i) => `L${i},web,2024-05-01,${'n'.repeat(90)}`)}\n\n,0,0.0016,\nTotal,,3000,\n`;
    expect(await bothWays({ leads: file(summary), preset: 'generic', chunkSize: 8192 })).toEqual({ used: 1 });
    const loaded = await load({ asOf: AS_OF, minN: 5, strict: false, keepRejects: false, cwd: dir, leads: file(summary), preset: 'generic', leadsReader: threadPipeline(), chunkRows: 100 });
    expect(loaded.data.inputs.leads).toMatchObject({ read: 3003, used: 3000, skipped: 3, reasons: { blank_line: 1, summary_row: 2 } });
  });

  it('fails as a read in one thread fails: an unterminated quote early or late, --strict on a late row', async () => {
    const rows = leadRows(600, (i) => `L${i},web,2024-05-01`).split('\n');
    for (const [text, strict] of [
      [`id,source,created\n${rows.slice(0, 450).join('\n')}\n"L450,web,2024-05-01\n${rows.slice(451).join('\n')}\n`, false],
      [`id,source,created\n${rows.slice(0, 20).join('\n')}\n"L20,web,2024-05-01\n${rows.slice(21).join('\n')}\n`, false],
      [`id,source,created\n${rows.slice(0, 470).join('\n')}\nL470,web\n${rows.slice(471).join('\n')}\n`, true],
    ] as const) {
      // A quote that never closes fails the read itself; --strict fails once the read is checked.
      expect(await bothWays({ leads: file(text), preset: 'generic', strict })).toEqual({ used: strict ? 1 : 0 });
    }
  });

  it('a report run starts the leads before the deals, and stops them when the deals file fails', async () => {
    const events: string[] = [];
    const inner = threadPipeline();
    const reader: LeadsReader = (job) => {
      events.push('started');
      const reading = inner(job)!;
      return { read: (onProgress, begin) => (events.push('taken'), reading.read(onProgress, begin)), cancel: () => events.push('cancelled') };
    };
    const deals = file('id,lead_id,stage\nD1,L1,won\nD2,"L2,lost\n');
    const leads = 'fixtures/samples/hubspot/contacts.csv';
    const options = { asOf: AS_OF, minN: 5, strict: false, keepRejects: false, cwd: dir, leads, preset: 'hubspot' as const, leadsReader: reader };
    await expect(loadFacts({ ...options, deals })).rejects.toThrow(/unterminated|quote/i);
    expect(events).toEqual(['started', 'cancelled']);
    events.length = 0;
    await loadFacts({ ...options, deals: 'fixtures/samples/hubspot/deals.csv' });
    expect(events).toEqual(['started', 'taken']);
  });

  it('keeps every cell for score --with-columns by reading in this thread', async () => {
    const c = counted();
    const loaded = await load({ asOf: AS_OF, minN: 5, strict: false, keepRejects: false, cwd: dir, leads: 'fixtures/samples/hubspot/contacts.csv', keepCells: true, leadsReader: c.reader });
    expect(c.used).toBe(0);
    expect(loaded.leads!.read.leads.c.cells).toHaveLength(loaded.leads!.read.leads.length);
  });
});

describe('two threads: the CLI', () => {
  it('reads an export over 16 MB in a worker thread, with the output of a read on one thread (LEADAUDIT_THREADS=1)', () => {
    const out = join(dir, 'big');
    generate({ preset: 'hubspot', leads: 80_000, seed: 5, asOf: '2025-06-30', out, clean: true });
    const leads = join(out, 'contacts.csv');
    expect(statSync(leads).size).toBeGreaterThan(WORKER_MIN_BYTES);
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
    expect(statSync(leads).size).toBeGreaterThan(WORKER_MIN_BYTES);
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

  it('a fault of the deals file, read while the worker has begun on the leads, ends the run as on one thread (the worker is stopped, the run does not hang)', () => {
    const out = join(dir, 'big-bad-deals');
    generate({ preset: 'hubspot', leads: 80_000, seed: 7, asOf: '2025-06-30', out, clean: true });
    const leads = join(out, 'contacts.csv');
    expect(statSync(leads).size).toBeGreaterThan(WORKER_MIN_BYTES);
    appendFileSync(join(out, 'deals.csv'), '99999999,"Open deal\n');
    const run = (threads: string | undefined) =>
      spawnSync(process.execPath, [bin, 'sources', leads, join(out, 'deals.csv'), '--as-of', '2025-06-30', '--format', 'json'], {
        encoding: 'utf8',
        env: { ...process.env, LEADAUDIT_THREADS: threads, NO_COLOR: '1' },
        maxBuffer: 1 << 30,
        timeout: 120_000,
      });
    const two = run(undefined);
    const one = run('1');
    expect(one.status).toBe(1);
    expect(one.stderr).toMatch(/deals\.csv.*(unterminated|quote)/i);
    expect({ status: two.status, stderr: two.stderr, stdout: two.stdout }).toEqual({ status: one.status, stderr: one.stderr, stdout: one.stdout });
  });
});
