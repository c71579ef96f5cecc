/**
 * A worker thread that reads for the main thread, so that both cores work. Either it reads the
 * second part of a big export (split.ts) and posts the sink's part, its typed arrays moved rather
 * than copied, and what the read found; or it reads a whole leads file in chunks (chunks.ts) and
 * posts each as it fills. A failure is posted as such: the main thread then reads the part or the
 * file itself, and reports any fault as a read in one piece would.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Continuation } from './plan.js';
import { readJob, type ReadJob, type WorkerMessage } from './split.js';
import { sendChunks, type ChunkJob, type ChunkMessage } from './chunks.js';

const data = workerData as { job: ReadJob; continuation: Continuation } | { chunks: ChunkJob; control: Int32Array };
if ('chunks' in data) {
  const post = (message: ChunkMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
  try {
    await sendChunks(data.chunks, data.control, post);
  } catch (error) {
    post({ kind: 'failed', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) });
  }
} else await readSecondPart(data.job, data.continuation);

async function readSecondPart(job: ReadJob, continuation: Continuation): Promise<void> {
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
  try {
    const read = await readJob(
      job,
      continuation,
      (cut) => post({ kind: 'cut', cut }),
      (bytes) => post({ kind: 'bytes', bytes }),
    );
    if (read) post({ kind: 'done', ...read }, buffersOf(read.part));
    else post({ kind: 'failed', reason: 'no cut' });
  } catch (error) {
    post({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) });
  }
}

/** The buffers of the typed arrays in a part (a few levels deep), to move rather than copy. */
function buffersOf(value: unknown, depth = 0, found: ArrayBuffer[] = []): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && !found.includes(value.buffer)) found.push(value.buffer);
  } else if (value !== null && typeof value === 'object' && depth < 3) {
    // Arrays of strings (ids, emails) hold no buffers; look only at the first item of an array.
    const items = Array.isArray(value) ? (typeof value[0] === 'object' ? value : []) : Object.values(value);
    for (const v of items) buffersOf(v, depth + 1, found);
  }
  return found;
}
