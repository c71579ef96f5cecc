/**
 * The promise of the README's "Output files", tried from the command line as a user (or an
 * accident) would: a run killed while it writes, two runs writing one file, a full disk, an output
 * that is an input under another name, and the data or rubric trying to act.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');
const SAMPLE = join(root, 'fixtures/samples/hubspot');
const AS_OF = ['--as-of', '2025-06-30'];

function run(args: string[], options: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, input: options.input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 256 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 and one error line matching `pattern`, no stack trace. */
function refused(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('leadaudit: error:'));
  expect(errors, r.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** A PRNG from a fixed seed (mulberry32): the kill times are the same in every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tmp = mkdtempSync(join(tmpdir(), 'leadaudit-outputs-'));
const big = join(tmp, 'big');

beforeAll(() => {
  // 40,000 leads: `score --with-columns` writes ~10 MB over a second, long enough to be killed mid-write.
  const g = spawnSync(process.execPath, [join(root, 'dist/scripts/generate-samples.js'), '--preset', 'hubspot', '--leads', '40000', '--seed', '7', '--as-of', '2025-06-30', '--out', big, '--clean'], { encoding: 'utf8' });
  expect(g.status, g.stderr).toBe(0);
}, 120_000);

describe('a killed run leaves the old file byte-identical', () => {
  const args = ['score', join(big, 'contacts.csv'), join(big, 'deals.csv'), ...AS_OF, '--with-columns', '--format', 'csv', '--quiet'];
  let full: string;

  beforeAll(() => {
    full = run(args).stdout;
    expect(full.length).toBeGreaterThan(5_000_000);
  }, 120_000);

  /**
   * Starts the run and kills it: at a random moment (mostly while it reads), or a random few
   * milliseconds after its writing began (a temporary file appears, or the target changes).
   */
  async function killed(target: string, signal: NodeJS.Signals, when: 'anytime' | 'writing', next: () => number) {
    const d = resolve(target, '..');
    const child = spawn(process.execPath, [bin, ...args, '-o', target], { stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, sig) => done({ code, signal: sig })));
    let timer: NodeJS.Timeout | undefined;
    let watch: NodeJS.Timeout | undefined;
    if (when === 'anytime') timer = setTimeout(() => child.kill(signal), 150 + Math.floor(next() * 1500));
    else {
      const offset = Math.floor(next() * 40);
      watch = setInterval(() => {
        if (readdirSync(d).length > 1 || readFileSync(target, 'utf8') !== 'the old report\n') {
          clearInterval(watch);
          timer = setTimeout(() => child.kill(signal), offset);
        }
      }, 2);
    }
    const status = await exited;
    clearTimeout(timer);
    clearInterval(watch);
    return status;
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} at 12 fixed random moments, 6 of them while writing: the old report or the whole new one, never a part, and no temporary file left`, async () => {
      const next = random(signal === 'SIGTERM' ? 13 : 31);
      const outcomes = { old: 0, whole: 0, killed: 0 };
      for (let k = 0; k < 12; k++) {
        const d = mkdtempSync(join(tmp, 'kill-'));
        const target = join(d, 'report.csv');
        writeFileSync(target, 'the old report\n');
        const status = await killed(target, signal, k % 2 === 0 ? 'anytime' : 'writing', next);
        const now = readFileSync(target, 'utf8');
        if (now === 'the old report\n') outcomes.old++;
        else {
          expect(now.length, `run ${k}: ${now.length} of ${full.length} characters`).toBe(full.length);
          expect(now === full).toBe(true);
          outcomes.whole++;
        }
        // Killed by the signal (the handler re-raises it), or finished first.
        if (status.signal === null) expect(status.code).toBe(0);
        else {
          expect(status.signal).toBe(signal);
          outcomes.killed++;
        }
        expect(readdirSync(d)).toEqual(['report.csv']);
      }
      expect(outcomes.old + outcomes.whole).toBe(12);
      // Most runs were really killed (the test is not passing on runs that simply finished).
      expect(outcomes.killed).toBeGreaterThanOrEqual(6);
    }, 240_000);
  }

  it('two runs writing the same -o at once leave one whole report (either one), and no temporary file', async () => {
    const d = mkdtempSync(join(tmp, 'race-'));
    const target = join(d, 'report.txt');
    const csv = [...args.slice(0, -3), '--format', 'csv', '--quiet'];
    const tsv = [...args.slice(0, -3), '--format', 'tsv', '--quiet'];
    const both = [csv, tsv].map(
      (a) => new Promise<number | null>((done) => spawn(process.execPath, [bin, ...a, '-o', target], { stdio: 'ignore' }).on('exit', (code) => done(code))),
    );
    expect(await Promise.all(both)).toEqual([0, 0]);
    const now = readFileSync(target, 'utf8');
    expect([run(csv).stdout, run(tsv).stdout]).toContain(now);
    expect(readdirSync(d)).toEqual(['report.txt']);
  }, 120_000);
});

describe('a full disk is exit 2 with one line, and the old file stays', () => {
  it('standard output onto /dev/full', () => {
    const r = spawnSync(`"${process.execPath}" "${bin}" demo > /dev/full`, { shell: '/bin/bash', encoding: 'utf8' });
    refused({ code: r.status, stderr: r.stderr }, /^leadaudit: error: standard output: cannot write \(no space left on the device, ENOSPC\)$/);
  });

  const mnt = join(tmp, 'tiny');
  const canMount = process.getuid?.() === 0 && process.platform === 'linux';
  let mounted = false;
  beforeAll(() => {
    if (!canMount) return;
    mkdirSync(mnt, { recursive: true });
    mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]).status === 0;
  });
  afterAll(() => {
    if (mounted) spawnSync('umount', [mnt]);
  });

  it.skipIf(!canMount)(`-o onto a 256 KB file system (tmpfs; needs root, else skipped)`, (ctx) => {
    if (!mounted) return ctx.skip('mount -t tmpfs failed (no CAP_SYS_ADMIN?): the injected full disks of test/replace.test.ts stand in');
    const target = join(mnt, 'report.json');
    writeFileSync(target, '{"old": true}\n');
    refused(run(['audit', join(big, 'contacts.csv'), join(big, 'deals.csv'), ...AS_OF, '--format', 'json', '--quiet', '-o', target]), /report\.json: cannot write \(no space left on the device, ENOSPC\); the old file is unchanged$/);
    expect(readFileSync(target, 'utf8')).toBe('{"old": true}\n');
    expect(readdirSync(mnt)).toEqual(['report.json']);
    // An --out-dir made for the run is removed again when its files cannot be written.
    refused(run(['audit', join(big, 'contacts.csv'), join(big, 'deals.csv'), ...AS_OF, '--format', 'json', '--quiet', '--out-dir', join(mnt, 'new', 'od')]), /cannot write \(no space left on the device, ENOSPC\)/);
    expect(readdirSync(mnt)).toEqual(['report.json']);
  });
});

describe('outputs that are not plain files, or not plain names', () => {
  it('-o onto a FIFO writes into it (its reader gets the report) and leaves it a FIFO; -o /dev/stdout writes to standard output', () => {
    const d = mkdtempSync(join(tmp, 'fifo-'));
    const fifo = join(d, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const args = `sources "${join(SAMPLE, 'contacts.csv')}" --as-of 2025-06-30 --format csv --quiet`;
    const r = spawnSync('/bin/bash', ['-c', `cat "${fifo}" > "${join(d, 'got.csv')}" & "${process.execPath}" "${bin}" ${args} -o "${fifo}"; wait`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(d, 'got.csv'), 'utf8')).toBe(run(args.split(' ').map((a) => a.replace(/"/g, ''))).stdout);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    const out = spawnSync('/bin/bash', ['-c', `"${process.execPath}" "${bin}" ${args} -o /dev/stdout | cat`], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^channel,leads,/);
  });

  it('a target name as long as the file system allows is written (the temporary name is short); a dangling symbolic link stays a link', () => {
    const d = mkdtempSync(join(tmp, 'names-'));
    const long = `${'r'.repeat(240)}.csv`;
    const r = run(['sources', join(SAMPLE, 'contacts.csv'), ...AS_OF, '--format', 'csv', '--quiet', '-o', long], { cwd: d });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(d, long), 'utf8')).toMatch(/^channel,/);
    symlinkSync('later.csv', join(d, 'link.csv'));
    expect(run(['sources', join(SAMPLE, 'contacts.csv'), ...AS_OF, '--format', 'csv', '--quiet', '-o', 'link.csv'], { cwd: d }).code).toBe(0);
    expect(lstatSync(join(d, 'link.csv')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'later.csv'), 'utf8')).toMatch(/^channel,/);
  });

  it('a path through a file (ENOTDIR) as an output or an input is a message and exit 2, not an internal error', () => {
    const leads = join(SAMPLE, 'contacts.csv');
    for (const extra of [['-o', `${leads}/x.csv`], ['--rejects', `${leads}/x.csv`], ['--out-dir', `${leads}/x`], ['--spend', `${leads}/x.csv`], ['--rubric', `${leads}/x.yml`]]) {
      const r = run(['sources', leads, ...AS_OF, '--quiet', ...extra]);
      expect(r.code, `${extra.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/ENOTDIR/);
      expect(r.stderr).not.toMatch(/internal error/);
    }
  });

  it('standard error that cannot be written does not end the run: the report is still written, exit 0', () => {
    const d = mkdtempSync(join(tmp, 'stderr-'));
    const r = spawnSync('/bin/bash', ['-c', `"${process.execPath}" "${bin}" audit "${join(SAMPLE, 'contacts.csv')}" "${join(SAMPLE, 'deals.csv')}" --as-of 2025-06-30 -o "${join(d, 'a.txt')}" 2>/dev/full`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readFileSync(join(d, 'a.txt'), 'utf8')).toMatch(/^Summary/);
  });

  it('--rejects follows --decimal-comma with ; between fields, like the run\'s reports', () => {
    const d = mkdtempSync(join(tmp, 'rejects-'));
    expect(run(['sources', join(SAMPLE, 'contacts.csv'), ...AS_OF, '--quiet', '--decimal-comma', '--format', 'csv', '--rejects', join(d, 'r.csv')]).code).toBe(0);
    expect(readFileSync(join(d, 'r.csv'), 'utf8').split('\n')[0]).toMatch(/^Record ID;First Name;Last Name;Email;/);
  });

  it('the JSON and the HTML footer name the rubric found as the user would (relative), and the spend file', () => {
    const d = mkdtempSync(join(tmp, 'footer-'));
    for (const f of ['contacts.csv', 'deals.csv', 'leadaudit.yml']) writeFileSync(join(d, f), readFileSync(join(SAMPLE, f)));
    writeFileSync(join(d, 'spend.csv'), 'channel,spend\nPaid Search,1000\n');
    const doc = JSON.parse(run(['sources', 'contacts.csv', 'deals.csv', ...AS_OF, '--quiet', '--spend', 'spend.csv', '--format', 'json'], { cwd: d }).stdout) as { run: unknown };
    expect(doc.run).toEqual({ rubric: 'leadaudit.yml', preset: 'hubspot', spend: 'spend.csv' });
    const page = run(['sources', 'contacts.csv', 'deals.csv', ...AS_OF, '--quiet', '--spend', 'spend.csv', '--format', 'html'], { cwd: d }).stdout;
    expect(page).toContain('<p>Inputs: contacts.csv, deals.csv, spend.csv (spend)</p>');
    expect(page).not.toContain(d);
  });

  it('a score column named __proto__ is kept in every row, in JSON and CSV (assignment had set the rows\' prototype)', () => {
    const d = mkdtempSync(join(tmp, 'proto-'));
    writeFileSync(join(d, 'leads.csv'), 'id,email,__proto__,created\n1,a@b.co,X1,2025-01-01\n2,c@d.co,X2,2025-02-01\n');
    const json = JSON.parse(run(['score', 'leads.csv', ...AS_OF, '--quiet', '--with-columns', '--format', 'json'], { cwd: d }).stdout) as { reports: { score: { rows: Record<string, unknown>[] } } };
    expect(json.reports.score.rows.map((r) => Object.getOwnPropertyDescriptor(r, '__proto__')?.value)).toEqual(['X1', 'X2']);
    expect(run(['score', 'leads.csv', ...AS_OF, '--quiet', '--with-columns', '--format', 'csv'], { cwd: d }).stdout).toMatch(/,X1,2025-01-01\n/);
  });
});

describe('no output may be an input, or another output', () => {
  function copySample(): string {
    const d = mkdtempSync(join(tmp, 'inputs-'));
    for (const f of ['contacts.csv', 'deals.csv', 'leadaudit.yml']) writeFileSync(join(d, f), readFileSync(join(SAMPLE, f)));
    return d;
  }

  it('-o onto the rubric the run found by itself (./leadaudit.yml), and onto a hard link of the leads file', () => {
    const d = copySample();
    const rubric = readFileSync(join(d, 'leadaudit.yml'), 'utf8');
    refused(run(['sources', 'contacts.csv', 'deals.csv', ...AS_OF, '-o', 'leadaudit.yml'], { cwd: d }), /-o leadaudit\.yml: is the rubric this run found/);
    expect(readFileSync(join(d, 'leadaudit.yml'), 'utf8')).toBe(rubric);
    linkSync(join(d, 'contacts.csv'), join(d, 'linked.csv'));
    const leads = readFileSync(join(d, 'contacts.csv'), 'utf8');
    refused(run(['sources', 'contacts.csv', 'deals.csv', ...AS_OF, '-o', 'linked.csv'], { cwd: d }), /-o linked\.csv: is the leads file \(contacts\.csv\)/);
    expect(readFileSync(join(d, 'contacts.csv'), 'utf8')).toBe(leads);
  });

  it('--rejects and -o (or an --out-dir file) that are one file; -o with --out-dir; --out-dir onto a file', () => {
    const d = copySample();
    refused(run(['sources', 'contacts.csv', ...AS_OF, '-o', 'r.csv', '--rejects', './r.csv'], { cwd: d }), /--rejects \.\/r\.csv: is the file -o writes/);
    refused(run(['audit', 'contacts.csv', ...AS_OF, '--out-dir', 'out', '--rejects', 'out/summary.txt'], { cwd: d }), /--out-dir out\/summary\.txt: is the file --rejects writes/);
    refused(run(['audit', 'contacts.csv', ...AS_OF, '--out-dir', 'out', '-o', 'x.txt'], { cwd: d }), /-o and --out-dir: choose one/);
    writeFileSync(join(d, 'afile'), 'x');
    refused(run(['audit', 'contacts.csv', ...AS_OF, '--out-dir', 'afile'], { cwd: d }), /--out-dir afile: is a file, not a folder/);
    expect(existsSync(join(d, 'r.csv')) || existsSync(join(d, 'out')) || existsSync(join(d, 'x.txt'))).toBe(false);
  });

  it('init will not write its rubric over an export, even with --force', () => {
    const d = copySample();
    refused(run(['init', 'contacts.csv', 'deals.csv', '-o', 'deals.csv', '--force'], { cwd: d }), /-o deals\.csv: is the deals file/);
  });

  it('an --out-dir run writes all of its files, with its --rejects', () => {
    const d = copySample();
    const r = run(['audit', 'contacts.csv', 'deals.csv', ...AS_OF, '--out-dir', 'out', '--rejects', 'rejects.csv', '--format', 'csv'], { cwd: d });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(d, 'out')).sort()).toEqual(['cohorts.csv', 'funnel.csv', 'matrix.csv', 'owners.csv', 'pipeline.csv', 'signals.csv', 'sources.csv', 'stalls.csv', 'summary.csv']);
    expect(readFileSync(join(d, 'rejects.csv'), 'utf8')).toMatch(/duplicate id/);
  });
});

describe('nothing from the data or the rubric can act', () => {
  const rubricWith = (signal: string) => {
    const d = mkdtempSync(join(tmp, 'rubric-'));
    writeFileSync(join(d, 'r.yml'), `version: 1\npreset: hubspot\nscore:\n  signals:\n    - ${signal}\n`);
    return join(d, 'r.yml');
  };
  const sources = (extra: string[]) => run(['signals', join(SAMPLE, 'contacts.csv'), join(SAMPLE, 'deals.csv'), ...AS_OF, '--quiet', ...extra]);

  it('__proto__, constructor and prototype are refused as condition fields (a __proto__ condition was true for every lead)', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      refused(sources(['--rubric', rubricWith(`{ name: x, points: 5, when: { ${key}: { eq: zzz } } }`)]), new RegExp(`when\\.${key}: "${key}" cannot be a key, field or column name`));
    }
    const json = join(mkdtempSync(join(tmp, 'json-')), 'r.json');
    writeFileSync(json, '{"version":1,"score":{"signals":[{"name":"x","points":5,"when":{"__proto__":{"eq":"zzz"}}}]}}');
    refused(sources(['--rubric', json]), /"__proto__" cannot be a key/);
  });

  it('a rubric nested 100,000 deep is a rubric error, not an internal error', () => {
    const json = join(mkdtempSync(join(tmp, 'deep-')), 'r.json');
    const n = 100_000;
    writeFileSync(json, `{"version":1,"score":{"signals":[{"name":"x","points":1,"when":${'{"not":'.repeat(n)}{"id":{"eq":"x"}}${'}'.repeat(n)}}]}}`);
    refused(sources(['--rubric', json]), /nested more than 64 levels deep/);
  });

  it('rubric and spend files must be regular files of a bounded size (/dev/zero grew to 16.8 GB)', () => {
    refused(sources(['--rubric', '/dev/zero']), /\/dev\/zero: the rubric must be a regular file/);
    refused(sources(['--spend', '/dev/zero']), /\/dev\/zero: the spend file must be a regular file/);
    const huge = join(mkdtempSync(join(tmp, 'huge-')), 'r.yml');
    writeFileSync(huge, `# ${'x'.repeat(3_000_000)}\nversion: 1\n`);
    refused(sources(['--rubric', huge]), /a rubric of 3,000,\d{3} bytes; at most 2,097,152/);
  });

  it('a pattern over 1,000 characters is refused, naming where (40,000 alternatives took 4 GB)', () => {
    const alternatives = Array.from({ length: 40_000 }, (_, i) => `w${i}`).join('|');
    refused(sources(['--rubric', rubricWith(`{ name: many, points: 5, when: { email: { matches: "${alternatives}" } } }`)]), /score\.signals\[0\]\.when\.email\.matches: a pattern of 2\d\d,\d{3} characters; at most 1,000 \(to match many values, list them with in: \[\.\.\.\]\)/);
  });

  it('--redact reaches --rejects and a --by on a personal column', () => {
    const d = mkdtempSync(join(tmp, 'redact-'));
    const r = run(['sources', join(SAMPLE, 'contacts.csv'), join(SAMPLE, 'deals.csv'), ...AS_OF, '--quiet', '--redact', '--rejects', join(d, 'rejects.csv'), '--by', 'Email', '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    const rejects = readFileSync(join(d, 'rejects.csv'), 'utf8');
    const plain = run(['sources', join(SAMPLE, 'contacts.csv'), join(SAMPLE, 'deals.csv'), ...AS_OF, '--quiet', '--rejects', join(d, 'plain.csv'), '--by', 'Email', '--format', 'csv']);
    // Without --redact the same outputs hold addresses: the check below is not vacuous.
    expect(readFileSync(join(d, 'plain.csv'), 'utf8')).toMatch(/@/);
    expect(plain.stdout).toMatch(/@/);
    expect(rejects).not.toMatch(/@/);
    expect(rejects).toMatch(/anon-[0-9a-f]{10}/);
    expect(r.stdout).not.toMatch(/@/);
    expect(r.stdout).toMatch(/^anon-[0-9a-f]{10},/m);
  });

  it('pipes and process substitution are read (ESPIPE before), by every command that reads twice', () => {
    const q = (f: string) => `"${join(SAMPLE, f)}"`;
    const r = spawnSync(`"${process.execPath}" "${bin}" sources <(cat ${q('contacts.csv')}) <(cat ${q('deals.csv')}) --rubric ${q('leadaudit.yml')} --as-of 2025-06-30 --format csv --quiet`, {
      shell: '/bin/bash',
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(run(['sources', join(SAMPLE, 'contacts.csv'), join(SAMPLE, 'deals.csv'), '--rubric', join(SAMPLE, 'leadaudit.yml'), ...AS_OF, '--format', 'csv', '--quiet']).stdout);
  });

  it.skipIf(!existsSync('/usr/bin/script'))('CSV, TSV, JSON and HTML printed to a terminal lose the data\'s escape sequences; into a pipe they stay byte-exact (needs script(1))', () => {
    for (const format of ['csv', 'tsv', 'json', 'html']) {
      const command = `NO_COLOR=1 "${process.execPath}" "${bin}" stalls fixtures/edge/hostile-leads.csv --as-of 2025-06-30 --quiet --format ${format}`;
      const tty = spawnSync('script', ['-q', '-c', command, '/dev/null'], { cwd: root, encoding: 'utf8' });
      expect(tty.status, tty.stderr).toBe(0);
      expect(tty.stdout).toMatch(/Red/);
      expect(tty.stdout.includes('\u001b'), format).toBe(false);
      const piped = run(['stalls', 'fixtures/edge/hostile-leads.csv', ...AS_OF, '--quiet', '--format', format]);
      // JSON writes the escape as \u001b, the others as the byte itself.
      expect(piped.stdout.includes('\u001b[31mRed') || piped.stdout.includes('\\u001b[31mRed'), format).toBe(true);
    }
  });

  it('a YAML rubric nested past what the parser follows is a rubric error naming the line', () => {
    const yml = join(mkdtempSync(join(tmp, 'deep-yaml-')), 'r.yml');
    const n = 100_000;
    writeFileSync(yml, `version: 1\nscore:\n  signals:\n    - { name: x, points: 1, when: ${'{ not: '.repeat(n)}{ id: { eq: x } }${' }'.repeat(n)} }\n`);
    refused(sources(['--rubric', yml]), /r\.yml line 4 column \d+: nested more than the parser can follow/);
  });

  it('a diff input that is a device is exit 1, not an out-of-memory abort', () => {
    const r = run(['diff', '/dev/zero', '/dev/zero']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/\/dev\/zero: the leadaudit JSON report must be a regular file/);
  });

  it('a malformed diff input is exit 1 naming the file, not an internal error', () => {
    const d = mkdtempSync(join(tmp, 'diff-'));
    const good = run(['sources', join(SAMPLE, 'contacts.csv'), ...AS_OF, '--format', 'json', '--quiet']).stdout;
    const bad = JSON.parse(good) as { reports: Record<string, unknown> };
    bad.reports.sources = { rows: 'not a list' };
    writeFileSync(join(d, 'old.json'), good);
    writeFileSync(join(d, 'new.json'), JSON.stringify(bad));
    const r = run(['diff', join(d, 'old.json'), join(d, 'new.json')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/new\.json: not a leadaudit JSON report \(reports\.sources/);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});
