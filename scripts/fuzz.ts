/**
 * `npm run fuzz`: the differential properties of the test suite (scripts/fuzz-properties.ts), run
 * for minutes instead of a few hundred cases. Prints its seed first; every failure is printed with
 * the command that replays it exactly. Exit 1 when anything failed.
 *
 *   node dist/scripts/fuzz.js                      # 10 minutes, a random seed
 *   node dist/scripts/fuzz.js --minutes 2 --seed 42
 *   node dist/scripts/fuzz.js --property wellFormed --seed 1234 --path 17:3:0   # replay one failure
 */
import fc from 'fast-check';
import { properties, type PropertyName } from './fuzz-properties.js';

interface Options {
  minutes: number;
  seed: number;
  only: PropertyName[];
  path: string | undefined;
}

const NAMES = Object.keys(properties) as PropertyName[];
/** Cases per property between looks at the clock. */
const BATCH = 250;

function usage(message: string): never {
  process.stderr.write(`fuzz: ${message}\nusage: node dist/scripts/fuzz.js [--minutes N] [--seed S] [--property ${NAMES.join('|')}] [--path P]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const options: Options = { minutes: 10, seed: Math.floor(Math.random() * 0x7fffffff), only: NAMES, path: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (value === undefined) usage(`${flag} needs a value`);
    i++;
    if (flag === '--minutes') {
      options.minutes = Number(value);
      if (!(options.minutes > 0)) usage(`--minutes "${value}": expected a number of minutes above 0`);
    } else if (flag === '--seed') {
      options.seed = Number(value);
      if (!Number.isInteger(options.seed)) usage(`--seed "${value}": expected a whole number`);
    } else if (flag === '--property') {
      if (!NAMES.includes(value as PropertyName)) usage(`--property "${value}": expected one of: ${NAMES.join(', ')}`);
      options.only = [value as PropertyName];
    } else if (flag === '--path') {
      options.path = value;
    } else {
      usage(`unknown option ${flag}`);
    }
  }
  if (options.path !== undefined && options.only.length !== 1) usage('--path replays one failure: give its --property and --seed too');
  return options;
}

/** One batch of one property; a failure is printed with its replay command. */
async function batch(name: PropertyName, seed: number, numRuns: number, path?: string): Promise<{ runs: number; failed: boolean }> {
  const property = properties[name]() as fc.IAsyncProperty<unknown[]>;
  const details = await fc.check(property, { seed, numRuns, ...(path === undefined ? {} : { path, endOnFailure: true }) });
  if (!details.failed) return { runs: details.numRuns, failed: false };
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  process.stdout.write(
    [
      `FAIL ${name} (seed ${details.seed}, path ${details.counterexamplePath ?? '-'}, after ${details.numRuns} cases, shrunk ${details.numShrinks} times)`,
      `  counterexample: ${fc.stringify(details.counterexample)}`,
      `  error: ${error.split('\n')[0]}`,
      `  replay: node dist/scripts/fuzz.js --property ${name} --seed ${details.seed} --path ${details.counterexamplePath ?? ''}`,
      '',
    ].join('\n'),
  );
  return { runs: details.numRuns, failed: true };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  process.stdout.write(`fuzz: seed ${options.seed}; ${options.path === undefined ? `${options.minutes} minutes` : `replaying path ${options.path}`}; properties ${options.only.join(', ')}\n`);
  if (options.path !== undefined) {
    const { failed } = await batch(options.only[0]!, options.seed, 1, options.path);
    process.stdout.write(failed ? '' : 'fuzz: the case passes now\n');
    process.exit(failed ? 1 : 0);
  }
  const started = Date.now();
  const deadline = started + options.minutes * 60_000;
  const runs: Record<string, number> = Object.fromEntries(options.only.map((n) => [n, 0]));
  let failures = 0;
  // Batch k of every property runs with seed + k: each batch is replayable on its own.
  for (let k = 0; Date.now() < deadline; k++) {
    for (const name of options.only) {
      const result = await batch(name, (options.seed + k) | 0, BATCH);
      runs[name]! += result.runs;
      if (result.failed) failures++;
    }
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const total = Object.values(runs).reduce((a, b) => a + b, 0);
  const each = Object.entries(runs).map(([n, r]) => `${n} ${r}`).join(', ');
  process.stdout.write(`fuzz: ${total} cases in ${minutes} minutes (${each}); ${failures} failure${failures === 1 ? '' : 's'}; seed ${options.seed}\n`);
  process.exit(failures > 0 ? 1 : 0);
}

await main();
