/**
 * Hostile input comes out inert (SPEC §7.2): a lead named `=HYPERLINK("http://x","y")` and one
 * named `<script>alert(1)</script>` leave `stalls --format csv` and `--format html` as text. The
 * CSV check is made by a real spreadsheet: LibreOffice (headless) opens the CSV and writes back
 * what its cells show — a formula would show its result instead of its text.
 *
 * Needs Debian's `libreoffice-calc` (or `libreoffice-calc-nogui`); that part is skipped, saying so,
 * when `soffice` is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');
const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));
const HOSTILE = ['fixtures/edge/hostile-leads.csv', '--as-of', '2025-06-30', '--quiet'];

function stalls(format: string): string {
  const r = spawnSync(process.execPath, [bin, 'stalls', ...HOSTILE, '--format', format], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
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
