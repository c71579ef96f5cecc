/**
 * The header row: whether the first record looks like data instead, the names it gives (cleaned),
 * or the names a headerless file is given, checked against its first record.
 */
import { InputError } from '../../errors.js';
import type { CsvHeader } from './index.js';

/**
 * Why a header row looks like a row of data, or undefined when it looks like a header: cells
 * that are `\N` (MySQL's null), an email, a date, a decimal, an amount, a long number, a URL or a
 * record id; or mostly empty names with one repeated. Conservative: `Amount`, `Lead ID`, `Probability (%)`, `2024
 * Budget`, `Q1`, `2024` and `hs_lifecyclestage_customer_date` are headers. Pure (init calls it).
 */
export function headerLooksLikeData(names: readonly string[]): string | undefined {
  const found: string[] = [];
  for (const raw of names) {
    const name = raw.replace(/^\uFEFF/, '').trim();
    const what = dataKind(name);
    if (what !== undefined && found.length < 3) found.push(`"${name}" (${what})`);
  }
  if (found.length > 0) return `cells ${found.join(', ')}`;
  // Mostly empty names, and a name given twice: a sparse row of data (`Web,,,Web,,0,,0`). Empty
  // cells at the end (a trailing delimiter on every line) do not count.
  const cells = names.map((n) => n.trim().toLowerCase());
  while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
  const filled = cells.filter((n) => n !== '');
  const empty = cells.length - filled.length;
  if (empty >= 2 && empty * 2 > cells.length && new Set(filled).size < filled.length) return `${empty} of ${cells.length} cells are empty, and a value repeats`;
  return undefined;
}

function dataKind(name: string): string | undefined {
  if (name === '\\N') return "MySQL's null";
  if (name === 'NULL') return 'a null';
  if (/^[^\s@"]+@[^\s@"]+\.[a-z]{2,}$/i.test(name)) return 'an email';
  if (/^\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d|$)/.test(name) || /^\d{1,2}[/.-]\d{1,2}[/.-](?:\d{2}|\d{4})(?:[T ,]|$)/.test(name)) return 'a date';
  if (/^[-+]?\d*[.,]\d+$/.test(name) && !/^\d{1,3}(?:,\d{3})+$/.test(name)) return 'a decimal';
  if (/^[-+]?[$€£¥]\s?\d/.test(name)) return 'an amount';
  if (/^[-+]?\d{5,}$/.test(name)) return 'a number';
  if (/^https?:\/\//i.test(name)) return 'a URL';
  // Salesforce ids (00Q5g000008UiuREAS), UUIDs.
  if (/^0[0-9A-Za-z]{2}[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?$/.test(name) && (name.match(/\d/g)?.length ?? 0) >= 5) return 'a record id';
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name)) return 'a record id';
  return undefined;
}

/**
 * Trims names, drops trailing empty ones, names blank ones, and refuses duplicates: two names that
 * differ only in case are duplicates, since columns are found by name ignoring case.
 */
export function cleanHeader(file: string, cells: readonly string[], line: number, warnings: string[]): CsvHeader {
  const names = cells.map((c) => c.replace(/^\uFEFF/, '').trim());
  while (names.length > 1 && names[names.length - 1] === '') names.pop();
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (n === '') {
      names[i] = `column ${i + 1}`;
      warnings.push(`${file} line ${line}: column ${i + 1} has no name; called it "column ${i + 1}"`);
    }
    const key = names[i]!.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InputError(`${file} line ${line}: duplicate column name "${names[i]}" in columns ${first + 1} and ${i + 1}`);
    }
    seen.set(key, i);
  });
  return { names, cells: cells.length, line };
}

/**
 * The header of a file without one, from the names the rubric gives (CsvOptions.names), checked
 * against its first record: as many cells as names (trailing empty cells aside), and not a header
 * row repeating them.
 */
export function namedHeader(file: string, names: readonly string[], first: readonly string[], line: number, from = 'the column names given'): CsvHeader {
  let width = first.length;
  while (width > names.length && first[width - 1]!.trim() === '') width--;
  if (width !== names.length) {
    throw new InputError(`${file} line ${line}: ${from} names ${names.length} column${names.length === 1 ? '' : 's'}, but the first row has ${width} cell${width === 1 ? '' : 's'}; give one name per column, in file order`);
  }
  if (first.every((cell, i) => i >= names.length || cell.trim().toLowerCase() === names[i]!.trim().toLowerCase())) {
    throw new InputError(`${file} line ${line}: the first row is a header row (it repeats ${from}); give names only for a file without one`);
  }
  return { names: names.map((n) => n.trim()), cells: first.length, line: 0 };
}
