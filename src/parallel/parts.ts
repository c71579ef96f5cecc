/**
 * What a sink read from a part of a file (read on another thread), in a form that crosses threads
 * cheaply, and how rows are taken back out of a part (duplicates of ids the first part has).
 */

import { dealFieldsOf, leadFieldsOf } from '../rubric/fields.js';
import { type DealColumns, type LeadColumns } from '../data/table.js';
import { IdIndex, PackedText, type Days, type PackedPart, type TextCodes } from '../data/columns.js';

import { NumberEvidence } from '../data/normalize.js';
import { type AccountingPart } from '../data/accounting.js';
import { INVALID_NUMBER, Proof, type DatePart, type NumberPart } from '../data/value-columns.js';

/**
 * The rows of a part (but those in the ascending `noId`) whose id the file's first part has: rows a
 * read in one piece rejects as duplicates (the first occurrence is kept).
 */
export function clashes(part: PackedPart, noId: readonly number[], index: IdIndex): number[] {
  const ids = PackedText.read(part);
  const found: number[] = [];
  for (let r = 0, skip = 0; r < ids.length; r++) {
    if (noId[skip] === r) skip++;
    else if (index.get(ids.get(r)) !== undefined) found.push(r);
  }
  return found;
}

/** Which rows of a part of `length` rows stay when the ascending rows `drop` go, and their new index. */
function keepMask(length: number, drop: readonly number[]): { keep: Uint8Array; index: Int32Array } {
  const keep = new Uint8Array(length).fill(1);
  for (const r of drop) keep[r] = 0;
  const index = new Int32Array(length);
  for (let r = 0, k = 0; r < length; r++) index[r] = keep[r] ? k++ : -1;
  return { keep, index };
}

function keptOf<T>(items: readonly T[], keep: Uint8Array): T[] {
  return items.filter((_, r) => keep[r] === 1);
}

function keptText(text: PackedPart, keep: Uint8Array): PackedPart {
  const kept = new PackedText();
  kept.pushFrom(text, keep);
  return kept.part();
}

function keptNumbers<A extends Float64Array | Days>(values: A, keep: Uint8Array): A {
  return values.filter((_, r) => keep[r] === 1) as A;
}

function keptCodes(coded: TextCodes, keep: Uint8Array): TextCodes {
  return { codes: coded.codes.filter((_, r) => keep[r] === 1), values: coded.values };
}

/** The date columns of a part without some rows; undefined if one cannot tell what they proved. */
function keptDateParts(parts: readonly (DatePart | undefined)[], keep: Uint8Array, index: Int32Array): (DatePart | undefined)[] | undefined {
  const kept = parts.map((d) => d && keptDates(d, keep, index));
  return kept.some((d, k) => d === undefined && parts[k] !== undefined) ? undefined : kept;
}

/** A date column of a part without some rows, its proofs counted again; undefined if it cannot tell. */
function keptDates(d: DatePart, keep: Uint8Array, index: Int32Array): DatePart | undefined {
  const proofs = d.proofs;
  if (proofs === undefined) return undefined;
  let dayFirst = 0;
  let monthFirst = 0;
  let invalid = 0;
  const ambiguous: number[] = [];
  for (let r = 0; r < proofs.length; r++) {
    if (keep[r] === 0) continue;
    const proof = proofs[r] as Proof;
    if (proof === Proof.DayFirst) dayFirst++;
    else if (proof === Proof.MonthFirst) monthFirst++;
    else if (proof === Proof.Ambiguous) ambiguous.push(index[r]!);
    else if (proof === Proof.Invalid) invalid++;
  }
  const first = d.invalids?.find((x) => keep[x.row] === 1);
  if (invalid > 0 && first === undefined) return undefined;
  return { days: keptNumbers(d.days, keep), dayFirst, monthFirst, ambiguous, invalid, firstInvalid: first && { line: first.line, text: first.text } };
}

/** A lead part without the rows `drop` (ascending); undefined when what they proved cannot be taken back. */
export function withoutLeadRows(p: LeadPart, drop: readonly number[]): LeadPart | undefined {
  const { keep, index } = keepMask(p.id.length, drop);
  const dates = keptDateParts(p.dates, keep, index);
  if (dates === undefined) return undefined;
  return {
    line: keptNumbers(p.line, keep),
    id: keptText(p.id, keep),
    noId: p.noId.map((r) => index[r]!),
    email: keptText(p.email, keep),
    name: keptText(p.name, keep),
    text: p.text.map((t) => keptCodes(t, keep)),
    values: p.values.map((t) => keptCodes(t, keep)),
    dates,
    cells: p.cells && keptOf(p.cells, keep),
    plainIds: p.plainIds,
    accounting: { ...p.accounting, used: p.accounting.used - drop.length },
  };
}

/** The repeated-text (coded) columns of a lead and of a deal, in the order of a part's `text`. */
export const LEAD_TEXT = leadFieldsOf('coded');
export const DEAL_TEXT = dealFieldsOf('coded');

/** The rows a lead sink read from a part of the file, in a form that crosses threads cheaply. */
export interface LeadPart extends Pick<LeadColumns, 'line'> {
  readonly id: PackedPart;
  readonly email: PackedPart;
  readonly name: PackedPart;
  readonly noId: readonly number[];
  readonly text: readonly TextCodes[];
  readonly values: readonly TextCodes[];
  readonly dates: readonly (DatePart | undefined)[];
  readonly cells: readonly string[][] | undefined;
  readonly plainIds: boolean;
  readonly accounting: AccountingPart;
}

/** A deal part without the rows `drop` (ascending); undefined when what they proved cannot be taken back. */
export function withoutDealRows(p: DealPart, drop: readonly number[]): DealPart | undefined {
  const { keep, index } = keepMask(p.id.length, drop);
  const dates = keptDateParts(p.dates, keep, index);
  if (dates === undefined) return undefined;
  const amount = keptNumberPart(p.amount, keep, index);
  if (amount === undefined) return undefined;
  const text = p.text.map((t) => keptCodes(t, keep));
  // The currencies of the rows that stay.
  const currency = text[DEAL_TEXT.indexOf('currency')]!;
  const currencies = new Set<string>();
  for (const code of new Set(currency.codes)) if (currency.values[code] !== '') currencies.add(currency.values[code]!.toUpperCase());
  return {
    line: keptNumbers(p.line, keep),
    amount,
    id: keptText(p.id, keep),
    noId: p.noId.map((r) => index[r]!),
    keys: keptText(p.keys, keep),
    text,
    stages: p.stages.filter((_, r) => keep[r] === 1),
    values: p.values.map((t) => keptCodes(t, keep)),
    dates,
    currencies: [...currencies],
    accounting: { ...p.accounting, used: p.accounting.used - drop.length },
  };
}

/** The rows a deal sink read from a part of the file, in a form that crosses threads cheaply. */
export interface DealPart extends Pick<DealColumns, 'line'> {
  readonly amount: NumberPart;
  readonly id: PackedPart;
  readonly keys: PackedPart;
  readonly noId: readonly number[];
  readonly text: readonly TextCodes[];
  readonly stages: Int32Array;
  readonly values: readonly TextCodes[];
  readonly dates: readonly (DatePart | undefined)[];
  readonly currencies: readonly string[];
  readonly accounting: AccountingPart;
}

/** A number column of a part without some rows, its proofs counted again; undefined if it cannot tell. */
function keptNumberPart(p: NumberPart, keep: Uint8Array, index: Int32Array): NumberPart | undefined {
  const proofs = p.proofs;
  if (proofs === undefined) return undefined;
  let point = 0;
  let comma = 0;
  let invalid = 0;
  const ambiguousDot: number[] = [];
  const ambiguousComma: number[] = [];
  for (let r = 0; r < proofs.length; r++) {
    if (keep[r] === 0) continue;
    const proof = proofs[r]!;
    if (proof === NumberEvidence.Point) point++;
    else if (proof === NumberEvidence.Comma) comma++;
    else if (proof === NumberEvidence.AmbiguousDot) ambiguousDot.push(index[r]!);
    else if (proof === NumberEvidence.AmbiguousComma) ambiguousComma.push(index[r]!);
    else if (proof === INVALID_NUMBER) invalid++;
  }
  const first = p.invalids?.find((x) => keep[x.row] === 1);
  if (invalid > 0 && first === undefined) return undefined;
  return { values: keptNumbers(p.values, keep), point, comma, ambiguousDot, ambiguousComma, invalid, firstInvalid: first && { line: first.line, text: first.text } };
}
