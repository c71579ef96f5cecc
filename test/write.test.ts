import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeSliced } from '../src/io/write.js';

function slices(text: string, size: number): string[] {
  const out: string[] = [];
  writeSliced(text, (slice) => out.push(slice), size);
  return out;
}

describe('writeSliced', () => {
  it('writes short text in one piece and long text in slices of the size', () => {
    expect(slices('abc', 4)).toEqual(['abc']);
    expect(slices('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(slices('', 4)).toEqual([]);
  });

  it('never cuts a surrogate pair: the slice takes the low half with it', () => {
    expect(slices('abc😀def', 4)).toEqual(['abc😀', 'def']);
    expect(Buffer.from(slices('abc😀def', 4)[0]!).toString()).toBe('abc😀');
  });

  it('the slices are the text, and each is whole UTF-16 (no pair split across two)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 1, max: 8 }), (text, size) => {
        const out = slices(text, size);
        expect(out.join('')).toBe(text);
        for (const slice of out) expect(Buffer.from(slice).toString()).toBe(slice);
      }),
    );
  });
});
