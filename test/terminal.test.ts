/**
 * Terminal output fits the width in use (README "Terminal width"): the terminal's, else COLUMNS,
 * else 80 — for tables, notes, help and alerts; NO_COLOR as no-color.org defines it. The CLI runs
 * in-process here with its own Io, so the terminal (isTTY, columns) can be pretended.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { main, outputWidth, type Io } from '../src/cli.js';
import { exampleLines, reflowHelp, wrapLines, wrapParagraph } from '../src/render/wrap.js';

const root = resolve(import.meta.dirname, '..');
const hubspot = (file: string) => join(root, 'fixtures', 'samples', 'hubspot', file);
const AS_OF = ['--as-of', '2025-06-30'];

interface Terminal {
  /** Standard output is a terminal this wide (columns undefined: a terminal that does not say). */
  readonly tty?: { columns?: number };
  /** Standard error is a terminal this wide. */
  readonly stderrTTY?: { columns?: number };
  readonly env?: Record<string, string>;
}

/** An Io that records what the CLI writes; one thread, no colour forced. */
function fakeIo({ tty, stderrTTY, env = {} }: Terminal = {}) {
  const written = { out: '', err: '' };
  const io: Io = {
    stdout: { write: (text: string) => ((written.out += text), true), isTTY: tty !== undefined, columns: tty?.columns },
    stderr: { write: (text: string) => ((written.err += text), true), isTTY: stderrTTY !== undefined, columns: stderrTTY?.columns },
    env: { LEADAUDIT_THREADS: '1', ...env },
    cwd: root,
    now: () => new Date('2025-06-30T12:00:00Z'),
  };
  return { io, written };
}

async function run(args: string[], terminal: Terminal = {}) {
  const { io, written } = fakeIo(terminal);
  const code = await main(args, io);
  return { code, stdout: written.out, stderr: written.err };
}

const lines = (text: string): string[] => text.replace(/\n$/, '').split('\n');
const widest = (text: string): number => Math.max(...lines(text).map((line) => stringWidth(line)));
/** The text's words, whitespace (and so wrapping) aside. */
/** The words of a text, whatever its wrapping (an example's ` \\` line continuations included). */
const words = (text: string): string => text.replace(/ \\\n/g, ' ').replace(/\s+/g, '');

describe('the width in use', () => {
  const width = (terminal: Terminal, toTerminal = true) => {
    const { io } = fakeIo(terminal);
    return outputWidth(io, toTerminal ? io.stdout : null);
  };

  it("is the terminal's, else COLUMNS, else 80", () => {
    expect(width({ tty: { columns: 132 }, env: { COLUMNS: '60' } })).toBe(132);
    expect(width({ tty: {}, env: { COLUMNS: '60' } })).toBe(60);
    expect(width({ env: { COLUMNS: '60' } })).toBe(60);
    expect(width({ tty: {} })).toBe(80);
    expect(width({})).toBe(80);
  });

  it('ignores a COLUMNS that is not a positive whole number, and a terminal width of 0', () => {
    for (const bad of ['', ' ', '0', '-40', '12.5', '1e2', 'wide', '80px', '0x50']) expect(width({ env: { COLUMNS: bad } }), bad).toBe(80);
    expect(width({ env: { COLUMNS: ' 100 ' } })).toBe(100);
    expect(width({ tty: { columns: 0 }, env: { COLUMNS: '70' } })).toBe(70);
  });

  it("is not the terminal's for a file (-o): COLUMNS, else 80", () => {
    expect(width({ tty: { columns: 132 } }, false)).toBe(80);
    expect(width({ tty: { columns: 132 }, env: { COLUMNS: '100' } }, false)).toBe(100);
  });

  it('is what audit fits on a terminal, on a pipe with COLUMNS, and by default', async () => {
    const args = ['audit', hubspot('contacts.csv'), hubspot('deals.csv'), ...AS_OF];
    const terminal = await run(args, { tty: { columns: 64 }, env: { COLUMNS: '120' } });
    expect(widest(terminal.stdout)).toBeLessThanOrEqual(64);
    expect(widest(terminal.stdout)).toBeGreaterThan(56);
    const piped = await run(args, { env: { COLUMNS: '120' } });
    expect(widest(piped.stdout)).toBeLessThanOrEqual(120);
    expect(widest(piped.stdout)).toBeGreaterThan(80);
    const plain = await run(args);
    expect(widest(plain.stdout)).toBe(80);
  });
});

describe('NO_COLOR (no-color.org: "when present and not an empty string")', () => {
  const ESC = '\u001b[';
  const args = ['sources', hubspot('contacts.csv'), hubspot('deals.csv'), ...AS_OF];

  it('set to anything turns colour off on a terminal', async () => {
    for (const value of ['1', 'true', '0']) expect((await run(args, { tty: { columns: 200 }, env: { NO_COLOR: value } })).stdout, value).not.toContain(ESC);
  });

  it('unset or empty leaves colour on', async () => {
    expect((await run(args, { tty: { columns: 200 } })).stdout).toContain(ESC);
    expect((await run(args, { tty: { columns: 200 }, env: { NO_COLOR: '' } })).stdout).toContain(ESC);
    // Not a terminal: no colour either way.
    expect((await run(args, { env: { NO_COLOR: '' } })).stdout).not.toContain(ESC);
  });
});

describe('wrapping prose', () => {
  const word = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'b', 'é', '-', '(', ')', ';', '%'), minLength: 1, maxLength: 14 }),
    fc.string({ unit: fc.constantFrom('検', '索', '한', '국'), minLength: 1, maxLength: 6 }),
    fc.string({ unit: fc.constantFrom('😀', '👩‍💻', '🇯🇵', '☺️'), minLength: 1, maxLength: 3 }),
    fc.string({ unit: fc.constantFrom('x', '.', '@'), minLength: 30, maxLength: 200 }),
  );
  const note = fc.tuple(fc.constantFrom('', '- ', '  - ', '• ', '1. '), fc.array(word, { minLength: 1, maxLength: 40 })).map(([bullet, ws]) => bullet + ws.join(' '));

  it('keeps every line within the width and every word, in order', () => {
    fc.assert(
      fc.property(note, fc.integer({ min: 10, max: 160 }), (text, width) => {
        const out = wrapParagraph(text, width);
        for (const line of out) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
        expect(words(out.join(' '))).toBe(words(text));
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('breaks a long note between words, continuation lines hanging by two', () => {
    const text = 'Sig: + when an owner\'s qualified handoffs stall in sales stages more often than other owners\' (p < 0.05, Holm-adjusted), - when less.';
    expect(wrapParagraph(text, 40)).toEqual([
      "Sig: + when an owner's qualified",
      '  handoffs stall in sales stages more',
      "  often than other owners' (p < 0.05,",
      '  Holm-adjusted), - when less.',
    ]);
    expect(wrapParagraph('short note', 40)).toEqual(['short note']);
  });

  it('hangs a bullet under its text', () => {
    expect(wrapParagraph('  - Won = the last stage is reached (a won deal, or the status or date the rubric names).', 40)).toEqual([
      '  - Won = the last stage is reached (a',
      '    won deal, or the status or date the',
      '    rubric names).',
    ]);
  });

  it('breaks a word only when it is longer than the line, and counts wide characters as two', () => {
    expect(wrapLines('jessica.patel@summitrobotics.com lead', 12)).toEqual(['jessica.pate', 'l@summitrobo', 'tics.com', 'lead']);
    expect(wrapLines('有料検索広告キャンペーン', 10)).toEqual(['有料検索広', '告キャンペ', 'ーン']);
  });

  it('reflows hand-written help into paragraphs: bullets, examples and flush-left text', () => {
    const help = 'Prints the summary, the funnel\nand sources.\n\nHow:\n  - Deals join to leads by the rubric\'s\n    join keys.\n  - A lead id seen twice keeps its first row.\n\nExamples:\n  $ leadaudit audit contacts.csv deals.csv --format json -o weekly.json\n';
    expect(reflowHelp(help, 36)).toBe(
      [
        'Prints the summary, the funnel and',
        'sources.',
        '',
        'How:',
        "  - Deals join to leads by the",
        "    rubric's join keys.",
        '  - A lead id seen twice keeps its',
        '    first row.',
        '',
        'Examples:',
        // An example breaks as a shell command: between words, with a \ continuation.
        '  $ leadaudit audit contacts.csv \\',
        '      deals.csv --format json -o \\',
        '      weekly.json',
        '',
      ].join('\n'),
    );
  });
});

describe('example commands in help', () => {
  it('break between shell words with \\ continuations, a quoted argument whole, a comment on lines of its own above: joined, the command is the one written', () => {
    const line = `  $ leadaudit audit leads.csv deals.csv --fail-on 'summary.win_rate < 0.05' -o weekly.json   # the weekly cron run, as JSON`;
    for (const width of [30, 40, 60]) {
      const out = exampleLines(line, width);
      const comment = out.filter((l) => l.trimStart().startsWith('#'));
      const command = out.filter((l) => !l.trimStart().startsWith('#'));
      expect(comment.map((l) => l.trim().replace(/^# /, '')).join(' ')).toBe('the weekly cron run, as JSON');
      expect(command.map((l) => l.trim()).join(' ').replace(/ \\ /g, ' ')).toBe(`$ leadaudit audit leads.csv deals.csv --fail-on 'summary.win_rate < 0.05' -o weekly.json`);
      expect(command.slice(0, -1).every((l) => l.endsWith(' \\'))).toBe(true);
      expect(command.some((l) => l.includes(`'summary.win_rate < 0.05'`))).toBe(true);
      // A single word longer than the room (the quoted argument at 30) stays whole, on a line of its own.
      for (const l of out) if (width >= 40 || !l.includes("'")) expect(l.length, l).toBeLessThanOrEqual(width);
    }
    expect(exampleLines('  $ leadaudit demo', 30)).toEqual(['  $ leadaudit demo']);
  });
});

describe('reports at 80 columns', () => {
  it('owners fits 80 with long owner names (CJK and emoji too), every name shown whole', async () => {
    const names: Record<string, string> = {
      'Raj Mehta': 'Rajendra Venkataraghavan Mehta-Subramanian (EMEA Enterprise Accounts)',
      'Tom Becker': '高橋 健太郎 (東京 エンタープライズ営業部 第二課)',
      'Jonas Weber': 'Jonas 👨‍💼 Weber-Schwarzenberger von Hohenlohe-Langenburg',
    };
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-owners-'));
    let contacts = readFileSync(hubspot('contacts.csv'), 'utf8');
    for (const [name, long] of Object.entries(names)) contacts = contacts.replaceAll(name, long);
    writeFileSync(join(dir, 'contacts.csv'), contacts);
    const r = await run(['owners', join(dir, 'contacts.csv'), hubspot('deals.csv'), ...AS_OF]);
    expect(r.code).toBe(0);
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
    // Wrapped inside the Owner column, each name is still all there.
    const ownerColumn = lines(r.stdout)
      .filter((line) => line.startsWith('│'))
      .map((line) => line.split('│')[1]!.trim())
      .join(' ');
    for (const long of Object.values(names)) expect(words(ownerColumn)).toContain(words(long));
    // The columns that say whether an owner lets leads stall stay.
    expect(r.stdout).toMatch(/│ Sig │/);
    expect(r.stdout).toContain('Qualified');
  });

  it('diff fits 80 and keeps its old and new values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-diff-'));
    const older = join(dir, 'old.json');
    const newer = join(dir, 'new.json');
    await run(['audit', hubspot('contacts.csv'), hubspot('deals.csv'), '--as-of', '2025-03-31', '--until', '2025-03-01', '--format', 'json', '-o', older]);
    await run(['audit', hubspot('contacts.csv'), hubspot('deals.csv'), ...AS_OF, '--format', 'json', '-o', newer]);
    const r = await run(['diff', older, newer]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout).length).toBeGreaterThan(20);
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
    expect(lines(r.stdout)[2]).toMatch(/^│ Report +│ Row +│ Metric +│ +Old │ +New │$/);
    // A metric name is not broken across lines.
    expect(r.stdout).toContain('stalled_qualified_sales');
    const wide = await run(['diff', older, newer, '--wide']);
    expect(widest(wide.stdout)).toBeGreaterThan(140);
    expect(wide.stdout).not.toContain('hidden:');
  });

  it('check fits 80, the mapping keeping field, column and status', async () => {
    const r = await run(['check', hubspot('contacts.csv'), hubspot('deals.csv')]);
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
    expect(r.stdout).toMatch(/│ File +│ Field +│ Column +│ Status +│/);
  });
});

describe('help', () => {
  it('fits 60 columns, and the width of the terminal', async () => {
    for (const args of [['--help'], ['audit', '--help'], ['init', '--help'], ['diff', '--help'], ['owners', '--help']]) {
      const at60 = await run(args, { env: { COLUMNS: '60' } });
      expect(at60.code, args.join(' ')).toBe(0);
      expect(widest(at60.stdout), args.join(' ')).toBeLessThanOrEqual(60);
      const terminal = await run(args, { tty: { columns: 100 }, env: { COLUMNS: '60' } });
      expect(widest(terminal.stdout), args.join(' ')).toBeLessThanOrEqual(100);
      expect(widest(terminal.stdout), args.join(' ')).toBeGreaterThan(60);
    }
  });

  it('says the same at every width', async () => {
    const at60 = await run(['audit', '--help'], { env: { COLUMNS: '60' } });
    const at200 = await run(['audit', '--help'], { env: { COLUMNS: '200' } });
    expect(words(at60.stdout)).toBe(words(at200.stdout));
    expect(at60.stdout).toContain('  - A lead id seen twice keeps its first row; the duplicate');
  });
});

describe('alerts', () => {
  const args = ['sources', hubspot('contacts.csv'), hubspot('deals.csv'), ...AS_OF, '--fail-on', 'sources.win_rate<0.9', '--format', 'csv'];

  it('wrap to the width on a terminal, and stay one line each in a log', async () => {
    const terminal = await run(args, { stderrTTY: {}, env: { COLUMNS: '40' } });
    expect(terminal.code).toBe(3);
    const alerts = terminal.stderr.slice(terminal.stderr.indexOf('leadaudit: alert:'));
    expect(widest(alerts)).toBeLessThanOrEqual(40);
    // The width of the terminal standard error is on, when standard output is a file or a pipe.
    const stderrTerminal = await run(args, { stderrTTY: { columns: 50 }, env: { COLUMNS: '200' } });
    const wrapped = stderrTerminal.stderr.slice(stderrTerminal.stderr.indexOf('leadaudit: alert:'));
    expect(widest(wrapped)).toBeLessThanOrEqual(50);
    expect(widest(wrapped)).toBeGreaterThan(40);
    const log = await run(args, { env: { COLUMNS: '40' } });
    const logged = lines(log.stderr).filter((line) => line.startsWith('leadaudit: alert:'));
    expect(logged.length).toBeGreaterThan(3);
    expect(words(alerts)).toBe(words(logged.join('\n')));
  });
});
