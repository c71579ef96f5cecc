/** What --rejects writes (README, "Output files"): every rejected row, with where it was and why. */
import type { LoadedFacts } from '../load.js';
import { field } from '../render/csv.js';
import { neutralizeFormula } from '../render/safe.js';
import { personalHeaders, redacted } from '../data/personal.js';

/**
 * The rejected rows as CSV, cells as the file has them, with --redact hashing the cells of a
 * file's email and name columns; `;` between fields with --decimal-comma, like the run's reports.
 */
export function rejectsCsv(loaded: LoadedFacts, redact: boolean, delimiter: ',' | ';'): string {
  const rows = loaded.rejects;
  const files = new Set(rows.map((r) => r.file));
  const planOf = (file: string) => (file === loaded.leads?.plan.file ? loaded.leads.plan : file === loaded.deals?.plan.file ? loaded.deals.plan : undefined);
  const width = Math.max(0, ...rows.map((r) => r.cells.length));
  const names = files.size === 1 ? [...(planOf([...files][0]!)?.header.names ?? [])] : Array.from({ length: width }, (_, i) => `cell_${i + 1}`);
  while (names.length < width) names.push(`cell_${names.length + 1}`);
  const personalAt = new Map<string, Set<number>>();
  for (const file of files) {
    const plan = planOf(file);
    personalAt.set(file, new Set(redact && plan ? personalHeaders(plan).map((h) => plan.header.names.indexOf(h)) : []));
  }
  const quote = (text: string) => field(text, delimiter);
  const lines = [[...names, '_file', '_line', '_reason'].map(quote).join(delimiter)];
  for (const r of rows) {
    const hashed = personalAt.get(r.file)!;
    const cells = Array.from({ length: names.length }, (_, i) => neutralizeFormula(hashed.has(i) ? redacted(r.cells[i] ?? '') : (r.cells[i] ?? '')));
    lines.push([...cells, r.file, String(r.line), r.reason].map(quote).join(delimiter));
  }
  return `${lines.join('\n')}\n`;
}
