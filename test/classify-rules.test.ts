/**
 * Rules of classifying one lead (docs/verdicts.md, README "What the numbers mean"): its channel,
 * score and grade, the stages it reached and when, its outcome, whether it is stalled, and the
 * revenue of its won deals. Each test states one rule a mutation of src/data/classify.ts would
 * break (docs/testing.md "Mutation testing").
 *
 * Leads are classified through `load`, the way a run does; `classify` below is the one place that
 * knows how, so a change of the classification API changes only it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { load } from '../src/load.js';
import { dayNumber } from '../src/data/normalize.js';
import type { ClassifiedLead } from '../src/model.js';

const dir = mkdtempSync(join(tmpdir(), 'leadaudit-classify-'));
let files = 0;
function file(name: string, text: string): string {
  const path = join(dir, `${files++}-${name}`);
  writeFileSync(path, text);
  return path;
}

const AS_OF = dayNumber(2025, 6, 30);
const day = (iso: string) => dayNumber(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));

/**
 * The classified leads of a leads CSV (and optionally a deals CSV), under the generic preset
 * with `rubric` (YAML lines) laid over it.
 */
async function classify(leads: string, deals?: string, rubric = '', asOf = AS_OF): Promise<ClassifiedLead[]> {
  const loaded = await load({
    leads: file('leads.csv', leads),
    deals: deals === undefined ? undefined : file('deals.csv', deals),
    rubric: file('rubric.yml', `version: 1\npreset: generic\n${rubric}`),
    asOf,
    minN: 30,
    strict: false,
    keepRejects: false,
    cwd: dir,
  });
  return [...loaded.data.leads!];
}

/** One classified lead by id. */
function lead(all: readonly ClassifiedLead[], id: string): ClassifiedLead {
  const found = all.find((c) => c.lead.id === id);
  if (found === undefined) throw new Error(`no lead ${id}`);
  return found;
}

// A funnel with every way of reaching a stage: a date column, a status, a condition, deals.
const FUNNEL = `
stages:
  - { key: lead, side: marketing, stallAfterDays: 30 }
  - { key: mql, side: marketing, stallAfterDays: 14, reachedWhen: { date: mql_date } }
  - { key: sql, side: sales, stallAfterDays: 10, reachedWhen: { status: [' Working ', Qualified] } }
  - { key: demo, side: sales, reachedWhen: { when: { demo: { eq: true } } } }
  - { key: opportunity, side: sales, stallAfterDays: 20, reachedWhen: { deal: any } }
  - { key: won, side: sales, reachedWhen: { deal: won } }
`;

describe('revenue of a won lead', () => {
  const deals = 'id,lead_id,stage,amount,created,close_date\nD1,L1,won,100,2025-02-01,2025-03-01\nD2,L1,won,,2025-02-02,2025-03-05\nD3,L1,lost,500,2025-02-03,\nD4,L2,won,,2025-02-04,2025-04-01\nD5,L1,open,70,2025-02-05,\n';
  const leads = 'id,source,created\nL1,web,2025-01-01\nL2,ads,2025-01-02\n';

  it('a won lead whose won deal has no amount keeps a number revenue: the amounts it has', async () => {
    const l1 = lead(await classify(leads, deals), 'L1');
    expect(l1.outcome).toBe('won');
    expect(l1.wonAmount).toBe(100);
  });

  it('a won lead none of whose won deals has an amount has revenue 0 and no priced deal', async () => {
    const l2 = lead(await classify(leads, deals), 'L2');
    expect(l2.outcome).toBe('won');
    expect(l2.wonAmount).toBe(0);
    expect(l2.pricedWonDeals).toBe(0);
    expect(l2.wonDeals).toBe(1);
  });

  it('won deals count whether priced or not; priced won deals only those with an amount', async () => {
    const l1 = lead(await classify(leads, deals), 'L1');
    expect(l1.wonDeals).toBe(2);
    expect(l1.pricedWonDeals).toBe(1);
  });

  it('lost and open deals add nothing to revenue', async () => {
    const l1 = lead(await classify(leads, deals), 'L1');
    expect(l1.wonAmount).toBe(100);
  });

  it('property: revenue is the sum of the won deals\' amounts, a number whatever is missing', async () => {
    const deal = fc.record({ won: fc.boolean(), amount: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(fc.array(deal, { minLength: 1, maxLength: 5 }), async (list) => {
        const rows = list.map((d, i) => `D${i},L1,${d.won ? 'won' : 'lost'},${d.amount ?? ''}`);
        const l1 = lead(await classify('id,source\nL1,web\n', `id,lead_id,stage,amount\n${rows.join('\n')}\n`), 'L1');
        const won = list.filter((d) => d.won);
        expect(l1.wonAmount).toBe(won.reduce((sum, d) => sum + (d.amount ?? 0), 0));
        expect(l1.wonDeals).toBe(won.length);
        expect(l1.pricedWonDeals).toBe(won.filter((d) => d.amount !== undefined).length);
      }),
      { numRuns: 15 },
    );
  });

  it('a won lead\'s won date is the earliest close of its won deals', async () => {
    const l1 = lead(await classify(leads, deals), 'L1');
    expect(l1.wonDate).toBe(day('2025-03-01'));
    expect(lead(await classify(leads, deals), 'L2').wonDate).toBe(day('2025-04-01'));
  });

  it('a lead that is not won has no won date', async () => {
    const all = await classify('id,source\nL1,web\nL2,web\n', 'id,lead_id,stage,amount,close_date\nD1,L1,lost,5,2025-03-01\n');
    expect(lead(all, 'L1').wonDate).toBeNaN();
    expect(lead(all, 'L2').wonDate).toBeNaN();
  });
});

describe('shared deals (join.shared: all)', () => {
  it('a won deal split among N leads credits each 1/N of the deal and of its amount', async () => {
    const leads = 'id,source,account\nL1,web,A\nL2,web,A\nL3,web,A\nL4,web,B\n';
    const deals = 'id,account,stage,amount\nD1,A,won,300\nD2,A,won,\nD3,B,won,40\n';
    const all = await classify(leads, deals, 'join: { lead: account, deal: lead, shared: all }\ndeals:\n  columns: { lead: account }\n');
    for (const id of ['L1', 'L2', 'L3']) {
      const c = lead(all, id);
      expect(c.wonAmount).toBeCloseTo(100, 10);
      expect(c.wonDeals).toBeCloseTo(2 / 3, 10);
      expect(c.pricedWonDeals).toBeCloseTo(1 / 3, 10);
    }
    expect(lead(all, 'L4').wonAmount).toBe(40);
    expect(lead(all, 'L4').wonDeals).toBe(1);
    const l1 = lead(all, 'L1');
    expect(l1.deals.map((d) => l1.dealShare(d))).toEqual([1 / 3, 1 / 3]);
    expect(lead(all, 'L4').dealShare(lead(all, 'L4').deals[0]!)).toBe(1);
  });
});

describe('channel', () => {
  const rubric = `
channels:
  - { name: Paid, when: { source: { in: [ads, ppc] } } }
  - { name: Organic, when: { source: { eq: web } } }
  - { name: Catch-all, when: { source: { matches: '^(ads|web|seo)' } } }
`;
  it('a lead takes the first channel whose condition it matches, in rubric order', async () => {
    const all = await classify('id,source\nL1,ads\nL2,web\nL3,seo\n', undefined, rubric);
    expect(['L1', 'L2', 'L3'].map((id) => lead(all, id).channel)).toEqual(['Paid', 'Organic', 'Catch-all']);
  });

  it('a lead no channel matches is in the channel of its source; one without a source in (none)', async () => {
    const all = await classify('id,source\nL1,Referral\nL2,\n', undefined, rubric);
    expect(lead(all, 'L1').channel).toBe('Referral');
    expect(lead(all, 'L2').channel).toBe('(none)');
  });

  it('signals and stages can test the channel a lead was put in', async () => {
    const all = await classify(
      'id,source\nL1,ppc\nL2,web\n',
      undefined,
      `${rubric}score:\n  signals:\n    - { name: Paid lead, points: 5, when: { channel: { eq: Paid } } }\n  grades: { A: 5 }\n`,
    );
    expect(lead(all, 'L1').score).toBe(5);
    expect(lead(all, 'L2').score).toBe(0);
  });
});

describe('score and grade', () => {
  const rubric = `
score:
  signals:
    - { name: Big, points: 20, when: { size: { gte: 100 } } }
    - { name: Exec, points: 15, when: { title: { matches: 'chief|vp' } } }
    - { name: Student, points: -30, when: { title: { eq: student } } }
  grades: { A: 30, B: 15, C: 0 }
  qualifiedGrade: B
`;
  const leads = 'id,source,size,title\nL1,web,500,VP Sales\nL2,web,500,intern\nL3,web,5,Chief of staff\nL4,web,5,intern\nL5,web,5,student\nL6,web,100,student\n';

  it('a lead\'s score is the sum of the points of the signals it matches, and it lists them', async () => {
    const all = await classify(leads, undefined, rubric);
    expect(['L1', 'L2', 'L3', 'L4', 'L5', 'L6'].map((id) => lead(all, id).score)).toEqual([35, 20, 15, 0, -30, -10]);
    expect(lead(all, 'L1').signals).toEqual([0, 1]);
    expect(lead(all, 'L6').signals).toEqual([0, 2]);
    expect(lead(all, 'L4').signals).toEqual([]);
    expect(lead(all, 'L1').hasSignal(1)).toBe(true);
    expect(lead(all, 'L2').hasSignal(1)).toBe(false);
  });

  it('a lead\'s grade is the highest whose minimum its score reaches; below them all, the next letter', async () => {
    const all = await classify(leads, undefined, rubric);
    expect(['L1', 'L2', 'L3', 'L4', 'L5', 'L6'].map((id) => lead(all, id).grade)).toEqual(['A', 'B', 'B', 'C', 'D', 'D']);
  });

  it('a lead is qualified when its grade is the qualified grade or better', async () => {
    const all = await classify(leads, undefined, rubric);
    expect(['L1', 'L2', 'L3', 'L4', 'L5', 'L6'].map((id) => lead(all, id).qualified)).toEqual([true, true, true, false, false, false]);
  });
});

describe('stages reached and when', () => {
  const leads = [
    'id,source,created,status,mql_date,demo,last_activity',
    'L1,web,2025-01-01,New,,,',
    'L2,web,2025-01-01,New,2025-01-05,,',
    'L3,web,2025-01-01, working ,,,',
    'L4,web,2025-01-01,New,,yes,',
    'L5,web,2025-01-01,New,,,',
    'L6,web,2025-01-01,New,,,',
    'L7,web,2025-01-01,QUALIFIED,2025-01-09,,',
    '',
  ].join('\n');
  const deals = 'id,lead_id,stage,amount,created,close_date\nD1,L5,open,10,2025-02-10,\nD2,L5,open,10,2025-02-03,\nD3,L6,won,10,2025-02-01,2025-03-20\nD4,L6,won,10,2025-02-02,2025-03-10\n';

  it('each stage is reached by its own evidence: the first stage by creation, then date, status, condition, deal', async () => {
    const all = await classify(leads, deals, FUNNEL);
    expect(lead(all, 'L1').reachedBy).toEqual(['created', '', '', '', '', '']);
    expect(lead(all, 'L2').reachedBy).toEqual(['created', 'date', '', '', '', '']);
    expect(lead(all, 'L3').reachedBy).toEqual(['created', 'implied', 'status', '', '', '']);
    expect(lead(all, 'L4').reachedBy).toEqual(['created', 'implied', 'implied', 'when', '', '']);
    expect(lead(all, 'L5').reachedBy).toEqual(['created', 'implied', 'implied', 'implied', 'deal', '']);
    expect(lead(all, 'L6').reachedBy).toEqual(['created', 'implied', 'implied', 'implied', 'deal', 'deal']);
    expect(lead(all, 'L7').reachedBy).toEqual(['created', 'date', 'status', '', '', '']);
  });

  it('a lead\'s furthest stage is the last it reached, and it reached every stage before it', async () => {
    const all = await classify(leads, deals, FUNNEL);
    expect(['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7'].map((id) => lead(all, id).furthest)).toEqual([0, 1, 2, 3, 4, 5, 2]);
    expect(lead(all, 'L4').reached).toEqual([true, true, true, true, false, false]);
  });

  it('a status matches trimmed and case-insensitively', async () => {
    const all = await classify(leads, deals, FUNNEL);
    expect(lead(all, 'L3').furthest).toBe(2);
    expect(lead(all, 'L7').furthest).toBe(2);
  });

  it('the first stage is entered at creation, a date stage on its date', async () => {
    const l2 = lead(await classify(leads, deals, FUNNEL), 'L2');
    expect(Array.from(l2.entered).slice(0, 2)).toEqual([day('2025-01-01'), day('2025-01-05')]);
    expect(l2.enteredFrom.slice(0, 2)).toEqual(['created', 'date column']);
  });

  it('a deal stage is entered when the first deal was created; the won stage when the first won deal closed', async () => {
    const all = await classify(leads, deals, FUNNEL);
    expect(lead(all, 'L5').entered[4]).toBe(day('2025-02-03'));
    expect(lead(all, 'L5').enteredFrom[4]).toBe('first deal created');
    expect(lead(all, 'L6').entered[4]).toBe(day('2025-02-01'));
    expect(lead(all, 'L6').entered[5]).toBe(day('2025-03-10'));
    expect(lead(all, 'L6').enteredFrom[5]).toBe('first deal won');
  });

  it('a stage reached without a date of its own takes the next known later date; the furthest one without a date is unknown', async () => {
    const all = await classify(leads, deals, FUNNEL);
    const l5 = lead(all, 'L5');
    expect(Array.from(l5.entered).slice(1, 4)).toEqual([day('2025-02-03'), day('2025-02-03'), day('2025-02-03')]);
    expect(l5.enteredFrom.slice(0, 5)).toEqual(['created', 'next stage', 'next stage', 'next stage', 'first deal created']);
    expect(l5.measuredEntry(2)).toBeNaN();
    expect(l5.measuredEntry(4)).toBe(day('2025-02-03'));
    const l3 = lead(all, 'L3');
    expect(l3.entered[2]).toBeNaN();
    expect(l3.enteredFrom.slice(0, 3)).toEqual(['created', 'unknown', 'unknown']);
    expect(l3.measuredEntry(0)).toBe(day('2025-01-01'));
    expect(l3.measuredEntry(1)).toBeNaN();
  });

  it('a stage not reached has no entry date and no source', async () => {
    const l1 = lead(await classify(leads, deals, FUNNEL), 'L1');
    expect(Array.from(l1.entered).slice(1).every((d) => Number.isNaN(d))).toBe(true);
    expect(l1.enteredFrom.slice(1)).toEqual(['', '', '', '', '']);
  });

  it('a deal stage whose deals have no creation date is entered at an unknown date', async () => {
    const l = lead(await classify('id,source,created\nL1,web,2025-01-01\n', 'id,lead_id,stage,amount\nD1,L1,open,5\n'), 'L1');
    expect(l.furthest).toBe(1);
    expect(l.entered[1]).toBeNaN();
    expect(l.enteredFrom).toEqual(['created', 'unknown', '']);
  });

  it('a first stage without a creation date is entered at an unknown date', async () => {
    const l = lead(await classify('id,source,created\nL1,web,\n', undefined, 'stages:\n  - { key: lead, side: marketing }\n'), 'L1');
    expect(l.entered[0]).toBeNaN();
    expect(l.enteredFrom[0]).toBe('unknown');
  });
});

describe('outcome', () => {
  const rubric = `disqualified: { status: { eq: junk } }\n`;
  const leads = 'id,source,status\nL1,web,New\nL2,web,New\nL3,web,junk\nL4,web,junk\nL5,web,New\nL6,web,New\n';
  const deals = 'id,lead_id,stage,amount\nD1,L1,won,5\nD2,L2,lost,5\nD3,L2,lost,5\nD4,L4,won,5\nD5,L5,lost,5\nD6,L5,open,5\n';

  it('a lead at the last stage is won; one whose deals are all lost is lost, because of them', async () => {
    const all = await classify(leads, deals, rubric);
    expect(lead(all, 'L1').outcome).toBe('won');
    expect(lead(all, 'L1').lostBecause).toBe('');
    expect(lead(all, 'L2').outcome).toBe('lost');
    expect(lead(all, 'L2').lostBecause).toBe('deals lost');
  });

  it('a disqualified lead is lost, unless it is won', async () => {
    const all = await classify(leads, deals, rubric);
    expect(lead(all, 'L3').outcome).toBe('lost');
    expect(lead(all, 'L3').lostBecause).toBe('disqualified');
    expect(lead(all, 'L4').outcome).toBe('won');
  });

  it('a lead with a lost deal and an open one is open; so is a lead without deals', async () => {
    const all = await classify(leads, deals, rubric);
    expect(lead(all, 'L5').outcome).toBe('open');
    expect(lead(all, 'L5').lostBecause).toBe('');
    expect(lead(all, 'L6').outcome).toBe('open');
  });

  it('with a single stage nothing is won, even a lead with a won deal', async () => {
    const all = await classify('id,source\nL1,web\n', 'id,lead_id,stage,amount\nD1,L1,won,5\n', 'stages:\n  - { key: lead, side: marketing }\n');
    expect(lead(all, 'L1').outcome).toBe('open');
    expect(lead(all, 'L1').wonDate).toBeNaN();
  });
});

describe('stalled', () => {
  // Stage lead stalls after 30 days, sql after 10 (FUNNEL); as of 2025-06-30.
  const leads = [
    'id,source,created,status,mql_date,demo,last_activity',
    'S1,web,2025-05-31,New,,,',
    'S2,web,2025-05-30,New,,,',
    'S3,web,2025-01-01,New,,,2025-06-10',
    'S4,web,2025-01-01,Working,,,',
    'S5,web,2025-06-25,New,,,2025-01-01',
    'S6,web,2025-01-01,New,,yes,',
    'S7,web,2025-01-01,New,2025-01-02,,',
    'S8,web,,Working,,,',
    'S9,web,2025-01-01,junk,,,',
    '',
  ].join('\n');
  const rubric = `${FUNNEL}disqualified: { status: { eq: junk } }\n`;

  it('an open lead is stalled when idle more days than its stage allows, not at exactly that many', async () => {
    const all = await classify(leads, undefined, rubric);
    expect(lead(all, 'S1').daysInStage).toBe(30);
    expect(lead(all, 'S1').stalled).toBe(false);
    expect(lead(all, 'S2').daysInStage).toBe(31);
    expect(lead(all, 'S2').stalled).toBe(true);
  });

  it('idle time counts from the later of the stage\'s entry and the last activity', async () => {
    const all = await classify(leads, undefined, rubric);
    const s3 = lead(all, 'S3');
    expect(s3.idleSince).toBe(day('2025-06-10'));
    expect(s3.idleFrom).toBe('last activity');
    expect(s3.daysInStage).toBe(20);
    expect(s3.stalled).toBe(false);
    const s5 = lead(all, 'S5');
    expect(s5.idleSince).toBe(day('2025-06-25'));
    expect(s5.idleFrom).toBe('entry of lead');
    expect(s5.daysInStage).toBe(5);
  });

  it('an entry and a last activity on the same day: idle time counts from the last activity', async () => {
    const l = lead(await classify('id,source,created,last_activity\nL1,web,2025-06-01,2025-06-01\n', undefined, 'stages:\n  - { key: lead, side: marketing }\n'), 'L1');
    expect(l.idleSince).toBe(day('2025-06-01'));
    expect(l.idleFrom).toBe('last activity');
  });

  it('a stage without a date of its own counts idle time from the latest earlier date', async () => {
    const s4 = lead(await classify(leads, undefined, rubric), 'S4');
    expect(s4.furthest).toBe(2);
    expect(s4.idleSince).toBe(day('2025-01-01'));
    expect(s4.idleFrom).toBe('entry of lead (sql has no date)');
    expect(s4.stalled).toBe(true);
    const s7 = lead(await classify(leads, undefined, rubric), 'S7');
    expect(s7.idleFrom).toBe('entry of mql');
    expect(s7.stalled).toBe(true);
  });

  it('a stage without a stall threshold never stalls', async () => {
    const s6 = lead(await classify(leads, undefined, rubric), 'S6');
    expect(s6.furthest).toBe(3);
    expect(s6.daysInStage).toBeGreaterThan(100);
    expect(s6.stalled).toBe(false);
  });

  it('a lead with no date at all is not stalled, and its idle time is unknown', async () => {
    const s8 = lead(await classify(leads, undefined, rubric), 'S8');
    expect(s8.idleSince).toBeNaN();
    expect(s8.daysInStage).toBeNaN();
    expect(s8.idleFrom).toBe('');
    expect(s8.stalled).toBe(false);
  });

  it('a lost lead is never stalled, however long idle', async () => {
    const s9 = lead(await classify(leads, undefined, rubric), 'S9');
    expect(s9.outcome).toBe('lost');
    expect(s9.daysInStage).toBeGreaterThan(30);
    expect(s9.stalled).toBe(false);
  });

  it('a won lead is never stalled', async () => {
    const all = await classify('id,source,created\nL1,web,2024-01-01\n', 'id,lead_id,stage,amount,created,close_date\nD1,L1,won,5,2024-01-02,2024-01-03\n', 'stages:\n  - { key: lead, side: marketing, stallAfterDays: 1 }\n  - { key: won, side: sales, stallAfterDays: 1, reachedWhen: { deal: won } }\n');
    expect(lead(all, 'L1').outcome).toBe('won');
    expect(lead(all, 'L1').stalled).toBe(false);
  });

  it('property: an open lead with one dated stage is stalled exactly when its idle days exceed the threshold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), async (created, activity) => {
        const iso = (d: number) => new Date((AS_OF - d) * 86_400_000).toISOString().slice(0, 10);
        const l = lead(await classify(`id,source,created,last_activity\nL1,web,${iso(created)},${iso(activity)}\n`, undefined, 'stages:\n  - { key: lead, side: marketing, stallAfterDays: 30 }\n'), 'L1');
        const idle = Math.min(created, activity);
        expect(l.daysInStage).toBe(idle);
        expect(l.stalled).toBe(idle > 30);
      }),
      { numRuns: 15 },
    );
  });
});

describe('the deals of a lead', () => {
  it('a lead of a run without a deals file has no deals, no revenue and is not won', async () => {
    const l = lead(await classify('id,source\nL1,web\n'), 'L1');
    expect(l.deals).toEqual([]);
    expect(l.wonAmount).toBe(0);
    expect(l.wonDeals).toBe(0);
    expect(l.outcome).toBe('open');
  });

  it('a lead lists its joined deals in file order; a lead without one lists none', async () => {
    const all = await classify('id,source\nL1,web\nL2,web\n', 'id,lead_id,stage,amount\nD1,L1,open,1\nD2,L1,lost,2\n');
    expect(lead(all, 'L1').deals.map((d) => d.id)).toEqual(['D1', 'D2']);
    expect(lead(all, 'L2').deals).toEqual([]);
    expect(lead(all, 'L1').dealShare(lead(all, 'L1').deals[0]!)).toBe(1);
  });
});

describe('what lead conditions read', () => {
  const leads = [
    'id,source,created,last_activity,first_touch,first_name,last_name,email,name,owner,industry',
    'L1,web,2025-03-02,2025-06-01,2025-03-03,Ann,Lee,ann@acme.io,Ann Lee,Kim,Retail',
    ',web,2025-02-27,,,Bob,Ray,bob@other.io,Bob Ray,Joe,Energy',
    '',
  ].join('\n');
  /** The channel each lead lands in when the only channel is `when`: 'Hit' or its source. */
  async function hits(when: string, csv = leads): Promise<string[]> {
    const all = await classify(csv, undefined, `channels:\n  - { name: Hit, when: ${when} }\n`);
    return all.map((c) => c.channel);
  }

  it('a date field reads as the lead\'s calendar date, and a missing date as missing', async () => {
    expect(await hits(`{ created: { gte: '2025-03-01' } }`)).toEqual(['Hit', 'web']);
    expect(await hits(`{ created: { eq: '2025-02-27' } }`)).toEqual(['web', 'Hit']);
    expect(await hits(`{ lastActivity: { empty: true } }`)).toEqual(['web', 'Hit']);
    expect(await hits(`{ firstTouch: { lt: '2025-03-04' } }`)).toEqual(['Hit', 'web']);
  });

  it('name, email, first and last name, owner and any other column read as written', async () => {
    expect(await hits(`{ firstName: { eq: bob } }`)).toEqual(['web', 'Hit']);
    expect(await hits(`{ lastName: { eq: lee } }`)).toEqual(['Hit', 'web']);
    expect(await hits(`{ email: { matches: '@acme' } }`)).toEqual(['Hit', 'web']);
    expect(await hits(`{ name: { eq: Bob Ray } }`)).toEqual(['web', 'Hit']);
    expect(await hits(`{ owner: { eq: kim } }`)).toEqual(['Hit', 'web']);
    expect(await hits(`{ industry: { eq: energy } }`)).toEqual(['web', 'Hit']);
  });

  it('a lead without an id has a missing id, not the stand-in it is listed under', async () => {
    expect(await hits(`{ id: { empty: true } }`)).toEqual(['web', 'Hit']);
    expect(await hits(`{ id: { eq: L1 } }`)).toEqual(['Hit', 'web']);
  });

  it('a first or last name column the file lacks reads as missing', async () => {
    expect(await hits(`{ firstName: { empty: true } }`, 'id,source\nL1,web\n')).toEqual(['Hit']);
    expect(await hits(`{ lastName: { present: true } }`, 'id,source\nL1,web\n')).toEqual(['web']);
  });
});

describe('join keys a lead offers', () => {
  it('a lead without an id joins no deal, even one naming the stand-in it is listed under', async () => {
    const all = await classify('id,source\nL1,web\n,web\n', 'id,lead_id,stage,amount\nD1,L1,won,5\nD2,#3,won,7\nD3,#2,won,7\n');
    expect(all.map((c) => c.deals.length)).toEqual([1, 0]);
  });

  it('a lead joined by another column offers that column\'s keys, trimmed', async () => {
    const all = await classify('id,source,company\nL1,web, ACME \nL2,web,\n', 'id,company,stage,amount\nD1,ACME,won,5\nD2,,won,5\n', 'join: { lead: company, deal: lead }\ndeals:\n  columns: { lead: company }\n');
    expect(all.map((c) => c.deals.map((d) => d.id))).toEqual([['D1'], []]);
  });
});
