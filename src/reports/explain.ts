/**
 * explain (docs/reports.md): one lead, taken apart — every signal with its points and the values it
 * looked at, the grade, each stage with its date and where that date came from, the deals, the
 * outcome, and the stall arithmetic.
 */
import { UsageError, closest } from '../errors.js';
import { isoDate } from '../data/normalize.js';
import { leadGetter } from '../data/classify.js';
import type { ColumnPlan } from '../data/map.js';
import type { LeadTable } from '../data/table.js';
import type { ClassifiedLead, Report, Row } from '../model.js';
import { conditionFields } from '../rubric/conditions.js';
import { column, plural } from './context.js';
import { personal, personalHeaders, PERSONAL_FIELDS } from '../data/personal.js';
import type { AuditData, JoinFacts } from '../engine/classified.js';

const date = (day: number): string | null => (Number.isNaN(day) ? null : isoDate(day));

/** The lead with this id (or email); an unknown one is a usage error naming the closest ids. */
export function findLead(data: AuditData, id: string): ClassifiedLead {
  const leads = data.leads ?? [];
  const want = id.trim();
  const found = leads.find((c) => c.lead.id === want) ?? leads.find((c) => c.lead.email !== '' && c.lead.email.toLowerCase() === want.toLowerCase());
  if (found) return found;
  const ids = leads.length <= 100_000 ? leads.map((c) => c.lead.id) : leads.filter((c) => c.lead.id.startsWith(want.slice(0, 2))).map((c) => c.lead.id);
  const near = closest(want, ids, 3);
  throw new UsageError(`no lead with id or email "${want}"${near.length > 0 ? `; closest ids: ${near.join(', ')}` : ''}`);
}

export function explain(data: AuditData, plan: ColumnPlan, table: LeadTable, id: string): Report[] {
  const c = findLead(data, id);
  const { rubric } = data;
  const view = { c: table.c, i: c.lead.index, channel: c.channel };
  // Fields that hold a person's email or name are hashed with --redact, wherever they show.
  const personalFields = new Set<string>([...PERSONAL_FIELDS, ...personalHeaders(plan)]);
  const read = (field: string): string => {
    const value = leadGetter(plan, field)?.(view) ?? '';
    return personalFields.has(field) ? personal(data, value) : value;
  };
  const stage = rubric.stages[c.furthest]!;

  const lead: Row = {
    id: c.lead.id,
    name: personal(data, c.lead.name),
    email: personal(data, c.lead.email),
    company: c.lead.company,
    line: c.lead.line,
    source: c.lead.source,
    channel: c.channel,
    owner: c.lead.owner,
    created: date(c.lead.created),
    status: c.lead.status,
    score: c.score,
    grade: c.grade,
    qualified: c.qualified,
    furthest_stage: stage.key,
    outcome: c.lostBecause ? `${c.outcome} (${c.lostBecause})` : c.outcome,
    stalled: c.stalled,
  };
  const text = (key: string, label: string) => column(key, label, 'text', { fromInput: true });

  const signals: Row[] = rubric.signals.map((s, i) => ({
    signal: s.name,
    points: s.points,
    matched: c.signals.includes(i),
    looked_at: [...new Set(conditionFields(s.when))].map((f) => `${f} = ${JSON.stringify(read(f))}`).join('; '),
  }));

  const stages: Row[] = rubric.stages.map((s, i) => ({
    stage: s.key,
    side: s.side,
    reached: i <= c.furthest,
    how: c.reachedBy[i] || 'not reached',
    entered: i <= c.furthest ? date(c.entered[i]!) : null,
    date_from: i <= c.furthest ? c.enteredFrom[i]! : null,
    stall_after_days: s.stallAfterDays ?? null,
  }));

  const deals: Row[] = c.deals.map((d) => ({
    deal_id: d.id,
    stage: d.stage,
    outcome: d.outcome,
    amount: Number.isNaN(d.amount) ? null : d.amount,
    created: date(d.created),
    closed: date(d.closed),
  }));

  return [
    {
      name: 'lead',
      title: `Lead ${c.lead.id}`,
      columns: [
        text('id', 'Id'),
        text('name', 'Name'),
        text('email', 'Email'),
        text('company', 'Company'),
        column('line', 'Line in file', 'count'),
        text('source', 'Source'),
        text('channel', 'Channel'),
        text('owner', 'Owner'),
        column('created', 'Created', 'text'),
        text('status', 'Status'),
        column('score', 'Score', 'number'),
        column('grade', 'Grade', 'text'),
        column('qualified', 'Qualified', 'flag'),
        column('furthest_stage', 'Furthest stage', 'text'),
        column('outcome', 'Outcome', 'text'),
        column('stalled', 'Stalled', 'flag'),
      ],
      rows: [lead],
      notes: [gradeLine(data, c), outcomeLine(data, c)],
      layout: 'record',
    },
    {
      name: 'lead_signals',
      title: 'Signals',
      columns: [text('signal', 'Signal'), column('points', 'Points', 'number'), column('matched', 'Matched', 'flag'), text('looked_at', 'Looked at')],
      rows: signals,
      notes: rubric.signals.length === 0 ? ['The rubric has no score signals.'] : [],
    },
    {
      name: 'lead_stages',
      title: 'Stages',
      columns: [
        column('stage', 'Stage', 'text'),
        // The side follows from the stage: on a narrow terminal it goes before the stall arithmetic.
        column('side', 'Side', 'text', { priority: 2 }),
        column('reached', 'Reached', 'flag'),
        column('how', 'How', 'text'),
        column('entered', 'Entered', 'text'),
        column('date_from', 'Date from', 'text'),
        column('stall_after_days', 'Stall after', 'days'),
      ],
      rows: stages,
      notes: ['How: date (the stage\'s date column), status (the current status), deal, when (a condition), created (the first stage), implied (a later stage was reached).'],
    },
    {
      name: 'lead_deals',
      title: 'Deals',
      columns: [text('deal_id', 'Deal'), text('stage', 'Stage'), column('outcome', 'Outcome', 'text'), column('amount', 'Amount', 'money'), column('created', 'Created', 'text'), column('closed', 'Closed', 'text')],
      rows: deals,
      notes: data.deals === null ? ['No deals file.'] : sharedDealNotes(data, c, deals.length),
    },
  ];
}

/** Names listed in full up to this many; more are counted. */
const NAMED = 5;

function leadList(join: JoinFacts, rows: readonly number[]): string {
  const ids = rows.slice(0, NAMED).map((r) => join.leadId(r));
  return rows.length > NAMED ? `${ids.join(', ')} and ${rows.length - NAMED} more` : ids.join(', ');
}

/**
 * The lead's deals that matched other leads too, and what join.shared did with each: the deals it
 * got, and under `first` the deals that name its key but went to an earlier lead.
 */
function sharedDealNotes(data: AuditData, c: ClassifiedLead, credited: number): string[] {
  const join = data.join;
  const matches = join === null ? [] : join.matchesOf(c.lead.index).filter((m) => m.leads.length > 1);
  const notes: string[] = [];
  const mine = new Set(c.deals.map((d) => d.index));
  const elsewhere = matches.filter((m) => !mine.has(m.deal.index));
  if (credited === 0) notes.push(elsewhere.length === 0 ? 'No deal is joined to this lead.' : 'No deal is credited to this lead.');
  for (const m of matches) {
    const d = m.deal;
    const what = `Deal ${d.id} (${d.outcome}${Number.isNaN(d.amount) ? '' : `, ${d.amount.toLocaleString('en-US')}`})`;
    const n = m.leads.length;
    if (elsewhere.includes(m)) {
      notes.push(`${what} matches this lead's key but went to lead ${join!.leadId(m.first)}: it matches ${n} leads (${leadList(join!, m.leads)}) and join.shared: first credits the first (set join.shared: all to credit each).`);
    } else if (join!.shared === 'first') {
      notes.push(`${what} matches ${n} leads (${leadList(join!, m.leads)}); join.shared: first credits this one, the first.`);
    } else {
      const amount = Number.isNaN(d.amount) ? '' : ` (${(d.amount / m.ways).toLocaleString('en-US')} of ${d.amount.toLocaleString('en-US')})`;
      notes.push(`${what} is split ${m.ways} ways among the leads it matches (${leadList(join!, m.leads)}); join.shared: all credits this lead 1/${m.ways} of it${amount}.`);
    }
  }
  return notes;
}

function gradeLine(data: AuditData, c: ClassifiedLead): string {
  const matched = c.signals.map((i) => `${data.rubric.signals[i]!.name} ${data.rubric.signals[i]!.points >= 0 ? '+' : ''}${data.rubric.signals[i]!.points}`);
  const band = data.rubric.grades.find((g) => g.name === c.grade)!;
  const bound = Number.isFinite(band.min) ? `≥ ${band.min}` : 'below every bound';
  return `Score ${c.score} = ${matched.length > 0 ? matched.join(', ') : 'no signal matched'} → grade ${c.grade} (${bound}); qualified means ${data.rubric.qualifiedGrade} or better: ${c.qualified ? 'yes' : 'no'}.`;
}

/** The outcome, and for an open lead the stall arithmetic (docs/rubric.md, "Stall") spelled out. */
function outcomeLine(data: AuditData, c: ClassifiedLead): string {
  const stage = data.rubric.stages[c.furthest]!;
  if (c.outcome === 'won') {
    const on = Number.isNaN(c.wonDate) ? '' : ` on ${isoDate(c.wonDate)}`;
    const won = c.deals.filter((d) => d.outcome === 'won');
    const split = won.filter((d) => c.dealShare(d) < 1).length;
    const share = split === 0 ? '' : ` (its share; ${split === won.length ? (split === 1 ? 'the deal is' : 'they are') : `${split} of them are`} split with other leads)`;
    const deals = won.length === 0 ? 'by its status or date, with no won deal joined' : `with ${plural(won.length, 'won deal')} worth ${c.wonAmount.toLocaleString('en-US')}${share}`;
    return `Won: reached ${stage.key}${on}, ${deals}.`;
  }
  if (c.outcome === 'lost') return `Lost at ${stage.key}: ${c.lostBecause === 'disqualified' ? 'the lead matches the rubric\'s "disqualified"' : 'every joined deal is lost'}.`;
  const entered = c.entered[c.furthest]!;
  const since = Number.isNaN(entered) ? 'an unknown date' : `${isoDate(entered)} (${c.enteredFrom[c.furthest]})`;
  const activity = Number.isNaN(c.lead.lastActivity) ? 'no last activity' : `last activity ${isoDate(c.lead.lastActivity)}`;
  if (stage.stallAfterDays === undefined) return `Open at ${stage.key} since ${since}; ${activity}. The stage has no stall threshold, so it never stalls.`;
  if (Number.isNaN(c.daysInStage)) return `Open at ${stage.key} since ${since}; ${activity}: no date to measure idle time from, so it is not counted as stalled.`;
  const verdict = c.stalled ? `stalled, ${plural(c.daysInStage - stage.stallAfterDays, 'day')} over` : 'not stalled';
  return `Open at ${stage.key} since ${since}; ${activity}. Idle ${plural(c.daysInStage, 'day')} as of ${isoDate(data.asOf)}, counted from ${isoDate(c.idleSince)} (${c.idleFrom}), vs ${stage.stallAfterDays} allowed: ${verdict}.`;
}
