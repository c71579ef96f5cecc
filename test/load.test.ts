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
import { check } from '../src/reports/check.js';
import fc from 'fast-check';
import { dayNumber, isoDate, parseAmount } from '../src/data/normalize.js';
import { decimalColumn, proves } from './helpers/decimal-column.js';
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
    expect(l).toMatchObject({ read: 3, used: 1, skipped: 2, reasons: { created_outside_window: 1, no_created_date: 1 } });
    expect(d).toMatchObject({ read: 4, used: 2, skipped: 2, attributed: 1, unattributed: 1 });
    expect(d!.read).toBe(d!.used + d!.rejected + d!.skipped);
    const summary = report(buildReports(loaded.facts, ['summary']), 'summary').rows[0]!;
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
    const reports = buildReports(loaded.facts, ['summary', 'sources']);
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

describe('missing values', () => {
  it('reads \\N, NULL, N/A, #N/A and (blank) as empty everywhere: owner, source, ids, dates, amounts, join keys', async () => {
    const leads = file('id,source,owner,created,status\nL1,\\N,\\N,\\N,NULL\nL2,web,Ann,2025-01-02,new\n\\N,#N/A,(blank),n/a,N/A\n');
    const deals = file('id,lead_id,stage,amount,owner\nD1,L1,won,\\N,\\N\nD2,\\N,won,5,Bob\nD3,L2,won,7,null\n');
    const loaded = await run({ leads, deals });
    const leadsRead = loaded.data.leads!;
    // Before: `\N` became an owner and a source (a channel of its own).
    expect(leadsRead.map((c) => [c.lead.id, c.lead.source, c.channel, c.lead.owner, c.lead.status, Number.isNaN(c.lead.created)])).toEqual([
      ['L1', '', '(none)', '', '', true],
      ['L2', 'web', 'web', 'Ann', 'new', false],
      ['#4', '', '(none)', '', '', true],
    ]);
    const deal = (id: string) => loaded.data.deals!.find((d) => d.id === id)!;
    expect(Number.isNaN(deal('D1').amount)).toBe(true);
    expect(deal('D1').owner).toBe('');
    expect(deal('D3').owner).toBe('');
    // A `\N` join key joins nothing (the `\N` lead's id is missing too).
    expect(loaded.data.unattributed.map((d) => d.id)).toEqual(['D2']);
    // Missing is not unreadable: no warning about the dates or amounts.
    expect(loaded.warnings.join('\n')).not.toMatch(/could not be read/);
    const owners = report(buildReports((await run({ leads, deals, by: 'owner' })).facts, ['sources']), 'sources').rows.map((r) => r.owner);
    expect(owners).not.toContain('\\N');
    expect(owners).toContain('(none)');
  });

  it('makes a \\N cell empty for conditions and --by columns', async () => {
    const leads = file('id,source,region\nL1,web,\\N\nL2,web,EU\nL3,web,NULL\n');
    const rubric = join(dir, 'missing-conditions.yml');
    writeFileSync(rubric, 'version: 1\npreset: generic\nscore:\n  signals:\n    - { name: region known, points: 10, when: { region: { present: true } } }\n    - { name: no region, points: 1, when: { region: { empty: true } } }\n');
    const loaded = await run({ leads, rubric, preset: undefined, by: 'region' });
    expect(loaded.data.leads!.map((c) => c.score)).toEqual([1, 10, 1]);
    expect(loaded.data.leads!.map((c) => loaded.data.group.ofLead(c))).toEqual(['(none)', 'EU', '(none)']);
  });

  it('takes the rubric\'s missingValues instead of the default list; [] keeps every cell as written', async () => {
    const leads = file('id,source,owner\nL1,\\N,-\nL2,web,NULL\n');
    const own = join(dir, 'missing-own.yml');
    writeFileSync(own, "version: 1\npreset: generic\nmissingValues: ['-', 'none']\n");
    const mine = await run({ leads, rubric: own, preset: undefined });
    expect(mine.data.leads!.map((c) => [c.lead.source, c.lead.owner])).toEqual([
      ['\\N', ''],
      ['web', 'NULL'],
    ]);
    const off = join(dir, 'missing-off.yml');
    writeFileSync(off, 'version: 1\npreset: generic\nmissingValues: []\n');
    const none = await run({ leads, rubric: off, preset: undefined });
    expect(none.data.leads!.map((c) => c.channel)).toEqual(['\\N', 'web']);
    // check says which list a run used.
    const listed = (loaded: Awaited<ReturnType<typeof run>>) => check({ ...loaded }).find((r) => r.name === 'rubric')!.rows.find((r) => r.item === 'missing values')!.value;
    expect([listed(mine), listed(none)]).toEqual(['- none', '(none: every cell as written)']);
  });

  it('refuses a missingValues that is not a list of texts (exit 2)', async () => {
    const bad = join(dir, 'missing-bad.yml');
    // (YAML reads a bare NULL as null, not as the text "NULL".)
    writeFileSync(bad, 'version: 1\nmissingValues: NULL\n');
    await expect(run({ leads: file('id,source\nL1,web\n'), rubric: bad, preset: undefined })).rejects.toThrow(UsageError);
    await expect(run({ leads: file('id,source\nL1,web\n'), rubric: bad, preset: undefined })).rejects.toThrow(/missingValues: expected a list, got null/);
  });
});

describe('numbers per column', () => {
  it('reads a deal amount column as decimal-point when one value proves it: 0.125, 99.999 and 1,250.50', async () => {
    const deals = file('id,stage,amount\nD1,won,0.125\nD2,won,99.999\nD3,won,"1,250.50"\nD4,won,"1,234"\n');
    const loaded = await run({ deals });
    // Before: 0.125 read as 125 and 99.999 as 99999.
    expect(loaded.data.deals!.map((d) => d.amount)).toEqual([0.125, 99.999, 1250.5, 1234]);
    expect(loaded.deals!.read.numberFormats).toEqual({ amount: 'decimal point (1,234.56)' });
    expect(loaded.warnings.join('\n')).not.toMatch(/thousands or decimals/);
  });

  it('reads a comma-decimal column: 1.234,56 proves it, 42.000 is then forty-two thousand and 99,999 a decimal', async () => {
    const deals = file('id,stage,amount\nD1,won,"1.234,56"\nD2,won,42.000\nD3,won,"99,999"\n');
    const loaded = await run({ deals });
    expect(loaded.data.deals!.map((d) => d.amount)).toEqual([1234.56, 42000, 99.999]);
    expect(loaded.deals!.read.numberFormats).toEqual({ amount: 'decimal comma (1.234,56)' });
  });

  it('warns about a column of only 1,234-like values, naming file, column and choice, and check shows it', async () => {
    const deals = file('id,stage,Deal Value\nD1,won,"42,000"\nD2,won,"5,500"\nD3,won,700\n');
    const loaded = await run({ deals });
    expect(loaded.data.deals!.map((d) => d.amount)).toEqual([42000, 5500, 700]);
    expect(loaded.warnings).toContain(`${deals}: column "Deal Value": 2 numbers like 1,234 could be thousands or decimals and no value decides; read as thousands (1,234 = 1234)`);
    const quality = check({ ...loaded, warnings: loaded.warnings }).flatMap((r) => r.rows);
    expect(quality).toContainEqual({ file: 'deals', check: 'number format of "Deal Value"', count: null, detail: 'thousands (assumed): 2 values like 1,234 and none that decides' });
  });

  it('warns about a column with proof both ways, reading each proven value as it proves', async () => {
    const deals = file('id,stage,amount\nD1,won,12.5\nD2,won,"0,5"\nD3,won,1.234\n');
    const loaded = await run({ deals });
    expect(loaded.data.deals!.map((d) => d.amount)).toEqual([12.5, 0.5, 1234]);
    expect(loaded.warnings.join('\n')).toMatch(/column "amount" has numbers with a decimal point and with a decimal comma \(1 prove 1,234\.56, 1 prove 1\.234,56\)/);
  });

  it('number conditions read a lead column with its decision: probability { lt: 0.5 } is true for 0.125, { lt: 100 } for 99.999', async () => {
    const leads = file('id,source,Probability (%)\nL1,web,0.125\nL2,web,99.999\nL3,web,12.5\nL4,web,\\N\n');
    const rubric = join(dir, 'probability.yml');
    writeFileSync(
      rubric,
      "version: 1\npreset: generic\nscore:\n  signals:\n    - { name: unlikely, points: 1, when: { 'Probability (%)': { lt: 0.5 } } }\n    - { name: below 100, points: 10, when: { 'Probability (%)': { lt: 100 } } }\n",
    );
    const loaded = await run({ leads, rubric, preset: undefined });
    // Before: 0.125 read as 125 (not < 0.5) and 99.999 as 99999 (not < 100).
    expect(loaded.data.leads!.map((c) => c.score)).toEqual([11, 10, 10, 0]);
    expect(loaded.leads!.read.numberFormats).toEqual({ 'Probability (%)': 'decimal point (1,234.56)' });
  });

  it('deal conditions read their column with its decision, and a comma column the other way', async () => {
    const deals = file('id,stage,amount,prob\nD1,open,1,"99,999"\nD2,open,1,"0,5"\nD3,open,1,"100,5"\n');
    const rubric = join(dir, 'deal-prob.yml');
    writeFileSync(rubric, 'version: 1\npreset: generic\ndeals:\n  won: { prob: { lte: 100 } }\n');
    const loaded = await run({ deals, rubric, preset: undefined });
    // 99,999 is 99.999 in this column (0,5 proves a decimal comma); alone it would be 99999.
    expect(loaded.data.deals!.map((d) => d.outcome)).toEqual(['won', 'won', 'open']);
    expect(loaded.deals!.read.numberFormats).toMatchObject({ prob: 'decimal comma (1.234,56)' });
  });

  it('reads back a deal amount column of random decimals written either way, end to end (property)', async () => {
    await fc.assert(
      fc.asyncProperty(decimalColumn(40), async ({ column }) => {
        const deals = file(`id,stage,amount\n${column.map((w, i) => `D${i},won,"${w.text}"`).join('\n')}\n`);
        const loaded = await run({ deals });
        const amounts = loaded.data.deals!.map((d) => d.amount);
        if (proves(column)) {
          expect(amounts).toEqual(column.map((w) => w.exact));
          expect(loaded.warnings.join('\n')).not.toMatch(/thousands or decimals/);
        } else {
          expect(amounts).toEqual(column.map((w) => parseAmount(w.text)));
          if (column.some((w) => /[.,]/.test(w.text))) expect(loaded.warnings.join('\n')).toMatch(/column "amount": \d+ numbers? like .* could be thousands or decimals/);
        }
      }),
      { seed: 20261206, numRuns: 60 },
    );
  });

  it('reads --spend with its column\'s decimal mark', async () => {
    const leads = file('id,source\nL1,Ads\nL2,Web\n');
    const spend = join(dir, 'spend-decimal.csv');
    writeFileSync(spend, 'channel,spend\nAds,99.999\nWeb,12.5\n');
    const loaded = await run({ leads, spend });
    expect(report(buildReports(loaded.facts, ['sources']), 'sources').rows.map((r) => [r.channel, r.spend])).toEqual([
      ['Ads', 99.999],
      ['Web', 12.5],
    ]);
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
    const rows = report(buildReports(loaded.facts, ['sources']), 'sources').rows;
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
    // Named relative to the working folder it was found in, as the user would name it.
    expect(loaded.notices).toContain('using rubric leadaudit.yml');
    expect(loaded.rubricFile).toBe('leadaudit.yml');
    // Its errors name it the same way, not by the absolute path it was read from.
    writeFileSync(join(cwd, 'leadaudit.yml'), 'version: 1\npreset: generic\nstages: 7\n');
    await expect(run({ leads, cwd })).rejects.toThrow(/^leadaudit\.yml: stages: /);
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
