import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_FIELD_CHARS, MAX_RECORD_CHARS, readCsv, sniffDelimiter, sniffFormat } from '../src/io/read-csv.js';
import { InputError } from '../src/errors.js';
import { encode, oracle, properties, readBytes } from '../scripts/fuzz-properties.js';

/** Reads text or bytes through the real reader (as standard input), in chunks of `chunkSize` bytes. */
const read = (bytes: Buffer | string, options: { chunkSize?: number; delimiter?: string; encoding?: string } = {}) =>
  readBytes(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes, options);

describe('readCsv: the fast path yields exactly what csv-parse yields (the properties npm run fuzz runs for minutes)', () => {
  it('on random well-formed CSV: any delimiter (, ; TAB |), line end, quoting, BOM, UTF-8 or UTF-16, any byte chunking', async () => {
    await fc.assert(properties.wellFormed(), { numRuns: 400 });
  });

  it('on random malformed CSV (ragged rows, stray and unclosed quotes, any delimiter): csv-parse\'s records, or a failure naming a line', async () => {
    await fc.assert(properties.malformed(), { numRuns: 500 });
  });

  it('under every chunk size from 1 byte up: multi-byte characters split across chunks, in UTF-8 and UTF-16', async () => {
    // Past the 4 KiB the reader judges the encoding on, a record with 2-, 3- and 4-byte
    // characters, quoted line ends of each kind, an escaped quote and a CRLF right at its end.
    const pad = Array.from({ length: 60 }, (_, r) => `${r};${'p'.repeat(60)};x`).join('\r\n');
    const tricky = ['é€😀;"中\r\n文";"a""b\nc"', '"😀😀";€;"\r"', 'ü;;"é"'];
    const text = `a;b;c\r\n${pad}\r\n${tricky.join('\r\n')}\r\n`;
    const expected = oracle(text, '\r\n', ';').slice(1);
    for (const encoding of ['utf-8', 'utf-16le-bom'] as const) {
      const bytes = encode(text, encoding);
      for (let size = 1; size <= bytes.length + 1; size++) {
        const seen = await readBytes(bytes, { chunkSize: size });
        expect(seen.info.delimiter, `${encoding}, ${size}-byte chunks`).toBe(';');
        expect(seen.records.map((r) => r.cells), `${encoding}, ${size}-byte chunks`).toEqual(expected);
        expect(seen.info.exact).toBe(false);
      }
    }
  });
});

describe('readCsv: records, lines and row accounting', () => {
  it('numbers lines from the file, counting lines inside quoted fields', async () => {
    const seen = await read('id,note\n1,"two\nlines"\n2,plain\n\n3,"x"\n');
    expect(seen.records.map((r) => [r.cells[0], r.line, r.reason ?? 'row'])).toEqual([
      ['1', 2, 'row'],
      ['2', 4, 'row'],
      ['', 5, 'blank line'],
      ['3', 6, 'row'],
    ]);
  });

  it('rejects ragged rows with their line and keeps reading on the fast path', async () => {
    const seen = await read('a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n');
    expect(seen.info.exact).toBe(false);
    expect(seen.records.map((r) => [r.cells.join('|'), r.line, r.reason ?? 'row', r.rejected ?? false])).toEqual([
      ['1|2|3', 2, 'row', false],
      ['4|5', 3, 'too few cells', true],
      ['6|7|8|9', 4, 'too many cells', true],
      ['10|11|12', 5, 'row', false],
    ]);
  });

  it('reads one-column files and runs of blank lines on the fast path, as csv-parse does', async () => {
    // The cutter looks for the next delimiter once and remembers it: in a one-column file there
    // is none, in blank lines it is records away (each record searched to the end of the chunk).
    const oneColumn = `id\n${Array.from({ length: 2000 }, (_, i) => (i % 50 === 0 ? `"L,${i}"` : i % 70 === 0 ? '' : `L${i}`)).join('\n')}\n`;
    const blanks = `a,b\n${Array.from({ length: 500 }, (_, i) => `${i},x\n\n\n"q,${i}",y`).join('\n')}\n`;
    for (const text of [oneColumn, blanks]) {
      for (const chunkSize of [7, 4096, 1 << 20]) {
        const seen = await read(text, { chunkSize });
        expect(seen.info.exact).toBe(false);
        expect(seen.records.map((r) => r.cells)).toEqual(oracle(text, '\n', ',').slice(1));
      }
    }
  });

  it('rejects a quoted short row (udsv, the hot path before the cutter, padded it silently)', async () => {
    const seen = await read('a,b,c\n"1","2"\n"3","4","5"\n');
    expect(seen.records.map((r) => r.reason ?? 'row')).toEqual(['too few cells', 'row']);
  });

  it('never drops a one-cell quoted row and reuses the next one (udsv did; found in review)', async () => {
    // udsv skipped `"17"` as if it were an empty line; the next row has the same length.
    const seen = await read('id,email\n"17"\n1,\n2,x@y.z\n');
    expect(seen.records.map((r) => [r.cells, r.line, r.reason ?? 'row'])).toEqual([
      [['17'], 2, 'too few cells'],
      [['1', ''], 3, 'row'],
      [['2', 'x@y.z'], 4, 'row'],
    ]);
  });

  it('skips and counts Salesforce report footers', async () => {
    const text = [
      '"Lead ID","Email","Lead Source"',
      '"00Q1","a@x.com","Web"',
      '"00Q2","b@x.com","Partner"',
      '',
      '"Grand Totals (2 records)"',
      '',
      '"Confidential Information - Do Not Distribute"',
      '"Copyright © 2000-2025 salesforce.com, inc. All rights reserved."',
      '',
    ].join('\r\n');
    const seen = await read(text);
    expect(seen.records.filter((r) => r.reason === undefined)).toHaveLength(2);
    expect(seen.records.filter((r) => r.reason === 'report footer')).toHaveLength(3);
    expect(seen.records.filter((r) => r.reason === 'blank line')).toHaveLength(2);
    expect(seen.info.read).toBe(7);
  });

  it('fails on an unterminated quote, naming the line where its row starts', async () => {
    await expect(read('a,b\n1,2\n3,"open\n4,5\n')).rejects.toThrow(/stdin line 3: a quoted field is never closed/);
    await expect(read('a,b\n1,2\n3,"open\n4,5\n')).rejects.toBeInstanceOf(InputError);
  });

  it('drops trailing empty header cells (a trailing comma on every line)', async () => {
    const seen = await read('a,b,\n1,2,\n3,4,\n');
    expect(seen.header.names).toEqual(['a', 'b']);
    expect(seen.header.cells).toBe(3);
    expect(seen.records.every((r) => r.reason === undefined)).toBe(true);
  });

  it('refuses duplicate column names, naming both positions', async () => {
    await expect(read('Email,Name,email\n1,2,3\n')).rejects.toThrow(/duplicate column name "email" in columns 1 and 3/);
  });

  it('reads Excel\'s sep= line, CR-only files and mixed line endings', async () => {
    expect((await read('sep=;\na;b\n1;2\n')).records.map((r) => [r.cells, r.line])).toEqual([[['1', '2'], 3]]);
    expect((await read('a,b\r1,2\r3,4')).records.map((r) => r.cells)).toEqual([['1', '2'], ['3', '4']]);
    const mixed = await read('a,b\n1,2\r\n3,4\n');
    expect(mixed.records.map((r) => r.cells)).toEqual([['1', '2'], ['3', '4']]);
    expect(mixed.info.warnings.join()).toMatch(/mixed line endings/);
  });

  it('decides the encoding: BOMs, UTF-16 without BOM, Windows-1252 with a warning', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name\tcity\nJosé\tSão Paulo\n', 'utf16le')]);
    const a = await read(utf16);
    expect(a.info.encoding).toBe('utf-16le');
    expect(a.info.delimiter).toBe('\t');
    expect(a.records[0]!.cells).toEqual(['José', 'São Paulo']);
    const b = await read(Buffer.from('name,city\nRenée,Köln\n', 'utf16le'));
    expect(b.info.encoding).toBe('utf-16le');
    const be = Buffer.from('name,city\nA,B\n', 'utf16le').swap16();
    expect((await read(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).records[0]!.cells).toEqual(['A', 'B']);
    const cp1252 = Buffer.from([...Buffer.from('name,city\n'), 0x52, 0x65, 0x6e, 0xe9, 0x65, 0x2c, 0x4b, 0xf6, 0x6c, 0x6e, 0x0a]);
    const c = await read(cp1252, { chunkSize: 3 });
    expect(c.info.encoding).toBe('windows-1252');
    expect(c.records[0]!.cells).toEqual(['Renée', 'Köln']);
    expect(c.info.warnings[0]).toMatch(/not valid UTF-8; read as Windows-1252/);
  });

  it('fails clearly on an empty file and a missing file', async () => {
    await expect(read('')).rejects.toThrow(/the file is empty/);
    await expect(readCsv('no/such/file.csv', {}, () => ({ row() {}, other() {} }))).rejects.toThrow(/no\/such\/file.csv: no such file/);
  });
});

describe('sniffDelimiter', () => {
  it('picks the delimiter that splits every line the same way', () => {
    expect(sniffDelimiter('a,b,c\n1,2,3\n')).toBe(',');
    expect(sniffDelimiter('Created Date;UTM_Medium;Amount\n1/2/2023;paid;1,5\n3/4/2023;organic;2,25\n')).toBe(';');
    expect(sniffDelimiter('a\tb\n1,5\t2\n')).toBe('\t');
    expect(sniffDelimiter('a|b|c\n"x,y"|2|3\n')).toBe('|');
  });
});

describe('readCsv: limits, NUL characters, files that are not CSV (fixtures/bad/ has one of each for the CLI)', () => {
  it(`rejects a row whose field is over ${MAX_FIELD_CHARS / 1024 / 1024} MB, naming its column; a field just under is kept`, async () => {
    const over = 'x'.repeat(MAX_FIELD_CHARS + 1);
    const under = 'y'.repeat(MAX_FIELD_CHARS);
    for (const quote of ['', '"']) {
      const seen = await read(`id,notes\n1,${quote}${under}${quote}\n2,${quote}${over}${quote}\n3,ok\n`, { chunkSize: 100_000 });
      expect(seen.records.map((r) => [r.cells[0], r.line, r.reason ?? 'row', r.rejected ?? false])).toEqual([
        ['1', 2, 'row', false],
        ['2', 3, 'field too long', true],
        ['3', 4, 'row', false],
      ]);
    }
    // On csv-parse's path too (text after a closing quote first sends the rest of the file there).
    const exact = await read(`id,notes\n1,"a"b\n2,${over}\n`);
    expect(exact.info.exact).toBe(true);
    expect(exact.records.map((r) => [r.cells[1]!.slice(0, 5), r.reason ?? 'row'])).toEqual([
      ['"a"b', 'row'],
      ['xxxxx', 'field too long'],
    ]);
  });

  it(`fails, naming the line, on a record over ${MAX_RECORD_CHARS / 1024 / 1024} MB (a quote left open) instead of exhausting memory`, async () => {
    const text = `a,b\n1,2\n3,"${'x'.repeat(MAX_RECORD_CHARS + 16)}`;
    await expect(read(text)).rejects.toThrow(/^stdin line 3: a record longer than 32 MB; is a quote left open\?$/);
  });

  it(`fails the same way on an unquoted line over ${MAX_RECORD_CHARS / 1024 / 1024} MB, which csv-parse refuses after the fast path hands it over`, async () => {
    const text = `a,b\n1,2\n${'x'.repeat(MAX_RECORD_CHARS + 16)}\n3,4\n`;
    await expect(read(text)).rejects.toThrow(/^stdin line 3: a record longer than 32 MB; is a quote left open\?$/);
  });

  it('removes NUL characters from cells, reporting how many, and the line and column of the first', async () => {
    const seen = await read('id,name,source\n1,Ann,web\n2,B\0ob,\0ads\0\n', { chunkSize: 5 });
    expect(seen.records.map((r) => r.cells)).toEqual([
      ['1', 'Ann', 'web'],
      ['2', 'Bob', 'ads'],
    ]);
    expect(seen.info.nul).toEqual({ count: 3, cells: 2, line: 3, column: 'name' });
    expect(seen.info.warnings).toEqual(['stdin: 3 NUL characters removed from 2 cells (first at line 3, column "name"); is the file damaged?']);
    expect((await read('id,name\n1,Ann\n')).info.nul).toBeUndefined();
  });

  it('fails on a quote in the header that never closes, naming line 1 (was an internal error)', async () => {
    await expect(read('"id,email\n1,a@x.com\n')).rejects.toThrow(/^stdin line 1: a quoted field is never closed \(the quote opens in the header row\)$/);
  });

  it('keeps no \\r in the cells of CRLF rows after a ragged row in an LF file (found by the fuzzer)', async () => {
    const seen = await read('h1,h2\na\n1,2\r\n3,4\r\n');
    expect(seen.records.map((r) => r.cells)).toEqual([['a'], ['1', '2'], ['3', '4']]);
  });

  it('sniffFormat names images, documents, workbooks, archives, JSON, HTML, XML and binary data, and passes CSV', () => {
    const b = (...bytes: number[]) => Uint8Array.from(bytes);
    const t = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
    expect(sniffFormat(b(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('looks like a PNG image, not a CSV file');
    expect(sniffFormat(b(0xff, 0xd8, 0xff, 0xe0))).toMatch(/JPEG image/);
    expect(sniffFormat(t('GIF89a...'))).toMatch(/GIF image/);
    expect(sniffFormat(t('%PDF-1.7\n'))).toMatch(/PDF document/);
    expect(sniffFormat(b(0x1f, 0x8b, 8, 0))).toMatch(/gzip-compressed file, not a CSV file; decompress it first/);
    expect(sniffFormat(b(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1))).toMatch(/Excel 97-2003 workbook \(\.xls\)/);
    expect(sniffFormat(t('PK\x03\x04\x14\x00\x00\x00[Content_Types].xml...xl/workbook.xml'))).toMatch(/Excel workbook \(\.xlsx\)/);
    expect(sniffFormat(t('PK\x03\x04\x14\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet'))).toMatch(/OpenDocument spreadsheet/);
    expect(sniffFormat(t('PK\x03\x04\x14\x00data.csv'))).toMatch(/ZIP archive, not a CSV file; unzip it/);
    expect(sniffFormat(t('\xef\xbb\xbf  [\n  {"id": 1}\n]'))).toMatch(/JSON/);
    expect(sniffFormat(t('{"id":1,"email":"a@x.com"}\n{"id":2}'))).toMatch(/JSON/); // NDJSON
    expect(sniffFormat(t('<!DOCTYPE html><html><table>'))).toMatch(/HTML page/);
    expect(sniffFormat(t('<table border=1><tr><td>Lead'))).toMatch(/HTML page/); // Salesforce's "Excel" export
    expect(sniffFormat(t('<?xml version="1.0"?><Workbook'))).toMatch(/XML file/);
    expect(sniffFormat(b(...Array.from({ length: 64 }, (_, i) => (i * 7) % 32)))).toMatch(/^does not look like text \(\d+ of its first 64 bytes are control characters\)/);
    for (const csv of ['id,email\n1,a@x.com\n', '[Name],[Email]\nAnn,a@x.com\n', '{id},x\n1,2\n', '<Name>,x\n', 'a\0b,c\n1,2\n', '\x1b[31mred\x1b[0m,x\n']) {
      expect(sniffFormat(t(csv)), csv).toBeUndefined();
    }
    // A UTF-16 file's NULs are not binary; --encoding utf-16 skips the text checks.
    expect(sniffFormat(new Uint8Array(Buffer.from('id,name\n1,Ann\n', 'utf16le')))).toBeUndefined();
    expect(sniffFormat(t('{"id":1}'), false)).toBeUndefined();
  });
});
