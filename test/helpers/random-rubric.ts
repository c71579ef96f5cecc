/**
 * Random rubrics (fast-check) over the generated exports of scripts/generate-samples.ts: channels,
 * signals, grades and a disqualified rule, each condition on a column of the right kind, with the
 * operators the SQL engines compile (the differential tests of the SQL engines draw from it).
 */
import fc from 'fast-check';
import type { PresetKey } from '../../scripts/generate-samples.js';

/** The columns of each generated preset's leads file a condition can read, by what they hold. */
export interface PresetColumns {
  readonly text: readonly string[];
  readonly numbers: readonly string[];
  readonly dates: readonly string[];
}

const PATTERNS = ['\\b(vp|director)\\b', '^a', '@(gmail|yahoo)\\.', 'ceo|cto', '[0-9]{2}'];

/** A random condition on one column of `cols`: every operator the brief lists, each where it reads. */
function condition(cols: PresetColumns): fc.Arbitrary<Record<string, unknown>> {
  const anyCol = fc.constantFrom(...cols.text, ...cols.numbers, ...cols.dates);
  // Values the generated exports hold (and near misses in case and spelling), so tests do match some leads.
  const word = fc.constantFrom('PAID_SEARCH', 'organic_search', 'UNQUALIFIED', 'Web', 'web', 'Hot', 'Cold', 'Open - Not Contacted', 'Campaigns', 'Web forms', 'Sales Manager', '0', '200', '', 'Other');
  const op: fc.Arbitrary<[string, Record<string, unknown>]> = fc.oneof(
    fc.tuple(anyCol, word).map(([c, w]) => [c, { eq: w }] as [string, Record<string, unknown>]),
    fc.tuple(anyCol, word).map(([c, w]) => [c, { ne: w }] as [string, Record<string, unknown>]),
    fc.tuple(anyCol, fc.uniqueArray(word, { minLength: 1, maxLength: 3 })).map(([c, w]) => [c, { in: w }] as [string, Record<string, unknown>]),
    fc.tuple(anyCol, fc.uniqueArray(word, { minLength: 1, maxLength: 3 })).map(([c, w]) => [c, { notIn: w }] as [string, Record<string, unknown>]),
    anyCol.map((c) => [c, { present: true }] as [string, Record<string, unknown>]),
    anyCol.map((c) => [c, { empty: true }] as [string, Record<string, unknown>]),
    fc.tuple(fc.constantFrom(...cols.numbers), fc.constantFrom('gte', 'lte'), fc.constantFrom(0, 1, 2, 10, 50, 200, 1000)).map(([c, o, n]) => [c, { [o]: n }] as [string, Record<string, unknown>]),
    fc.tuple(fc.constantFrom(...cols.dates), fc.constantFrom(7, 30, 90, 365)).map(([c, n]) => [c, { withinDays: n }] as [string, Record<string, unknown>]),
    fc.tuple(fc.constantFrom(...cols.text), fc.constantFrom(...PATTERNS)).map(([c, p]) => [c, { matches: p }] as [string, Record<string, unknown>]),
  );
  return op.map(([c, test]) => ({ [c]: test }));
}

export interface RandomRubric {
  readonly channels: readonly { name: string; when: Record<string, unknown> }[];
  readonly signals: readonly { name: string; points: number; when: Record<string, unknown> }[];
  readonly grades: readonly number[];
  readonly disqualified: Record<string, unknown> | null;
}

export function randomRubric(cols: PresetColumns): fc.Arbitrary<RandomRubric> {
  return fc.record({
    channels: fc.uniqueArray(
      fc.record({ name: fc.constantFrom('Paid', 'Organic', 'Partner', 'Events', 'Referral'), when: condition(cols) }),
      { maxLength: 3, selector: (c) => c.name },
    ),
    signals: fc.uniqueArray(fc.record({ name: fc.constantFrom('S1', 'S2', 'S3', 'S4', 'S5'), points: fc.constantFrom(-15, 5, 10, 20), when: condition(cols) }), { minLength: 1, maxLength: 4, selector: (s) => s.name }),
    grades: fc.uniqueArray(fc.constantFrom(5, 10, 20, 30, 40), { minLength: 1, maxLength: 3 }),
    disqualified: fc.option(condition(cols), { nil: null }),
  });
}

export function rubricYaml(preset: PresetKey, r: RandomRubric): string {
  const grades = [...r.grades].sort((a, b) => b - a);
  const letters = ['A', 'B', 'C'];
  const lines = [
    'version: 1',
    `preset: ${preset}`,
    ...(r.channels.length ? ['channels:', ...r.channels.map((c) => `  - { name: ${c.name}, when: ${JSON.stringify(c.when)} }`)] : []),
    ...(r.disqualified ? [`disqualified: ${JSON.stringify(r.disqualified)}`] : []),
    'score:',
    '  signals:',
    ...r.signals.map((s) => `    - { name: ${s.name}, points: ${s.points}, when: ${JSON.stringify(s.when)} }`),
    `  grades: { ${grades.map((g, i) => `${letters[i]}: ${g}`).join(', ')} }`,
    `  qualifiedGrade: ${letters[grades.length - 1]}`,
  ];
  return lines.join('\n') + '\n';
}

/** Columns of the generated exports' leads files (the samples' headers), by what they hold. */
export const PRESET_COLUMNS: Record<PresetKey, PresetColumns> = {
  hubspot: {
    text: ['Job Title', 'Email', 'Original Source', 'Lead Status', 'Industry'],
    numbers: ['Number of Employees', 'Number of Form Submissions', 'Number of Pageviews'],
    dates: ['Create Date', 'Last Activity Date', 'Became a Marketing Qualified Lead Date'],
  },
  salesforce: {
    text: ['Title', 'Email', 'Lead Source', 'Lead Status', 'Rating'],
    numbers: ['No. of Employees'],
    dates: ['Created Date', 'Last Activity', 'Converted Date'],
  },
  pipedrive: {
    text: ['Person - Name', 'Person - Email', 'Person - Source channel', 'Person - Organization'],
    numbers: ['Person - ID'],
    dates: ['Person - Person created', 'Person - Last activity date'],
  },
};
