import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodedText, IdIndex, PackedText } from '../src/data/columns.js';
import { load } from '../src/load.js';
import { dayNumber } from '../src/data/normalize.js';
import { DEAL_FIELD_KINDS, LEAD_FIELD_KINDS } from '../src/rubric/fields.js';
import { leadGetter } from '../src/data/classify.js';
import { dealGetter } from '../src/data/deal-sink.js';

function packed(cells: readonly string[]): PackedText {
  const text = new PackedText();
  for (const cell of cells) text.push(cell);
  return text;
}

describe('PackedText', () => {
  it('gives back each cell, across blocks, with long cells and non-Latin-1 text', () => {
    const cells = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 0 ? '' : `lead${i}@example.com`));
    cells[4095] = 'Zoë Łukasiewicz 😀';
    cells[4096] = 'x'.repeat(70_000);
    const text = packed(cells);
    expect(text.length).toBe(cells.length);
    cells.forEach((cell, i) => expect(text.get(i)).toBe(cell));
  });

  it('crosses threads as a part: structured clone, then read', () => {
    const cells = Array.from({ length: 9_000 }, (_, i) => `name ${i}`);
    const all = PackedText.read(structuredClone(packed(cells).part()));
    expect(Array.from({ length: all.length }, (_, i) => all.get(i))).toEqual(cells);
  });

  it('any cells, pushed one by one or after a part read back, come back as they went in', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 9_000 }), fc.array(fc.string(), { maxLength: 50 }), (first, second) => {
        const text = packed(first);
        const part = PackedText.read(packed(second).part());
        for (let i = 0; i < part.length; i++) text.push(part.get(i));
        const want = [...first, ...second];
        expect(text.length).toBe(want.length);
        want.forEach((cell, i) => expect(text.get(i)).toBe(cell));
      }),
      { numRuns: 30 },
    );
  });
});

describe('CodedText', () => {
  const cells = (text: CodedText) => Array.from({ length: text.length }, (_, i) => text.get(i));

  it('stores each value once and widens its codes past 256 and 65,536 values', () => {
    const text = new CodedText();
    const want: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const cell = i % 3 === 0 ? 'Organic Search' : `value ${i}`;
      text.push(cell);
      want.push(cell);
    }
    expect(cells(text)).toEqual(want);
    expect(text.values.filter((v) => v === 'Organic Search')).toHaveLength(1);
    expect(text.part().codes).toBeInstanceOf(Uint32Array);
  });

  it('codes any cells as a list of them would, values that share a length and end characters included', () => {
    // Cells of 'a'/'b' with the same length, first and last character land on the same guess of
    // their code: only the comparison with the guessed value tells them apart.
    const cell = fc.oneof(fc.stringMatching(/^a[ab]{0,3}b$/), fc.constantFrom('', 'ab', 'aab', 'abb', 'x'), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 300 }), (list) => {
        const text = new CodedText();
        for (const c of list) text.push(c);
        expect(cells(text)).toEqual(list);
        expect(new Set(text.values).size).toBe(text.values.length);
      }),
    );
  });

  it('appends a part coded as it codes its own rows, adding only values a row uses', () => {
    const first = new CodedText();
    for (const cell of ['b', 'a', 'b']) first.push(cell);
    const other = new CodedText();
    for (const cell of ['c', 'a', 'd']) other.push(cell);
    const part = structuredClone(other.part());
    // The row holding 'd' was taken out of the part (a duplicate id): 'd' must not be added.
    first.pushPart({ codes: part.codes.slice(0, 2), values: part.values });
    expect(cells(first)).toEqual(['b', 'a', 'b', 'c', 'a']);
    expect(first.values).toEqual(['b', 'a', 'c']);
    expect(JSON.stringify(first)).toBe('["b","a","b","c","a"]');
  });
});

describe('IdIndex', () => {
  it('finds each id as a Map would, through growth, with stand-ins left out of the index', () => {
    const index = new IdIndex();
    const map = new Map<string, number>();
    for (let row = 0; row < 50_000; row++) {
      const standIn = row % 1000 === 7;
      const key = standIn ? `#${row}` : row % 3 === 0 ? `lead-${row}@example.com` : String(51_000_000 + row);
      index.push(key, !standIn);
      if (!standIn) map.set(key, row);
    }
    for (const [key, row] of map) expect(index.get(key)).toBe(row);
    expect(index.get('#7')).toBeUndefined();
    expect(index.get('51000000 ')).toBeUndefined();
    expect(index.get('')).toBeUndefined();
    expect(index.ids.get(7)).toBe('#7');
    expect(index.length).toBe(50_000);
  });

  it('any set of ids: every one found at its row, and nothing else', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 3_000 }), fc.array(fc.string({ maxLength: 12 })), (keys, others) => {
        const index = new IdIndex();
        keys.forEach((key) => index.push(key));
        keys.forEach((key, row) => expect(index.get(key)).toBe(row));
        for (const other of others) expect(index.get(other)).toBe(keys.includes(other) ? keys.indexOf(other) : undefined);
      }),
      { numRuns: 50 },
    );
  });
});

describe('canonical fields are declared once (src/rubric/fields.ts)', () => {
  it('every lead and deal field but the parts of a name and the join columns is a view property read from its own column', async () => {
    const dir = new URL('../fixtures/samples/hubspot/', import.meta.url).pathname;
    const loaded = await load({ leads: `${dir}contacts.csv`, deals: `${dir}deals.csv`, rubric: `${dir}leadaudit.yml`, asOf: dayNumber(2025, 6, 30), minN: 30, strict: false, keepRejects: false, cwd: dir });
    const leads = loaded.leads!.read.leads;
    const lead = leads.at(3) as unknown as Record<string, unknown>;
    for (const [field, kind] of Object.entries(LEAD_FIELD_KINDS)) {
      expect(leadGetter(loaded.leads!.plan, field), field).toBeTypeOf('function');
      if (kind === 'part') continue;
      const column = (leads.c as unknown as Record<string, { get?(i: number): string } & ArrayLike<number>>)[field]!;
      expect(lead[field], field).toEqual(kind === 'date' ? column[3] : column.get!(3));
    }
    const deals = loaded.deals!.read.deals;
    const deal = deals.at(5) as unknown as Record<string, unknown>;
    for (const [field, kind] of Object.entries(DEAL_FIELD_KINDS)) {
      expect(dealGetter(loaded.deals!.plan, field), field).toBeTypeOf('function');
      if (kind === 'keys') continue;
      const column = (deals.c as unknown as Record<string, { get?(i: number): string } & ArrayLike<number>>)[field]!;
      expect(deal[field], field).toEqual(kind === 'date' || kind === 'amount' ? column[5] : column.get!(5));
    }
    // A view shows what the file holds: the sample's fourth lead has an email and a created date.
    expect(lead.email).toMatch(/@/);
    expect(lead.created).toBeGreaterThan(dayNumber(2020, 1, 1));
  });
});
