/**
 * Reading the second part of a big file: where it starts (findCut), and reading it from there
 * into a sink as a read of the whole file would have (readPart). Runs in a worker thread
 * (read-worker.ts), or in this thread in tests (threadReads).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { TextDecoder } from 'node:util';
import { byteChunks, decode, DEFAULT_CHUNK } from '../io/csv/bytes.js';
import type { CsvSink, Cut } from '../io/csv/index.js';
import { RecordReader } from '../io/csv/records.js';
import type { Continuation, PartInfo } from './plan.js';

/**
 * The first line end at or after byte `target` with an even number of `"` before it, and the line
 * after it (1 + the line ends before). Undefined when there is none before the end of the file.
 */
export function findCut(file: string, size: number, target: number): Cut | undefined {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1 << 22);
  let quotes = 0;
  let lines = 0;
  try {
    for (let pos = 0; pos < size; ) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - pos), pos);
      if (n <= 0) break;
      const view = buffer.subarray(0, n);
      let from = 0;
      if (pos + n <= target) {
        from = n;
      } else if (pos < target) {
        from = target - pos;
      }
      quotes += countByte(view, 34, 0, from);
      lines += countByte(view, 10, 0, from);
      for (let nl = view.indexOf(10, from); nl >= 0; nl = view.indexOf(10, nl + 1)) {
        quotes += countByte(view, 34, from, nl);
        lines++;
        from = nl + 1;
        if (quotes % 2 === 0) return pos + nl + 1 < size ? { at: pos + nl + 1, line: lines + 1 } : undefined;
      }
      quotes += countByte(view, 34, from, n);
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return undefined;
}

function countByte(bytes: Uint8Array, byte: number, from: number, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(byte, from); i >= 0 && i < to; i = bytes.indexOf(byte, i + 1)) n++;
  return n;
}

/**
 * Reads the part `c` of a file into `sink`, as a read of the whole file would have from its cut
 * (told to `onCut` first, undefined when there is none: then nothing is read).
 */
export async function readPart(c: Continuation, sink: CsvSink, onCut: (cut: Cut | undefined) => void, onBytes?: (n: number) => void): Promise<PartInfo | undefined> {
  const cut = findCut(c.file, c.end, c.target);
  onCut(cut);
  if (cut === undefined) return undefined;
  const reader = new RecordReader(c.file, { delimiter: c.delimiter }, () => sink, { state: c, line: cut.line });
  const decoder = new TextDecoder('utf-8', { fatal: c.fatal, ignoreBOM: true });
  for await (const chunk of byteChunks(c.file, undefined, DEFAULT_CHUNK, cut.at, c.end)) {
    await reader.push(decode(decoder, chunk, true));
    onBytes?.(chunk.length);
  }
  await reader.push(decode(decoder, new Uint8Array(0), false));
  await reader.end();
  return reader.tally();
}
