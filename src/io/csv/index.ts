/**
 * Reading CSV exports: readCsv reads a file's bytes in chunks (bytes.ts), refuses what is not CSV
 * and decides the encoding (sniff.ts), and hands the decoded text to the record reader
 * (records.ts), which reads the header, the delimiter and the line end, and sends every record,
 * judged data or not, to the caller's sink. Records are found and cut by our own scanner
 * (scan.ts); whatever it cannot read exactly goes to csv-parse from that record on (fallback.ts).
 *
 * A file whose quotes are escaped with a backslash (CsvOptions.escape) is read by BackslashPath
 * alone; a file without a header row is read with the names given (CsvOptions.names), and one
 * whose first row looks like data without them is refused (headerLooksLikeData).
 */
import { createReadStream, statSync, type Stats } from 'node:fs';
import { TextDecoder } from 'node:util';
import { InputError } from '../../errors.js';
import type { RowReason } from '../../model.js';
import { byteChunks, decode, DEFAULT_CHUNK, NotUtf8 } from './bytes.js';
import { RecordReader } from './records.js';
import { checkEncoding, sniffEncoding, sniffFormat } from './sniff.js';

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
  /**
   * Told how the file is written once that is known, before its header is read: the delimiter and
   * line end, and whether a `sep=` line named the delimiter (another engine then reads the file
   * alike: src/engine/sql/csv-gate.ts).
   */
  readonly onLayout?: (layout: { readonly delimiter: string; readonly lineEnd: string; readonly sepLine: boolean }) => void;
}

/** The two ways a quote is escaped inside a quoted field: `""` (RFC 4180) or `\"` (MySQL). */
export const ESCAPES = ['"', '\\'] as const;
export type Escape = (typeof ESCAPES)[number];

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
  /** True when the file was read in a worker thread while this one classified its rows (src/parallel/). */
  readonly worker?: boolean;
  /** NUL characters removed from cells, and where the first one was (undefined when none). */
  readonly nul?: { readonly count: number; readonly cells: number; readonly line: number; readonly column: string };
}

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

/** How messages name an input: `-` is standard input. */
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
  const progress = options.onProgress;
  const feed = async (chunk: Uint8Array): Promise<void> => {
    done += chunk.length;
    progress?.({ file: name, bytes: done, total: size, records: reader.records, done: false });
    if (decoder === undefined) {
      // Judge the encoding on the first few KiB, however small the chunks are.
      head.push(Buffer.from(chunk));
      headBytes += chunk.length;
      if (headBytes < 4096) return;
      const data = start(Buffer.concat(head));
      head = [];
      await reader.push(decode(decoder!, data, true));
      return;
    }
    await reader.push(decode(decoder, chunk, true));
  };
  for await (const chunk of byteChunks(file, bytes, options.chunkSize ?? DEFAULT_CHUNK)) await feed(chunk);
  if (decoder === undefined) {
    const data = start(Buffer.concat(head));
    await reader.push(decode(decoder!, data, true));
  }
  await reader.push(decode(decoder!, new Uint8Array(0), false));
  await reader.end();
  progress?.({ file: name, bytes: size, total: size, records: reader.records, done: true });
  return reader.info(encoding);
}
