/**
 * The few error classes leadaudit throws. Each maps to one exit code (the README's exit codes:
 * 1 input, 2 usage, 3 alert); the mapping is applied in one place only, `cli.ts`.
 */

/** Unreadable file, malformed CSV under --strict, no usable rows. Exit 1. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Unknown option or value, invalid rubric, missing mapped column. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A --fail-on rule or rubric alert fired; the report was still written. Exit 3. */
export class AlertsFired extends Error {
  override readonly name = 'AlertsFired';
}

export const EXIT = { ok: 0, input: 1, usage: 2, alert: 3 } as const;

export function exitCodeOf(error: unknown): number | undefined {
  if (error instanceof InputError) return EXIT.input;
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof AlertsFired) return EXIT.alert;
  return undefined;
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

/** The choices closest to `word`, best first (case-insensitive), at most `limit`. */
export function closest(word: string, choices: readonly string[], limit = 3): string[] {
  const w = word.toLowerCase();
  return choices
    .map((choice) => ({ choice, d: editDistance(w, choice.toLowerCase()) }))
    .filter(({ choice, d }) => d <= Math.max(2, Math.floor(choice.length / 3)) || choice.toLowerCase().includes(w) || w.includes(choice.toLowerCase()))
    .sort((x, y) => x.d - y.d || x.choice.localeCompare(y.choice))
    .slice(0, limit)
    .map(({ choice }) => choice);
}

/** ` (did you mean "x"?)` or '' — appended to error messages. */
export function didYouMean(word: string, choices: readonly string[]): string {
  const [best] = closest(word, choices, 1);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}
