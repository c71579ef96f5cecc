/**
 * The YAML `init` writes, a line at a time: values in flow style on one line, and the data's own
 * text (headers, cell values) always as a double-quoted scalar, in rules and in the comments that
 * give their evidence. A header is data, never syntax.
 */

/**
 * A value in YAML flow style, always on one line; every string double-quoted. (The yaml package's
 * own writer folds a string with a line break over several lines, which breaks out of a flow map
 * nested in a block list.)
 */
export function flow(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[ ${value.map(flow).join(', ')} ]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${/^[A-Za-z_][\w]*$/.test(k) ? k : quoted(k)}: ${flow(v)}`).join(', ')} }`;
}

/**
 * A double-quoted YAML scalar on one line: JSON's escapes (valid in YAML's double quotes), plus
 * the characters YAML calls unprintable and those that look like line ends to people and editors.
 */
export function quoted(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text from the data inside a comment: quoted, so a line break or `#` in it cannot end the comment. */
export function said(text: string): string {
  return quoted(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;
}
