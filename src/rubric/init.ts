/**
 * `leadaudit init` (SPEC §3.1): a commented leadaudit.yml for the exports at hand — the detected
 * preset with its columns as found in the headers, every section explained, and the headers no
 * rule uses listed as candidates for score signals. Everything it writes refers only to columns
 * that exist, so `leadaudit check` passes on it unchanged. (Pure: the CLI reads and writes.)
 */
import { stringify } from 'yaml';
import type { CsvHeader } from '../io/read-csv.js';
import { findHeader } from '../data/map.js';
import { conditionFields } from './conditions.js';
import { DEAL_FIELDS, LEAD_FIELDS, type PresetName } from './fields.js';
import { presets } from './presets/index.js';
import type { ColumnRef, Condition } from './schema.js';

export interface InitInput {
  readonly preset: PresetName;
  readonly leads?: { readonly file: string; readonly header: CsvHeader };
  readonly deals?: { readonly file: string; readonly header: CsvHeader };
  /** YYYY-MM-DD, for the first line. */
  readonly today: string;
}

/** One value in YAML flow style on one line (`{ key: lead, side: marketing }`). */
function flow(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd();
}

function candidates(ref: ColumnRef | undefined): string[] {
  return ref === undefined || ref === null ? [] : typeof ref === 'string' ? [ref] : ref;
}

export function initRubric(input: InitInput): string {
  const preset = presets[input.preset];
  const leadHeader = input.leads?.header;
  const dealHeader = input.deals?.header;
  /** The header actually in the file for a preset's column, or undefined. */
  const found = (header: CsvHeader | undefined, ref: ColumnRef | undefined): string | undefined => {
    if (!header) return undefined;
    const i = findHeader(header, candidates(ref));
    return i < 0 ? undefined : header.names[i];
  };
  const used = { leads: new Set<string>(), deals: new Set<string>() };
  const lines: string[] = [];
  const files = [input.leads?.file, input.deals?.file].filter(Boolean).join(' and ');
  lines.push(
    `# leadaudit rubric, written by \`leadaudit init\` from ${files} on ${input.today}.`,
    `# It starts from the ${input.preset} preset; whatever is set here overrides the preset.`,
    '# Every key is described by `leadaudit schema`; check your edits with `leadaudit check`.',
    'version: 1',
    `preset: ${input.preset}`,
    '',
  );

  // Columns: the preset's fields, as named in these files.
  const columnBlock = (side: 'leads' | 'deals', header: CsvHeader | undefined, fields: readonly string[], refs: Record<string, ColumnRef | undefined>) => {
    if (!header) return [`    {}   # no ${side} file was given; the preset's ${side} columns apply`];
    const out: string[] = [];
    for (const field of fields) {
      const name = found(header, refs[field]);
      if (name !== undefined) {
        used[side].add(name);
        out.push(`    ${field}: ${flow(name)}`);
      } else if (refs[field] !== undefined) {
        out.push(`    # ${field}: not in this file (the preset looks for ${candidates(refs[field]).map((c) => JSON.stringify(c)).join(' or ')})`);
      }
    }
    return out;
  };
  lines.push(
    '# Where each field is in your leads export. A column named here must exist (else exit 2);',
    '# `null` unmaps a field. Fields: ' + LEAD_FIELDS.join(', ') + '.',
    'leads:',
    '  columns:',
    ...columnBlock('leads', leadHeader, LEAD_FIELDS, (preset.leads?.columns ?? {}) as Record<string, ColumnRef | undefined>),
    '',
    '# Where each field is in your deals export, what counts as won and lost, and the pipeline.',
    'deals:',
    '  columns:',
    ...columnBlock('deals', dealHeader, DEAL_FIELDS, (preset.deals?.columns ?? {}) as Record<string, ColumnRef | undefined>),
  );
  const usable = (when: Condition, header: CsvHeader | undefined, canonical: readonly string[]): string | undefined => {
    for (const field of conditionFields(when)) {
      if (canonical.includes(field) || field === 'channel') continue;
      if (!header || findHeader(header, [field]) < 0) return field;
      used[header === leadHeader ? 'leads' : 'deals'].add(header.names[findHeader(header, [field])]!);
    }
    return undefined;
  };
  const rule = (name: string, value: unknown, missing: string | undefined, indent: string) =>
    missing === undefined ? `${indent}${name}: ${flow(value)}` : `${indent}# ${name}: ${flow(value)}   # needs a "${missing}" column, not in your export`;
  const outcome = (name: 'won' | 'lost') => {
    const value = preset.deals?.[name];
    if (value === undefined) return [];
    return [rule(name, value, Array.isArray(value) ? undefined : usable(value, dealHeader, DEAL_FIELDS), '  ')];
  };
  lines.push(
    '  # Deal stage values (or a condition on the deal) that mean won and lost; anything else is open.',
    ...outcome('won'),
    ...outcome('lost'),
    '  # The pipeline in order. stallAfterDays: how long an open deal may sit in the stage;',
    '  # enteredDate: a column with the date the deal entered it.',
    '  stages:',
    ...(preset.deals?.stages ?? []).map((s) => {
      const entered = found(dealHeader, s.enteredDate);
      const { enteredDate: _skip, ...rest } = s;
      return `    - ${flow(entered === undefined ? rest : { ...rest, enteredDate: entered })}`;
    }),
    '',
    '# How deals attach to leads: a deal belongs to the lead whose `lead` field equals its `deal` field',
    '# (trimmed; emails lower-cased; a cell may hold several keys separated by ; or ,).',
    `join: ${flow(preset.join ?? { lead: 'id', deal: 'lead' })}`,
    '',
  );
  if (input.leads && input.deals) {
    const joinField = preset.join?.lead ?? 'id';
    if (!(LEAD_FIELDS as readonly string[]).includes(joinField) && findHeader(input.leads.header, [joinField]) < 0) {
      lines.push(`# Note: ${input.leads.file} has no "${joinField}" column, so no deal can be joined to a lead; add it to the export or change the join.`, '');
    }
  }

  lines.push('# Channels group raw source values; the first rule that matches wins, and a lead matching none', '# keeps its raw source as its channel. Conditions: see `leadaudit schema` (eq, in, matches, gte, …).');
  const channels = preset.channels ?? [];
  if (channels.length === 0) lines.push('channels: []', '#   e.g. - { name: Paid Search, when: { source: { in: [adwords, google-ads] } } }');
  else lines.push('channels:', ...channels.map((c) => `  - ${flow(c)}`));
  lines.push(
    '',
    '# The funnel, in order. Each stage is marketing or sales (the first sales stage is the handoff);',
    '# a lead reaches a stage by a date column, its current status, a deal, or a condition, and reaching',
    '# a later stage implies the earlier ones. An open lead idle longer than stallAfterDays is stalled.',
    'stages:',
  );
  for (const s of preset.stages ?? []) {
    const date = found(leadHeader, s.reachedWhen?.date);
    const when = s.reachedWhen?.when;
    const missing = when ? usable(when, leadHeader, LEAD_FIELDS) : undefined;
    const reachedWhen = s.reachedWhen ? { ...s.reachedWhen, date } : undefined;
    if (reachedWhen && date === undefined) delete reachedWhen.date;
    if (reachedWhen && missing !== undefined) delete reachedWhen.when;
    lines.push(`  - ${flow({ ...s, ...(reachedWhen ? { reachedWhen } : {}) })}${missing ? `   # dropped a condition on "${missing}", not in your export` : ''}`);
  }
  lines.push('');
  if (preset.disqualified) {
    lines.push('# A lead matching this is lost, whatever its deals.', rule('disqualified', preset.disqualified, usable(preset.disqualified, leadHeader, LEAD_FIELDS), ''), '');
  }
  lines.push(
    '# Marketing-stage signals: points for what a lead looks like before sales talks to it. Grades are',
    '# bands of the score (score >= bound; below the last bound is the next letter), and a lead is',
    '# qualified at qualifiedGrade or better. `leadaudit signals` tells which signals predict closing.',
    'score:',
    '  signals:',
  );
  const signals = preset.score?.signals ?? [];
  for (const s of signals) {
    const missing = usable(s.when, leadHeader, LEAD_FIELDS);
    lines.push(missing === undefined ? `    - ${flow(s)}` : `    # - ${flow(s)}   # needs a "${missing}" column, not in your export`);
  }
  if (signals.every((s) => usable(s.when, leadHeader, LEAD_FIELDS) !== undefined)) lines.push('    []');
  lines.push(`  grades: ${flow(preset.score?.grades ?? { A: 0 })}`, `  qualifiedGrade: ${flow(preset.score?.qualifiedGrade ?? 'A')}`, '');

  // The headers nothing above uses: where new signals usually come from.
  for (const [side, header, file] of [
    ['leads', leadHeader, input.leads?.file],
    ['deals', dealHeader, input.deals?.file],
  ] as const) {
    if (!header) continue;
    const unused = header.names.filter((n) => !used[side].has(n));
    if (unused.length === 0) continue;
    lines.push(`# Columns of ${file} no rule above uses (candidates for signals, channels or conditions):`);
    for (let i = 0; i < unused.length; i += 6) lines.push(`#   ${unused.slice(i, i + 6).join(', ')}`);
    if (side === 'leads') lines.push(`#   e.g. a signal:  - { name: Engaged, points: 10, when: { ${flow(unused[0]!)}: { present: true } } }`);
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
