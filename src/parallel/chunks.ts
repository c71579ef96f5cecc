/**
 * Reading a leads file on two cores as a pipeline (docs/architecture.md, "Two cores"): a
 * worker thread reads the file from its start and maps its rows into chunks (src/data/lead-sink.ts,
 * leadChunks), and this thread claims deals for, classifies and folds each chunk as it comes, in
 * file order. The worker waits while AHEAD chunks are not yet taken, so memory holds a few chunks
 * and not the file. The read is the one a read in this thread makes (the same readCsv and sink);
 * only its chunks and its end cross threads.
 */
import { statSync } from 'node:fs';
import { InputError, UsageError } from '../errors.js';
import { readCsv, type CsvInfo, type CsvOptions } from '../io/csv/index.js';
import { planColumns, type ColumnPlan, type MapOptions } from '../data/map.js';
import { LEAD_TEXT, leadChunks, type LeadChunk, type LeadChunksRead } from '../data/lead-sink.js';
import { Accounting } from '../data/accounting.js';
import { LeadTable } from '../data/table.js';
import { CodedText, PackedText, type Days, type PackedPart, type TextCodes } from '../data/columns.js';
import { leadFieldsOf } from '../rubric/fields.js';
import type { Rubric } from '../rubric/resolve.js';
import type { DecimalMark } from '../data/normalize.js';
import { readerThread, WORKER_MIN_BYTES } from './threads.js';

/** Chunks the worker may read ahead of this thread. */
const AHEAD = 4;
/** Slots of the control array: chunks sent by the worker, chunks taken here. */
const SENT = 0;
const TAKEN = 1;

/** What the worker needs to read the file as this thread would. */
export interface ChunkJob {
  readonly file: string;
  /** How the file is read (the CsvOptions that are data; the callbacks stay in the main thread). */
  readonly csv: Pick<CsvOptions, 'delimiter' | 'encoding' | 'chunkSize' | 'names' | 'namesFrom' | 'escape'>;
  readonly rubric: Rubric;
  readonly extra: readonly { name: string; path: string }[];
  readonly mapOptions: MapOptions;
  readonly rows: number;
}

/** A chunk as it crosses threads: its columns, typed arrays moved. */
interface ChunkData {
  readonly length: number;
  readonly line: Float64Array;
  readonly id: PackedPart;
  readonly email: PackedPart;
  readonly name: PackedPart;
  readonly text: readonly TextCodes[];
  readonly values: readonly TextCodes[];
  readonly days: readonly Days[];
  readonly stageDays: readonly Days[];
  /** The decimal marks the chunk's compared numbers read with (the last chunk comes settled). */
  readonly decimals: Readonly<Record<string, DecimalMark>>;
  readonly final: boolean;
  readonly last: boolean;
  readonly ambiguous: readonly (readonly number[] | undefined)[];
}

export type ChunkMessage =
  | { kind: 'begin'; plan: ColumnPlan }
  | { kind: 'chunk'; chunk: ChunkData }
  | { kind: 'progress'; progress: Parameters<NonNullable<CsvOptions['onProgress']>>[0] }
  | { kind: 'done'; info: CsvInfo; read: LeadChunksRead }
  | { kind: 'failed'; name: string; message: string };

const DATE_FIELDS = leadFieldsOf('date');

function chunkData(chunk: LeadChunk): ChunkData {
  const c = chunk.table.c;
  return {
    length: c.length,
    line: c.line,
    id: c.id.part(),
    email: c.email.part(),
    name: c.name.part(),
    text: LEAD_TEXT.map((field) => c[field].part()),
    values: c.values.map((v) => v.part()),
    days: DATE_FIELDS.map((field) => c[field]),
    stageDays: c.stageDates,
    decimals: c.decimals,
    final: chunk.final,
    last: chunk.last,
    ambiguous: chunk.ambiguous,
  };
}

function chunkOf(data: ChunkData): LeadChunk {
  const table = new LeadTable({
    length: data.length,
    line: data.line,
    id: PackedText.read(data.id),
    email: PackedText.read(data.email),
    name: PackedText.read(data.name),
    ...(Object.fromEntries(LEAD_TEXT.map((field, i) => [field, CodedText.read(data.text[i]!)])) as Record<(typeof LEAD_TEXT)[number], CodedText>),
    ...(Object.fromEntries(DATE_FIELDS.map((field, i) => [field, data.days[i]!])) as Record<(typeof DATE_FIELDS)[number], Days>),
    stageDates: data.stageDays,
    values: data.values.map((v) => CodedText.read(v)),
    // Its own object: a chunk that waits is settled in place (settleChunk).
    decimals: { ...data.decimals },
    cells: undefined,
  });
  return { table, final: data.final, last: data.last, ambiguous: data.ambiguous };
}

/** In the worker: reads the file and posts its chunks, waiting while AHEAD of them are not taken. */
export async function sendChunks(job: ChunkJob, control: Int32Array, post: (message: ChunkMessage, transfer?: ArrayBuffer[]) => void): Promise<void> {
  let sink: ReturnType<typeof leadChunks> | undefined;
  const info = await readCsv(job.file, { ...job.csv, onProgress: (progress) => post({ kind: 'progress', progress }) }, (header) => {
    const plan = planColumns('leads', job.file, header, job.rubric, [...job.extra]);
    post({ kind: 'begin', plan });
    return (sink = leadChunks(plan, job.rubric, job.mapOptions, job.rows, (chunk) => {
      for (let taken = Atomics.load(control, TAKEN); Atomics.load(control, SENT) - taken >= AHEAD; taken = Atomics.load(control, TAKEN)) Atomics.wait(control, TAKEN, taken, 100);
      Atomics.add(control, SENT, 1);
      const data = chunkData(chunk);
      post({ kind: 'chunk', chunk: data }, buffersOf(data));
    }));
  });
  post({ kind: 'done', info, read: sink!.finish() });
}

/** The distinct buffers of a chunk's typed arrays, to move rather than copy. */
function buffersOf(data: ChunkData): ArrayBuffer[] {
  const arrays = [data.line, data.id.ends, data.email.ends, data.name.ends, ...data.text.map((t) => t.codes), ...data.values.map((t) => t.codes), ...data.days, ...data.stageDays];
  return [...new Set(arrays.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer))];
}

/** A leads file read by a worker: what the read found, as a read in this thread returns it. */
export interface ReadElsewhere {
  readonly plan: ColumnPlan;
  readonly read: LeadChunksRead;
  readonly info: CsvInfo;
}

/** The worker could not be used (it did not start, or stopped without saying why): read here instead. */
export class NoWorker extends Error {
  override readonly name = 'NoWorker';
}

/** A leads file being read elsewhere. */
export interface LeadsReading {
  /**
   * Takes the read's messages from now on: `begin` is called with the plan of the file's header
   * (again if the read begins again) and returns what takes each chunk. Faults of the file are
   * thrown as a read here throws them; NoWorker when the worker itself failed.
   */
  read(onProgress: CsvOptions['onProgress'], begin: (plan: ColumnPlan) => (chunk: LeadChunk) => void): Promise<ReadElsewhere>;
  /** Stops a read that will not be taken (the run failed before it). */
  cancel(): void;
}

/** Starts reading a leads file elsewhere, or returns undefined when it is read here (a small file, not a regular file). */
export type LeadsReader = (job: ChunkJob) => LeadsReading | undefined;

/** Reads leads files of `minBytes` and more in a worker thread (below, a worker costs more than it saves): the CLI's way. */
export function workerPipeline(minBytes = WORKER_MIN_BYTES): LeadsReader {
  return (job) => {
    if (!bigFile(job.file, minBytes)) return undefined;
    const control = new Int32Array(new SharedArrayBuffer(8));
    const worker = readerThread({ chunks: job, control });
    // Until the read is taken, its messages wait here (the worker reads at most AHEAD chunks ahead).
    const early: ChunkMessage[] = [];
    let receive: (message: ChunkMessage) => void = (message) => early.push(message);
    worker.on('message', (message: ChunkMessage) => receive(message));
    worker.on('error', () => receive({ kind: 'failed', name: 'NoWorker', message: 'the worker reading the leads failed' }));
    worker.on('exit', () => receive({ kind: 'failed', name: 'NoWorker', message: 'the worker reading the leads stopped' }));
    return {
      read: (onProgress, begin) =>
        new Promise<ReadElsewhere>((resolve, reject) => {
          receive = receiver(job, control, onProgress, begin, (outcome) => {
            void worker.terminate();
            if ('fault' in outcome) reject(outcome.fault);
            else resolve({ ...outcome, info: { ...outcome.info, worker: true } });
          });
          for (const message of early.splice(0)) receive(message);
        }),
      cancel: () => void worker.terminate(),
    };
  };
}

/**
 * Reads leads files in this thread through the same messages, cloned as a worker's are: the same
 * pipeline without threads, so tests can prove it changes nothing.
 */
export function threadPipeline(): LeadsReader {
  return (job) => ({
    read: (onProgress, begin) =>
      new Promise<ReadElsewhere>((resolve, reject) => {
        // Each chunk is taken as it is posted, so the reader never waits.
        const control = new Int32Array(new SharedArrayBuffer(8));
        const receive = receiver(job, control, onProgress, begin, (outcome) => ('fault' in outcome ? reject(outcome.fault) : resolve(outcome)));
        sendChunks(structuredClone(job), control, (message) => receive(structuredClone(message))).catch((error: unknown) =>
          receive({ kind: 'failed', name: error instanceof Error ? error.name : 'Error', message: String(error instanceof Error ? error.message : error) }),
        );
      }),
    cancel: () => {},
  });
}

function bigFile(file: string, minBytes: number): boolean {
  if (file === '-') return false;
  try {
    const stat = statSync(file);
    return stat.isFile() && stat.size >= minBytes;
  } catch {
    return false;
  }
}

/** Handles the messages of one read, in order, until it ends one way or the other. */
function receiver(
  job: ChunkJob,
  control: Int32Array,
  onProgress: CsvOptions['onProgress'],
  begin: (plan: ColumnPlan) => (chunk: LeadChunk) => void,
  end: (outcome: ReadElsewhere | { fault: Error }) => void,
): (message: ChunkMessage) => void {
  let take: ((chunk: LeadChunk) => void) | undefined;
  let plan: ColumnPlan | undefined;
  let ended = false;
  const finish = (outcome: ReadElsewhere | { fault: Error }) => {
    ended = true;
    end(outcome);
  };
  return (message) => {
    if (ended) return;
    try {
      if (message.kind === 'begin') {
        plan = message.plan;
        take = begin(plan);
      } else if (message.kind === 'chunk') {
        take!(chunkOf(message.chunk));
        Atomics.add(control, TAKEN, 1);
        Atomics.notify(control, TAKEN);
      } else if (message.kind === 'progress') onProgress?.(message.progress);
      else if (message.kind === 'done') {
        const accounting = Object.assign(new Accounting(job.file, job.mapOptions.keepRejects ?? false), message.read.accounting);
        finish({ plan: plan!, read: { ...message.read, accounting }, info: message.info });
      } else finish({ fault: faultOf(message) });
    } catch (error) {
      finish({ fault: error instanceof Error ? error : new Error(String(error)) });
    }
  };
}

/** A fault the worker met, thrown here as its own class (the exit code follows the class). */
function faultOf(failed: { name: string; message: string }): Error {
  if (failed.name === 'InputError') return new InputError(failed.message);
  if (failed.name === 'UsageError') return new UsageError(failed.message);
  return new NoWorker(failed.message);
}
