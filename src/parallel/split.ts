/**
 * Reading a big export on both cores: the second half of the file goes to a worker thread
 * (read-worker.ts) while this thread reads the first; see plan.ts for how the cut is chosen and
 * checked. Files under SPLIT_MIN_BYTES, standard input and pipes are read in one piece.
 */
import { Worker } from 'node:worker_threads';
import type { Cut } from '../io/csv/index.js';
import { planColumns, type MapOptions } from '../data/map.js';
import { leadSink } from '../data/lead-sink.js';
import { dealSink } from '../data/deal-sink.js';
import type { Rubric } from '../rubric/resolve.js';
import { readPart } from './part.js';
import type { Continuation, PartInfo, PartReads, RemoteRead } from './plan.js';

/** Files below this are read in one piece: starting a worker costs ~0.1 s. */
export const SPLIT_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Bytes past the middle the main thread reads (at most a tenth of the file), since a worker starts
 * later and cold (its code not yet optimised): cut at the middle, the main thread would wait for
 * it (docs/performance.md, "Both cores").
 */
const WORKER_HEAD_START = 6 * 1024 * 1024;

/** What a worker needs to make the same sink as the main thread's. */
export interface ReadJob {
  readonly side: 'leads' | 'deals';
  readonly rubric: Rubric;
  readonly extra: readonly { name: string; path: string }[];
  readonly mapOptions: MapOptions;
}

/** How the second parts of a side's file are read elsewhere (made a Parallel by splitReads). */
export type Splitter = (job: ReadJob) => PartReads;

export type PartRead = { part: unknown; info: PartInfo };

export type WorkerMessage =
  | { kind: 'cut'; cut: Cut | undefined }
  | { kind: 'bytes'; bytes: number }
  | ({ kind: 'done' } & PartRead)
  | { kind: 'failed'; reason: string };

/** Reads the part `c` of a file into a sink made as the main thread's was (in the worker); undefined when the file has no cut. */
export async function readJob(job: ReadJob, c: Continuation, onCut: (cut: Cut | undefined) => void, onBytes: (bytes: number) => void): Promise<PartRead | undefined> {
  const plan = planColumns(job.side, c.file, c.header, job.rubric, job.extra);
  const options = { ...job.mapOptions, part: true };
  const sink = job.side === 'leads' ? leadSink(plan, job.rubric, options) : dealSink(plan, job.rubric, options);
  const info = await readPart(c, sink, onCut, onBytes);
  return info && { part: sink.part(), info };
}

/** A worker thread running our reader (read-worker.ts) on `data`: the one place a thread is started. */
export function readerThread(data: object): Worker {
  return new Worker(new URL('./read-worker.js', import.meta.url), { workerData: data });
}

/** Reads second parts in worker threads: the CLI's way for files of `minBytes` and more. */
export function workerReads(minBytes = SPLIT_MIN_BYTES): Splitter {
  return (job) => ({
    minBytes,
    headStart: WORKER_HEAD_START,
    start(continuation, onBytes) {
      const worker = readerThread({ job, continuation });
      // Until the cut or the result is awaited, the worker does not keep the process alive (a run
      // that fails in the first part exits without waiting for the second).
      worker.unref();
      let found: (cut: Cut | undefined) => void = () => {};
      const cut = new Promise<Cut | undefined>((resolve) => (found = resolve));
      const result = new Promise<PartRead | undefined>((resolve) => {
        const end = (read: PartRead | undefined) => {
          found(undefined); // no-op once the cut is known
          resolve(read);
        };
        worker.on('message', (message: WorkerMessage) => {
          if (message.kind === 'cut') found(message.cut);
          else if (message.kind === 'bytes') onBytes(message.bytes);
          else end(message.kind === 'done' ? { part: message.part, info: message.info } : undefined);
        });
        worker.on('error', () => end(undefined));
        worker.on('exit', () => end(undefined));
      });
      const awaited = <T>(promise: Promise<T>) => {
        worker.ref();
        return promise;
      };
      return { cut: () => awaited(cut), result: () => awaited(result), cancel: () => void worker.terminate() };
    },
  });
}

/**
 * Reads second parts in this thread, through structured clones as a worker's data and messages
 * are: the same split and join without threads, so tests can prove a split read changes nothing.
 */
export function threadReads(minBytes = 0): Splitter {
  return (job) => ({
    minBytes,
    start: (continuation, onBytes) => readHere((onCut) => readJob(structuredClone(job), structuredClone(continuation), onCut, onBytes)),
  });
}

/** A RemoteRead of a part that `read` reads in this thread (tests), its result cloned as a worker's message is. */
export function readHere(read: (onCut: (cut: Cut | undefined) => void) => Promise<PartRead | undefined>): RemoteRead {
  let found: (cut: Cut | undefined) => void = () => {};
  const cut = new Promise<Cut | undefined>((resolve) => (found = resolve));
  const result = read(found).then(
    (done) => done && structuredClone(done),
    () => {
      found(undefined);
      return undefined;
    },
  );
  return { cut: () => cut, result: () => result, cancel: () => {} };
}
