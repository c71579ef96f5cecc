/**
 * Every property test in `npm test` runs from one fixed seed, so a run in CI is the run on your
 * machine (a random flake once kept a whole session from landing). `npm run fuzz` explores new
 * seeds; each counterexample it finds becomes a test of its own. FC_SEED=n replays another seed.
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261206) });
