/**
 * The hot path stays streaming: a read holds only the records being parsed, so the
 * memory it needs does not grow with the file's bytes. Checked on memory, never on time: a 200k-row
 * export (~45 MB) is read through a sink that keeps nothing, in a process whose heap is capped at
 * 32 MiB — a reader that held the file, or kept its chunks alive, would run out of memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from '../scripts/generate-samples.js';

const reader = pathToFileURL(resolve(import.meta.dirname, '..', 'dist', 'src', 'io', 'csv', 'index.js')).href;

describe('streaming', () => {
  it('reads a 200k-row export in a 32 MiB heap', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-stream-'));
    generate({ preset: 'hubspot', leads: 200_000, seed: 7, asOf: '2025-06-30', out: dir, clean: true });
    const script = `
      const { readCsv } = await import(${JSON.stringify(reader)});
      let rows = 0;
      const info = await readCsv(${JSON.stringify(join(dir, 'contacts.csv'))}, {}, () => ({ row() { rows++; }, other() {} }));
      console.log(JSON.stringify({ rows, exact: info.exact }));
    `;
    const r = spawnSync(process.execPath, ['--max-old-space-size=32', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr.slice(-500)).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ rows: 200_000, exact: false });
  });

  it('the cap is real: holding the file in memory runs out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-stream-'));
    generate({ preset: 'hubspot', leads: 200_000, seed: 7, asOf: '2025-06-30', out: dir, clean: true });
    const script = `
      const { readFileSync } = await import('node:fs');
      const text = readFileSync(${JSON.stringify(join(dir, 'contacts.csv'))}, 'utf8');
      const rows = text.split('\\n').map((line) => line.split(','));
      console.log(rows.length);
    `;
    const r = spawnSync(process.execPath, ['--max-old-space-size=32', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
  });
});
