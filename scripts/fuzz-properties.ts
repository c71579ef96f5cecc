/**
 * Differential properties for leadaudit's two hand-made fast paths, shared by the test suite (a
 * few hundred cases each, `npm test`) and `npm run fuzz` (minutes of them, any seed replayable):
 *
 * - `wellFormed`: random RFC 4180 CSV — any of `,` `;` TAB `|`, any line end, quotes, embedded
 *   line ends, multi-byte characters, a BOM or none, UTF-8 or UTF-16 — fed to the reader in byte
 *   chunks of any size (1 included), so multi-byte characters split across chunks go through the
 *   real decoder. The fast path must yield exactly csv-parse's records, and be the path used.
 * - `malformed`: random broken CSV (ragged rows, stray and unclosed quotes, any delimiter): the
 *   reader yields csv-parse's records, or fails naming a line where csv-parse fails.
 * - `regexFold`: a rubric pattern rewritten for the linear-time engine (rubric/regex.ts) matches
 *   exactly what the same pattern with the `i` flag matches.
 */
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { readCsv, type CsvHeader, type CsvInfo } from '../src/io/csv/index.js';
import { foldCase, linearEngine } from '../src/rubric/regex.js';

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export const LINE_ENDS = ['\n', '\r\n', '\r'] as const;
export const ENCODINGS = ['utf-8', 'utf-8-bom', 'utf-16le-bom', 'utf-16be-bom'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export interface Seen {
  header: CsvHeader;
  records: { cells: string[]; line: number; reason?: string; rejected?: boolean }[];
  info: CsvInfo;
}

/** Reads bytes through the real reader (as standard input), in chunks of `chunkSize` bytes. */
export async function readBytes(bytes: Buffer, options: { chunkSize?: number; delimiter?: string; encoding?: string } = {}): Promise<Seen> {
  const records: Seen['records'] = [];
  let header: CsvHeader | undefined;
  const info = await readCsv('-', { ...options, whole: async () => bytes }, (h) => {
    header = h;
    records.length = 0;
    return {
      row: (cells, line) => records.push({ cells: [...cells], line }),
      other: (cells, line, reason, rejected) => records.push({ cells: [...cells], line, reason, rejected }),
    };
  });
  return { header: header!, records, info };
}

/** What csv-parse, the reference parser, makes of the same text. */
export function oracle(text: string, lineEnd: string, delimiter: string): string[][] {
  return parse(text.replace(/^\uFEFF/, ''), {
    delimiter,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: false,
    record_delimiter: lineEnd,
  }) as string[][];
}

/** Text as the bytes of a file in one of ENCODINGS. */
export function encode(text: string, encoding: Encoding): Buffer {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.from(`\uFEFF${text}`, 'utf8');
    case 'utf-16le-bom':
      return Buffer.from(`\uFEFF${text}`, 'utf16le');
    case 'utf-16be-bom':
      return Buffer.from(`\uFEFF${text}`, 'utf16le').swap16();
  }
}

/** Cell text: mostly plain, some with every character that needs quoting, multi-byte ones included. */
export const cellText = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '1', ' ', '.', '-'), maxLength: 8 }) },
  {
    weight: 3,
    arbitrary: fc.string({
      unit: fc.constantFrom('a', ',', ';', '\t', '|', '"', '\n', '\r\n', '\r', 'é', '€', '😀', '中', '\u00a0', ' '),
      maxLength: 10,
    }),
  },
  { weight: 1, arbitrary: fc.constant('') },
);

/** Chunk sizes in bytes: 1 and tiny ones (every multi-byte character split), and big ones. */
export const chunkSize = fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 8, max: 64 }), fc.integer({ min: 64, max: 9000 }));

export interface WellFormedCase {
  width: number;
  rows: string[][];
  delimiter: string;
  lineEnd: string;
  encoding: Encoding;
  finalNewline: boolean;
  quoteAll: boolean;
  padding: number;
  chunkSize: number;
}

export const wellFormedCase: fc.Arbitrary<WellFormedCase> = fc.integer({ min: 1, max: 6 }).chain((width) =>
  fc.record({
    width: fc.constant(width),
    rows: fc.array(fc.array(cellText, { minLength: width, maxLength: width }), { maxLength: 25 }),
    delimiter: fc.constantFrom(...DELIMITERS),
    lineEnd: fc.constantFrom(...LINE_ENDS),
    encoding: fc.constantFrom(...ENCODINGS),
    finalNewline: fc.boolean(),
    quoteAll: fc.boolean(),
    // Padding rows put the random ones past the first reads (the reader judges the encoding on
    // 4 KiB and the delimiter on 20 lines), so the chunk size really matters.
    padding: fc.integer({ min: 0, max: 80 }),
    chunkSize,
  }),
);

/** The file of a well-formed case: its text (before encoding) and its header. */
export function wellFormedText(c: WellFormedCase): { text: string; header: string[] } {
  const header = Array.from({ length: c.width }, (_, i) => `col${i}`);
  const pad = Array.from({ length: c.padding }, (_, r) => Array.from({ length: c.width }, (_, k) => `pad ${r}.${k} ${'p'.repeat(60)}`));
  let text = stringify([header, ...pad, ...c.rows], {
    delimiter: c.delimiter,
    record_delimiter: c.lineEnd === '\n' ? 'unix' : c.lineEnd === '\r' ? 'mac' : 'windows',
    quoted: c.quoteAll,
    quoted_match: /[\r\n]/,
  });
  if (!c.finalNewline) text = text.slice(0, -c.lineEnd.length);
  return { text, header };
}

/** A mismatch found by a property, said in full (thrown, so fast-check shrinks and reports it). */
export class Mismatch extends Error {
  override readonly name = 'Mismatch';
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The `wellFormed` property's check: the reader's records are csv-parse's, read by the hot path. */
export async function checkWellFormed(c: WellFormedCase): Promise<void> {
  const { text, header } = wellFormedText(c);
  const seen = await readBytes(encode(text, c.encoding), { chunkSize: c.chunkSize, delimiter: c.delimiter });
  const expected = oracle(text, c.lineEnd, c.delimiter);
  const got = seen.records.map((r) => r.cells);
  if (!same(seen.header.names, header)) throw new Mismatch(`header ${JSON.stringify(seen.header.names)}, expected ${JSON.stringify(header)}`);
  if (!same(got, expected.slice(1))) {
    const at = got.findIndex((row, i) => !same(row, expected[i + 1]));
    const i = at < 0 ? Math.min(got.length, expected.length - 1) : at;
    throw new Mismatch(`record ${i + 1}: reader ${JSON.stringify(got[i])}, csv-parse ${JSON.stringify(expected[i + 1])} (${got.length} records vs ${expected.length - 1})`);
  }
  if (seen.info.read !== expected.length - 1) throw new Mismatch(`read ${seen.info.read}, csv-parse has ${expected.length - 1} records`);
  // The fast path must really be the one that read it.
  if (seen.info.exact) throw new Mismatch('read by csv-parse, expected the fast path');
}

export interface MalformedCase {
  delimiter: string;
  pieces: string[];
  padding: number;
  chunkSize: number;
}

export const malformedCase: fc.Arbitrary<MalformedCase> = fc.constantFrom(...DELIMITERS).chain((delimiter) =>
  fc.record({
    delimiter: fc.constant(delimiter),
    pieces: fc.array(fc.constantFrom('a', 'b', delimiter, delimiter, '"', '\n', '\n', 'x"y', '""', ' ', 'é', '😀', '\r\n'), { maxLength: 60 }),
    padding: fc.integer({ min: 0, max: 80 }),
    chunkSize,
  }),
);

/** The `malformed` property's check: csv-parse's records, or a failure naming a line where it fails. */
export async function checkMalformed(c: MalformedCase): Promise<void> {
  const d = c.delimiter;
  const pad = Array.from({ length: c.padding }, (_, r) => `${r}${d}${'p'.repeat(60)}${d}x\n`).join('');
  const text = `h1${d}h2${d}h3\n${pad}${c.pieces.join('')}`;
  // A CRLF piece in this LF file makes it mixed: from there on the reader ends rows at every line
  // end (and warns), which csv-parse does given all three.
  const lineEnds = c.pieces.includes('\r\n') ? ['\r\n', '\n', '\r'] : ['\n'];
  let expected: string[][] | undefined;
  try {
    expected = parse(text, { delimiter: d, relax_quotes: true, relax_column_count: true, skip_empty_lines: false, record_delimiter: lineEnds }) as string[][];
  } catch {
    expected = undefined;
  }
  let seen: Seen;
  try {
    seen = await readBytes(Buffer.from(text, 'utf8'), { chunkSize: c.chunkSize, delimiter: d });
  } catch (error) {
    const message = (error as Error).message;
    if (!/line \d+/.test(message)) throw new Mismatch(`failed without naming a line: ${message}`);
    if (expected !== undefined) throw new Mismatch(`failed (${message}) where csv-parse reads ${expected.length} records`);
    return;
  }
  if (expected === undefined) throw new Mismatch('read where csv-parse fails');
  const got = seen.records.map((r) => r.cells);
  if (!same(got, expected.slice(1))) throw new Mismatch(`reader ${JSON.stringify(got)}, csv-parse ${JSON.stringify(expected.slice(1))}`);
}

// ---------------------------------------------------------------- regex case folding

/** Characters whose case rules are unusual: ſ and K (Kelvin) fold to ASCII only with u, σ/ς/Σ, ß/ẞ, İ/ı. */
const CASED = ['a', 'A', 'b', 'k', 'K', 's', 'S', '\u017f', '\u212a', '\u03c3', '\u03a3', '\u03c2', '\u00df', '\u1e9e', '\u0130', 'i', 'I', '\u0131', 'é', 'É', '1', '_', ' ', '-'];
const casedChar = fc.constantFrom(...CASED);
const atom = fc.oneof(
  casedChar,
  fc.constantFrom('.', '\\.', '\\d', '\\w', '\\W', '\\s', '\\b', '\\B', '\\x41', '\\u00e9', '\\u00C9', '\\cJ', '\\n', '\\-', '\\K', '\\P', '\\k', '\\c1', '^', '$', '{', '}', ']'),
  fc
    .tuple(
      fc.boolean(),
      fc.array(fc.oneof(casedChar.filter((c) => c !== '-'), fc.constantFrom('a-z', 'A-Z', 'A-z', '\\w', '\\d', '\\W', 'à-ÿ', 'Σ-σ', '\\b', '\\B', '\\x41-\\x5a', '\\w-z', '\\c_', '-')), { maxLength: 4 }),
    )
    .map(([negate, items]) => `[${negate ? '^' : ''}${items.join('')}]`),
);
const quantifier = fc.constantFrom('', '', '', '*', '+', '?', '{2}', '{1,3}', '{0,}', '*?');
const assertion = new Set(['^', '$', '\\b', '\\B']);

export const regexPattern: fc.Arbitrary<string> = fc.letrec<{ seq: string; alt: string }>((tie) => ({
  seq: fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(atom, quantifier).map(([a, q]) => (assertion.has(a) ? a : a + q)) },
        {
          weight: 1,
          arbitrary: fc.tuple(fc.constantFrom('(', '(?:', '(?=', '(?!'), tie('alt'), quantifier).map(([open, body, q]) => `${open}${body})${open.startsWith('(?=') || open.startsWith('(?!') ? '' : q}`),
        },
      ),
      { maxLength: 4 },
    )
    .map((parts) => parts.join('')),
  alt: fc.array(tie('seq'), { minLength: 1, maxLength: 2 }).map((parts) => parts.join('|')),
})).alt;

export const regexSubject: fc.Arbitrary<string> = fc.string({ unit: fc.oneof(casedChar, fc.constantFrom('\n', 'B', 'z', 'Z', '[', '\\', 'c', '\b', 'x', 'à', 'ÿ')), maxLength: 12 });

/** The `regexFold` property's check: the folded pattern (no flags) matches what `/pattern/i` matches. */
export function checkRegexFold(pattern: string, subject: string): void {
  let native: RegExp;
  try {
    native = new RegExp(pattern, 'i');
  } catch {
    return; // not a pattern a rubric could hold (validation refuses it)
  }
  linearEngine();
  const { source } = foldCase(pattern);
  const folded = new RegExp(source);
  const want = native.test(subject);
  if (folded.test(subject) !== want) {
    throw new Mismatch(`/${pattern}/i ${want ? 'matches' : 'does not match'} ${JSON.stringify(subject)}; the folded /${source}/ ${want ? 'does not' : 'does'}`);
  }
}

// ---------------------------------------------------------------- the properties

/** Each property by name, as fuzz.ts and the tests run it. */
export const properties = {
  wellFormed: () => fc.asyncProperty(wellFormedCase, checkWellFormed),
  malformed: () => fc.asyncProperty(malformedCase, checkMalformed),
  regexFold: () => fc.asyncProperty(regexPattern, regexSubject, async (p, s) => checkRegexFold(p, s)),
} as const;

export type PropertyName = keyof typeof properties;
