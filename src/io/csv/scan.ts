/**
 * Our own record scanner, the hot path: it finds where each whole record of a slice of decoded
 * text starts and ends (walking from quote to quote with `indexOf`, a line end counting only
 * outside quotes), then cuts each record into cells as RFC 4180 fields (Cutter). What it cannot
 * read exactly (text after a closing quote, mixed line ends, a quote never closed, a record over
 * MAX_RECORD_CHARS) it reports as an anomaly at that record, and the caller hands the rest of the
 * file to csv-parse (fallback.ts). Tests and `npm run fuzz` compare the two on every kind of record.
 */
import { MAX_RECORD_CHARS } from './limits.js';

/** Why the scanner stopped short: a record it cannot cut exactly, or a line end other than the file's. */
export type Anomaly = 'row' | 'line end';

interface FastResult {
  /** Characters of the text fully handled. */
  consumed: number;
  anomaly?: Anomaly;
  /** Line of the first record not handled. */
  line: number;
}

export class FastPath {
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
   * the text: a one-column file took time quadratic in the chunk.
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
