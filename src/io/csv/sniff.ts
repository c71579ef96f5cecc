/**
 * What a file is, judged from its first bytes and text before any record is read: not CSV at all
 * (an image, a workbook, JSON, HTML…), its encoding, its delimiter and its line end.
 */
import { TextDecoder } from 'node:util';
import { UsageError } from '../../errors.js';

/** The delimiters sniffDelimiter chooses among. */
const CANDIDATES = [',', ';', '\t', '|'] as const;

const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'latin1', 'iso-8859-15', 'macintosh'];

/** The canonical name of an encoding given with --encoding; a usage error names the usual ones. */
export function checkEncoding(name: string): string {
  try {
    return new TextDecoder(name).encoding;
  } catch {
    throw new UsageError(`unknown encoding "${name}"; expected one of: ${ENCODINGS.join(', ')}`);
  }
}

/** The encoding a file's first bytes call for, and how many BOM bytes to skip. */
export function sniffEncoding(head: Uint8Array): { encoding: string; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  // UTF-16 without a BOM: ASCII text with a NUL in every other byte.
  const n = Math.min(head.length, 4096) & ~1;
  if (n >= 4) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenNul++;
      if (head[i + 1] === 0) oddNul++;
    }
    const pairs = n / 2;
    if (oddNul > pairs * 0.6 && evenNul < pairs * 0.1) return { encoding: 'utf-16le', bom: 0 };
    if (evenNul > pairs * 0.6 && oddNul < pairs * 0.1) return { encoding: 'utf-16be', bom: 0 };
  }
  return { encoding: 'utf-8', bom: 0 };
}

const SAVE_AS_CSV = 'save or export it as CSV (in Excel: File > Save As > CSV UTF-8)';

/**
 * What a file that is not CSV text is, judged by its first bytes: an image, a PDF, a workbook, an
 * archive, JSON, HTML or other binary data; undefined for anything that may be CSV. Read as CSV,
 * such a file yields rows of garbage that nothing downstream can tell from data, so it is refused
 * by name instead. `asText` also judges the text formats (off for a UTF-16 --encoding).
 */
export function sniffFormat(head: Uint8Array, asText = true): string | undefined {
  const bytes = (at: number, ...want: number[]) => want.every((b, i) => head[at + i] === b);
  const ascii = (text: string) => bytes(0, ...Array.from(text, (c) => c.charCodeAt(0)));
  const not = (what: string, hint = '') => `looks like ${what}, not a CSV file${hint ? `; ${hint}` : ''}`;
  if (bytes(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return not('a PNG image');
  if (bytes(0, 0xff, 0xd8, 0xff)) return not('a JPEG image');
  if (ascii('GIF87a') || ascii('GIF89a')) return not('a GIF image');
  if (ascii('%PDF-')) return not('a PDF document', 'export the data as CSV');
  if (bytes(0, 0x1f, 0x8b)) return not('a gzip-compressed file', 'decompress it first (gunzip)');
  if (bytes(0, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return not('an Excel 97-2003 workbook (.xls) or another Office file', SAVE_AS_CSV);
  if (ascii('PK\x03\x04') || ascii('PK\x05\x06')) {
    // A ZIP archive; Office files name their parts in the first entries.
    const names = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1');
    if (names.includes('xl/')) return not('an Excel workbook (.xlsx)', SAVE_AS_CSV);
    if (names.includes('opendocument.spreadsheet')) return not('an OpenDocument spreadsheet (.ods)', SAVE_AS_CSV);
    if (names.includes('word/') || names.includes('ppt/') || names.includes('opendocument.')) return not('an Office document', 'export the data as CSV');
    return not('a ZIP archive', 'unzip it and give the CSV inside');
  }
  if (!asText) return undefined;
  // Text formats: the first characters after a UTF-8 BOM and white space.
  const space = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
  let i = bytes(0, 0xef, 0xbb, 0xbf) ? 3 : 0;
  while (space(head[i])) i++;
  let j = i + 1;
  while (space(head[j])) j++;
  const first = String.fromCharCode(head[i] ?? 0);
  const next = String.fromCharCode(head[j] ?? 0);
  if ((first === '{' && (next === '"' || next === '}')) || (first === '[' && '{["]'.includes(next))) {
    return not('JSON', 'export the data as CSV');
  }
  const start = Buffer.from(head.buffer, head.byteOffset + i, Math.min(64, head.byteLength - i)).toString('latin1').toLowerCase();
  if (/^<(?:!doctype html|html[\s>]|head[\s>]|body[\s>]|table[\s>])/.test(start)) {
    return not('an HTML page', "some CRMs' \"Excel\" exports are HTML tables; choose the CSV export instead");
  }
  if (start.startsWith('<?xml')) return not('an XML file', SAVE_AS_CSV);
  // Anything else that is mostly control bytes is binary (UTF-16 text is judged by sniffEncoding).
  if (sniffEncoding(head).encoding === 'utf-8') {
    const n = Math.min(head.length, 4096);
    let controls = 0;
    for (let k = 0; k < n; k++) {
      const b = head[k]!;
      if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) controls++;
    }
    if (controls >= 8 && controls > n / 10) return `does not look like text (${controls} of its first ${n} bytes are control characters); is it a CSV export?`;
  }
  return undefined;
}

/** Picks the delimiter whose count per record is the same on the most records of the sample. */
export function sniffDelimiter(sample: string): string {
  let best: string = ',';
  let bestScore = -1;
  for (const delimiter of CANDIDATES) {
    const counts = countPerRecord(sample, delimiter, 50);
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    const rest = counts.slice(1);
    const same = rest.length === 0 ? 1 : rest.filter((c) => c === header).length / rest.length;
    const score = same * 1000 + header;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

function countPerRecord(text: string, delimiter: string, maxRecords: number): number[] {
  const counts: number[] = [];
  let count = 0;
  let quoted = false;
  const d = delimiter.charCodeAt(0);
  for (let i = 0; i < text.length && counts.length < maxRecords; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === d) count++;
    else if (!quoted && (c === 10 || c === 13)) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      counts.push(count);
      count = 0;
    }
  }
  // A last record without a line end is only complete when the sample is the whole file; the
  // caller passes whole records or a prefix, so a partial last record is left out.
  return counts;
}

/** The first line end outside quotes: `\r\n`, `\n` or `\r` (`\n` when there is none yet). */
export function sniffLineEnd(text: string): string | undefined {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === 10) return '\n';
    else if (!quoted && c === 13) {
      if (i + 1 >= text.length) return undefined;
      return text.charCodeAt(i + 1) === 10 ? '\r\n' : '\r';
    }
  }
  return undefined;
}
