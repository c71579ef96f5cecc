/**
 * Before DuckDB reads an export, leadaudit's own reader judges how it is written, and what DuckDB
 * would read differently is refused, naming why (docs/engines.md, "Which files DuckDB reads"): an
 * encoding other than UTF-8, a `sep=` line, backslash escapes, standard input, NUL characters. Empty
 * lines, which DuckDB passes over without a word, are counted here, outside quoted cells, so the
 * row accounting stays what the JS reader gives.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import { readCsv, type CsvHeader, type CsvOptions } from '../../io/csv/index.js';
import { sniffEncoding } from '../../io/csv/sniff.js';

export interface CsvLayout {
  readonly delimiter: string;
  /** The file's first record is its header (a rubric's `header` names the columns otherwise). */
  readonly headerRow: boolean;
  /** Empty lines between records (and at the end), which the JS reader counts as blank lines. */
  readonly emptyLines: number;
  /** The line of the first of them. */
  readonly firstEmptyLine: number | undefined;
}

const refuse = (file: string, why: string): never => {
  throw new UsageError(`--engine duckdb cannot read ${file} exactly: ${why}; run with --engine js`);
};

/** How `file` is written, checked for DuckDB; refuses what DuckDB would read otherwise. */
export async function csvLayout(file: string, options: CsvOptions, header: CsvHeader): Promise<CsvLayout> {
  if (file === '-') refuse('standard input', 'DuckDB reads files, not standard input');
  if (options.escape === '\\') refuse(file, 'quotes are escaped with backslashes');
  if (options.encoding !== undefined && !/^utf-?8$/i.test(options.encoding)) refuse(file, `it is read as ${options.encoding} (DuckDB reads UTF-8 only)`);
  const head = readHead(file, 4096);
  const encoding = sniffEncoding(head).encoding;
  if (encoding !== 'utf-8') refuse(file, `it is ${encoding} (DuckDB reads UTF-8 only)`);
  let layout: { delimiter: string; lineEnd: string; sepLine: boolean } | undefined;
  const stop = new Error('layout read');
  try {
    await readCsv(file, { ...options, onLayout: (l) => (layout = l) }, () => {
      throw stop;
    });
  } catch (error) {
    if (error !== stop) throw error;
  }
  if (layout === undefined) refuse(file, 'its layout could not be read');
  if (layout!.sepLine) refuse(file, 'it starts with a sep= line');
  if (layout!.lineEnd === '\r') refuse(file, 'its lines end in a lone carriage return');
  const { emptyLines, firstEmptyLine } = scanBytes(file);
  return { delimiter: layout!.delimiter, headerRow: header.line > 0, emptyLines, firstEmptyLine };
}

function readHead(file: string, size: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(size);
    const n = readSync(fd, buffer, 0, size, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Calls `each` with the file's bytes, a block at a time (one buffer, reused). */
function eachBlock(file: string, each: (block: Buffer) => void): void {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1 << 22);
  try {
    for (let pos = 0; ; ) {
      const n = readSync(fd, buffer, 0, buffer.length, pos);
      if (n === 0) break;
      each(buffer.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
}

const EMPTY_LF = Buffer.from('\n\n');
const EMPTY_CRLF = Buffer.from('\n\r\n');

/**
 * Counts empty lines outside quoted cells (a line end right after another), and refuses NUL
 * characters. A first pass only searches for an empty line anywhere; quotes are followed, byte by
 * byte, only in a file that has one.
 */
function scanBytes(file: string): { emptyLines: number; firstEmptyLine: number | undefined } {
  let candidate = false;
  let tail = Buffer.alloc(0);
  eachBlock(file, (block) => {
    if (block.indexOf(0) >= 0) refuse(file, 'it holds NUL characters');
    if (candidate) return;
    // Across the block's start too: the last two bytes of the one before.
    const joined = tail.length > 0 ? Buffer.concat([tail, block.subarray(0, 2)]) : undefined;
    candidate = block.indexOf(EMPTY_LF) >= 0 || block.indexOf(EMPTY_CRLF) >= 0 || (joined !== undefined && (joined.indexOf(EMPTY_LF) >= 0 || joined.indexOf(EMPTY_CRLF) >= 0));
    tail = Buffer.from(block.subarray(Math.max(0, block.length - 2)));
  });
  if (!candidate) return { emptyLines: 0, firstEmptyLine: undefined };
  let emptyLines = 0;
  let firstEmptyLine: number | undefined;
  let inQuotes = false;
  let line = 1;
  // Whether a line ended outside quotes with nothing after it yet (a CR does not count).
  let lineEnded = false;
  eachBlock(file, (block) => {
    for (let i = 0; i < block.length; i++) {
      const c = block[i]!;
      if (c === QUOTE) {
        inQuotes = !inQuotes;
        lineEnded = false;
      } else if (c === LF) {
        if (!inQuotes && lineEnded) {
          emptyLines++;
          firstEmptyLine ??= line;
        }
        line++;
        lineEnded = !inQuotes;
      } else if (c !== CR) lineEnded = false;
    }
  });
  return { emptyLines, firstEmptyLine };
}

/**
 * The line each of the given data records starts on (a record's number counts the data records
 * DuckDB reads, from 0: no header, no empty line). Cells may span lines, so the file is read
 * once, quotes followed; only a run that names a line in a message asks.
 */
export function recordLines(file: string, headerRow: boolean, records: readonly number[]): Map<number, number> {
  const wanted = new Set(records);
  const lines = new Map<number, number>();
  if (wanted.size === 0) return lines;
  let inQuotes = false;
  let line = 1;
  // The data record being read, and whether it has a byte yet (an empty line is no record).
  let record = headerRow ? -1 : 0;
  let started = false;
  let startLine = 1;
  eachBlock(file, (block) => {
    if (lines.size === wanted.size) return;
    for (let i = 0; i < block.length; i++) {
      const c = block[i]!;
      if (c === LF) {
        if (!inQuotes) {
          if (started) {
            if (wanted.has(record)) lines.set(record, startLine);
            record++;
          }
          started = false;
        }
        line++;
        continue;
      }
      if (c === CR && !inQuotes) continue;
      if (!started) {
        started = true;
        startLine = line;
      }
      if (c === QUOTE) inQuotes = !inQuotes;
    }
  });
  if (started && wanted.has(record)) lines.set(record, startLine);
  return lines;
}
