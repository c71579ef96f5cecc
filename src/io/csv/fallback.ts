/**
 * The exact path: csv-parse, the reference parser, reads whatever the scanner (scan.ts) cannot —
 * from the first such record to the end of the file — and pinpoints a quote never closed. It also
 * reads a header the scanner cannot take.
 */
import { parse as csvParse } from 'csv-parse';
import { parse as csvParseSync } from 'csv-parse/sync';
import { InputError } from '../../errors.js';
import { MAX_RECORD_CHARS } from './limits.js';

/**
 * The line ends csv-parse takes for a file whose line end is `lineEnd`: that one, and the other
 * of CRLF and LF that shares its character, as the scanner does (where that pair is "mixed
 * line endings"). Without it a CRLF row after a ragged one in an LF file kept its `\r`.
 */
export function sameLineEnds(lineEnd: string): string[] {
  return lineEnd === '\r' ? ['\r\n', '\r'] : ['\r\n', '\n'];
}

/**
 * The header record read by csv-parse, for headers the scanner cannot take (a bare CR in a CRLF
 * file, or a quote that never closes, which is an error naming the header's line).
 */
export function firstRecord(name: string, text: string, delimiter: string, line: number): { text: string; next: number; lines: number } {
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

/** The cells of one record's text as csv-parse reads them (the header row). */
export function parseRecord(text: string, delimiter: string): string[] {
  const records = csvParseSync(text, { delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
  return records[0] ?? [''];
}

/** Reads records with csv-parse, pushed text at a time, and emits their cells with their first line. */
export class ExactPath {
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
