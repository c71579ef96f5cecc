/**
 * `inputs.*.reasons` keys are stable identifiers (docs/json.md, "Reason keys"): each key comes from
 * the tiny input named for it, the words stay where people read them (check's table, messages), and
 * every key is listed on the page. A reason added without a case here fails the last test.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load, type LoadOptions } from '../src/load.js';
import { check } from '../src/reports/check.js';
import { dayNumber } from '../src/data/normalize.js';
import { ROW_REASONS, type FileAccounting, type RowReason } from '../src/model.js';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'leadaudit-reasons-'));
let n = 0;
function file(text: string): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, text);
  return path;
}

const run = (options: Partial<LoadOptions>) =>
  load({ asOf: dayNumber(2025, 6, 30), minN: 30, strict: false, keepRejects: true, cwd: dir, preset: 'generic', ...options });

const LEADS = 'id,source,created\nL1,web,2025-01-10\nL2,ads,2025-03-10\n';

/** Each key, the smallest input that gives it, and the file whose accounting counts it. */
const CASES: Record<RowReason, { leads?: string; deals?: string; since?: number; side: 'leads' | 'deals' }> = {
  too_few_cells: { leads: `${LEADS}L3,web\n`, side: 'leads' },
  too_many_cells: { leads: `${LEADS}L3,web,2025-01-10,extra\n`, side: 'leads' },
  field_too_long: { leads: `${LEADS}L3,"${'x'.repeat(1024 * 1024 + 1)}",2025-01-10\n`, side: 'leads' },
  duplicate_id: { leads: `${LEADS}L1,ads,2025-02-01\n`, side: 'leads' },
  blank_line: { leads: `id,source,created\nL1,web,2025-01-10\n\nL2,ads,2025-03-10\n`, side: 'leads' },
  summary_row: { leads: 'id,source,created,amount\nL1,web,2025-01-10,10\nL2,ads,2025-03-10,20\nTotal,,,30\n', side: 'leads' },
  report_footer: { leads: `${LEADS}"Grand Totals (2 records)"\n`, side: 'leads' },
  no_created_date: { leads: `${LEADS}L3,web,\n`, since: dayNumber(2025, 1, 1), side: 'leads' },
  created_outside_window: { leads: LEADS, since: dayNumber(2025, 2, 1), side: 'leads' },
  lead_outside_window: { leads: LEADS, deals: 'id,lead_id,stage,amount,created\nD1,L1,won,100,2025-03-01\n', since: dayNumber(2025, 2, 1), side: 'deals' },
};

async function accountingOf(reason: RowReason): Promise<FileAccounting> {
  const c = CASES[reason];
  const loaded = await run({ leads: c.leads === undefined ? undefined : file(c.leads), deals: c.deals === undefined ? undefined : file(c.deals), since: c.since });
  return loaded.data.inputs[c.side]!;
}

describe('reason keys', () => {
  it.each(Object.keys(CASES) as RowReason[])('%s: given by its tiny input, and only it', async (reason) => {
    const accounting = await accountingOf(reason);
    expect(accounting.reasons).toEqual({ [reason]: 1 });
    expect(accounting.rejected + accounting.skipped).toBe(1);
  });

  it('rejected reasons are rejected, skipped ones skipped (docs/json.md says which)', async () => {
    const page = readFileSync(join(root, 'docs', 'json.md'), 'utf8');
    for (const reason of Object.keys(CASES) as RowReason[]) {
      const accounting = await accountingOf(reason);
      const how = accounting.rejected === 1 ? 'rejected' : 'skipped';
      expect(page, reason).toMatch(new RegExp(`\\| \`${reason}\` \\| ${how} \\|`));
    }
  });

  it('people still read words: check lists the reason in words, --rejects and messages give the words and the detail', async () => {
    const loaded = await run({ leads: file(CASES.too_few_cells.leads!), keepRejects: true });
    const quality = check({ ...loaded }).find((r) => r.name === 'quality')!;
    expect(quality.rows).toContainEqual(expect.objectContaining({ check: '  too few cells', count: 1 }));
    expect(loaded.rejects.map((r) => r.reason)).toEqual(['too few cells (2 cells, header has 3)']);
    expect(loaded.warnings.join('\n')).toContain('1 row rejected (first at line 4: too few cells (2 cells, header has 3))');
  });

  it('every key is a snake_case identifier with a case above, and is listed in docs/json.md', () => {
    const page = readFileSync(join(root, 'docs', 'json.md'), 'utf8');
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(ROW_REASONS).sort());
    for (const key of Object.keys(ROW_REASONS)) {
      expect(key).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(page).toContain(`| \`${key}\` |`);
    }
  });
});
