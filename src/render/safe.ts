/**
 * Making text that came from the user's data safe for where it is printed (README, "Spreadsheet-safe"):
 * a terminal must not obey escape sequences hidden in a lead's name, and a spreadsheet must not
 * run a cell as a formula.
 */

/*
 * Escape sequences a terminal acts on: CSI (`ESC [ … final`), OSC / DCS / SOS / PM / APC strings
 * (`ESC ] … BEL` or `… ESC \`) ended on the same line, and two-character escapes (`ESC x`). An OSC
 * string left open loses only its `ESC ]`: what follows is data, and must not be taken with it
 * (a name holding `ESC ]` once swallowed the rest of a CSV printed to a terminal). Their 8-bit C1
 * forms are removed by CONTROLS below, which leaves only their harmless printable tail.
 */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[\]PX^_][^\u0007\u001b\n\r]*(?:\u0007|\u001b\\)|\u001b[ -~]?/g;

/** Line breaks and tabs become a space, so a cell stays on its row. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BREAKS = /\r\n|[\t\n\r\u000b\u000c\u2028\u2029]/g;

/** Every other C0 / C1 control, DEL, and the bidirectional overrides that reorder a line. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Any character the three patterns above would change (most cells have none). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * Text fit for a terminal: ANSI escape sequences and control characters removed, tabs and line
 * breaks turned into spaces. `"\u001b[31mRED"` → `"RED"`.
 */
export function terminalSafe(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(ESCAPE_SEQUENCE, '').replace(BREAKS, ' ').replace(CONTROLS, '');
}

/** Every control but the line feed and tab a text format is made of (and CR before LF). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TEXT_CONTROLS = /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A whole output (CSV, JSON, HTML…) fit for a terminal: escape sequences and control characters
 * removed, its own line breaks and tabs kept. Made for a piece of output, not a cell.
 */
export function terminalText(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(ESCAPE_SEQUENCE, '').replace(TEXT_CONTROLS, '');
}

/** `terminalText` over an output's pieces, as they are made. */
export function* terminalPieces(pieces: Iterable<string>): Generator<string> {
  for (const piece of pieces) yield terminalText(piece);
}

/**
 * First characters that make a spreadsheet treat a cell as a formula (CWE-1236): `= + - @`, TAB
 * and CR, plus the full-width `＝ ＋ － ＠` that some spreadsheets normalize to them.
 */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/** Prefixes `'` to text that a spreadsheet would read as a formula; other text is returned as is. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made inert in HTML or SVG, as element content or a quoted attribute: `& < > " '` become entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
