/**
 * Rubric patterns cannot hang a run (src/rubric/regex.ts): catastrophic patterns on cells made to
 * make them backtrack finish (completion is asserted, not a time), matching exactly what the
 * pattern with the `i` flag matches; patterns that only a backtracking engine can run are refused
 * when they repeat anything.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { MATCH_INPUT_LIMIT, compileMatch, foldCase, linearEngine } from '../src/rubric/regex.js';
import { checkRegexFold, properties } from '../scripts/fuzz-properties.js';

describe('compileMatch', () => {
  it('has the linear-time engine on this Node (else only the input bound would guard)', () => {
    expect(linearEngine()).toBe(true);
  });

  // Each would run for minutes or years on JavaScript's backtracking engine alone (docs/performance.md,
  // "Numbers behind the code"). Each cell is under MATCH_INPUT_LIMIT, so the
  // bound on input length does not help; the linear-time fallback does.
  const catastrophic: [pattern: string, cell: string, expected: boolean][] = [
    ['(a+)+$', `${'a'.repeat(MATCH_INPUT_LIMIT - 10)}!`, false],
    ['^(\\w+\\s?)*$', `${'word '.repeat(190)}!`, false],
    ['(a|a)*b', 'a'.repeat(MATCH_INPUT_LIMIT - 1), false],
    ['(a|aa)+$', `${'a'.repeat(900)}!`, false],
    ['.*.*.*=', '.'.repeat(MATCH_INPUT_LIMIT - 1), false],
    ['^(([a-z])+.)+[A-Z]([a-z])+$', `${'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'.repeat(20)}!`, false],
    ['(x+x+)+y', 'x'.repeat(900), false],
    ['(a+)+$', 'AAAA', true], // and still case-insensitive
  ];
  it.each(catastrophic)('%s on a cell made to make it backtrack completes, with the right answer', (pattern, cell, expected) => {
    const test = compileMatch(pattern, 'rubric.yml: score.signals[0].when.title.matches');
    expect(test(cell)).toBe(expected);
    // The same answer a backtracking engine gives, where it can finish: on a short cell.
    const short = cell.slice(0, 12) + cell.slice(-1);
    expect(test(short)).toBe(new RegExp(pattern, 'i').test(short));
  });

  it(`looks at the first ${MATCH_INPUT_LIMIT} characters only`, () => {
    const test = compileMatch('needle', 'p');
    expect(test(`${'a'.repeat(MATCH_INPUT_LIMIT - 6)}NEEDLE`)).toBe(true);
    expect(test(`${'a'.repeat(MATCH_INPUT_LIMIT)}needle`)).toBe(false);
  });

  it('refuses a pattern that repeats and needs the backtracking engine (backreference, lookaround, huge count), naming it', () => {
    for (const pattern of ['(\\w+)\\s+\\1+', '(?=(a+))a*b\\1', '^(?!.*test).*@', '(?<=x)y+', 'x{2,2000}']) {
      expect(() => compileMatch(pattern, 'leadaudit.yml: score.signals[1].when.email.matches'), pattern).toThrow(UsageError);
      expect(() => compileMatch(pattern, 'leadaudit.yml: score.signals[1].when.email.matches')).toThrow(
        /^leadaudit\.yml: score\.signals\[1\]\.when\.email\.matches: ".+" could take exponential time on some values: it repeats/,
      );
    }
  });

  it('accepts what the backtracking engine runs quickly: lookaround and backreferences without repetition', () => {
    expect(compileMatch('\\bvp\\b(?! of sales)', 'p')('VP of Marketing')).toBe(true);
    expect(compileMatch('\\bvp\\b(?! of sales)', 'p')('vp of sales')).toBe(false);
    expect(compileMatch('^(.)\\1', 'p')('aA')).toBe(true); // case-insensitive backreference, as /…/i
    expect(compileMatch('(?<=@)gmail\\.', 'p')('ann@GMAIL.com')).toBe(true);
  });

  it('refuses what is not a regex, naming where', () => {
    expect(() => compileMatch('(vp|director', 'r.yml: channels[0].when.source.matches')).toThrow(
      /^r\.yml: channels\[0\]\.when\.source\.matches: not a valid regular expression: .*Unterminated group/,
    );
  });
});

describe('foldCase: case-insensitivity written into the pattern, by JavaScript\'s rule for /…/i', () => {
  it.each([
    ['k', ['k', 'K'], ['\u212a']], // the Kelvin sign folds to k only with the u flag
    ['s', ['s', 'S'], ['\u017f']], // so does the long s
    ['\u03c3', ['\u03c3', '\u03a3', '\u03c2'], []], // σ Σ ς
    ['\u00df', ['\u00df'], ['\u1e9e', 'SS']], // ß: its upper case is two letters
    ['i', ['i', 'I'], ['\u0130', '\u0131']], // İ and ı are not i
    ['[a-c]', ['b', 'B'], ['d']],
    ['[^a-c]', ['d', 'D'], ['b', 'B']],
    ['[\\w-]', ['-', 'Q'], ['!']],
    ['[\\w-z-\u1e9e]', ['-', 'Z', '\u1e9e', '_'], ['\u00ff', '\u00df']], // Annex B: \w, -, z, -, ẞ; no range z-ẞ (found by npm run fuzz)
    ['\\x41', ['a', 'A'], []],
    ['\\u00c9', ['é', 'É'], []],
    ['(?<Name>x)', ['X'], ['Name']],
  ])('%s', (pattern, matching, notMatching) => {
    const folded = new RegExp(`^(?:${foldCase(pattern).source})$`);
    const native = new RegExp(`^(?:${pattern})$`, 'i');
    for (const text of matching) expect([folded.test(text), native.test(text)], `${pattern} ~ ${text}`).toEqual([true, true]);
    for (const text of notMatching) expect([folded.test(text), native.test(text)], `${pattern} !~ ${text}`).toEqual([false, false]);
  });

  it('folds each ASCII character to what /x/i matches among all 65,536 code units (ASCII takes a short cut)', () => {
    for (let unit = 0; unit < 128; unit++) {
      const escaped = `\\u${unit.toString(16).padStart(4, '0')}`;
      const folded = new RegExp(`^(?:${foldCase(escaped).source})$`);
      const native = new RegExp(`^${escaped}$`, 'i');
      for (let u = 0; u <= 0xffff; u++) {
        const text = String.fromCharCode(u);
        if (folded.test(text) !== native.test(text)) expect.fail(`${escaped} on \\u${u.toString(16)}: folded ${folded.test(text)}, /…/i ${native.test(text)}`);
      }
    }
  });

  it('says whether a pattern repeats anything', () => {
    expect(foldCase('a+').repeats).toBe(true);
    expect(foldCase('a{2}').repeats).toBe(true);
    expect(foldCase('colou?r').repeats).toBe(true);
    expect(foldCase('(?:vp|director)').repeats).toBe(false);
    expect(foldCase('a\\+\\{2\\}[*+?]').repeats).toBe(false);
    expect(foldCase('x{,2}').repeats).toBe(false); // Annex B: not a count, a literal brace
  });

  it('matches what /pattern/i matches, on random patterns and text (the property npm run fuzz runs for minutes)', async () => {
    checkRegexFold('(a+)+$', 'AAA');
    await fc.assert(properties.regexFold(), { numRuns: 3000 });
  });
});
