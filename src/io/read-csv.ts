/**
 * Reading CSV exports (SPEC §4.1, §8).
 *
 * The hot path is a scanner over one slice of decoded text at a time: it finds where each whole
 * record starts and ends (walking from quote to quote with `indexOf`, a line end counting only
 * outside quotes), then cuts each record into cells as RFC 4180 fields (`Cutter`). Ragged rows
 * are cut like any other and judged by the reader. Whatever the scanner cannot read exactly (text
 * after a closing quote, mixed line ends, a quote never closed) hands the rest of the file, from
 * that record on, to csv-parse — the reference parser — which reads it exactly and pinpoints an
 * unterminated quote. Tests and `npm run fuzz` compare the two on every kind of record.
 *
 * Memory: the text is read in chunks and only the tail of an unfinished record is carried over;
 * each record goes straight to the sink, which keeps what it needs — but for a possible summary
 * block at the end of a report export, held back until the file ends or data follows (TOTALS).
 *
 * A file whose quotes are escaped with a backslash (CsvOptions.escape) is read by BackslashPath
 * alone; a file without a header row is read with the names given (CsvOptions.names), and one
 * whose first row looks like data without them is refused (headerLooksLikeData).
 */
import { closeSync, createReadStream, openSync, readSync, statSync, type Stats } from 'node:fs';
import { TextDecoder } from 'node:util';
import { parse as csvParse } from 'csv-parse';
import { parse as csvParseSync } from 'csv-parse/sync';
import { InputError, UsageError } from '../errors.js';
import type { RowReason } from '../model.js';

export interface CsvOptions {
  /** Column delimiter; sniffed among , ; TAB | when not given. */
  readonly delimiter?: string;
  /** Text encoding; decided by the BOM, else UTF-8 with a Windows-1252 fallback, when not given. */
  readonly encoding?: string;
  /** Bytes per read; tests vary it to prove chunking never changes the records. */
  readonly chunkSize?: number;
  /**
   * The whole bytes of an input that cannot be read in place: standard input (`-`), a pipe, process
   * substitution (`<(cat leads.csv)`). Such an input can be read only once, so the caller keeps
   * the bytes for every later read of it (see `readWhole`); by default each call reads it anew.
   */
  readonly whole?: (file: string) => Promise<Buffer>;
  /** Told after each chunk how far the read is (for a progress line on a terminal). */
  readonly onProgress?: (progress: { file: string; bytes: number; total: number; records: number; done: boolean }) => void;
  /**
   * Reading a big file on two cores: the second part of the file is read elsewhere (a worker
   * thread) by `start`, into a part the sink can `append`. See `planSplit`.
   */
  readonly parallel?: Parallel;
  /**
   * The column names of a file that has no header row, in order: the first record is data. A
   * first record with another number of cells is an error (the names do not fit the file).
   */
  readonly names?: readonly string[];
  /**
   * Where a headerless file's column names can be given (a rubric key such as `leads.header`),
   * for the error when the first row looks like data (headerLooksLikeData).
   */
  readonly namesFrom?: string;
  /**
   * How a quote is written inside a quoted field: `"` doubles it (RFC 4180, the default); `\`
   * escapes it with a backslash, as MySQL's `SELECT … INTO OUTFILE` does (see BackslashPath).
   */
  readonly escape?: Escape;
  /**
   * Told the first record's cells as read, before they are judged a header (or data, with
   * `names`); throwing stops the read. `init` looks at a file's first row this way (readFirstRow).
   */
  readonly onFirstRow?: (cells: readonly string[]) => void;
}

/** The two ways a quote is escaped inside a quoted field: `""` (RFC 4180) or `\"` (MySQL). */
export const ESCAPES = ['"', '\\'] as const;
export type Escape = (typeof ESCAPES)[number];

/** Where the second part of a file is, and what a reader needs to go on from there. */
export interface Continuation {
  readonly file: string;
  /** The part starts at the cut at or after this byte offset (findCut) and ends at `end` (the file's size). */
  readonly target: number;
  readonly end: number;
  readonly header: CsvHeader;
  readonly delimiter: string;
  readonly lineEnd: string;
  /** Whether bytes that are not UTF-8 fail the read (they do unless --encoding is given). */
  readonly fatal: boolean;
  /** What the first part learned of its columns, for judging summary rows (see Sample). */
  readonly sample: Sample;
}

/** What reading one part of a file found, besides the part its sink kept. */
export interface PartInfo {
  readonly read: number;
  readonly warnings: readonly string[];
  readonly exact: boolean;
  readonly nul?: CsvInfo['nul'];
  /**
   * True when the part judged a row that may be a summary row without all that a read in one
   * piece would have known (a sample still filling, or the record before the cut): the part is
   * then read again in the first thread, so that the records are those of a read in one piece.
   */
  readonly unsure?: boolean;
}

export interface Parallel {
  /** Files smaller than this are read in one piece (a worker costs ~0.1 s to start). */
  readonly minBytes: number;
  /** Bytes past the middle this thread reads (at most a tenth of the file): the other starts later. */
  readonly headStart?: number;
  /**
   * Reads the part `c` of the file (readPart): `cut` resolves to where it starts (undefined when
   * the file has no cut), `result` to the sink's part and what the read found, or to undefined when
   * that could not be done (the caller then reads the part itself).
   */
  start(c: Continuation, onBytes: (bytes: number) => void): RemoteRead;
}

/** Where a file is cut: the byte offset of the second part's first record, and its line. */
export interface Cut {
  readonly at: number;
  readonly line: number;
}

export interface RemoteRead {
  cut(): Promise<Cut | undefined>;
  result(): Promise<{ part: unknown; info: PartInfo } | undefined>;
  cancel(): void;
}

export interface CsvHeader {
  /** Column names, trimmed; trailing empty header cells are dropped. */
  readonly names: readonly string[];
  /** Cells in the header record, including the dropped trailing empty ones. */
  readonly cells: number;
  /** Line of the header record; 0 when CsvOptions.names gave the names (the file has no header row). */
  readonly line: number;
}

/** Receives the records of one read, in file order. */
export interface CsvSink {
  /** A data record. `cells` has between `names.length` and `header.cells` entries. */
  row(cells: string[], line: number): void;
  /**
   * A record that is not data; `rejected` ones are counted as rejected, the rest as skipped.
   * `detail` says more about this one record (`column "notes": 5.0 MB`), for messages.
   */
  other(cells: string[], line: number, reason: RowReason, rejected: boolean, detail?: string): void;
  /**
   * Takes the rows another sink of the same plan read from the rest of the file, as if they had
   * come through `row` and `other`; false (taking nothing) when they cannot be, so the caller
   * reads the rest itself. Only sinks that have it are offered a split read.
   */
  append?(part: unknown): boolean;
}

export interface CsvInfo {
  readonly file: string;
  readonly encoding: string;
  readonly delimiter: string;
  readonly header: CsvHeader;
  /** Data records read after the header (blank lines and footers included). */
  readonly read: number;
  readonly warnings: readonly string[];
  /** True when some of the file was read by csv-parse: a record the fast path cannot read exactly. */
  readonly exact: boolean;
  /** True when the second half of the file was read in another thread (CsvOptions.parallel). */
  readonly split?: boolean;
  /** NUL characters removed from cells, and where the first one was (undefined when none). */
  readonly nul?: { readonly count: number; readonly cells: number; readonly line: number; readonly column: string };
}

const CANDIDATES = [',', ';', '\t', '|'] as const;
/**
 * Bytes read and decoded at a time. Node 20's TextDecoder returns Latin-1 text of under ~1 MB as a
 * one-byte string but 1 MiB of it as a two-byte one, and every cell cut from a two-byte string is
 * two-byte too: at 1 MiB chunks every id, email and name kept took twice the memory (live heap
 * after loading the 1M bench export 203 MB; with 512 KiB chunks 152 MB, as fast).
 */
const DEFAULT_CHUNK = 1 << 19;
/** A record longer than this is an error, not a memory exhaustion (an unterminated quote, usually). */
export const MAX_RECORD_CHARS = 32 * 1024 * 1024;
/**
 * A field longer than this rejects its row. No CRM stores such a value (HubSpot caps a property at
 * 65,536 characters, Salesforce a long text at 131,072, Excel a cell at 32,767): it is a quote left
 * open that swallowed the lines after it, or not an export at all.
 */
export const MAX_FIELD_CHARS = 1024 * 1024;
const FOOTER =
  /^(?:grand totals?\b.*|totals?\b.*|subtotal\b.*|confidential information\b.*|copyright\s*(?:©|\(c\)|\d).*|generated (?:by|on)\b.*|filtered by\b.*|report (?:name|generated)\b.*|salesforce\.com.*)$/i;

/**
 * Summary and statistics rows at the end of a report export (Salesforce's "Show summary": a blank
 * row, then totals or averages such as `,,0,0,0.0016,,1234.5`, `Total,,,12` or `Average,,3.5`).
 * Such a row is held back, never used as data, while only blank lines, footers, ragged rows and
 * rows like it follow; at the end of the file it is skipped as a "summary row". Any data row after
 * it makes it data again, so a row inside the data is never skipped for its shape. A row is like
 * a summary row when its first non-empty cell is a totals word (TOTALS) and the rest are numbers
 * or empty; or when every non-empty cell is a number and, after a blank line (since the last data
 * row), a number stands in a column whose sampled data rows held only text (an id, a name, an
 * email) or a column every sampled data row filled with text is empty; or, with no blank line, a
 * number stands in a column every one of at least SURE_ROWS sampled data rows filled with text.
 */
const TOTALS = /^\s*(?:(?:grand\s+|sub-?)?totals?\b.*|(?:sum|average|avg|mean|median|count|record count|min|minimum|max|maximum)(?:\s+of\b.*|\s*:)?\s*)$/i;
/**
 * A number as a report writes a total: a sign or parentheses, a currency symbol or code, digits
 * with separators, an exponent, a percent sign (`0.0016`, `$44,000.00`, `USD 1.234,56`, `(12)`, `15%`).
 */
const NUMBER = /^\s*[-+(]?\s*(?:[$€£¥]|[A-Z]{3}\s?)?\s*[-+]?(?:\d[\d,.' \u00a0]*|[.,]\d+)(?:[eE][-+]?\d+)?\s*%?\)?\s*$/;
/** Data rows sampled, from the first, to learn which columns hold text. */
const SAMPLE_ROWS = 50;
/** Sampled rows needed to take a row of numbers with no blank line before it as a summary row. */
const SURE_ROWS = 10;
/** Records held back as a possible summary block; past this many they are read as data. */
const MAX_HELD = 100;

/**
 * What the first SAMPLE_ROWS data rows of a file held, per column: `kinds` 0 nothing yet, 1 only
 * text (no number), 2 a number; `text` how many rows held text in it. A split read's second part
 * judges with the first part's sample (Continuation.sample).
 */
export interface Sample {
  rows: number;
  readonly kinds: Uint8Array;
  readonly text: Uint32Array;
}

function newSample(width: number): Sample {
  return { rows: 0, kinds: new Uint8Array(width), text: new Uint32Array(width) };
}

function isNumber(cell: string): boolean {
  if (cell.length === 0) return false;
  const c = cell.charCodeAt(0);
  // Most text starts with a letter: no regex for it unless it may be a currency code (USD 12).
  if (c >= 97 && c <= 122) return false;
  if (c >= 65 && c <= 90 && !(isUpper(cell.charCodeAt(1)) && isUpper(cell.charCodeAt(2)))) return false;
  // Plain digits (numeric record ids) without the regex too.
  let i = 0;
  while (i < cell.length && cell.charCodeAt(i) >= 48 && cell.charCodeAt(i) <= 57) i++;
  if (i === cell.length) return true;
  return NUMBER.test(cell);
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/**
 * The shape of a record that may be a summary row: `totals` (its first non-empty cell a totals
 * word, the others numbers or empty), `numbers` (every non-empty cell a number), else undefined.
 * Runs on every record: a data row returns at its first cell of text.
 */
function summaryShape(cells: readonly string[]): 'totals' | 'numbers' | undefined {
  let seen = false;
  let word = false;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (cell.length === 0) continue;
    if (isNumber(cell)) {
      seen = true;
      continue;
    }
    if (!seen && /^\s*[tgsacmr]/i.test(cell) && TOTALS.test(cell)) {
      seen = true;
      word = true;
      continue;
    }
    if (cell.trim() !== '') return undefined;
  }
  return !seen ? undefined : word ? 'totals' : 'numbers';
}

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

/** Thrown inside a read to start it again in Windows-1252. */
class NotUtf8 extends Error {}

/**
 * Reads `file` (a path, or `-` for standard input) and feeds its records to the sink that `begin`
 * returns once the header is known. `begin` may be called twice: when the bytes turn out not to
 * be UTF-8, the read starts again in Windows-1252 with a fresh sink.
 */
export async function readCsv(
  file: string,
  options: CsvOptions,
  begin: (header: CsvHeader) => CsvSink,
): Promise<CsvInfo> {
  // A pipe or a device (process substitution, /dev/stdin) is read whole: a positioned read of a
  // pipe fails with ESPIPE, and it can be read only once.
  const stat = file === '-' ? undefined : checkReadable(file);
  const bytes = stat === undefined || !stat.isFile() ? await (options.whole ?? readWhole)(file) : undefined;
  const size = bytes === undefined ? stat!.size : bytes.length;
  const forced = options.encoding === undefined ? undefined : checkEncoding(options.encoding);
  try {
    return await readOnce(file, bytes, size, options, forced, false, begin);
  } catch (error) {
    if (!(error instanceof NotUtf8)) throw error;
    const info = await readOnce(file, bytes, size, options, 'windows-1252', true, begin);
    return {
      ...info,
      warnings: [`${displayName(file)}: not valid UTF-8; read as Windows-1252 (use --encoding to choose another)`, ...info.warnings],
    };
  }
}

export function displayName(file: string): string {
  return file === '-' ? 'stdin' : file;
}

/**
 * A `whole` for a run that reads its inputs more than once (a header peek, then the read; `init`
 * and `check` read a file again): each input that cannot be read in place is read once and kept.
 * `stdin` stands in for standard input (tests).
 */
export function keepWhole(stdin?: () => Promise<Buffer>): (file: string) => Promise<Buffer> {
  const kept = new Map<string, Promise<Buffer>>();
  return (file) => {
    let bytes = kept.get(file);
    if (bytes === undefined) kept.set(file, (bytes = file === '-' && stdin !== undefined ? stdin() : readWhole(file)));
    return bytes;
  };
}

/** All the bytes of standard input (`-`) or a pipe, read from start to end. */
export async function readWhole(file: string): Promise<Buffer> {
  const stream = file === '-' ? process.stdin : createReadStream(file);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    throw new InputError(`${displayName(file)}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return Buffer.concat(chunks);
}

/** Fails clearly on a missing file or a folder; returns what the file is. */
function checkReadable(file: string): Stats {
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(error)})`);
  }
  if (stat.isDirectory()) throw new InputError(`${file}: is a directory, not a CSV file`);
  return stat;
}

const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'latin1', 'iso-8859-15', 'macintosh'];

function checkEncoding(name: string): string {
  try {
    return new TextDecoder(name).encoding;
  } catch {
    throw new UsageError(`unknown encoding "${name}"; expected one of: ${ENCODINGS.join(', ')}`);
  }
}

/** The encoding a file's first bytes call for, and how many BOM bytes to skip. */
export function sniffEncoding(head: Uint8Array): { encoding: string; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  // UTF-16 without a BOM: ASCII text with a NUL in every other byte.
  const n = Math.min(head.length, 4096) & ~1;
  if (n >= 4) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenNul++;
      if (head[i + 1] === 0) oddNul++;
    }
    const pairs = n / 2;
    if (oddNul > pairs * 0.6 && evenNul < pairs * 0.1) return { encoding: 'utf-16le', bom: 0 };
    if (evenNul > pairs * 0.6 && oddNul < pairs * 0.1) return { encoding: 'utf-16be', bom: 0 };
  }
  return { encoding: 'utf-8', bom: 0 };
}

const SAVE_AS_CSV = 'save or export it as CSV (in Excel: File > Save As > CSV UTF-8)';

/**
 * What a file that is not CSV text is, judged by its first bytes: an image, a PDF, a workbook, an
 * archive, JSON, HTML or other binary data; undefined for anything that may be CSV. Read as CSV,
 * such a file yields rows of garbage that nothing downstream can tell from data, so it is refused
 * by name instead. `asText` also judges the text formats (off for a UTF-16 --encoding).
 */
export function sniffFormat(head: Uint8Array, asText = true): string | undefined {
  const bytes = (at: number, ...want: number[]) => want.every((b, i) => head[at + i] === b);
  const ascii = (text: string) => bytes(0, ...Array.from(text, (c) => c.charCodeAt(0)));
  const not = (what: string, hint = '') => `looks like ${what}, not a CSV file${hint ? `; ${hint}` : ''}`;
  if (bytes(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return not('a PNG image');
  if (bytes(0, 0xff, 0xd8, 0xff)) return not('a JPEG image');
  if (ascii('GIF87a') || ascii('GIF89a')) return not('a GIF image');
  if (ascii('%PDF-')) return not('a PDF document', 'export the data as CSV');
  if (bytes(0, 0x1f, 0x8b)) return not('a gzip-compressed file', 'decompress it first (gunzip)');
  if (bytes(0, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return not('an Excel 97-2003 workbook (.xls) or another Office file', SAVE_AS_CSV);
  if (ascii('PK\x03\x04') || ascii('PK\x05\x06')) {
    // A ZIP archive; Office files name their parts in the first entries.
    const names = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1');
    if (names.includes('xl/')) return not('an Excel workbook (.xlsx)', SAVE_AS_CSV);
    if (names.includes('opendocument.spreadsheet')) return not('an OpenDocument spreadsheet (.ods)', SAVE_AS_CSV);
    if (names.includes('word/') || names.includes('ppt/') || names.includes('opendocument.')) return not('an Office document', 'export the data as CSV');
    return not('a ZIP archive', 'unzip it and give the CSV inside');
  }
  if (!asText) return undefined;
  // Text formats: the first characters after a UTF-8 BOM and white space.
  const space = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
  let i = bytes(0, 0xef, 0xbb, 0xbf) ? 3 : 0;
  while (space(head[i])) i++;
  let j = i + 1;
  while (space(head[j])) j++;
  const first = String.fromCharCode(head[i] ?? 0);
  const next = String.fromCharCode(head[j] ?? 0);
  if ((first === '{' && (next === '"' || next === '}')) || (first === '[' && '{["]'.includes(next))) {
    return not('JSON', 'export the data as CSV');
  }
  const start = Buffer.from(head.buffer, head.byteOffset + i, Math.min(64, head.byteLength - i)).toString('latin1').toLowerCase();
  if (/^<(?:!doctype html|html[\s>]|head[\s>]|body[\s>]|table[\s>])/.test(start)) {
    return not('an HTML page', "some CRMs' \"Excel\" exports are HTML tables; choose the CSV export instead");
  }
  if (start.startsWith('<?xml')) return not('an XML file', SAVE_AS_CSV);
  // Anything else that is mostly control bytes is binary (UTF-16 text is judged by sniffEncoding).
  if (sniffEncoding(head).encoding === 'utf-8') {
    const n = Math.min(head.length, 4096);
    let controls = 0;
    for (let k = 0; k < n; k++) {
      const b = head[k]!;
      if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) controls++;
    }
    if (controls >= 8 && controls > n / 10) return `does not look like text (${controls} of its first ${n} bytes are control characters); is it a CSV export?`;
  }
  return undefined;
}

async function* byteChunks(file: string, bytes: Buffer | undefined, size: number, start = 0, end?: number): AsyncGenerator<Uint8Array> {
  if (bytes !== undefined) {
    for (let i = start; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    return;
  }
  if (end !== undefined && end <= start) return;
  const stream = createReadStream(file, { highWaterMark: size, start, ...(end === undefined ? {} : { end: end - 1 }) });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    throw new InputError(`${file}: cannot read (${(error as Error).message})`);
  }
}

async function readOnce(
  file: string,
  bytes: Buffer | undefined,
  size: number,
  options: CsvOptions,
  forcedEncoding: string | undefined,
  fallback: boolean,
  begin: (header: CsvHeader) => CsvSink,
): Promise<CsvInfo> {
  const name = displayName(file);
  const reader = new RecordReader(name, options, begin);
  let decoder: TextDecoder | undefined;
  let encoding = forcedEncoding ?? 'utf-8';
  let head: Uint8Array[] = [];
  let headBytes = 0;
  const start = (data: Uint8Array): Uint8Array => {
    const kind = sniffFormat(data, !(forcedEncoding ?? '').startsWith('utf-16'));
    if (kind !== undefined) throw new InputError(`${name}: ${kind}`);
    const sniffed = sniffEncoding(data);
    if (forcedEncoding === undefined) encoding = sniffed.encoding;
    decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' && forcedEncoding === undefined, ignoreBOM: true });
    // A BOM is skipped when it names the encoding used, and on the Windows-1252 retry of a file whose
    // UTF-8 BOM promised more than its bytes kept (else the first header would start with ï»¿).
    const skipBom = forcedEncoding === undefined || forcedEncoding === sniffed.encoding || (fallback && sniffed.encoding === 'utf-8');
    return sniffed.bom > 0 && skipBom ? data.subarray(sniffed.bom) : data;
  };
  let done = 0;
  let remoteBytes = 0;
  const progress = options.onProgress;
  const feed = async (chunk: Uint8Array): Promise<void> => {
    done += chunk.length;
    progress?.({ file: name, bytes: done + remoteBytes, total: size, records: reader.records, done: false });
    if (decoder === undefined) {
      // Judge the encoding on the first few KiB, however small the chunks are.
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < 4096) return;
      const data = start(Buffer.concat(head));
      head = [];
      await reader.push(decode(decoder!, data, true));
      return;
    }
    await reader.push(decode(decoder, chunk, true));
  };
  // A big UTF-8 file is read on two cores once its header is known: see planSplit.
  // (A backslash-escaped file is read by BackslashPath alone, in one piece.)
  const splittable =
    options.parallel !== undefined && options.escape !== '\\' && bytes === undefined && !fallback && (forcedEncoding ?? 'utf-8') === 'utf-8' && size >= options.parallel.minBytes;
  let split: Split | undefined;
  let decided = !splittable;
  let joined = false;
  try {
    for await (const chunk of byteChunks(file, bytes, options.chunkSize ?? DEFAULT_CHUNK)) {
      // The cut is at or after the target: once there, wait until the other thread has found it.
      if (split !== undefined && split.at === undefined && done + chunk.length >= split.target && !(await split.found())) split = undefined;
      if (split?.at !== undefined && done + chunk.length >= split.at) {
        await feed(chunk.subarray(0, split.at - done));
        break;
      }
      await feed(chunk);
      if (!decided && reader.started) {
        decided = true;
        const fatal = forcedEncoding === undefined;
        if (encoding === 'utf-8') split = planSplit(file, size, done, fatal, reader, options.parallel!, (n) => (remoteBytes += n));
      }
    }
    // (A split whose cut was never reached has nothing to join: the file ended first.)
    if (split?.at !== undefined) {
      joined = true;
      if (!(await split.join(reader))) {
        // The part read elsewhere cannot be used: read it here, as if there had been no split.
        remoteBytes = 0;
        for await (const chunk of byteChunks(file, undefined, options.chunkSize ?? DEFAULT_CHUNK, split.at)) await feed(chunk);
      }
    }
  } finally {
    // A first part that fails (or turns out not to be UTF-8) stops the second.
    if (split !== undefined && !joined) split.cancel();
  }
  if (decoder === undefined) {
    const data = start(Buffer.concat(head));
    await reader.push(decode(decoder!, data, true));
  }
  await reader.push(decode(decoder!, new Uint8Array(0), false));
  await reader.end();
  progress?.({ file: name, bytes: size, total: size, records: reader.records, done: true });
  return reader.info(encoding);
}

// ---------------------------------------------------------------- two cores: split reads

interface Split {
  /** Byte offset from which the cut is looked for, and (once found) where it is. */
  readonly target: number;
  at: number | undefined;
  /** Waits for the cut; false when the file has none (the read goes on in one piece). */
  found(): Promise<boolean>;
  /**
   * Called when the reader has read everything before `at`: checks that the reader stands at a
   * record boundary there, on the line the part was started with, and takes the part into the
   * sink. False when the part cannot be used (the caller reads it instead).
   */
  join(reader: RecordReader): Promise<boolean>;
  /** Stops the read of the second part, when the first fails. */
  cancel(): void;
}

/**
 * Starts reading the second half of a big file elsewhere (SPEC §8: both cores). The cut, found by
 * the other thread while this one reads, is the first line end a little past the middle (see
 * Parallel.headStart) with an even number of quote characters before it, which is a record boundary
 * in any file whose quotes are balanced. In a file where they are not (a stray `5" screen` in an
 * unquoted cell) the guess may be wrong; the reader finds out when it gets there — it is not
 * between two records at the cut, or not on the expected line — and the part is thrown away and
 * read here, so the records are always those of a read in one piece. So is everything after: a part is used only when no footer came
 * before the cut, no possible summary row is held there, the part judged its summary rows as a
 * read in one piece would (PartInfo.unsure), and the sink can take it as if read here (see CsvSink.append: rows whose id the
 * first part has are rejected there as duplicates, unless --rejects needs their cells).
 */
function planSplit(file: string, size: number, from: number, fatal: boolean, reader: RecordReader, parallel: Parallel, onBytes: (n: number) => void): Split | undefined {
  const format = reader.format();
  if (format === undefined || !reader.canAppend() || (format.lineEnd !== '\n' && format.lineEnd !== '\r\n')) return undefined;
  const target = Math.max(from, Math.floor(size / 2) + Math.min(parallel.headStart ?? 0, Math.floor(size / 10)));
  if (target >= size) return undefined;
  // Progress counts the part's bytes until the part turns out unusable (then they are read here).
  let counting = true;
  const remote = parallel.start({ file, target, end: size, fatal, ...format, sample: reader.sampleCopy() }, (n) => counting && onBytes(n));
  let cut: Cut | undefined;
  const unused = () => {
    counting = false;
    remote.cancel();
    return false;
  };
  const split: Split = {
    target,
    at: undefined,
    async found() {
      cut = await remote.cut();
      if (cut === undefined) return unused();
      split.at = cut.at;
      return true;
    },
    async join(reader) {
      if (cut === undefined || reader.nextLine() !== cut.line) return unused();
      const result = await remote.result();
      if (result === undefined || result.info.unsure === true || !reader.appendPart(result.part)) return unused();
      reader.absorb(result.info);
      return true;
    },
    cancel: unused,
  };
  return split;
}

/**
 * The first line end at or after byte `target` with an even number of `"` before it, and the line
 * after it (1 + the line ends before). Undefined when there is none before the end of the file.
 */
export function findCut(file: string, size: number, target: number): { at: number; line: number } | undefined {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1 << 22);
  let quotes = 0;
  let lines = 0;
  try {
    for (let pos = 0; pos < size; ) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - pos), pos);
      if (n <= 0) break;
      const view = buffer.subarray(0, n);
      let from = 0;
      if (pos + n <= target) {
        from = n;
      } else if (pos < target) {
        from = target - pos;
      }
      quotes += countByte(view, 34, 0, from);
      lines += countByte(view, 10, 0, from);
      for (let nl = view.indexOf(10, from); nl >= 0; nl = view.indexOf(10, nl + 1)) {
        quotes += countByte(view, 34, from, nl);
        lines++;
        from = nl + 1;
        if (quotes % 2 === 0) return pos + nl + 1 < size ? { at: pos + nl + 1, line: lines + 1 } : undefined;
      }
      quotes += countByte(view, 34, from, n);
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return undefined;
}

function countByte(bytes: Uint8Array, byte: number, from: number, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(byte, from); i >= 0 && i < to; i = bytes.indexOf(byte, i + 1)) n++;
  return n;
}

/**
 * Reads the part `c` of a file into `sink`, as a read of the whole file would have from its cut
 * (told to `onCut` first, undefined when there is none: then nothing is read). Runs in a worker
 * thread (src/read-worker.ts).
 */
export async function readPart(c: Continuation, sink: CsvSink, onCut: (cut: Cut | undefined) => void, onBytes?: (n: number) => void): Promise<PartInfo | undefined> {
  const cut = findCut(c.file, c.end, c.target);
  onCut(cut);
  if (cut === undefined) return undefined;
  const reader = new RecordReader(c.file, { delimiter: c.delimiter }, () => sink);
  reader.resume(c, cut.line);
  const decoder = new TextDecoder('utf-8', { fatal: c.fatal, ignoreBOM: true });
  for await (const chunk of byteChunks(c.file, undefined, DEFAULT_CHUNK, cut.at, c.end)) {
    await reader.push(decode(decoder, chunk, true));
    onBytes?.(chunk.length);
  }
  await reader.push(decode(decoder, new Uint8Array(0), false));
  await reader.end();
  return reader.partInfo();
}

function decode(decoder: TextDecoder, data: Uint8Array, stream: boolean): string {
  try {
    return decoder.decode(data, { stream });
  } catch {
    throw new NotUtf8();
  }
}

// ---------------------------------------------------------------- delimiter and line ends

/** Picks the delimiter whose count per record is the same on the most records of the sample. */
export function sniffDelimiter(sample: string): string {
  let best: string = ',';
  let bestScore = -1;
  for (const delimiter of CANDIDATES) {
    const counts = countPerRecord(sample, delimiter, 50);
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    const rest = counts.slice(1);
    const same = rest.length === 0 ? 1 : rest.filter((c) => c === header).length / rest.length;
    const score = same * 1000 + header;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

function countPerRecord(text: string, delimiter: string, maxRecords: number): number[] {
  const counts: number[] = [];
  let count = 0;
  let quoted = false;
  const d = delimiter.charCodeAt(0);
  for (let i = 0; i < text.length && counts.length < maxRecords; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === d) count++;
    else if (!quoted && (c === 10 || c === 13)) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      counts.push(count);
      count = 0;
    }
  }
  // A last record without a line end is only complete when the sample is the whole file; the
  // caller passes whole records or a prefix, so a partial last record is left out.
  return counts;
}

/** The first line end outside quotes: `\r\n`, `\n` or `\r` (`\n` when there is none yet). */
function sniffLineEnd(text: string): string | undefined {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === 10) return '\n';
    else if (!quoted && c === 13) {
      if (i + 1 >= text.length) return undefined;
      return text.charCodeAt(i + 1) === 10 ? '\r\n' : '\r';
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- the record reader

/**
 * Accumulates decoded text, finds whole records, and sends their cells, cut on the fast path or
 * read by csv-parse (exact mode), to the sink.
 */
class RecordReader {
  private text = '';
  started = false;
  private delimiter = ',';
  private lineEnd = '\n';
  private header: CsvHeader | undefined;
  private sink: CsvSink | undefined;
  records = 0;
  private inFooter = false;
  /** Records held back as a possible summary block at the end of the file (see TOTALS). */
  private held: { cells: string[]; line: number; chars: number | undefined; summary: boolean }[] = [];
  /** A blank line came after the last data row (a report's summary follows one). */
  private blankSinceData = false;
  /** A data row went to the sink (in a second part: since the cut). */
  private sawData = false;
  private sample: Sample = newSample(0);
  /** Set in a reader of a file's second part (readPart). */
  private resumed = false;
  private unsure = false;
  /** Set once MAX_HELD records were held: nothing is held from then on. */
  private heldTooMany = false;
  private readonly warnings: string[] = [];
  private fast: FastPath | undefined;
  private exact: ExactPath | BackslashPath | undefined;
  /** Line number of the first line of `text`. */
  private line = 1;

  private readonly forcedDelimiter: string | undefined;

  constructor(
    private readonly name: string,
    private readonly options: Pick<CsvOptions, 'delimiter' | 'names' | 'namesFrom' | 'escape' | 'onFirstRow'>,
    private readonly begin: (header: CsvHeader) => CsvSink,
  ) {
    this.forcedDelimiter = options.delimiter;
  }

  async push(text: string): Promise<void> {
    // Cells are searched for NUL characters only from the first chunk that holds one.
    if (!this.nulSeen && text.indexOf('\0') >= 0) this.nulSeen = true;
    if (this.exact) return this.exact.push(text);
    this.text += text;
    if (!this.started && !this.tryStart(false)) {
      if (this.text.length > MAX_RECORD_CHARS) this.tooLong(this.line);
      return;
    }
    if (this.exact) return this.pushHeld();
    await this.runFast(false);
  }

  /** Hands the text read so far to the exact path started before the header (escape mode). */
  private pushHeld(): Promise<void> {
    const text = this.text;
    this.text = '';
    return this.exact!.push(text);
  }

  async end(): Promise<void> {
    if (!this.exact && !this.started) {
      if (this.text.trim() === '') throw new InputError(`${this.name}: the file is empty (no header row)`);
      this.tryStart(true);
      if (this.exact) await this.pushHeld();
    }
    if (!this.exact) await this.runFast(true);
    if (this.exact) await this.exact.end();
    if (!this.started) throw new InputError(`${this.name}: the file is empty (no header row)`);
    if (this.held.length > 0) this.release(true);
  }

  /** A copy of the sample of data rows so far, for the reader of the file's second part. */
  sampleCopy(): Sample {
    return { rows: this.sample.rows, kinds: this.sample.kinds.slice(), text: this.sample.text.slice() };
  }

  /** The header, delimiter and line end, once the header is read. */
  format(): Pick<Continuation, 'header' | 'delimiter' | 'lineEnd'> | undefined {
    return this.started ? { header: this.header!, delimiter: this.delimiter, lineEnd: this.lineEnd } : undefined;
  }

  /**
   * The line of the next record when the reader stands between two records on the fast path with
   * nothing held back (no possible summary row either, and MAX_HELD never reached) and no footer seen (where a read of the rest in a fresh reader yields what
   * this one would); undefined otherwise.
   */
  nextLine(): number | undefined {
    return this.started && !this.exact && this.text.length === 0 && !this.inFooter && this.held.length === 0 && !this.heldTooMany ? this.fast!.pendingLine() : undefined;
  }

  /** Starts a reader in the middle of a file, at a record boundary on `line` (readPart). */
  resume(c: Continuation, line: number): void {
    this.delimiter = c.delimiter;
    this.lineEnd = c.lineEnd;
    this.header = c.header;
    this.line = line;
    this.sink = this.begin(c.header);
    this.sample = { rows: c.sample.rows, kinds: c.sample.kinds, text: c.sample.text };
    this.resumed = true;
    const fast = new FastPath(c.delimiter, c.lineEnd);
    fast.init(line);
    this.fast = fast;
    this.started = true;
  }

  canAppend(): boolean {
    return this.sink?.append !== undefined;
  }

  /** Gives the sink a part read elsewhere; false when it cannot take it. */
  appendPart(part: unknown): boolean {
    return this.sink?.append?.(part) ?? false;
  }

  /** Counts what the read of a part found as read here. */
  absorb(part: PartInfo): void {
    this.split = true;
    this.records += part.read;
    this.warnings.push(...part.warnings);
    this.partExact ||= part.exact;
    if (part.nul) {
      if (this.nul === undefined) this.nul = { ...part.nul };
      else {
        this.nul.count += part.nul.count;
        this.nul.cells += part.nul.cells;
      }
    }
  }

  private partExact = false;
  private split = false;

  /** What this reader found, for absorb() in the reader of the file's first part. */
  partInfo(): PartInfo {
    const nul = this.nul;
    return { read: this.records, warnings: this.warnings, exact: this.exact !== undefined || this.partExact, ...(nul ? { nul } : {}), ...(this.unsure ? { unsure: true } : {}) };
  }

  info(encoding: string): CsvInfo {
    const nul = this.nul;
    const warnings = nul
      ? [
          ...this.warnings,
          `${this.name}: ${nul.count} NUL character${nul.count === 1 ? '' : 's'} removed from ${nul.cells} cell${nul.cells === 1 ? '' : 's'} (first at line ${nul.line}, column "${nul.column}"); is the file damaged?`,
        ]
      : this.warnings;
    return {
      file: this.name,
      encoding,
      delimiter: this.delimiter,
      header: this.header!,
      read: this.records,
      warnings,
      exact: this.exact !== undefined || this.partExact,
      ...(this.split ? { split: true } : {}),
      ...(nul ? { nul } : {}),
    };
  }

  private nulSeen = false;
  private nul: { count: number; cells: number; line: number; column: string } | undefined;

  /** Removes NUL characters from a record's cells (a damaged export; no CRM value holds one). */
  private dropNul(cells: string[], line: number): void {
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      if (cell.indexOf('\0') < 0) continue;
      const clean = cell.replaceAll('\0', '');
      this.nul ??= { count: 0, cells: 0, line, column: this.header!.names[i] ?? `column ${i + 1}` };
      this.nul.count += cell.length - clean.length;
      this.nul.cells++;
      cells[i] = clean;
    }
  }

  /** Reads `sep=;`, the delimiter, the line end and the header once enough text has arrived. */
  private tryStart(atEnd: boolean): boolean {
    const sep = /^sep=(.)\s*?(\r\n|\n|\r)/i.exec(this.text);
    if (sep) {
      this.text = this.text.slice(sep[0].length);
      this.line += 1;
      this.forcedSep = sep[1]!;
    }
    // Sniffing counts quotes: a backslash-escaped one (`\"`) would throw it off.
    const sample = this.options.escape === '\\' ? this.text.replace(/\\[\s\S]/g, '_') : this.text;
    const lineEnd = sniffLineEnd(sample);
    if (lineEnd === undefined && !atEnd) return false;
    this.lineEnd = lineEnd ?? '\n';
    // Enough of a sample to judge the delimiter: a few records, or everything at the end.
    if (!atEnd && this.text.length < 65536 && countLines(this.text) < 20) return false;
    this.delimiter = this.forcedDelimiter ?? this.forcedSep ?? sniffDelimiter(atEnd ? sample + '\n' : sample);
    if (this.options.escape === '\\') {
      // Backslash escapes: every record, the header too, is read by BackslashPath. Its `\0` is a
      // NUL character the text did not hold, so cells are always searched for one.
      this.nulSeen = true;
      this.exact = new BackslashPath(this.name, this.delimiter, this.line, (cells, line) => {
        if (this.started) this.record(cells, line);
        else if (!this.takeHeader(cells, line)) this.record(cells, line);
      });
      return true;
    }
    const fast = new FastPath(this.delimiter, this.lineEnd);
    const first = fast.scanHeader(this.text, atEnd) ?? (atEnd ? firstRecord(this.name, this.text, this.delimiter, this.line) : undefined);
    if (first === undefined) return false;
    const cells = parseRecord(first.text, this.delimiter);
    if (this.takeHeader(cells, this.line)) {
      this.text = this.text.slice(first.next);
      this.line += first.lines;
    }
    fast.init(this.line);
    this.fast = fast;
    this.started = true;
    return true;
  }

  private forcedSep: string | undefined;

  /**
   * Makes the header from the first record and starts the sink. True when the record was the
   * header; false when CsvOptions.names gave the names, and the record is the first row of data.
   */
  private takeHeader(cells: string[], line: number): boolean {
    this.options.onFirstRow?.(cells);
    const names = this.options.names;
    if (names !== undefined) {
      this.header = namedHeader(this.name, names, cells, line, this.options.namesFrom);
    } else {
      const why = headerLooksLikeData(cells);
      if (why !== undefined) {
        const how = this.options.namesFrom === undefined ? 'add a header row to the file' : `give the column names with ${this.options.namesFrom}: [name, …] in the rubric (in file order)`;
        throw new InputError(`${this.name}: the first row looks like data, not a header (${why}); ${how}`);
      }
      this.header = cleanHeader(this.name, cells, line, this.warnings);
    }
    this.sink = this.begin(this.header);
    this.started = true;
    return names === undefined;
  }

  private async runFast(atEnd: boolean): Promise<void> {
    const result = this.fast!.run(this.text, atEnd, (cells, line, chars) => this.record(cells, line, chars));
    if (result.anomaly === undefined) {
      this.text = this.text.slice(result.consumed);
      if (this.text.length > MAX_RECORD_CHARS) this.tooLong(result.line);
      return;
    }
    // Hand everything from the record the fast path could not read over to csv-parse.
    const rest = this.text.slice(result.consumed);
    this.text = '';
    const mixed = result.anomaly === 'line end';
    if (mixed) this.warnings.push(`${this.name}: mixed line endings from line ${result.line} on; every \\r\\n, \\n and \\r ends a row`);
    // Text after a closing quote, where the quote was escaped with a backslash: a MySQL dump read as RFC 4180.
    if (!mixed && rest.slice(0, 4096).includes('\\"')) {
      this.warnings.push(`${this.name} line ${result.line}: a quote escaped with a backslash (\\"); if the file was written so (MySQL INTO OUTFILE), read it with --escape backslash (or leads.escape / deals.escape: backslash in the rubric)`);
    }
    this.exact = new ExactPath(this.name, this.delimiter, mixed ? ['\r\n', '\n', '\r'] : sameLineEnds(this.lineEnd), result.line, (cells, line) =>
      this.record(cells, line),
    );
    await this.exact.push(rest);
  }

  private tooLong(line: number): never {
    throw new InputError(
      `${this.name} line ${line}: a record longer than ${MAX_RECORD_CHARS / 1024 / 1024} MB; is a quote left open?`,
    );
  }

  /**
   * Takes one record: holds it back while it may belong to a summary block at the end of the file
   * (see TOTALS), else sorts it. A data row after held records makes them data again.
   */
  private record(cells: string[], line: number, chars?: number): void {
    this.records++;
    if (this.nulSeen) this.dropNul(cells, line);
    const blank = isBlank(cells);
    if (blank) this.blankSinceData = true;
    const held = this.held;
    // Blank lines and footers are what they are; held or not, they keep their place in file order.
    const footer = !blank && isFooter(cells);
    if (blank || footer) {
      if (held.length > 0) held.push({ cells, line, chars, summary: false });
      else this.sort(cells, line, chars, blank, footer);
      return;
    }
    const summary = !this.heldTooMany && this.maySummarize(cells);
    if (summary || (held.length > 0 && !this.fits(cells))) {
      held.push({ cells, line, chars, summary });
      if (held.length > MAX_HELD) {
        // No report ends in so many: rows of this shape are data in this file, from here on.
        this.heldTooMany = true;
        this.release(false);
      }
      return;
    }
    if (held.length > 0) this.release(false);
    this.sort(cells, line, chars, false, false);
  }

  /** Whether a record has the header's width (a data row, unless it is blank or a footer). */
  private fits(cells: readonly string[]): boolean {
    return cells.length >= this.header!.names.length && cells.length <= this.header!.cells;
  }

  /** Whether a record may be a summary row (see TOTALS); cheap for a row of data. */
  private maySummarize(cells: readonly string[]): boolean {
    const shape = summaryShape(cells);
    if (shape === undefined) return false;
    if (shape === 'totals') return true;
    const sample = this.sample;
    // A second part does not know the records before its cut (was there a blank line since the
    // last data row?), and a sample still filling would have gone on filling in a read in one
    // piece: judged so, the part is read again (PartInfo.unsure). With a full sample and no
    // column of text (a file of numbers), the answer is no whatever came before.
    const complete = sample.rows >= SAMPLE_ROWS;
    if (!sample.kinds.includes(1)) {
      if (this.resumed && !complete) this.unsure = true;
      return false;
    }
    if (this.resumed && (!complete || !this.sawData)) this.unsure = true;
    const afterBlank = this.blankSinceData;
    // Without the blank line a report puts before its summary, only a column that every one of
    // at least SURE_ROWS sampled rows filled with text makes a number there a summary's.
    const sure = sample.rows >= SURE_ROWS;
    const width = Math.min(cells.length, sample.kinds.length);
    for (let i = 0; i < width; i++) {
      const cell = cells[i]!;
      const alwaysText = sample.text[i] === sample.rows;
      if (cell.trim() !== '') {
        if (afterBlank && sample.kinds[i] === 1) return true;
        if (sure && alwaysText) return true;
      } else if (afterBlank && alwaysText) {
        return true;
      }
    }
    return false;
  }

  /** Sends the held records on: at the end of the file the possible summary rows are skipped. */
  private release(atEnd: boolean): void {
    const held = this.held;
    this.held = [];
    for (const r of held) {
      if (atEnd && r.summary) {
        this.inFooter = true;
        this.sink!.other(r.cells, r.line, 'summary_row', false);
      } else {
        const blank = isBlank(r.cells);
        this.sort(r.cells, r.line, r.chars, blank, !blank && isFooter(r.cells));
      }
    }
  }

  /** Learns from a data row which columns hold text (the first SAMPLE_ROWS data rows only). */
  private learn(cells: readonly string[]): void {
    let sample = this.sample;
    if (sample.rows === 0 && sample.kinds.length === 0) sample = this.sample = newSample(this.header!.names.length);
    const width = Math.min(cells.length, sample.kinds.length);
    for (let i = 0; i < width; i++) {
      const cell = cells[i]!;
      if (cell.trim() === '') continue;
      if (isNumber(cell)) sample.kinds[i] = 2;
      else {
        if (sample.kinds[i] === 0) sample.kinds[i] = 1;
        sample.text[i]!++;
      }
    }
    sample.rows++;
  }

  /**
   * Sorts one record into data, blank line, report footer, or rejected row (ragged, or a field
   * over MAX_FIELD_CHARS). `chars`, the record's length when the fast path knows it, spares short
   * records the search for a long field.
   */
  private sort(cells: string[], line: number, chars: number | undefined, blank: boolean, footer: boolean): void {
    const sink = this.sink!;
    const header = this.header!;
    if (chars === undefined || chars > MAX_FIELD_CHARS) {
      const long = cells.findIndex((c) => c.length > MAX_FIELD_CHARS);
      if (long >= 0) {
        const size = (cells[long]!.length / 1024 / 1024).toFixed(1);
        const column = header.names[long] ?? `column ${long + 1}`;
        sink.other(cells, line, 'field_too_long', true, `column "${column}" is ${size} MB, over the ${MAX_FIELD_CHARS / 1024 / 1024} MB limit for one field; is a quote left open?`);
        return;
      }
    }
    if (blank) {
      sink.other(cells, line, 'blank_line', false);
      return;
    }
    if (footer) {
      this.inFooter = true;
      sink.other(cells, line, 'report_footer', false);
      return;
    }
    const width = header.names.length;
    if (cells.length >= width && cells.length <= header.cells) {
      if (this.sample.rows < SAMPLE_ROWS && !this.resumed) this.learn(cells);
      this.blankSinceData = false;
      this.sawData = true;
      sink.row(cells, line);
      return;
    }
    if (this.inFooter && cells.filter((c) => c.trim() !== '').length <= 1) {
      sink.other(cells, line, 'report_footer', false);
      return;
    }
    sink.other(cells, line, cells.length < width ? 'too_few_cells' : 'too_many_cells', true);
  }
}

/**
 * The line ends csv-parse takes for a file whose line end is `lineEnd`: that one, and the other
 * of CRLF and LF that shares its character, as the scanner does (where that pair is "mixed
 * line endings"). Without it a CRLF row after a ragged one in an LF file kept its `\r`.
 */
function sameLineEnds(lineEnd: string): string[] {
  return lineEnd === '\r' ? ['\r\n', '\r'] : ['\r\n', '\n'];
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function isBlank(cells: string[]): boolean {
  for (const cell of cells) if (cell.trim() !== '') return false;
  return true;
}

function isFooter(cells: string[]): boolean {
  if (!FOOTER.test(cells[0]!.trim())) return false;
  for (let i = 1; i < cells.length; i++) if (cells[i]!.trim() !== '') return false;
  return true;
}

/**
 * The header record read by csv-parse, for headers the scanner cannot take (a bare CR in a CRLF
 * file, or a quote that never closes, which is an error naming the header's line).
 */
function firstRecord(name: string, text: string, delimiter: string, line: number): { text: string; next: number; lines: number } {
  let entries: { raw: string; info: { lines: number } }[];
  try {
    entries = csvParseSync(text, { delimiter, relax_quotes: true, relax_column_count: true, to: 1, info: true, raw: true, record_delimiter: ['\r\n', '\n', '\r'] }) as unknown as typeof entries;
  } catch (error) {
    if ((error as { code?: string }).code !== 'CSV_QUOTE_NOT_CLOSED') throw error;
    throw new InputError(`${name} line ${line}: a quoted field is never closed (the quote opens in the header row)`);
  }
  const [entry] = entries;
  const raw = entry?.raw ?? text;
  return { text: raw.replace(/(\r\n|\n|\r)$/, ''), next: raw.length, lines: entry?.info.lines ?? 1 };
}

function parseRecord(text: string, delimiter: string): string[] {
  const records = csvParseSync(text, { delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
  return records[0] ?? [''];
}

/** Trims names, drops trailing empty ones, names blank ones, and refuses duplicates (SPEC §4.1). */
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
function namedHeader(file: string, names: readonly string[], first: readonly string[], line: number, from = 'the column names given'): CsvHeader {
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

// ---------------------------------------------------------------- fast path: scanner + cutter

type Anomaly = 'row' | 'line end';

interface FastResult {
  /** Characters of the text fully handled. */
  consumed: number;
  anomaly?: Anomaly;
  /** Line of the first record not handled. */
  line: number;
}

class FastPath {
  private line = 1;
  // Per record of the current slice: start, end (before the line end), line.
  private starts = new Int32Array(1024);
  private ends = new Int32Array(1024);
  private lines = new Int32Array(1024);
  private readonly delimChar: number;
  private readonly crlf: boolean;
  private readonly endChar: number;

  constructor(
    private readonly delimiter: string,
    lineEnd: string,
  ) {
    this.delimChar = delimiter.charCodeAt(0);
    this.crlf = lineEnd === '\r\n';
    this.endChar = lineEnd === '\r' ? 13 : 10;
  }

  init(line: number): void {
    this.line = line;
  }

  pendingLine(): number {
    return this.line;
  }

  /** The header record: its text, where the next record starts, and how many lines it spans. */
  scanHeader(text: string, atEnd: boolean): { text: string; next: number; lines: number } | undefined {
    const n = this.scan(text, atEnd, 1);
    if (n.count === 0) return undefined;
    return { text: text.slice(this.starts[0], this.ends[0]), next: n.consumed, lines: n.lines };
  }

  /**
   * Finds whole records in `text` (up to `limit`), filling the per-record arrays. A record is
   * complete at a line end outside quotes; at the end of input, whatever remains is the last one.
   */
  private scan(text: string, atEnd: boolean, limit: number): { count: number; consumed: number; lines: number; anomaly?: Anomaly; anomalyAt?: number } {
    const len = text.length;
    const endChar = this.endChar;
    const endStr = endChar === 13 ? '\r' : '\n';
    let pos = 0;
    let count = 0;
    let lines = 0;
    let nextQuote = text.indexOf('"');
    if (nextQuote < 0) nextQuote = len;
    while (pos < len && count < limit) {
      const start = pos;
      const startLine = lines;
      let end = -1;
      let after = -1;
      // Walk from quote to quote; a line end counts only outside quotes.
      for (;;) {
        let nl = text.indexOf(endStr, pos);
        if (nl < 0) nl = len;
        if (nextQuote < nl) {
          const q = nextQuote;
          if (q !== start && text.charCodeAt(q - 1) !== this.delimChar) {
            // A quote inside an unquoted field is a plain character (csv-parse's relax_quotes).
            nextQuote = text.indexOf('"', q + 1);
            if (nextQuote < 0) nextQuote = len;
            continue;
          }
          // A quoted field: find its closing quote; `""` inside is an escaped quote.
          let close = text.indexOf('"', q + 1);
          while (close >= 0 && close + 1 < len && text.charCodeAt(close + 1) === 34) {
            close = text.indexOf('"', close + 2);
          }
          if (close < 0 || (close + 1 >= len && !atEnd)) {
            // Unfinished: wait for more text, or let csv-parse report the open quote at the end.
            return atEnd ? { count, consumed: start, lines: startLine, anomaly: 'row', anomalyAt: start } : { count, consumed: start, lines: startLine };
          }
          // Count the lines the quoted text spans.
          for (let inner = text.indexOf(endStr, q + 1); inner >= 0 && inner < close; inner = text.indexOf(endStr, inner + 1)) lines++;
          const next = text.charCodeAt(close + 1);
          if (close + 1 < len && next !== this.delimChar && next !== 10 && next !== 13) {
            // Text after a closing quote: csv-parse decides.
            return { count, consumed: start, lines: startLine, anomaly: 'row', anomalyAt: start };
          }
          pos = close + 1;
          nextQuote = text.indexOf('"', pos);
          if (nextQuote < 0) nextQuote = len;
          continue;
        }
        if (nl >= len) {
          if (!atEnd) return { count, consumed: start, lines: startLine };
          end = len;
          after = len;
          break;
        }
        // A line end outside quotes.
        if (this.crlf) {
          if (text.charCodeAt(nl - 1) !== 13 || nl - 1 < start) return { count, consumed: start, lines: startLine, anomaly: 'line end', anomalyAt: start };
          end = nl - 1;
        } else if (endChar === 10) {
          if (nl > start && text.charCodeAt(nl - 1) === 13) return { count, consumed: start, lines: startLine, anomaly: 'line end', anomalyAt: start };
          end = nl;
        } else {
          if (nl + 1 >= len && !atEnd) return { count, consumed: start, lines: startLine };
          if (text.charCodeAt(nl + 1) === 10) return { count, consumed: start, lines: startLine, anomaly: 'line end', anomalyAt: start };
          end = nl;
        }
        after = nl + 1;
        lines++;
        break;
      }
      if (count >= this.starts.length) this.grow();
      this.starts[count] = start;
      this.ends[count] = end;
      this.lines[count] = this.line + startLine;
      count++;
      pos = after;
    }
    return { count, consumed: pos, lines };
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const copy = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.starts = copy(this.starts);
    this.ends = copy(this.ends);
    this.lines = copy(this.lines);
  }

  /**
   * Cuts the whole records of `text` into cells and emits them. A record the cutter cannot read
   * as RFC 4180 fields (text after a closing quote), or one over MAX_RECORD_CHARS (which csv-parse
   * refuses, naming its line), ends the run with an anomaly at that record.
   */
  run(text: string, atEnd: boolean, emit: (cells: string[], line: number, chars: number) => void): FastResult {
    const scanned = this.scan(text, atEnd, Number.MAX_SAFE_INTEGER);
    const cutter = new Cutter(text, this.delimiter);
    for (let k = 0; k < scanned.count; k++) {
      const start = this.starts[k]!;
      const end = this.ends[k]!;
      const cells = end - start > MAX_RECORD_CHARS ? undefined : cutter.cut(start, end);
      if (cells === undefined) {
        this.line = this.lines[k]!;
        return { consumed: start, anomaly: 'row', line: this.line };
      }
      emit(cells, this.lines[k]!, end - start);
    }
    this.line += scanned.lines;
    if (scanned.anomaly !== undefined) {
      return { consumed: scanned.anomalyAt!, anomaly: scanned.anomaly, line: this.line };
    }
    return { consumed: scanned.consumed, line: this.line };
  }
}

/**
 * Cuts the records of one text, in order, into cells as RFC 4180 fields: a field that starts with
 * a quote runs to the quote closing it (`""` inside is one quote) and must be followed by the
 * delimiter or the record's end; any other field runs to the next delimiter, quotes in it being
 * plain text (csv-parse's `relax_quotes`). The scanner found each record's end with the same
 * rules, so a quoted field always closes before it.
 */
class Cutter {
  private readonly delimChar: number;
  /**
   * The first delimiter at or after where the cutter last looked (text.length: none). `indexOf`
   * cannot stop at a record's end, so without it the last field of each record searched on through
   * the text: a one-column file took time quadratic in the chunk (found in review).
   */
  private nextDelimiter = -1;

  constructor(
    private readonly text: string,
    private readonly delimiter: string,
  ) {
    this.delimChar = delimiter.charCodeAt(0);
  }

  /** The cells of the record `text[start, end)`; undefined when a closing quote is followed by anything else (csv-parse decides). */
  cut(start: number, end: number): string[] | undefined {
    const text = this.text;
    const cells: string[] = [];
    let p = start;
    for (;;) {
      if (p < end && text.charCodeAt(p) === 34) {
        let close = text.indexOf('"', p + 1);
        let escaped = false;
        while (close >= 0 && close + 1 < end && text.charCodeAt(close + 1) === 34) {
          escaped = true;
          close = text.indexOf('"', close + 2);
        }
        if (close < 0 || close >= end) return undefined;
        const raw = text.slice(p + 1, close);
        cells.push(escaped ? raw.replaceAll('""', '"') : raw);
        if (close + 1 === end) return cells;
        if (text.charCodeAt(close + 1) !== this.delimChar) return undefined;
        p = close + 2;
      } else {
        if (this.nextDelimiter < p) {
          const found = text.indexOf(this.delimiter, p);
          this.nextDelimiter = found < 0 ? text.length : found;
        }
        const next = this.nextDelimiter;
        if (next >= end) {
          cells.push(text.slice(p, end));
          return cells;
        }
        cells.push(text.slice(p, next));
        p = next + 1;
      }
    }
  }
}

// ---------------------------------------------------------------- exact path: csv-parse

class ExactPath {
  private readonly parser;
  private nextLine: number;
  private failure: Error | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly name: string,
    delimiter: string,
    lineEnds: string[],
    firstLine: number,
    emit: (cells: string[], line: number) => void,
  ) {
    this.nextLine = firstLine;
    const lineOffset = firstLine - 1;
    this.parser = csvParse({
      delimiter,
      record_delimiter: lineEnds,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: false,
      info: true,
      max_record_size: MAX_RECORD_CHARS,
    });
    this.parser.on('data', (entry: { record: string[]; info: { lines: number } }) => {
      const line = this.nextLine;
      this.nextLine = entry.info.lines + lineOffset + 1;
      emit(entry.record, line);
    });
    this.done = new Promise((resolve) => {
      this.parser.on('error', (error: Error & { code?: string; lines?: number }) => {
        this.failure = this.describe(error);
        resolve();
      });
      this.parser.on('end', () => resolve());
    });
  }

  private describe(error: Error & { code?: string; lines?: number }): Error {
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      return new InputError(`${this.name} line ${this.nextLine}: a quoted field is never closed (the quote opens in the row starting here)`);
    }
    if (error.code === 'CSV_MAX_RECORD_SIZE') {
      return new InputError(`${this.name} line ${this.nextLine}: a record longer than ${MAX_RECORD_CHARS / 1024 / 1024} MB; is a quote left open?`);
    }
    return new InputError(`${this.name} line ${this.nextLine}: ${error.message}`);
  }

  async push(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (text.length > 0 && !this.parser.write(text)) {
      // A parser that has failed (a record over the size limit) never drains: wait for either.
      await Promise.race([new Promise<void>((resolve) => this.parser.once('drain', resolve)), this.done]);
      if (this.failure) throw this.failure;
    }
  }

  async end(): Promise<void> {
    this.parser.end();
    await this.done;
    if (this.failure) throw this.failure;
  }
}

// ---------------------------------------------------------------- backslash escapes (MySQL)

/** What a backslash and the character after it stand for (MySQL's LOAD DATA reads them so). */
const UNESCAPE: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };

/**
 * Reads a file whose quotes are escaped with a backslash, as MySQL's `SELECT … INTO OUTFILE …
 * FIELDS ENCLOSED BY '"' ESCAPED BY '\\'` writes it (CsvOptions.escape `\\`). A backslash takes
 * the character after it literally, in a quoted field or not: `\"` is a quote, `\\` a backslash,
 * `\,` the delimiter, a backslash before a line end keeps the line end in the cell; `\n`, `\t`,
 * `\r`, `\0`, `\b` and `\Z` are the control characters MySQL writes so. `\N`, MySQL's null, stays
 * the two characters `\N` (the values layer reads it as a missing value). Quoting is otherwise as
 * RFC 4180 (`""` in a quoted field is a quote, text after a closing quote is kept); any of `\r\n`,
 * `\n` and `\r` ends a record outside quotes. Correctness over speed: a plain loop over characters,
 * used for the whole file (csv-parse's `escape` option unescapes only `\"` and `\\` in quotes).
 */
class BackslashPath {
  private text = '';
  private line: number;
  private failure: Error | undefined;

  constructor(
    private readonly name: string,
    private readonly delimiter: string,
    firstLine: number,
    private readonly emit: (cells: string[], line: number) => void,
  ) {
    this.line = firstLine;
  }

  async push(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    this.text += text;
    this.run(false);
  }

  async end(): Promise<void> {
    if (this.failure) throw this.failure;
    this.run(true);
  }

  /** Emits each whole record of the text held; at the end, the rest is the last record. */
  private run(atEnd: boolean): void {
    const text = this.text;
    const len = text.length;
    let start = 0;
    for (;;) {
      if (start >= len) break;
      const record = this.record(text, start, atEnd);
      if (record === undefined) {
        if (text.length - start > MAX_RECORD_CHARS) {
          throw (this.failure = new InputError(`${this.name} line ${this.line}: a record longer than ${MAX_RECORD_CHARS / 1024 / 1024} MB; is a quote left open?`));
        }
        break;
      }
      const line = this.line;
      this.line += record.lines;
      start = record.next;
      this.emit(record.cells, line);
    }
    this.text = text.slice(start);
  }

  /**
   * The record starting at `start`: its cells, where the next starts, and the lines it spans;
   * undefined when it does not end in the text (and more is to come).
   */
  private record(text: string, start: number, atEnd: boolean): { cells: string[]; next: number; lines: number } | undefined {
    const len = text.length;
    const d = this.delimiter;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    let fieldStart = true;
    let lines = 0;
    let i = start;
    while (i < len) {
      const c = text[i]!;
      if (c === '\\') {
        if (i + 1 >= len) {
          if (!atEnd) return undefined;
          cell += c;
          i++;
          continue;
        }
        const n = text[i + 1]!;
        if (n === '\r' && text[i + 2] === '\n') {
          cell += '\r\n';
          lines++;
          i += 3;
        } else {
          if (n === '\n' || (n === '\r' && (i + 2 < len || atEnd))) lines++;
          else if (n === '\r') return undefined;
          cell += n === 'N' ? '\\N' : (UNESCAPE[n] ?? n);
          i += 2;
        }
        fieldStart = false;
        continue;
      }
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          if (i + 1 >= len && !atEnd) return undefined;
          quoted = false;
          i++;
          continue;
        }
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) lines++;
        cell += c;
        i++;
        continue;
      }
      if (c === '"' && fieldStart) {
        quoted = true;
        fieldStart = false;
        i++;
        continue;
      }
      if (c === d) {
        cells.push(cell);
        cell = '';
        fieldStart = true;
        i++;
        continue;
      }
      if (c === '\n' || c === '\r') {
        if (c === '\r' && i + 1 >= len && !atEnd) return undefined;
        cells.push(cell);
        const next = c === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
        return { cells, next, lines: lines + 1 };
      }
      cell += c;
      fieldStart = false;
      i++;
    }
    if (!atEnd) return undefined;
    if (quoted) {
      throw (this.failure = new InputError(`${this.name} line ${this.line}: a quoted field is never closed (the quote opens in the row starting here)`));
    }
    cells.push(cell);
    return { cells, next: len, lines };
  }
}
