import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { streamPieces, writeSliced } from '../src/io/write.js';

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

describe('streamPieces', () => {
  /** A stream that is full after every write until it drains, and a renderer that logs when it is asked for more. */
  function setup() {
    const log: string[] = [];
    const out = Object.assign(new EventEmitter(), {
      write(text: string) {
        log.push(`write ${text}`);
        return false;
      },
    });
    function* pieces() {
      for (const piece of ['a', 'b', 'c']) {
        log.push(`make ${piece}`);
        yield piece;
      }
    }
    return { log, out, pieces };
  }

  it('makes no more output while the stream is full, and goes on when it drains', async () => {
    const { log, out, pieces } = setup();
    const done = streamPieces(pieces(), out);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['make a', 'write a']);
    out.emit('drain');
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['make a', 'write a', 'make b', 'write b']);
    out.emit('drain');
    await new Promise((resolve) => setImmediate(resolve));
    out.emit('drain');
    await done;
    expect(log.filter((l) => l.startsWith('write'))).toEqual(['write a', 'write b', 'write c']);
  });

  it('does not wait on a stream that can drain but is not full', async () => {
    const written: string[] = [];
    const out = Object.assign(new EventEmitter(), { write: (text: string) => written.push(text) > 0 });
    // Were it to wait for a drain that never comes, this would time out.
    await streamPieces(['a', 'b', 'c'], out);
    expect(written).toEqual(['a', 'b', 'c']);
  });

  it('waits when any slice of a long piece fills the stream, and writes the whole piece first', async () => {
    const written: string[] = [];
    const out = Object.assign(new EventEmitter(), { write: (text: string) => written.push(text) !== 2 });
    const done = streamPieces(['x'.repeat(200_000), 'y'], out);
    await new Promise((resolve) => setImmediate(resolve));
    expect(written.join('')).toBe('x'.repeat(200_000));
    out.emit('drain');
    await done;
    expect(written.join('')).toBe(`${'x'.repeat(200_000)}y`);
  });

  it('writes straight on to a stream that never asks to wait', async () => {
    const written: string[] = [];
    await streamPieces(['x'.repeat(70_000), 'y'], { write: (text: string) => written.push(text) });
    expect(written.join('')).toBe(`${'x'.repeat(70_000)}y`);
    expect(written.length).toBe(3);
  });
});
