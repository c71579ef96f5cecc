/**
 * Classification (SPEC §5.2–5.4): each lead's channel, score and grade, the stages it reached
 * and when, its outcome, and whether it is stalled as of the as-of date.
 */
import type { ClassifiedLead, Deal, Lead, Outcome } from '../model.js';
import { compileCondition, type Getter, type Predicate } from '../rubric/conditions.js';
import type { Rubric } from '../rubric/resolve.js';
import { LEAD_FIELDS, type LeadField } from '../rubric/fields.js';
import type { ColumnPlan } from './map.js';
import { isoDate } from './normalize.js';
import { joinKeys } from './map.js';

/** What lead conditions look at: the lead, and its channel once known. */
export interface LeadView {
  readonly lead: Lead;
  readonly channel: string;
}

export const NO_SOURCE = '(none)';

/** Getter for a lead condition field: `channel`, a canonical lead field, or a header. */
export function leadGetter(plan: ColumnPlan, name: string): Getter<LeadView> | undefined {
  if (name === 'channel') return (v) => v.channel;
  if ((LEAD_FIELDS as readonly string[]).includes(name)) {
    const field = name as LeadField;
    switch (field) {
      case 'created':
      case 'lastActivity':
      case 'firstTouch':
        return (v) => (Number.isNaN(v.lead[field]) ? '' : isoDate(v.lead[field]));
      case 'firstName':
      case 'lastName': {
        const slot = plan.slotOf.get(field);
        return slot === undefined ? () => '' : (v) => v.lead.values[slot]!;
      }
      case 'id':
        return (v) => (v.lead.id.startsWith('#') ? '' : v.lead.id);
      default:
        return (v) => v.lead[field];
    }
  }
  const slot = plan.slotOf.get(name);
  return slot === undefined ? undefined : (v) => v.lead.values[slot]!;
}

/** The keys a lead offers to the join (SPEC §4.5). */
export function leadJoinKeys(plan: ColumnPlan, field: string): (lead: Lead) => readonly string[] {
  // Both sides of the join read keys the same way (joinKeys): split, trimmed, emails lower-cased.
  if (field === 'email') return (lead) => joinKeys(lead.email);
  if (field === 'id') return (lead) => (lead.id.startsWith('#') ? [] : joinKeys(lead.id));
  const get = leadGetter(plan, field);
  return get === undefined ? () => [] : (lead) => joinKeys(get({ lead, channel: '' }).trim());
}

export interface Classifier {
  classify(lead: Lead, deals: readonly Deal[]): ClassifiedLead;
}

export function makeClassifier(rubric: Rubric, plan: ColumnPlan, asOf: number): Classifier {
  const ctx = (path: string) => ({ field: (n: string) => leadGetter(plan, n), asOf, dateOrder: rubric.leads.dateOrder ?? 'mdy', path });
  const channels = rubric.channels.map((c, i) => ({ name: c.name, test: compileCondition(c.when, ctx(`channels[${i}].when`)) }));
  const signals = rubric.signals.map((s, i) => ({ points: s.points, test: compileCondition(s.when, ctx(`score.signals[${i}].when`)) }));
  const disqualified: Predicate<LeadView> | undefined = rubric.disqualified ? compileCondition(rubric.disqualified, ctx('disqualified')) : undefined;
  const stages = rubric.stages.map((s, i) => ({
    ...s,
    status: new Set(s.status.map((v) => v.trim().toLowerCase())),
    test: s.when ? compileCondition(s.when, ctx(`stages[${i}].reachedWhen.when`)) : undefined,
  }));
  const last = stages.length - 1;
  const qualifiedRank = rubric.grades.findIndex((g) => g.name === rubric.qualifiedGrade);

  return {
    classify(lead, deals) {
      let view: LeadView = { lead, channel: '' };
      let channel = '';
      for (const c of channels) {
        if (c.test(view)) {
          channel = c.name;
          break;
        }
      }
      if (channel === '') channel = lead.source === '' ? NO_SOURCE : lead.source;
      view = { lead, channel };

      const matched: number[] = [];
      let score = 0;
      signals.forEach((s, i) => {
        if (s.test(view)) {
          matched.push(i);
          score += s.points;
        }
      });
      const rank = rubric.grades.findIndex((g) => score >= g.min);
      const grade = rubric.grades[rank]!.name;

      const won: Deal[] = [];
      for (const d of deals) if (d.outcome === 'won') won.push(d);
      const status = lead.status.toLowerCase();

      // Which stages the lead shows direct evidence of, and the entry date that evidence gives.
      const reachedBy: string[] = stages.map(() => '');
      const entered: number[] = stages.map(() => NaN);
      const enteredFrom: string[] = stages.map(() => '');
      let furthest = 0;
      stages.forEach((s, i) => {
        let by = '';
        if (i === 0) by = 'created';
        else if (!Number.isNaN(lead.stageDates[i]!)) by = 'date';
        else if (s.status.size > 0 && s.status.has(status)) by = 'status';
        else if (s.deal === 'any' && deals.length > 0) by = 'deal';
        else if (s.deal === 'won' && won.length > 0) by = 'deal';
        else if (s.test?.(view)) by = 'when';
        if (by === '') return;
        reachedBy[i] = by;
        furthest = i;
        if (i === 0) {
          entered[0] = lead.created;
          enteredFrom[0] = 'created';
        } else if (!Number.isNaN(lead.stageDates[i]!)) {
          entered[i] = lead.stageDates[i]!;
          enteredFrom[i] = 'date column';
        } else if (s.deal === 'any' && deals.length > 0) {
          entered[i] = earliest(deals, (d) => d.created);
          enteredFrom[i] = 'first deal created';
        } else if (s.deal === 'won' && won.length > 0) {
          entered[i] = earliest(won, (d) => d.closed);
          enteredFrom[i] = 'first deal won';
        }
      });
      // Earlier stages without a date of their own take the next known later date.
      for (let i = furthest - 1; i >= 0; i--) {
        if (reachedBy[i] === '') reachedBy[i] = 'implied';
        if (Number.isNaN(entered[i]!) && !Number.isNaN(entered[i + 1]!)) {
          entered[i] = entered[i + 1]!;
          enteredFrom[i] = 'next stage';
        }
        if (enteredFrom[i] === '') enteredFrom[i] = 'unknown';
      }
      if (enteredFrom[furthest] === '' || Number.isNaN(entered[furthest]!)) enteredFrom[furthest] = 'unknown';

      const isWon = furthest === last && last > 0;
      let outcome: Outcome = 'open';
      let lostBecause = '';
      if (isWon) outcome = 'won';
      else if (deals.length > 0 && deals.every((d) => d.outcome === 'lost')) {
        outcome = 'lost';
        lostBecause = 'deals lost';
      } else if (disqualified?.(view)) {
        outcome = 'lost';
        lostBecause = 'disqualified';
      }

      // Stall (SPEC §5.4): open and idle past the furthest stage's threshold.
      let since = maxKnown(entered[furthest]!, lead.lastActivity);
      let idleFrom = Number.isNaN(since) ? '' : since === lead.lastActivity ? 'last activity' : `entry of ${stages[furthest]!.key}`;
      if (Number.isNaN(since)) {
        // No entry date for the stage it is in: the latest date known from earlier stages.
        for (let i = furthest - 1; i >= 0 && Number.isNaN(since); i--) {
          since = entered[i]!;
          idleFrom = `entry of ${stages[i]!.key} (${stages[furthest]!.key} has no date)`;
        }
      }
      const daysInStage = Number.isNaN(since) ? NaN : asOf - since;
      const threshold = stages[furthest]!.stallAfterDays;
      const stalled = outcome === 'open' && threshold !== undefined && daysInStage > threshold;

      let wonAmount = 0;
      let priced = 0;
      for (const d of won) {
        if (Number.isNaN(d.amount)) continue;
        wonAmount += d.amount;
        priced++;
      }

      return {
        lead,
        deals,
        channel,
        score,
        grade,
        qualified: rank <= qualifiedRank,
        signals: matched,
        furthest,
        reached: stages.map((_, i) => i <= furthest),
        reachedBy,
        entered,
        enteredFrom,
        outcome,
        lostBecause,
        stalled,
        daysInStage,
        idleSince: since,
        idleFrom,
        wonAmount,
        wonDeals: won.length,
        pricedWonDeals: priced,
        wonDate: isWon ? entered[last]! : NaN,
      };
    },
  };
}

function earliest(deals: readonly Deal[], date: (d: Deal) => number): number {
  let min = NaN;
  for (const d of deals) {
    const x = date(d);
    if (!Number.isNaN(x) && !(x >= min)) min = x;
  }
  return min;
}

function maxKnown(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return Math.max(a, b);
}
