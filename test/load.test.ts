/**
 * A run's inputs end to end through the library (read → map → join → classify → reports), on tiny
 * exports written inline: join keys, --since/--until, missing amounts, groupings, date orders.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load, readFirstRow, type LoadOptions } from '../src/load.js';
import { buildReports } from '../src/reports/index.js';
import { dayNumber, isoDate } from '../src/data/normalize.js';
import { InputError, UsageError } from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'leadaudit-load-'));
let n = 0;
function file(text: string): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, text);
  return path;
}

const AS_OF = dayNumber(2025, 6, 30);
const run = (options: Partial<LoadOptions>) =>
  load({ asOf: AS_OF, minN: 30, strict: false, keepRejects: false, cwd: dir, preset: 'generic', ...options });
const report = (reports: ReturnType<typeof buildReports>, name: string) => reports.find((r) => r.name === name)!;

describe('join', () => {
  it('matches keys the same way on both sides: trimmed, emails lower-cased, several per cell', async () => {
    const leads = file('id,email,source\nAnn@X.com,ann@x.com,web\nL2,BOB@Y.org,ads\nL3,,web\n');
    const deals = file('id,lead_id,stage,amount\nD1,ann@x.com,won,100\nD2, L2 ; L9 ,lost,5\nD3,L9;L3,won,7\nD4,,won,1\n');
    const loaded = await run({ leads, deals });
    const byLead = Object.fromEntries(loaded.data.leads!.map((c) => [c.lead.id, c.deals.map((d) => d.id)]));
    expect(byLead).toEqual({ 'Ann@X.com': ['D1'], L2: ['D2'], L3: ['D3'] });
    expect(loaded.data.unattributed.map((d) => d.id)).toEqual(['D4']);
    expect(loaded.data.inputs.deals).toMatchObject({ used: 4, attributed: 3, unattributed: 1 });
  });

  it('joins on email when the rubric says so', async () => {
    const leads = file('id,email,source\nL1, Ann@X.com ,web\nL2,bob@y.org,ads\n');
    const deals = file('id,email,stage,amount\nD1,ann@x.COM,won,100\nD2,nobody@z.io,won,5\n');
    const rubric = join(dir, 'email-join.yml');
    writeFileSync(rubric, 'version: 1\npreset: generic\njoin: { lead: email, deal: leadEmail }\ndeals:\n  columns: { lead: null }\n');
    const loaded = await run({ leads, deals, rubric, preset: undefined });
    expect(loaded.data.leads!.map((c) => [c.lead.id, c.outcome])).toEqual([
      ['L1', 'won'],
      ['L2', 'open'],
    ]);
    expect(loaded.data.unattributed.map((d) => d.id)).toEqual(['D2']);
  });
});

describe('--since / --until', () => {
  const leads = () => file('id,source,created\nL1,web,2025-01-10\nL2,web,2025-03-10\nL3,ads,\n');
  const deals = () => file('id,lead_id,stage,amount,created\nD1,L1,won,100,2025-01-20\nD2,L2,won,50,2025-03-20\nD3,L9,won,7,2024-12-01\nD4,L9,won,9,2025-04-01\n');

  it('skips leads outside the window with their deals, and unattributed deals by their own date', async () => {
    const loaded = await run({ leads: leads(), deals: deals(), since: dayNumber(2025, 2, 1) });
    const { leads: l, deals: d } = loaded.data.inputs;
    expect(l).toMatchObject({ read: 3, used: 1, skipped: 2, reasons: { 'created outside --since/--until': 1, 'no created date (--since/--until)': 1 } });
    expect(d).toMatchObject({ read: 4, used: 2, skipped: 2, attributed: 1, unattributed: 1 });
    expect(d!.read).toBe(d!.used + d!.rejected + d!.skipped);
    const summary = report(buildReports(loaded.data, ['summary']), 'summary').rows[0]!;
    expect(summary.won_revenue).toBe(50 + 9);
  });

  it('an empty window is an input error, a reversed one a usage error', async () => {
    await expect(run({ leads: leads(), since: dayNumber(2026, 1, 1) })).rejects.toThrow(InputError);
    await expect(run({ leads: leads(), since: dayNumber(2026, 1, 1) })).rejects.toThrow(/no leads created from 2026-01-01/);
    await expect(run({ leads: leads(), since: dayNumber(2025, 6, 1), until: dayNumber(2025, 1, 1) })).rejects.toThrow(UsageError);
  });
});

describe('amounts and groupings', () => {
  it('leaves won deals without an amount out of the average deal (missing is not zero)', async () => {
    const deals = file('id,stage,amount,owner\nD1,won,1000,Ann\nD2,won,,Ann\nD3,lost,300,Bob\n');
    const loaded = await run({ deals });
    const reports = buildReports(loaded.data, ['summary', 'sources']);
    expect(report(reports, 'summary').rows[0]).toMatchObject({ won: 2, won_revenue: 1000, avg_deal: 1000 });
    const ann = report(reports, 'sources').rows.find((r) => r.owner === 'Ann')!;
    expect(ann).toMatchObject({ won: 2, won_revenue: 1000, avg_deal: 1000 });
    expect(report(reports, 'sources').notes.join(' ')).toMatch(/1 won deal has no amount/);
  });

  it('refuses a --by that means nothing for deals in a deals-only run', async () => {
    const deals = file('id,stage,amount\nD1,won,1\n');
    await expect(run({ deals, by: 'grade' })).rejects.toThrow(/--by grade: a deals-only run groups deals by owner, stage or a column/);
  });
});

describe('dates', () => {
  it('reads --date-order ymd two-digit-year dates', async () => {
    const leads = file('id,source,created\nL1,web,24/03/05\n');
    const loaded = await run({ leads, dateOrder: 'ymd' });
    expect(isoDate(loaded.data.leads!.at(0)!.lead.created)).toBe('2024-03-05');
  });

  it('learns a column is D/M from one value and re-reads the ambiguous ones', async () => {
    const leads = file('id,source,created\nL1,web,03/05/2024\nL2,web,25/12/2024\n');
    const loaded = await run({ leads });
    expect(loaded.data.leads!.map((c) => isoDate(c.lead.created))).toEqual(['2024-05-03', '2024-12-25']);
  });

  it('learns the order from dashed dates too, a one- or two-digit day first', async () => {
    const leads = file('id,source,created\nL1,web,3-05-2024\nL2,web,25-12-2024\nL3,web,2024-01-02\n');
    const loaded = await run({ leads });
    expect(loaded.data.leads!.map((c) => isoDate(c.lead.created))).toEqual(['2024-05-03', '2024-12-25', '2024-01-02']);
  });

  it('warns when a column never proves its order', async () => {
    const leads = file('id,source,created\nL1,web,03/05/2024\n');
    const loaded = await run({ leads });
    expect(loaded.warnings.join('\n')).toMatch(/"created": 1 dates like 3\/5\/2024 could be M\/D or D\/M; read as M\/D/);
  });

  it('drops a UTF-8 BOM even when the bytes after it are Windows-1252', async () => {
    const path = join(dir, 'bom-1252.csv');
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,source\nL1,Caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const loaded = await run({ leads: path });
    expect(loaded.leads!.plan.header.names).toEqual(['id', 'source']);
    expect(loaded.data.leads!.at(0)!.lead.source).toBe('Café');
    expect(loaded.warnings.join('\n')).toMatch(/not valid UTF-8; read as Windows-1252/);
  });
});

describe('--spend', () => {
  it('adds spend, cost per lead and per win, and ROAS per channel; warns about names that match none', async () => {
    const leads = file('id,source\nL1,Paid Search\nL2,paid search\nL3,Organic\n');
    const deals = file('id,lead_id,stage,amount\nD1,L1,won,"R$ 1.500,00"\nD2,L3,won,800\n');
    const spend = join(dir, 'spend.csv');
    writeFileSync(spend, 'Channel;Spend;;\n Paid Search ;R$ 100.000;;\nPaid Display;R$ 30.000;;\n');
    const loaded = await run({ leads, deals, spend });
    const rows = report(buildReports(loaded.data, ['sources']), 'sources').rows;
    const paid = rows.find((r) => r.channel === 'Paid Search')!;
    expect(paid).toMatchObject({ leads: 1, won: 1, spend: 100000, cost_per_lead: 100000, cost_per_win: 100000, roas: 0.015 });
    // "paid search" is another raw source (no channel rule joins them): the exact name takes the spend, once.
    expect(rows.find((r) => r.channel === 'paid search')).toMatchObject({ spend: null });
    expect(rows.find((r) => r.channel === 'Organic')).toMatchObject({ spend: null, roas: null });
    expect(loaded.warnings.join('\n')).toMatch(/spend for "Paid Display" matches no channel/);
  });
});

describe('how the files are written, from the rubric (read before the files)', () => {
  it('leads.header and deals.header name the columns of headerless files; the preset is detected from those names', async () => {
    const leads = file('101,ann@x.com,Web,2025-01-05\n102,bob@y.org,\\N,2025-02-05\n');
    const deals = file('D1,101,closedwon,500\n');
    const rubric = join(dir, 'headerless.yml');
    writeFileSync(rubric, 'version: 1\nleads:\n  header: [Record ID, Email, Original Source, Create Date]\ndeals:\n  header: [Record ID, Associated Contact IDs, Deal Stage, Amount]\n');
    const loaded = await run({ leads, deals, rubric, preset: undefined });
    expect(loaded.rubric.preset).toBe('hubspot');
    expect(loaded.rubric.leads.header).toEqual(['Record ID', 'Email', 'Original Source', 'Create Date']);
    expect(loaded.data.inputs.leads).toMatchObject({ read: 2, used: 2 });
    expect(loaded.data.leads!.map((c) => [c.lead.id, c.outcome])).toEqual([
      ['101', 'won'],
      ['102', 'open'],
    ]);
  });

  it('a headerless file without leads.header is an input error naming the key; ./leadaudit.yml gives it like --rubric', async () => {
    const leads = file('101,ann@x.com,Web,2025-01-05\n');
    await expect(run({ leads })).rejects.toThrow(new InputError(`${leads}: the first row looks like data, not a header (cells "ann@x.com" (an email), "2025-01-05" (a date)); give the column names with leads.header: [name, …] in the rubric (in file order)`));
    const cwd = mkdtempSync(join(tmpdir(), 'leadaudit-load-cwd-'));
    writeFileSync(join(cwd, 'leadaudit.yml'), 'version: 1\npreset: generic\nleads:\n  header: [id, email, source, created]\n');
    const loaded = await run({ leads, cwd });
    expect(loaded.notices).toContain(`using rubric ${join(cwd, 'leadaudit.yml')}`);
    expect(loaded.notices).toContain(`${leads}: no header row; its column names are leads.header in the rubric`);
    expect(loaded.data.inputs.leads).toMatchObject({ read: 1, used: 1 });
  });

  it('deals.escape reads the deals file with backslash escapes, leaving the leads file as RFC 4180; --escape sets both', async () => {
    const leads = file('id,name,source\nL1,"Ann ""A"" Lee",web\n');
    const deals = file('id,lead_id,owner,stage,amount\nD1,L1,"O\\"Brien \\\\ Co",won,5\n');
    const rubric = join(dir, 'escape.yml');
    writeFileSync(rubric, 'version: 1\npreset: generic\ndeals:\n  escape: backslash\n');
    const loaded = await run({ leads, deals, rubric, preset: undefined, keepCells: true });
    expect(loaded.data.leads!.map((c) => c.lead.name)).toEqual(['Ann "A" Lee']);
    expect(loaded.data.deals!.map((d) => d.owner)).toEqual(['O"Brien \\ Co']);
    const both = await run({ leads: file('id,name,source\nL1,"Ann \\"A\\" Lee",web\n'), deals, escape: 'backslash' });
    expect(both.data.leads!.map((c) => c.lead.name)).toEqual(['Ann "A" Lee']);
  });

  it('a name given twice in leads.header is a rubric error naming both places', async () => {
    const rubric = join(dir, 'twice.yml');
    writeFileSync(rubric, 'version: 1\npreset: generic\nleads:\n  header: [id, Email, email]\n');
    await expect(run({ leads: file('1,a@x.com,b@x.com\n'), rubric, preset: undefined })).rejects.toThrow(
      new UsageError(`${rubric}: leads.header[2]: "email" is already the name of leads.header[1]; each column needs its own name`),
    );
  });
});

describe('readFirstRow (for init)', () => {
  it('gives the first row as it is, a header or a row of data (no "duplicate column name \\N")', async () => {
    expect(await readFirstRow(file('L1,\\N,a@x.com,\\N\nL2,b,c,d\n'), {})).toEqual(['L1', '\\N', 'a@x.com', '\\N']);
    expect(await readFirstRow(file('id,"Lead ""Source""",email\n1,web,a@x.com\n'), {})).toEqual(['id', 'Lead "Source"', 'email']);
    expect(await readFirstRow(file('1,"O\\"Brien"\n'), { escape: '\\' })).toEqual(['1', 'O"Brien']);
  });
});
