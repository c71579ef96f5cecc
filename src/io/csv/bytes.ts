/**
 * A file's bytes in chunks, and their decoding: the one place a read meets the disk once the file
 * is known to be readable (readCsv).
 */
import { open } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { InputError } from '../../errors.js';

/**
 * Bytes read and decoded at a time. Under ~1 MB, Node 20's TextDecoder returns Latin-1 text as a
 * one-byte string (at 1 MiB, a two-byte one, and every cell cut from it is two-byte too): chunks
 * must stay below that, or every id, email and name kept takes twice the memory
 * (docs/performance.md, "Chunks of 512 KiB").
 */
export const DEFAULT_CHUNK = 1 << 19;

/** Thrown inside a read to start it again in Windows-1252. */
export class NotUtf8 extends Error {}

/**
 * The bytes of `file` (or `bytes`, when the input was read whole), `size` at
 * a time. A file is read into one buffer over and over, so a chunk is valid only until the next is
 * asked for: a caller that keeps bytes copies them. (A new buffer per chunk left a file's worth of
 * dead buffers for the collector, docs/performance.md, "One read buffer".)
 */
export async function* byteChunks(file: string, bytes: Buffer | undefined, size: number): AsyncGenerator<Uint8Array> {
  if (bytes !== undefined) {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    return;
  }
  const buffer = Buffer.allocUnsafe(size);
  let handle;
  try {
    handle = await open(file, 'r');
    for (let at = 0; ; ) {
      const { bytesRead } = await handle.read(buffer, 0, size, at);
      if (bytesRead === 0) break;
      at += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } catch (error) {
    throw new InputError(`${file}: cannot read (${(error as Error).message})`);
  } finally {
    await handle?.close();
  }
}

/** Decodes a chunk; bytes that are not UTF-8 in a fatal decoder throw NotUtf8. */
export function decode(decoder: TextDecoder, data: Uint8Array, stream: boolean): string {
  try {
    return decoder.decode(data, { stream });
  } catch {
    throw new NotUtf8();
  }
}
