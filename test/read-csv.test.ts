import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { headerLooksLikeData } from '../src/io/csv/header.js';
import { readCsv, type CsvOptions } from '../src/io/csv/index.js';
import { MAX_FIELD_CHARS, MAX_RECORD_CHARS } from '../src/io/csv/limits.js';
import { sniffDelimiter, sniffFormat } from '../src/io/csv/sniff.js';
import { InputError } from '../src/errors.js';
import { encode, oracle, properties, readBytes } from '../scripts/fuzz-properties.js';

/** Reads text or bytes through the real reader (as standard input), in chunks of `chunkSize` bytes. */
const read = (bytes: Buffer | string, options: { chunkSize?: number; delimiter?: string; encoding?: string } & Pick<CsvOptions, 'names' | 'namesFrom' | 'escape'> = {}) =>
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
      ['', 5, 'blank_line'],
      ['3', 6, 'row'],
    ]);
  });

  it('rejects ragged rows with their line and keeps reading on the fast path', async () => {
    const seen = await read('a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n');
    expect(seen.info.exact).toBe(false);
    expect(seen.records.map((r) => [r.cells.join('|'), r.line, r.reason ?? 'row', r.rejected ?? false])).toEqual([
      ['1|2|3', 2, 'row', false],
      ['4|5', 3, 'too_few_cells', true],
      ['6|7|8|9', 4, 'too_many_cells', true],
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
    expect(seen.records.map((r) => r.reason ?? 'row')).toEqual(['too_few_cells', 'row']);
  });

  it('never drops a one-cell quoted row and reuses the next one (udsv did; found in review)', async () => {
    // udsv skipped `"17"` as if it were an empty line; the next row has the same length.
    const seen = await read('id,email\n"17"\n1,\n2,x@y.z\n');
    expect(seen.records.map((r) => [r.cells, r.line, r.reason ?? 'row'])).toEqual([
      [['17'], 2, 'too_few_cells'],
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
    expect(seen.records.filter((r) => r.reason === 'report_footer')).toHaveLength(3);
    expect(seen.records.filter((r) => r.reason === 'blank_line')).toHaveLength(2);
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
        ['2', 3, 'field_too_long', true],
        ['3', 4, 'row', false],
      ]);
    }
    // On csv-parse's path too (text after a closing quote first sends the rest of the file there).
    const exact = await read(`id,notes\n1,"a"b\n2,${over}\n`);
    expect(exact.info.exact).toBe(true);
    expect(exact.records.map((r) => [r.cells[1]!.slice(0, 5), r.reason ?? 'row'])).toEqual([
      ['"a"b', 'row'],
      ['xxxxx', 'field_too_long'],
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

/** Each record as [line, cells joined by |, reason] ("row" for data). */
const outline = (seen: Awaited<ReturnType<typeof read>>) => seen.records.map((r) => [r.line, r.cells.join('|'), r.reason ?? 'row']);

describe('readCsv: summary rows at the end of report exports', () => {
  const head = '"Lead ID","Name","Email","Lead Source","Amount","Probability (%)"';
  const data = ['"00Q5g01","Ann Lee","ann@x.com","Web","$1,200.00","10"', '"00Q5g02","Bob Roy","bob@y.org","Partner","$300.00","20"'];

  it('skips a Salesforce "Show summary" block (blank row, statistics row, Grand Totals, footers) and counts each record', async () => {
    const text = [head, ...data, '', ',,0,0.0016,1234.5,15', 'Total,,,,"$1,500.00",', '"Grand Totals (2 records)"', '', '"Confidential Information - Do Not Distribute"', ''].join('\r\n');
    const seen = await read(text);
    expect(outline(seen)).toEqual([
      [2, '00Q5g01|Ann Lee|ann@x.com|Web|$1,200.00|10', 'row'],
      [3, '00Q5g02|Bob Roy|bob@y.org|Partner|$300.00|20', 'row'],
      [4, '', 'blank_line'],
      [5, '||0|0.0016|1234.5|15', 'summary_row'],
      [6, 'Total||||$1,500.00|', 'summary_row'],
      [7, 'Grand Totals (2 records)', 'report_footer'],
      [8, '', 'blank_line'],
      [9, 'Confidential Information - Do Not Distribute', 'report_footer'],
    ]);
    expect(seen.info.read).toBe(8);
  });

  it('reads a row of that shape inside the data as data: only rows after the last data row are skipped', async () => {
    const seen = await read([head, data[0], '', ',,0,0.0016,1234.5,15', 'Average,,,,600,15', data[1], ''].join('\n'));
    expect(outline(seen).map((r) => r[2])).toEqual(['row', 'blank_line', 'row', 'row', 'row']);
  });

  it('never skips a last data row that has numbers: text in its text columns, numbers in number columns, or a file of numbers', async () => {
    const last = '"00Q5g03","Cy 2","cy@z.io","Web","5000","0.5"';
    expect(outline(await read([head, ...data, last, ''].join('\n'))).map((r) => r[2])).toEqual(['row', 'row', 'row']);
    // HubSpot's numeric record ids: a number in a column of numbers is data, and so is an empty email.
    expect(outline(await read('Record ID,Email,Amount\n101,a@x.com,5\n102,b@x.com,7.5\n103,,0.125\n')).map((r) => r[2])).toEqual(['row', 'row', 'row']);
    expect(outline(await read('deal_id,contact_id,amount\n1,2,3.5\n4,5,6\n7,8,0.0016\n')).map((r) => r[2])).toEqual(['row', 'row', 'row']);
    // csv-spectrum's escaped_quotes.csv: a number where the one row before held text, no blank line.
    expect(outline(await read('a,b\n1,"ha ""ha"" ha"\n3,4\n')).map((r) => r[2])).toEqual(['row', 'row']);
  });

  it('takes totals words (Total, Grand Total, Subtotal, Sum, Average, Count, Min, Max) with numbers, and not a company named so', async () => {
    for (const word of ['Total', 'Grand Totals (2 records)', 'Subtotal', 'Sum', 'Sum of Amount', 'Average', 'Avg', 'Count', 'Record Count', 'Min', 'Max', 'Median']) {
      const seen = await read([head, ...data, `${word},,,,1500,15`].join('\n'));
      expect(outline(seen).at(-1), word).toEqual([4, `${word}||||1500|15`, 'summary_row']);
    }
    for (const row of ['Total Gym,Ann,ann@x.com,Web,5,1', 'Totally,,,,5,1', 'Summit,,,,5,1']) {
      expect(outline(await read([head, ...data, row].join('\n'))).at(-1)![2], row).toBe('row');
    }
  });

  it('without a blank line, takes a row of numbers only where at least 10 sampled rows all held text', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `"00Q5g${i}","N${i}","n${i}@x.com","Web","${i}","10"`);
    expect(outline(await read([head, ...rows(10), '0,0,0.0016,,1234.5,15'].join('\n'))).at(-1)![2]).toBe('summary_row');
    expect(outline(await read([head, ...rows(9), '0,0,0.0016,,1234.5,15'].join('\n'))).at(-1)![2]).toBe('row');
    // A number only in a column that held text in some rows and was empty in others: data.
    const sparse = rows(12).map((r, i) => (i % 2 ? r.replace('"Web"', '""') : r));
    expect(outline(await read([head, ...sparse, ',,,0,1234.5,15'].join('\n'))).at(-1)![2]).toBe('row');
  });

  it('after a blank line, takes a row of numbers whose always-filled text columns are empty; without the blank line it is data', async () => {
    expect(outline(await read([head, ...data, '', ',,,,1500,15'].join('\n'))).at(-1)![2]).toBe('summary_row');
    expect(outline(await read([head, ...data, ',,,,1500,15'].join('\n'))).at(-1)![2]).toBe('row');
  });

  it('finds the same records under every chunk size (rows held back across chunks)', async () => {
    const text = [head, ...data, '', ',,0,0.0016,1234.5,15', 'Total,,,,1500,', '', ',,1,2,3,4', data[0], ',,5,6,7,8', 'Sum,,,,9,'].join('\n');
    const expected = outline(await read(text));
    // `,,1,2,3,4` is made data again by the row after it, and learned from (the sample of data
    // rows): its numbers in the source column make `,,5,6,7,8` a plain row; `Sum` is a summary row.
    expect(expected.map((r) => r[2])).toEqual(['row', 'row', 'blank_line', 'row', 'row', 'blank_line', 'row', 'row', 'row', 'summary_row']);
    for (let size = 1; size <= 64; size++) expect(outline(await read(text, { chunkSize: size })), `${size}-byte chunks`).toEqual(expected);
  });

  it('holds back at most 100 records: a file ending in more rows of that shape reads them as data', async () => {
    const stats = Array.from({ length: 120 }, (_, i) => `,,${i},${i}.5,1,2`);
    const seen = await read([head, ...data, '', ...stats].join('\n'));
    expect(seen.records.filter((r) => r.reason === undefined)).toHaveLength(122);
  });

  it('a summary row comes only after the last data row, and is made of numbers or a totals word (property, fixed seed)', async () => {
    const cell = fc.oneof(fc.constantFrom('', '0', '12', '0.0016', '$1,200.00', 'Total', 'Average', ' '), fc.stringMatching(/^[a-z][a-z@.]{0,6}$/));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.array(cell, { minLength: 3, maxLength: 3 }), fc.constant([])), { maxLength: 30 }), async (rows) => {
        const text = ['a,b,c', ...rows.map((r) => r.join(','))].join('\n');
        const reasons = (await read(text)).records.map((r) => r.reason ?? 'row');
        const firstSummary = reasons.indexOf('summary_row');
        if (firstSummary >= 0) expect(reasons.slice(firstSummary)).not.toContain('row');
      }),
      { seed: 12, numRuns: 300 },
    );
  });
});

describe('headerLooksLikeData', () => {
  it('passes real headers: labels, API names, internal names, years, quarters', () => {
    const headers = [
      ['Amount', 'Lead ID', 'Probability (%)', '2024 Budget', 'Deal - ID', 'Date entered "Lead (Sales Pipeline)"', 'hs_lifecyclestage_customer_date', 'Q1', '2024', 'Email'],
      ['Id', 'LeadSource', 'IsConverted', 'CreatedDate', 'No. of Employees', 'Amount (USD)', 'Record ID', 'email', 'ID', 'Deal – Value'],
      ['id', '', 'name'],
    ];
    for (const names of headers) expect(headerLooksLikeData(names), names.join()).toBeUndefined();
  });

  it('names the cells of a row of data: \\N, emails, dates, decimals, amounts, long numbers, URLs, record ids; mostly empty names', () => {
    expect(headerLooksLikeData(['12', 'Ann', 'ann@x.com', '\\N', '\\N'])).toBe('cells "ann@x.com" (an email), "\\N" (MySQL\'s null), "\\N" (MySQL\'s null)');
    const one = (cell: string) => headerLooksLikeData(['Ann', cell]);
    expect(one('2024-01-05')).toMatch(/a date/);
    expect(one('2024-01-05 10:31:00')).toMatch(/a date/);
    expect(one('5/28/2024')).toMatch(/a date/);
    expect(one('28.12.2015')).toMatch(/a date/);
    expect(one('0.125')).toMatch(/a decimal/);
    expect(one('NULL')).toMatch(/a null/);
    expect(one('12,5')).toMatch(/a decimal/);
    expect(one('$44,000.00')).toMatch(/an amount/);
    expect(one('123456')).toMatch(/a number/);
    expect(one('https://x.com/a')).toMatch(/a URL/);
    expect(one('00Q5g000008UiuREAS')).toMatch(/a record id/);
    expect(one('3f2b8c1e-9a7d-4e2b-8c1f-1a2b3c4d5e6f')).toMatch(/a record id/);
    expect(headerLooksLikeData(['Web', '', '', 'Web', '', '', '0'])).toBe('4 of 7 cells are empty, and a value repeats');
    // Empty names at the end (a trailing delimiter), or without a repeat, are a header's.
    expect(headerLooksLikeData(['Name', 'Email', '', '', '', ''])).toBeUndefined();
    expect(headerLooksLikeData(['Name', '', '', 'Email', ''])).toBeUndefined();
  });
});

describe('readCsv: names for a file without a header row (CsvOptions.names)', () => {
  it('reads the first record as data, numbered line 1', async () => {
    const seen = await read('L1,ann@x.com,\\N\nL2,bob@y.org,web\n', { names: ['id', 'email', 'source'] });
    expect(seen.header).toEqual({ names: ['id', 'email', 'source'], cells: 3, line: 0 });
    expect(outline(seen)).toEqual([
      [1, 'L1|ann@x.com|\\N', 'row'],
      [2, 'L2|bob@y.org|web', 'row'],
    ]);
    expect(seen.info.read).toBe(2);
  });

  it('refuses names that do not fit the first row, and a first row that repeats them; without names, a first row of data', async () => {
    await expect(read('L1,a@x.com\n', { names: ['id', 'email', 'source'], namesFrom: 'leads.header' })).rejects.toThrow(/^stdin line 1: leads\.header names 3 columns, but the first row has 2 cells/);
    await expect(read('id,email\nL1,a@x.com\n', { names: ['ID', 'Email'] })).rejects.toThrow(/the first row is a header row/);
    // Trailing empty cells (a trailing delimiter) do not count.
    expect((await read('L1,a@x.com,\n', { names: ['id', 'email'] })).records).toHaveLength(1);
    await expect(read('L1,a@x.com,\\N,\\N\n', { namesFrom: 'deals.header' })).rejects.toThrow(
      /^stdin: the first row looks like data, not a header \(cells "a@x\.com" \(an email\), "\\N" \(MySQL's null\), "\\N" \(MySQL's null\)\); give the column names with deals\.header/,
    );
    await expect(read('L1,a@x.com,\\N,\\N\n')).rejects.toBeInstanceOf(InputError);
  });
});

describe('readCsv: backslash escapes (CsvOptions.escape, MySQL SELECT … INTO OUTFILE)', () => {
  const mysql = 'id,name,notes\n1,"O\\"Brien","C:\\\\temp\\tx"\n2,\\N,"two\\nlines"\n3,a\\,b,"real\nline end"\n4,"x","y\\\r\nz"\n5,"\\0\\Z\\b\\q",\n';

  it('unescapes \\" \\\\ \\n \\t \\r \\0 and the delimiter, keeps \\N, and numbers lines', async () => {
    const seen = await read(mysql, { escape: '\\' });
    expect(seen.records.map((r) => [r.line, r.cells])).toEqual([
      [2, ['1', 'O"Brien', 'C:\\temp\tx']],
      [3, ['2', '\\N', 'two\nlines']],
      [4, ['3', 'a,b', 'real\nline end']],
      [6, ['4', 'x', 'y\r\nz']],
      [8, ['5', '\x1a\bq', '']],
    ]);
    // (The NUL of \0 is removed from the cell, with the warning for NUL characters.)
    expect(seen.info.warnings.join()).toMatch(/1 NUL character removed/);
  });

  it('finds the same records under every chunk size, and with a names header', async () => {
    const expected = (await read(mysql, { escape: '\\' })).records;
    for (let size = 1; size <= mysql.length + 1; size++) expect((await read(mysql, { escape: '\\', chunkSize: size })).records, `${size}-byte chunks`).toEqual(expected);
    const named = await read(mysql.slice(mysql.indexOf('\n') + 1), { escape: '\\', names: ['id', 'name', 'notes'] });
    expect(named.records.map((r) => [r.line, r.cells])).toEqual(expected.map((r) => [r.line - 1, r.cells]));
  });

  it("reads MySQL's default OUTFILE (tabs, no quotes): an escaped tab and line end stay in their cell, the delimiter is sniffed", async () => {
    const text = 'id\tname\tnotes\n1\tA\\tB\tone\\\ntwo\n2\t\\N\t"quoted"\n3\tC\tx\n';
    const seen = await read(text, { escape: '\\' });
    expect(seen.info.delimiter).toBe('\t');
    expect(seen.records.map((r) => [r.line, r.cells])).toEqual([
      [2, ['1', 'A\tB', 'one\ntwo']],
      [4, ['2', '\\N', 'quoted']],
      [5, ['3', 'C', 'x']],
    ]);
  });

  it('fails on a quote that never closes, naming the line its row starts on', async () => {
    await expect(read('a,b\n1,2\n3,"open \\" still open\n4,5\n', { escape: '\\' })).rejects.toThrow(/^stdin line 3: a quoted field is never closed/);
  });

  it('reads back any cells MySQL writes (property, fixed seed)', async () => {
    const write = (cell: string, quoted: boolean) => {
      const body = cell.replace(/[\\"\n\r\t,]/g, (c) => (c === ',' && quoted ? c : `\\${({ '\n': 'n', '\r': 'r', '\t': 't' } as Record<string, string>)[c] ?? c}`));
      return quoted ? `"${body}"` : body;
    };
    const cell = fc.string({ unit: fc.constantFrom('a', 'B', '1', ' ', '"', '\\', '\n', '\r', '\t', ',', 'N', 'é'), maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cell, cell, fc.boolean()), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 40 }), async (rows, chunkSize) => {
        const text = `a,b\n${rows.map(([x, y, q]) => `${write(x, q)},${write(y, !q)}`).join('\n')}\n`;
        const seen = await read(text, { escape: '\\', chunkSize, delimiter: ',' });
        expect(seen.records.map((r) => r.cells)).toEqual(rows.map(([x, y]) => [x, y]));
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
