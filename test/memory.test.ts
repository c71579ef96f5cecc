/**
 * A million leads in a capped heap (issue 14): `sources` on a 1,000,000-lead HubSpot export runs
 * with 48 MiB of old space. The streaming engine (src/engine/stream.ts) keeps the deals, the id
 * index and the facts, and folds the leads chunk by chunk; a read that keeps every lead holds
 * their emails, names and ids as strings (~50 MB of heap at 1M besides the typed arrays) and runs
 * out of this heap (it did, with the build before the streaming engine). Peak resident memory is
 * measured by `npm run bench` (docs/performance.md), not here. Checked on memory, never on time.
 * Runs the built CLI (bin/leadaudit.js → dist/bundle), as test/streaming.test.ts and
 * test/cli.test.ts do: `npm test` builds first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../scripts/generate-samples.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');

/** MiB of old space the run gets (the streaming engine needs ~40; a read keeping every lead, more than 48). */
const HEAP_MIB = 48;
const LEADS = 1_000_000;

interface Accounting {
  read: number;
  used: number;
  rejected: number;
  skipped: number;
  attributed: number | null;
  unattributed: number | null;
}

interface SourcesJson {
  schemaVersion: number;
  asOf: string;
  inputs: { leads: Accounting; deals: Accounting };
  reports: { sources: { rows: Record<string, unknown>[] } };
}

describe('memory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadaudit-memory-'));
  let expected: ReturnType<typeof generate>;
  beforeAll(() => {
    expected = generate({ preset: 'hubspot', leads: LEADS, seed: 7, asOf: '2025-06-30', out: dir, clean: true });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`sources on a ${LEADS.toLocaleString('en')}-lead export runs in a ${HEAP_MIB} MiB heap`, { timeout: 300_000 }, () => {
    const r = spawnSync(
      process.execPath,
      [`--max-old-space-size=${HEAP_MIB}`, bin, 'sources', 'contacts.csv', 'deals.csv', '--as-of', '2025-06-30', '--format', 'json'],
      { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 240_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } },
    );
    // On running out of heap V8 prints "FATAL ERROR: … JavaScript heap out of memory" and aborts.
    expect(r.stderr.slice(-2000)).not.toMatch(/heap out of memory/);
    expect(r.error, 'the run was stopped (timeout or signal)').toBeUndefined();
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const doc = JSON.parse(r.stdout) as SourcesJson;
    expect(doc.schemaVersion).toBe(1);
    expect(doc.asOf).toBe('2025-06-30');
    // Every lead read and used (a clean export), every deal accounted for.
    expect(doc.inputs.leads).toMatchObject({ read: LEADS, used: expected.leads.used, rejected: 0, skipped: 0 });
    expect(expected.leads.used).toBe(LEADS);
    expect(doc.inputs.deals).toMatchObject({ read: expected.deals.read, used: expected.deals.used, attributed: expected.deals.attributed, unattributed: expected.deals.unattributed });
    // The sources rows: every lead used, and each channel's leads and wins as the generator planted them.
    const rows = doc.reports.sources.rows.filter((row) => row.channel !== '(unattributed)');
    expect(rows.reduce((sum, row) => sum + Number(row.leads), 0)).toBe(LEADS);
    const byChannel = new Map(rows.map((row) => [String(row.channel), row]));
    for (const [channel, e] of Object.entries(expected.channels)) {
      expect({ channel, leads: byChannel.get(channel)?.leads, won: byChannel.get(channel)?.won }).toEqual({ channel, leads: e.leads, won: e.won });
    }
  });

  it('the cap is real: check, which keeps every lead (it inspects single rows), runs out of that heap on the same export', { timeout: 300_000 }, () => {
    const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, bin, 'check', 'contacts.csv', 'deals.csv', '--as-of', '2025-06-30', '--format', 'json'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 240_000,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr.slice(-4000)).toMatch(/heap out of memory/);
  });
});
