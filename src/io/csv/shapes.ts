/**
 * What a record looks like, judged from its cells alone: blank, a report footer, or possibly a
 * summary row (totals or averages at the end of a report export), and what the first data rows of
 * a file held per column, against which a row of numbers is judged.
 */

/** The first cell of a footer a CRM's report export ends with (the other cells empty). */
export const FOOTER =
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
export const TOTALS = /^\s*(?:(?:grand\s+|sub-?)?totals?\b.*|(?:sum|average|avg|mean|median|count|record count|min|minimum|max|maximum)(?:\s+of\b.*|\s*:)?\s*)$/i;
/**
 * A number as a report writes a total: a sign or parentheses, a currency symbol or code, digits
 * with separators, an exponent, a percent sign (`0.0016`, `$44,000.00`, `USD 1.234,56`, `(12)`, `15%`).
 */
export const NUMBER = /^\s*[-+(]?\s*(?:[$€£¥]|[A-Z]{3}\s?)?\s*[-+]?(?:\d[\d,.' \u00a0]*|[.,]\d+)(?:[eE][-+]?\d+)?\s*%?\)?\s*$/;
/** Data rows sampled, from the first, to learn which columns hold text. */
export const SAMPLE_ROWS = 50;
/** Sampled rows needed to take a row of numbers with no blank line before it as a summary row. */
export const SURE_ROWS = 10;

/**
 * What the first SAMPLE_ROWS data rows of a file held, per column: `kinds` 0 nothing yet, 1 only
 * text (no number), 2 a number; `text` how many rows held text in it.
 */
export interface Sample {
  rows: number;
  readonly kinds: Uint8Array;
  readonly text: Uint32Array;
}

export function newSample(width: number): Sample {
  return { rows: 0, kinds: new Uint8Array(width), text: new Uint32Array(width) };
}

export function isNumber(cell: string): boolean {
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
export function summaryShape(cells: readonly string[]): 'totals' | 'numbers' | undefined {
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

export function isBlank(cells: string[]): boolean {
  for (const cell of cells) if (cell.trim() !== '') return false;
  return true;
}

export function isFooter(cells: string[]): boolean {
  if (!FOOTER.test(cells[0]!.trim())) return false;
  for (let i = 1; i < cells.length; i++) if (cells[i]!.trim() !== '') return false;
  return true;
}
