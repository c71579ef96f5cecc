/**
 * The record reader: takes decoded text a chunk at a time, reads the header, and sorts every record
 * into data, blank line, report footer, summary row or rejected row (ragged, or a field too long)
 * for the sink. Records are found and cut by the scanner (scan.ts); from the first record it cannot
 * read exactly, by csv-parse (fallback.ts); in a backslash-escaped file, by BackslashPath.
 *
 * Memory: only the tail of an unfinished record is carried from one chunk to the next; each record
 * goes straight to the sink, which keeps what it needs — but for a possible summary block at the
 * end of a report export, held back until the file ends or data follows (see shapes.ts).
 */
import { InputError } from '../../errors.js';
import { BackslashPath } from './backslash.js';
import { ExactPath, firstRecord, parseRecord, sameLineEnds } from './fallback.js';
import { cleanHeader, headerLooksLikeData, namedHeader } from './header.js';
import type { CsvHeader, CsvInfo, CsvOptions, CsvSink } from './index.js';
import { MAX_FIELD_CHARS, MAX_RECORD_CHARS } from './limits.js';
import { FastPath } from './scan.js';
import { isBlank, isFooter, isNumber, newSample, SAMPLE_ROWS, summaryShape, SURE_ROWS, type Sample } from './shapes.js';
import { sniffDelimiter, sniffLineEnd } from './sniff.js';

/** Records held back as a possible summary block; past this many they are read as data. */
const MAX_HELD = 100;

/** What a reader knows once the header is read, for another reader of the same file started between two records. */
/**
 * Accumulates decoded text, finds whole records, and sends their cells, cut on the fast path or
 * read by csv-parse (exact mode), to the sink.
 */
export class RecordReader {
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
  private sample: Sample = newSample(0);
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
    private readonly options: Pick<CsvOptions, 'delimiter' | 'names' | 'namesFrom' | 'escape' | 'onFirstRow' | 'onLayout'>,
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

  /** What the read found. */
  info(encoding: string): CsvInfo {
    const nul = this.nul;
    const found = this.warnings;
    const warnings = nul
      ? [
          ...found,
          `${this.name}: ${nul.count} NUL character${nul.count === 1 ? '' : 's'} removed from ${nul.cells} cell${nul.cells === 1 ? '' : 's'} (first at line ${nul.line}, column "${nul.column}"); is the file damaged?`,
        ]
      : found;
    return {
      file: this.name,
      encoding,
      delimiter: this.delimiter,
      header: this.header!,
      read: this.records,
      warnings,
      exact: this.exact !== undefined,
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
    this.options.onLayout?.({ delimiter: this.delimiter, lineEnd: this.lineEnd, sepLine: this.forcedSep !== undefined });
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
    // With no column of text (a file of numbers), a number there is no summary's.
    if (!sample.kinds.includes(1)) return false;
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
      if (this.sample.rows < SAMPLE_ROWS) this.learn(cells);
      this.blankSinceData = false;
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

/** Line feeds in `text`. */
function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
