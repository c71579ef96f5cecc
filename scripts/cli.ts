/**
 * What the fixture generators' command lines share: the project root (where bundled fixtures go),
 * whole-number and date options, `--help`, and the run that prints usage on a bad option.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dayOf } from './random.js';

/** Thrown by a parser for `--help`: the usage goes to standard output and the run ends well. */
export class UsageHelp extends Error {}

/** The folder holding package.json, above the running script (src or dist). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (package.json) above this script');
    dir = parent;
  }
  return dir;
}

/** The options every generator takes (`parseArgs` form): leads, seed, as-of, the folder, help. */
export const GENERATOR_OPTIONS = {
  leads: { type: 'string' },
  seed: { type: 'string' },
  'as-of': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--name` as a whole number, or `fallback` when not given. */
export function wholeNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new Error(`--${name}: expected a whole number, got "${text}"`);
  return Number(text);
}

/** `--as-of` as YYYY-MM-DD, or `fallback`. */
export function asOfOption(text: string | undefined, fallback: string): string {
  const asOf = text ?? fallback;
  if (Number.isNaN(dayOf(asOf))) throw new Error(`--as-of: expected a date YYYY-MM-DD, got "${asOf}"`);
  return asOf;
}

/**
 * Runs a generator when its module is the program: parses the arguments (usage on `--help`; the
 * error and usage, exit 2, on a bad option), then runs each job.
 */
export function runGenerator<T>(moduleUrl: string, name: string, usage: string, parse: (argv: readonly string[]) => T[], run: (job: T) => void): void {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  let jobs: T[];
  try {
    jobs = parse(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageHelp) {
      process.stdout.write(usage + '\n');
      return;
    }
    process.stderr.write(`${name}: ${(error as Error).message}\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  for (const job of jobs) run(job);
}
