/** Each used row of a deals file → one compact deal in a DealTable, with its values and outcome parsed once. */
import type { CsvSink } from '../io/csv/index.js';
import { DealTable, type DealColumns } from './table.js';
import { CodedText, IdIndex, Numbers, PackedText, type Days } from './columns.js';
import { compileCondition, type Getter, type Predicate } from '../rubric/conditions.js';
import { type Rubric } from '../rubric/resolve.js';
import { DEAL_FIELD_KINDS, dealFieldsOf, type DealField, type DealFieldOf } from '../rubric/fields.js';
import { isoDate, missingValueRule, type DecimalMark } from './normalize.js';
import { Accounting, sinkFor } from './accounting.js';
import { conditionMarks, DateColumn, NumberColumn, settleDates } from './value-columns.js';
import { joinKeys, type ColumnPlan, type MapOptions } from './map.js';

export interface DealsRead {
  readonly deals: DealTable;
  readonly accounting: Accounting;
  readonly dateOrders: Record<string, string>;
  /** Number format decided per number column (the amount, and columns conditions compare as numbers), for `check`. */
  readonly numberFormats: Record<string, string>;
  readonly currencies: ReadonlySet<string>;
}

/** What deal conditions look at: one row of the deal columns. */
interface DealSubject {
  c: DealColumns;
  i: number;
}

/** Getter for a deal condition field: a canonical deal field or a header. */
export function dealGetter(plan: ColumnPlan, name: string): Getter<DealSubject> | undefined {
  if (Object.hasOwn(DEAL_FIELD_KINDS, name)) {
    const field = name as DealField;
    // Read as its kind is stored (src/rubric/fields.ts): conditions see text.
    switch (DEAL_FIELD_KINDS[field]) {
      case 'date': {
        const days = field as DealFieldOf<'date'>;
        return (d) => (Number.isNaN(d.c[days][d.i]!) ? '' : isoDate(d.c[days][d.i]!));
      }
      case 'amount':
        return (d) => (Number.isNaN(d.c.amount[d.i]!) ? '' : String(d.c.amount[d.i]));
      case 'keys':
        return (d) => d.c.keys.get(d.i);
      default: {
        const text = field as DealFieldOf<'id' | 'coded'>;
        return (d) => d.c[text].get(d.i);
      }
    }
  }
  const slot = plan.slotOf.get(name);
  return slot === undefined ? undefined : (d) => d.c.values[slot]!.get(d.i);
}

export function outcomeRule(
  rule: Rubric['deals']['won'],
  plan: ColumnPlan,
  rubric: Rubric,
  options: MapOptions,
  path: string,
  marks: Readonly<Record<string, DecimalMark>>,
): Predicate<DealSubject> | undefined {
  if (rule === undefined) return undefined;
  if (Array.isArray(rule)) {
    const values = new Set(rule.map((v) => String(v).trim().toLowerCase()));
    return (d) => values.has(d.c.stage.get(d.i).toLowerCase());
  }
  const decimal = (n: string) => marks[n];
  return compileCondition(rule, { field: (n) => dealGetter(plan, n), asOf: options.asOf, dateOrder: rubric.deals.dateOrder ?? 'mdy', decimal, path });
}

/** The repeated-text (coded) columns of a deal. */
const DEAL_TEXT = dealFieldsOf('coded');

export function dealSink(plan: ColumnPlan, rubric: Rubric, options: MapOptions): CsvSink & { finish(): DealsRead } {
  const accounting = new Accounting(plan.file, options.keepRejects ?? false);
  const col = (field: DealField): number => plan.fields[field] ?? -1;
  const order = options.dateOrder ?? rubric.deals.dateOrder;
  // The date fields in declaration order (src/rubric/fields.ts), then the pipeline's entered-date columns.
  const dateFields = dealFieldsOf('date');
  const dateIx = [...dateFields.map(col), ...plan.stageColumns];
  const dates = dateIx.map((i) => (i >= 0 ? new DateColumn(plan.header.names[i]!, order) : undefined));
  const joinField = rubric.join.deal;
  const joinIx = joinField === 'lead' || joinField === 'leadEmail' || joinField === 'id' ? col(joinField) : (plan.slots[plan.slotOf.get(joinField) ?? -1] ?? -1);
  const stageIndex = new Map<string, number>();
  rubric.deals.stages.forEach((s, i) => s.values.forEach((v) => stageIndex.set(v.trim().toLowerCase(), i)));
  const ix = { id: col('id'), amount: col('amount') };
  const amount = new NumberColumn(ix.amount >= 0 ? plan.header.names[ix.amount]! : 'amount');
  const currencies = new Set<string>();
  const line = new Numbers();
  const ids = new IdIndex();
  const keys = new PackedText();
  const shared = Object.fromEntries(DEAL_TEXT.map((field) => [field, new CodedText()])) as Record<(typeof DEAL_TEXT)[number], CodedText>;
  const sharedIx = DEAL_TEXT.map(col);
  const texts: string[] = DEAL_TEXT.map(() => '');
  const STAGE_AT = DEAL_TEXT.indexOf('stage');
  const CURRENCY_AT = DEAL_TEXT.indexOf('currency');
  const stages: number[] = [];
  const values = plan.slots.map(() => new CodedText());

  const value = missingValueRule(rubric.missingValues);

  const sink = sinkFor(accounting, plan.header, (row, at) => {
    // Every cell read below passes `value`: the one place a missing token becomes ''.
    const cell = (i: number): string => (i < 0 ? '' : value(row[i]!.trim()));
    const key = cell(ix.id);
    if (key !== '' && ids.get(key) !== undefined) {
      accounting.duplicates++;
      accounting.reject(row, at, 'duplicate_id');
      return;
    }
    // The coded cells, each read once: the stage and currency are also used below.
    for (let t = 0; t < DEAL_TEXT.length; t++) texts[t] = cell(sharedIx[t]!);
    const currency = texts[CURRENCY_AT]!;
    if (currency !== '') currencies.add(currency.toUpperCase());
    const stage = texts[STAGE_AT]!;
    line.push(at);
    if (key === '') ids.push(`#${at}`, false);
    else ids.push(key);
    keys.push(joinKeys(cell(joinIx)).join(';'));
    for (let t = 0; t < DEAL_TEXT.length; t++) shared[DEAL_TEXT[t]!].push(texts[t]!);
    amount.push(cell(ix.amount), at);
    stages.push(stageIndex.get(stage.toLowerCase()) ?? -1);
    for (let d = 0; d < dates.length; d++) dates[d]?.push(value(row[dateIx[d]!]!), at);
    for (let v = 0; v < values.length; v++) values[v]!.push(value(row[plan.slots[v]!]!));
    accounting.used++;
  });

  const end = (): DealsRead => {
    const length = ids.length;
    const { days, orders } = settleDates(plan.file, accounting, length, dates);
    const numberFormats: Record<string, string> = {};
    if (ix.amount >= 0) numberFormats[amount.name] = amount.settle(plan.file, accounting);
    if (currencies.size > 1) {
      accounting.warnings.push(`${plan.file}: deals are in ${currencies.size} currencies (${[...currencies].sort().join(', ')}); amounts are added as they are, without conversion`);
    }
    const coded = (field: string): CodedText | undefined => {
      if ((DEAL_TEXT as readonly string[]).includes(field)) return shared[field as (typeof DEAL_TEXT)[number]];
      const slot = plan.slotOf.get(field);
      return slot === undefined ? undefined : values[slot];
    };
    const numbers = conditionMarks('deal', plan, rubric, accounting, (field) => coded(field)?.usedValues());
    Object.assign(numberFormats, numbers.labels);
    // The amount getter gives the number as JavaScript writes it (`1234.5`): a decimal point.
    const decimals: Record<string, DecimalMark> = { ...numbers.marks, amount: '.' };
    const columns = {
      length,
      line: line.done(),
      id: ids.ids,
      keys,
      ...shared,
      amount: amount.values.done(),
      ...(Object.fromEntries(dateFields.map((field, d) => [field, days[d]!])) as Record<(typeof dateFields)[number], Days>),
      outcome: new Uint8Array(length),
      stageIndex: Int32Array.from(stages),
      stageEntered: days.slice(dateFields.length),
      values,
      decimals,
    };
    const deals = new DealTable(columns);
    // Won and lost by stage values or conditions, once every column is settled.
    const won = outcomeRule(rubric.deals.won, plan, rubric, options, 'deals.won', decimals);
    const lost = outcomeRule(rubric.deals.lost, plan, rubric, options, 'deals.lost', decimals);
    const subject: DealSubject = { c: columns, i: 0 };
    for (let i = 0; i < length; i++) {
      subject.i = i;
      columns.outcome[i] = won?.(subject) ? 1 : lost?.(subject) ? 2 : 0;
    }
    return { deals, accounting, dateOrders: orders, numberFormats, currencies };
  };

  return { ...sink, finish: end };
}
