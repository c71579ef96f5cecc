/**
 * One printer per SQL dialect over the expression tree (src/engine/sql/tree.ts): every difference
 * between databases the compiled audit meets is here, and nowhere else (docs/engines.md, "Dialects").
 */
import { UsageError } from '../../errors.js';
import type { Expr, Fn, Pattern } from './tree.js';

export const DIALECT_NAMES = ['duckdb', 'postgres', 'snowflake', 'bigquery'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

/** Every character JavaScript's String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator). */
export const JS_WHITESPACE = '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

export interface Dialect {
  readonly name: DialectName;
  ident(name: string): string;
  string(value: string): string;
  expr(e: Expr): string;
  /**
   * A FROM item with one row per `sep`-separated part of `column` (of the relation `from`), with
   * the part as `part` and its position (from 1) as `pos`, beside `from`'s own columns.
   */
  splitRows(from: string, column: string, sep: string): string;
  /**
   * Written between a CTE's name and its query: PostgreSQL inlines a CTE read once into the next,
   * and a stack of them (src/engine/sql/stack.ts) then computes every column again at each step —
   * seconds for forty dates; materialised, milliseconds.
   */
  readonly materialized: string;
  /** One row of the relation aliased `alias` as JSON text, its column names the keys (the facts file). */
  rowJson(alias: string): string;
  /** The texts of a group joined with `sep`, in the order of `order` (an aggregate). */
  listAgg(textSql: string, sep: string, order: string): string;
}

/** A pattern (as a DuckDB string) that finds JavaScript whitespace at either end of a text. */
const EDGE_SPACE = `'^[${JS_WHITESPACE}]|[${JS_WHITESPACE}]$'`;

interface Spelling {
  readonly name: DialectName;
  quoteIdent(name: string): string;
  quoteString(value: string): string;
  cast: Record<'int' | 'double' | 'text', string>;
  fn(f: Fn, args: readonly string[]): string | undefined;
  /** `(?:…)` groups: kept (RE2, PostgreSQL) or written as plain groups (Snowflake's POSIX syntax). */
  readonly nonCapturing: boolean;
  matches(text: string, pattern: string, fold: boolean): string;
  extract(text: string, pattern: string, group: number, fold: boolean): string;
  replaceAll(text: string, pattern: string, by: string): string;
  boundary(pattern: string, where: string): string;
  splitRows(from: string, column: string, sep: string, q: (s: string) => string): string;
  rowJson(alias: string): string;
  listAgg(textSql: string, sep: string, order: string): string;
}

const standardString = (value: string) => `'${value.replaceAll("'", "''")}'`;
/** A string literal where backslash escapes (Snowflake, BigQuery): control characters spelt out too. */
const backslashString = (value: string) =>
  `'${value
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "\\'")
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t')}'`;
const doubleQuoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** Words Snowflake reserves (its documented list, the ones a column might be called). */
const SNOWFLAKE_RESERVED = new Set(['all', 'alter', 'and', 'any', 'as', 'between', 'by', 'case', 'cast', 'check', 'column', 'connect', 'create', 'current', 'delete', 'distinct', 'drop', 'else', 'exists', 'false', 'following', 'for', 'from', 'full', 'grant', 'group', 'having', 'ilike', 'in', 'increment', 'insert', 'intersect', 'into', 'is', 'join', 'lateral', 'left', 'like', 'localtime', 'minus', 'natural', 'not', 'null', 'of', 'on', 'or', 'order', 'qualify', 'regexp', 'revoke', 'right', 'rlike', 'row', 'rows', 'sample', 'select', 'set', 'some', 'start', 'table', 'tablesample', 'then', 'to', 'trigger', 'true', 'try_cast', 'union', 'unique', 'update', 'using', 'values', 'view', 'when', 'whenever', 'where', 'with']);
/**
 * A lower-case name unquoted (Snowflake reads it upper-case, as it stores the names Fivetran loads),
 * any other quoted as written.
 */
const snowflakeIdent = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) && !SNOWFLAKE_RESERVED.has(name) ? name : doubleQuoted(name));

const SPELLINGS: Record<DialectName, Spelling> = {
  duckdb: {
    name: 'duckdb',
    quoteIdent: doubleQuoted,
    quoteString: standardString,
    cast: { int: 'BIGINT', double: 'DOUBLE', text: 'VARCHAR' },
    // trim with a set of characters walks the set for every character; most cells have nothing to
    // trim, and one regex says so for a fifth of the time (docs/performance.md, "The DuckDB engine").
    fn: (f, a) => (f === 'idiv' ? `(${a[0]} // ${a[1]})` : f === 'trim' ? `(CASE WHEN regexp_matches(${a[0]}, ${EDGE_SPACE}) THEN trim(${a[0]}, ${a[1]}) ELSE ${a[0]} END)` : undefined),
    nonCapturing: true,
    matches: (t, p, fold) => `regexp_matches(${t}, ${p}${fold ? ", 'i'" : ''})`,
    extract: (t, p, g, fold) => `NULLIF(regexp_extract(${t}, ${p}, ${g}${fold ? ", 'i'" : ''}), '')`,
    replaceAll: (t, p, by) => `regexp_replace(${t}, ${p}, ${by}, 'g')`,
    boundary: (p) => p,
    splitRows: (from, c, sep, q) => `(SELECT f.*, unnest(string_split(f.${c}, ${q(sep)})) AS part, generate_subscripts(string_split(f.${c}, ${q(sep)}), 1) AS pos FROM ${from} f)`,
    rowJson: (alias) => `CAST(to_json(${alias}) AS VARCHAR)`,
    listAgg: (t, sep, order) => `string_agg(${t}, ${sep} ORDER BY ${order})`,
  },
  postgres: {
    name: 'postgres',
    quoteIdent: doubleQuoted,
    quoteString: standardString,
    cast: { int: 'bigint', double: 'double precision', text: 'text' },
    fn: (f, a) => (f === 'idiv' ? `(${a[0]} / ${a[1]})` : f === 'trim' ? `btrim(${a[0]}, ${a[1]})` : undefined),
    nonCapturing: true,
    matches: (t, p, fold) => `(${t} ${fold ? '~*' : '~'} ${p})`,
    extract: (t, p, g, fold) => `(regexp_match(${t}, ${p}${fold ? ", 'i'" : ''}))[${g}]`,
    replaceAll: (t, p, by) => `regexp_replace(${t}, ${p}, ${by}, 'g')`,
    // PostgreSQL's word boundary is \y (its \b is a backspace).
    boundary: (p) => p.replace(/(?<!\\)((?:\\\\)*)\\b/g, '$1\\y'),
    splitRows: (from, c, sep, q) => `(SELECT f.*, s.part, s.pos FROM ${from} f CROSS JOIN LATERAL unnest(string_to_array(f.${c}, ${q(sep)})) WITH ORDINALITY AS s(part, pos))`,
    rowJson: (alias) => `CAST(row_to_json(${alias}) AS text)`,
    listAgg: (t, sep, order) => `string_agg(${t}, ${sep} ORDER BY ${order})`,
  },
  snowflake: {
    name: 'snowflake',
    quoteIdent: snowflakeIdent,
    quoteString: backslashString,
    cast: { int: 'NUMBER(38,0)', double: 'DOUBLE', text: 'VARCHAR' },
    fn: (f, a) => (f === 'idiv' ? `FLOOR(${a[0]} / ${a[1]})` : f === 'strpos' ? `POSITION(${a[1]}, ${a[0]})` : f === 'trim' ? `TRIM(${a[0]}, ${a[1]})` : undefined),
    nonCapturing: false,
    // REGEXP_LIKE anchors the whole text; REGEXP_INSTR finds a match anywhere, as the rubric means.
    matches: (t, p, fold) => `(REGEXP_INSTR(${t}, ${p}, 1, 1, 0, '${fold ? 'i' : 'c'}') > 0)`,
    extract: (t, p, g, fold) => `REGEXP_SUBSTR(${t}, ${p}, 1, 1, '${fold ? 'i' : 'c'}e', ${g})`,
    replaceAll: (t, p, by) => `REGEXP_REPLACE(${t}, ${p}, ${by})`,
    boundary: (p) => p,
    splitRows: (from, c, sep, q) => `(SELECT f.*, s.VALUE AS part, s.INDEX AS pos FROM ${from} f, LATERAL SPLIT_TO_TABLE(f.${c}, ${q(sep)}) s)`,
    rowJson: () => 'TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL(*))',
    listAgg: (t, sep, order) => `LISTAGG(${t}, ${sep}) WITHIN GROUP (ORDER BY ${order})`,
  },
  bigquery: {
    name: 'bigquery',
    quoteIdent: (name) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``,
    quoteString: backslashString,
    cast: { int: 'INT64', double: 'FLOAT64', text: 'STRING' },
    fn: (f, a) => (f === 'idiv' ? `DIV(${a[0]}, ${a[1]})` : f === 'mod' ? `MOD(${a[0]}, ${a[1]})` : f === 'trim' ? `TRIM(${a[0]}, ${a[1]})` : undefined),
    nonCapturing: true,
    matches: (t, p, fold) => `REGEXP_CONTAINS(${t}, ${fold ? p.replace(/^'/, "'(?i)") : p})`,
    // REGEXP_EXTRACT takes the pattern's one capturing group (the printer leaves no other).
    extract: (t, p, _g, fold) => `REGEXP_EXTRACT(${t}, ${fold ? p.replace(/^'/, "'(?i)") : p})`,
    replaceAll: (t, p, by) => `REGEXP_REPLACE(${t}, ${p}, ${by})`,
    boundary: (p) => p,
    splitRows: (from, c, sep, q) => `(SELECT f.*, part, pos + 1 AS pos FROM ${from} f CROSS JOIN UNNEST(SPLIT(f.${c}, ${q(sep)})) AS part WITH OFFSET AS pos)`,
    rowJson: (alias) => `TO_JSON_STRING(${alias})`,
    listAgg: (t, sep, order) => `STRING_AGG(${t}, ${sep} ORDER BY ${order})`,
  },
};

const OPS: Record<string, string> = { and: 'AND', or: 'OR' };

export function dialect(name: DialectName): Dialect {
  const s = SPELLINGS[name];
  const q = s.quoteString;

  const source = (p: Pattern, where: string): { sql: string; group: number } => {
    let group = 0;
    let opened = 0;
    let out = '';
    for (const part of p.parts) {
      if (typeof part === 'string') {
        opened += countGroups(part, s.nonCapturing);
        out += s.nonCapturing ? part : part.replaceAll('(?:', '(');
      } else {
        group = opened + 1;
        opened += 1 + countGroups(part.capture, s.nonCapturing);
        out += `(${s.nonCapturing ? part.capture : part.capture.replaceAll('(?:', '(')})`;
      }
    }
    if (p.boundary) out = s.boundary(out, p.where ?? where);
    // Snowflake's patterns (POSIX extended, with Perl's \\d \\s \\w \\b) have no lazy quantifiers.
    if (name === 'snowflake' && hasLazy(out)) throw new UsageError(`${p.where ?? where}: Snowflake's regular expressions have no lazy quantifiers (*? +? ??); write the pattern without them for --dialect snowflake`);
    return { sql: q(out), group };
  };

  const print = (e: Expr): string => {
    switch (e.k) {
      case 'col':
        return e.table === undefined ? s.quoteIdent(e.name) : `${e.table}.${s.quoteIdent(e.name)}`;
      case 'text':
        return q(e.v);
      case 'num':
        if (!Number.isFinite(e.v)) throw new RangeError(`no SQL literal for ${e.v}`);
        return Number.isInteger(e.v) && Math.abs(e.v) < 2 ** 53 ? String(e.v) : `CAST(${q(String(e.v))} AS ${s.cast.double})`;
      case 'bool':
        return e.v ? 'TRUE' : 'FALSE';
      case 'null':
        return 'NULL';
      case 'raw':
        return e.sql;
      case 'call': {
        const args = e.args.map(print);
        const own = s.fn(e.f, e.f === 'trim' ? [args[0]!, q(JS_WHITESPACE)] : args);
        if (own !== undefined) return own;
        switch (e.f) {
          case 'concat':
            return `(${args.join(' || ')})`;
          case 'mod':
            return `(${args[0]} % ${args[1]})`;
          default:
            return `${e.f.toUpperCase()}(${args.join(', ')})`;
        }
      }
      case 'bin':
        return `(${print(e.l)} ${OPS[e.op] ?? e.op} ${print(e.r)})`;
      case 'not':
        return `(NOT ${print(e.e)})`;
      case 'isnull':
        return `(${print(e.e)} IS ${e.negate ? 'NOT ' : ''}NULL)`;
      case 'in':
        return e.list.length === 0 ? 'FALSE' : `(${print(e.e)} IN (${e.list.map(print).join(', ')}))`;
      case 'case':
        return `(CASE ${e.whens.map(([w, t]) => `WHEN ${print(w)} THEN ${print(t)}`).join(' ')} ELSE ${print(e.otherwise)} END)`;
      case 'matches':
        return s.matches(print(e.e), source(e.pattern, 'pattern').sql, e.pattern.fold ?? false);
      case 'extract': {
        const { sql, group } = source(e.pattern, 'pattern');
        return s.extract(print(e.e), sql, group, e.pattern.fold ?? false);
      }
      case 'replaceAll':
        return s.replaceAll(print(e.e), source(e.pattern, 'pattern').sql, q(e.by));
      case 'cast':
        return `CAST(${print(e.e)} AS ${s.cast[e.to]})`;
      case 'agg':
        return e.e === null ? 'COUNT(*)' : `${e.f.toUpperCase()}(${print(e.e)})`;
    }
  };

  return {
    name,
    ident: s.quoteIdent,
    string: q,
    expr: print,
    splitRows: (from, column, sep) => s.splitRows(from, column, sep, q),
    materialized: name === 'postgres' ? 'MATERIALIZED ' : '',
    rowJson: s.rowJson,
    listAgg: (t, sep, order) => s.listAgg(t, q(sep), order),
  };
}

/** Calls `visit` with each character of a pattern outside a class (`[...]`) and not escaped. */
function outsideClasses(source: string, visit: (c: string, i: number) => void): void {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else visit(c, i);
  }
}

/** A lazy quantifier (`*?`, `+?`, `??`, `{n,m}?`) outside a class. */
function hasLazy(source: string): boolean {
  let lazy = false;
  outsideClasses(source, (c, i) => {
    if ((c === '*' || c === '+' || c === '?' || c === '}') && source[i + 1] === '?' && !(c === '?' && source[i - 1] === '(')) lazy = true;
  });
  return lazy;
}

/** Groups a pattern opens: `(` not escaped and not in a class; `(?:` only where it captures. */
function countGroups(source: string, nonCapturing: boolean): number {
  let n = 0;
  outsideClasses(source, (c, i) => {
    if (c === '(' && !(nonCapturing && source[i + 1] === '?')) n++;
  });
  return n;
}
