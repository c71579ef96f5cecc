/** --spend FILE (docs/reports.md, "sources"): spend per channel or --by group, read and matched to the run's groups. */
import { InputError } from '../errors.js';
import { checkSmallFile } from '../io/small-file.js';
import { readCsv, type CsvOptions } from '../io/csv/index.js';
import { numberFormatOf, numberFormatWarning, parseAmount } from './normalize.js';
import { reasonText } from '../model.js';

export interface SpendFile {
  readonly file: string;
  /** Spend per name as written, summed over repeated names. */
  readonly rows: ReadonlyMap<string, { name: string; spend: number }>;
  /** The spend column's decimal mark could not be decided (README "What the numbers mean"). */
  readonly warning: string | undefined;
}

/** The biggest spend file read: a row per channel or campaign, written or exported by hand. */
const MAX_SPEND_BYTES = 16 * 1024 * 1024;

/** Name columns a spend file may use, most specific first (after the --by key itself). */
const SPEND_NAMES = ['channel', 'source', 'utm_medium', 'medium', 'utm_source', 'name', 'group', 'campaign'];
const SPEND_VALUE = /spend|cost|budget|amount/i;

/**
 * Reads --spend FILE (docs/reports.md, "sources"): a name column (the --by key, else channel, source, …, else the
 * first) and a spend column (spend, cost, … else the next), amounts as §4.4. Blank rows and footers
 * are skipped; a ragged row, an unreadable or a negative spend is an input error naming its line.
 */
export async function readSpend(file: string, csvOptions: CsvOptions, by: string): Promise<SpendFile> {
  checkSmallFile(file, 'spend file', MAX_SPEND_BYTES);
  // Spend is read once the whole column is seen: its decimal mark is decided from all its values.
  const read: { name: string; text: string; line: number }[] = [];
  let spendColumn = 'spend';
  let bad = (line: number, why: string) => new InputError(`${file} line ${line}: ${why}`);
  let nameColumn = 'channel';
  await readCsv(file, csvOptions, (header) => {
    const keys = header.names.map((n) => n.toLowerCase().replace(/[\s-]+/g, '_'));
    const named = [by.toLowerCase().replace(/[\s-]+/g, '_'), ...SPEND_NAMES].map((k) => keys.indexOf(k)).find((i) => i >= 0);
    const nameAt = named ?? 0;
    const found = header.names.findIndex((n, i) => i !== nameAt && SPEND_VALUE.test(n));
    const spendAt = found >= 0 ? found : nameAt === 0 ? 1 : 0;
    if (spendAt >= header.names.length) throw new InputError(`${file}: needs two columns, a channel and its spend`);
    bad = (line: number, why: string) => new InputError(`${file} line ${line}: ${why}`);
    spendColumn = header.names[spendAt]!;
    nameColumn = header.names[nameAt]!;
    return {
      row(cells, line) {
        const name = cells[nameAt]!.trim();
        const text = cells[spendAt]!.trim();
        if (name === '' && text === '') return;
        read.push({ name, text, line });
      },
      other(cells, line, reason, rejected) {
        if (rejected) throw bad(line, `${reasonText(reason)} (${cells.length} cells, header has ${header.names.length}); quote a value that holds the delimiter`);
      },
    };
  });
  const format = numberFormatOf(read.map((r) => r.text));
  const rows = new Map<string, { name: string; spend: number }>();
  for (const { name, text, line } of read) {
    const value = parseAmount(text, format.mark);
    if (name === '' || Number.isNaN(value)) throw bad(line, `expected a ${nameColumn} and a spend, got ${JSON.stringify(`${name}, ${text}`)}`);
    if (value < 0) throw bad(line, `spend cannot be negative (${text})`);
    const prior = rows.get(name);
    rows.set(name, { name, spend: (prior?.spend ?? 0) + value });
  }
  return { file, rows, warning: numberFormatWarning(file, spendColumn, format) };
}

/**
 * Spend per group of this run, keyed by the group's name. A spend name matches a group of the
 * same name (trimmed), else one that differs only in case; names that match no group are a warning.
 */
export function matchSpend(spend: SpendFile, groups: ReadonlySet<string>, label: string, warnings: string[]): Map<string, number> {
  const out = new Map<string, number>();
  const unmatched: string[] = [];
  for (const { name, spend: value } of spend.rows.values()) {
    const exact = [...groups].find((g) => g.trim() === name);
    const match = exact ?? [...groups].find((g) => g.trim().toLowerCase() === name.toLowerCase());
    if (match === undefined) unmatched.push(name);
    else out.set(match, (out.get(match) ?? 0) + value);
  }
  if (unmatched.length > 0) {
    warnings.push(`${spend.file}: spend for ${unmatched.map((n) => JSON.stringify(n)).join(', ')} matches no ${label.toLowerCase()} (names are matched trimmed, then case-insensitively; rubric channels can rename sources)`);
  }
  return out;
}
