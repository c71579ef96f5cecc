/**
 * Output opened in a real spreadsheet: LibreOffice (headless).
 *
 * Hostile input comes out inert: a lead named `=HYPERLINK("http://x","y")` and one named
 * `<script>alert(1)</script>` leave `stalls --format csv` and `--format html` as text. LibreOffice
 * opens the CSV and writes back what its cells show — a formula would show its result instead of
 * its text.
 *
 * Numbers come out as numbers: the `--decimal-comma` CSV (and TSV) of the bundled sample, opened
 * under a German locale, has every number as a number of the right value, flags as 1/0 and dates
 * as dates; the plain CSV does under en-US (flags as booleans), and under de-DE it does not (0.305
 * reads as 305), which is why `--decimal-comma` exists (src/render/csv.ts).
 *
 * Needs Debian's `libreoffice-calc` (or `libreoffice-calc-nogui`); those parts are skipped, saying
 * so, when `soffice` is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');
const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));
const HOSTILE = ['fixtures/edge/hostile-leads.csv', '--as-of', '2025-06-30', '--quiet'];

function stalls(format: string, extra: string[] = []): string {
  const r = spawnSync(process.execPath, [bin, 'stalls', ...HOSTILE, '--format', format, ...extra], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('hostile names are inert text', () => {
  it('in CSV: formula-like cells are prefixed with an apostrophe, computed numbers are not', () => {
    const rows = parse(stalls('csv'), { columns: true }) as Record<string, string>[];
    const byId = Object.fromEntries(rows.map((r) => [r.lead_id, r]));
    expect(byId.H1!.name).toBe(`'=HYPERLINK("http://x","y")`);
    expect(byId.H3!.name).toBe("'+SUM(1+1)");
    expect(byId.H3!.owner).toBe("'@Ben");
    expect(byId.H4!.name).toBe("'-2+3");
    expect(byId.H2!.name).toBe('<script>alert(1)</script>');
    expect(byId.H5!.name).toBe('Plain Name');
    expect(byId.H1!.days_over).toBe('146');
  });

  it('in HTML: every value escaped, no markup from the data', () => {
    const html = stalls('html');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)');
  });

  it.skipIf(!soffice)(`in a spreadsheet: LibreOffice shows the text, not a formula's result${soffice ? '' : ' (skipped: soffice not installed)'}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-soffice-'));
    writeFileSync(join(dir, 'stalls.csv'), stalls('csv'));
    // Open as CSV (comma, double quote, UTF-8), write back what each cell shows.
    const filter = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false';
    const r = spawnSync(soffice!, ['--headless', '--norestore', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', filter, '--outdir', join(dir, 'out'), join(dir, 'stalls.csv')], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const shown = parse(readFileSync(join(dir, 'out', 'stalls.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const names = Object.fromEntries(shown.map((row) => [row.lead_id, row.name]));
    expect(names.H1).toContain('=HYPERLINK("http://x","y")');
    expect(names.H1).not.toBe('y');
    expect(names.H3).toContain('+SUM(1+1)');
    expect(names.H4).toContain('-2+3');
    expect(names.H2).toBe('<script>alert(1)</script>');
    // The control: the same cell unprotected is a formula to LibreOffice.
    writeFileSync(join(dir, 'raw.csv'), 'name\n"=HYPERLINK(""http://x"",""y"")"\n');
    spawnSync(soffice!, ['--headless', '--norestore', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', filter, '--outdir', join(dir, 'out'), join(dir, 'raw.csv')], { timeout: 120_000 });
    expect(readFileSync(join(dir, 'out', 'raw.csv'), 'utf8').trim().split('\n')[1]).toBe('y');
  });
});

// ---------------------------------------------------------------- numbers as numbers, per locale

const SAMPLE = 'fixtures/samples/hubspot';
const AS_OF = (JSON.parse(readFileSync(join(root, SAMPLE, 'expected.json'), 'utf8')) as { asOf: string }).asOf;
/** A lead of the sample with dates in every part of `explain` (created, stages entered, a deal). */
const LEAD = '51000340';

/**
 * LibreOffice's CSV import options: field separator, text delimiter `"` (34), UTF-8 (76), from row
 * 1, no column formats, the language the cells are read in (1031 de-DE, 1033 en-US), quoted
 * fields not forced to text, and "Detect special numbers": off is the import dialog's default
 * (booleans are then text in every locale, decimals and ISO dates still read), on is what a
 * headless conversion does without the option.
 */
const filters = {
  deSemicolon: 'CSV:59,34,76,1,,1031,false,false',
  deSemicolonSpecial: 'CSV:59,34,76,1,,1031,false,true',
  deTab: 'CSV:9,34,76,1,,1031,false,false',
  deComma: 'CSV:44,34,76,1,,1031,false,false',
  usCommaSpecial: 'CSV:44,34,76,1,,1033,false,true',
};

interface SheetCell {
  /** office:value-type: float, string, boolean, date…; `empty` for a cell with none. */
  readonly type: string;
  /** office:value, office:date-value or office:boolean-value; '' for strings and empty cells. */
  readonly value: string;
  readonly text: string;
  /** table:formula, when the spreadsheet took the cell for a formula. */
  readonly formula?: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function cellText(xml: string): string {
  const paragraphs = [...xml.matchAll(/<text:p\b[^>]*>([\s\S]*?)<\/text:p>/g)].map((m) =>
    m[1]!
      .replace(/<text:s text:c="(\d+)"\/>/g, (_, n: string) => ' '.repeat(Number(n)))
      .replace(/<text:s\/>/g, ' ')
      .replace(/<text:tab\/>/g, '\t')
      .replace(/<text:line-break\/>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name]!),
  );
  return paragraphs.join('\n');
}

/** The first sheet of a flat ODF spreadsheet (.fods), as rows of cells with their types and values; trailing empty cells dropped. */
function readFods(path: string): SheetCell[][] {
  const xml = readFileSync(path, 'utf8');
  const table = /<table:table\b[\s\S]*?<\/table:table>/.exec(xml)![0];
  const rows: SheetCell[][] = [];
  for (const row of table.matchAll(/<table:table-row\b[^>]*?(?:\/>|>([\s\S]*?)<\/table:table-row>)/g)) {
    const cells: SheetCell[] = [];
    for (const m of (row[1] ?? '').matchAll(/<table:(?:covered-)?table-cell\b([^>]*?)(?:\/>|>([\s\S]*?)<\/table:(?:covered-)?table-cell>)/g)) {
      const attrs = m[1]!;
      const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(attrs)?.[1];
      const type = attr('office:value-type') ?? 'empty';
      const value = attr('office:value') ?? attr('office:date-value') ?? attr('office:boolean-value') ?? '';
      const repeat = Math.min(Number(attr('table:number-columns-repeated') ?? 1), 256);
      const formula = attr('table:formula');
      for (let k = 0; k < repeat; k++) cells.push({ type, value, text: cellText(m[2] ?? ''), ...(formula === undefined ? {} : { formula }) });
    }
    while (cells.length > 0 && cells.at(-1)!.type === 'empty') cells.pop();
    rows.push(cells);
  }
  while (rows.length > 0 && rows.at(-1)!.length === 0) rows.pop();
  return rows;
}

/** Opens each file in LibreOffice with the import `filter` and returns its sheet, by file name without extension. */
function openIn(filter: string, files: string[]): Record<string, SheetCell[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'leadaudit-soffice-'));
  const out = join(dir, 'out');
  const r = spawnSync(soffice!, ['--headless', '--norestore', `-env:UserInstallation=file://${dir}/profile`, `--infilter=${filter}`, '--convert-to', 'fods', '--outdir', out, ...files], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const names = files.map((f) => basename(f).replace(/\.[^.]+$/, ''));
  return Object.fromEntries(names.map((name) => [name, readFods(join(out, `${name}.fods`))]));
}

type JsonCell = string | number | boolean | null;
interface JsonReport {
  columns: { key: string; kind: string }[];
  rows: Record<string, JsonCell>[];
}

function leadaudit(args: string[]): string {
  const r = spawnSync(process.execPath, [bin, ...args, '--quiet'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const SAMPLE_RUNS: string[][] = [
  ['demo'],
  ['explain', LEAD, `${SAMPLE}/contacts.csv`, `${SAMPLE}/deals.csv`, '--rubric', `${SAMPLE}/leadaudit.yml`, '--as-of', AS_OF],
];

/**
 * The sample's audit (`demo`: summary, funnel, pipeline, sources, …) and one lead's `explain`, each
 * report in its own file (`--out-dir`) written with `extra` options, plus what the JSON says each
 * cell is: the reference every sheet is checked against.
 */
function sampleReports(format: 'csv' | 'tsv', extra: string[]): { files: string[]; reports: Record<string, JsonReport> } {
  const dir = mkdtempSync(join(tmpdir(), 'leadaudit-sheet-'));
  const files: string[] = [];
  const reports: Record<string, JsonReport> = {};
  SAMPLE_RUNS.forEach((args, k) => {
    const out = join(dir, String(k));
    mkdirSync(out);
    leadaudit([...args, '--format', format, ...extra, '--out-dir', out]);
    files.push(...readdirSync(out).map((f) => join(out, f)));
    Object.assign(reports, (JSON.parse(leadaudit([...args, '--format', 'json'])) as { reports: Record<string, JsonReport> }).reports);
  });
  return { files, reports };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Tally {
  numbers: number;
  flags: number;
  dates: number;
  /** Numbers (not whole) the sheet got wrong: another value, or text. */
  wrong: { at: string; expected: number; got: SheetCell }[];
}

/**
 * Checks every cell of every report's sheet against its JSON value: a number must be a number of
 * the same value, a flag what `flag` says, an ISO date a date, other text text (an id of digits
 * reads as a number, as it would from any CSV). With `collect`, numbers read wrong are tallied
 * instead of failing (for the contrast).
 */
function check(sheets: Record<string, SheetCell[][]>, reports: Record<string, JsonReport>, flag: (value: boolean) => Partial<SheetCell>, collect = false): Tally {
  const tally: Tally = { numbers: 0, flags: 0, dates: 0, wrong: [] };
  for (const [name, report] of Object.entries(reports)) {
    if (report.columns.length === 0) continue;
    const sheet = sheets[name];
    expect(sheet, `${name}: no sheet`).toBeDefined();
    expect(sheet![0]!.map((c) => c.text), `${name}: header`).toEqual(report.columns.map((c) => c.key));
    expect(sheet!.length, `${name}: rows`).toBe(report.rows.length + 1);
    report.rows.forEach((row, r) => {
      report.columns.forEach((column, c) => {
        const v = row[column.key] ?? null;
        const got = sheet![r + 1]![c] ?? { type: 'empty', value: '', text: '' };
        const at = `${name} row ${r + 1} ${column.key} = ${JSON.stringify(v)}`;
        if (v === null || v === '') expect(got.type, at).toBe('empty');
        else if (typeof v === 'number') {
          tally.numbers++;
          const right = got.type === 'float' && Number(got.value) === v;
          if (collect && !right) tally.wrong.push({ at, expected: v, got });
          else expect({ type: got.type, value: Number(got.value) }, at).toEqual({ type: 'float', value: v });
        } else if (typeof v === 'boolean') {
          tally.flags++;
          expect(got, at).toMatchObject(flag(v));
        } else if (ISO_DATE.test(v)) {
          tally.dates++;
          expect({ type: got.type, value: got.value }, at).toEqual({ type: 'date', value: v });
        } else if (/^\d+$/.test(v)) expect({ type: got.type, value: got.value }, at).toEqual({ type: 'float', value: v });
        else expect({ type: got.type, text: got.text }, at).toEqual({ type: 'string', text: v });
      });
    });
  }
  return tally;
}

describe('numbers read as numbers in a spreadsheet', () => {
  const skipped = soffice ? '' : ' (skipped: soffice not installed)';

  it.skipIf(!soffice)(`--decimal-comma CSV under de-DE: every number a number of the right value, flags 1/0, dates dates${skipped}`, () => {
    const { files, reports } = sampleReports('csv', ['--decimal-comma']);
    // With and without "Detect special numbers": 1/0 and ISO dates need neither.
    for (const filter of [filters.deSemicolon, filters.deSemicolonSpecial]) {
      const sheets = openIn(filter, files);
      const tally = check(sheets, reports, (v) => ({ type: 'float', value: v ? '1' : '0' }));
      // The case, and enough of each kind that the check cannot pass on an empty sheet.
      expect(sheets.summary![1]![sheets.summary![0]!.findIndex((c) => c.text === 'handoff_pct')], filter).toMatchObject({ type: 'float', value: '0.305' });
      expect(tally.numbers, filter).toBeGreaterThan(1000);
      expect(tally.flags, filter).toBeGreaterThan(10);
      expect(tally.dates, filter).toBeGreaterThan(5);
      expect(Object.keys(sheets)).toEqual(expect.arrayContaining(['summary', 'sources', 'funnel', 'lead', 'lead_stages', 'lead_deals']));
    }
  });

  it.skipIf(!soffice)(`--decimal-comma CSV under de-DE: hostile names stay text, not formulas${skipped}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-sheet-'));
    writeFileSync(join(dir, 'stalls.csv'), stalls('csv', ['--decimal-comma']));
    // The control: an unprotected formula in the same dialect is run.
    writeFileSync(join(dir, 'raw.csv'), 'name;n\n=1+1;-0,5\n');
    const sheets = openIn(filters.deSemicolon, [join(dir, 'stalls.csv'), join(dir, 'raw.csv')]);
    expect(sheets.raw![1]).toMatchObject([{ type: 'float', value: '2', formula: 'of:=1+1' }, { type: 'float', value: '-0.5' }]);
    const sheet = sheets.stalls!;
    const column = (key: string) => sheet[0]!.findIndex((c) => c.text === key);
    const names = sheet.slice(1).map((row) => row[column('name')]!);
    expect(sheet.flat().filter((c) => c.formula !== undefined)).toEqual([]);
    expect(names.map((c) => c.type)).toEqual(['string', 'string', 'string', 'string', 'string']);
    expect(names.map((c) => c.text).join(' ')).toMatch(/=HYPERLINK\("http:\/\/x","y"\).*\+SUM\(1\+1\).*-2\+3/);
    expect(sheet.slice(1).map((row) => row[column('days_over')])).toEqual([146, 145, 144, 143, 142].map((n) => expect.objectContaining({ type: 'float', value: String(n) })));
  });

  it.skipIf(!soffice)(`--decimal-comma TSV under de-DE: the same${skipped}`, () => {
    const { files, reports } = sampleReports('tsv', ['--decimal-comma']);
    const tally = check(openIn(filters.deTab, files), reports, (v) => ({ type: 'float', value: v ? '1' : '0' }));
    expect(tally.numbers).toBeGreaterThan(1000);
  });

  it.skipIf(!soffice)(`plain CSV under en-US (detecting special numbers): every number a number, flags booleans, dates dates${skipped}`, () => {
    const { files, reports } = sampleReports('csv', []);
    const tally = check(openIn(filters.usCommaSpecial, files), reports, (v) => ({ type: 'boolean', value: String(v) }));
    expect(tally.numbers).toBeGreaterThan(1000);
    expect(tally.flags).toBeGreaterThan(10);
  });

  it.skipIf(!soffice)(`the contrast: plain CSV under de-DE misreads decimals (0.305 becomes 305, others text)${skipped}`, () => {
    const { files, reports } = sampleReports('csv', []);
    const sheets = openIn(filters.deComma, files);
    const tally = check(sheets, reports, () => ({}), true);
    // `0.305` is read with `.` as a thousands mark; `0.1033` fits no grouping and stays text.
    const summary = sheets.summary!;
    const cell = (key: string) => summary[1]![summary[0]!.findIndex((c) => c.text === key)];
    expect(cell('handoff_pct')).toMatchObject({ type: 'float', value: '305' });
    expect(cell('won_so_far')).toMatchObject({ type: 'string', text: '0.1033' });
    const fractions = tally.wrong.filter((w) => !Number.isInteger(w.expected));
    expect(fractions.length).toBe(tally.wrong.length);
    expect(tally.wrong.filter((w) => w.got.type === 'string').length).toBeGreaterThan(100);
    expect(tally.wrong.filter((w) => w.got.type === 'float').length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------- --decimal-comma on the command line

/** Parses a CSV or TSV of several reports (separated by an empty line) into rows of cells. */
function cells(text: string, delimiter: string): string[][] {
  return parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
}

/**
 * The --decimal-comma output holds the plain output's cells, only written for a comma-decimal
 * spreadsheet: each number's `.` becomes `,`, each flag `true`/`false` becomes `1`/`0`, the rest is
 * the same text. Returns how many cells were rewritten (so a check cannot pass on none).
 */
function sameExceptDecimals(plain: string[][], comma: string[][]): number {
  let rewritten = 0;
  expect(comma.length).toBe(plain.length);
  plain.forEach((row, r) => {
    expect(comma[r]!.length, `row ${r}`).toBe(row.length);
    row.forEach((cell, c) => {
      let expected = cell;
      if (/^-?\d+\.\d+(e[-+]\d+)?$/.test(cell)) {
        expected = cell.replace('.', ',');
        rewritten++;
      } else if (cell === 'true' || cell === 'false') {
        expected = cell === 'true' ? '1' : '0';
        rewritten++;
      }
      expect(comma[r]![c], `row ${r} column ${c}: ${cell}`).toBe(expected);
    });
  });
  return rewritten;
}

describe('--decimal-comma on the command line', () => {
  const sample = [`${SAMPLE}/contacts.csv`, `${SAMPLE}/deals.csv`, '--as-of', AS_OF];

  it('is offered by every report command, demo and diff, saying which formats it changes', () => {
    for (const command of ['audit', 'funnel', 'sources', 'matrix', 'signals', 'stalls', 'cohorts', 'owners', 'score', 'check', 'explain', 'demo', 'diff']) {
      const help = leadaudit([command, '--help']).replace(/\s+/g, ' ');
      expect(help, command).toContain('--decimal-comma CSV/TSV for comma-decimal locales');
      expect(help, command).toContain('no effect on table, json, md, html');
    }
  });

  it('writes the audit and score as the plain CSV with `;` between fields, `,` decimals and flags 1/0', () => {
    for (const args of [['demo'], ['score', ...sample]]) {
      const plain = leadaudit([...args, '--format', 'csv']);
      const comma = leadaudit([...args, '--format', 'csv', '--decimal-comma']);
      expect(comma.split('\n')[0], args[0]).toBe(plain.split('\n')[0]!.replaceAll(',', ';'));
      expect(sameExceptDecimals(cells(plain, ','), cells(comma, ';')), args[0]).toBeGreaterThan(100);
    }
    // TSV keeps TAB between fields and takes the same numbers.
    const tsvPlain = leadaudit(['sources', ...sample, '--format', 'tsv']);
    const tsvComma = leadaudit(['sources', ...sample, '--format', 'tsv', '--decimal-comma']);
    expect(sameExceptDecimals(cells(tsvPlain, '\t'), cells(tsvComma, '\t'))).toBeGreaterThan(50);
  });

  it('writes diff the same way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-diff-'));
    const older = join(dir, 'old.json');
    const newer = join(dir, 'new.json');
    leadaudit(['audit', ...sample, '--until', '2025-03-31', '--format', 'json', '-o', older]);
    leadaudit(['audit', ...sample, '--format', 'json', '-o', newer]);
    const plain = leadaudit(['diff', older, newer, '--format', 'csv']);
    const comma = leadaudit(['diff', older, newer, '--format', 'csv', '--decimal-comma']);
    expect(comma.split('\n')[0]).toContain(';');
    expect(sameExceptDecimals(cells(plain, ','), cells(comma, ';'))).toBeGreaterThan(10);
  });

  it('leaves table, json, md and html byte for byte as they are', () => {
    for (const format of ['table', 'json', 'md', 'html']) {
      expect(leadaudit(['demo', '--format', format, '--decimal-comma']), format).toBe(leadaudit(['demo', '--format', format]));
    }
  });
});
