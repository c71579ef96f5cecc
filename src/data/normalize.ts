/**
 * Cell values → numbers (docs/rubric.md#dateorder, #reading-numbers). Pure functions; every
 * parser says "missing" for an empty cell and "invalid" for text it cannot read, so callers can
 * count warnings per column.
 *
 * Dates become whole days since 1970-01-01 on the calendar date as written: the time of day and
 * any zone offset are ignored, so `2025-03-05T23:30:00-08:00` is 2025-03-05.
 */

export type SlashOrder = 'mdy' | 'dmy';
export type DateOrder = SlashOrder | 'ymd';

/** What one slash-style value proves about its column's order. */
export const SlashEvidence = {
  /** Not a two-way date (ISO, dotted, compact, month name, or invalid). */
  None: 0,
  /** Both parts ≤ 12: either order reads it. */
  Ambiguous: 1,
  /** The second part is > 12: month first. */
  MonthFirst: 2,
  /** The first part is > 12: day first. */
  DayFirst: 3,
} as const;
export type SlashEvidence = (typeof SlashEvidence)[keyof typeof SlashEvidence];

const MS_PER_DAY = 86_400_000;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Days since epoch of a calendar date, or NaN when the date does not exist (2/30/2024). */
export function dayNumber(year: number, month: number, day: number): number {
  if (!(month >= 1 && month <= 12 && day >= 1 && year >= 1000 && year <= 9999)) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month]!)) return NaN;
  // Days from civil (H. Hinnant, "chrono-compatible low-level date algorithms"): no Date object.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isoDates = new Map<number, string>();

/** YYYY-MM-DD of a day number (its calendar day, for one with a time of day). */
export function isoDate(day: number): string {
  // Reports ask for the same few thousand days a million times (cohort months, stall lists).
  const whole = Math.floor(day);
  let text = isoDates.get(whole);
  if (text === undefined) {
    text = new Date(whole * MS_PER_DAY).toISOString().slice(0, 10);
    if (isoDates.size < 100_000) isoDates.set(whole, text);
  }
  return text;
}

/** Today's calendar date (UTC) as a day number. */
export function today(now: Date = new Date()): number {
  return Math.floor(now.getTime() / MS_PER_DAY);
}

// ISO: 2025-03-05, 2025-03-05 14:22, 2025-03-05T14:22:00Z, …+02:00; also 2025/03/05 (year first).
const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:(?:[T ]|, ?)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp][Mm])?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
// Two-way: 3/5/2024, 03/05/24, 26-02-2018, with optional `, 3:31 PM` or ` 19:58`.
const TWO_WAY = /^(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})(?:(?:,\s*|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)?$/;
// Dotted, always day first: 28.12.2015, 28.12.2015 14:00.
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?)?$/;
// Compact: 20250305.
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
// Month names: 5-Mar-2024, 5 Mar 2024, Mar 5, 2024, March 5 2024 (optional time after).
const DAY_MONTH_NAME = /^(\d{1,2})[-\s]([A-Za-z]{3,9})\.?[-\s,]+(\d{4})(?:[\sT,]+\d{1,2}:\d{2}.*)?$/;
const MONTH_NAME_DAY = /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?:[\sT,]+\d{1,2}:\d{2}.*)?$/;

/** ` HH:MM` or ` HH:MM:SS` (or with `T`) after the date, and nothing else: the usual export datetime. */
function plainTime(s: string): boolean {
  if (s.length !== 16 && s.length !== 19) return false;
  if (digits(s, 11, 2) < 0 || s.charCodeAt(13) !== 58 || digits(s, 14, 2) < 0) return false;
  return s.length === 16 || (s.charCodeAt(16) === 58 && digits(s, 17, 2) >= 0);
}

/** The number written by `count` ASCII digits at `at`, or -1 when one is not a digit. */
function digits(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function fullYear(text: string): number {
  const y = Number(text);
  return text.length === 2 ? (y < 70 ? 2000 + y : 1900 + y) : y;
}

/** 1–12 for a month's name or an abbreviation of three letters or more (`Mar`, `Sept`); NaN otherwise (`Marketing`). */
function monthOf(name: string): number {
  const n = name.toLowerCase();
  const i = n.length >= 3 ? MONTHS.findIndex((full) => full.startsWith(n)) : -1;
  return i < 0 ? NaN : i + 1;
}

/**
 * Reads one non-empty date cell. Two-way dates (`3/5/2024`) are read in `order`; a part > 12 that
 * contradicts `order` still reads the date the only way it can be read (the column-level decision
 * is the caller's, from `slashEvidence`). Returns NaN when the text is not a date.
 */
export function parseDate(text: string, order: DateOrder = 'mdy'): number {
  const s = text.trim();
  // The common case first, without a regex: YYYY-MM-DD, alone or before a time.
  if (s.length >= 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && (s.length === 10 || s.charCodeAt(10) === 32 || s.charCodeAt(10) === 84)) {
    const y = digits(s, 0, 4);
    const mo = digits(s, 5, 2);
    const d = digits(s, 8, 2);
    if (y >= 0 && mo >= 0 && d >= 0 && (s.length === 10 || plainTime(s) || ISO.test(s))) return dayNumber(y, mo, d);
  }
  let m = ISO.exec(s);
  if (m) return dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
  m = TWO_WAY.exec(s);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    // --date-order ymd: a two-digit year first (24/03/05); a four-digit one is read as ISO above.
    if (order === 'ymd' && m[1]!.length === 2 && m[4]!.length === 2) return dayNumber(fullYear(m[1]!), b, Number(m[4]));
    const year = fullYear(m[4]!);
    const dayFirst = a > 12 || (b <= 12 && order === 'dmy');
    return dayFirst ? dayNumber(year, b, a) : dayNumber(year, a, b);
  }
  m = DOTTED.exec(s);
  if (m) return dayNumber(Number(m[3]), Number(m[2]), Number(m[1]));
  m = COMPACT.exec(s);
  if (m) return dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
  m = DAY_MONTH_NAME.exec(s);
  if (m) return dayNumber(Number(m[3]), monthOf(m[2]!), Number(m[1]));
  m = MONTH_NAME_DAY.exec(s);
  if (m) return dayNumber(Number(m[3]), monthOf(m[1]!), Number(m[2]));
  return NaN;
}

/** What a cell proves about the slash order of its column (docs/rubric.md#dateorder). */
export function slashEvidence(text: string): SlashEvidence {
  const m = TWO_WAY.exec(text.trim());
  if (!m) return SlashEvidence.None;
  const a = Number(m[1]);
  const b = Number(m[3]);
  const year = fullYear(m[4]!);
  // A date that exists in neither order (2/30/2024, 0/5/2024) proves nothing.
  if (Number.isNaN(dayNumber(year, a, b)) && Number.isNaN(dayNumber(year, b, a))) return SlashEvidence.None;
  if (a > 12 && b <= 12) return SlashEvidence.DayFirst;
  if (b > 12 && a <= 12) return SlashEvidence.MonthFirst;
  return a <= 12 && b <= 12 ? SlashEvidence.Ambiguous : SlashEvidence.None;
}

/** The same calendar date read the other way round (for re-reading an ambiguous 3/5 as 5/3). */
export function swapDayMonth(day: number): number {
  const d = new Date(day * MS_PER_DAY);
  return dayNumber(d.getUTCFullYear(), d.getUTCDate(), d.getUTCMonth() + 1);
}

// ---------------------------------------------------------------- amounts

const CURRENCY = /^(?:[A-Z]{3}|R\$|US\$|C\$|A\$|NZ\$|HK\$|S\$|[$€£¥₹₩₽₺₪₫฿₱]|kr|zł|Fr\.?|CHF)/u;
const CURRENCY_END = /(?:[A-Z]{3}|R\$|[$€£¥₹₩₽₺₪₫฿₱]|kr|zł|CHF)$/u;

/** A column's decimal mark: `.` (`1,234.56`) or `,` (`1.234,56`). */
export type DecimalMark = '.' | ',';

/** What one number cell proves about its column's decimal mark (docs: README "What the numbers mean"). */
export const NumberEvidence = {
  /** No separator (`1250`), or not a number. */
  None: 0,
  /** Only a decimal point reads it: `12.5`, `0.125`, `1,250.50`, `1,234,567`, `1234.567`. */
  Point: 1,
  /** Only a decimal comma reads it: `146536,25`, `0,5`, `1.234,56`, `1.234.567`. */
  Comma: 2,
  /** `1.234`: a lone dot before three digits, after 1–3 digits not starting with 0 (1234 or 1.234). */
  AmbiguousDot: 3,
  /** `1,234`: the same with a comma (1234 or 1.234). */
  AmbiguousComma: 4,
} as const;
export type NumberEvidence = (typeof NumberEvidence)[keyof typeof NumberEvidence];

/** The evidence of the last cell `scan` read (one module-level slot: reading allocates nothing). */
let scanned: NumberEvidence = NumberEvidence.None;

/**
 * Reads one non-empty amount cell: `$44,000.00`, `1.234,56`, `146536,25`, `R$ 100.000`,
 * `(1,250.50)`, `-12`, `EUR 9.99`, `25000 USD`, with no-break spaces anywhere. NaN when the text
 * is not an amount (including `NaN`, `1e309`, `12abc`).
 *
 * Separators: when both `,` and `.` appear, the last one is the decimal mark. A repeated separator
 * groups thousands, and its groups must look like it (`1,234,567`, Indian `12,34,567`; `1,2,3` is
 * not an amount). A lone separator is the decimal mark (`146536,25`, `9.5`, `0.125`, `1234.567`)
 * unless it stands after 1–3 digits not starting with 0 and before exactly three (`1.234`,
 * `42,000`): only that form is ambiguous, and it is read with the column's decimal `mark` (decided
 * from all of the column's values: `numberFormatOf`). Without a mark it groups thousands, the
 * reading of a column that proves nothing (`42,000` = 42000).
 */
export function parseAmount(text: string, mark?: DecimalMark): number {
  return scan(text, mark);
}

/** What `text` proves about its column's decimal mark (None when it is not a number). */
export function numberEvidence(text: string): NumberEvidence {
  return Number.isNaN(scan(text, undefined)) ? NumberEvidence.None : scanned;
}

/**
 * `parseAmount`, also telling what the cell proved: for a column read once (a deal's amount),
 * where a second scan per cell would cost a million of them.
 */
export function readAmount(text: string, mark?: DecimalMark): { value: number; evidence: NumberEvidence } {
  const value = scan(text, mark);
  return { value, evidence: Number.isNaN(value) ? NumberEvidence.None : scanned };
}

function scan(text: string, mark: DecimalMark | undefined): number {
  scanned = NumberEvidence.None;
  let s = text.replace(/[\s\u00a0\u202f']/g, '');
  // One sign at most: `(5)`, `-5`, `5-`, `$-5`; `--5` and `(-5)` are not amounts.
  let signs = 0;
  if (s.startsWith('(') && s.endsWith(')')) {
    signs++;
    s = s.slice(1, -1);
  }
  if (s.startsWith('-')) {
    signs++;
    s = s.slice(1);
  } else if (s.endsWith('-')) {
    signs++;
    s = s.slice(0, -1);
  }
  const bare = s.replace(CURRENCY, '').replace(CURRENCY_END, '');
  if (bare !== s && bare.startsWith('-')) {
    // `$-12.50`, `USD -3`
    signs++;
    s = bare.slice(1);
  } else {
    s = bare;
  }
  if (signs > 1 || !/^\d[\d.,]*$/.test(s) || /[.,]$/.test(s)) return NaN;
  const negative = signs === 1;
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  let digits: string;
  if (lastComma >= 0 && lastDot >= 0) {
    const decimal = lastComma > lastDot ? ',' : '.';
    const group = decimal === ',' ? '.' : ',';
    const [whole, fraction, extra] = s.split(decimal);
    if (extra !== undefined) return NaN;
    if (fraction!.includes(group) || !groupedWell(whole!.split(group))) return NaN;
    digits = `${whole!.split(group).join('')}.${fraction!}`;
    scanned = decimal === '.' ? NumberEvidence.Point : NumberEvidence.Comma;
  } else if (lastComma >= 0 || lastDot >= 0) {
    const sep = lastComma >= 0 ? ',' : '.';
    const parts = s.split(sep);
    if (parts.length > 2) {
      // A repeated separator groups thousands: the decimal mark is the other one.
      if (!groupedWell(parts)) return NaN;
      digits = parts.join('');
      scanned = sep === ',' ? NumberEvidence.Point : NumberEvidence.Comma;
    } else {
      const [whole, fraction] = parts as [string, string];
      // Thousands grouping writes 1–3 digits, not starting with 0, before a group of three.
      const ambiguous = fraction.length === 3 && whole.length <= 3 && whole.charCodeAt(0) !== 48;
      if (ambiguous) scanned = sep === '.' ? NumberEvidence.AmbiguousDot : NumberEvidence.AmbiguousComma;
      else scanned = sep === '.' ? NumberEvidence.Point : NumberEvidence.Comma;
      digits = ambiguous && mark !== sep ? whole + fraction : `${whole}.${fraction}`;
    }
  } else {
    digits = s;
  }
  const value = Number(digits);
  if (!Number.isFinite(value)) {
    scanned = NumberEvidence.None;
    return NaN;
  }
  return negative ? -value : value;
}

/** What a column's values proved about its decimal mark, counted. */
export interface NumberProof {
  /** Values only a decimal point reads (`12.5`, `0.125`, `1,250.50`). */
  point: number;
  /** Values only a decimal comma reads (`1.234,56`, `0,5`). */
  comma: number;
  /** `1.234` values (thousands, or a decimal with three places). */
  ambiguousDot: number;
  /** `1,234` values. */
  ambiguousComma: number;
}

export function noNumberProof(): NumberProof {
  return { point: 0, comma: 0, ambiguousDot: 0, ambiguousComma: 0 };
}

/** Counts one value's evidence into `proof`. */
export function addNumberEvidence(proof: NumberProof, evidence: NumberEvidence): void {
  if (evidence === NumberEvidence.Point) proof.point++;
  else if (evidence === NumberEvidence.Comma) proof.comma++;
  else if (evidence === NumberEvidence.AmbiguousDot) proof.ambiguousDot++;
  else if (evidence === NumberEvidence.AmbiguousComma) proof.ambiguousComma++;
}

/** A column's number format, decided from all of its values. */
export interface NumberFormat {
  /** The decimal mark ambiguous values (`1.234`, `1,234`) are read with; undefined: as thousands. */
  readonly mark: DecimalMark | undefined;
  /** The decision in words, with the counts behind it when it was not proven: for `check`. */
  readonly label: string;
  /** Why the column is warned about: proof both ways, or ambiguous values and no proof. */
  readonly undecided: 'mixed' | 'ambiguous' | undefined;
  readonly proof: NumberProof;
}

/**
 * The decimal mark of a column (docs: README "What the numbers mean"), as date order is decided: a column is
 * decimal-point when some value proves it and none proves a comma, and the other way round. A
 * column with proof both ways, or with ambiguous values and no proof, keeps the reading of a
 * value alone (`1,234` and `1.234` group thousands) and is `undecided`, for a warning.
 */
export function decideNumberFormat(proof: NumberProof): NumberFormat {
  const ambiguous = proof.ambiguousDot + proof.ambiguousComma;
  if (proof.point > 0 && proof.comma > 0) {
    const label = `mixed: ${proof.point} values prove a decimal point, ${proof.comma} a decimal comma; ${ambiguous} ambiguous read as thousands`;
    return { mark: undefined, label, undecided: 'mixed', proof };
  }
  if (proof.point > 0) return { mark: '.', label: 'decimal point (1,234.56)', undecided: undefined, proof };
  if (proof.comma > 0) return { mark: ',', label: 'decimal comma (1.234,56)', undecided: undefined, proof };
  if (ambiguous > 0) return { mark: undefined, label: `thousands (assumed): ${ambiguous} values like 1,234 and none that decides`, undecided: 'ambiguous', proof };
  return { mark: undefined, label: 'whole numbers (no separator)', undecided: undefined, proof };
}

/**
 * The number format of a column from its values (cells that are not numbers prove nothing): for
 * reading a column, and for sniffing a column's type before a rubric exists (`init`).
 */
export function numberFormatOf(values: Iterable<string>): NumberFormat {
  const proof = noNumberProof();
  for (const value of values) addNumberEvidence(proof, numberEvidence(value));
  return decideNumberFormat(proof);
}

/** The warning for an undecided column, naming the choice made; undefined when it was decided. */
export function numberFormatWarning(file: string, column: string, format: NumberFormat): string | undefined {
  const { proof } = format;
  const ambiguous = proof.ambiguousDot + proof.ambiguousComma;
  const like = proof.ambiguousDot > 0 && proof.ambiguousComma > 0 ? '1.234 or 1,234' : proof.ambiguousDot > 0 ? '1.234' : '1,234';
  if (format.undecided === 'mixed') {
    return `${file}: column "${column}" has numbers with a decimal point and with a decimal comma (${proof.point} prove 1,234.56, ${proof.comma} prove 1.234,56); each is read as it proves${ambiguous > 0 ? `, and ${ambiguous} like ${like} as thousands` : ''}`;
  }
  if (format.undecided === 'ambiguous') {
    return `${file}: column "${column}": ${ambiguous} number${ambiguous === 1 ? '' : 's'} like ${like} could be thousands or decimals and no value decides; read as thousands (${like} = 1234)`;
  }
  return undefined;
}

/** Digit groups as a thousands separator writes them: 1,234,567 or Indian 12,34,567 — not 1,2,3. */
function groupedWell(groups: readonly string[]): boolean {
  if (groups.length === 1) return true;
  const [first, ...rest] = groups as [string, ...string[]];
  if (rest.every((g) => g.length === 3)) return first.length >= 1 && first.length <= 3;
  const last = rest.pop()!;
  return last.length === 3 && rest.every((g) => g.length === 2) && first.length >= 1 && first.length <= 2;
}

// ---------------------------------------------------------------- booleans

/** The words (trimmed, lower case) that read as a yes or a no; the SQL engines read them too. */
export const TRUE_WORDS: readonly string[] = ['true', 'yes', 'y', '1', 'x', 't', 'checked', 'on'];
export const FALSE_WORDS: readonly string[] = ['false', 'no', 'n', '0', 'f', 'unchecked', 'off'];
const TRUE = new Set(TRUE_WORDS);
const FALSE = new Set(FALSE_WORDS);

/** true / false, or undefined when the text is not a boolean. Empty text is the caller's "missing". */
export function parseBoolean(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return undefined;
}

// ---------------------------------------------------------------- missing values

/**
 * Cells that mean "no value" in exports (docs: README "What the numbers mean"): MySQL's `\N`, `NULL`, spreadsheet
 * `N/A` and `#N/A`, a report's `(blank)`. Compared trimmed and case-insensitively; the rubric's
 * `missingValues` replaces the list (`[]`: none).
 */
export const MISSING_VALUES: readonly string[] = ['\\N', 'NULL', 'N/A', '#N/A', '(blank)'];

/**
 * The rule that makes a cell a value: '' for a cell that is one of `tokens` (trimmed,
 * case-insensitive), the cell unchanged otherwise. Every cell of a mapped, date, condition or join
 * column passes through it, a million rows of them: a cell whose first character starts no token
 * (and is not a space, which may pad one) is given back after one table read; only the rest are
 * trimmed, measured and looked up.
 */
export function missingValueRule(tokens: readonly string[]): (cell: string) => string {
  const set = new Set(tokens.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''));
  if (set.size === 0) return (cell) => cell;
  let longest = 0;
  // Per ASCII character, 1 when a cell starting with it may be a token: a token's first letter in
  // either case, or a space or control character before a padded one.
  const maybe = new Uint8Array(128).fill(1, 0, 33);
  let otherStarts = false;
  for (const token of set) {
    longest = Math.max(longest, token.length);
    for (const c of [token.charCodeAt(0), token.toUpperCase().charCodeAt(0)]) {
      if (c < 128) maybe[c] = 1;
      else otherStarts = true;
    }
  }
  return (cell) => {
    const c = cell.charCodeAt(0);
    // A cell starting outside ASCII may still be a token padded by a no-break space (trim drops it).
    if (c < 128 ? maybe[c] === 0 : (!otherStarts && cell.trimStart() === cell) || cell.length === 0) return cell;
    const text = cell.trim();
    if (text.length === 0 || text.length > longest) return cell;
    return set.has(text.toLowerCase()) ? '' : cell;
  };
}
