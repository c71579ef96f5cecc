/**
 * Reading one side of an SQL run (docs/engines.md): the raw cells of the leads or the deals become
 * the typed values the classification reads, as src/data/normalize.ts reads them, each number and
 * date column decided from the whole column's evidence as the JS engine decides it.
 */
import { UsageError } from '../../errors.js';
import type { ColumnPlan } from '../../data/map.js';
import type { DateOrder } from '../../data/normalize.js';
import { comparedNumbers } from '../../data/value-columns.js';
import { DEAL_FIELD_KINDS, LEAD_FIELD_KINDS, type DealField, type LeadField } from '../../rubric/fields.js';
import type { Rubric } from '../../rubric/resolve.js';
import { dateFields, type FieldSql } from './conditions.js';
import type { Dialect } from './dialects.js';
import { stack } from './stack.js';
import type { SqlRun, SqlSource } from './compile.js';
import { call, cast, col, eq, iff, NO_DAY, NO_NUMBER, notNull, raw, text, type Expr } from './tree.js';
import { amountLayers, dateLayers, decideMark, decideOrder, EVIDENCE, missingRule, NUMBER_EVIDENCE, trim, zipLayers, type Layer } from './values.js';

interface SideValues {
  readonly setup: string[];
  /** The text of a condition field, by name (undefined: not in the file, reads as missing). */
  readonly field: (name: string) => FieldSql | undefined;
  /** Per number or date column: a query row (side, column, kind, decision and counts) for warnings and `check`. */
  readonly formats: string[];
  /** Whether the side's values table has this column. */
  readonly has: (column: string) => boolean;
}

export interface LeadValues extends SideValues {
  /** Per stage, its date column's day (NULL when none). */
  readonly stageDay: readonly Expr[];
  readonly hasFirstTouch: boolean;
}

export interface DealValues extends SideValues {
  readonly stageDay: readonly Expr[];
}

/** The raw text of header index `i`, as every cell enters: NULL as '' (typed warehouse columns as text). */
const cellName = (i: number) => `c${i}`;

/**
 * The statements that read one side: raw cells and duplicate ids (`la_<side>_raw`), then values
 * before their columns' decisions (`_pre`), then after (`_val`).
 */
function readSide(
  d: Dialect,
  side: 'lead' | 'deal',
  source: SqlSource,
  rubric: Rubric,
  texts: Layer,
  dates: readonly { name: string; p: string; input: Expr; configured: DateOrder | undefined; evidence: boolean; label: string }[],
  amounts: readonly { p: string; input: Expr; label: string }[],
): { setup: string[]; formats: string[]; has: (column: string) => boolean } {
  const plan = source.plan;
  const miss = missingRule(rubric.missingValues);
  const used = new Set<number>([...Object.values(plan.fields).filter((i): i is number => i !== undefined), ...plan.slots, ...plan.stageColumns.filter((i) => i >= 0)]);
  const cellOf = (i: number) => `${d.expr(call('coalesce', cast(col(source.column(i)), 'text'), text('')))} AS ${d.ident(cellName(i))}`;
  const cells = [...used].sort((a, b) => a - b).map(cellOf);
  const idIx = plan.fields.id;
  const id = idIx === undefined ? text('') : miss(trim(col(cellName(idIx))));
  const rawTable = `la_${side}_raw`;
  const dup = `(${d.ident('la_id')} <> '' AND ROW_NUMBER() OVER (PARTITION BY ${d.ident('la_id')} ORDER BY ${d.ident('la_row')}) > 1)`;
  const withId = (columns: readonly string[]) => `(SELECT *, ${d.expr(id)} AS ${d.ident('la_id')} FROM (SELECT ${[`${source.order} AS ${d.ident('la_row')}`, ...columns].join(', ')} FROM ${source.from}) t0) t1`;
  // The raw table holds the ids only: the window sorts what it carries, and the other cells are
  // read once, by the first step of _pre, from the source (less the few duplicate rows).
  const setup = [`CREATE TEMP TABLE ${rawTable} AS SELECT *, ${dup} AS ${d.ident('la_dup')} FROM ${withId(idIx === undefined ? [] : [cellOf(idIx)])}`];
  // Decisions read the column's evidence over the used rows (la_<side>_pre), once.
  const pre = `la_${side}_pre`;
  const count = (p: string, code: number) => `SUM(CASE WHEN ${d.ident(`${p}_ev`)} = ${code} THEN 1 ELSE 0 END)`;
  const scalar = (e: string) => raw(`(SELECT ${e} FROM ${pre})`);
  const dateParts = dates.map((x) => {
    const order = x.evidence ? scalar(d.expr(decideOrder(raw(count(x.p, EVIDENCE.dayFirst)), raw(count(x.p, EVIDENCE.monthFirst)), x.configured))) : text(x.configured === 'dmy' ? 'dmy' : 'mdy');
    return dateLayers(x.input, x.p, { configured: x.configured, evidence: x.evidence }, order);
  });
  const amountParts = amounts.map((x) => amountLayers(x.input, x.p, scalar(d.expr(decideMark(raw(count(x.p, NUMBER_EVIDENCE.point)), raw(count(x.p, NUMBER_EVIDENCE.comma)))))));
  // The _pre table ends where every column's evidence is known; _val reads them as decided.
  const parts = [...dateParts, ...amountParts];
  const before = [texts, ...zipLayers(parts.map((x) => x.before))];
  const after = zipLayers(parts.map((x) => x.after));
  // Each table keeps only the columns read after it: the steps' own are many, and a million rows wide.
  // The raw cells are read by the texts layer only: what comes after reads the texts.
  const base = ['la_row', 'la_id', ...texts.map(([name]) => name)];
  const evidence = [...dates.filter((x) => x.evidence), ...amounts].map((x) => `${x.p}_ev`);
  const keepPre = [...new Set([...base, ...evidence, ...[...columnsRead(after)].filter((c) => !base.includes(c))])];
  const outputs = [...dates.flatMap((x) => [`${x.p}_day`, `${x.p}_bad`, `${x.p}_ymd`]), ...amounts.flatMap((x) => [`${x.p}_num`, `${x.p}_bad`])];
  const keepVal = [...new Set([...base, ...evidence, ...outputs])];
  const list = (columns: readonly string[]) => columns.map((c) => d.ident(c)).join(', ');
  const used_ = `(SELECT * FROM ${withId(cells)} WHERE ${d.ident('la_row')} NOT IN (SELECT ${d.ident('la_row')} FROM ${rawTable} WHERE ${d.ident('la_dup')})) u`;
  const first = stack(d, `la_${side}_a`, used_, before);
  setup.push(`CREATE TEMP TABLE ${pre} AS WITH ${first.ctes.join(', ')} SELECT ${list(keepPre)} FROM ${first.last}`);
  const second = stack(d, `la_${side}_b`, pre, after);
  setup.push(second.ctes.length === 0 ? `CREATE TEMP TABLE la_${side}_val AS SELECT ${list(keepVal)} FROM ${pre}` : `CREATE TEMP TABLE la_${side}_val AS WITH ${second.ctes.join(', ')} SELECT ${list(keepVal)} FROM ${second.last}`);
  // The first value that could not be read, and its row, for the warning that names them.
  const firstBad = (x: { p: string; input: Expr }) => {
    const first = (what: string) => `(SELECT ${what} FROM la_${side}_val WHERE ${d.ident(`${x.p}_bad`)} ORDER BY ${d.ident('la_row')} LIMIT 1)`;
    return `${first(d.ident('la_row'))} AS ${d.ident('first_bad')}, ${first(d.expr(x.input))} AS ${d.ident('first_text')}`;
  };
  // `k` keeps the order the JS reader warns in: date columns, then number columns.
  const formats = [
    ...dates
      .filter((x) => x.evidence)
      .map(
        (x, k) =>
          `SELECT ${k} AS ${d.ident('k')}, '${side}' AS ${d.ident('side')}, ${d.string(x.label)} AS ${d.ident('column')}, 'date' AS ${d.ident('kind')}, ${count(x.p, EVIDENCE.dayFirst)} AS ${d.ident('a')}, ${count(x.p, EVIDENCE.monthFirst)} AS ${d.ident('b')}, ${count(x.p, EVIDENCE.ambiguous)} AS ${d.ident('c')}, SUM(CASE WHEN ${d.ident(`${x.p}_bad`)} THEN 1 ELSE 0 END) AS ${d.ident('bad')}, ${firstBad(x)} FROM la_${side}_val`,
      ),
    ...amounts.map(
      (x, k) =>
        `SELECT ${dates.length + k} AS ${d.ident('k')}, '${side}' AS ${d.ident('side')}, ${d.string(x.label)} AS ${d.ident('column')}, 'number' AS ${d.ident('kind')}, ${count(x.p, NUMBER_EVIDENCE.point)} AS ${d.ident('a')}, ${count(x.p, NUMBER_EVIDENCE.comma)} AS ${d.ident('b')}, ${count(x.p, NUMBER_EVIDENCE.ambiguousDot)} + ${count(x.p, NUMBER_EVIDENCE.ambiguousComma)} AS ${d.ident('c')}, SUM(CASE WHEN ${d.ident(`${x.p}_bad`)} THEN 1 ELSE 0 END) AS ${d.ident('bad')}, ${firstBad(x)} FROM la_${side}_val`,
    ),
  ];
  return { setup, formats, has: (column) => keepVal.includes(column) };
}

/** Every column the expressions of these layers read that the layers do not make themselves. */
function columnsRead(layers: readonly Layer[]): Set<string> {
  const made = new Set(layers.flatMap((layer) => layer.map(([name]) => name)));
  const read = new Set<string>();
  const walk = (e: Expr): void => {
    switch (e.k) {
      case 'col':
        if (!made.has(e.name)) read.add(e.name);
        return;
      case 'call':
        return e.args.forEach(walk);
      case 'bin':
        walk(e.l);
        return walk(e.r);
      case 'not':
      case 'isnull':
      case 'cast':
        return walk(e.e);
      case 'in':
        walk(e.e);
        return e.list.forEach(walk);
      case 'case':
        e.whens.forEach(([w, t]) => (walk(w), walk(t)));
        return walk(e.otherwise);
      case 'matches':
      case 'extract':
      case 'replaceAll':
        return walk(e.e);
      case 'agg':
        if (e.e) walk(e.e);
        return;
      default:
        return;
    }
  };
  for (const layer of layers) for (const [, e] of layer) walk(e);
  return read;
}

/** The fields conditions on one side compare as dates (each gets a date column of its own). */
function conditionDates(rubric: Rubric, on: 'lead' | 'deal', order: DateOrder): string[] {
  return [...new Set(rubric.conditions.filter((s) => s.on === on).flatMap((s) => dateFields(s.when, order)))];
}

export function leadValues(run: SqlRun, source: SqlSource, d: Dialect): LeadValues {
  const { rubric } = run;
  const plan = source.plan;
  const miss = missingRule(rubric.missingValues);
  const ix = (f: LeadField) => plan.fields[f];
  const cell = (i: number | undefined): Expr => (i === undefined ? text('') : miss(trim(col(cellName(i)))));
  const rawCell = (i: number): Expr => miss(col(cellName(i)));
  // The name: its own column, else first and last name (lead-sink.ts).
  const parts = ix('firstName') !== undefined || ix('lastName') !== undefined;
  const name = parts ? iff(eq(cell(ix('name')), text('')), trim(call('concat', cell(ix('firstName')), text(' '), cell(ix('lastName')))), cell(ix('name'))) : cell(ix('name'));
  const configured = run.dateOrder ?? rubric.leads.dateOrder;
  const mapped = [
    ...(['created', 'lastActivity', 'firstTouch'] as const).filter((f) => ix(f) !== undefined).map((f) => ({ name: f, i: ix(f)! })),
    ...plan.stageColumns.flatMap((i, s) => (i >= 0 ? [{ name: `stage${s}`, i }] : [])),
  ];
  const texts: [string, Expr][] = [
    // A date column's cell, once (a parse reads it at several steps).
    ...[...new Set(mapped.map((m) => m.i))].map((i): [string, Expr] => [`r${i}`, rawCell(i)]),
    ['la_email', cell(ix('email'))],
    ['la_name', name],
    ...(['company', 'source', 'sourceDetail', 'status', 'owner'] as const).map((f): [string, Expr] => [`la_${f}`, cell(ix(f))]),
    ...plan.slots.map((i, s): [string, Expr] => [`v${s}`, rawCell(i)]),
  ];
  const conditionOrder = rubric.leads.dateOrder ?? 'mdy';
  const text_ = (name: string): Expr | undefined => leadText(plan, name);
  const dateConditions = conditionDates(rubric, 'lead', conditionOrder).filter((f) => !(Object.hasOwn(LEAD_FIELD_KINDS, f) && LEAD_FIELD_KINDS[f as LeadField] === 'date'));
  const numbers = [...comparedNumbers('lead', rubric)];
  for (const f of numbers) if (f === 'channel' || (Object.hasOwn(LEAD_FIELD_KINDS, f) && LEAD_FIELD_KINDS[f as LeadField] === 'date')) throw new UsageError(`a number test on ${f} is not supported by the SQL engines yet; run with --engine js`);
  const dates = [
    ...mapped.map((m) => ({ name: m.name, p: `d_${m.name}`, input: col(`r${m.i}`), configured, evidence: true, label: plan.header.names[m.i]! })),
    ...dateConditions.map((f, k) => ({ name: f, p: `cd${k}`, input: text_(f) ?? text(''), configured: conditionOrder, evidence: false, label: f })),
  ];
  const amounts = numbers.map((f, k) => ({ p: `nf${k}`, input: text_(f) ?? text(''), label: numberLabel(plan, f) }));
  const read = readSide(d, 'lead', source, rubric, texts, dates, amounts);
  const field = (name: string): FieldSql | undefined => {
    const base = text_(name);
    if (base === undefined) return undefined;
    const n = numbers.indexOf(name);
    const canonicalDate = Object.hasOwn(LEAD_FIELD_KINDS, name) && LEAD_FIELD_KINDS[name as LeadField] === 'date';
    const c = dateConditions.indexOf(name);
    const day = canonicalDate ? (ix(name as LeadField) === undefined ? NO_DAY : col(`d_${name}_day`)) : c >= 0 ? col(`cd${c}_day`) : undefined;
    return { text: base, ...(n >= 0 ? { number: col(`nf${n}_num`) } : {}), ...(day ? { day } : {}) };
  };
  return {
    ...read,
    field,
    stageDay: rubric.stages.map((_, s) => (plan.stageColumns[s]! >= 0 ? col(`d_stage${s}_day`) : NO_DAY)),
    hasFirstTouch: ix('firstTouch') !== undefined,
  };
}

/** The label of a number column for messages: its header, or the field's name. */
function numberLabel(plan: ColumnPlan, field: string): string {
  const at = plan.fields[field] ?? plan.slots[plan.slotOf.get(field) ?? -1];
  return at === undefined ? field : plan.header.names[at]!;
}

/** A lead field's text as conditions read it (classify.ts leadGetter), over la_lead_val's columns. */
function leadText(plan: ColumnPlan, name: string): Expr | undefined {
  if (name === 'channel') return col('la_channel');
  if (Object.hasOwn(LEAD_FIELD_KINDS, name)) {
    const field = name as LeadField;
    switch (LEAD_FIELD_KINDS[field]) {
      case 'date':
        // Read as a date by the tests that compare dates; as text only by present/empty.
        return plan.fields[field] === undefined ? text('') : iff(notNull(col(`d_${field}_day`)), text('x'), text(''));
      case 'part': {
        const slot = plan.slotOf.get(field);
        return slot === undefined ? text('') : col(`v${slot}`);
      }
      case 'id':
        return col('la_id');
      default:
        return col(`la_${field}`);
    }
  }
  const slot = plan.slotOf.get(name);
  return slot === undefined ? undefined : col(`v${slot}`);
}

export function dealValues(run: SqlRun, source: SqlSource, d: Dialect): DealValues {
  const { rubric } = run;
  const plan = source.plan;
  const miss = missingRule(rubric.missingValues);
  const ix = (f: DealField) => plan.fields[f];
  const cell = (i: number | undefined): Expr => (i === undefined ? text('') : miss(trim(col(cellName(i)))));
  const rawCell = (i: number): Expr => miss(col(cellName(i)));
  const joinField = rubric.join.deal;
  const joinIx = joinField === 'lead' || joinField === 'leadEmail' || joinField === 'id' ? ix(joinField) : plan.slots[plan.slotOf.get(joinField) ?? -1];
  const configured = run.dateOrder ?? rubric.deals.dateOrder;
  const mapped = [
    ...(['created', 'closed', 'lastActivity'] as const).filter((f) => ix(f) !== undefined).map((f) => ({ name: f, i: ix(f)! })),
    ...plan.stageColumns.flatMap((i, s) => (i >= 0 ? [{ name: `stage${s}`, i }] : [])),
  ];
  const texts: [string, Expr][] = [
    ...[...new Set(mapped.map((m) => m.i))].map((i): [string, Expr] => [`r${i}`, rawCell(i)]),
    ['la_keys', cell(joinIx)],
    ['la_amount', cell(ix('amount'))],
    ...(['stage', 'status', 'currency', 'owner'] as const).map((f): [string, Expr] => [`la_${f}`, cell(ix(f))]),
    ...plan.slots.map((i, s): [string, Expr] => [`v${s}`, rawCell(i)]),
  ];
  const conditionOrder = rubric.deals.dateOrder ?? 'mdy';
  const dateConditions = conditionDates(rubric, 'deal', conditionOrder).filter((f) => !(Object.hasOwn(DEAL_FIELD_KINDS, f) && DEAL_FIELD_KINDS[f as DealField] === 'date'));
  const numbers = [...comparedNumbers('deal', rubric)].filter((f) => f !== 'amount');
  const dates = [
    ...mapped.map((m) => ({ name: m.name, p: `d_${m.name}`, input: col(`r${m.i}`), configured, evidence: true, label: plan.header.names[m.i]! })),
    ...dateConditions.map((f, k) => ({ name: f, p: `cd${k}`, input: dealText(plan, f) ?? text(''), configured: conditionOrder, evidence: false, label: f })),
  ];
  const amounts = [
    ...(ix('amount') === undefined ? [] : [{ p: 'amt', input: col('la_amount'), label: plan.header.names[ix('amount')!]! }]),
    ...numbers.map((f, k) => ({ p: `nf${k}`, input: dealText(plan, f) ?? text(''), label: numberLabel(plan, f) })),
  ];
  const read = readSide(d, 'deal', source, rubric, texts, dates, amounts);
  const field = (name: string): FieldSql | undefined => {
    const base = dealText(plan, name);
    if (base === undefined) return undefined;
    const n = numbers.indexOf(name);
    const canonicalDate = Object.hasOwn(DEAL_FIELD_KINDS, name) && DEAL_FIELD_KINDS[name as DealField] === 'date';
    const c = dateConditions.indexOf(name);
    const day = canonicalDate ? (ix(name as DealField) === undefined ? NO_DAY : col(`d_${name}_day`)) : c >= 0 ? col(`cd${c}_day`) : undefined;
    const number = name === 'amount' ? (ix('amount') === undefined ? NO_NUMBER : col('amt_num')) : n >= 0 ? col(`nf${n}_num`) : undefined;
    return { text: base, ...(number ? { number } : {}), ...(day ? { day } : {}) };
  };
  return { ...read, field, stageDay: rubric.deals.stages.map((_, s) => (plan.stageColumns[s]! >= 0 ? col(`d_stage${s}_day`) : NO_DAY)) };
}

/** A deal field's text as conditions read it (deal-sink.ts dealGetter). */
function dealText(plan: ColumnPlan, name: string): Expr | undefined {
  if (Object.hasOwn(DEAL_FIELD_KINDS, name)) {
    const field = name as DealField;
    switch (DEAL_FIELD_KINDS[field]) {
      case 'date':
        return plan.fields[field] === undefined ? text('') : iff(notNull(col(`d_${field}_day`)), text('x'), text(''));
      case 'amount':
        return plan.fields.amount === undefined ? text('') : iff(notNull(col('amt_num')), text('x'), text(''));
      case 'keys':
        return col('la_keys');
      case 'id':
        return col('la_id');
      default:
        return plan.fields[field] === undefined ? text('') : col(`la_${field}`);
    }
  }
  const slot = plan.slotOf.get(name);
  return slot === undefined ? undefined : col(`v${slot}`);
}

// ---------------------------------------------------------------- deals: outcome and pipeline
