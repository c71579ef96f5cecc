/**
 * A million leads in a capped heap (issue 14): `sources` on a 1,000,000-lead HubSpot export runs
 * with 150 MiB of old space, and its peak resident memory stays within the issue's 200 MiB. The
 * streaming engine (src/engine/stream.ts) keeps the deals, the id index and the facts, and folds
 * the leads chunk by chunk. The heap cap alone does not tell it from the in-memory load: that
 * keeps most of each lead in typed arrays (~187 MB at 1M, docs/performance.md "Reports from
 * facts"), which live outside V8's heap, so the peak RSS is checked too. Checked on memory, never
 * on time. Runs the built CLI (bin/leadaudit.js → dist/bundle), as test/streaming.test.ts and
 * test/cli.test.ts do: `npm test` builds first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../scripts/generate-samples.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');

/** MiB of old space the run gets. */
const HEAP_MIB = 150;
/** The target for `sources` at 1M leads: peak resident memory, as `npm run bench` measures it. */
const PEAK_RSS_MIB = 200;
const LEADS = 1_000_000;

/**
 * Loaded into the child with --import: prints the process's peak resident memory as it exits.
 * (Worker threads load it too; each prints the same process-wide figure.)
 */
const PEAK_PROBE = "process.on('exit', () => process.stderr.write(`peak-rss-kib ${process.resourceUsage().maxRSS}\\n`));\n";

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
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`sources on a ${LEADS.toLocaleString('en')}-lead export runs in a ${HEAP_MIB} MiB heap, peaking under ${PEAK_RSS_MIB} MiB`, { timeout: 300_000 }, () => {
    const expected = generate({ preset: 'hubspot', leads: LEADS, seed: 7, asOf: '2025-06-30', out: dir, clean: true });
    const probe = join(dir, 'peak-rss.mjs');
    writeFileSync(probe, PEAK_PROBE);
    const r = spawnSync(
      process.execPath,
      [`--max-old-space-size=${HEAP_MIB}`, '--import', pathToFileURL(probe).href, bin, 'sources', 'contacts.csv', 'deals.csv', '--as-of', '2025-06-30', '--format', 'json'],
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
    const peaks = [...r.stderr.matchAll(/^peak-rss-kib (\d+)$/gm)].map((m) => Number(m[1]));
    expect(peaks.length, 'the probe printed the peak').toBeGreaterThan(0);
    const peakMib = Math.max(...peaks) / 1024;
    expect(peakMib, `peak RSS ${peakMib.toFixed(0)} MiB`).toBeLessThanOrEqual(PEAK_RSS_MIB);
  });
});
