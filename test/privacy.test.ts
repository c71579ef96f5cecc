/**
 * Privacy (README, "Private"): with --redact no lead's email or name from the sample survives in any
 * format, and leadaudit makes no network request — checked by running the binary with a preload
 * that ends the process on any attempt to open a socket, resolve a name or fetch, and by a scan
 * of the sources for network modules.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');
const SAMPLE = ['fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv'];
const AS_OF = ['--as-of', '2025-06-30'];
const tmp = mkdtempSync(join(tmpdir(), 'leadaudit-privacy-'));

function run(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every lead's email and full name in the sample. */
function personalData(): { emails: string[]; names: string[] } {
  const rows = parse(readFileSync(join(root, SAMPLE[0]!)), { bom: true, columns: true }) as Record<string, string>[];
  return {
    emails: rows.map((r) => r.Email!).filter((e) => e !== ''),
    names: rows.map((r) => `${r['First Name']} ${r['Last Name']}`.trim()).filter((n) => n !== ''),
  };
}

describe('--redact', () => {
  const { emails, names } = personalData();
  const leaks = (text: string) => [...emails, ...names].filter((value) => text.includes(value) || text.includes(value.replace(/&/g, '&amp;')));

  it('the sample has emails and names, and the unredacted reports show them (so the check below can fail)', () => {
    expect(emails.length).toBeGreaterThan(100);
    expect(names.length).toBeGreaterThan(100);
    const plain = run(['audit', ...SAMPLE, ...AS_OF, '--format', 'json', '--quiet']).stdout;
    expect(leaks(plain).length).toBeGreaterThan(0);
  });

  it.each(['json', 'csv', 'tsv', 'md', 'html', 'table'])('audit --redact --format %s: no email or name of any lead survives', (format) => {
    const r = run(['audit', ...SAMPLE, ...AS_OF, '--format', format, '--redact', '--wide', '--quiet']);
    expect(r.code).toBe(0);
    expect(leaks(r.stdout)).toEqual([]);
    expect(r.stdout).toMatch(/anon-[0-9a-f]{10}/); // the stalls list is there, hashed
  });

  it('--out-dir, stalls, score --with-columns and explain --redact: none either', () => {
    const dir = join(tmp, 'weekly');
    expect(run(['audit', ...SAMPLE, ...AS_OF, '--format', 'csv', '--redact', '--out-dir', dir, '--quiet']).code).toBe(0);
    for (const file of readdirSync(dir)) expect(leaks(readFileSync(join(dir, file), 'utf8')), file).toEqual([]);
    const stalls = run(['stalls', ...SAMPLE, ...AS_OF, '--format', 'json', '--redact', '--quiet']).stdout;
    expect(leaks(stalls)).toEqual([]);
    const scored = run(['score', ...SAMPLE, ...AS_OF, '--format', 'csv', '--with-columns', '--redact', '--quiet']).stdout;
    expect(leaks(scored)).toEqual([]);
    const first = (parse(scored, { columns: true }) as Record<string, string>[])[0]!;
    for (const column of ['First Name', 'Last Name', 'Email']) expect(first[column], column).toMatch(/^anon-[0-9a-f]{10}$/);
    const id = first.lead_id!;
    const explained = run(['explain', id, ...SAMPLE, ...AS_OF, '--format', 'json', '--redact', '--quiet']);
    expect(explained.code).toBe(0);
    expect(leaks(explained.stdout)).toEqual([]);
  });

  it('is stable: the same hash for the same person in every run and format', () => {
    const hashes = (text: string) => [...new Set(text.match(/anon-[0-9a-f]{10}/g))].sort();
    const a = run(['stalls', ...SAMPLE, ...AS_OF, '--format', 'csv', '--redact', '--quiet']).stdout;
    const b = run(['stalls', ...SAMPLE, ...AS_OF, '--format', 'json', '--redact', '--quiet']).stdout;
    expect(hashes(a).length).toBeGreaterThan(0);
    expect(hashes(b)).toEqual(hashes(a));
  });
});

/**
 * Loaded into node before leadaudit (NODE_OPTIONS=--require …): every way out to the network
 * (sockets, TLS, HTTP, DNS, UDP, fetch, WebSocket) ends the process with status 99 and says so.
 * ESM named imports of node:net etc. see the patched functions too (syncBuiltinESMExports).
 */
const NO_NETWORK = `
const refuse = (what) => function () {
  process.stderr.write('NETWORK ATTEMPT: ' + what + '\\n');
  process.exit(99);
};
const net = require('node:net');
net.Socket.prototype.connect = refuse('net.Socket#connect');
net.connect = net.createConnection = refuse('net.connect');
require('node:tls').connect = refuse('tls.connect');
for (const name of ['node:http', 'node:https']) {
  const m = require(name);
  m.request = m.get = refuse(name + ' request');
}
const dns = require('node:dns');
for (const f of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse']) dns[f] = refuse('dns.' + f);
for (const f of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse']) dns.promises[f] = refuse('dns.promises.' + f);
require('node:dgram').createSocket = refuse('dgram.createSocket');
require('node:http2').connect = refuse('http2.connect');
globalThis.fetch = refuse('fetch');
if (globalThis.WebSocket) globalThis.WebSocket = refuse('WebSocket');
require('node:module').syncBuiltinESMExports();
`;

describe('no network request', () => {
  const preload = join(tmp, 'no-network.cjs');
  writeFileSync(preload, NO_NETWORK);
  const env = { NODE_OPTIONS: `--require ${preload}` };

  it('the guard works: fetch, net, http and dns attempts end the process, also through ESM imports', () => {
    const attempt = (code: string) => spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, ...env } });
    for (const code of [
      "await fetch('http://127.0.0.1:9/')",
      "import { connect } from 'node:net'; connect(9, '127.0.0.1')",
      "import { request } from 'node:http'; request('http://127.0.0.1:9/').end()",
      "import https from 'node:https'; https.get('https://example.invalid/')",
      "import { lookup } from 'node:dns'; lookup('example.invalid', () => {})",
      "import { promises } from 'node:dns'; await promises.lookup('example.invalid')",
    ]) {
      const r = attempt(code);
      expect(r.status, code).toBe(99);
      expect(r.stderr, code).toMatch(/NETWORK ATTEMPT/);
    }
    expect(attempt('console.log(1)').status).toBe(0);
  });

  it('leadaudit runs every command and format without one', () => {
    const dir = mkdtempSync(join(tmp, 'offline-'));
    const runs: string[][] = [
      ['demo', ...AS_OF, '--quiet'],
      ...['table', 'json', 'csv', 'md', 'html'].map((format) => ['audit', ...SAMPLE, ...AS_OF, '--format', format, '--quiet']),
      ['check', ...SAMPLE, ...AS_OF, '--quiet'],
      ['score', ...SAMPLE, ...AS_OF, '--with-columns', '--format', 'csv', '--quiet'],
      ['explain', '51000015', ...SAMPLE, ...AS_OF, '--quiet'],
      ['audit', ...SAMPLE, ...AS_OF, '--format', 'json', '-o', join(dir, 'a.json'), '--quiet'],
      ['diff', join(dir, 'a.json'), join(dir, 'a.json'), '--quiet'],
      ['init', ...SAMPLE.map((f) => join(root, f)), '-o', join(dir, 'leadaudit.yml'), '--quiet'],
      ['schema'],
      ['audit', 'fixtures/bad/not-csv.png'],
    ];
    for (const args of runs) {
      const r = run(args, { env });
      expect(r.stderr, args.join(' ')).not.toMatch(/NETWORK ATTEMPT/);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(args.includes('fixtures/bad/not-csv.png') ? 1 : 0); // an input error is not a network attempt
    }
  });

  it('no source file imports a network module or calls fetch', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const network = /from ['"](?:node:)?(?:net|tls|http|https|http2|dns|dgram|child_process)['"]|\bfetch\(|XMLHttpRequest|WebSocket|navigator\.sendBeacon/;
    for (const file of files(join(root, 'src'))) expect(readFileSync(file, 'utf8'), file).not.toMatch(network);
    // Threads run only our own reader (big exports are read on two cores), started in one place.
    const threads = files(join(root, 'src')).filter((file) => /worker_threads/.test(readFileSync(file, 'utf8')));
    expect(threads.map((file) => file.slice(root.length + 1)).sort()).toEqual(['src/parallel/read-worker.ts', 'src/parallel/threads.ts']);
    expect(readFileSync(join(root, 'src', 'parallel', 'threads.ts'), 'utf8').match(/new Worker\(new URL\([^)]*\)/g)).toEqual(["new Worker(new URL('./read-worker.js', import.meta.url)"]);
  });
});
