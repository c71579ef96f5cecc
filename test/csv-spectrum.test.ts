/**
 * The public csv-spectrum cases (fixtures/csv-spectrum/, BSD-2-Clause; see its README for where
 * each file comes from): every CSV, read by leadaudit's reader from the file with nothing told
 * (delimiter, line end and encoding sniffed), under several chunk sizes, gives the records of its
 * JSON. One upstream expectation is not leadaudit's, on purpose, and is written down below.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../src/io/csv/index.js';

const dir = resolve(import.meta.dirname, '..', 'fixtures', 'csv-spectrum');
const cases = readdirSync(join(dir, 'csvs'))
  .filter((f) => f.endsWith('.csv'))
  .map((f) => f.replace(/\.csv$/, ''));

/**
 * Where leadaudit reads differently from upstream's JSON, and why. csv-spectrum's null.csv wants
 * an unquoted NULL read as an empty cell; leadaudit keeps the text (`NULL` is what the cell holds;
 * a date or amount column then counts it as unreadable, which `check` shows).
 */
const DIFFERENCES: Record<string, { row: number; column: string; leadaudit: string }[]> = {
  null: [{ row: 2, column: 'b', leadaudit: 'NULL' }],
};

async function readRecords(file: string, chunkSize?: number): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  await readCsv(file, { chunkSize }, (header) => ({
    row: (cells) => rows.push(Object.fromEntries(header.names.map((name, i) => [name, cells[i]!]))),
    other: (cells, line, reason) => {
      throw new Error(`line ${line}: ${reason} (${JSON.stringify(cells)})`);
    },
  }));
  return rows;
}

describe('csv-spectrum', () => {
  it('has its cases and their licence', () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/Redistribution and use in source and binary forms/);
  });

  it.each(cases)('%s.csv reads as %s.json', async (name) => {
    const expected = JSON.parse(readFileSync(join(dir, 'json', `${name}.json`), 'utf8')) as Record<string, string>[];
    for (const d of DIFFERENCES[name] ?? []) expected[d.row]![d.column] = d.leadaudit;
    const file = join(dir, 'csvs', `${name}.csv`);
    for (const chunkSize of [undefined, 1, 2, 3, 7]) {
      expect(await readRecords(file, chunkSize), `chunks of ${chunkSize ?? 'the default'} bytes`).toEqual(expected);
    }
  });
});
