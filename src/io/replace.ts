/**
 * Files replaced whole or not at all (README, "Output files"). Every file leadaudit writes is
 * first written to a temporary file in the target's folder, every write's result checked, flushed
 * to disk, and only then renamed over the target. A rename within one folder is atomic: a reader,
 * a killed run or a second run writing the same path sees the old file or the new one, never a
 * mix or a part. (npm's write-file-atomic does the same for one buffer; reports are written as a
 * stream of pieces, up to hundreds of MB, so the few lines are ours.)
 */
import * as nodeFs from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Pieces } from '../render/types.js';
import { writeSliced } from './write.js';

/** The file-system calls a replacement makes; tests pass their own to give short writes and full disks. */
export type FileSystem = Pick<
  typeof nodeFs,
  'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'unlinkSync' | 'statSync' | 'lstatSync' | 'readlinkSync' | 'fchmodSync' | 'realpathSync'
>;

/** Temporary files not yet renamed or removed: a signal's handler removes them. */
const pending = new Set<Replacement>();

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * While temporary files exist, SIGINT, SIGTERM and SIGHUP remove them and then end the run by the
 * same signal. The handlers are there only then: a handler defers a signal until the event loop
 * turns, and a run busy computing (or stuck) must still die at once, as Node's default does.
 */
function onSignal(signal: NodeJS.Signals): void {
  for (const r of [...pending]) r.abandon();
  process.kill(process.pid, signal);
}

function track(r: Replacement): void {
  if (pending.size === 0) for (const signal of SIGNALS) process.once(signal, onSignal);
  pending.add(r);
}

function untrack(r: Replacement): void {
  pending.delete(r);
  if (pending.size === 0) for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

let counter = 0;

/**
 * One output file being made. `write` as often as needed, then `commit` renames it over the
 * target; `abandon` removes it and leaves the target as it was. A failed write abandons it and
 * throws a UsageError naming the target and the system's reason (exit 2).
 */
export class Replacement {
  /** The temporary file, or undefined when the target is written in place (a device, a pipe). */
  readonly temp: string | undefined;
  private fd: number | undefined;
  /** Where the rename lands: a symbolic link's own target, so that the link stays a link. */
  private readonly final: string;
  /** Whether there was a file to keep, and whether it is written in place (for the failure's message). */
  private existed = false;
  private inPlace = false;

  constructor(
    readonly target: string,
    private readonly fs: FileSystem = nodeFs,
  ) {
    const existing = this.attempt(() => this.fs.statSync(target, { throwIfNoEntry: false }));
    this.existed = existing !== undefined;
    if (existing !== undefined && !existing.isFile() && !existing.isDirectory()) {
      // A device or a pipe (`-o /dev/stdout`, a FIFO a reader waits on) is written into, as a shell
      // redirection would: renaming a file over it would put a regular file in its place.
      this.final = target;
      this.inPlace = true;
      this.fd = this.attempt(() => this.fs.openSync(target, 'w'));
      track(this);
      return;
    }
    this.final = this.attempt(() => (existing !== undefined ? this.fs.realpathSync(target) : danglingTarget(target, this.fs)));
    // Short, so that any name the file system takes for the target leaves room for it.
    this.temp = join(dirname(this.final), `.leadaudit-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}.tmp`);
    this.fd = this.attempt(() => this.fs.openSync(this.temp!, 'wx', 0o666));
    track(this);
    // An existing file keeps its permissions (a report shared with a group stays shared).
    if (existing !== undefined) this.attempt(() => this.fs.fchmodSync(this.fd!, existing.mode & 0o7777));
  }

  /** Writes all of `text`: a write that takes fewer bytes than given is continued, not dropped. */
  write(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    for (let done = 0; done < bytes.length; ) {
      const n = this.attempt(() => this.fs.writeSync(this.fd!, bytes, done, bytes.length - done));
      // A write that takes nothing and reports no error would loop forever: call it what it is.
      if (n <= 0) this.fail('ENOSPC');
      done += n;
    }
  }

  /**
   * Writes the pieces in order, a slice at a time (see writeSliced). Between pieces it lets the
   * event loop turn, so that a signal's handler can remove the file and end the run mid-write.
   */
  async writeAll(pieces: Pieces): Promise<this> {
    try {
      for (const piece of pieces) {
        writeSliced(piece, (slice) => this.write(slice));
        await new Promise<void>((turn) => setImmediate(turn));
      }
    } catch (error) {
      // A renderer's own failure (a bug) leaves the target as it was, too.
      this.abandon();
      throw error;
    }
    return this;
  }

  /** Flushes to disk and closes; the target is untouched until `commit`. */
  finish(): this {
    if (this.fd === undefined) return this;
    if (this.temp !== undefined) this.attempt(() => this.fs.fsyncSync(this.fd!));
    const fd = this.fd;
    this.fd = undefined;
    this.attempt(() => this.fs.closeSync(fd));
    return this;
  }

  /** Renames the finished file over the target. */
  commit(): void {
    this.finish();
    if (this.temp !== undefined) this.attempt(() => this.fs.renameSync(this.temp!, this.final));
    untrack(this);
  }

  /** Removes the temporary file; the target stays as it was. Safe to call more than once. */
  abandon(): void {
    if (!pending.has(this)) return;
    untrack(this);
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      try {
        this.fs.closeSync(fd);
      } catch {
        // Closing a file that failed to write can fail again (EIO); the removal below is what matters.
      }
    }
    if (this.temp === undefined) return;
    try {
      this.fs.unlinkSync(this.temp);
    } catch (error) {
      // Already gone (or never made): nothing is left behind either way.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** Runs one file-system call; its failure abandons the file and becomes the user's message. */
  private attempt<T>(call: () => T): T {
    try {
      return call();
    } catch (error) {
      const { code, syscall } = error as NodeJS.ErrnoException;
      if (syscall === undefined && code === undefined) throw error;
      this.fail(code ?? syscall!);
    }
  }

  private fail(code: string): never {
    this.abandon();
    const kept = this.inPlace ? 'written in place, it may hold part of the output' : this.existed ? 'the old file is unchanged' : 'nothing was written';
    throw new UsageError(`${this.target}: cannot write (${describeCode(code)}); ${kept}`);
  }
}

/**
 * Where a new file for `target` goes: the target itself, or, when it is a symbolic link to a file
 * not made yet, the path the link names (so the link stays a link).
 */
function danglingTarget(target: string, fs: FileSystem): string {
  const link = fs.lstatSync(target, { throwIfNoEntry: false });
  return link?.isSymbolicLink() === true ? resolve(dirname(target), fs.readlinkSync(target, 'utf8')) : target;
}

/** Writes `pieces` to a file that is replaced whole, or left as it was on any failure. */
export async function replaceFile(path: string, pieces: Pieces, fs: FileSystem = nodeFs): Promise<void> {
  (await new Replacement(path, fs).writeAll(pieces)).commit();
}

/**
 * Writes several files and renames them only once all are made (an `--out-dir` run, a report and
 * its `--rejects`): a failure or a signal on the way leaves every one of them as it was.
 */
export async function replaceFiles(files: readonly { readonly path: string; readonly pieces: () => Pieces }[], fs: FileSystem = nodeFs): Promise<void> {
  const made: Replacement[] = [];
  try {
    for (const file of files) {
      const r = new Replacement(file.path, fs);
      made.push(r);
      (await r.writeAll(file.pieces())).finish();
    }
  } catch (error) {
    for (const r of made) r.abandon();
    throw error;
  }
  // Renames rarely fail once the files are made (the folder was writable a moment ago); if one
  // does, the rest are not renamed either, and the message says which files are already new.
  const done: string[] = [];
  for (const r of made) {
    try {
      r.commit();
      done.push(r.target);
    } catch (error) {
      for (const rest of made) rest.abandon();
      if (done.length > 0 && error instanceof UsageError) throw new UsageError(`${error.message} (already replaced: ${done.join(', ')})`);
      throw error;
    }
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  EEXIST: 'a file of that name is in the way',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
  EPIPE: 'the reader went away',
};

/** `ENOSPC` → `no space left on the device, ENOSPC`: the words for people, the code for a search. */
export function describeCode(code: string): string {
  const words = REASONS[code];
  return words === undefined ? code : `${words}, ${code}`;
}

/** A file the run reads or writes, named for the refusal message (`the leads file`, `-o`). */
export interface NamedPath {
  readonly path: string;
  readonly role: string;
}

/**
 * Refuses outputs that are inputs or each other. Files are compared by device and inode, so a
 * hard link, a symbolic link or another spelling of an input's path is caught, and by resolved
 * path, for outputs not made yet. Standard input (`-`) is no file.
 */
export function checkOutputs(outputs: readonly NamedPath[], inputs: readonly NamedPath[], cwd: string, fs: Pick<FileSystem, 'statSync'> = nodeFs): void {
  const identity = (path: string) => {
    let stat;
    try {
      stat = fs.statSync(resolve(cwd, path), { throwIfNoEntry: false });
    } catch (error) {
      // A path through a file (ENOTDIR) or a link loop (ELOOP) is no file to clash with: reading
      // or writing it fails later, with its own message.
      if ((error as NodeJS.ErrnoException).code !== undefined) return undefined;
      throw error;
    }
    return stat === undefined ? undefined : `${stat.dev}:${stat.ino}`;
  };
  const seen: { readonly path: string; readonly role: string; readonly id: string | undefined; readonly full: string }[] = [];
  for (const input of inputs) {
    if (input.path === '-') continue;
    seen.push({ ...input, id: identity(input.path), full: resolve(cwd, input.path) });
  }
  const inputCount = seen.length;
  for (const output of outputs) {
    const id = identity(output.path);
    const full = resolve(cwd, output.path);
    const clash = seen.find((other) => other.full === full || (id !== undefined && other.id === id));
    if (clash !== undefined) {
      const what = seen.indexOf(clash) < inputCount ? `${clash.role} (${clash.path})` : `the file ${clash.role} writes`;
      throw new UsageError(`${output.role} ${output.path}: is ${what}; refusing to write over it — choose another file`);
    }
    seen.push({ ...output, id, full });
  }
}
