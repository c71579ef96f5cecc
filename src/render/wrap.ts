/**
 * Text that fits a terminal: widths are display cells as a terminal draws them (string-width: a CJK
 * character or an emoji takes two, a combining accent none, colour codes none), and lines are
 * broken between words (wrap-ansi), inside a word only when the word is longer than a line.
 * What must stay true: no line is wider than the width asked for (when that width is at least 2,
 * the widest a single character can be), and wrapping only moves text to new lines — joined back,
 * the words are the original's. Pure functions; the CLI decides the width (README "Terminal width").
 */

import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/** The narrowest line text is wrapped to: a wide character needs two cells. */
const MIN_WIDTH = 2;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** Widths of text other than printable ASCII, measured once: tables repeat channel and owner names. */
const measured = new Map<string, number>();

/** How many terminal cells the text takes. */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = measured.get(text);
  if (width === undefined) {
    width = stringWidth(text);
    if (measured.size >= 10_000) measured.clear();
    measured.set(text, width);
  }
  return width;
}

/** The widest word of a text (for the narrowest a column can be without breaking a word). */
export function widestWord(text: string): number {
  let widest = 0;
  for (const word of text.split(' ')) widest = Math.max(widest, displayWidth(word));
  return widest;
}

const graphemes = new Intl.Segmenter();

/** A line cut into pieces of at most `width` cells, between graphemes (for what wrap-ansi leaves too wide). */
function cut(line: string, width: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  let used = 0;
  for (const { segment } of graphemes.segment(line)) {
    const w = displayWidth(segment);
    if (used + w > width && piece !== '') {
      pieces.push(piece.trimEnd());
      piece = '';
      used = 0;
    }
    piece += segment;
    used += w;
  }
  pieces.push(piece.trimEnd());
  return pieces;
}

/** The text as lines of at most `width` cells, broken between words where it can be. */
export function wrapLines(text: string, width: number): string[] {
  if (displayWidth(text) <= width) return [text];
  const room = Math.max(MIN_WIDTH, width);
  // wrap-ansi can leave a line one cell over (a zero-width "word" after a space): such a line is cut.
  return wrapAnsi(text, room, { hard: true, trim: true })
    .split('\n')
    .flatMap((line) => (displayWidth(line) <= room ? [line] : cut(line, room)));
}

/** A paragraph that starts like a list item: `- `, `* `, `• `, `1. `, or a help example's `$ ` (after any indent). */
const BULLET = /^\s*(?:[-*•$]|\d+[.)])\s+/;

/**
 * A paragraph (a note, a verdict, an alert) wrapped to `width`. Continuation lines hang: under the
 * text of a bullet, else by `hang` spaces (2), so where one paragraph ends and the next begins
 * stays visible when several follow each other.
 */
export function wrapParagraph(text: string, width: number, hang = 2): string[] {
  if (displayWidth(text) <= width) return [text];
  const bullet = BULLET.exec(text)?.[0] ?? '';
  if (bullet !== '') {
    const indent = displayWidth(bullet);
    // A bullet too wide for the line leaves no room beside it: wrap it as plain text instead.
    if (width - indent >= MIN_WIDTH * 4) {
      const body = wrapLines(text.slice(bullet.length), width - indent);
      return body.map((line, i) => (i === 0 ? bullet : ' '.repeat(indent)) + line);
    }
  }
  const indent = width - hang >= MIN_WIDTH * 4 ? hang : 0;
  const [first = ''] = wrapLines(text, width);
  // wrap-ansi's first line is the start of the text (trailing spaces trimmed); the rest is wrapped
  // narrower, for the indent. Should it ever not be, the whole text is wrapped at the narrower width.
  if (!text.startsWith(first) || first === '') {
    return wrapLines(text, width - indent).map((line, i) => (i === 0 ? line : ' '.repeat(indent) + line));
  }
  const rest = text.slice(first.length).trimStart();
  if (rest === '') return [first];
  return [first, ...wrapLines(rest, width - indent).map((line) => ' '.repeat(indent) + line)];
}

const indentOf = (line: string): number => line.length - line.trimStart().length;

/**
 * Help text written by hand (commander's `addHelpText`), reflowed to `width`: lines are joined into
 * paragraphs, then wrapped. A line continues the paragraph above it when it is indented deeper than
 * the paragraph's first line, or when both are flush left; a blank line, a `- ` item or a `$ `
 * example starts a new one. An example is broken as a shell command, not as prose (exampleLines).
 */
export function reflowHelp(text: string, width: number): string {
  const paragraphs: string[] = [];
  // An example command (`  $ leadaudit …`) is never joined or wrapped as prose: see exampleLines.
  const commands = new Set<number>();
  let start: string | undefined;
  for (const line of text.split('\n')) {
    if (EXAMPLE.test(line)) {
      commands.add(paragraphs.push(line.trimEnd()) - 1);
      start = undefined;
      continue;
    }
    const last = paragraphs.length - 1;
    const continues =
      start !== undefined && line.trim() !== '' && !BULLET.test(line) && (indentOf(line) > indentOf(start) || (indentOf(line) === 0 && indentOf(start) === 0));
    if (continues) {
      paragraphs[last] = `${paragraphs[last]} ${line.trim()}`;
    } else {
      paragraphs.push(line.trimEnd());
      start = line.trim() === '' ? undefined : line;
    }
  }
  return paragraphs.flatMap((p, i) => (p === '' ? [''] : commands.has(i) ? exampleLines(p, width) : wrapParagraph(p, width, 0))).join('\n');
}

/** A help line that is an example command. */
const EXAMPLE = /^\s*\$ /;

/** A shell word: unquoted text and quoted strings (which may hold spaces) run together. */
const SHELL_WORD = /(?:[^\s'"]+|'[^']*'|"[^"]*")+/g;

/**
 * An example command that fits `width` and still copies and pastes: a trailing `# comment` goes on
 * lines of its own above it, and the command breaks between shell words with ` \` continuations.
 * (Wrapped as prose, its second half read as another command.) A single word longer than the
 * width stays whole.
 */
export function exampleLines(line: string, width: number): string[] {
  if (displayWidth(line) <= width) return [line];
  const pad = ' '.repeat(indentOf(line));
  let command = line.trim();
  const out: string[] = [];
  const hash = command.search(/\s#\s/);
  if (hash >= 0) {
    const comment = command.slice(hash).trim().replace(/^#\s*/, '');
    command = command.slice(0, hash).trimEnd();
    out.push(...wrapLines(comment, Math.max(10, width - pad.length - 2)).map((text) => `${pad}# ${text}`));
  }
  const words = command.match(SHELL_WORD) ?? [command];
  let current = `${pad}${words[0]!}`;
  for (const word of words.slice(1)) {
    // Room for the word, a space and the ` \` that ends a continued line.
    if (displayWidth(current) + 1 + displayWidth(word) + 2 > width && current.trim() !== '$') {
      out.push(`${current} \\`);
      current = `${pad}    ${word}`;
    } else current = `${current} ${word}`;
  }
  out.push(current);
  return out;
}
