/**
 * `npm run bench` (docs/performance.md): leadaudit against the tools an analyst would otherwise reach
 * for, on the same seeded HubSpot-shaped exports (10k, 100k and 1M contacts; deals ≈ 25–30% of
 * them; quoted commas, multi-line notes, empty cells, a BOM), made by the repo's generator.
 *
 * For each size it runs `leadaudit sources`, `leadaudit audit`, the same two with `--engine duckdb`
 * (the rubric compiled to SQL on embedded DuckDB), hand-written DuckDB SQL (all three need
 * @duckdb/node-api installed) and pandas (a python3 with pandas, when there is one) — whole
 * processes, alternating, several times — checks that all of them find the same leads, wins and won
 * revenue per channel as `leadaudit sources` on the JS engine, and prints the median wall time, the
 * peak memory and the ratios. The table is also written to
 * docs/performance.md with the machine and the command. Then it times `leadaudit check` on files
 * of unusual shape (one column, 300 columns, all quoted, CRLF, long cells) against the export.
 *
 *   npm run bench                       # 10k, 100k, 1M; 5 runs each
 *   npm run bench -- --sizes 10000,100000 --runs 3
 *   npm run bench -- --sizes 1000000 --no-shapes
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generate } from './generate-samples.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'leadaudit.js');
const AS_OF = '2025-06-30';
const SEED = 20251127;

/** One channel's numbers, as every tool must agree on them. */
interface ChannelNumbers {
  leads: number;
  won: number;
  revenue: number;
}
type Numbers = Record<string, ChannelNumbers>;

/** The HubSpot preset's channel rules, written out for SQL and pandas. */
const CHANNELS: [string, string[]][] = [
  ['Organic Search', ['ORGANIC_SEARCH', 'Organic Search']],
  ['Paid Search', ['PAID_SEARCH', 'Paid Search']],
  ['Email Marketing', ['EMAIL_MARKETING', 'Email Marketing']],
  ['Social Media', ['SOCIAL_MEDIA', 'Social Media']],
  ['Paid Social', ['PAID_SOCIAL', 'Paid Social']],
  ['Referrals', ['REFERRALS', 'Referrals']],
  ['AI Referrals', ['AI_REFERRALS', 'AI Referrals']],
  ['Other Campaigns', ['OTHER_CAMPAIGNS', 'Other Campaigns']],
  ['Direct Traffic', ['DIRECT_TRAFFIC', 'Direct Traffic']],
  ['Offline Sources', ['OFFLINE', 'Offline Sources']],
];

/**
 * The same question in SQL: channel per contact; a deal belongs to the first of its associated
 * contacts that exists; a contact is won with a won deal, a customer lifecycle stage or a customer
 * date; won revenue sums the amounts of its won deals.
 */
function sql(contacts: string, deals: string): string {
  const lower = (values: string[]) => values.map((v) => `'${v.toLowerCase()}'`).join(', ');
  const channel = `CASE ${CHANNELS.map(([name, values]) => `WHEN lower(trim("Original Source")) IN (${lower(values)}) THEN '${name}'`).join(' ')} WHEN trim(coalesce("Original Source", '')) = '' THEN '(none)' ELSE trim("Original Source") END`;
  return `
    WITH c AS (
      SELECT trim("Record ID") AS id, ${channel} AS channel,
             lower(trim(coalesce("Lifecycle Stage", ''))) AS status, trim(coalesce("Became a Customer Date", '')) AS customer_date
      FROM read_csv('${contacts}', all_varchar = true, header = true, quote = '"', escape = '"')
    ),
    d AS (
      SELECT row_number() OVER () AS deal, lower(trim("Deal Stage")) AS stage, TRY_CAST(nullif(trim("Amount"), '') AS DOUBLE) AS amount,
             string_split(regexp_replace(coalesce("Associated Contact IDs", ''), ',', ';', 'g'), ';') AS ids
      FROM read_csv('${deals}', all_varchar = true, header = true, quote = '"', escape = '"')
    ),
    keys AS (SELECT deal, trim(k.id) AS id, k.pos FROM d, unnest(d.ids) WITH ORDINALITY AS k(id, pos) WHERE trim(k.id) <> ''),
    owner AS (SELECT keys.deal, arg_min(keys.id, keys.pos) AS id FROM keys JOIN c ON c.id = keys.id GROUP BY keys.deal),
    won_deals AS (SELECT owner.id, count(*) AS n, sum(d.amount) AS revenue FROM d JOIN owner USING (deal) WHERE d.stage IN ('closedwon', 'closed won') GROUP BY owner.id)
    SELECT channel, count(*) AS leads,
           count(*) FILTER (WHERE w.n > 0 OR status IN ('customer', 'evangelist') OR customer_date <> '') AS won,
           coalesce(sum(w.revenue), 0) AS revenue
    FROM c LEFT JOIN won_deals w ON w.id = c.id
    GROUP BY channel ORDER BY channel`;
}

const DUCKDB_SCRIPT = (contacts: string, deals: string, threads: number) => `
const { DuckDBInstance } = await import(${JSON.stringify(pathToFileURL(join(root, 'node_modules', '@duckdb', 'node-api', 'lib', 'index.js')).href)});
const db = await DuckDBInstance.create(':memory:', { threads: '${threads}' });
const c = await db.connect();
const rows = (await c.runAndReadAll(${JSON.stringify(sql(contacts, deals))})).getRowObjectsJson();
console.log(JSON.stringify(Object.fromEntries(rows.map((r) => [r.channel, { leads: Number(r.leads), won: Number(r.won), revenue: Number(r.revenue) }]))));
`;

const PANDAS_SCRIPT = (contacts: string, deals: string) => `
import json, re, pandas as pd
channels = ${JSON.stringify(Object.fromEntries(CHANNELS.flatMap(([name, values]) => values.map((v) => [v.toLowerCase(), name]))))}
c = pd.read_csv(${JSON.stringify(contacts)}, dtype=str, keep_default_na=False, encoding='utf-8-sig', usecols=['Record ID', 'Original Source', 'Lifecycle Stage', 'Became a Customer Date'])
d = pd.read_csv(${JSON.stringify(deals)}, dtype=str, keep_default_na=False, encoding='utf-8-sig', usecols=['Deal Stage', 'Amount', 'Associated Contact IDs'])
c['id'] = c['Record ID'].str.strip()
src = c['Original Source'].str.strip()
c['channel'] = src.str.lower().map(channels).fillna(src).where(src != '', '(none)')
ids = set(c['id'])
def owner(cell):
    for k in re.split('[;,]', cell):
        k = k.strip()
        if k and k in ids:
            return k
    return None
d['owner'] = d['Associated Contact IDs'].map(owner)
d['amount'] = pd.to_numeric(d['Amount'].str.strip().replace('', None), errors='coerce')
won = d[d['Deal Stage'].str.strip().str.lower().isin(['closedwon', 'closed won']) & d['owner'].notna()]
per = won.groupby('owner').agg(n=('owner', 'size'), revenue=('amount', 'sum'))
c = c.join(per, on='id')
c['won'] = (c['n'].fillna(0) > 0) | c['Lifecycle Stage'].str.strip().str.lower().isin(['customer', 'evangelist']) | (c['Became a Customer Date'].str.strip() != '')
g = c.groupby('channel').agg(leads=('id', 'size'), won=('won', 'sum'), revenue=('revenue', 'sum'))
print(json.dumps({k: {'leads': int(r.leads), 'won': int(r.won), 'revenue': float(r.revenue)} for k, r in g.iterrows()}))
`;

interface Run {
  seconds: number;
  peakMiB: number;
  stdout: string;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs one whole process; wall time from outside, peak memory from GNU time when there is one. */
function measure(command: string, args: string[], input?: string): Run {
  const start = performance.now();
  const r = TIME ? spawnSync(TIME, ['-f', '%M', command, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 28 }) : spawnSync(command, args, { encoding: 'utf8', input, maxBuffer: 1 << 28 });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`${command} ${args.slice(0, 2).join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const kb = TIME ? Number(r.stderr.trim().split('\n').at(-1)) : NaN;
  return { seconds, peakMiB: kb / 1024, stdout: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function pythonWithPandas(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0) return python;
  }
  return undefined;
}

function leadauditNumbers(stdout: string): Numbers {
  const doc = JSON.parse(stdout) as { reports: { sources: { rows: { channel: string; leads: number; won: number; won_revenue: number | null }[] } } };
  const out: Numbers = {};
  for (const r of doc.reports.sources.rows) {
    if (r.channel === '(unattributed)') continue;
    out[r.channel] = { leads: r.leads, won: r.won, revenue: r.won_revenue ?? 0 };
  }
  return out;
}

/** Same channels, same counts, revenue to the cent. */
function differences(a: Numbers, b: Numbers): string[] {
  const out: string[] = [];
  for (const channel of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[channel];
    const y = b[channel];
    if (!x || !y) out.push(`${channel}: only in ${x ? 'leadaudit sources' : 'the other tool'}`);
    else if (x.leads !== y.leads || x.won !== y.won || Math.abs(x.revenue - y.revenue) > 0.005) out.push(`${channel}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
  }
  return out;
}

/**
 * Files of unusual shape for the reader, made once: a slowdown that only one shape shows (the
 * cutter was once quadratic on one-column files) is caught here, since tests never time anything.
 */
const SHAPES: { name: string; what: string; rows: number; header: string; write: (row: number) => string; lineEnd?: string }[] = [
  { name: 'one-column', what: 'one short id per line', rows: 2_000_000, header: 'id', write: (i) => String(10_000_000 + i) },
  {
    name: 'wide',
    what: '300 columns of short cells',
    rows: 10_000,
    header: Array.from({ length: 300 }, (_, c) => `c${c}`).join(','),
    write: (i) => Array.from({ length: 300 }, (_, c) => ((i * 31 + c) % 7 === 0 ? '' : `v${(i + c) % 1000}`)).join(','),
  },
  {
    name: 'quoted',
    what: 'every cell quoted: commas, doubled quotes, line breaks',
    rows: 300_000,
    header: 'id,name,note,city,amount',
    write: (i) => `"${i}","Doe, ""J${i % 97}""","line one\nline ${i % 13}, two","City ${i % 50}","${(i % 1000) * 12.5}"`,
  },
  {
    name: 'crlf',
    what: 'CRLF line ends, no quotes',
    rows: 500_000,
    header: 'id,source,stage,owner,created',
    lineEnd: '\r\n',
    write: (i) => `${i},SRC${i % 9},stage${i % 5},Owner ${i % 40},2025-0${1 + (i % 9)}-1${i % 10}`,
  },
  {
    name: 'long-cells',
    what: 'a 10,000-character cell per row',
    rows: 2_000,
    header: 'id,notes,owner',
    write: (i) => `${i},${'x'.repeat(9_990)}${String(i).padStart(10, '0')},Owner ${i % 7}`,
  },
];

function shapeFile(dir: string, shape: (typeof SHAPES)[number]): string {
  const file = join(dir, `${shape.name}.csv`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const end = shape.lineEnd ?? '\n';
  const lines = [shape.header];
  for (let i = 0; i < shape.rows; i++) lines.push(shape.write(i));
  writeFileSync(file, lines.join(end) + end);
  return file;
}

/** `leadaudit check` on each shape, its reading rate beside the export's contacts. */
function readerShapes(dataDir: string, size: number, runs: number, say: (line: string) => void): void {
  const rate = (file: string, rows: number) => {
    const seconds = median(Array.from({ length: runs }, () => measure(process.execPath, [bin, 'check', file, '--quiet']).seconds));
    const mb = readFileSync(file).length / 1e6;
    return { seconds, mb, perSecond: mb / seconds, rows };
  };
  const base = rate(join(dataDir, String(size), 'contacts.csv'), size);
  const row = (file: string, r: ReturnType<typeof rate>) =>
    `| ${file} | ${r.rows.toLocaleString('en-US')} | ${r.mb.toFixed(0)} | ${r.seconds.toFixed(2)} | ${r.perSecond.toFixed(1)} | ${(r.perSecond / base.perSecond).toFixed(2)}× | ${(r.rows / r.seconds / 1000).toFixed(0)} |`;
  say('');
  say("Files of unusual shape, read by `leadaudit check FILE` (median of the runs): a rate far below the export's means a slow path.");
  say('');
  say('| file | rows | MB | wall s | MB/s | ÷ export | k rows/s |');
  say('|---|---:|---:|---:|---:|---:|---:|');
  say(row(`the ${size.toLocaleString('en-US')}-lead export's contacts`, base));
  for (const shape of SHAPES) say(row(`${shape.name}: ${shape.what}`, rate(shapeFile(join(dataDir, 'shapes'), shape), shape.rows)));
}

// docs/performance.md is written by hand around the measured block, which each run replaces.
const BEGIN = '<!-- measured by npm run bench: replaced on each run -->';
const END = '<!-- end of measured block -->';

function writePerformanceDoc(path: string, measured: string): void {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const start = old.indexOf(BEGIN);
  const end = old.indexOf(END);
  const doc = start >= 0 && end > start ? old.slice(0, start) + measured + old.slice(end + END.length) : `# Performance\n\n${measured}\n`;
  writeFileSync(path, doc);
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { sizes: { type: 'string', default: '10000,100000,1000000' }, runs: { type: 'string', default: '5' }, data: { type: 'string' }, threads: { type: 'string', default: String(cpus().length) }, 'no-shapes': { type: 'boolean', default: false } },
  });
  const sizes = values.sizes.split(',').map(Number);
  const runs = Number(values.runs);
  const threads = Number(values.threads);
  const dataDir = resolve(values.data ?? join(tmpdir(), 'leadaudit-bench'));
  const python = pythonWithPandas();
  const duckdb = existsSync(join(root, 'node_modules', '@duckdb', 'node-api'));
  const lines: string[] = [];
  const say = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  say(`leadaudit bench — ${machine}; DuckDB ${duckdb ? `(${threads} threads)` : 'not installed'}; pandas ${python ? `(${python})` : 'not found'}; median of ${runs} runs`);
  say('');
  say('| leads | file MB | tool | wall s | peak MiB | ÷ DuckDB | ÷ pandas |');
  say('|---:|---:|---|---:|---:|---:|---:|');
  let failed = false;
  for (const size of sizes) {
    const dir = join(dataDir, String(size));
    const contacts = join(dir, 'contacts.csv');
    const deals = join(dir, 'deals.csv');
    if (!existsSync(join(dir, 'expected.json')) || JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')).leads?.used !== size) {
      mkdirSync(dir, { recursive: true });
      generate({ preset: 'hubspot', leads: size, seed: SEED, asOf: AS_OF, out: dir, clean: true });
    }
    const mb = (readFileSync(contacts).length + readFileSync(deals).length) / 1e6;
    // Each tool with how its output reads as per-channel numbers; the first is the one all must equal.
    const leadaudit = (command: 'sources' | 'audit', engine: 'js' | 'duckdb') => () =>
      measure(process.execPath, [bin, command, contacts, deals, '--as-of', AS_OF, '--preset', 'hubspot', '--engine', engine, '--format', 'json', '--quiet']);
    const json = (stdout: string) => JSON.parse(stdout) as Numbers;
    const tools: [string, () => Run, (stdout: string) => Numbers][] = [
      ['leadaudit sources', leadaudit('sources', 'js'), leadauditNumbers],
      ['leadaudit audit', leadaudit('audit', 'js'), leadauditNumbers],
    ];
    if (duckdb) {
      tools.push(['leadaudit sources --engine duckdb', leadaudit('sources', 'duckdb'), leadauditNumbers]);
      tools.push(['leadaudit audit --engine duckdb', leadaudit('audit', 'duckdb'), leadauditNumbers]);
      tools.push(['DuckDB SQL', () => measure(process.execPath, ['--input-type=module', '-'], DUCKDB_SCRIPT(contacts, deals, threads)), json]);
    }
    if (python) tools.push(['pandas', () => measure(python, ['-c', PANDAS_SCRIPT(contacts, deals)]), json]);
    const results = new Map<string, Run[]>(tools.map(([name]) => [name, []]));
    // Alternate the tools so that none always runs on a warm or a cold machine.
    for (let i = 0; i < runs; i++) for (const [name, run] of tools) results.get(name)!.push(run());
    const [truthName, , truthNumbers] = tools[0]!;
    const truth = truthNumbers(results.get(truthName)![0]!.stdout);
    for (const [name, , numbers] of tools.slice(1)) {
      const diff = differences(truth, numbers(results.get(name)![0]!.stdout));
      if (diff.length > 0) {
        failed = true;
        say(`MISMATCH at ${size} leads, ${truthName} vs ${name}: ${diff.slice(0, 5).join('; ')}`);
      }
    }
    const wall = (name: string) => median(results.get(name)!.map((r) => r.seconds));
    const peak = (name: string) => Math.max(...results.get(name)!.map((r) => r.peakMiB));
    for (const [name] of tools) {
      const ratio = (other: string) => (results.has(other) && name.startsWith('leadaudit') ? `${(wall(name) / wall(other)).toFixed(2)}×` : '');
      say(`| ${size.toLocaleString('en-US')} | ${mb.toFixed(0)} | ${name} | ${wall(name).toFixed(2)} | ${Number.isNaN(peak(name)) ? '—' : peak(name).toFixed(0)} | ${ratio('DuckDB SQL')} | ${ratio('pandas')} |`);
    }
  }
  // The shapes are read beside the first export of 100k leads or more (or the largest there is).
  const shapeSize = sizes.find((size) => size >= 100_000) ?? Math.max(...sizes);
  if (!values['no-shapes']) readerShapes(dataDir, shapeSize, runs, say);
  say('');
  say(failed ? 'The tools DISAGREE on some numbers (see MISMATCH lines).' : 'All tools agree: leads, wins and won revenue per channel are equal.');
  const measured = [
    BEGIN,
    `Measured with \`npm run bench -- --sizes ${values.sizes} --runs ${runs}\` on ${new Date().toISOString().slice(0, 10)}.`,
    'Whole-process wall time (median of alternating runs) and peak resident memory (GNU time), on',
    'seeded HubSpot-shaped exports made by `scripts/generate-samples.ts --clean`. `--engine duckdb` runs',
    'the rubric compiled to SQL on embedded DuckDB; DuckDB SQL and pandas compute the same per-channel',
    'leads, wins and won revenue by hand; the bench checks every tool\'s numbers are equal.',
    '',
    ...lines,
    END,
  ].join('\n');
  if (!values.data) writePerformanceDoc(join(root, 'docs', 'performance.md'), measured);
  return failed ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(join(root, 'docs'), { recursive: true });
  process.exitCode = await main(process.argv.slice(2));
}
