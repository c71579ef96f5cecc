/**
 * The progress line on a terminal: rows read, MB/s and time left, for inputs over a few MB,
 * redrawn at most a few times a second and cleared when the read ends. Silent otherwise.
 */
import { terminalSafe } from './render/safe.js';

type Progress = { file: string; bytes: number; total: number; records: number; done: boolean };

/** Files smaller than this read too fast to need a progress line. */
export const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;
const EVERY_MS = 200;

export function progressLine(write: (text: string) => void, now: () => number = () => Date.now()): (p: Progress) => void {
  let started: number | undefined;
  let last = 0;
  let shown = false;
  return (p) => {
    if (p.total < PROGRESS_MIN_BYTES) return;
    const t = now();
    if (started === undefined) {
      // The first line waits a moment, so a rate has something to measure.
      started = t;
      last = t;
    }
    if (p.done) {
      if (shown) write('\r\u001b[K');
      shown = false;
      started = undefined;
      return;
    }
    if (t - last < EVERY_MS) return;
    last = t;
    const seconds = Math.max((t - started) / 1000, 0.001);
    const rate = p.bytes / 1e6 / seconds;
    const left = rate > 0 ? (p.total - p.bytes) / 1e6 / rate : NaN;
    const mb = (n: number) => (n / 1e6).toFixed(0);
    write(
      `\r\u001b[Kreading ${terminalSafe(p.file)}: ${p.records.toLocaleString('en-US')} rows, ${mb(p.bytes)} of ${mb(p.total)} MB, ${rate.toFixed(0)} MB/s${Number.isFinite(left) ? `, ${Math.ceil(left)} s left` : ''}`,
    );
    shown = true;
  };
}
