/**
 * The one place a thread is started: a worker running our reader (read-worker.ts), which reads a
 * big leads file into chunks while this thread classifies and folds them (chunks.ts).
 */
import { Worker } from 'node:worker_threads';

/** Files below this are read in this thread: starting a worker costs ~0.1 s. */
export const WORKER_MIN_BYTES = 16 * 1024 * 1024;

/** A worker thread running our reader (read-worker.ts) on `data`. */
export function readerThread(data: object): Worker {
  return new Worker(new URL('./read-worker.js', import.meta.url), { workerData: data });
}
