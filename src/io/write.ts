/** Writing long output to a stream or a file. */

import type { Pieces } from '../render/types.js';

/** Characters written at a time by `writeSliced`. */
const SLICE = 1 << 16;

/**
 * Writes text a slice at a time: a long text turned into bytes in one go costs as much memory
 * again and is slower (docs/performance.md, "Numbers behind the code"). No slice ends between the
 * two halves of a surrogate pair, which would be written as two U+FFFD.
 */
export function writeSliced(text: string, write: (slice: string) => unknown, size = SLICE): void {
  for (let at = 0; at < text.length; ) {
    let end = Math.min(at + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    write(text.slice(at, end));
    at = end;
  }
}

/** A writable stream, as far as `streamPieces` needs one (`process.stdout`, or a test's). */
export interface Out {
  /** False when the stream holds more than it wants to: wait for `drain` before writing more. */
  write(text: string): unknown;
  once?(event: 'drain', listener: () => void): unknown;
}

/**
 * Writes pieces to a stream, waiting for it to drain whenever it asks to. Standard output into a
 * pipe queues what the reader has not taken yet: without waiting, a slow reader would make the
 * whole output sit in memory (docs/performance.md, "Numbers behind the code").
 */
export async function streamPieces(pieces: Pieces, out: Out): Promise<void> {
  const drained = out.once === undefined ? undefined : () => new Promise<void>((resolve) => out.once?.('drain', resolve));
  for (const piece of pieces) {
    let full = false;
    writeSliced(piece, (slice) => {
      if (out.write(slice) === false) full = true;
    });
    if (full && drained !== undefined) await drained();
  }
}
