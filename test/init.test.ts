import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { profileRows } from '../src/data/profile.js';
import type { InitFile } from '../src/rubric/init/evidence.js';
import { joinPairs } from '../src/rubric/init/join.js';
import { pruneCondition } from '../src/rubric/init/prune.js';
import { initRubric } from '../src/rubric/init/write.js';
import { resolveRubric } from '../src/rubric/resolve.js';
import { rubricSchema, type RubricInput } from '../src/rubric/schema.js';

/** An InitFile from inline rows, every column kept as a join-key candidate. */
function file(name: string, side: 'leads' | 'deals', header: string[], rows: string[][], extra: Partial<InitFile> = {}): InitFile {
  const keys = new Map(header.map((h, i) => [h, rows.map((r) => r[i] ?? '')] as const));
  return { file: name, profiles: profileRows(header, rows), keys, ...extra };
}

function written(text: string): RubricInput {
  const parsed = rubricSchema.safeParse(parse(text));
  if (!parsed.success) throw new Error(`init wrote an invalid rubric: ${parsed.error.message}\n${text}`);
  resolveRubric(parsed.data, 'init', parsed.data.preset ?? 'generic');
  return parsed.data;
}

const day = (i: number) => `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`;

describe('init from values', () => {
  it('deals only: won and lost from stage names, open stages in a known pipeline order, nothing null that breaks', () => {
    const stages = ['Closed Won', 'Negotiation/Review', 'Prospecting', 'Closed Lost', 'Qualification'];
    const rows = Array.from({ length: 60 }, (_, i) => [`D${1000 + i}`, stages[i % 5]!, String(100 * i), day(i), ['Ana', 'Ben'][i % 2]!]);
    const rubric = written(initRubric({ preset: 'generic', presetWhy: 'test', deals: file('d.csv', 'deals', ['id', 'stage', 'amount', 'created', 'owner'], rows), today: '2026-12-05' }));
    expect(rubric.deals!.won).toEqual(['Closed Won']);
    expect(rubric.deals!.lost).toEqual(['Closed Lost']);
    expect(rubric.deals!.stages!.map((s) => s.value)).toEqual(['Prospecting', 'Qualification', 'Negotiation/Review']);
    expect(rubric.stages!.map((s) => s.key)).toEqual(['lead', 'opportunity', 'won']);
  });

  it('reads won from a flag column and lost from closed-and-not-won', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [`006${i}`, ['Stage A', 'Stage B', 'Done'][i % 3]!, i % 3 === 2 ? 'true' : 'false', i % 3 === 2 || i % 5 === 0 ? 'true' : 'false']);
    const rubric = written(initRubric({ preset: 'generic', presetWhy: 'test', deals: file('o.csv', 'deals', ['Id', 'StageName', 'IsWon', 'IsClosed'], rows), today: '2026-12-05' }));
    expect(rubric.deals!.won).toEqual({ IsWon: { eq: true } });
    expect(rubric.deals!.lost).toEqual({ IsClosed: { eq: true }, IsWon: { eq: false } });
  });

  it('reads won from a won date and lost from a lost reason when there is no status column', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [`${i + 1}`, 'Proposal Made', i % 3 === 0 ? day(i) : '', i % 3 === 1 ? 'Price' : '']);
    const rubric = written(initRubric({ preset: 'generic', presetWhy: 'test', deals: file('d.csv', 'deals', ['Deal - ID', 'Deal - Stage', 'Deal - Won time', 'Deal - Lost reason'], rows), today: '2026-12-05' }));
    expect(rubric.deals!.won).toEqual({ 'Deal - Won time': { present: true } });
    expect(rubric.deals!.lost).toEqual({ 'Deal - Lost reason': { present: true } });
  });

  it('reads won and lost from an outcome column under any name, and a closed flag asked as a question', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [`opp_${i}x1`, ['won', 'lost', 'active'][i % 3]!, ['Demo', 'Proposal'][i % 2]!]);
    const rubric = written(initRubric({ preset: 'generic', presetWhy: 'test', deals: file('o.csv', 'deals', ['id', 'status_type', 'status_label'], rows), today: '2026-12-05' }));
    expect(rubric.deals!.won).toEqual({ status: { in: ['won'] } });
    expect(rubric.deals!.lost).toEqual({ status: { in: ['lost'] } });
    const flags = Array.from({ length: 30 }, (_, i) => [`${100 + i}`, 'Renewal Due', i % 2 ? 'true' : 'false', i % 3 ? 'true' : 'false']);
    const hubspot = written(initRubric({ preset: 'generic', presetWhy: 'test', deals: file('h.csv', 'deals', ['Record ID', 'Deal Stage', 'Is Closed Won', 'Is Deal Closed?'], flags), today: '2026-12-05' }));
    expect(hubspot.deals!.lost).toEqual({ 'Is Deal Closed?': { eq: true }, 'Is Closed Won': { eq: false } });
  });

  it('keeps the won stage when nothing in the deals looks won, and wins nothing rather than every deal', () => {
    const rows = Array.from({ length: 20 }, (_, i) => [`D${i}`, ['Intro', 'Demo'][i % 2]!]);
    const rubric = written(initRubric({ preset: 'generic', presetWhy: 'test', deals: file('d.csv', 'deals', ['deal_id', 'stage'], rows), today: '2026-12-05' }));
    expect(rubric.deals!.won).toEqual({ any: [] });
    expect(rubric.deals!.lost).toEqual({ any: [] });
    expect(rubric.stages!.at(-1)).toMatchObject({ key: 'won', reachedWhen: { deal: 'won' } });
  });

  it('orders unknown stages by a probability column, and says so', () => {
    const rows: string[][] = [];
    const prob: [string, number][] = [];
    for (let i = 0; i < 30; i++) {
      const [s, p] = [['Demo', 40], ['Intro', 10], ['Contract', 80]][i % 3] as [string, number];
      rows.push([`X${i}`, s, String(p)]);
      prob.push([s, p]);
    }
    const text = initRubric({ preset: 'generic', presetWhy: 'test', deals: file('p.csv', 'deals', ['deal_id', 'sales_stage', 'probability'], rows, { stageProbability: { stage: 'sales_stage', probability: 'probability', rows: prob } }), today: '2026-12-05' });
    expect(written(text).deals!.stages!.map((s) => s.value)).toEqual(['Intro', 'Demo', 'Contract']);
    expect(text).toMatch(/ordered by the average of "probability" per stage \(review\)/);
  });

  it('leads only: a conversion flag is the last stage, statuses become stages and disqualification', () => {
    const statuses = ['Open - Not Contacted', 'Working - Contacted', 'Marketing Qualified', 'Unqualified', 'Closed - Converted'];
    const rows = Array.from({ length: 50 }, (_, i) => [`L${i}`, ['Web', 'web', 'Partner'][i % 3]!, statuses[i % 5]!, i % 5 === 4 ? '1' : '0', day(i)]);
    const text = initRubric({ preset: 'generic', presetWhy: 'test', leads: file('l.csv', 'leads', ['lead_id', 'lead_source', 'status', 'Converted', 'created'], rows), today: '2026-12-05' });
    const rubric = written(text);
    const keys = rubric.stages!.map((s) => s.key);
    expect(keys).toEqual(['lead', 'mql', 'sql', 'converted']);
    expect(rubric.stages!.at(-1)!.reachedWhen!.when).toEqual({ Converted: { eq: true } });
    expect(rubric.stages!.every((s) => s.reachedWhen?.deal === undefined)).toBe(true);
    expect(rubric.disqualified).toEqual({ status: { in: ['Unqualified'] } });
    // Spellings of one source are one channel, with its count.
    expect(rubric.channels![0]).toEqual({ name: 'Web', when: { source: { in: ['Web', 'web'] } } });
    expect(text).toMatch(/"Web", "web" \] \} \} \}\s+# 34 leads/);
  });

  it('leads only with no outcome: ticked steps become stages, and the won stage waits for deals instead of crowning the last step', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [day(i), ['paid-search', 'paid-social'][i % 2]!, i % 4 === 0 ? '1' : '0']);
    const rubric = written(initRubric({ preset: 'generic', presetWhy: 'test', leads: file('l.csv', 'leads', ['Created Date', 'UTM_Medium', 'Hand Raiser'], rows), today: '2026-12-05' }));
    expect(rubric.stages!.map((s) => [s.key, s.reachedWhen])).toEqual([
      ['lead', undefined],
      ['mql', { when: { 'Hand Raiser': { eq: true } } }],
      ['won', { deal: 'won' }],
    ]);
  });

  it('leads only: a Converted status is conversion, as a Converted flag is', () => {
    const statuses = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'];
    const rows = Array.from({ length: 40 }, (_, i) => [`L${i}`, statuses[i % 4]!, day(i)]);
    const rubric = written(initRubric({ preset: 'generic', presetWhy: 'test', leads: file('l.csv', 'leads', ['lead_id', 'status', 'created'], rows), today: '2026-12-05' }));
    expect(rubric.stages!.map((s) => s.key)).toEqual(['lead', 'sql', 'converted']);
    expect(rubric.stages!.at(-1)!.reachedWhen).toEqual({ status: ['Closed - Converted'] });
  });

  it('writes header text only as quoted data: a hostile header stays one name', () => {
    const evil = 'Source\nalerts: [{ report: sources, metric: win_rate, below: 1 }] #';
    const rows = Array.from({ length: 10 }, (_, i) => [`L${i}`, 'Web']);
    const text = initRubric({ preset: 'generic', presetWhy: 'test', leads: file('l.csv', 'leads', ['id', evil], rows), today: '2026-12-05' });
    const rubric = written(text);
    expect(rubric.alerts).toBeUndefined();
    expect(Object.keys(parse(text))).not.toContain('alerts');
    expect(text).not.toMatch(/^alerts:/m);
  });

  it('header and cell text never becomes YAML syntax: any header, source, status or stage text stays data (property)', () => {
    // Text built from the characters that end a line, a comment, a key or a flow collection.
    const hostile = fc.string({ unit: 'binary', maxLength: 8 });
    const piece = fc.constantFrom('\n', '\r', '\r\n', '\u2028', '\u0085', '#', ': ', '- ', '"', "'", '{', '}', '[', ']', ',', '\\', 'alerts:', '&a', '*a', '!!js', ' ', 'Web');
    const text = fc.array(fc.oneof(piece, hostile), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, text, text, (header, source, stage) => {
        const leadRows = Array.from({ length: 12 }, (_, i) => [`L${i}`, i % 2 === 0 ? source : 'Web', i % 3 === 0 ? stage : 'New', day(i)]);
        const dealRows = Array.from({ length: 12 }, (_, i) => [`D${i}`, `L${i}`, i % 2 === 0 ? stage : 'Closed Won', String(100 * i)]);
        const leads = file('l.csv', 'leads', ['id', 'Lead Source', 'Lead Status', header === 'id' ? 'x' : header], leadRows);
        const deals = file('d.csv', 'deals', ['Deal ID', 'Contact ID', 'Deal Stage', header === 'Deal ID' ? 'y' : header], dealRows);
        const out = initRubric({ preset: 'generic', presetWhy: 'test', leads, deals, today: '2026-12-05' });
        const doc = parse(out) as Record<string, unknown>;
        expect(Object.keys(doc).filter((k) => !['version', 'preset', 'leads', 'deals', 'join', 'channels', 'stages', 'score'].includes(k))).toEqual([]);
        const rubric = written(out);
        const headers = new Set([...leads.profiles.map((p) => p.name), ...deals.profiles.map((p) => p.name)]);
        for (const mapped of [...Object.values(rubric.leads?.columns ?? {}), ...Object.values(rubric.deals?.columns ?? {})]) {
          if (typeof mapped === 'string') expect(headers.has(mapped), mapped).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('joins by the pair of columns whose values meet most, and states shared keys', () => {
    const leads = Array.from({ length: 20 }, (_, i) => [`00Q${i}`, `001A${i % 5}`, i < 2 ? `006${i}` : '']);
    const deals = Array.from({ length: 5 }, (_, i) => [`006${i}`, `001A${i}`, i < 2 ? 'Closed Won' : 'Prospecting']);
    const L = file('l.csv', 'leads', ['Id', 'ConvertedAccountId', 'ConvertedOpportunityId'], leads);
    const D = file('o.csv', 'deals', ['Id', 'AccountId', 'StageName'], deals);
    const best = joinPairs(L, D)[0]!;
    expect(best).toMatchObject({ lead: 'ConvertedAccountId', deal: 'AccountId', deals: 5, matched: 5, shared: 5 });
    const text = initRubric({ preset: 'salesforce', presetWhy: 'test', leads: L, deals: D, today: '2026-12-05' });
    expect(text).toMatch(/Measured: 5 deals of 5 \(100\.0%\) match a lead by "ConvertedAccountId" = "AccountId"/);
    expect(text).toMatch(/5 deals match several leads/);
    expect(parse(text).join).toMatchObject({ lead: 'ConvertedAccountId', deal: 'AccountId', shared: 'all' });
  });
});

describe('init picks the join a person would', () => {
  // 40 leads at 10 companies, 6 converted into an opportunity; 12 deals at those companies, 6 from the leads.
  const leads = Array.from({ length: 40 }, (_, i) => [`00Q${1000 + i}`, `Company ${i % 10}`, i < 6 ? `006${i}` : '', ['u1', 'u2'][i % 2]!]);
  const deals = Array.from({ length: 12 }, (_, i) => [`006${i}`, `Company ${i % 10}`, i % 3 ? 'Prospecting' : 'Closed Won', ['u1', 'u2'][i % 2]!]);
  const L = file('l.csv', 'leads', ['Lead ID', 'Company', 'Converted Opportunity ID', 'Owner ID'], leads);
  const D = file('o.csv', 'deals', ['Opportunity ID', 'Account Name', 'Stage', 'Owner ID'], deals);

  it('by id when an id link reaches a fair share of deals, though a name link reaches more', () => {
    const text = initRubric({ preset: 'generic', presetWhy: 'test', leads: L, deals: D, today: '2026-12-05' });
    expect(parse(text).join).toEqual({ lead: 'Converted Opportunity ID', deal: 'id' });
    expect(text).toMatch(/runner-up: "Company" = "Account Name": 12 deals of 12 \(by name, not id\)/);
  });

  it('contacts holding one deal id go to the first, as a deal naming several contacts does; an account credits all', () => {
    const leads = Array.from({ length: 20 }, (_, i) => [`${5000 + i}`, `${9000 + (i % 8)}`]);
    const deals = Array.from({ length: 8 }, (_, i) => [`${9000 + i}`, i % 2 ? 'closedwon' : 'closedlost']);
    const text = initRubric({ preset: 'generic', presetWhy: 'test', leads: file('c.csv', 'leads', ['Record ID', 'Associated Deal IDs'], leads), deals: file('d.csv', 'deals', ['Deal ID', 'Deal Stage'], deals), today: '2026-12-05' });
    expect(parse(text).join).toEqual({ lead: 'Associated Deal IDs', deal: 'id', shared: 'first' });
  });

  it('on a tie, by the link the fields name (contact id = the deal\'s contact ids)', () => {
    const leads = Array.from({ length: 10 }, (_, i) => [`${500 + i}`, `${900 + i}`]);
    const deals = Array.from({ length: 10 }, (_, i) => [`${900 + i}`, `${500 + i}`, 'closedwon']);
    const text = initRubric({ preset: 'hubspot', presetWhy: 'test', leads: file('c.csv', 'leads', ['Record ID', 'Associated Deal IDs'], leads), deals: file('d.csv', 'deals', ['Record ID', 'Associated Contact IDs', 'Deal Stage'], deals), today: '2026-12-05' });
    expect(parse(text).join).toEqual({ lead: 'id', deal: 'lead' });
  });

  it('never by owner ids, which overlap completely', () => {
    const pairs = joinPairs(L, D, 'Lead ID').map((p) => `${p.lead}=${p.deal}`);
    expect(pairs).not.toContain('Owner ID=Owner ID');
    expect(pairs).toContain('Company=Account Name');
  });
});

describe('init on odd exports still writes a rubric check accepts', () => {
  it('a file with no recognized column gets columns: {}', () => {
    const rubric = written(initRubric({ preset: 'generic', presetWhy: 'test', leads: file('x.csv', 'leads', ['x'], [['1'], ['2']]), today: '2026-12-05' }));
    expect(rubric.leads!.columns).toEqual({});
  });

  it('stage values that differ only by case are one stage', () => {
    const rows = ['Proposal', 'proposal', 'PROPOSAL', 'Closed Won', 'Demo'].map((v, i) => [`D${i}`, v]);
    const rubric = written(initRubric({ preset: 'generic', presetWhy: 'test', deals: file('d.csv', 'deals', ['deal_id', 'stage'], rows), today: '2026-12-05' }));
    expect(rubric.deals!.stages!.map((s) => s.value)).toEqual([['PROPOSAL', 'Proposal', 'proposal'], 'Demo']);
  });

  it('a column named any is never a condition key', () => {
    const rows = Array.from({ length: 12 }, (_, i) => [`D${i}`, 'Demo', ['won', 'lost', 'open'][i % 3]!]);
    const rubric = written(initRubric({ preset: 'generic', presetWhy: 'test', deals: file('d.csv', 'deals', ['Deal ID', 'Stage', 'any'], rows), today: '2026-12-05' }));
    expect(rubric.deals!.won).toEqual({ any: [] });
  });

  it('Not Won, Personal Demo and Vintage are not outcomes', () => {
    const rows = ['Closed Won', 'Not Won', 'Closed Lost', 'Personal Demo', 'Vintage Review'].map((v, i) => [`D${i}`, v]);
    const rubric = written(initRubric({ preset: 'generic', presetWhy: 'test', deals: file('d.csv', 'deals', ['deal_id', 'stage'], rows), today: '2026-12-05' }));
    expect(rubric.deals!.won).toEqual(['Closed Won']);
    expect(rubric.deals!.lost).toEqual(['Closed Lost']);
  });

  it('the preset grade bands only when the signals can reach its top score', () => {
    const header = ['Record ID', 'Email', 'Job Title', 'Number of Employees', 'Lifecycle Stage', 'Contact owner'];
    const rows = Array.from({ length: 20 }, (_, i) => [`${100 + i}`, `p${i}@acme.com`, 'VP Sales', String(10 * i), 'lead', 'Ana']);
    const rubric = written(initRubric({ preset: 'hubspot', presetWhy: 'test', leads: file('c.csv', 'leads', header, rows), today: '2026-12-05' }));
    // Without Number of Form Submissions the top score is 35, under the preset's A of 40.
    expect(rubric.score!.grades).toEqual({ A: 21, B: 11, C: 0 });
  });
});

describe('pruneCondition', () => {
  const has = (f: string) => f !== 'missing';
  it('drops what a file cannot answer', () => {
    expect(pruneCondition({ any: [{ missing: { eq: true } }, { here: { eq: true } }] }, has)).toEqual({ any: [{ here: { eq: true } }] });
    expect(pruneCondition({ here: { eq: 1 }, missing: { eq: 2 } }, has)).toBeUndefined();
    expect(pruneCondition({ all: [{ here: { eq: 1 } }, { missing: { eq: 2 } }] }, has)).toBeUndefined();
    expect(pruneCondition({ not: { missing: { eq: 1 } } }, has)).toBeUndefined();
    expect(pruneCondition({ any: [{ missing: { eq: 1 } }] }, has)).toBeUndefined();
    expect(pruneCondition({ here: { eq: 1 } }, has)).toEqual({ here: { eq: 1 } });
  });
});

describe('a CRM preset rule that names no value in the file', () => {
  it('gives way to the values the file holds (a German Pipedrive export)', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [`${i + 1}`, 'Angebot', ['Gewonnen', 'Verloren', 'Offen'][i % 3]!, `${1000 * i}`]);
    const rubric = written(initRubric({ preset: 'pipedrive', presetWhy: 'test', deals: file('d.csv', 'deals', ['Deal – ID', 'Deal – Phase', 'Deal – Status', 'Deal – Wert'], rows), today: '2026-12-05' }));
    expect(rubric.deals!.won).toEqual({ status: { in: ['Gewonnen'] } });
    expect(rubric.deals!.lost).toEqual({ status: { in: ['Verloren'] } });
    expect(rubric.deals!.columns).toMatchObject({ stage: 'Deal – Phase', amount: 'Deal – Wert' });
  });
});

describe('a CRM leads-only export with no outcome in it', () => {
  it('keeps a won stage for deals to reach, so the run judges no win rate', () => {
    const rows = Array.from({ length: 20 }, (_, i) => [`${i + 1}`, `p${i}@acme.com`, 'Ana']);
    const rubric = written(initRubric({ preset: 'pipedrive', presetWhy: 'test', leads: file('p.csv', 'leads', ['Person - ID', 'Person - Email', 'Person - Owner'], rows), today: '2026-12-05' }));
    expect(rubric.stages!.map((s) => [s.key, s.reachedWhen])).toEqual([
      ['lead', undefined],
      ['won', { deal: 'won' }],
    ]);
  });
});
