/**
 * Cell values in SQL, read exactly as src/data/normalize.ts reads them in JS (docs/rubric.md,
 * "dateOrder", "Reading numbers", "missingValues"): the missing-value rule, dates as day numbers,
 * amounts with their decimal mark, booleans. Parsing takes several steps, each naming columns the
 * next reads (Layers), so no expression is printed twice; the compiler stacks them as CTEs.
 */
import { JS_WHITESPACE } from './dialects.js';
import { literalPattern } from './regex.js';
import { FALSE_WORDS, TRUE_WORDS } from '../../data/normalize.js';
import { and, bin, bool, call, capturing, cases, cast, col, eq, extract, iff, inList, isNull, matches, not, notNull, NULL, num, or, pattern, replaceAll, text, type Expr } from './tree.js';

/** Columns computed in order: a layer reads the relation's columns and those of earlier layers. */
export type Layer = readonly (readonly [string, Expr])[];
export type Layers = readonly Layer[];

/**
 * A column's parse in two parts: `before` computes what its values prove (evidence), `after` reads
 * them as the whole column decided (an order or a mark given as a scalar over `before`'s table).
 */
export interface Parse {
  readonly before: Layers;
  readonly after: Layers;
}

/** A parse's layers in one run, for a decision given as a literal (tests, conditions). */
export const allLayers = (p: Parse): Layers => [...p.before, ...p.after];

/** The layers of several parsers side by side: layer k of each in one step. */
export function zipLayers(all: readonly Layers[]): Layer[] {
  const depth = Math.max(0, ...all.map((l) => l.length));
  return Array.from({ length: depth }, (_, k) => all.flatMap((l) => l[k] ?? []));
}

/** A character class of JavaScript's whitespace (`\s`), for patterns. */
export const WS = `[${JS_WHITESPACE}]`;
const D = '[0-9]';

export const trim = (e: Expr): Expr => call('trim', e);
export const lower = (e: Expr): Expr => call('lower', e);

/** Text with a missing-value token ('' in JS) as '': the rule every mapped cell passes (normalize.ts missingValueRule). */
export function missingRule(tokens: readonly string[]): (e: Expr) => Expr {
  const set = [...new Set(tokens.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
  if (set.length === 0) return (e) => e;
  // One pattern, and only on a cell whose first character may start a token (whitespace, or a
  // token's first letter in either case), as the JS rule looks: the rest are given back at once.
  const token = { parts: [`^${WS}*(?:${set.map(literalPattern).join('|')})${WS}*$`], fold: true };
  // The first characters as one string to find the cell's first in (strpos): DuckDB turns an IN
  // list of 30 constants into a join per column (~0.1 s a column of 1M cells). An empty cell
  // finds '' at 1 and goes to the pattern, which gives it back as it was.
  const firsts = [...new Set([...JS_WHITESPACE, ...set.flatMap((t) => [t[0]!, t[0]!.toUpperCase()])])];
  return (e) => iff(and(bin('>', call('strpos', text(firsts.join('')), call('substr', e, num(1), num(1))), num(0)), matches(e, token)), text(''), e);
}

// ---------------------------------------------------------------- dates

/** Options of one date column: how its slash dates are read until its values prove an order. */
export interface DateSetting {
  /** The configured order (--date-order, the rubric's), undefined when none is. */
  readonly configured: 'mdy' | 'dmy' | 'ymd' | undefined;
  /** Count slash-order evidence (a mapped column); conditions read dates without it. */
  readonly evidence: boolean;
}

const TIME_ISO = `(?:(?:[T ]|, ?)${D}{1,2}:${D}{2}(?::${D}{2}(?:[.,]${D}+)?)?${WS}*(?:[AaPp][Mm])?${WS}*(?:Z|[+-]${D}{2}(?::?${D}{2})?)?)?$`;
const ISO = `^${D}{4}[-/]${D}{1,2}[-/]${D}{1,2}${TIME_ISO}`;
const TIME_TWO_WAY = `(?:(?:,${WS}*|${WS}+)${D}{1,2}:${D}{2}(?::${D}{2}(?:\\.${D}+)?)?(?:${WS}*[AaPp]\\.?[Mm]\\.?)?)?$`;
const TWO_WAY_SLASH = `^${D}{1,2}/${D}{1,2}/(?:${D}{4}|${D}{2})${TIME_TWO_WAY}`;
const TWO_WAY_DASH = `^${D}{1,2}-${D}{1,2}-(?:${D}{4}|${D}{2})${TIME_TWO_WAY}`;
const DOTTED = `^${D}{1,2}\\.${D}{1,2}\\.${D}{4}(?:,?${WS}+${D}{1,2}:${D}{2}(?::${D}{2})?)?$`;
const COMPACT = `^${D}{8}$`;
/** JavaScript's `.` (no line terminators). */
const ANY = '[^\n\r\u2028\u2029]';
const NAME_TIME = `(?:[${JS_WHITESPACE}T,]+${D}{1,2}:${D}{2}${ANY}*)?$`;
const DAY_MONTH_NAME = `^${D}{1,2}[-${JS_WHITESPACE}][A-Za-z]{3,9}\\.?[-${JS_WHITESPACE},]+${D}{4}${NAME_TIME}`;
const MONTH_NAME_DAY = `^[A-Za-z]{3,9}\\.?${WS}+${D}{1,2},?${WS}+${D}{4}${NAME_TIME}`;
const FAST = `^${D}{4}-${D}{2}-${D}{2}(?:[ T]${D}{2}:${D}{2}(?::${D}{2})?)?$`;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

const int = (e: Expr): Expr => cast(e, 'int');
const idiv = (a: Expr, b: Expr): Expr => call('idiv', a, b);
const mod = (a: Expr, b: Expr): Expr => call('mod', a, b);
const plus = (a: Expr, b: Expr): Expr => bin('+', a, b);
const minus = (a: Expr, b: Expr): Expr => bin('-', a, b);
const times = (a: Expr, b: Expr): Expr => bin('*', a, b);
const ymdOf = (y: Expr, m: Expr, d: Expr): Expr => plus(plus(times(y, num(10000)), times(m, num(100))), d);

/** 1–12 for a month's name or an abbreviation of three letters or more; NULL otherwise (normalize.ts monthOf). */
function monthOf(name: Expr): Expr {
  const n = lower(name);
  return iff(
    bin('>=', call('length', n), num(3)),
    cases(MONTHS.map((full, i) => [eq(call('strpos', text(full), n), num(1)), num(i + 1)])),
  );
}

/** A two-digit year is 1970–2069 (normalize.ts fullYear). */
function fullYear(digits: Expr): Expr {
  const y = int(digits);
  return iff(eq(call('length', digits), num(2)), iff(bin('<', y, num(70)), plus(y, num(2000)), plus(y, num(1900))), y);
}

/** The day number of a YYYYMMDD integer column, NULL when that date does not exist (normalize.ts dayNumber). */
export function dayOfYmd(ymd: Expr): Expr {
  const y = idiv(ymd, num(10000));
  const m = mod(idiv(ymd, num(100)), num(100));
  const d = mod(ymd, num(100));
  const leap = and(eq(mod(y, num(4)), num(0)), or(not(eq(mod(y, num(100)), num(0))), eq(mod(y, num(400)), num(0))));
  const monthDays = cases([[eq(m, num(2)), iff(leap, num(29), num(28))], [inList(m, [4, 6, 9, 11].map(num)), num(30)]], num(31));
  const valid = and(notNull(ymd), bin('>=', m, num(1)), bin('<=', m, num(12)), bin('>=', d, num(1)), bin('>=', y, num(1000)), bin('<=', y, num(9999)), bin('<=', d, monthDays));
  // Days from civil (H. Hinnant), in integers: every quotient here is of non-negative numbers.
  const yy = iff(bin('<=', m, num(2)), minus(y, num(1)), y);
  const era = idiv(yy, num(400));
  const yoe = minus(yy, times(era, num(400)));
  const mp = iff(bin('>', m, num(2)), minus(m, num(3)), plus(m, num(9)));
  const doy = minus(plus(idiv(plus(times(num(153), mp), num(2)), num(5)), d), num(1));
  const doe = plus(minus(plus(times(yoe, num(365)), idiv(yoe, num(4))), idiv(yoe, num(100))), doy);
  return iff(valid, minus(plus(times(era, num(146097)), doe), num(719468)));
}

/** Whether a YYYYMMDD integer is a date that exists. */
const existsYmd = (ymd: Expr): Expr => notNull(dayOfYmd(ymd));

/** Evidence codes of a slash date (normalize.ts SlashEvidence). */
export const EVIDENCE = { none: 0, ambiguous: 1, monthFirst: 2, dayFirst: 3 } as const;

/**
 * Reads a date column: `input` holds the cell after the missing-value rule (untrimmed, as the
 * JS reader keeps it). Columns made, prefixed `p`: `p_day` (day number or NULL), `p_bad` (a
 * value that is not a date), and with `evidence`, `p_ev` (what the cell proves about the
 * column's slash order). Two-way dates whose order the column decides read `order`: an
 * expression giving 'dmy' or 'mdy' once for the column (see decideOrder).
 */
export function dateLayers(input: Expr, p: string, setting: DateSetting, order: Expr): Parse {
  const s = col(`${p}_s`);
  const c = (name: string) => col(`${p}_${name}`);
  const assumed = setting.configured === 'dmy' ? 'dmy' : 'mdy';
  const ymdConfigured = setting.configured === 'ymd';
  const grab = (...parts: (string | { capture: string })[]) => extract(s, capturing(...parts));
  const fixed = cases([
    [eq(s, text('')), NULL],
    [c('fast'), ymdOf(int(call('substr', s, num(1), num(4))), int(call('substr', s, num(6), num(2))), int(call('substr', s, num(9), num(2))))],
    [matches(s, pattern(ISO)), ymdOf(int(grab('^', { capture: `${D}{4}` })), int(grab(`^${D}{4}[-/]`, { capture: `${D}{1,2}` })), int(grab(`^${D}{4}[-/]${D}{1,2}[-/]`, { capture: `${D}{1,2}` })))],
    [c('tw'), NULL],
    [matches(s, pattern(DOTTED)), ymdOf(int(grab(`^${D}{1,2}\\.${D}{1,2}\\.`, { capture: `${D}{4}` })), int(grab(`^${D}{1,2}\\.`, { capture: `${D}{1,2}` })), int(grab('^', { capture: `${D}{1,2}` })))],
    [matches(s, pattern(COMPACT)), int(s)],
    [
      matches(s, pattern(DAY_MONTH_NAME)),
      ymdOf(int(grab(`^${D}{1,2}[-${JS_WHITESPACE}][A-Za-z]{3,9}\\.?[-${JS_WHITESPACE},]+`, { capture: `${D}{4}` })), monthOf(grab(`^${D}{1,2}[-${JS_WHITESPACE}]`, { capture: '[A-Za-z]{3,9}' })), int(grab('^', { capture: `${D}{1,2}` }))),
    ],
    [
      matches(s, pattern(MONTH_NAME_DAY)),
      ymdOf(int(grab(`^[A-Za-z]{3,9}\\.?${WS}+${D}{1,2},?${WS}+`, { capture: `${D}{4}` })), monthOf(grab('^', { capture: '[A-Za-z]{3,9}' })), int(grab(`^[A-Za-z]{3,9}\\.?${WS}+`, { capture: `${D}{1,2}` }))),
    ],
  ]);
  const a = int(c('a'));
  const b = int(c('b'));
  const year = fullYear(c('y'));
  // The reading in the order assumed before the column has proved one (parseDate with `order`).
  const readAs = (dmy: Expr): Expr => iff(or(bin('>', a, num(12)), and(bin('<=', b, num(12)), dmy)), ymdOf(year, b, a), ymdOf(year, a, b));
  const assumedRead = ymdConfigured
    ? iff(and(eq(call('length', c('a')), num(2)), eq(call('length', c('y')), num(2))), ymdOf(fullYear(c('a')), b, int(c('y'))), readAs(eq(text('ymd'), text('dmy'))))
    : readAs(eq(text(assumed), text('dmy')));
  const raw = input;
  const prefilter = and(bin('<=', call('length', raw), num(24)), or(bin('>', call('strpos', raw, text('/')), num(0)), matches(raw, pattern(`^${D}{1,2}-${D}{1,2}-${D}`))));
  const evidence =
    setting.evidence && !ymdConfigured
      ? iff(
          and(c('tw'), prefilter, existsYmd(c('assumed'))),
          cases(
            [
              [and(bin('>', a, num(12)), bin('<=', b, num(12))), num(EVIDENCE.dayFirst)],
              [and(bin('>', b, num(12)), bin('<=', a, num(12))), num(EVIDENCE.monthFirst)],
              [and(bin('<=', a, num(12)), bin('<=', b, num(12))), num(EVIDENCE.ambiguous)],
            ],
            num(EVIDENCE.none),
          ),
          num(EVIDENCE.none),
        )
      : num(EVIDENCE.none);
  // An ambiguous cell reads as the column decided; any other two-way cell as parseDate reads it.
  const finalRead = ymdConfigured ? c('assumed') : iff(eq(c('ev'), num(EVIDENCE.ambiguous)), readAs(eq(order, text('dmy'))), c('assumed'));
  const before: Layers = [
    [[`${p}_s`, trim(input)]],
    [
      [`${p}_fast`, matches(s, pattern(FAST))],
      // The usual ISO cell is read by the FAST test alone: the other forms are tried on the rest.
      // An empty cell (most of a stage's date column) is not two-way either: its patterns are not run.
      [`${p}_tw`, iff(or(eq(s, text('')), matches(s, pattern(FAST))), bool(false), and(not(matches(s, pattern(ISO))), or(matches(s, pattern(TWO_WAY_SLASH)), matches(s, pattern(TWO_WAY_DASH)))))],
    ],
    [
      [`${p}_fixed`, fixed],
      [`${p}_a`, iff(c('tw'), grab('^', { capture: `${D}{1,2}` }))],
      [`${p}_b`, iff(c('tw'), grab(`^${D}{1,2}[/-]`, { capture: `${D}{1,2}` }))],
      [`${p}_y`, iff(c('tw'), grab(`^${D}{1,2}[/-]${D}{1,2}[/-]`, { capture: `${D}{4}|${D}{2}` }))],
    ],
    [[`${p}_assumed`, iff(c('tw'), assumedRead)]],
    [[`${p}_ev`, evidence]],
  ];
  const after: Layers = [
    [[`${p}_ymd`, iff(c('tw'), finalRead, c('fixed'))]],
    [
      [`${p}_day`, dayOfYmd(c('ymd'))],
      [`${p}_bad`, and(not(eq(s, text(''))), isNull(dayOfYmd(c('ymd'))))],
    ],
  ];
  return { before, after };
}

/**
 * The slash order a column decided from its evidence counts (value-columns.ts DateColumn.settle):
 * proven one way only, that way; otherwise the order assumed. `counts` gives the number of cells
 * with an evidence code, as SQL (a scalar subquery the compiler writes).
 */
export function decideOrder(dayFirst: Expr, monthFirst: Expr, configured: DateSetting['configured']): Expr {
  const assumed = configured === 'dmy' ? 'dmy' : 'mdy';
  return cases(
    [
      [and(bin('>', dayFirst, num(0)), eq(monthFirst, num(0))), text('dmy')],
      [and(bin('>', monthFirst, num(0)), eq(dayFirst, num(0))), text('mdy')],
    ],
    text(assumed),
  );
}

// ---------------------------------------------------------------- amounts

const CURRENCY = '^(?:[A-Z]{3}|R\\$|US\\$|C\\$|A\\$|NZ\\$|HK\\$|S\\$|[$€£¥₹₩₽₺₪₫฿₱]|kr|zł|Fr\\.?|CHF)';
const CURRENCY_END = '(?:[A-Z]{3}|R\\$|[$€£¥₹₩₽₺₪₫฿₱]|kr|zł|CHF)$';

/** Evidence codes of a number (normalize.ts NumberEvidence). */
export const NUMBER_EVIDENCE = { none: 0, point: 1, comma: 2, ambiguousDot: 3, ambiguousComma: 4 } as const;

/** Digit groups as a thousands separator `sep` writes them (normalize.ts groupedWell, with at least one separator). */
const grouped = (sep: string) => `(?:${D}{1,3}(?:\\${sep}${D}{3})+|${D}{1,2}(?:\\${sep}${D}{2})+\\${sep}${D}{3})`;

/**
 * Reads an amount column (normalize.ts parseAmount): `input` is the cell's text ('' missing).
 * Columns made, prefixed `p`: `p_num` (the number, NULL when missing or not an amount), `p_bad`
 * (text that is not an amount), `p_ev` (NUMBER_EVIDENCE). `mark` gives the column's decimal mark
 * ('.', ',' or '' for none) once for the column: the reading of `1.234` and `1,234` depends on it.
 */
export function amountLayers(input: Expr, p: string, mark: Expr): Parse {
  const c = (name: string) => col(`${p}_${name}`);
  const first = (e: Expr) => call('substr', e, num(1), num(1));
  const lastChar = (e: Expr) => call('substr', e, call('length', e), num(1));
  const len = (e: Expr) => call('length', e);
  const count = (e: Expr, ch: string) => minus(len(e), len(call('replace', e, text(ch), text(''))));
  const s0 = c('s0');
  const s1 = c('s1');
  const s2 = c('s2');
  const s = c('s4');
  const single = (sep: string) => {
    const whole = extract(s, capturing('^', { capture: `${D}+` }, `\\${sep}`));
    const fraction = extract(s, capturing(`\\${sep}`, { capture: `${D}+` }, '$'));
    return { whole, fraction };
  };
  const dot = single('.');
  const comma = single(',');
  const ambiguous = (part: { whole: Expr; fraction: Expr }) =>
    and(eq(len(part.fraction), num(3)), bin('<=', len(part.whole), num(3)), not(eq(first(part.whole), text('0'))));
  const digits = cases([
    [not(c('ok')), NULL],
    [and(bin('>', c('nc'), num(0)), bin('>', c('nd'), num(0))), iff(c('commaLast'), call('replace', call('replace', s, text('.'), text('')), text(','), text('.')), call('replace', s, text(','), text('')))],
    [bin('>', c('nc'), num(1)), call('replace', s, text(','), text(''))],
    [bin('>', c('nd'), num(1)), call('replace', s, text('.'), text(''))],
    [eq(c('nc'), num(1)), iff(and(ambiguous(comma), not(eq(mark, text(',')))), call('replace', s, text(','), text('')), call('replace', s, text(','), text('.')))],
    [eq(c('nd'), num(1)), iff(and(ambiguous(dot), not(eq(mark, text('.')))), call('replace', s, text('.'), text('')), s)],
  ], s);
  const evidence = cases(
    [
      [not(c('ok')), num(NUMBER_EVIDENCE.none)],
      [and(bin('>', c('nc'), num(0)), bin('>', c('nd'), num(0))), iff(c('commaLast'), num(NUMBER_EVIDENCE.comma), num(NUMBER_EVIDENCE.point))],
      [bin('>', c('nc'), num(1)), num(NUMBER_EVIDENCE.point)],
      [bin('>', c('nd'), num(1)), num(NUMBER_EVIDENCE.comma)],
      [eq(c('nc'), num(1)), iff(ambiguous(comma), num(NUMBER_EVIDENCE.ambiguousComma), num(NUMBER_EVIDENCE.comma))],
      [eq(c('nd'), num(1)), iff(ambiguous(dot), num(NUMBER_EVIDENCE.ambiguousDot), num(NUMBER_EVIDENCE.point))],
    ],
    num(NUMBER_EVIDENCE.none),
  );
  // Well formed: one sign at most, digits and separators only, no separator last, and the
  // separators where grouping and the decimal mark allow them.
  const shape = or(
    matches(s, pattern(`^${D}+$`)),
    matches(s, pattern(`^${D}+[.,]${D}+$`)),
    matches(s, pattern(`^${grouped(',')}$`)),
    matches(s, pattern(`^${grouped('.')}$`)),
    matches(s, pattern(`^(?:${D}+|${grouped(',')})\\.${D}+$`)),
    matches(s, pattern(`^(?:${D}+|${grouped('.')}),${D}+$`)),
  );
  // Most amounts are plain digits (`6500`) or empty: they skip every step below (each then
  // reads '', and the patterns and replacements are not run on it: CASE runs a branch only on
  // the rows that take it). An empty cell is not an amount (ok is false), as the steps would find.
  const plain = c('plain');
  const easy = c('easy');
  const unlessEasy = (otherwise: Expr, e: Expr): Expr => iff(easy, otherwise, e);
  const before: Layers = [
    // (A count, not {1,300}: PostgreSQL's patterns repeat at most 255 times.)
    [[`${p}_plain`, and(matches(input, pattern(`^${D}+$`)), bin('<=', call('length', input), num(300)))]],
    [[`${p}_easy`, or(plain, eq(input, text('')))]],
    [[`${p}_s0`, unlessEasy(text(''), replaceAll(input, pattern(`[${JS_WHITESPACE}']`), ''))]],
    [[`${p}_par`, and(eq(first(s0), text('(')), eq(lastChar(s0), text(')')), bin('>=', len(s0), num(2)))]],
    [[`${p}_s1`, iff(c('par'), call('substr', s0, num(2), minus(len(s0), num(2))), s0)]],
    [
      [`${p}_lead`, eq(first(s1), text('-'))],
      [`${p}_trail`, and(not(eq(first(s1), text('-'))), eq(lastChar(s1), text('-')))],
    ],
    [[`${p}_s2`, cases([[c('lead'), call('substr', s1, num(2), len(s1))], [c('trail'), call('substr', s1, num(1), minus(len(s1), num(1)))]], s1)]],
    [[`${p}_bare`, unlessEasy(text(''), replaceAll(replaceAll(s2, pattern(CURRENCY), ''), pattern(CURRENCY_END), ''))]],
    [[`${p}_cur`, and(not(eq(c('bare'), s2)), eq(first(c('bare')), text('-')))]],
    [
      [`${p}_s4`, iff(c('cur'), call('substr', c('bare'), num(2), len(c('bare'))), c('bare'))],
      [`${p}_signs`, plus(plus(iff(c('par'), num(1), num(0)), iff(or(c('lead'), c('trail')), num(1), num(0))), iff(c('cur'), num(1), num(0)))],
    ],
    [
      [`${p}_nc`, unlessEasy(num(0), count(s, ','))],
      [`${p}_nd`, unlessEasy(num(0), count(s, '.'))],
      [`${p}_commaLast`, unlessEasy(bool(false), matches(s, pattern(`,${D}+$`)))],
      [`${p}_ok0`, unlessEasy(bool(false), and(bin('<=', c('signs'), num(1)), shape))],
    ],
    // Number() keeps what has at most 308 digits before the decimal mark, leading zeros aside.
    [[`${p}_ok`, unlessEasy(bool(false), and(c('ok0'), bin('<=', len(replaceAll(replaceAll(replaceAll(s, pattern('[.,][0-9]*$'), ''), pattern('[.,]'), ''), pattern('^0+'), '')), num(308))))]],
    [[`${p}_ev`, iff(plain, num(NUMBER_EVIDENCE.none), evidence)]],
  ];
  const after: Layers = [
    [[`${p}_digits`, iff(plain, input, digits)]],
    [
      [`${p}_num`, iff(notNull(c('digits')), iff(eq(c('signs'), num(1)), bin('-', num(0), cast(c('digits'), 'double')), cast(c('digits'), 'double')))],
      [`${p}_bad`, and(not(eq(input, text(''))), isNull(c('digits')))],
    ],
  ];
  return { before, after };
}

/**
 * A column's decimal mark from its evidence counts (normalize.ts decideNumberFormat): '.' or ','
 * when proven one way only, '' otherwise (`1,234` and `1.234` then read as thousands).
 */
export function decideMark(point: Expr, comma: Expr): Expr {
  return cases(
    [
      [and(bin('>', point, num(0)), eq(comma, num(0))), text('.')],
      [and(bin('>', comma, num(0)), eq(point, num(0))), text(',')],
    ],
    text(''),
  );
}

// ---------------------------------------------------------------- booleans


/** true, false, or NULL when the text is not a boolean (normalize.ts parseBoolean). */
export function booleanOf(e: Expr): Expr {
  const s = lower(trim(e));
  return cases([
    [inList(s, TRUE_WORDS.map(text)), { k: 'bool', v: true }],
    [inList(s, FALSE_WORDS.map(text)), { k: 'bool', v: false }],
  ]);
}
