/**
 * Reads an export once for `init`: every column profiled (src/data/profile.ts), the values of the
 * columns that may be join keys kept in full (the join is chosen by measured overlap), and a deal
 * stage column beside a probability column (to order stages). Rows that are not data (footers,
 * ragged rows) are left out, as an audit would.
 */
import { parseAmount } from '../../data/normalize.js';
import { isEmptyCell, Profiler } from '../../data/profile.js';
import { headerLooksLikeData } from '../../io/csv/header.js';
import { readCsv, type CsvHeader, type CsvOptions } from '../../io/csv/index.js';
import { readFirstRow, type Loaded, type LoadOptions } from '../../load.js';
import { DEAL_RULES, LEAD_RULES, recognize, type Recognized } from '../recognize.js';
import { headerKey, type ColumnChoice } from '../resolve.js';
import type { InitFile } from './evidence.js';
import { nameHeaderless } from './headerless.js';
import { keyCandidates } from './join.js';

/** Rows whose join-key candidates are kept: the join is chosen on these (a deal's lead further down is missed, rarely). */
const ROW_CAP = { leads: 1_000_000, deals: 200_000 } as const;

export async function readForInit(file: string, side: 'leads' | 'deals', options: CsvOptions, how: { headerless?: boolean; keys?: boolean } = {}): Promise<InitFile & { header: CsvHeader }> {
  let header: CsvHeader | undefined;
  let profiler: Profiler | undefined;
  const keys = new Map<number, string[]>();
  let capped = false;
  let pair: { stage: number; probability: number; rows: [string, number][] } | undefined;
  await readCsv(file, options, (h) => {
    header = h;
    profiler = new Profiler(h.names);
    const candidates = how.keys === false ? [] : keyCandidates(side, h.names, how.headerless).map((name) => h.names.indexOf(name));
    for (const i of candidates) keys.set(i, []);
    // The stage column recognition would choose, else any header naming a stage.
    const named = h.names.findIndex((n) => DEAL_RULES.stage.names.some((x) => headerKey(x) === headerKey(n)));
    const stage = named >= 0 ? named : h.names.findIndex((n) => /stage/i.test(n));
    const probability = h.names.findIndex((n) => /probab/i.test(n));
    if (side === 'deals' && stage >= 0 && probability >= 0) pair = { stage, probability, rows: [] };
    return {
      row(cells) {
        profiler!.row(cells);
        for (const [i, list] of keys) {
          const cell = cells[i] ?? '';
          if (list.length < ROW_CAP[side]) list.push(isEmptyCell(cell) ? '' : cell.trim());
          else capped = true;
        }
        if (pair) {
          const stageText = (cells[pair.stage] ?? '').trim();
          const p = parseAmount(cells[pair.probability] ?? '');
          if (stageText !== '' && Number.isFinite(p)) pair.rows.push([stageText, p]);
        }
      },
      other() {},
    };
  });
  const byName = new Map([...keys].map(([i, list]) => [header!.names[i]!, list]));
  return {
    file,
    header: header!,
    profiles: profiler!.finish(),
    keys: byName,
    ...(capped ? { keysCapped: ROW_CAP[side] } : {}),
    ...(pair ? { stageProbability: { stage: header!.names[pair.stage]!, probability: header!.names[pair.probability]!, rows: pair.rows } } : {}),
  };
}

/**
 * An export as `init` reads it. A file whose first row looks like data is read as having no
 * header row: once with its columns numbered, to see what each holds, then again with the names
 * that gives them (src/rubric/init/headerless.ts). A MySQL dump (`\N` cells) is read with
 * backslash escapes.
 */
export async function readInitFile(file: string, side: 'leads' | 'deals', options: CsvOptions): Promise<InitFile & { header: CsvHeader }> {
  const first = await readFirstRow(file, options);
  const why = headerLooksLikeData(first);
  if (why === undefined) {
    const read = await readForInit(file, side, options);
    return options.escape === '\\' ? { ...read, backslash: true } : read;
  }
  const numberedNames = first.map((_, i) => `column_${i + 1}`);
  let backslash = options.escape === '\\' || first.some((c) => c.trim() === '\\N');
  let numbered = await readForInit(file, side, { ...options, ...(backslash ? { escape: '\\' } : {}), names: numberedNames }, { headerless: true, keys: false });
  // A dump whose first row has no `\N` shows its backslash escapes in the values (`O\"Brien`, `\N`).
  if (!backslash && numbered.profiles.some((p) => p.values.some(([v]) => /\\["\\N]/.test(v)))) {
    backslash = true;
    numbered = await readForInit(file, side, { ...options, escape: '\\', names: numberedNames }, { headerless: true, keys: false });
  }
  const shaped: CsvOptions = { ...options, ...(backslash ? { escape: '\\' } : {}) };
  const names = nameHeaderless(side, numbered.profiles);
  const read = await readForInit(file, side, { ...shaped, names }, { headerless: true });
  return { ...read, headerless: { names, why: `the first row looks like data (${why})` }, ...(backslash ? { backslash } : {}) };
}

export interface Recognition {
  readonly leads?: Readonly<Record<string, Recognized>>;
  readonly deals?: Readonly<Record<string, Recognized>>;
  /** Each column's kind of values, by file side. */
  readonly kinds: { readonly leads?: ReadonlyMap<string, string>; readonly deals?: ReadonlyMap<string, string> };
}

/** What recognition makes of the files a run read, with the rubric's own names tried first (for `check`). */
export async function recognizeInputs(loaded: Loaded, options: LoadOptions): Promise<Recognition> {
  const csvOf = (which: 'leads' | 'deals'): CsvOptions => {
    const { delimiter, encoding, names, escape, whole } = loaded.csv?.[which] ?? { delimiter: options.delimiter, encoding: options.encoding };
    return { delimiter, encoding, names, escape, whole };
  };
  const names = (columns: Partial<Record<string, ColumnChoice>>) => Object.fromEntries(Object.entries(columns).map(([f, c]) => [f, c?.candidates ?? []]));
  const side = async (file: string | undefined, which: 'leads' | 'deals') => {
    if (file === undefined) return undefined;
    const read = await readForInit(file, which, csvOf(which), { keys: false });
    const columns = which === 'leads' ? loaded.rubric.leads.columns : loaded.rubric.deals.columns;
    const rules = (which === 'leads' ? LEAD_RULES : DEAL_RULES) as Record<string, (typeof LEAD_RULES)['id']>;
    return { found: recognize(rules, read.profiles, names(columns)), kinds: new Map(read.profiles.map((p) => [p.name, p.kind])) };
  };
  const leads = await side(loaded.leads ? options.leads : undefined, 'leads');
  const deals = await side(loaded.deals ? options.deals : undefined, 'deals');
  return { leads: leads?.found, deals: deals?.found, kinds: { leads: leads?.kinds, deals: deals?.kinds } };
}
