/**
 * Files replaced whole or not at all (src/io/replace.ts): short writes are continued, a full disk
 * or a failing renderer leaves the old file byte-identical and no temporary file behind, several
 * files are renamed only once all are made, and outputs that are inputs (or each other) are
 * refused by device and inode.
 */
import * as fs from 'node:fs';
import { linkSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { checkOutputs, replaceFile, replaceFiles, type FileSystem } from '../src/io/replace.js';

const dir = () => mkdtempSync(join(tmpdir(), 'leadaudit-replace-'));

/** The real file system, except that writes take at most `most` bytes, and fail with `code` once `budget` bytes are written. */
function flaky(most: number, budget = Infinity, code = 'ENOSPC'): FileSystem & { writes: number } {
  let written = 0;
  const real = fs as unknown as FileSystem;
  const wrapped = {
    ...real,
    writes: 0,
    writeSync: ((fd: number, buffer: Buffer, offset: number, length: number) => {
      wrapped.writes++;
      if (written >= budget) throw Object.assign(new Error(`${code}: injected`), { code, syscall: 'write' });
      const n = Math.min(length, most, budget - written);
      written += n;
      return fs.writeSync(fd, buffer, offset, n);
    }) as FileSystem['writeSync'],
  };
  return wrapped;
}

describe('replaceFile', () => {
  it('writes every byte when each write takes only a few (short writes are continued, not dropped)', async () => {
    const d = dir();
    const target = join(d, 'report.csv');
    const text = 'lead_id,name\n' + Array.from({ length: 500 }, (_, i) => `L${i},Ann ${i} ü😀\n`).join('');
    const shortFs = flaky(7);
    await replaceFile(target, [text.slice(0, 1000), text.slice(1000)], shortFs);
    expect(readFileSync(target, 'utf8')).toBe(text);
    expect(shortFs.writes).toBeGreaterThan(Buffer.byteLength(text) / 7 - 1);
    expect(readdirSync(d)).toEqual(['report.csv']);
  });

  it('on a full disk: a usage error naming the file and the reason, the old file byte-identical, nothing left behind', async () => {
    const d = dir();
    const target = join(d, 'report.csv');
    writeFileSync(target, 'the old report\n');
    const attempt = replaceFile(target, ['x'.repeat(100_000)], flaky(4096, 10_000));
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(replaceFile(target, ['x'.repeat(100_000)], flaky(4096, 10_000))).rejects.toThrow(
      /report\.csv: cannot write \(no space left on the device, ENOSPC\); the old file is unchanged$/,
    );
    expect(readFileSync(target, 'utf8')).toBe('the old report\n');
    expect(readdirSync(d)).toEqual(['report.csv']);
  });

  it('a write that takes nothing and reports nothing is a full disk, not an endless loop', async () => {
    const d = dir();
    await expect(replaceFile(join(d, 'new.csv'), ['abc'], flaky(0))).rejects.toThrow(/new\.csv: cannot write \(no space left on the device, ENOSPC\); nothing was written$/);
    expect(readdirSync(d)).toEqual([]);
  });

  it('a renderer that fails midway leaves the old file and rethrows its own error', async () => {
    const d = dir();
    const target = join(d, 'report.json');
    writeFileSync(target, '{"old":true}');
    function* pieces() {
      yield '{"new":';
      throw new RangeError('a bug in a renderer');
    }
    await expect(replaceFile(target, pieces())).rejects.toThrow(RangeError);
    expect(readFileSync(target, 'utf8')).toBe('{"old":true}');
    expect(readdirSync(d)).toEqual(['report.json']);
  });

  it('keeps an existing file\'s permissions, and replaces the file a symbolic link points at, not the link', async () => {
    const d = dir();
    const real = join(d, 'real.csv');
    writeFileSync(real, 'old', { mode: 0o640 });
    fs.chmodSync(real, 0o640);
    const link = join(d, 'link.csv');
    symlinkSync(real, link);
    await replaceFile(link, ['new']);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new');
    expect(statSync(real).mode & 0o777).toBe(0o640);
  });

  it('for any cut of the text into pieces and any write size, the file is the text (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.array(fc.nat(300)), fc.integer({ min: 1, max: 64 }), async (text, cuts, most) => {
        const d = dir();
        const ends = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const pieces = [...ends, text.length].map((end, i, all) => text.slice(i === 0 ? 0 : all[i - 1], end));
        await replaceFile(join(d, 'f.txt'), pieces, flaky(most));
        // A surrogate pair cut between two pieces is two lone halves: compare bytes as the writer saw them.
        expect(readFileSync(join(d, 'f.txt'))).toEqual(Buffer.concat(pieces.map((p) => Buffer.from(p, 'utf8'))));
      }),
      { numRuns: 60 },
    );
  });
});

describe('replaceFiles', () => {
  it('renames nothing until every file is made: a failure on the third leaves the first two as they were', async () => {
    const d = dir();
    for (const name of ['a.csv', 'b.csv', 'c.csv']) writeFileSync(join(d, name), `old ${name}`);
    let made = 0;
    const failing = {
      ...(fs as unknown as FileSystem),
      writeSync: ((fd: number, buffer: Buffer, offset: number, length: number) => {
        if (++made === 3) throw Object.assign(new Error('EIO'), { code: 'EIO', syscall: 'write' });
        return fs.writeSync(fd, buffer, offset, length);
      }) as FileSystem['writeSync'],
    };
    const files = ['a.csv', 'b.csv', 'c.csv'].map((name) => ({ path: join(d, name), pieces: () => [`new ${name}`] }));
    await expect(replaceFiles(files, failing)).rejects.toThrow(/c\.csv: cannot write \(input\/output error, EIO\)/);
    for (const name of ['a.csv', 'b.csv', 'c.csv']) expect(readFileSync(join(d, name), 'utf8')).toBe(`old ${name}`);
    expect(readdirSync(d).sort()).toEqual(['a.csv', 'b.csv', 'c.csv']);
    await replaceFiles(files);
    for (const name of ['a.csv', 'b.csv', 'c.csv']) expect(readFileSync(join(d, name), 'utf8')).toBe(`new ${name}`);
  });
});

describe('checkOutputs', () => {
  it('refuses an output that is an input by another path: a hard link, a symbolic link, ./ and ../ spellings', () => {
    const d = dir();
    const leads = join(d, 'leads.csv');
    writeFileSync(leads, 'id\n1\n');
    linkSync(leads, join(d, 'hard.csv'));
    symlinkSync(leads, join(d, 'soft.csv'));
    const inputs = [{ path: 'leads.csv', role: 'the leads file' }];
    for (const path of ['hard.csv', 'soft.csv', './leads.csv', `../${d.split('/').at(-1)}/leads.csv`, leads]) {
      expect(() => checkOutputs([{ path, role: '-o' }], inputs, d), path).toThrow(/is the leads file \(leads\.csv\); refusing to write over it/);
    }
    expect(() => checkOutputs([{ path: 'report.csv', role: '-o' }], inputs, d)).not.toThrow();
  });

  it('refuses two outputs that are one file, made yet or not', () => {
    const d = dir();
    expect(() => checkOutputs([{ path: 'r.csv', role: '-o' }, { path: './r.csv', role: '--rejects' }], [], d)).toThrow(/--rejects \.\/r\.csv: is the file -o writes/);
    writeFileSync(join(d, 'r.csv'), 'x');
    linkSync(join(d, 'r.csv'), join(d, 'r2.csv'));
    expect(() => checkOutputs([{ path: 'r.csv', role: '-o' }, { path: 'r2.csv', role: '--rejects' }], [], d)).toThrow(/is the file -o writes/);
  });

  it('standard input is no file: - is never a clash', () => {
    expect(() => checkOutputs([{ path: 'out.csv', role: '-o' }], [{ path: '-', role: 'the leads file' }], dir())).not.toThrow();
  });
});
