/**
 * Hostile cells end to end (README, "Spreadsheet-safe"), through the built binary, on fixtures/bad/hostile-every-column.csv:
 * a formula-like start (`=` `+` `-` `@` TAB CR, and full-width ＝) in every column, a Markdown pipe,
 * HTML, and ANSI escapes. What is added here to the unit tests of render*.test.ts and the
 * spreadsheet test: every text cell from input, including `score --with-columns`, in CSV and TSV;
 * Markdown, HTML and the terminal table from the CLI; and error messages on standard error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');
const HOSTILE = 'fixtures/bad/hostile-every-column.csv';
const INPUT_COLUMNS = ['id', 'email', 'name', 'source', 'created', 'owner', 'Job Title', 'Notes'];

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const score = (format: string, extra: string[] = []) => run(['score', HOSTILE, '--with-columns', '--as-of', '2025-06-30', '--quiet', '--format', format, ...extra]);

/** What a spreadsheet would run as a formula: a cell starting with = + - @ TAB CR (or the full-width ones). */
const FORMULA = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));

describe('score --with-columns: every text cell from input is neutralized in CSV and TSV', () => {
  it.each([
    ['csv', ','],
    ['tsv', '\t'],
  ])('%s', (format, delimiter) => {
    const r = score(format);
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true, delimiter, relax_quotes: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    const raw = parse(readFileSync(join(root, HOSTILE), 'utf8'), { columns: true }) as Record<string, string>[];
    for (const [i, row] of rows.entries()) {
      for (const column of INPUT_COLUMNS) {
        const original = raw[i]![column]!;
        // Each input cell comes back as itself, or as itself behind one apostrophe when it starts like a formula.
        expect(row[column], `${column} of row ${i + 1}`).toBe(FORMULA.test(original) ? `'${original}` : original);
        expect(row[column]).not.toMatch(FORMULA);
      }
      // The tool's own columns that echo input (lead_id, channel) too; computed numbers untouched.
      expect(row.lead_id).not.toMatch(FORMULA);
      expect(row.channel).not.toMatch(FORMULA);
      expect(row.score).toBe('0');
    }
    expect(rows[0]).toMatchObject({ lead_id: "'=1+1", channel: "'+web", name: `'=HYPERLINK("http://e.vil","y")`, Notes: "'\rCR note" });
    expect(rows[1]).toMatchObject({ 'Job Title': "'\uff1dfullwidth", Notes: "'=cmd|' /C calc'!A0" });
  });
});

describe('score --with-columns in a real spreadsheet', () => {
  it.skipIf(!soffice)(`LibreOffice shows every hostile cell as text, runs none${soffice ? '' : ' (skipped: soffice not installed)'}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-soffice-score-'));
    writeFileSync(join(dir, 'scored.csv'), score('csv').stdout);
    // Open as CSV (comma, double quote, UTF-8) and write back what each cell shows.
    const filter = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false';
    const r = spawnSync(soffice!, ['--headless', '--norestore', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', filter, '--outdir', join(dir, 'out'), join(dir, 'scored.csv')], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const shown = parse(readFileSync(join(dir, 'out', 'scored.csv'), 'utf8'), { columns: true, relax_quotes: true }) as Record<string, string>[];
    expect(shown[0]!.id).toContain('=1+1'); // not 2
    expect(shown[0]!.name).toContain('=HYPERLINK("http://e.vil","y")'); // not y
    expect(shown[0]!.source).toContain('+web');
    expect(shown[0]!.owner).toContain('-Ana');
    expect(shown[1]!.Notes).toContain("=cmd|' /C calc'!A0");
    expect(shown[1]!.owner).toContain('@Ben');
  });
});

describe('Markdown, HTML and the terminal table of the same cells', () => {
  it('Markdown escapes the pipe and HTML, and drops control characters, so each row keeps its cells', () => {
    const r = score('md');
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('| L2 |'))!;
    expect(line).toContain('Bob \\| &lt;b&gt;bold&lt;/b&gt; &amp; red');
    expect(line).toContain("=cmd\\|' /C calc'!A0");
    expect(line.split(/(?<!\\)\|/).length - 2).toBe(18); // 18 cells, not one more per pipe in the data
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/); // eslint-disable-line no-control-regex
    expect(r.stdout).not.toContain('<b>');
  });

  it('HTML escapes every value: no tag, attribute or entity from the data survives as markup', () => {
    const r = score('html');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('<b>bold</b>');
    expect(r.stdout).toContain('Bob | &lt;b&gt;bold&lt;/b&gt; &amp;');
    expect(r.stdout).toContain('=HYPERLINK(&quot;http://e.vil&quot;,&quot;y&quot;)');
    expect(r.stdout).toContain('=cmd|&#39; /C calc&#39;!A0');
    expect(r.stdout).not.toMatch(/href="http:\/\/e\.vil/);
  });

  it('the terminal table strips ANSI escape sequences and control characters from data, with colour off and on', () => {
    const envs: Record<string, string>[] = [{}, { FORCE_COLOR: '1', NO_COLOR: '' }];
    for (const env of envs) {
      const r = run(['score', HOSTILE, '--with-columns', '--as-of', '2025-06-30', '--quiet', '--wide'], env);
      expect(r.code).toBe(0);
      // eslint-disable-next-line no-control-regex -- leadaudit's own colours (chalk), if any
      const plain = r.stdout.replace(/\u001b\[[0-9;]*m/g, '');
      expect(plain).toContain('Bob | <b>bold</b> & red');
      expect(plain).toContain(' TAB title '); // the TAB became a space
      expect(plain).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/); // eslint-disable-line no-control-regex
      expect(r.stdout).not.toContain('\u001b[31mred'); // the data's own escape is gone
    }
  });

  it('error messages and warnings on standard error strip escapes that came from the data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-inject-'));
    const file = join(dir, 'escape-in-header.csv');
    writeFileSync(file, 'id,\u001b[2J\u001b]0;pwned\u0007name,\u001b[2J\u001b]0;pwned\u0007NAME\n1,a,b\n');
    const r = run(['audit', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/duplicate column name "NAME" in columns 2 and 3/);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).not.toContain('\u0007');
  });
});
