/**
 * Classification (docs/rubric.md#stages: reaching a stage, outcome, stall): each lead's channel,
 * score and grade, the stages it reached and when, its outcome, and whether it is stalled as of the
 * as-of date. The results are columns (one typed array per field); `ClassifiedLeads.at(i)` gives a
 * view of one lead.
 */
import type { ClassifiedLead, Deal, Lead, Outcome } from '../model.js';
import { compileCondition, type Getter, type Predicate } from '../rubric/conditions.js';
import type { Rubric } from '../rubric/resolve.js';
import { LEAD_FIELD_KINDS, type LeadField, type LeadFieldOf } from '../rubric/fields.js';
import type { LeadDeals } from './join.js';
import { joinKeys, type ColumnPlan } from './map.js';
import { isoDate } from './normalize.js';
import { OUTCOMES, Rows, type DealTable, type LeadColumns, type LeadTable } from './table.js';
import { CodedText, type Days } from './columns.js';

/** What lead conditions look at: one row of the lead columns, and its channel once known. */
export interface LeadSubject {
  c: LeadColumns;
  i: number;
  channel: string;
}

export const NO_SOURCE = '(none)';

/** Getter for a lead condition field: `channel`, a canonical lead field, or a header. */
export function leadGetter(plan: ColumnPlan, name: string): Getter<LeadSubject> | undefined {
  if (name === 'channel') return (v) => v.channel;
  if (Object.hasOwn(LEAD_FIELD_KINDS, name)) {
    const field = name as LeadField;
    // Read as its kind is stored (src/rubric/fields.ts): conditions see text.
    switch (LEAD_FIELD_KINDS[field]) {
      case 'date': {
        const days = field as LeadFieldOf<'date'>;
        return (v) => (Number.isNaN(v.c[days][v.i]!) ? '' : isoDate(v.c[days][v.i]!));
      }
      case 'part': {
        // A part of the name is read through the slot of its own column.
        const slot = plan.slotOf.get(field);
        return slot === undefined ? () => '' : codedGetter((v) => v.c.values[slot]!);
      }
      case 'id':
        // A stand-in id (`#<line>`, for a row without one) is no value.
        return (v) => {
          const id = v.c.id.get(v.i);
          return id.startsWith('#') ? '' : id;
        };
      case 'packed': {
        const text = field as LeadFieldOf<'packed'>;
        return (v) => v.c[text].get(v.i);
      }
      case 'coded': {
        const coded = field as LeadFieldOf<'coded'>;
        return codedGetter((v) => v.c[coded]);
      }
    }
  }
  const slot = plan.slotOf.get(name);
  return slot === undefined ? undefined : codedGetter((v) => v.c.values[slot]!);
}

/**
 * The getter of a lead column of repeated text, with its codes for conditions to remember tests
 * by. The column is found from the subject (its table), so its values are too.
 */
function codedGetter(column: (v: LeadSubject) => CodedText): Getter<LeadSubject> {
  const get = (v: LeadSubject) => column(v).get(v.i);
  return Object.assign(get, { coded: { code: (v: LeadSubject) => column(v).code(v.i), values: (v: LeadSubject) => column(v).values } });
}

/** The keys a lead offers to the join (docs/rubric.md#join), read as the deal side reads its own. */
export function leadJoinKeys(plan: ColumnPlan, field: string): (c: LeadColumns, i: number) => readonly string[] {
  if (field === 'email') return (c, i) => joinKeys(c.email.get(i));
  if (field === 'id') {
    return (c, i) => {
      const id = c.id.get(i);
      return id.startsWith('#') ? [] : joinKeys(id);
    };
  }
  const get = leadGetter(plan, field);
  return get === undefined ? () => [] : (c, i) => joinKeys(get({ c, i, channel: '' }).trim());
}

// How a stage was reached, and where its entry date came from, as small codes.
const REACHED_BY = ['', 'created', 'date', 'status', 'deal', 'when', 'implied'] as const;
const ENTERED_FROM = ['', 'created', 'date column', 'first deal created', 'first deal won', 'next stage', 'unknown'] as const;
const LOST_BECAUSE = ['', 'deals lost', 'disqualified'] as const;
const by = (name: (typeof REACHED_BY)[number]) => REACHED_BY.indexOf(name);
const from = (name: (typeof ENTERED_FROM)[number]) => ENTERED_FROM.indexOf(name);
const BORROWED = from('next stage');
const UNKNOWN = from('unknown');

/** Every classified lead, one column per result. */
interface Results {
  readonly length: number;
  /** Row of each classified lead in the lead table. */
  readonly row: Uint32Array;
  readonly channel: CodedText;
  readonly score: Float64Array;
  readonly grade: Uint8Array;
  /** Per signal, 1 where the lead matched it. */
  readonly signal: Uint8Array[];
  readonly furthest: Uint8Array;
  /** Per stage, laid out lead by lead: [lead × stages + stage]. */
  readonly reachedBy: Uint8Array;
  readonly entered: Days;
  readonly enteredFrom: Uint8Array;
  readonly outcome: Uint8Array;
  readonly lostBecause: Uint8Array;
  readonly stalled: Uint8Array;
  readonly daysInStage: Days;
  readonly idleSince: Days;
  /** The stage whose entry idle time counts from (-1: the last activity). */
  readonly idleStage: Int16Array;
  readonly wonAmount: Float64Array;
  /** Won deals credited, a deal split N ways counting 1/N (so not always whole). */
  readonly wonDeals: Float64Array;
  readonly pricedWonDeals: Float64Array;
  readonly wonDate: Days;
}

/** The classified leads of a run: a list of views over the result columns. */
export class ClassifiedLeads extends Rows<ClassifiedLead> {
  /** The index of the rubric's qualified grade: grades at or before it are qualified. */
  readonly qualifiedGrade: number;

  constructor(
    readonly results: Results,
    readonly leads: LeadTable,
    readonly deals: DealTable | null,
    readonly joined: LeadDeals,
    readonly rubric: Rubric,
  ) {
    super(results.length, (k) => new ClassifiedRow(this, k));
    this.qualifiedGrade = rubric.grades.findIndex((g) => g.name === rubric.qualifiedGrade);
  }

  /** Per stage: the leads that reached a later stage with no evidence of this one (reached by `implied`). */
  impliedStages(): number[] {
    const S = this.rubric.stages.length;
    const reachedBy = this.results.reachedBy;
    const implied = by('implied');
    const counts = this.rubric.stages.map(() => 0);
    for (let base = 0; base < reachedBy.length; base += S) {
      for (let s = 0; s < S; s++) if (reachedBy[base + s] === implied) counts[s]!++;
    }
    return counts;
  }
}

class ClassifiedRow implements ClassifiedLead {
  private from: readonly string[] | undefined;
  constructor(
    private readonly all: ClassifiedLeads,
    private readonly k: number,
  ) {}
  private get r(): Results {
    return this.all.results;
  }
  private get stages(): number {
    return this.all.rubric.stages.length;
  }
  get lead(): Lead {
    return this.all.leads.at(this.r.row[this.k]!);
  }
  get deals(): readonly Deal[] {
    const { deals, joined } = this.all;
    if (deals === null) return [];
    const row = this.r.row[this.k]!;
    // Most leads have no deal: no list is made for them.
    if (joined.start[row] === joined.start[row + 1]) return [];
    const out: Deal[] = [];
    for (let j = joined.start[row]!; j < joined.start[row + 1]!; j++) out.push(deals.at(joined.list[j]!));
    return out;
  }
  get channel(): string {
    return this.r.channel.get(this.k);
  }
  get score(): number {
    return this.r.score[this.k]!;
  }
  get grade(): string {
    return this.all.rubric.grades[this.r.grade[this.k]!]!.name;
  }
  get qualified(): boolean {
    return this.r.grade[this.k]! <= this.all.qualifiedGrade;
  }
  get signals(): readonly number[] {
    return this.r.signal.flatMap((matched, s) => (matched[this.k] ? [s] : []));
  }
  /** Whether the lead matched signal `s` (what `signals` lists, without making the list). */
  hasSignal(s: number): boolean {
    return this.r.signal[s]![this.k] === 1;
  }
  get furthest(): number {
    return this.r.furthest[this.k]!;
  }
  get reached(): readonly boolean[] {
    return Array.from({ length: this.stages }, (_, s) => s <= this.furthest);
  }
  get reachedBy(): readonly string[] {
    return Array.from({ length: this.stages }, (_, s) => REACHED_BY[this.r.reachedBy[this.k * this.stages + s]!]!);
  }
  get entered(): ArrayLike<number> {
    return this.r.entered.subarray(this.k * this.stages, (this.k + 1) * this.stages);
  }
  get enteredFrom(): readonly string[] {
    this.from ??= Array.from({ length: this.stages }, (_, s) => ENTERED_FROM[this.r.enteredFrom[this.k * this.stages + s]!]!);
    return this.from;
  }
  measuredEntry(stage: number): number {
    const x = this.k * this.stages + stage;
    const source = this.r.enteredFrom[x];
    return source === BORROWED || source === UNKNOWN ? NaN : this.r.entered[x]!;
  }
  get outcome(): Outcome {
    return OUTCOMES[this.r.outcome[this.k]!]!;
  }
  get lostBecause(): string {
    return LOST_BECAUSE[this.r.lostBecause[this.k]!]!;
  }
  get stalled(): boolean {
    return this.r.stalled[this.k] === 1;
  }
  get daysInStage(): number {
    return this.r.daysInStage[this.k]!;
  }
  get idleSince(): number {
    return this.r.idleSince[this.k]!;
  }
  get idleFrom(): string {
    const stage = this.r.idleStage[this.k]!;
    if (Number.isNaN(this.idleSince)) return '';
    if (stage < 0) return 'last activity';
    const keys = this.all.rubric.stages;
    return stage === this.furthest ? `entry of ${keys[stage]!.key}` : `entry of ${keys[stage]!.key} (${keys[this.furthest]!.key} has no date)`;
  }
  get wonAmount(): number {
    return this.r.wonAmount[this.k]!;
  }
  dealShare(deal: Deal): number {
    const ways = this.all.joined.ways;
    return ways === null ? 1 : 1 / ways[deal.index]!;
  }
  get wonDeals(): number {
    return this.r.wonDeals[this.k]!;
  }
  get pricedWonDeals(): number {
    return this.r.pricedWonDeals[this.k]!;
  }
  get wonDate(): number {
    return this.r.wonDate[this.k]!;
  }
}

/**
 * Classifies the leads at `rows` of the lead table (all of them, or those --since/--until keeps),
 * with their joined deals.
 */
export function classifyLeads(
  rubric: Rubric,
  plan: ColumnPlan,
  asOf: number,
  leads: LeadTable,
  deals: DealTable | null,
  joined: LeadDeals,
  rows: Uint32Array,
): ClassifiedLeads {
  const lc = leads.c;
  const dc = deals?.c;
  const decimal = (n: string) => leads.c.decimals[n];
  const ctx = (path: string) => ({ field: (n: string) => leadGetter(plan, n), asOf, dateOrder: rubric.leads.dateOrder ?? 'mdy', decimal, path });
  const channels = rubric.channels.map((c, i) => ({ name: c.name, test: compileCondition(c.when, ctx(`channels[${i}].when`)) }));
  const signals = rubric.signals.map((s, i) => ({ points: s.points, test: compileCondition(s.when, ctx(`score.signals[${i}].when`)) }));
  const disqualified: Predicate<LeadSubject> | undefined = rubric.disqualified ? compileCondition(rubric.disqualified, ctx('disqualified')) : undefined;
  const stages = rubric.stages.map((s, i) => ({
    ...s,
    status: new Set(s.status.map((v) => v.trim().toLowerCase())),
    test: s.when ? compileCondition(s.when, ctx(`stages[${i}].reachedWhen.when`)) : undefined,
  }));
  const S = stages.length;
  const last = S - 1;
  const n = rows.length;
  const r: Results = {
    length: n,
    row: rows,
    channel: new CodedText(),
    score: new Float64Array(n),
    grade: new Uint8Array(n),
    signal: signals.map(() => new Uint8Array(n)),
    furthest: new Uint8Array(n),
    reachedBy: new Uint8Array(n * S),
    entered: new Float32Array(n * S).fill(NaN),
    enteredFrom: new Uint8Array(n * S),
    outcome: new Uint8Array(n),
    lostBecause: new Uint8Array(n),
    stalled: new Uint8Array(n),
    daysInStage: new Float32Array(n),
    idleSince: new Float32Array(n),
    idleStage: new Int16Array(n),
    wonAmount: new Float64Array(n),
    wonDeals: new Float64Array(n),
    pricedWonDeals: new Float64Array(n),
    wonDate: new Float32Array(n),
  };
  // One subject, reused: conditions read the row it points at.
  const subject: LeadSubject = { c: lc, i: 0, channel: '' };
  // Per code of the status column, the status lower-cased.
  const lowerStatus: string[] = [];
  const grades = rubric.grades.map((g) => g.min);
  const split = joined.ways;

  for (let k = 0; k < n; k++) {
    const i = rows[k]!;
    subject.i = i;
    subject.channel = '';
    let channel = '';
    for (const c of channels) {
      if (c.test(subject)) {
        channel = c.name;
        break;
      }
    }
    if (channel === '') {
      const source = lc.source.get(i);
      channel = source === '' ? NO_SOURCE : source;
    }
    subject.channel = channel;
    r.channel.push(channel);

    let score = 0;
    for (let s = 0; s < signals.length; s++) {
      if (signals[s]!.test(subject)) {
        r.signal[s]![k] = 1;
        score += signals[s]!.points;
      }
    }
    r.score[k] = score;
    let grade = 0;
    while (grade < grades.length && !(score >= grades[grade]!)) grade++;
    r.grade[k] = grade === grades.length ? -1 : grade;

    // The lead's deals, and the earliest created / won dates among them.
    let dealCount = 0;
    let won = 0;
    let priced = 0;
    let wonAmount = 0;
    let allLost = true;
    let firstCreated = NaN;
    let firstWon = NaN;
    if (dc) {
      for (let j = joined.start[i]!; j < joined.start[i + 1]!; j++) {
        const d = joined.list[j]!;
        dealCount++;
        const outcome = dc.outcome[d]!;
        if (outcome !== 2) allLost = false;
        const created = dc.created[d]!;
        if (!Number.isNaN(created) && !(created >= firstCreated)) firstCreated = created;
        if (outcome !== 1) continue;
        // A deal split N ways (join.shared: all) is 1/N of a won deal here, and 1/N of its amount:
        // summed over leads, each deal counts once.
        const ways = split === null ? 1 : split[d]!;
        won += 1 / ways;
        const closed = dc.closed[d]!;
        if (!Number.isNaN(closed) && !(closed >= firstWon)) firstWon = closed;
        const amount = dc.amount[d]!;
        if (!Number.isNaN(amount)) {
          wonAmount += amount / ways;
          priced += 1 / ways;
        }
      }
    }
    const statusCode = lc.status.code(i);
    const status = (lowerStatus[statusCode] ??= lc.status.values[statusCode]!.toLowerCase());

    // Which stages the lead shows direct evidence of, and the entry date that evidence gives.
    const base = k * S;
    let furthest = 0;
    for (let s = 0; s < S; s++) {
      const stage = stages[s]!;
      const own = s === 0 ? NaN : lc.stageDates[s]![i]!;
      let reached = '' as (typeof REACHED_BY)[number];
      if (s === 0) reached = 'created';
      else if (!Number.isNaN(own)) reached = 'date';
      else if (stage.status.size > 0 && stage.status.has(status)) reached = 'status';
      else if (stage.deal === 'any' && dealCount > 0) reached = 'deal';
      else if (stage.deal === 'won' && won > 0) reached = 'deal';
      else if (stage.test?.(subject)) reached = 'when';
      if (reached === '') continue;
      r.reachedBy[base + s] = by(reached);
      furthest = s;
      if (s === 0) {
        r.entered[base] = lc.created[i]!;
        r.enteredFrom[base] = from('created');
      } else if (!Number.isNaN(own)) {
        r.entered[base + s] = own;
        r.enteredFrom[base + s] = from('date column');
      } else if (stage.deal === 'any' && dealCount > 0) {
        r.entered[base + s] = firstCreated;
        r.enteredFrom[base + s] = from('first deal created');
      } else if (stage.deal === 'won' && won > 0) {
        r.entered[base + s] = firstWon;
        r.enteredFrom[base + s] = from('first deal won');
      }
    }
    // Earlier stages without a date of their own take the next known later date.
    for (let s = furthest - 1; s >= 0; s--) {
      if (r.reachedBy[base + s] === 0) r.reachedBy[base + s] = by('implied');
      if (Number.isNaN(r.entered[base + s]!) && !Number.isNaN(r.entered[base + s + 1]!)) {
        r.entered[base + s] = r.entered[base + s + 1]!;
        r.enteredFrom[base + s] = from('next stage');
      }
      if (r.enteredFrom[base + s] === 0) r.enteredFrom[base + s] = from('unknown');
    }
    if (r.enteredFrom[base + furthest] === 0 || Number.isNaN(r.entered[base + furthest]!)) r.enteredFrom[base + furthest] = from('unknown');
    r.furthest[k] = furthest;

    // Outcome (docs/rubric.md#outcome): won at the last stage, lost when every deal is lost or disqualified.
    const isWon = furthest === last && last > 0;
    let outcome = 0;
    if (isWon) outcome = 1;
    else if (dealCount > 0 && allLost) {
      outcome = 2;
      r.lostBecause[k] = 1;
    } else if (disqualified?.(subject)) {
      outcome = 2;
      r.lostBecause[k] = 2;
    }
    r.outcome[k] = outcome;

    // Stall (docs/rubric.md#stall): open and idle past the furthest stage's threshold.
    const entered = r.entered[base + furthest]!;
    const activity = lc.lastActivity[i]!;
    let since = Number.isNaN(entered) ? activity : Number.isNaN(activity) ? entered : Math.max(entered, activity);
    let idleStage = Number.isNaN(since) ? -1 : since === activity ? -1 : furthest;
    if (Number.isNaN(since)) {
      // No entry date for the stage it is in: the latest date known from earlier stages.
      for (let s = furthest - 1; s >= 0 && Number.isNaN(since); s--) {
        since = r.entered[base + s]!;
        idleStage = s;
      }
    }
    const daysInStage = Number.isNaN(since) ? NaN : asOf - since;
    const threshold = stages[furthest]!.stallAfterDays;
    r.stalled[k] = outcome === 0 && threshold !== undefined && daysInStage > threshold ? 1 : 0;
    r.daysInStage[k] = daysInStage;
    r.idleSince[k] = since;
    r.idleStage[k] = idleStage;
    r.wonAmount[k] = wonAmount;
    r.wonDeals[k] = won;
    r.pricedWonDeals[k] = priced;
    r.wonDate[k] = isWon ? r.entered[base + last]! : NaN;
  }
  return new ClassifiedLeads(r, leads, deals, joined, rubric);
}
