/** Files whose quotes are escaped with a backslash, as MySQL writes them (CsvOptions.escape `\`). */
import { InputError } from '../../errors.js';
import { MAX_RECORD_CHARS } from './limits.js';

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
export class BackslashPath {
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
