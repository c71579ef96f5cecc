/**
 * The corpus of bad inputs (fixtures/bad/, one fault per file, plus a few generated here because
 * they are megabytes or a thousand rows): for each, what leadaudit does, written down. The exit
 * code (README: 1 input, 2 usage); the one-line message naming the file and line, column or rubric
 * path; no stack trace without --verbose; and where a report is produced, the row accounting of
 * docs/json.md (read = used + rejected + skipped, deals used = attributed + unattributed) in --format json,
 * with every rejected row in --rejects FILE with its reason.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');
const bad = (name: string) => `fixtures/bad/${name}`;
const LEADS = bad('leads.csv');
const AS_OF = ['--as-of', '2025-06-30'];
const tmp = mkdtempSync(join(tmpdir(), 'leadaudit-bad-'));

function run(args: string[], options: { timeout?: number } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeout ?? 50_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Accounting {
  file: string;
  read: number;
  used: number;
  rejected: number;
  skipped: number;
  duplicates: number;
  reasons: Record<string, number>;
  encoding: string;
  delimiter: string;
  attributed?: number | null;
  unattributed?: number | null;
}

interface Doc {
  inputs: { leads: Accounting | null; deals: Accounting | null };
  reports: Record<string, { rows: Record<string, unknown>[]; notes: string[] }>;
}

function noStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at .+[:(]\d+/);
  expect(stderr).not.toMatch(/internal error/);
}

/** Exit 1 or 2 with exactly one error line, matching `message`. */
function expectError(r: ReturnType<typeof run>, code: 1 | 2, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('leadaudit: error:'));
  expect(errors, r.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(message);
  noStackTrace(r.stderr);
}

/** Exit 0 (or `code`), a JSON report, and the row accounting holding for every input file. */
function expectReport(r: ReturnType<typeof run>, code = 0): Doc {
  expect(r.code, r.stderr).toBe(code);
  noStackTrace(r.stderr);
  const doc = JSON.parse(r.stdout) as Doc;
  for (const acc of [doc.inputs.leads, doc.inputs.deals]) {
    if (acc === null) continue;
    expect(acc.read, `${acc.file}: read = used + rejected + skipped`).toBe(acc.used + acc.rejected + acc.skipped);
    expect(Object.values(acc.reasons).reduce((a, b) => a + b, 0), `${acc.file}: every rejected or skipped row has a reason`).toBe(acc.rejected + acc.skipped);
    if (acc.attributed !== undefined && acc.attributed !== null) expect(acc.used).toBe(acc.attributed + acc.unattributed!);
  }
  return doc;
}

/**
 * The warnings of a run about its input, without the caveats of docs/verdicts.md (an --as-of long
 * after the data, stages a leads-only run cannot reach), which most of these small early-2025
 * fixtures earn and test/verdicts.test.ts checks.
 */
function warnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('leadaudit: warning:') && !/^leadaudit: warning: (the newest date in the data is|stage ")/.test(l));
}

/** `--rejects FILE` of a run: every rejected row, with its line and reason. */
function rejects(args: string[]): { code: number | null; rows: Record<string, string>[] } {
  const out = join(tmp, `rejects-${Math.random().toString(36).slice(2)}.csv`);
  const r = run([...args, '--rejects', out, '--quiet']);
  const text = readFileSync(out, 'utf8');
  return { code: r.code, rows: parse(text, { columns: true, relax_column_count: true }) as Record<string, string>[] };
}

const audit = (...files: string[]) => ['audit', ...files, ...AS_OF, '--format', 'json'];
const scoreCells = (file: string, extra: string[] = []) => ['score', file, '--with-columns', ...AS_OF, '--format', 'json', ...extra];
const check = (...files: string[]) => ['check', ...files, ...AS_OF, '--format', 'json'];
const qualityRows = (doc: Doc) => doc.reports.quality!.rows as { file: string; check: string; count: number | null; detail: string | null }[];

describe('empty and header-only files', () => {
  it('empty.csv: exit 1, "the file is empty"', () => {
    expectError(run(audit(bad('empty.csv'))), 1, /^leadaudit: error: fixtures\/bad\/empty\.csv: the file is empty \(no header row\)$/);
  });

  it('header-only.csv: exit 1, "no usable rows (0 read)"', () => {
    expectError(run(audit(bad('header-only.csv'))), 1, /fixtures\/bad\/header-only\.csv: no usable rows \(0 read\)$/);
  });
});

describe('encodings: the BOM decides, else UTF-16 by its NULs, else UTF-8, else Windows-1252 with a warning', () => {
  const cases: [file: string, encoding: string, delimiter: string, name: string][] = [
    ['bom-utf8.csv', 'utf-8', ',', 'Ann Lee'],
    ['bom-utf16le.tsv', 'utf-16le', 'tab', 'Ann Løvaas'], // Excel's "Unicode text": UTF-16LE, tabs, CRLF
    ['bom-utf16be.csv', 'utf-16be', ',', 'Bob Ruíz'],
    ['utf16le-no-bom.csv', 'utf-16le', ',', 'Cy Díaz'],
  ];
  it.each(cases)('%s: read as %s, the first header clean, names intact', (file, encoding, delimiter, name) => {
    const r = run(scoreCells(bad(file)));
    const doc = expectReport(r);
    expect(doc.inputs.leads).toMatchObject({ encoding, delimiter, read: 3, used: 3, rejected: 0 });
    const rows = doc.reports.score!.rows;
    expect(rows.map((row) => row.lead_id)).toEqual(['L1', 'L2', 'L3']); // "id" found: no BOM left in it
    expect(rows.map((row) => row.name)).toContain(name);
    expect(warnings(r.stderr)).toEqual([]);
  });

  it('windows-1252.csv: read as Windows-1252 with a warning; é, ü, ö and € (0x80) intact', () => {
    const r = run(scoreCells(bad('windows-1252.csv')));
    const doc = expectReport(r);
    expect(doc.inputs.leads).toMatchObject({ encoding: 'windows-1252', read: 2, used: 2 });
    expect(warnings(r.stderr)).toEqual([
      'leadaudit: warning: fixtures/bad/windows-1252.csv: not valid UTF-8; read as Windows-1252 (use --encoding to choose another)',
    ]);
    const rows = doc.reports.score!.rows;
    expect(rows.map((row) => [row.name, row.owner, row.source])).toEqual([
      ['Renée Müller', 'Jörg', 'web'],
      ['Bob Roy', 'Ben', '€uro partner'],
    ]);
  });
});

describe('NUL characters', () => {
  it('nul-bytes.csv: removed from the cells, counted and warned with the first line and column; check shows them; --strict is exit 1', () => {
    const r = run(scoreCells(bad('nul-bytes.csv')));
    const doc = expectReport(r);
    expect(doc.inputs.leads).toMatchObject({ read: 3, used: 3 });
    expect(warnings(r.stderr)).toEqual([
      'leadaudit: warning: fixtures/bad/nul-bytes.csv: 3 NUL characters removed from 2 cells (first at line 2, column "name"); is the file damaged?',
    ]);
    expect(doc.reports.score!.rows.map((row) => [row.name, row.source])).toEqual([
      ['Ann Lee', 'web'],
      ['Bob Roy', 'partner'],
      ['Cy Diaz', 'web'],
    ]);
    const quality = qualityRows(expectReport(run(check(bad('nul-bytes.csv')))));
    expect(quality).toContainEqual({ file: 'leads', check: 'NUL characters removed', count: 3, detail: 'from 2 cells; first at line 2, column "name"' });
    expectError(run([...audit(bad('nul-bytes.csv')), '--strict']), 1, /nul-bytes\.csv line 2: a NUL character in column "name" \(--strict\)$/);
  });
});

describe('quotes that never close: exit 1 naming the line where the quote opens', () => {
  it.each([
    ['unterminated-quote-start.csv', 1, 'the quote opens in the header row'],
    ['unterminated-quote-middle.csv', 3, 'the quote opens in the row starting here'],
    ['unterminated-quote-end.csv', 4, 'the quote opens in the row starting here'],
  ] as const)('%s: line %i', (file, line, where) => {
    expectError(run(audit(bad(file))), 1, new RegExp(`fixtures/bad/${file.replace('.', '\\.')} line ${line}: a quoted field is never closed \\(${where}\\)$`));
  });
});

describe('ragged rows: rejected with their line, the rest used; --rejects keeps them; --strict is exit 1', () => {
  it.each([
    ['ragged-short.csv', 'too_few_cells', 'too few cells', '5 cells, header has 7'],
    ['ragged-long.csv', 'too_many_cells', 'too many cells', '9 cells, header has 7'],
  ] as const)('%s', (file, code, reason, detail) => {
    const r = run(audit(bad(file)));
    const doc = expectReport(r);
    expect(doc.inputs.leads).toMatchObject({ read: 3, used: 2, rejected: 1, reasons: { [code]: 1 } });
    expect(warnings(r.stderr)).toContain(`leadaudit: warning: fixtures/bad/${file}: 1 row rejected (first at line 3: ${reason} (${detail})); --rejects FILE writes them out`);
    const kept = rejects(audit(bad(file)));
    expect(kept.code).toBe(0);
    expect(kept.rows).toHaveLength(1);
    expect(kept.rows[0]).toMatchObject({ id: 'L2', _file: `fixtures/bad/${file}`, _line: '3', _reason: `${reason} (${detail})` });
    expectError(run([...audit(bad(file)), '--strict']), 1, new RegExp(`${file.replace('.', '\\.')} line 3: ${reason} \\(${detail}\\) \\(--strict\\)$`));
  });
});

describe('headers', () => {
  it('duplicate-headers.csv: exit 1 naming both columns', () => {
    expectError(run(audit(bad('duplicate-headers.csv'))), 1, /duplicate-headers\.csv line 1: duplicate column name "Email" in columns 2 and 6$/);
  });

  it('blank-header.csv: a blank name in the middle is named "column 3" with a warning; a blank one at the end is dropped', () => {
    const r = run(scoreCells(bad('blank-header.csv')));
    const doc = expectReport(r);
    expect(doc.inputs.leads).toMatchObject({ read: 3, used: 3, rejected: 0 });
    expect(warnings(r.stderr)).toEqual(['leadaudit: warning: fixtures/bad/blank-header.csv line 1: column 3 has no name; called it "column 3"']);
    expect(doc.reports.score!.rows[0]).toMatchObject({ lead_id: 'L1', 'column 3': 'Ann Lee' });
  });
});

describe('headerless files: exit 1 saying so; leads.header gives the names', () => {
  it('headerless.csv: exit 1, "the first row looks like data", naming the cells and the rubric key (was: duplicate column name "\\N")', () => {
    expectError(
      run(audit(bad('headerless.csv'))),
      1,
      /headerless\.csv: the first row looks like data, not a header \(cells "ann@acme\.com" \(an email\), "\\N" \(MySQL's null\), "2025-01-05" \(a date\)\); give the column names with leads\.header: \[name, …\] in the rubric/,
    );
    // A deals file names deals.header.
    expectError(run(['audit', '--deals', bad('headerless.csv'), ...AS_OF]), 1, /give the column names with deals\.header/);
  });

  it('rubric-headerless.yml: with leads.header the first row is data; every command reads it (audit, check, score)', () => {
    const rubric = ['--rubric', bad('rubric-headerless.yml')];
    const doc = expectReport(run([...scoreCells(bad('headerless.csv')), ...rubric]));
    expect(doc.inputs.leads).toMatchObject({ read: 3, used: 3, rejected: 0 });
    expect(doc.reports.score!.rows.map((row) => [row.lead_id, row.owner])).toEqual([
      ['L1', '\\N'],
      ['L2', '\\N'],
      ['L3', 'Ana'],
    ]);
    expectReport(run([...audit(bad('headerless.csv')), ...rubric]));
    expectReport(run([...check(bad('headerless.csv')), ...rubric]));
  });

  it('rubric-headerless.yml found as ./leadaudit.yml: no --rubric needed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-headerless-'));
    copyFileSync(bad('rubric-headerless.yml'), join(dir, 'leadaudit.yml'));
    const r = spawnSync(process.execPath, [bin, 'audit', resolve(root, bad('headerless.csv')), ...AS_OF, '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Doc).inputs.leads).toMatchObject({ read: 3, used: 3 });
  });

  it('rubric-header-too-few.yml: names that do not fit the file are exit 1 naming both counts; a repeated name is exit 2', () => {
    expectError(run([...audit(bad('headerless.csv')), '--rubric', bad('rubric-header-too-few.yml')]), 1, /headerless\.csv line 1: leads\.header names 5 columns, but the first row has 6 cells/);
    const twice = join(tmp, 'header-twice.yml');
    writeFileSync(twice, 'version: 1\npreset: generic\nleads:\n  header: [id, email, name, source, Email, owner]\n');
    expectError(run([...audit(bad('headerless.csv')), '--rubric', twice]), 2, /header-twice\.yml: leads\.header\[4\]: "Email" is already the name of leads\.header\[1\]/);
    // Names given for a file that has a header row: its first row repeats them.
    const given = join(tmp, 'header-given.yml');
    writeFileSync(given, 'version: 1\npreset: generic\nleads:\n  header: [id, email, source, created]\n');
    expectError(run([...audit(LEADS), '--rubric', given]), 1, /leads\.csv line 1: the first row is a header row \(it repeats leads\.header\)/);
  });
});

describe('summary rows at the end of report exports: skipped and counted', () => {
  it('summary-row.csv: a statistics row (numbers in text columns) and a Total row after a blank line are skipped as "summary row"; check lists them', () => {
    const doc = expectReport(run(scoreCells(bad('summary-row.csv'))));
    expect(doc.inputs.leads).toMatchObject({ read: 6, used: 3, rejected: 0, skipped: 3, reasons: { blank_line: 1, summary_row: 2 } });
    // No lead with channel "0.0016" or id "": the rows are not data.
    expect(doc.reports.score!.rows.map((row) => row.lead_id)).toEqual(['L1', 'L2', 'L3']);
    expect(qualityRows(expectReport(run(check(bad('summary-row.csv')))))).toContainEqual(expect.objectContaining({ file: 'leads', check: '  summary row', count: 2 }));
  });
});

describe('backslash-escaped quotes (MySQL INTO OUTFILE): --escape backslash or leads.escape', () => {
  const names = (args: string[]) => {
    const doc = expectReport(run(args));
    expect(doc.inputs.leads).toMatchObject({ read: 3, used: 3, rejected: 0 });
    return doc.reports.score!.rows.map((row) => [row.name, row.notes]);
  };
  const unescaped = [
    ['Ann O"Brien', 'C:\\temp'],
    ['Bob "Bobby" Roy', 'line one\nline two'],
    ['\\N', '\\N'],
  ];

  it('escape-backslash.csv: \\" is a quote, \\\\ a backslash, \\n a line end, \\N stays as written', () => {
    expect(names([...scoreCells(bad('escape-backslash.csv')), '--escape', 'backslash'])).toEqual(unescaped);
    expect(names([...scoreCells(bad('escape-backslash.csv')), '--rubric', bad('rubric-escape-backslash.yml')])).toEqual(unescaped);
    // Read as RFC 4180 (the default), the backslashes stay and the quotes are not unescaped; a warning says why.
    expect(names(scoreCells(bad('escape-backslash.csv')))[0]).toEqual(['"Ann O\\"Brien"', 'C:\\\\temp']);
    expect(warnings(run(audit(bad('escape-backslash.csv'))).stderr)).toEqual([
      'leadaudit: warning: fixtures/bad/escape-backslash.csv line 2: a quote escaped with a backslash (\\"); if the file was written so (MySQL INTO OUTFILE), read it with --escape backslash (or leads.escape / deals.escape: backslash in the rubric)',
    ]);
    expect(warnings(run([...audit(bad('escape-backslash.csv')), '--escape', 'backslash']).stderr)).toEqual([]);
  });

  it('--escape takes quote or backslash only (exit 2)', () => {
    const r = run([...audit(bad('escape-backslash.csv')), '--escape', 'mysql']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--escape <how>' argument 'mysql' is invalid\. Allowed choices are quote, backslash/);
  });
});

describe('separators and line ends', () => {
  it("sep-semicolon.csv: Excel's sep=; line sets the delimiter and is not a row; lines count from the file", () => {
    const doc = expectReport(run(scoreCells(bad('sep-semicolon.csv'))));
    expect(doc.inputs.leads).toMatchObject({ delimiter: ';', read: 3, used: 3 });
    expect(doc.reports.score!.rows[0]).toMatchObject({ lead_id: 'L1', name: 'Lee, Ann' });
  });

  it('mixed-line-endings.csv: CRLF, LF and CR all end rows, with a warning', () => {
    const r = run(scoreCells(bad('mixed-line-endings.csv')));
    const doc = expectReport(r);
    expect(doc.inputs.leads).toMatchObject({ read: 3, used: 3, rejected: 0 });
    expect(doc.reports.score!.rows.map((row) => row.owner)).toEqual(['Ana', 'Ben', 'Ana']); // no \r left on the last cell
    expect(warnings(r.stderr).join('\n')).toMatch(/mixed-line-endings\.csv: mixed line endings from line 2 on/);
  });
});

describe('limits: a field over 1 MB rejects its row, a long line is fine', () => {
  const header = 'id,email,source,created,notes';
  it('a 5 MB field: the row is rejected ("field too long", naming line and column) and written whole to --rejects', () => {
    const file = join(tmp, 'field-5mb.csv');
    const huge = 'x'.repeat(5 * 1024 * 1024);
    writeFileSync(file, `${header}\nL1,a@x.com,web,2025-01-05,short\nL2,b@x.com,web,2025-01-06,"${huge}"\nL3,c@x.com,ads,2025-01-07,ok\n`);
    const r = run(audit(file));
    const doc = expectReport(r);
    expect(doc.inputs.leads).toMatchObject({ read: 3, used: 2, rejected: 1, reasons: { field_too_long: 1 } });
    expect(warnings(r.stderr).join('\n')).toContain(
      'line 3: field too long (column "notes" is 5.0 MB, over the 1 MB limit for one field; is a quote left open?)',
    );
    const kept = rejects(audit(file));
    expect(kept.rows).toHaveLength(1);
    expect(kept.rows[0]!.notes).toBe(huge);
    expect(kept.rows[0]).toMatchObject({ id: 'L2', _line: '3' });
  });

  it('a 1 MB line: read and used like any other', () => {
    const file = join(tmp, 'line-1mb.csv');
    writeFileSync(file, `${header}\nL1,a@x.com,web,2025-01-05,short\nL2,b@x.com,web,2025-01-06,${'y'.repeat(1_000_000)}\nL3,c@x.com,ads,2025-01-07,ok\n`);
    const doc = expectReport(run(audit(file)));
    expect(doc.inputs.leads).toMatchObject({ read: 3, used: 3, rejected: 0 });
  });
});

describe('files that are not CSV: exit 1 saying what they are', () => {
  it.each([
    ['not-csv.png', 'looks like a PNG image, not a CSV file'],
    ['not-csv.xlsx', 'looks like an Excel workbook (.xlsx), not a CSV file; save or export it as CSV (in Excel: File > Save As > CSV UTF-8)'],
    ['not-csv.json', 'looks like JSON, not a CSV file; export the data as CSV'],
  ])('%s', (file, what) => {
    const r = run(audit(bad(file)));
    expectError(r, 1, new RegExp(`^leadaudit: error: fixtures/bad/${file.replace('.', '\\.')}: ${what.replace(/[().>]/g, '\\$&')}$`));
    expect(r.stdout).toBe('');
    // As the deals file too, and when only the header is peeked (init).
    expectError(run(audit(LEADS, bad(file))), 1, new RegExp(`fixtures/bad/${file.replace('.', '\\.')}: looks like`));
  });
});

describe('values that cannot be read, or cannot be right: counted warnings shown by check, rows kept', () => {
  it('impossible-date.csv: 2/30/2024 and 13/45/2024 are unreadable, treated as missing, rows kept', () => {
    const r = run(audit(bad('impossible-date.csv')));
    const doc = expectReport(r);
    expect(doc.inputs.leads).toMatchObject({ read: 3, used: 3, rejected: 0 });
    const w = warnings(r.stderr).join('\n');
    expect(w).toContain('impossible-date.csv: 1 value in column "created" could not be read (first at line 2: "2/30/2024"); treated as missing');
    expect(w).toContain('impossible-date.csv: 1 value in column "last_activity" could not be read (first at line 3: "13/45/2024"); treated as missing');
    const quality = qualityRows(expectReport(run(check(bad('impossible-date.csv')))));
    expect(quality).toContainEqual({ file: 'leads', check: 'unreadable values in "created"', count: 1, detail: 'first at line 2: "2/30/2024"; treated as missing' });
    expectError(run([...audit(bad('impossible-date.csv')), '--strict']), 1, /impossible-date\.csv: 1 value in column "created" could not be read \(first at line 2: "2\/30\/2024"\) \(--strict\)$/);
  });

  it('far-future-date.csv: dates over a year after the as-of date are counted per column and kept', () => {
    const r = run(audit(bad('far-future-date.csv')));
    expectReport(r);
    expect(warnings(r.stderr)).toEqual([
      'leadaudit: warning: fixtures/bad/far-future-date.csv: 1 date in column "created" is more than a year after the as-of date 2025-06-30 (first at line 2: 2099-01-05); kept as written',
      'leadaudit: warning: fixtures/bad/far-future-date.csv: 1 date in column "last_activity" is more than a year after the as-of date 2025-06-30 (first at line 3: 9999-12-31); kept as written',
    ]);
    const quality = qualityRows(expectReport(run(check(bad('far-future-date.csv')))));
    expect(quality).toContainEqual({ file: 'leads', check: 'dates over a year after the as-of date in "created"', count: 1, detail: 'first at line 2: 2099-01-05; kept as written' });
  });

  it('deals-close-before-create.csv: counted with the first line and both dates', () => {
    const r = run(audit(LEADS, bad('deals-close-before-create.csv')));
    expectReport(r);
    expect(warnings(r.stderr)).toContain(
      'leadaudit: warning: fixtures/bad/deals-close-before-create.csv: 2 deals closed before they were created (first at line 3: created 2025-02-10, closed 2025-01-20); kept as written',
    );
    const quality = qualityRows(expectReport(run(check(LEADS, bad('deals-close-before-create.csv')))));
    expect(quality).toContainEqual({ file: 'deals', check: 'deals closed before they were created', count: 2, detail: 'first at line 3: created 2025-02-10, closed 2025-01-20; kept as written' });
  });

  it.each([
    ['deals-amount-1e309.csv', '1 value in column "amount" could not be read (first at line 2: "1e309"); treated as missing', 500],
    ['deals-amount-nan.csv', '2 values in column "amount" could not be read (first at line 2: "NaN"); treated as missing', 500],
  ])('%s: unreadable, missing (not zero, not Infinity)', (file, warning, revenue) => {
    const r = run(audit(LEADS, bad(file)));
    const doc = expectReport(r);
    expect(warnings(r.stderr)).toContain(`leadaudit: warning: fixtures/bad/${file}: ${warning}`);
    expect(doc.reports.summary!.rows[0]).toMatchObject({ won_revenue: revenue });
    expect(doc.inputs.deals).toMatchObject({ read: doc.inputs.deals!.used, rejected: 0 });
  });

  it('deals-amount-negative.csv: -1200 and (500) are read, counted and added as they are', () => {
    const r = run(audit(LEADS, bad('deals-amount-negative.csv')));
    const doc = expectReport(r);
    expect(warnings(r.stderr)).toContain('leadaudit: warning: fixtures/bad/deals-amount-negative.csv: 2 negative amounts in column "amount" (first at line 2: -1200); added as they are');
    expect(doc.reports.summary!.rows[0]).toMatchObject({ won: 3, won_revenue: -1200 - 500 + 700 });
  });

  it('deals-amount-blank.csv: blank amounts are missing, never zero, and not a warning', () => {
    const r = run(audit(LEADS, bad('deals-amount-blank.csv')));
    const doc = expectReport(r);
    expect(warnings(r.stderr)).toEqual([]);
    expect(doc.reports.summary!.rows[0]).toMatchObject({ won: 2, won_revenue: 500 });
  });
});

describe('joins', () => {
  it('duplicate-lead-ids.csv: the first row of an id is kept, the next rejected as "duplicate id" and written to --rejects', () => {
    const r = run(audit(bad('duplicate-lead-ids.csv')));
    const doc = expectReport(r);
    expect(doc.inputs.leads).toMatchObject({ read: 4, used: 3, rejected: 1, duplicates: 1, reasons: { duplicate_id: 1 } });
    const kept = rejects(audit(bad('duplicate-lead-ids.csv')));
    expect(kept.rows).toEqual([{ id: 'L1', email: 'ann.again@acme.com', source: 'ads', created: '2025-02-01', _file: 'fixtures/bad/duplicate-lead-ids.csv', _line: '4', _reason: 'duplicate id' }]);
  });

  it('deals-no-lead.csv: deals naming no lead (or none) are unattributed, still counted, in the (unattributed) row', () => {
    const doc = expectReport(run(audit(LEADS, bad('deals-no-lead.csv'))));
    expect(doc.inputs.deals).toMatchObject({ read: 3, used: 3, attributed: 1, unattributed: 2 });
    const sources = doc.reports.sources!.rows;
    expect(sources.find((row) => row.channel === '(unattributed)')).toMatchObject({ won: 1, won_revenue: 500 });
    expect(doc.reports.summary!.rows[0]).toMatchObject({ won_revenue: 1200 + 500 });
  });

  it('deals-no-lead-at-all.csv: a warning that the join matched nothing, naming the join', () => {
    const r = run(audit(LEADS, bad('deals-no-lead-at-all.csv')));
    const doc = expectReport(r);
    expect(doc.inputs.deals).toMatchObject({ attributed: 0, unattributed: 2 });
    expect(warnings(r.stderr)).toContain(
      'leadaudit: warning: no deal matched a lead (join: lead id = deal lead); every deal is unattributed — check the join in the rubric',
    );
  });

  it('a lead with 1,000 deals: every deal attributed to it, its revenue summed once each', () => {
    const deals = join(tmp, 'deals-1000-for-one-lead.csv');
    const rows = Array.from({ length: 1000 }, (_, i) => `D${i + 1},L1,${i % 4 === 0 ? 'lost' : 'won'},${i + 1},2025-02-01,2025-03-01`);
    writeFileSync(deals, `id,lead_id,stage,amount,created,closed\n${rows.join('\n')}\n`);
    const doc = expectReport(run(audit(LEADS, deals)));
    expect(doc.inputs.deals).toMatchObject({ read: 1000, used: 1000, attributed: 1000, unattributed: 0 });
    const wonRevenue = Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? 0 : i + 1)).reduce((a, b) => a + b, 0);
    expect(doc.reports.summary!.rows[0]).toMatchObject({ won: 1, won_revenue: wonRevenue });
    expect(doc.reports.sources!.rows.find((row) => row.channel === 'web')).toMatchObject({ leads: 2, won: 1, won_revenue: wonRevenue });
  });
});

describe('rubrics: exit 2 naming the rubric file and path', () => {
  it.each([
    ['rubric-missing-column.yml', /fixtures\/bad\/leads\.csv: no column "Lead Source" \(fixtures\/bad\/rubric-missing-column\.yml: leads\.columns\.source\); closest: "source"$/],
    ['rubric-bad-regex.yml', /fixtures\/bad\/rubric-bad-regex\.yml: score\.signals\[0\]\.when\.name\.matches: not a valid regular expression: .*Unterminated group$/],
    ['rubric-regex-backreference-repeat.yml', /rubric-regex-backreference-repeat\.yml: score\.signals\[0\]\.when\.name\.matches: "\(\\\\w\+\)\\\\s\+\\\\1\+" could take exponential time on some values/],
    ['rubric-unknown-key.yml', /fixtures\/bad\/rubric-unknown-key\.yml: score: unknown key "grade" \(did you mean "grades"\?\)$/],
    ['rubric-wrong-type.yml', /fixtures\/bad\/rubric-wrong-type\.yml: stages\[0\]\.stallAfterDays: expected a number, got "thirty"$/],
    ['rubric-duplicate-stage.yml', /fixtures\/bad\/rubric-duplicate-stage\.yml: stages\[2\]\.key: "lead" is already the key of stages\[0\]$/],
    ['rubric-status-in-two-stages.yml', /rubric-status-in-two-stages\.yml: stages\[2\]\.reachedWhen\.status: "Engaged" already means stage "mql" \(stages\[1\]\); a status belongs to one stage$/],
    ['rubric-duplicate-deal-stage.yml', /rubric-duplicate-deal-stage\.yml: deals\.stages\[2\]\.value: "Discovery" is already a value of deals\.stages\[0\]; a deal stage has one place in the pipeline$/],
    ['rubric-empty-stages.yml', /fixtures\/bad\/rubric-empty-stages\.yml: stages: expected at least one stage$/],
    ['rubric-yaml-syntax.yml', /fixtures\/bad\/rubric-yaml-syntax\.yml line 5 column 3: /],
  ])('%s', (rubric, message) => {
    expectError(run([...audit(LEADS, bad('deals-no-lead.csv')), '--rubric', bad(rubric)]), 2, message);
  });

  it('rubric-regex-catastrophic.yml: (a+)+$, ^(\\w+\\s?)*$ and .*.*.*= run to the end on cells made to make them backtrack', () => {
    const leads = join(tmp, 'backtracking-names.csv');
    const names = ['a'.repeat(900) + '!', 'word '.repeat(180) + '!', '.'.repeat(950), 'Ann Lee'];
    writeFileSync(leads, `id,name,source\n${names.map((n, i) => `L${i + 1},${n},web`).join('\n')}\n`);
    const r = run(['score', leads, ...AS_OF, '--format', 'json', '--rubric', bad('rubric-regex-catastrophic.yml')], { timeout: 55_000 });
    const doc = expectReport(r);
    expect(doc.reports.score!.rows.map((row) => row.score)).toEqual([0, 0, 0, 5]); // only "Ann Lee" is words
  });
});

describe('one file given as two inputs, or an output over an input: exit 2, nothing written', () => {
  const copy = () => {
    const dir = mkdtempSync(join(tmp, 'same-'));
    const leads = join(dir, 'leads.csv');
    copyFileSync(join(root, LEADS), leads);
    return { dir, leads };
  };

  it('leads.csv as both the leads and the deals file, by any path', () => {
    expectError(run(audit(LEADS, LEADS)), 2, /fixtures\/bad\/leads\.csv is given as both the leads and the deals file$/);
    expectError(run(audit(LEADS, `./fixtures/../fixtures/bad/leads.csv`)), 2, /is given as both the leads and the deals file$/);
    expectError(run(['audit', '--leads', LEADS, '--deals', LEADS, ...AS_OF]), 2, /is given as both the leads and the deals file$/);
  });

  it('the leads file as --spend or --rubric', () => {
    expectError(run([...audit(LEADS), '--spend', LEADS]), 2, /fixtures\/bad\/leads\.csv is given as both the leads and the spend file$/);
    expectError(run([...audit(LEADS), '--rubric', LEADS]), 2, /fixtures\/bad\/leads\.csv is given as both the leads and the rubric file$/);
  });

  it('-o, --rejects or --out-dir onto an input', () => {
    const { dir, leads } = copy();
    const before = readFileSync(leads, 'utf8');
    expectError(run([...audit(leads), '-o', leads]), 2, /-o \S*leads\.csv: is the leads file \(\S*leads\.csv\); refusing to write over it/);
    expectError(run([...audit(leads), '--rejects', leads]), 2, /--rejects \S*leads\.csv: is the leads file \(\S*leads\.csv\); refusing to write over it/);
    const spend = join(dir, 'sources.json');
    writeFileSync(spend, 'channel,spend\nweb,100\n');
    expectError(run([...audit(leads), '--spend', spend, '--out-dir', dir]), 2, /--out-dir \S*sources\.json: is the spend file \(\S*sources\.json\); refusing to write over it/);
    expect(readFileSync(leads, 'utf8')).toBe(before);
    expect(readFileSync(spend, 'utf8')).toBe('channel,spend\nweb,100\n');
  });
});

describe('--verbose', () => {
  it('is what adds a stack trace to an error', () => {
    const quiet = run(audit(bad('not-csv.png')));
    noStackTrace(quiet.stderr);
    const verbose = run([...audit(bad('not-csv.png')), '--verbose']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at .+/);
  });
});
