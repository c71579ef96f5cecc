/**
 * A worker thread that reads for the main thread, so that both cores work: it reads a whole leads
 * file in chunks (chunks.ts) and posts each as it fills, its typed arrays moved rather than copied.
 * A failure is posted as such: the main thread then reads the file itself, and reports any fault
 * as a read in one thread would.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sendChunks, type ChunkJob, type ChunkMessage } from './chunks.js';

const data = workerData as { chunks: ChunkJob; control: Int32Array };
const post = (message: ChunkMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
try {
  await sendChunks(data.chunks, data.control, post);
} catch (error) {
  post({ kind: 'failed', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) });
}
