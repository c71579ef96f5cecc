import { describe, expect, it } from 'vitest';
import { progressLine, PROGRESS_MIN_BYTES } from '../src/progress.js';

describe('progressLine', () => {
  it('draws rows, MB, MB/s and time left at most every 200 ms, and clears itself at the end', () => {
    let clock = 0;
    const out: string[] = [];
    const draw = progressLine((t) => out.push(t), () => clock);
    const total = 100e6;
    draw({ file: 'big.csv', bytes: 1e6, total, records: 1000, done: false });
    clock = 100;
    draw({ file: 'big.csv', bytes: 5e6, total, records: 5000, done: false });
    clock = 1000;
    draw({ file: 'big.csv', bytes: 50e6, total, records: 50_000, done: false });
    clock = 1100;
    draw({ file: 'big.csv', bytes: 51e6, total, records: 51_000, done: false });
    draw({ file: 'big.csv', bytes: total, total, records: 100_000, done: true });
    expect(out).toEqual(['\r\u001b[Kreading big.csv: 50,000 rows, 50 of 100 MB, 50 MB/s, 1 s left', '\r\u001b[K']);
  });

  it('shows a file name\'s escape sequences and control characters as nothing: a name cannot drive the terminal', () => {
    let clock = 0;
    const out: string[] = [];
    const draw = progressLine((t) => out.push(t), () => clock);
    const file = 'evil\u001b]0;pwned\u0007\u001b[2J\rname.csv';
    draw({ file, bytes: 1e6, total: 100e6, records: 1, done: false });
    clock = 1000;
    draw({ file, bytes: 50e6, total: 100e6, records: 2, done: false });
    expect(out).toEqual(['\r\u001b[Kreading evil name.csv: 2 rows, 50 of 100 MB, 50 MB/s, 1 s left']);
  });

  it('stays silent for small files', () => {
    const out: string[] = [];
    const draw = progressLine((t) => out.push(t), () => 10_000);
    draw({ file: 'small.csv', bytes: 10, total: PROGRESS_MIN_BYTES - 1, records: 1, done: false });
    draw({ file: 'small.csv', bytes: 10, total: PROGRESS_MIN_BYTES - 1, records: 1, done: true });
    expect(out).toEqual([]);
  });
});
