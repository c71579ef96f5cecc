/**
 * Cell values → numbers (SPEC §4.4). Pure functions; every parser says "missing" for an empty
 * cell and "invalid" for text it cannot read, so callers can count warnings per column.
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

/** What a cell proves about the slash order of its column (SPEC §4.4). */
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

/**
 * Reads one non-empty amount cell: `$44,000.00`, `1.234,56`, `146536,25`, `R$ 100.000`,
 * `(1,250.50)`, `-12`, `EUR 9.99`, `25000 USD`, with no-break spaces anywhere. NaN when the text
 * is not an amount (including `NaN`, `1e309`, `12abc`).
 *
 * Separators: when both `,` and `.` appear, the last one is the decimal mark; a lone separator
 * followed by exactly three digits (`42,000`, `100.000`) groups thousands; otherwise it is the
 * decimal mark (`146536,25`, `9.5`). A repeated separator always groups thousands, and its groups
 * must look like it (`1,234,567`, Indian `12,34,567`; `1,2,3` is not an amount).
 */
export function parseAmount(text: string): number {
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
  } else if (lastComma >= 0 || lastDot >= 0) {
    const sep = lastComma >= 0 ? ',' : '.';
    const parts = s.split(sep);
    if (parts.length > 2 && !groupedWell(parts)) return NaN;
    const thousands = parts.length > 2 || parts[1]!.length === 3;
    digits = thousands ? parts.join('') : `${parts[0]!}.${parts[1]!}`;
  } else {
    digits = s;
  }
  const value = Number(digits);
  if (!Number.isFinite(value)) return NaN;
  return negative ? -value : value;
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

const TRUE = new Set(['true', 'yes', 'y', '1', 'x', 't', 'checked', 'on']);
const FALSE = new Set(['false', 'no', 'n', '0', 'f', 'unchecked', 'off']);

/** true / false, or undefined when the text is not a boolean. Empty text is the caller's "missing". */
export function parseBoolean(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return undefined;
}
