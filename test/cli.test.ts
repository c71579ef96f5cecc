/**
 * The built binary as a user runs it: exit codes (README's table), one-line messages naming the file
 * and line or rubric path, no stack traces, and output a standard reader can read back.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../src/cli.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');

export function run(args: string[], options: { input?: string; cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...options.env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectOneLineError(stderr: string, pattern: RegExp): void {
  const errors = stderr.split('\n').filter((l) => l.startsWith('leadaudit: error:'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

const edge = (name: string) => `fixtures/edge/${name}`;

describe('exit codes and messages', () => {
  it('a missing file is exit 1 naming it', () => {
    const r = run(['audit', 'no-such-leads.csv']);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /no-such-leads\.csv: no such file/);
  });

  it('a missing mapped column is exit 2 naming the file, the rubric path and the closest header', () => {
    const r = run(['audit', edge('leads.csv'), '--rubric', edge('rubric-missing-column.yml')]);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /leads\.csv: no column "Lead Source" \(.*rubric-missing-column\.yml: leads\.columns\.source\); closest: "source"/);
  });

  it('an invalid rubric is exit 2 naming the rubric path, with a suggestion', () => {
    const r = run(['audit', edge('leads.csv'), '--rubric', edge('rubric-invalid.yml')]);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /rubric-invalid\.yml: stages\[1\]: unknown key "stallAfterDay" \(did you mean "stallAfterDays"\?\)/);
  });

  it('a ragged row is rejected with its line (exit 0), and is exit 1 under --strict', () => {
    const loose = run(['audit', edge('ragged-row.csv'), '--as-of', '2025-06-30']);
    expect(loose.code).toBe(0);
    expect(loose.stderr).toMatch(/ragged-row\.csv: 1 row rejected \(first at line 3: too few cells \(4 cells, header has 5\)\)/);
    const strict = run(['audit', edge('ragged-row.csv'), '--strict']);
    expect(strict.code).toBe(1);
    expectOneLineError(strict.stderr, /ragged-row\.csv line 3: too few cells \(4 cells, header has 5\) \(--strict\)/);
  });

  it('an unterminated quote is exit 1 naming the line where it opens', () => {
    const r = run(['audit', edge('unterminated-quote.csv')]);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /unterminated-quote\.csv line 3: a quoted field is never closed/);
  });

  it('an unknown preset or format is exit 2 listing the choices', () => {
    const preset = run(['audit', edge('leads.csv'), '--preset', 'hubsopt']);
    expect(preset.code).toBe(2);
    expectOneLineError(preset.stderr, /unknown preset "hubsopt" \(did you mean "hubspot"\?\); expected one of: hubspot, salesforce/);
    const format = run(['audit', edge('leads.csv'), '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/Allowed choices are table, csv, tsv, json/);
  });

  it('no input files is exit 2', () => {
    const r = run(['audit']);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /no input files/);
  });

  it('the same file as leads and deals is exit 2', () => {
    const r = run(['audit', edge('leads.csv'), edge('leads.csv')]);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /given as both the leads and the deals file/);
  });

  it('refuses to write the report over an input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-'));
    const leads = join(dir, 'leads.csv');
    writeFileSync(leads, readFileSync(join(root, edge('leads.csv'))));
    const r = run(['sources', leads, '-o', leads]);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /-o \S+leads\.csv: is the leads file \(\S+leads\.csv\); refusing to write over it/);
    expect(readFileSync(leads, 'utf8')).toBe(readFileSync(join(root, edge('leads.csv')), 'utf8'));
  });

  it('an output path that cannot be written is a usage error naming it and the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-'));
    const files = [edge('leads.csv'), edge('deals.csv'), '--as-of', '2025-06-30', '--quiet'];
    const missing = run(['audit', ...files, '--format', 'json', '-o', join(dir, 'no', 'such', 'dir', 'out.json')]);
    expect(missing.code).toBe(2);
    expectOneLineError(missing.stderr, /out\.json: cannot write \(no such folder, ENOENT\); nothing was written$/);
    const folder = run(['score', ...files, '--format', 'csv', '-o', dir]);
    expect(folder.code).toBe(2);
    expectOneLineError(folder.stderr, /: cannot write \(is a folder, EISDIR\); the old file is unchanged$/);
  });

  it('--fail-on exits 3 with the report still written; a malformed rule is exit 2 quoting it', () => {
    const fired = run(['sources', edge('leads.csv'), edge('deals.csv'), '--as-of', '2025-06-30', '--format', 'json', '--fail-on', 'sources.win_rate<0.9']);
    expect(fired.code).toBe(3);
    expect(JSON.parse(fired.stdout).alerts.length).toBeGreaterThan(0);
    expect(fired.stderr).toMatch(/alert: sources\.win_rate<0\.9 fired for web \(value 0\.5\)/);
    const quiet = run(['sources', edge('leads.csv'), edge('deals.csv'), '--as-of', '2025-06-30', '--fail-on', 'sources.web.win_rate<0.1']);
    expect(quiet.code).toBe(0);
    const bad = run(['sources', edge('leads.csv'), '--fail-on', 'win rate below 2%']);
    expect(bad.code).toBe(2);
    expectOneLineError(bad.stderr, /--fail-on 'win rate below 2%': expected report\[\.row\]\.metric OP number/);
  });

  it('--fail-on reads a verdict number (verdict.TOPIC.KEY); a run with no verdicts refuses such a rule', () => {
    const sample = ['fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv', '--as-of', '2025-06-30', '--format', 'json'];
    const fired = run(['audit', ...sample, '--fail-on', 'verdict.sales.revenue_at_risk>1000']);
    expect(fired.code).toBe(3);
    const alert = JSON.parse(fired.stdout).alerts[0];
    expect(alert).toMatchObject({ report: 'verdict', row: 'sales', metric: 'revenue_at_risk', op: '>', threshold: 1000 });
    expect(alert.value).toBe(JSON.parse(fired.stdout).verdict.find((v: { topic: string }) => v.topic === 'sales gap').numbers.revenue_at_risk);
    expect(run(['audit', ...sample, '--fail-on', 'verdict.sales.revenue_at_risk>1000000000']).code).toBe(0);
    const dealsOnly = run(['audit', '--deals', 'fixtures/samples/hubspot/deals.csv', '--as-of', '2025-06-30', '--fail-on', 'verdict.sales.revenue_at_risk>1']);
    expect(dealsOnly.code).toBe(2);
    expectOneLineError(dealsOnly.stderr, /this run has no verdicts \(they need a leads file/);
  });

  it('a closed output pipe is success', async () => {
    // `leadaudit score … | head -1`: the reader goes away after its first chunk, while 800 kB are still to come.
    const child = spawn(process.execPath, [bin, 'score', 'fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv', '--as-of', '2025-06-30', '--format', 'json', '--with-columns', '--quiet'], { cwd: root });
    let first = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    child.stdout.once('data', (chunk: Buffer) => {
      first = String(chunk);
      child.stdout.destroy();
    });
    const code = await new Promise((done) => child.on('close', done));
    expect(first).toMatch(/^\{\n {2}"schemaVersion": 1,/);
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});

describe('output a user reads back', () => {
  it('sources --format csv is read by a standard CSV reader, with the stable keys', () => {
    const r = run(['sources', 'fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv', '--as-of', '2025-06-30', '--format', 'csv']);
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([
      'channel', 'leads', 'qualified_pct', 'handoff_pct', 'opportunity_pct', 'won', 'won_so_far', 'horizon_leads', 'win_rate', 'win_rate_low', 'win_rate_high',
      'close_rate', 'won_revenue', 'revenue_per_lead', 'avg_deal', 'median_days_to_win', 'lead_share', 'revenue_share', 'signif', 'low_n',
    ]);
    for (const row of rows) {
      if (row.win_rate !== '') expect(Number(row.win_rate)).toBeGreaterThanOrEqual(0);
    }
  });

  it('--format json has the SPEC §7.1 shape and the §6 keys', () => {
    const r = run(['audit', 'fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv', '--as-of', '2025-06-30', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'tool', 'asOf', 'run', 'inputs', 'reports', 'verdict', 'alerts']);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.run).toEqual({ rubric: null, preset: 'hubspot', spend: null });
    expect(doc.tool.name).toBe('leadaudit');
    expect(doc.asOf).toBe('2025-06-30');
    expect(Object.keys(doc.inputs.leads)).toEqual(['file', 'encoding', 'delimiter', 'read', 'used', 'rejected', 'skipped', 'duplicates', 'reasons']);
    expect(doc.inputs.deals).toHaveProperty('attributed');
    expect(doc.inputs.deals).toHaveProperty('unattributed');
    expect(Object.keys(doc.reports)).toEqual(['summary', 'funnel', 'pipeline', 'sources', 'matrix', 'signals', 'stalls', 'cohorts', 'owners']);
    expect(doc.verdict).toHaveLength(3);
    const funnelKeys = doc.reports.funnel.columns.map((c: { key: string }) => c.key);
    for (const key of ['stage', 'side', 'reached', 'advanced', 'conversion', 'conversion_low', 'conversion_high', 'lost', 'stalled', 'open', 'stalled_pct', 'median_days', 'p75_days', 'stall_after_days']) {
      expect(funnelKeys).toContain(key);
    }
  });

  it('reads standard input with -', () => {
    const r = run(['sources', '-', '--as-of', '2025-06-30', '--format', 'csv'], { input: readFileSync(join(root, edge('leads.csv')), 'utf8') });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^channel,leads/);
    expect(r.stderr).toMatch(/stdin|generic/);
  });

  it('--rejects writes every rejected row with _file, _line and _reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-'));
    const out = join(dir, 'rejects.csv');
    const r = run(['audit', edge('ragged-row.csv'), '--rejects', out, '--as-of', '2025-06-30']);
    expect(r.code).toBe(0);
    const rows = parse(readFileSync(out, 'utf8'), { columns: true, relax_column_count: true }) as Record<string, string>[];
    expect(rows).toEqual([{ id: 'L2', email: 'bob@beta.io', source: 'partner', created: '2025-01-09', status: '', _file: 'fixtures/edge/ragged-row.csv', _line: '3', _reason: 'too few cells (4 cells, header has 5)' }]);
  });

  it('demo DIR writes the sample and a rubric that passes check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-demo-'));
    expect(run(['demo', dir]).code).toBe(0);
    const r = run(['check', 'contacts.csv', 'deals.csv', '--as-of', '2025-06-30'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/using rubric .*leadaudit\.yml/);
    expect(r.stdout).toMatch(/Column mapping/);
  });
});

describe('init, --out-dir and --redact', () => {
  const samples: [string, string, string][] = [
    ['hubspot', 'contacts.csv', 'deals.csv'],
    ['salesforce', 'leads.csv', 'opportunities.csv'],
    ['pipedrive', 'persons.csv', 'deals.csv'],
  ];

  it.each(samples)('init on the %s sample writes a rubric that check passes and that audits like the preset', (name, leads, deals) => {
    const dir = mkdtempSync(join(tmpdir(), `leadaudit-init-${name}-`));
    for (const f of [leads, deals]) writeFileSync(join(dir, f), readFileSync(join(root, 'fixtures', 'samples', name, f)));
    const init = run(['init', leads, deals], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stderr).toMatch(new RegExp(`wrote leadaudit\\.yml \\(${name} preset, detected from the headers "`));
    const text = readFileSync(join(dir, 'leadaudit.yml'), 'utf8');
    expect(text).toMatch(/^# leadaudit rubric, written by `leadaudit init`/);
    expect(text).toMatch(/# Columns of .* no rule above uses/);
    const check = run(['check', leads, deals, '--as-of', '2025-06-30'], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stderr).toMatch(/using rubric .*leadaudit\.yml/);
    // The written rubric says what the preset says: the same reports.
    const withRubric = JSON.parse(run(['audit', leads, deals, '--as-of', '2025-06-30', '--format', 'json', '--quiet'], { cwd: dir }).stdout);
    const bare = mkdtempSync(join(tmpdir(), `leadaudit-preset-${name}-`));
    for (const f of [leads, deals]) writeFileSync(join(bare, f), readFileSync(join(dir, f)));
    const withPreset = JSON.parse(run(['audit', leads, deals, '--as-of', '2025-06-30', '--format', 'json', '--quiet'], { cwd: bare }).stdout);
    expect(withRubric.reports).toEqual(withPreset.reports);
    // And it refuses to overwrite without --force.
    const again = run(['init', leads, deals], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/leadaudit\.yml already exists; use --force to overwrite it/);
    expect(run(['init', leads, deals, '--force'], { cwd: dir }).code).toBe(0);
  });

  it('--out-dir writes one file per report, named by report and format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-outdir-'));
    const r = run(['audit', 'fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv', '--as-of', '2025-06-30', '--format', 'csv', '--out-dir', join(dir, 'weekly'), '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readdirSync(join(dir, 'weekly')).sort()).toEqual(['cohorts.csv', 'funnel.csv', 'matrix.csv', 'owners.csv', 'pipeline.csv', 'signals.csv', 'sources.csv', 'stalls.csv', 'summary.csv']);
    const sources = parse(readFileSync(join(dir, 'weekly', 'sources.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(sources[0]).toHaveProperty('win_rate');
  });

  it('--redact hashes emails and names in every report, the same way each time', () => {
    const args = ['stalls', 'fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv', '--as-of', '2025-06-30', '--format', 'csv', '--quiet'];
    const plain = parse(run(args).stdout, { columns: true }) as Record<string, string>[];
    const redacted = parse(run([...args, '--redact']).stdout, { columns: true }) as Record<string, string>[];
    expect(redacted).toHaveLength(plain.length);
    for (const [i, row] of redacted.entries()) {
      if (plain[i]!.email !== '') expect(row.email).toMatch(/^anon-[0-9a-f]{10}$/);
      if (plain[i]!.name !== '') expect(row.name).toMatch(/^anon-[0-9a-f]{10}$/);
      expect(row.lead_id).toBe(plain[i]!.lead_id);
    }
    const all = run(['audit', 'fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv', '--as-of', '2025-06-30', '--format', 'json', '--quiet', '--redact']).stdout;
    for (const row of plain.slice(0, 20)) {
      if (row.email) expect(all).not.toContain(row.email);
    }
    expect(parse(run([...args, '--redact']).stdout, { columns: true })).toEqual(redacted);
  });
});

describe('diff', () => {
  it('reports the change of one deal first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-diff-'));
    const src = join(root, 'fixtures', 'samples', 'hubspot');
    writeFileSync(join(dir, 'contacts.csv'), readFileSync(join(src, 'contacts.csv')));
    const deals = readFileSync(join(src, 'deals.csv'), 'utf8');
    writeFileSync(join(dir, 'deals.csv'), deals);
    const audit = () => run(['audit', 'contacts.csv', 'deals.csv', '--as-of', '2025-06-30', '--format', 'json', '--quiet'], { cwd: dir }).stdout;
    writeFileSync(join(dir, 'old.json'), audit());
    // One deal, attached to a lead, goes from lost to won.
    const rows = parse(deals, { bom: true }) as string[][];
    const [header] = rows;
    const stage = header!.indexOf('Deal Stage');
    const contact = header!.indexOf('Associated Contact IDs');
    const contacts = parse(readFileSync(join(src, 'contacts.csv')), { bom: true, columns: true }) as Record<string, string>[];
    const ids = new Set(contacts.map((c) => c['Record ID']));
    const flipped = rows.find((r, i) => i > 0 && r[stage] === 'closedlost' && ids.has(r[contact]!.split(';')[0]!))!;
    flipped[stage] = 'closedwon';
    writeFileSync(join(dir, 'deals.csv'), stringify(rows));
    writeFileSync(join(dir, 'new.json'), audit());
    const r = run(['diff', 'old.json', 'new.json', '--format', 'csv'], { cwd: dir });
    expect(r.code).toBe(0);
    const changes = parse(r.stdout, { columns: true }) as Record<string, string>[];
    // The summary first (its revenue at risk moves most: one more win moves the median won deal).
    expect(changes[0]).toMatchObject({ report: 'summary' });
    const won = changes.find((c) => c.report === 'summary' && c.metric === 'won')!;
    expect(Number(won.new) - Number(won.old)).toBe(1);
    expect(changes.some((c) => c.report === 'sources' && c.metric === 'won')).toBe(true);
    // Nothing moves between a run and itself.
    const same = run(['diff', 'old.json', 'old.json', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(same.stdout).reports.diff.rows).toEqual([]);
  });

  it('refuses a file that is not a leadaudit JSON report', () => {
    const r = run(['diff', 'fixtures/edge/leads.csv', 'fixtures/edge/deals.csv']);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /fixtures\/edge\/leads\.csv: not a leadaudit JSON report/);
  });
});

describe('reports that need what is missing say so', () => {
  it('a lead report with only a deals file is exit 2', () => {
    for (const name of ['matrix', 'signals', 'cohorts']) {
      const r = run([name, '--deals', 'fixtures/edge/deals.csv']);
      expect(r.code).toBe(2);
      expectOneLineError(r.stderr, new RegExp(`${name} needs a leads file`));
    }
  });

  it('--spend: needs leads; a ragged, unreadable or negative spend names its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-spend-'));
    const spend = (text: string) => {
      const path = join(dir, `spend-${Math.random().toString(36).slice(2)}.csv`);
      writeFileSync(path, text);
      return path;
    };
    const noLeads = run(['sources', '--deals', 'fixtures/edge/deals.csv', '--spend', spend('channel,spend\nweb,10\n')]);
    expect(noLeads.code).toBe(2);
    expectOneLineError(noLeads.stderr, /--spend needs a leads file/);
    const ragged = run(['sources', edge('leads.csv'), '--spend', spend('channel,spend\nweb,$5,000\n')]);
    expect(ragged.code).toBe(1);
    expectOneLineError(ragged.stderr, /spend-\w+\.csv line 2: too many cells \(3 cells, header has 2\); quote a value that holds the delimiter/);
    const negative = run(['sources', edge('leads.csv'), '--spend', spend('channel,spend\nweb,(1000)\n')]);
    expect(negative.code).toBe(1);
    expectOneLineError(negative.stderr, /line 2: spend cannot be negative/);
    const named = run(['sources', edge('leads.csv'), '--format', 'csv', '--as-of', '2025-06-30', '--spend', spend('campaign,channel,spend\nSpring,web,100\n')]);
    expect(named.code).toBe(0);
    const web = (parse(named.stdout, { columns: true }) as Record<string, string>[]).find((r) => r.channel === 'web')!;
    expect(web.spend).toBe('100');
  });
});

describe('cron', () => {
  it('writes the weekly Markdown report and exits 3 when a --fail-on rule fires; 0 without it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-cron-'));
    const env = { NO_COLOR: '1', CI: 'true', FORCE_COLOR: '' };
    const files = ['fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv'].map((f) => join(root, f));
    const fired = run(['audit', ...files, '--format', 'md', '-o', 'weekly.md', '--fail-on', 'sources.win_rate<0.5', '--quiet'], { cwd: dir, env });
    expect(fired.code).toBe(3);
    expect(fired.stdout).toBe('');
    expect(fired.stderr).toMatch(/^leadaudit: alert: sources\.win_rate<0\.5 fired for /m);
    const report = readFileSync(join(dir, 'weekly.md'), 'utf8');
    expect(report).toMatch(/^# leadaudit report/);
    expect(report).toMatch(/## Alerts/);
    expect(report).not.toContain('\u001b[');
    const quiet = run(['audit', ...files, '--format', 'md', '-o', 'weekly.md', '--quiet'], { cwd: dir, env });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(readFileSync(join(dir, 'weekly.md'), 'utf8')).not.toMatch(/## Alerts/);
  });
});

describe('help and colour', () => {
  const commands = ['audit', 'funnel', 'sources', 'matrix', 'signals', 'stalls', 'cohorts', 'owners', 'score', 'check', 'explain', 'diff', 'init', 'demo', 'schema'];

  it.each(commands)('%s --help has a description, its options and two real examples', (command) => {
    const r = run([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: leadaudit ${command}`));
    expect(r.stdout.split('\n')[2]!.length).toBeGreaterThan(20); // the description line
    expect(r.stdout).toMatch(/Options:\n/);
    const examples = r.stdout.split('\n').filter((l) => /^\s+\$ leadaudit /.test(l));
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  it('colours only a terminal, and only without NO_COLOR; FORCE_COLOR and --no-color are honoured', () => {
    const args = ['sources', 'fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv', '--as-of', '2025-06-30', '--quiet'];
    expect(run(args).stdout).not.toContain('\u001b['); // a pipe is not a terminal
    expect(run(args, { env: { FORCE_COLOR: '1', NO_COLOR: '' } }).stdout).toContain('\u001b[');
    expect(run([...args, '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\u001b[');
  });
});

describe('init tells the next command as a shell would read it', () => {
  it('quotes paths with spaces or quotes, and names a rubric written elsewhere', () => {
    expect(shellQuote('contacts.csv')).toBe('contacts.csv');
    expect(shellQuote('my exports/contacts 2024.csv')).toBe("'my exports/contacts 2024.csv'");
    expect(shellQuote("O'Brien.csv")).toBe("'O'\\''Brien.csv'");
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-init-hint-'));
    writeFileSync(join(dir, 'my leads.csv'), readFileSync(join(root, 'fixtures', 'samples', 'hubspot', 'contacts.csv')));
    const r = run(['init', 'my leads.csv', '-o', 'rubric one.yml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/next: leadaudit check 'my leads\.csv' --rubric 'rubric one\.yml'\n$/);
  });
});

describe('a deals file whose won rule wins nothing', () => {
  it('is warned about, naming the file and the rubric', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-nowin-'));
    writeFileSync(join(dir, 'deals.csv'), 'deal_id,stage,amount\nD1,Intro,100\nD2,Demo,200\n');
    const r = run(['audit', '--deals', 'deals.csv', '--as-of', '2025-06-30'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: no deal in deals\.csv is won by the rubric's deals\.won \(preset generic\): wins and revenue are 0/);
  });
});

describe('review mends seen from the command line', () => {
  it('an open deal\'s forecast close date does not date the data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-forecast-'));
    writeFileSync(join(dir, 'deals.csv'), 'deal_id,stage,created,close_date\nD1,won,2024-05-01,2024-06-01\nD2,Demo,2024-05-02,2025-03-31\n');
    const r = run(['audit', '--deals', 'deals.csv', '--as-of', '2025-12-01'], { cwd: dir });
    expect(r.stderr).toMatch(/the newest date in the data is 2024-06-01, 548 days before --as-of 2025-12-01/);
  });

  it('a header as written wins over a look-alike', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-lookalike-'));
    writeFileSync(join(dir, 'leads.csv'), 'id,Lead_Source,Lead Source,created\n1,2024-02-01,Web,2024-01-01\n2,2024-02-02,Referral,2024-01-02\n');
    writeFileSync(join(dir, 'leadaudit.yml'), 'version: 1\nleads:\n  columns: { source: "Lead Source" }\n');
    const r = run(['sources', 'leads.csv', '--as-of', '2024-06-30', '--format', 'csv', '--quiet'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Web,|\nWeb,/m);
    expect(r.stdout).not.toMatch(/2024-02-01/);
  });

  it('init reads standard input (kept once, read as often as init needs), and check then reads it too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-init-stdin-'));
    const leads = readFileSync(join(root, 'fixtures/samples/hubspot/contacts.csv'), 'utf8');
    const r = run(['init', '-'], { input: leads, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'leadaudit.yml'), 'utf8')).toMatch(/^preset: hubspot$/m);
    const checked = run(['check', '-', '--as-of', '2025-06-30', '--format', 'json'], { input: leads, cwd: dir });
    expect(checked.code, checked.stderr).toBe(0);
    expect((JSON.parse(checked.stdout) as { inputs: { leads: { used: number } } }).inputs.leads.used).toBe(600);
  });
});
