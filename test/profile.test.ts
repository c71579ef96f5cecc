import { describe, expect, it } from 'vitest';
import { isEmptyCell, profileRows } from '../src/data/profile.js';

const kindOf = (values: string[]) => profileRows(['c'], values.map((v) => [v]))[0]!.kind;

describe('column kinds from values', () => {
  it('tells dates, booleans, numbers, emails, ids, categories and text apart', () => {
    expect(kindOf(['2024-01-05', '2024-02-11 10:30', '3/5/2024'])).toBe('date');
    expect(kindOf(['TRUE', 'FALSE', 'TRUE'])).toBe('boolean');
    expect(kindOf(['1', '0', '0', '1'])).toBe('boolean');
    expect(kindOf(['12.5', '1,250.50', '0.125', '99'])).toBe('number');
    expect(kindOf(['ana@acme.com', 'ben@globex.io'])).toBe('email');
    expect(kindOf(Array.from({ length: 50 }, (_, i) => `00Q5e00000${String(i).padStart(5, '0')}AB`))).toBe('id');
    expect(kindOf(Array.from({ length: 100 }, (_, i) => ['Web', 'Partner', 'Trade Show'][i % 3]!))).toBe('category');
    expect(kindOf(Array.from({ length: 200 }, (_, i) => `free text number ${i} about things`))).toBe('text');
    expect(kindOf(['', '  ', '\\N'])).toBe('empty');
  });

  it('keeps unique whole-number ids key-like past the distinct values it counts, and repeating small numbers not', () => {
    const [ids] = profileRows(['id'], Array.from({ length: 6000 }, (_, i) => [String(i + 1)]));
    expect(ids!.keyLike).toBe(true);
    const [owners] = profileRows(['owner'], Array.from({ length: 6000 }, (_, i) => [String((i % 12) + 1)]));
    expect(owners!.keyLike).toBe(false);
    expect(kindOf(['TRUE', 'FALSE', 'true', 'false', 'True'])).toBe('boolean');
  });

  it('never calls a TRUE/FALSE column a date, nor a year a date', () => {
    expect(kindOf(['TRUE', 'FALSE'])).not.toBe('date');
    expect(kindOf(['2019', '2020', '2021', '2022'])).not.toBe('date');
  });

  it('counts values, most common first, and skips empty tokens', () => {
    const [p] = profileRows(['stage'], [['Won'], ['Lost'], ['Won'], ['\\N'], ['NULL'], [''], ['Won']]);
    expect(p!.values).toEqual([
      ['Won', 3],
      ['Lost', 1],
    ]);
    expect(p!.filled).toBe(4);
    expect(p!.rows).toBe(7);
  });

  it('judges the kind on the first 50,000 values and counts every value', () => {
    // Judged on all of them, a sixth of text would make this no date column.
    const rows = Array.from({ length: 60_000 }, (_, i) => [i < 50_000 ? '2024-01-05' : 'not a date']);
    const [p] = profileRows(['d'], rows);
    expect(p!.kind).toBe('date');
    expect(p!.filled).toBe(60_000);
    expect(p!.values).toEqual([
      ['2024-01-05', 50_000],
      ['not a date', 10_000],
    ]);
  });

  it('counts slash dates that prove their order', () => {
    const [p] = profileRows(['d'], [['28/02/2024'], ['03/04/2024'], ['13/01/2024']]);
    expect(p!.dayFirst).toBe(2);
    expect(p!.monthFirst).toBe(0);
  });

  it('reads MySQL and spreadsheet nulls as empty, but not real words', () => {
    for (const t of ['\\N', 'NULL', 'null', 'N/A', '#N/A', '(blank)', ' ']) expect(isEmptyCell(t)).toBe(true);
    for (const t of ['No', 'Nullam', 'NA Corp', '0', '-', 'None']) expect(isEmptyCell(t)).toBe(false);
  });
});
