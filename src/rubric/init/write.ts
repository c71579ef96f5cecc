/**
 * `leadaudit init`: a commented leadaudit.yml for the exports at hand, written from their headers
 * AND their values, that `check` accepts and `audit` runs unedited. Columns are recognized by
 * header and kind of value (src/rubric/recognize.ts); deal stages, won and lost, lead stages,
 * disqualifying statuses and channels come from the values seen, each with its count; the join
 * is the key pair whose values overlap most. Every guess says its evidence in a comment; the
 * rules are docs/init.md.
 * Header text is only ever written as a quoted YAML scalar: a header is data, never syntax.
 * (Pure: the CLI reads the files (src/rubric/init/read.ts) and writes the result.)
 *
 * This file writes the rubric, section by section, in order; the decisions are made beside it:
 * deals.ts (won, lost, the pipeline), join.ts, channels.ts, lead-stages.ts, score.ts, headerless.ts.
 */
import { conditionFields as conditionFieldsOf } from '../conditions.js';
import { DEAL_FIELDS, LEAD_FIELDS, type DealField, type LeadField, type PresetName } from '../fields.js';
import { presets } from '../presets/index.js';
import { DEAL_RULES, LEAD_RULES, recognize, type Recognized } from '../recognize.js';
import { headerKey } from '../resolve.js';
import type { ColumnRef, Condition } from '../schema.js';
import { channels } from './channels.js';
import { dealOutcome, pipelineOrder } from './deals.js';
import { preferred, profileLookup, refsOf, canon, valuesOf, type Choice, type InitFile, type Plan } from './evidence.js';
import { joinPairs, type JoinPair } from './join.js';
import { leadStages } from './lead-stages.js';
import { namesSeenValues, pruneCondition } from './prune.js';
import { grades, signals } from './score.js';
import { flow, percent, plural, said } from './yaml.js';

/** Open stage values written into the pipeline table; rarer ones are counted in a comment. */
const MAX_PIPELINE_STAGES = 40;

export interface InitInput {
  readonly preset: PresetName;
  /** How the preset was chosen, for the first lines. */
  readonly presetWhy: string;
  readonly leads?: InitFile;
  readonly deals?: InitFile;
  /** YYYY-MM-DD, for the first line. */
  readonly today: string;
}

export function initRubric(input: InitInput): string {
  const preset = presets[input.preset];
  const plan: Plan = {
    leads: input.leads ? recognize(LEAD_RULES, input.leads.profiles, preferred(preset.leads?.columns)) : undefined,
    deals: input.deals ? recognize(DEAL_RULES, input.deals.profiles, preferred(preset.deals?.columns)) : undefined,
    leadProfile: profileLookup(input.leads),
    dealProfile: profileLookup(input.deals),
  };
  const lines: string[] = [];
  const files = [input.leads?.file, input.deals?.file].filter((f) => f !== undefined).map((f) => said(f));
  lines.push(
    `# leadaudit rubric, written by \`leadaudit init\` from ${files.join(' and ')} on ${input.today},`,
    '# from their headers and values. Each guess says its evidence; review the ones marked "review".',
    `# It starts from the ${input.preset} preset (${input.presetWhy}); what is set here overrides it.`,
    '# Every key is described by `leadaudit schema`; check your edits with `leadaudit check`.',
    'version: 1',
    `preset: ${input.preset}`,
  );
  // Every column a rule below names, by side (headerKey): the rest are listed as candidates at the end.
  const used = { leads: new Set<string>(), deals: new Set<string>() };
  const use = (side: 'leads' | 'deals', ...names: (string | undefined)[]) => names.forEach((n) => n !== undefined && used[side].add(headerKey(n)));
  const useIn = (side: 'leads' | 'deals', rule: unknown) => rule !== undefined && !Array.isArray(rule) && use(side, ...conditionFieldsOf(rule as Condition));
  const order = dateOrder([input.leads, input.deals]);
  if (order) lines.push(`dateOrder: ${order.value}   # ${order.why}`);
  lines.push('');

  const columnLines = (side: 'leads' | 'deals', file: InitFile | undefined, fields: readonly string[], found: Record<string, Recognized> | undefined, presetColumns: Record<string, ColumnRef | undefined>) => {
    if (!file || !found) return [`    {}   # no ${side} file was given`];
    const out: string[] = [];
    for (const field of fields) {
      const r = found[field]!;
      const also = r.runnersUp.length > 0 ? `; also: ${r.runnersUp.slice(0, 3).map((c) => said(c.column)).join(', ')}` : '';
      if (r.column !== undefined) {
        use(side, r.column);
        out.push(`    ${field}: ${flow(r.column)}   # ${r.why}${also}`);
        continue;
      }
      // A preset name present in the file that recognition turned down must be unmapped here,
      // or the preset would map it (a TRUE/FALSE `Closed` column is no close date).
      const presetHit = refsOf(presetColumns[field]).some((n) => file.profiles.some((p) => headerKey(p.name) === headerKey(n)));
      if (presetHit) out.push(`    ${field}: null   # ${r.why}`);
      else out.push(`    # ${field}: not found (${r.why})`);
    }
    // Only comments under `columns:` would read as null: say it is empty.
    return out.some((l) => !l.trimStart().startsWith('#')) ? out : ['    {}', ...out];
  };
  lines.push(
    '# Where each field is in your leads export, found by header and by the kind of values',
    '# (dates, numbers, true/false, ids, emails, categories). `null` unmaps a field.',
    'leads:',
    ...shapeLines(input.leads),
    '  columns:',
    ...columnLines('leads', input.leads, LEAD_FIELDS, plan.leads, (preset.leads?.columns ?? {}) as Record<string, ColumnRef | undefined>),
    '',
    '# Where each field is in your deals export, what counts as won and lost, and the pipeline.',
    'deals:',
    ...shapeLines(input.deals),
    '  columns:',
    ...columnLines('deals', input.deals, DEAL_FIELDS, plan.deals, (preset.deals?.columns ?? {}) as Record<string, ColumnRef | undefined>),
  );

  // Deals: outcome and pipeline from the stage values seen.
  if (input.deals && plan.deals) {
    const [dealsFile, dealFields] = [input.deals, plan.deals];
    const dealColumn = (field: string) =>
      plan.dealProfile(field in dealFields ? dealFields[field as DealField].column : undefined) ?? dealsFile.profiles.find((p) => headerKey(p.name) === headerKey(field));
    const hasDealField = (field: string): boolean => dealColumn(field) !== undefined;
    const presetRule = (rule: unknown) => {
      if (input.preset === 'generic' || rule === undefined || Array.isArray(rule)) return undefined;
      const kept = pruneCondition(rule as Condition, hasDealField);
      // A rule that names no value the file holds (`Won` where a German export says `Gewonnen`) is not this file's.
      return kept !== undefined && namesSeenValues(kept, dealColumn) ? kept : undefined;
    };
    const [presetWon, presetLost] = [presetRule(preset.deals?.won), presetRule(preset.deals?.lost)];
    const data = dealOutcome(plan, input.deals);
    // A CRM preset's condition (Pipedrive's status, with a lost reason when it is empty) knows the export best.
    const outcome = presetWon ? { ...data, won: { value: presetWon, why: "the preset's rule" }, ...(presetLost ? { lost: { value: presetLost, why: "the preset's rule" } } : {}) } : data;
    lines.push('  # What counts as won and lost: deal stage values, or a condition on the deal. Anything else is open.');
    useIn('deals', outcome.won?.value);
    useIn('deals', outcome.lost?.value);
    if (outcome.won) lines.push(`  won: ${flow(outcome.won.value)}   # ${outcome.won.why}`);
    else {
      const seen = valuesOf(plan.dealProfile(plan.deals.stage.column)).slice(0, 8).map(([v, n]) => `${said(v)} ${n}`).join(', ') || 'no stage column';
      lines.push(`  # No stage value or column looks won (seen: ${seen}): no deal is won until you name the won stages here.`, '  won: { any: [] }');
    }
    if (outcome.lost) lines.push(`  lost: ${flow(outcome.lost.value)}   # ${outcome.lost.why}`);
    else lines.push('  # No stage value or column looks lost: no deal is lost until you name the lost stages here.', '  lost: { any: [] }');
    const pipeline = pipelineOrder(outcome.open, input.deals, plan.deals.stage.column);
    const counts = new Map(outcome.open);
    lines.push(`  # The open stages of the pipeline, in order: ${pipeline.why}.`, '  # stallAfterDays: how long an open deal may sit in a stage (a guess: tune it).');
    if (pipeline.stages.length === 0) lines.push('  stages: []');
    else {
      lines.push('  stages:');
      const written = new Set<string>();
      for (const value of pipeline.stages.slice(0, MAX_PIPELINE_STAGES)) {
        if (written.has(value)) continue;
        // A stage the preset knows keeps its label, threshold and entered-date column, and takes
        // every spelling of it seen (`appointmentscheduled` and `Appointment Scheduled`).
        const known = input.preset === 'generic' ? undefined : preset.deals?.stages?.find((d) => refsOf(d.value).some((v) => canon(v) === canon(value)));
        // Spellings the engine reads as one stage (case and spaces aside) are one stage here too.
        const same = (v: string) => v.trim().toLowerCase() === value.trim().toLowerCase();
        const values = known ? pipeline.stages.filter((v) => refsOf(known.value).some((k) => canon(k) === canon(v))) : pipeline.stages.filter(same);
        values.forEach((v) => written.add(v));
        const entered = refsOf(known?.enteredDate).map((d) => input.deals!.profiles.find((p) => headerKey(p.name) === headerKey(d))?.name).find((d) => d !== undefined);
        const stage = { value: values.length === 1 ? value : values, ...(known?.label ? { label: known.label } : {}), stallAfterDays: known?.stallAfterDays ?? 14, ...(entered ? { enteredDate: entered } : {}) };
        use('deals', entered);
        lines.push(`    - ${flow(stage)}   # ${plural(values.reduce((sum, v) => sum + (counts.get(v) ?? 0), 0), 'deal')}`);
      }
      if (pipeline.stages.length > MAX_PIPELINE_STAGES) lines.push(`  # and ${pipeline.stages.length - MAX_PIPELINE_STAGES} rarer stage values, left out of the pipeline table`);
    }
  } else {
    lines.push('  stages: []   # no deals file: no pipeline');
  }
  lines.push('');

  // The join: the pair of key columns whose values meet most.
  if (input.leads && input.deals && plan.leads && plan.deals) {
    // Owners link nothing (their ids overlap completely), nor do the two files' own ids.
    const owners = new Set([plan.leads.owner.column, plan.deals.owner.column]);
    // On a tie, the link the fields name (lead id or email = the deal's lead or lead email) wins.
    const named = (p: JoinPair) => [plan.leads!.id.column, plan.leads!.email.column].includes(p.lead) && [plan.deals!.lead.column, plan.deals!.leadEmail.column].includes(p.deal);
    const pairs = joinPairs(input.leads, input.deals, plan.leads.id.column)
      .filter((p) => !owners.has(p.lead) && !owners.has(p.deal) && !(p.lead === plan.leads!.id.column && p.deal === plan.deals!.id.column))
      .sort((a, b) => b.matched - a.matched || Number(named(b)) - Number(named(a)) || a.shared - b.shared);
    // A link by id (a converted opportunity's or account's id) beats one by name (company =
    // account name), which also credits every lead of the company that never converted — when
    // it links a fair share of the deals.
    const byId = pairs.find((p) => p.keyLike && p.matched > 0 && p.matched >= p.deals / 5 && p.leadsPerDeal <= 10);
    const best = byId ?? pairs[0];
    lines.push('# How deals attach to leads: a deal belongs to the lead whose `lead` key equals its `deal` key', '# (trimmed; emails lower-cased; a cell may hold several keys separated by ; or, between ids, by ,).');
    if (best && best.matched > 0) {
      const name = (side: 'leads' | 'deals', column: string) => {
        const found = (side === 'leads' ? plan.leads : plan.deals) as Record<string, Recognized>;
        const field = Object.keys(found).find((f) => found[f]!.column === column && ['id', 'email', 'lead', 'leadEmail'].includes(f));
        return field ?? column;
      };
      // Several leads holding one key is the account case: each is credited. Contacts on one deal
      // (several leads holding the deal's own id, or a deal naming several leads in its cell) go
      // to the first, as the join does by default, whichever file holds the association.
      // A key a few leads share by accident (one email on two rows) does not make it an account join.
      const accountJoin = best.sharedKey >= Math.max(2, best.matched / 20) && best.deal !== plan.deals.id.column && best.lead !== plan.leads.email.column;
      const shared = accountJoin ? 'all' : 'first';
      lines.push(
        `# Measured: ${plural(best.matched, 'deal')} of ${best.deals.toLocaleString('en-US')} (${percent(best.matched, best.deals)}) match a lead by ${said(best.lead)} = ${said(best.deal)}${best.deals > best.keyed ? `; ${plural(best.deals - best.keyed, 'deal')} have no key there` : ''}.`,
        ...[input.leads, input.deals]
          .filter((f) => f?.keysCapped !== undefined)
          .map((f) => `# (Measured on the first ${f!.keysCapped!.toLocaleString('en-US')} rows of ${said(f!.file)}; \`leadaudit check\` counts the whole join.)`),
        ...pairs
          .filter((p) => p !== best && p.matched > 0)
          .slice(0, 3)
          .map((p) => `#   runner-up: ${said(p.lead)} = ${said(p.deal)}: ${plural(p.matched, 'deal')} of ${p.deals.toLocaleString('en-US')}${p.keyLike ? '' : ' (by name, not id)'}`),
      );
      if (best.shared > 0) {
        lines.push(
          `# ${plural(best.shared, 'deal')} match several leads (${best.sharedKey === best.shared ? 'each by a key several leads hold, such as an account' : best.sharedKey === 0 ? 'each by naming several leads in one cell' : `${best.sharedKey} by a key several leads hold, such as an account; ${best.shared - best.sharedKey} by naming several leads in one cell`}; ${best.leadsPerDeal.toFixed(1)} leads a deal on average).`,
          '# shared: all credits each of those leads with the deal (its amount split evenly among them);',
          '# shared: first credits only the first lead in file order.',
        );
      }
      use('leads', best.lead);
      use('deals', best.deal);
      lines.push(`join: ${flow({ lead: name('leads', best.lead), deal: name('deals', best.deal), ...(best.shared > 0 ? { shared } : {}) })}`);
    } else {
      const tried = pairs.slice(0, 3).map((p) => `${said(p.lead)} = ${said(p.deal)}`).join(', ');
      lines.push(`# No pair of columns links the files: no deal's key matches a lead${tried ? ` (tried ${tried})` : ''}.`, '# Deals then count in totals and as (unattributed); add the link column to an export and name it here.', `join: ${flow(preset.join ?? { lead: 'id', deal: 'lead' })}`);
    }
    lines.push('');
  }

  // Channels.
  const ch = channels(plan);
  lines.push('# Channels group raw source values; the first rule that matches wins, and a lead matching none', '# keeps its raw source as its channel. Rename or merge them freely.');
  if (ch.rules.length === 0) lines.push(`channels: []   # ${input.leads ? 'no source column found' : 'no leads file'}`);
  else {
    lines.push(`channels:   # from ${said(ch.column!)}: leads per value`);
    for (const r of ch.rules) lines.push(`  - ${flow({ name: r.name, when: { source: { in: r.values } } })}   # ${plural(r.leads, 'lead')}`);
    if (ch.rest.length > 0) lines.push(`# ${ch.rest.length} rarer values keep their raw source as channel.`);
  }
  lines.push('');

  // Lead stages.
  const hasLeadField = (field: string): boolean =>
    input.leads !== undefined &&
    ((field in (plan.leads ?? {}) && plan.leads![field as LeadField].column !== undefined) || field === 'channel' || input.leads.profiles.some((p) => headerKey(p.name) === headerKey(field)));
  const { stages, disqualified } = leadStages(plan, input.leads, input.deals !== undefined, preset, hasLeadField);
  lines.push(
    '# The funnel, in order. Each stage is marketing or sales (the first sales stage is the handoff);',
    '# a lead reaches a stage by a date column, its current status, a deal, or a condition, and reaching',
    '# a later stage implies the earlier ones. An open lead idle longer than stallAfterDays is stalled.',
  );
  if (!input.deals) lines.push('# Leads only: no stage is reached by a deal; the last stage is as far as the leads file shows.');
  lines.push('stages:');
  for (const s of stages) {
    const { why, ...stage } = s;
    use('leads', stage.reachedWhen?.date);
    useIn('leads', stage.reachedWhen?.when);
    lines.push(`  - ${flow(stage)}   # ${why.join('; ')}`);
  }
  lines.push('');
  useIn('leads', disqualified?.value);
  if (disqualified) lines.push('# A lead matching this is lost, whatever its deals.', `disqualified: ${flow(disqualified.value)}   # ${disqualified.why}`, '');
  else if (preset.disqualified) lines.push('# No status value looks disqualified; the preset\'s rule is turned off.', 'disqualified: { any: [] }', '');

  // Score.
  const fromPreset = input.preset === 'generic' ? [] : (preset.score?.signals ?? []).filter((x) => pruneCondition(x.when, hasLeadField) !== undefined && conditionFieldsOf(x.when).every(hasLeadField));
  // The preset's signals this file can answer, then the data's own for what they leave out (an
  // API export's `NumberOfEmployees` where the preset looks for `No. of Employees`).
  const presetFields = new Set(fromPreset.flatMap((p) => conditionFieldsOf(p.when)));
  const own = signals(plan, input.leads).filter((x) => !fromPreset.some((p) => p.name === x.name) && !conditionFieldsOf(x.when).some((f) => presetFields.has(f)));
  const sigs = fromPreset.length > 0 ? [...fromPreset.map((x) => ({ ...x, why: "the preset's signal" })), ...own] : own;
  // The preset's bands fit when the signals written can reach the same top score as the preset's.
  const top = (list: readonly { points: number }[]) => list.reduce((sum, x) => sum + Math.max(0, x.points), 0);
  const presetBands = fromPreset.length > 0 && top(sigs) === top(preset.score?.signals ?? []);
  const g = presetBands ? { grades: preset.score?.grades ?? { A: 0 }, qualified: preset.score?.qualifiedGrade ?? 'A' } : grades(sigs);
  lines.push(
    '# Marketing-stage signals: points for what a lead looks like before sales talks to it. Grades are',
    '# bands of the score (score >= bound; below the last bound is the next letter), and a lead is',
    '# qualified at qualifiedGrade or better. `leadaudit signals` tells which signals predict closing.',
    'score:',
  );
  if (sigs.length === 0) lines.push('  signals: []   # no fit column found (title, employees, rating, email)');
  else {
    lines.push('  signals:');
    for (const { why, ...s } of sigs) {
      useIn('leads', s.when);
      lines.push(`    - ${flow(s)}   # ${why}`);
    }
  }
  lines.push(`  grades: ${flow(g.grades)}`, `  qualifiedGrade: ${flow(g.qualified)}`, '');

  // The columns nothing above uses: where new signals usually come from.
  for (const [side, file] of [['leads', input.leads], ['deals', input.deals]] as const) {
    if (!file) continue;
    const unused = file.profiles.filter((p) => p.kind !== 'empty' && !used[side].has(headerKey(p.name)));
    if (unused.length === 0) continue;
    lines.push(`# Columns of ${said(file.file)} no rule above uses (candidates for signals, channels or conditions):`);
    for (let i = 0; i < unused.length; i += 4) lines.push(`#   ${unused.slice(i, i + 4).map((p) => `${said(p.name)} (${p.kind})`).join(', ')}`);
    lines.push('');
  }
  lines.push(
    '# Alerts for cron: each that fires is printed on stderr and the exit code is 3.',
    '# alerts:',
    '#   - { report: sources, metric: win_rate, below: 0.02, minLeads: 100 }',
    '#   - { report: funnel, stage: sql, metric: stalled_pct, above: 0.25 }',
    '',
  );
  return lines.join('\n');
}

/** `header:` for a file without a header row, `escape:` for backslash-escaped quotes. */
function shapeLines(file: InitFile | undefined): string[] {
  const out: string[] = [];
  if (file?.headerless) {
    out.push(`  # ${said(file.file)} has no header row: ${file.headerless.why}.`, '  # Its columns, in file order, named by what their values hold; rename them freely.', `  header: ${flow(file.headerless.names)}`);
  }
  if (file?.backslash) out.push('  escape: backslash   # quotes in cells are escaped with a backslash (\\"), as MySQL writes them');
  return out;
}

/** The slash-date order the files prove, when they prove one way only. */
function dateOrder(files: readonly (InitFile | undefined)[]): Choice<'dmy' | 'mdy'> | undefined {
  let dayFirst = 0;
  let monthFirst = 0;
  for (const f of files) for (const p of f?.profiles ?? []) if (p.kind === 'date') {
    dayFirst += p.dayFirst;
    monthFirst += p.monthFirst;
  }
  if (dayFirst > 0 && monthFirst === 0) return { value: 'dmy', why: `${plural(dayFirst, 'date')} like 28/02 prove day first, none month first` };
  if (monthFirst > 0 && dayFirst === 0) return { value: 'mdy', why: `${plural(monthFirst, 'date')} like 02/28 prove month first, none day first` };
  return undefined;
}
