import { describe, it, expect } from 'vitest';
import { parseRubricText } from '../src/io/read-rubric.js';
import { detectPreset } from '../src/rubric/recognize.js';
import { checkPresetName, gradesOf, headerKey, resolveRubric, type Rubric } from '../src/rubric/resolve.js';
import { validateRubric } from '../src/rubric/validate.js';
import { PRESET_NAMES } from '../src/rubric/fields.js';
import { rubricJsonSchema, type RubricInput } from '../src/rubric/schema.js';
import { compileCondition } from '../src/rubric/conditions.js';
import { UsageError } from '../src/errors.js';

/** A full HubSpot rubric with every kind of key (docs/rubric.md), kept verbatim. */
const SPEC_EXAMPLE = String.raw`
version: 1
preset: hubspot            # start from a preset; everything below overrides it
leads:
  columns: { id: Record ID, email: Email, source: Original Source, created: Create Date,
             status: Lifecycle Stage, owner: Contact owner, lastActivity: Last Activity Date }
deals:
  columns: { id: Record ID, lead: Associated Contact IDs, stage: Deal Stage, amount: Amount,
             created: Create Date, closed: Close Date, owner: Deal owner }
  won: [closedwon, Closed Won]      # stage values, or a condition (§5.5)
  lost: [closedlost, Closed Lost]
  stages:                             # the deal pipeline, in order (for the pipeline table)
    - { value: appointmentscheduled, stallAfterDays: 14 }
    - { value: qualifiedtobuy, stallAfterDays: 14, enteredDate: Date entered "Qualified To Buy (Sales Pipeline)" }
    - { value: contractsent, stallAfterDays: 10 }
join: { lead: id, deal: lead }
channels:                  # first match wins
  - { name: Paid Search, when: { source: { in: [PAID_SEARCH] } } }
  - { name: Organic,     when: { source: { in: [ORGANIC_SEARCH, SOCIAL_MEDIA] } } }
stages:
  - { key: lead, side: marketing, stallAfterDays: 30 }
  - { key: mql,  side: marketing, stallAfterDays: 14,
      reachedWhen: { date: Became a Marketing Qualified Lead Date, status: [marketingqualifiedlead] } }
  - { key: sql,  side: sales, stallAfterDays: 7,
      reachedWhen: { date: Became a Sales Qualified Lead Date, status: [salesqualifiedlead] } }
  - { key: opportunity, side: sales, stallAfterDays: 30,
      reachedWhen: { date: Became an Opportunity Date, status: [opportunity], deal: any } }
  - { key: won, side: sales, reachedWhen: { deal: won, status: [customer] } }
disqualified: { Lead Status: { in: [UNQUALIFIED, BAD_TIMING] } }
score:
  signals:
    - { name: Decision maker, points: 20, when: { Job Title: { matches: "\\b(vp|director|head|chief|founder)\\b" } } }
    - { name: Company 50+,    points: 15, when: { Number of Employees: { gte: 50 } } }
    - { name: Free email,     points: -15, when: { email: { matches: "@(gmail|yahoo|hotmail)\\." } } }
  grades: { A: 40, B: 20, C: 5 }   # score >= bound; below the last bound is D
  qualifiedGrade: B
alerts:
  - { report: sources, metric: win_rate, below: 0.02, minLeads: 100 }
  - { report: funnel, stage: sql, metric: stalled_pct, above: 0.25 }
`;

const FILE = 'leadaudit.yml';

function load(text: string, file = FILE): RubricInput {
  return validateRubric(parseRubricText(text, file), file);
}

/** That example with one piece of text replaced (which must be there). */
function specWith(from: string, to: string): string {
  expect(SPEC_EXAMPLE).toContain(from);
  return SPEC_EXAMPLE.replace(from, to);
}

/** The message of the UsageError `f` throws (fails when it throws anything else, or nothing). */
function usageError(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}

const rubricError = (text: string, file = FILE): string => usageError(() => load(text, file));

describe('parseRubricText and validateRubric', () => {
  it('accept the SPEC §5.1 example as written', () => {
    const rubric = load(SPEC_EXAMPLE);
    expect(rubric.version).toBe(1);
    expect(rubric.preset).toBe('hubspot');
    expect(rubric.leads?.columns).toEqual({
      id: 'Record ID',
      email: 'Email',
      source: 'Original Source',
      created: 'Create Date',
      status: 'Lifecycle Stage',
      owner: 'Contact owner',
      lastActivity: 'Last Activity Date',
    });
    expect(rubric.deals?.won).toEqual(['closedwon', 'Closed Won']);
    expect(rubric.deals?.stages?.[1]).toEqual({
      value: 'qualifiedtobuy',
      stallAfterDays: 14,
      enteredDate: 'Date entered "Qualified To Buy (Sales Pipeline)"',
    });
    expect(rubric.stages?.map((s) => s.key)).toEqual(['lead', 'mql', 'sql', 'opportunity', 'won']);
    expect(rubric.stages?.[3]?.reachedWhen).toEqual({ date: 'Became an Opportunity Date', status: ['opportunity'], deal: 'any' });
    expect(rubric.disqualified).toEqual({ 'Lead Status': { in: ['UNQUALIFIED', 'BAD_TIMING'] } });
    // YAML's "\\b" is the regex \b.
    expect(rubric.score?.signals?.[0]?.when).toEqual({ 'Job Title': { matches: '\\b(vp|director|head|chief|founder)\\b' } });
    expect(rubric.score?.grades).toEqual({ A: 40, B: 20, C: 5 });
    expect(rubric.alerts).toHaveLength(2);
  });

  it('read the same rubric from JSON', () => {
    const json = JSON.stringify(load(SPEC_EXAMPLE));
    expect(load(json, 'leadaudit.json')).toEqual(load(SPEC_EXAMPLE));
  });

  it('a number written as text names the path and what it got', () => {
    const text = specWith('key: sql,  side: sales, stallAfterDays: 7', 'key: sql,  side: sales, stallAfterDays: "7"');
    expect(rubricError(text)).toBe('leadaudit.yml: stages[2].stallAfterDays: expected a number, got "7"');
  });

  it('an unknown key suggests the known one it is closest to', () => {
    const text = specWith('key: sql,  side: sales, stallAfterDays: 7', 'key: sql,  side: sales, stallAfterDay: 7');
    expect(rubricError(text)).toBe('leadaudit.yml: stages[2]: unknown key "stallAfterDay" (did you mean "stallAfterDays"?)');
    expect(rubricError('version: 1\nstage: []')).toBe('leadaudit.yml: (top level): unknown key "stage" (did you mean "stages"?)');
    expect(rubricError('version: 1\nleads: { columns: { sorce: Source } }')).toBe('leadaudit.yml: leads.columns: unknown key "sorce" (did you mean "source"?)');
    expect(rubricError('version: 1\ndeals: { stages: [ { value: a, stalAfterDays: 3 } ] }')).toBe(
      'leadaudit.yml: deals.stages[0]: unknown key "stalAfterDays" (did you mean "stallAfterDays"?)',
    );
    expect(rubricError('version: 1\nstages: [ { key: a, side: sales, reachedWhen: { dat: X } } ]')).toBe(
      'leadaudit.yml: stages[0].reachedWhen: unknown key "dat" (did you mean "date"?)',
    );
    expect(rubricError('version: 1\nscore: { grade: { A: 1 } }')).toBe('leadaudit.yml: score: unknown key "grade" (did you mean "grades"?)');
    expect(rubricError('version: 1\nalerts: [ { report: sources, metric: win_rate, bellow: 0.1 } ]')).toBe(
      'leadaudit.yml: alerts[0]: unknown key "bellow" (did you mean "below"?)',
    );
    expect(rubricError('version: 1\nfoo: 1')).toBe('leadaudit.yml: (top level): unknown key "foo"');
  });

  it('a misspelt test suggests the test, at any depth of a condition', () => {
    const text = specWith('Job Title: { matches:', 'Job Title: { matchs:');
    expect(rubricError(text)).toBe('leadaudit.yml: score.signals[0].when["Job Title"]: unknown key "matchs" (did you mean "matches"?)');
    expect(rubricError('version: 1\ndisqualified: { any: [ { status: { eq: x } }, { not: { source: { notin: [a] } } } ] }')).toBe(
      'leadaudit.yml: disqualified.any[1].not.source: unknown key "notin" (did you mean "notIn"?)',
    );
    expect(rubricError('version: 1\ndeals: { won: { status: { eqq: Won } } }')).toBe('leadaudit.yml: deals.won.status: unknown key "eqq" (did you mean "eq"?)');
    // A column may share its name with a rubric section.
    expect(rubricError('version: 1\ndisqualified: { score: { lte: 5, gtee: 1 } }')).toBe('leadaudit.yml: disqualified.score: unknown key "gtee" (did you mean "gte"?)');
    expect(rubricError('version: 1\nchannels: [ { name: X, when: { channels: { eqq: x } } } ]')).toBe(
      'leadaudit.yml: channels[0].when.channels: unknown key "eqq" (did you mean "eq"?)',
    );
  });

  it('a test with no test in it lists the tests', () => {
    expect(rubricError('version: 1\ndisqualified: { Lead Status: {} }')).toBe(
      'leadaudit.yml: disqualified["Lead Status"]: a test needs one of: eq, ne, in, notIn, matches, gte, gt, lte, lt, present, empty, withinDays',
    );
  });

  it('a bad choice lists the choices and suggests the closest', () => {
    const side = specWith('key: sql,  side: sales', 'key: sql,  side: sale');
    expect(rubricError(side)).toBe('leadaudit.yml: stages[2].side: expected one of: marketing, sales, got "sale" (did you mean "sales"?)');
    const preset = specWith('preset: hubspot', 'preset: hubsopt');
    expect(rubricError(preset)).toBe(`leadaudit.yml: preset: expected one of: ${PRESET_NAMES.join(', ')}, got "hubsopt" (did you mean "hubspot"?)`);
    expect(rubricError('version: 1\nstages: [ { key: a, side: sales, reachedWhen: { deal: won! } } ]')).toBe(
      'leadaudit.yml: stages[0].reachedWhen.deal: expected one of: any, won, got "won!" (did you mean "won"?)',
    );
    expect(rubricError('version: 2')).toBe('leadaudit.yml: version: expected 1, got 2');
    expect(rubricError('preset: hubspot')).toBe('leadaudit.yml: version: expected 1, got nothing');
  });

  it('checkPresetName (for --preset) suggests and lists the presets', () => {
    expect(checkPresetName('salesforce')).toBe('salesforce');
    expect(usageError(() => checkPresetName('hubsopt'))).toBe(`unknown preset "hubsopt" (did you mean "hubspot"?); expected one of: ${PRESET_NAMES.join(', ')}`);
  });

  it('names the expected shape for values of the wrong type', () => {
    expect(rubricError('version: 1\ndisqualified: { Lead Status: { in: UNQUALIFIED } }')).toBe('leadaudit.yml: disqualified["Lead Status"].in: expected a list, got "UNQUALIFIED"');
    expect(rubricError('version: 1\nscore: { grades: { A: high } }')).toBe('leadaudit.yml: score.grades.A: expected a number, got "high"');
    // Where several shapes would do, a value of none of their types names them all.
    expect(rubricError('version: 1\nleads: { columns: { id: 5 } }')).toBe('leadaudit.yml: leads.columns.id: expected text or a list or null, got 5');
    expect(rubricError('version: 1\ndeals: { won: closedwon }')).toBe('leadaudit.yml: deals.won: expected a list or an object, got "closedwon"');
    expect(rubricError('version: 1\ndisqualified: { size: { gte: true } }')).toBe('leadaudit.yml: disqualified.size.gte: expected a number or text, got true');
    // ...and one that fits a shape is explained by that shape.
    expect(rubricError('version: 1\nleads: { columns: { id: [Record ID, 5] } }')).toBe('leadaudit.yml: leads.columns.id[1]: expected text, got 5');
    expect(rubricError('version: 1\ndeals: { won: { status: Won } }')).toBe('leadaudit.yml: deals.won.status: expected an object, got "Won"');
    expect(rubricError('version: "1"')).toBe('leadaudit.yml: version: expected 1, got "1"');
    expect(rubricError('version: 1\ndisqualified: { created: { withinDays: -1 } }')).toBe('leadaudit.yml: disqualified.created.withinDays: expected 0 or more days');
    expect(rubricError('version: 1\nstages: [ { key: lead, side: marketing, stallAfterDays: 1.5 } ]')).toBe(
      'leadaudit.yml: stages[0].stallAfterDays: expected a whole number, got 1.5',
    );
    expect(rubricError('version: 1\nalerts: [ { report: sources, metric: win_rate, minLeads: 99.5 } ]')).toBe('leadaudit.yml: alerts[0].minLeads: expected a whole number, got 99.5');
    expect(rubricError('version: 1\nstages: []')).toBe('leadaudit.yml: stages: expected at least one stage');
    expect(rubricError('version: 1\nstages: [ { key: 2nd, side: sales } ]')).toMatch(/^leadaudit\.yml: stages\[0\]\.key: expected a key of letters/);
    expect(rubricError('version: 1\nscore: { grades: {} }')).toBe('leadaudit.yml: score.grades: expected at least one grade, like { A: 40, B: 20 }');
    expect(rubricError('')).toBe('leadaudit.yml: (top level): expected an object, got null');
    expect(rubricError('- version: 1')).toBe('leadaudit.yml: (top level): expected an object, got [{"version":1}]');
  });

  it('lists every problem, one per line', () => {
    const lines = rubricError('version: 1\nstages: [ { key: a, side: sale, stallAfterDays: "7" } ]\nfoo: 1').split('\n');
    expect(lines).toEqual([
      'leadaudit.yml: stages[0].side: expected one of: marketing, sales, got "sale" (did you mean "sales"?)',
      'leadaudit.yml: stages[0].stallAfterDays: expected a number, got "7"',
      'leadaudit.yml: (top level): unknown key "foo"',
    ]);
  });

  it('YAML syntax errors name the line and column', () => {
    expect(rubricError('version: 1\nstages:\n  - { key: lead, side: marketing }\n  - { key: sql, side: sales, stallAfterDays: 7 ]\n')).toBe(
      'leadaudit.yml line 4 column 48: Flow map in block collection must be sufficiently indented and end with a }',
    );
    expect(rubricError('version: 1\nleads:\n  columns:\n    id: Record ID\n   email: Email\n')).toBe(
      'leadaudit.yml line 5 column 1: All mapping items must start at the same column',
    );
    expect(rubricError('version: 1\npreset: hubspot\nversion: 1\n')).toBe('leadaudit.yml line 3 column 1: Map keys must be unique');
    expect(rubricError('version: 1\n\tpreset: hubspot\n')).toBe('leadaudit.yml line 2 column 1: Tabs are not allowed as indentation');
    expect(rubricError('version: 1\nchannels:\n  - name: "Paid\n')).toMatch(/^leadaudit\.yml line \d+ column \d+: Missing closing "quote$/);
  });

  it('JSON syntax errors name the line and column', () => {
    expect(rubricError('{\n  "version": 1,\n  "preset": "hubspot",\n}\n', 'leadaudit.json')).toMatch(/^leadaudit\.json line 4 column 1: not valid JSON \(/);
  });

  it('an alias bomb is a rubric error, not a crash', () => {
    const bomb = ['version: 1', 'a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    expect(usageError(() => parseRubricText(bomb, FILE))).toMatch(/^leadaudit\.yml: Excessive alias count/);
  });
});

describe('resolveRubric', () => {
  const specRubric = (): Rubric => resolveRubric(load(SPEC_EXAMPLE), FILE, 'hubspot');

  it('resolves the SPEC example onto its preset', () => {
    const r = specRubric();
    expect(r.preset).toBe('hubspot');
    expect(r.origin).toBe(FILE);
    expect(r.stages.map((s) => [s.key, s.label, s.side, s.stallAfterDays])).toEqual([
      ['lead', 'lead', 'marketing', 30],
      ['mql', 'mql', 'marketing', 14],
      ['sql', 'sql', 'sales', 7],
      ['opportunity', 'opportunity', 'sales', 30],
      ['won', 'won', 'sales', undefined],
    ]);
    expect(r.stages[4]).toMatchObject({ deal: 'won', status: ['customer'], date: undefined });
    expect(r.stages[1]?.date).toEqual({ candidates: ['Became a Marketing Qualified Lead Date'], user: true, path: 'stages[1].reachedWhen.date' });
    expect(r.join).toEqual({ lead: 'id', deal: 'lead', shared: 'first', sharedStated: false, user: true });
    expect(r.grades).toEqual([
      { name: 'A', min: 40 },
      { name: 'B', min: 20 },
      { name: 'C', min: 5 },
      { name: 'D', min: -Infinity },
    ]);
    expect(r.qualifiedGrade).toBe('B');
    expect(r.alerts).toEqual([
      { report: 'sources', metric: 'win_rate', row: undefined, below: 0.02, above: undefined, minLeads: 100 },
      { report: 'funnel', metric: 'stalled_pct', row: 'sql', below: undefined, above: 0.25, minLeads: undefined },
    ]);
    expect(r.conditions.map((c) => [c.path, c.on, c.user])).toEqual([
      ['channels[0].when', 'lead', true],
      ['channels[1].when', 'lead', true],
      ['disqualified', 'lead', true],
      ['score.signals[0].when', 'lead', true],
      ['score.signals[1].when', 'lead', true],
      ['score.signals[2].when', 'lead', true],
    ]);
  });

  it('the example signal regex works once compiled', () => {
    const [decisionMaker] = specRubric().signals;
    const test = compileCondition<Record<string, string>>(decisionMaker!.when, { field: (n) => (s) => s[n] ?? '', asOf: 0, dateOrder: 'mdy', path: 'score.signals[0].when' });
    expect(test({ 'Job Title': 'VP Marketing' })).toBe(true);
    expect(test({ 'Job Title': 'Marketing Headhunter' })).toBe(false);
  });

  it('columns merge field by field: the file overrides, the preset fills in, null unmaps', () => {
    const r = resolveRubric(load('version: 1\nleads: { columns: { source: Source, email: [E-mail, Email], owner: null } }'), FILE, 'hubspot');
    expect(r.leads.columns.source).toEqual({ candidates: ['Source'], user: true, path: 'leads.columns.source' });
    expect(r.leads.columns.email).toEqual({ candidates: ['E-mail', 'Email'], user: true, path: 'leads.columns.email' });
    expect(r.leads.columns.owner).toBeUndefined();
    expect('owner' in r.leads.columns).toBe(false);
    expect(r.leads.columns.id).toEqual({ candidates: ['Record ID', 'Contact ID', 'hs_object_id', 'vid'], user: false, path: 'leads.columns.id' });
    expect(r.deals.columns.stage).toEqual({ candidates: ['Deal Stage'], user: false, path: 'deals.columns.stage' });
  });

  it('a preset alone maps only preset columns, none of them the user’s', () => {
    const r = resolveRubric(undefined, 'preset salesforce', 'salesforce');
    expect(r.origin).toBe('preset salesforce');
    expect(Object.values(r.leads.columns).every((c) => !c.user)).toBe(true);
    expect(Object.values(r.deals.columns).every((c) => !c.user)).toBe(true);
    expect(r.conditions.every((c) => !c.user)).toBe(true);
    expect(r.join).toEqual({ lead: 'Converted Opportunity ID', deal: 'id', shared: 'first', sharedStated: false, user: false });
    expect(r.stages.map((s) => s.key)).toEqual(['lead', 'mql', 'sql', 'opportunity', 'won']);
  });

  it('verdicts.salesStallTolerance: 0.1 unless the rubric sets it (docs/verdicts.md)', () => {
    expect(resolveRubric(undefined, 'preset hubspot', 'hubspot').verdicts).toEqual({ salesStallTolerance: 0.1 });
    expect(resolveRubric(load('version: 1\nverdicts: { salesStallTolerance: 0.25 }'), FILE, 'hubspot').verdicts).toEqual({ salesStallTolerance: 0.25 });
    expect(resolveRubric(load('version: 1\nverdicts: {}'), FILE, 'hubspot').verdicts).toEqual({ salesStallTolerance: 0.1 });
  });

  it('lists replace the preset’s whole', () => {
    const r = resolveRubric(
      load(
        [
          'version: 1',
          'deals: { won: [Won], stages: [ { value: Demo, stallAfterDays: 5 } ] }',
          'channels: [ { name: Web, when: { source: { eq: web } } } ]',
          'stages: [ { key: lead, side: marketing }, { key: deal, side: sales, reachedWhen: { deal: any } } ]',
          'score: { signals: [ { name: Big, points: 5, when: { size: { gte: 100 } } } ] }',
        ].join('\n'),
      ),
      FILE,
      'hubspot',
    );
    expect(r.deals.won).toEqual(['Won']);
    expect(r.deals.lost).toEqual(['closedlost', 'Closed Lost']); // not written: the preset's
    expect(r.deals.stages).toEqual([{ values: ['Demo'], label: 'Demo', stallAfterDays: 5, enteredDate: undefined }]);
    expect(r.channels).toEqual([{ name: 'Web', when: { source: { eq: 'web' } } }]);
    expect(r.stages.map((s) => s.key)).toEqual(['lead', 'deal']);
    expect(r.signals.map((s) => s.name)).toEqual(['Big']);
    // score merges key by key: the preset's grades and qualified grade stay.
    expect(r.grades.map((g) => g.name)).toEqual(['A', 'B', 'C', 'D']);
    expect(r.qualifiedGrade).toBe('B');
  });

  it('dateOrder: the file’s top-level order applies to both files unless a file sets its own', () => {
    const both = resolveRubric(load('version: 1\ndateOrder: dmy'), FILE, 'hubspot');
    expect([both.leads.dateOrder, both.deals.dateOrder]).toEqual(['dmy', 'dmy']);
    const deals = resolveRubric(load('version: 1\ndeals: { dateOrder: dmy }'), FILE, 'salesforce');
    expect([deals.leads.dateOrder, deals.deals.dateOrder]).toEqual(['mdy', 'dmy']);
  });

  it('the generic preset has the default join, one grade and a qualified grade', () => {
    const r = resolveRubric(undefined, 'preset generic', 'generic');
    expect(r.join).toEqual({ lead: 'id', deal: 'lead', shared: 'first', sharedStated: false, user: false });
    expect(r.grades).toEqual([
      { name: 'A', min: 0 },
      { name: 'B', min: -Infinity },
    ]);
    expect(r.qualifiedGrade).toBe('A');
  });

  it('duplicate stage keys are an error naming both', () => {
    const text = 'version: 1\nstages: [ { key: lead, side: marketing }, { key: sql, side: sales, reachedWhen: { deal: any } }, { key: sql, side: sales, reachedWhen: { deal: won } } ]';
    expect(usageError(() => resolveRubric(load(text), FILE, 'generic'))).toBe('leadaudit.yml: stages[2].key: "sql" is already the key of stages[1]');
  });

  it('a deal: won stage must be the last', () => {
    const text = 'version: 1\nstages: [ { key: lead, side: marketing }, { key: won, side: sales, reachedWhen: { deal: won } }, { key: renewal, side: sales, reachedWhen: { status: [renewed] } } ]';
    expect(usageError(() => resolveRubric(load(text), FILE, 'generic'))).toBe(
      'leadaudit.yml: stages[1].reachedWhen.deal: "won" must be on the last stage (a won lead has passed every stage)',
    );
  });

  it('a later stage with no way to reach it is an error', () => {
    const text = 'version: 1\nstages: [ { key: lead, side: marketing }, { key: sql, side: sales } ]';
    expect(usageError(() => resolveRubric(load(text), FILE, 'generic'))).toBe(
      'leadaudit.yml: stages[1].reachedWhen: stage "sql" can never be reached; give it a date, status, deal or when',
    );
  });

  it('qualifiedGrade must be one of the grades, the implied lowest included', () => {
    expect(usageError(() => resolveRubric(load('version: 1\nscore: { qualifiedGrade: b }'), FILE, 'hubspot'))).toBe(
      'leadaudit.yml: score.qualifiedGrade: "b" is not a grade (did you mean "B"?); expected one of: A, B, C, D',
    );
    expect(resolveRubric(load('version: 1\nscore: { qualifiedGrade: D }'), FILE, 'hubspot').qualifiedGrade).toBe('D');
  });

  it('a qualified grade inherited from the preset that the file’s grades lack says where it came from', () => {
    const message = usageError(() => resolveRubric(load('version: 1\nscore: { grades: { Hot: 30, Warm: 10 } }'), FILE, 'hubspot'));
    expect(message).toBe('leadaudit.yml: score.qualifiedGrade: "B" (from preset hubspot) is not a grade; expected one of: Hot, Warm, other');
    const fixed = resolveRubric(load('version: 1\nscore: { grades: { Hot: 30, Warm: 10 }, qualifiedGrade: Warm }'), FILE, 'hubspot');
    expect([fixed.grades.map((g) => g.name), fixed.qualifiedGrade, fixed.signals.length]).toEqual([['Hot', 'Warm', 'other'], 'Warm', 4]);
  });
});

describe('gradesOf', () => {
  it('sorts bands by score and adds the letter after the last for everything below', () => {
    expect(gradesOf({ C: 5, A: 40, B: 20 })).toEqual([
      { name: 'A', min: 40 },
      { name: 'B', min: 20 },
      { name: 'C', min: 5 },
      { name: 'D', min: -Infinity },
    ]);
    expect(gradesOf({ A: 0 })).toEqual([
      { name: 'A', min: 0 },
      { name: 'B', min: -Infinity },
    ]);
  });

  it('calls the lowest band "other" when there is no next letter', () => {
    expect(gradesOf({ Hot: 10, Warm: 0 }).map((g) => g.name)).toEqual(['Hot', 'Warm', 'other']);
    expect(gradesOf({ Y: 1, Z: 0 }).map((g) => g.name)).toEqual(['Y', 'Z', 'other']);
    // The next letter after the lowest band is taken by a higher one.
    expect(gradesOf({ C: 5, A: 1, B: 0 }).map((g) => g.name)).toEqual(['C', 'A', 'B', 'other']);
    expect(gradesOf({ A: 10, B: -5 })).toEqual([
      { name: 'A', min: 10 },
      { name: 'B', min: -5 },
      { name: 'C', min: -Infinity },
    ]);
  });
});

describe('detectPreset', () => {
  const hubspotContacts = ['Record ID', 'First Name', 'Last Name', 'Email', 'Job Title', 'Number of Employees', 'Contact owner', 'Create Date', 'Lifecycle Stage', 'Lead Status', 'Last Activity Date', 'Became a Marketing Qualified Lead Date', 'Became a Sales Qualified Lead Date', 'Original Source', 'Original Source Drill-Down 1'];
  const hubspotDeals = ['Record ID', 'Deal Name', 'Pipeline', 'Deal Stage', 'Amount', 'Create Date', 'Close Date', 'Deal owner', 'Deal Type', 'Associated Contact IDs'];
  const salesforceLeads = ['Lead ID', 'First Name', 'Last Name', 'Email', 'Company', 'Title', 'Lead Source', 'Lead Status', 'Lead Owner', 'Created Date', 'Converted', 'Converted Date', 'Rating', 'Industry', 'No. of Employees'];
  const salesforceOpportunities = ['Opportunity ID', 'Opportunity Name', 'Account Name', 'Stage', 'Amount', 'Close Date', 'Created Date', 'Opportunity Owner', 'Lead Source', 'Type'];
  const pipedriveDeals = ['Deal - ID', 'Deal - Title', 'Deal - Value', 'Deal - Currency', 'Deal - Stage', 'Deal - Status', 'Deal - Owner', 'Deal - Deal created', 'Deal - Won time', 'Deal - Lost reason', 'Person - Email'];
  const pipedrivePersons = ['Person - Name', 'Person - Email', 'Person - Phone', 'Person - First name', 'Person - Last name'];

  it('picks HubSpot from its contacts and deals exports, alone or together', () => {
    expect(detectPreset(hubspotContacts, hubspotDeals).preset).toBe('hubspot');
    expect(detectPreset(hubspotContacts, undefined).preset).toBe('hubspot');
    expect(detectPreset(undefined, hubspotDeals).preset).toBe('hubspot');
  });

  it('picks Salesforce from its report exports', () => {
    expect(detectPreset(salesforceLeads, salesforceOpportunities).preset).toBe('salesforce');
    expect(detectPreset(salesforceLeads, undefined).preset).toBe('salesforce');
    expect(detectPreset(undefined, salesforceOpportunities).preset).toBe('salesforce');
  });

  it('picks Pipedrive, with hyphens or en dashes in the headers', () => {
    expect(detectPreset(pipedrivePersons, pipedriveDeals).preset).toBe('pipedrive');
    expect(detectPreset(undefined, pipedriveDeals).preset).toBe('pipedrive');
    expect(detectPreset(undefined, pipedriveDeals.map((h) => h.replace(' - ', ' – '))).preset).toBe('pipedrive');
  });

  it('matches headers in any case and spacing', () => {
    expect(detectPreset(hubspotContacts.map((h) => h.toUpperCase()), hubspotDeals.map((h) => h.replaceAll(' ', '_'))).preset).toBe('hubspot');
  });

  it('is generic for unrelated headers, for no headers, and for common lower-case names', () => {
    expect(detectPreset(['Foo', 'Bar', 'Baz'], ['Qux'])).toEqual({ preset: 'generic', evidence: [] });
    expect(detectPreset(undefined, undefined)).toEqual({ preset: 'generic', evidence: [] });
    // A couple of names every CRM uses are not evidence.
    expect(detectPreset(['Email', 'Name', 'Phone'], ['Amount', 'Title']).preset).toBe('generic');
    expect(detectPreset(['id', 'email', 'name', 'company', 'source', 'created_date', 'status', 'owner'], undefined).preset).toBe('generic');
    expect(detectPreset(undefined, ['id', 'lead_id', 'stage', 'amount', 'created_date', 'close_date', 'owner']).preset).toBe('generic');
  });
});

describe('headerKey', () => {
  it('ignores case, spaces and underscores', () => {
    expect(headerKey('Record ID')).toBe(headerKey('record id'));
    expect(headerKey('Record ID')).toBe(headerKey('RECORD_ID'));
    expect(headerKey('Record ID')).toBe(headerKey('  Record   ID '));
    expect(headerKey('Record ID')).toBe(headerKey('Record\u00a0ID'));
    expect(headerKey('Record ID')).toBe(headerKey('RecordID'));
  });

  it('reads an en dash (and an em dash) as a hyphen', () => {
    expect(headerKey('Deal – Title')).toBe(headerKey('Deal - Title'));
    expect(headerKey('Deal — Title')).toBe(headerKey('Deal - Title'));
    expect(headerKey('deal–title')).toBe(headerKey('Deal - Title'));
  });

  it('keeps other punctuation, so different headers stay different', () => {
    expect(headerKey('No. of Employees')).not.toBe(headerKey('No of Employees'));
    expect(headerKey('Deal - Title')).not.toBe(headerKey('Deal Title'));
  });
});

describe('rubricJsonSchema', () => {
  const schema = rubricJsonSchema() as {
    $schema: string;
    type: string;
    properties: Record<string, { type?: string; properties?: Record<string, unknown> }>;
    required: string[];
    additionalProperties: boolean;
    $defs: Record<string, { properties: Record<string, unknown>; additionalProperties: { properties: Record<string, unknown> } }>;
  };

  it('is a draft 2020-12 object schema listing every top-level key, version required', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(['$schema', 'version', 'preset', 'dateOrder', 'missingValues', 'horizonDays', 'leads', 'deals', 'join', 'channels', 'stages', 'disqualified', 'score', 'verdicts', 'alerts']);
    expect(schema.required).toEqual(['version']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.preset).toMatchObject({ enum: [...PRESET_NAMES] });
    expect(Object.keys(schema.properties.score!.properties!)).toEqual(['signals', 'grades', 'qualifiedGrade']);
    expect(Object.keys(schema.properties.verdicts!.properties!)).toEqual(['salesStallTolerance']);
  });

  it('describes conditions: all, any, not, and every test for any other key', () => {
    const condition = Object.values(schema.$defs).find((def) => def.properties && 'all' in def.properties);
    expect(condition).toBeDefined();
    expect(Object.keys(condition!.properties)).toEqual(['all', 'any', 'not']);
    expect(Object.keys(condition!.additionalProperties.properties)).toEqual(['eq', 'ne', 'in', 'notIn', 'matches', 'gte', 'gt', 'lte', 'lt', 'present', 'empty', 'withinDays']);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});
