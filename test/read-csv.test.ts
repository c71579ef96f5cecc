import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { readCsv, sniffDelimiter, type CsvHeader, type CsvInfo } from '../src/io/read-csv.js';
import { InputError } from '../src/errors.js';

interface Seen {
  header: CsvHeader;
  records: { cells: string[]; line: number; reason?: string; rejected?: boolean }[];
  info: CsvInfo;
}

/** Reads bytes through the real reader (as standard input), in chunks of `chunkSize` bytes. */
async function read(bytes: Buffer | string, options: { chunkSize?: number; delimiter?: string; encoding?: string } = {}): Promise<Seen> {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const records: Seen['records'] = [];
  let header: CsvHeader | undefined;
  const info = await readCsv('-', { ...options, stdin: async () => buffer }, (h) => {
    header = h;
    records.length = 0;
    return {
      row: (cells, line) => records.push({ cells: [...cells], line }),
      other: (cells, line, reason, rejected) => records.push({ cells: [...cells], line, reason, rejected }),
    };
  });
  return { header: header!, records, info };
}

/** What csv-parse, the reference parser, makes of the same text. */
function oracle(text: string, lineEnd = '\n', delimiter = ','): string[][] {
  return parse(text.replace(/^\uFEFF/, ''), {
    delimiter,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: false,
    record_delimiter: lineEnd,
  }) as string[][];
}

const cellText = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '1', ' ', '.', '-'), maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r\n', ';', 'é', '😀', '€', ' '), maxLength: 10 }) },
  { weight: 1, arbitrary: fc.constant('') },
);

describe('readCsv: the udsv hot path yields exactly what csv-parse yields', () => {
  it('on random well-formed CSV, any line ending, BOM or not, under any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }).chain((width) =>
          fc.record({
            width: fc.constant(width),
            rows: fc.array(fc.array(cellText, { minLength: width, maxLength: width }), { maxLength: 25 }),
            lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
            bom: fc.boolean(),
            finalNewline: fc.boolean(),
            quoteAll: fc.boolean(),
            // Padding rows put the random ones past the first reads (the reader judges the
            // encoding on 4 KiB and the delimiter on 20 lines), so the chunk size really matters.
            padding: fc.integer({ min: 0, max: 80 }),
            chunkSize: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 64, max: 9000 })),
          }),
        ),
        async ({ width, rows, lineEnd, bom, finalNewline, quoteAll, padding, chunkSize }) => {
          const header = Array.from({ length: width }, (_, i) => `col${i}`);
          const pad = Array.from({ length: padding }, (_, r) => Array.from({ length: width }, (_, c) => `pad ${r}.${c} ${'p'.repeat(60)}`));
          // Rows whose cells are all empty would be blank lines; keep them to test blank handling.
          let text = stringify([header, ...pad, ...rows], {
            record_delimiter: lineEnd === '\n' ? 'unix' : lineEnd === '\r' ? 'mac' : 'windows',
            quoted: quoteAll,
            quoted_match: /[\r\n]/,
          });
          if (!finalNewline) text = text.slice(0, -lineEnd.length);
          const bytes = Buffer.from((bom ? '\uFEFF' : '') + text, 'utf8');
          const seen = await read(bytes, { chunkSize, delimiter: ',' });
          const expected = oracle(text, lineEnd);
          expect(seen.header.names).toEqual(header);
          expect(seen.records.map((r) => r.cells)).toEqual(expected.slice(1));
          expect(seen.info.read).toBe(expected.length - 1);
          // The hot path must really be the one that read it (one-column files always go to csv-parse).
          expect(seen.info.exact).toBe(width === 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on random malformed CSV (ragged rows, stray and unclosed quotes), records equal csv-parse or the read fails with a line', async () => {
    const piece = fc.constantFrom('a', 'b', ',', ',', '"', '\n', '\n', 'x"y', '""', ' ');
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 0, max: 80 }), fc.integer({ min: 1, max: 6000 }), async (pieces, padding, chunkSize) => {
        const pad = Array.from({ length: padding }, (_, r) => `${r},${'p'.repeat(60)},x\n`).join('');
        const text = `h1,h2,h3\n${pad}${pieces.join('')}`;
        let expected: string[][] | undefined;
        try {
          expected = oracle(text);
        } catch {
          expected = undefined;
        }
        if (expected === undefined) {
          await expect(read(text, { chunkSize, delimiter: ',' })).rejects.toThrow(/line \d+/);
          return;
        }
        const seen = await read(text, { chunkSize, delimiter: ',' });
        expect(seen.records.map((r) => r.cells)).toEqual(expected.slice(1));
      }),
      { numRuns: 500 },
    );
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

  it('rejects ragged rows with their line and keeps reading', async () => {
    const seen = await read('a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n');
    expect(seen.records.map((r) => [r.cells.join('|'), r.line, r.reason ?? 'row', r.rejected ?? false])).toEqual([
      ['1|2|3', 2, 'row', false],
      ['4|5', 3, 'too few cells', true],
      ['6|7|8|9', 4, 'too many cells', true],
      ['10|11|12', 5, 'row', false],
    ]);
  });

  it('rejects a quoted short row that udsv would pad silently', async () => {
    const seen = await read('a,b,c\n"1","2"\n"3","4","5"\n');
    expect(seen.records.map((r) => r.reason ?? 'row')).toEqual(['too few cells', 'row']);
  });

  it('never lets udsv drop a one-cell quoted row and reuse the next one (found in review)', async () => {
    // udsv skips `"17"` as if it were an empty line; the next row has the same length.
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
