/**
 * The shape of the source tree (docs/architecture.md): files small enough to do one job, and
 * comments that cite the repo's own docs, not a document a reader of the repo never sees.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
const sources = files(join(root, 'src')).map((file) => ({ file: file.slice(root.length + 1), text: readFileSync(file, 'utf8') }));

describe('the source tree', () => {
  it('has files of 600 lines at most', () => {
    const long = sources.map(({ file, text }) => ({ file, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) })).filter((f) => f.lines > 600);
    expect(long).toEqual([]);
  });

  it('cites docs/, never the spec the project started from', () => {
    const cites = sources.filter(({ text }) => /\bSPEC\b/.test(text)).map(({ file }) => file);
    expect(cites).toEqual([]);
  });
});
