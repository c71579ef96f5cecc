/**
 * The seam between reading and reading on two cores: `splitReads` makes the Parallel that readCsv
 * offers a big file to. The other reader (a worker thread, src/parallel/split.ts) reads the file
 * from a cut a little past its middle while readCsv reads up to it; readCsv then checks that it
 * stands where the other began, and its sink takes the other's rows.
 *
 * The cut, found by the other reader while this one reads, is the first line end a little past
 * the middle (see PartReads.headStart) with an even number of quote characters before it, which is
 * a record boundary in any file whose quotes are balanced. In a file where they are not (a stray
 * `5" screen` in an unquoted cell) the guess may be wrong; readCsv finds out when it gets there —
 * it is not between two records at the cut, or not on the expected line — and the part is thrown
 * away and read in one piece, so the records are always those of a read in one piece. So is
 * everything after: a part is used only when no footer came before the cut, no possible summary
 * row is held there, the part judged its summary rows as a read in one piece would (PartInfo.unsure),
 * and the sink can take it as if read here (see CsvSink.append: rows whose id the first part has
 * are rejected there as duplicates, unless --rejects needs their cells).
 */
import type { Cut, Handoff, Parallel, ReadOffer } from '../io/csv/index.js';
import type { ReaderState, Tally } from '../io/csv/records.js';

/** Where the second part of a file is, and what a reader needs to go on from there. */
export interface Continuation extends ReaderState {
  readonly file: string;
  /** The part starts at the cut at or after this byte offset (findCut) and ends at `end` (the file's size). */
  readonly target: number;
  readonly end: number;
  /** Whether bytes that are not UTF-8 fail the read (they do unless --encoding is given). */
  readonly fatal: boolean;
}

/**
 * What reading one part of a file found, besides the part its sink kept. When `unsure`, the part
 * is read again in the first thread, so that the records are those of a read in one piece.
 */
export type PartInfo = Tally;

/** How the second parts of big files are read elsewhere. */
export interface PartReads {
  /** Files smaller than this are read in one piece (a worker costs ~0.1 s to start). */
  readonly minBytes: number;
  /** Bytes past the middle the first reader reads (at most a tenth of the file): the other starts later. */
  readonly headStart?: number;
  /**
   * Reads the part `c` of the file (readPart): `cut` resolves to where it starts (undefined when
   * the file has no cut), `result` to the sink's part and what the read found, or to undefined when
   * that could not be done (the caller then reads the part itself).
   */
  start(c: Continuation, onBytes: (bytes: number) => void): RemoteRead;
}

export interface RemoteRead {
  cut(): Promise<Cut | undefined>;
  result(): Promise<{ part: unknown; info: PartInfo } | undefined>;
  cancel(): void;
}

/** The Parallel that has `parts` read the second half of a file of `parts.minBytes` or more. */
export function splitReads(parts: PartReads): Parallel {
  return { offer: (read) => planSplit(read, parts) };
}

function planSplit(read: ReadOffer, parts: PartReads): Handoff | undefined {
  const { file, size, state, sink } = read;
  if (size < parts.minBytes || sink.append === undefined || (state.lineEnd !== '\n' && state.lineEnd !== '\r\n')) return undefined;
  const target = Math.max(read.done, Math.floor(size / 2) + Math.min(parts.headStart ?? 0, Math.floor(size / 10)));
  if (target >= size) return undefined;
  // Progress counts the part's bytes until the part turns out unusable (then they are read here).
  let counting = true;
  const remote = parts.start({ file, target, end: size, fatal: read.fatal, ...state }, (n) => counting && read.onBytes(n));
  let cut: Cut | undefined;
  const unused = () => {
    counting = false;
    remote.cancel();
    return undefined;
  };
  return {
    from: target,
    async cut() {
      cut = await remote.cut();
      return cut === undefined ? unused() : cut;
    },
    async take(line) {
      if (cut === undefined || line !== cut.line) return unused();
      const result = await remote.result();
      if (result === undefined || result.info.unsure === true || !sink.append!(result.part)) return unused();
      return result.info;
    },
    cancel: unused,
  };
}
