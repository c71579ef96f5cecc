/**
 * The building blocks of columnar storage for a million rows: growable typed arrays (days as
 * 32-bit floats), repeated text as codes, unique text packed in blocks, and an id index. Memory
 * grows with the rows kept, not with the file's bytes.
 */
/**
 * Day numbers (whole days since 1970-01-01, NaN = missing) are held as 32-bit floats: exact for
 * every whole number below 2^24, far past the year 9999 the date reader stops at, and half the
 * memory of 64-bit ones.
 */
export type Days = Float32Array;

/** A growable Float64Array, or Float32Array for days (NaN = missing), doubled as it fills. */
export class Numbers<A extends Float64Array | Days = Float64Array> {
  private data: A;
  length = 0;

  constructor(private readonly make: (size: number) => A = (size) => new Float64Array(size) as A) {
    this.data = make(1024);
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }

  private grow(room: number): void {
    let size = this.data.length * 2;
    while (size < room) size *= 2;
    const bigger = this.make(size);
    bigger.set(this.data);
    this.data = bigger;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  /** Appends many values (a chunk of rows). */
  pushAll(values: A): void {
    if (this.length + values.length > this.data.length) this.grow(this.length + values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }

  set(i: number, value: number): void {
    this.data[i] = value;
  }

  /**
   * The filled part. Copied to an array of its own only when more than an eighth of the capacity is
   * spare: a copy of a million-row column is a second one alive for a moment.
   */
  done(): A {
    const spare = this.data.length - this.length;
    return (spare * 8 > this.data.length ? this.data.slice(0, this.length) : this.data.subarray(0, this.length)) as A;
  }
}

/** A growable column of days. */
export function dayNumbers(): Numbers<Days> {
  return new Numbers((size) => new Float32Array(size));
}

/** Slots of CodedText's table of guessed codes (a power of two). */
const GUESSES = 256;

/**
 * A column of text that repeats (source, status, owner, the rubric's condition columns) as small
 * codes into a list of its distinct values, each value stored once. The codes take 1 byte a row
 * while there are at most 256 values, then 2, then 4, instead of an 8-byte pointer.
 */
export class CodedText {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  private codes: Uint8Array | Uint16Array | Uint32Array = new Uint8Array(1024);
  /** Codes up to this fit the current width. */
  private widest = 0xff;
  // Neighbouring rows often repeat a value (a sorted export, an empty column).
  private lastText: string | undefined;
  private lastCode = 0;
  /**
   * A guess of a text's code (plus 1; 0: none) by its length and first and last characters: one
   * string comparison instead of hashing a freshly cut cell for the Map, which most cells of a
   * column with few values pass.
   */
  private readonly guess = new Uint32Array(GUESSES);
  length = 0;

  push(text: string): void {
    this.pushCode(this.codeOf(text));
  }

  get(i: number): string {
    return this.values[this.codes[i]!]!;
  }

  /** The code of row `i`: its value's index in `values`. */
  code(i: number): number {
    return this.codes[i]!;
  }

  /**
   * The values some row holds, each once: from the codes, which say so even of a column whose
   * `values` list more.
   */
  usedValues(): string[] {
    const seen = new Uint8Array(this.values.length);
    for (let i = 0; i < this.length; i++) seen[this.codes[i]!] = 1;
    return this.values.filter((_, code) => seen[code] === 1);
  }

  /** The column in a form that crosses threads: a copy of the codes (then moved) and the values. */
  part(): TextCodes {
    return { codes: this.codes.slice(0, this.length), values: this.values };
  }

  /** A column to read a part through (not to push to). */
  static read(part: TextCodes): CodedText {
    const text = new CodedText();
    // One at a time: a spread of a column's distinct values could overflow the call stack.
    for (const value of part.values) text.values.push(value);
    text.codes = part.codes;
    text.length = part.codes.length;
    return text;
  }

  /** Appends the rows of another column (a chunk's), each value coded as this column codes it. */
  pushPart(part: TextCodes): void {
    // Only values a row uses are added, in the order a read of the rows one by one meets them.
    const codes = new Int32Array(part.values.length).fill(-1);
    for (const code of part.codes) {
      if (codes[code]! < 0) codes[code] = this.codeOf(part.values[code]!);
      this.pushCode(codes[code]!);
    }
  }

  /** A column as JSON is its cells (tests compare columns read in one piece and split). */
  toJSON(): string[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i));
  }

  private codeOf(text: string): number {
    if (text === this.lastText) return this.lastCode;
    const n = text.length;
    const slot = n === 0 ? 0 : (n * 31 + text.charCodeAt(0) * 7 + text.charCodeAt(n - 1)) & (GUESSES - 1);
    const guess = this.guess[slot]!;
    let code: number | undefined = guess - 1;
    if (guess === 0 || this.values[code] !== text) {
      code = this.index.get(text);
      if (code === undefined) {
        code = this.values.length;
        const kept = own(text);
        this.values.push(kept);
        this.index.set(kept, code);
      }
      this.guess[slot] = code + 1;
    }
    this.lastText = this.values[code];
    this.lastCode = code;
    return code;
  }

  private pushCode(code: number): void {
    if (this.length === this.codes.length || code > this.widest) this.grow(code);
    this.codes[this.length++] = code;
  }

  private grow(code: number): void {
    const size = this.length === this.codes.length ? this.codes.length * 2 : this.codes.length;
    if (code > this.widest) this.widest = code > 0xffff ? 0xffffffff : 0xffff;
    const bigger = this.widest === 0xff ? new Uint8Array(size) : this.widest === 0xffff ? new Uint16Array(size) : new Uint32Array(size);
    bigger.set(this.codes);
    this.codes = bigger;
  }
}

/** A coded column as it crosses to another thread (structured clone copies every string of an array). */
export interface TextCodes {
  readonly codes: Uint8Array | Uint16Array | Uint32Array;
  readonly values: readonly string[];
}

/**
 * A copy of a cell that is kept. A cell cut from a chunk of text (a V8 "sliced string", for 13
 * characters or more) keeps the whole chunk alive; copying keeps memory growing with the rows
 * kept, not with the file's bytes.
 */
export function own(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/**
 * A column of text that seldom repeats (emails, names), packed: the cells of each block of rows are
 * joined into one string and each row keeps where its cell ends. About the cell's characters plus
 * 4 bytes a row, instead of a string object and a pointer. A cell is cut out again when
 * asked for. Joining copies the cells, so no chunk of the file stays alive once a block is full.
 */
export class PackedText {
  private readonly blocks: string[] = [];
  /** Cells of the block being filled; joined when it is full. */
  private pending: string[] = [];
  /** Per row, where its cell ends in its block. */
  private ends: Uint32Array = new Uint32Array(1024);
  /** Cells too long to pack (a block stays far below the longest string V8 allows). */
  private readonly long = new Map<number, string>();
  private used = 0;
  length = 0;

  push(text: string): void {
    if (this.length === this.ends.length) {
      const bigger = new Uint32Array(this.ends.length * 2);
      bigger.set(this.ends);
      this.ends = bigger;
    }
    if (text.length > LONG_CELL) {
      this.long.set(this.length, text);
      text = '';
    }
    this.used += text.length;
    this.ends[this.length++] = this.used;
    this.pending.push(text);
    if (this.pending.length === BLOCK_ROWS) this.seal();
  }

  get(i: number): string {
    const long = this.long.size > 0 ? this.long.get(i) : undefined;
    if (long !== undefined) return long;
    const block = i >>> BLOCK_BITS;
    if (block === this.blocks.length) return this.pending[i & (BLOCK_ROWS - 1)]!;
    const start = (i & (BLOCK_ROWS - 1)) === 0 ? 0 : this.ends[i - 1]!;
    return this.blocks[block]!.slice(start, this.ends[i]);
  }

  /** A column as JSON is its cells (tests compare columns read in one piece and split). */
  toJSON(): string[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i));
  }

  /** The column in a form that crosses threads (a class does not): a few long strings and the ends. */
  part(): PackedPart {
    return { blocks: [...this.blocks, this.pending.join('')], ends: this.ends.slice(0, this.length), long: this.long, length: this.length };
  }

  /** True when row `i` holds `text`, without cutting the cell out. */
  equals(i: number, text: string): boolean {
    const long = this.long.size > 0 ? this.long.get(i) : undefined;
    if (long !== undefined) return long === text;
    const block = i >>> BLOCK_BITS;
    if (block === this.blocks.length) return this.pending[i & (BLOCK_ROWS - 1)] === text;
    const start = (i & (BLOCK_ROWS - 1)) === 0 ? 0 : this.ends[i - 1]!;
    return this.ends[i]! - start === text.length && this.blocks[block]!.startsWith(text, start);
  }

  /** A column to read a part through (not to push to: its last block may be short). */
  static read(part: PackedPart): PackedText {
    const text = new PackedText();
    for (const block of part.blocks) text.blocks.push(block);
    text.ends = part.ends;
    text.length = part.length;
    for (const [row, cell] of part.long) text.long.set(row, cell);
    return text;
  }

  private seal(): void {
    this.blocks.push(this.pending.join(''));
    this.pending = [];
    this.used = 0;
  }
}

export interface PackedPart {
  readonly blocks: readonly string[];
  readonly ends: Uint32Array;
  readonly long: ReadonlyMap<number, string>;
  readonly length: number;
}

/**
 * The ids of a file, packed, with a hash table from id to row: about 24 bytes a row instead of a
 * string, its pointer and a Map entry. Rows without
 * an id hold a stand-in (`#<line>`) that is not in the table.
 */
export class IdIndex {
  readonly ids = new PackedText();
  /** Per row, the hash of its id: to grow the table, and to compare few ids. */
  private hashes: Uint32Array = new Uint32Array(1024);
  /** Open addressing with linear probing: row + 1 in each used slot, 0 in a free one. */
  private slots: Int32Array = new Int32Array(1 << 10);
  private indexed = 0;

  get length(): number {
    return this.ids.length;
  }

  /** The row whose id is `key`, or undefined. */
  get(key: string): number | undefined {
    const hash = hashOf(key);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const row = this.slots[slot]! - 1;
      if (row < 0) return undefined;
      if (this.hashes[row] === hash && this.ids.equals(row, key)) return row;
    }
  }

  /** Appends a row whose id is `key`, not yet in the index; a stand-in id is not indexed. */
  push(key: string, indexed = true): void {
    const row = this.ids.length;
    this.ids.push(key);
    if (row === this.hashes.length) {
      const bigger = new Uint32Array(this.hashes.length * 2);
      bigger.set(this.hashes);
      this.hashes = bigger;
    }
    if (!indexed) return;
    const hash = hashOf(key);
    this.hashes[row] = hash;
    // At most half full, so probes stay short.
    if (++this.indexed * 2 > this.slots.length) this.rehash();
    else this.place(row, hash);
  }

  private place(row: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = row + 1;
  }

  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (const used of old) if (used !== 0) this.place(used - 1, this.hashes[used - 1]!);
    // The row being pushed is the last one; it was not placed yet.
    this.place(this.ids.length - 1, this.hashes[this.ids.length - 1]!);
  }
}

/** FNV-1a over the UTF-16 code units, then MurmurHash3's finaliser (ids are often sequential numbers). */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The join keys of a deal from their stored text (`a;b`, or '' for none). */
export function splitKeys(text: string): string[] {
  return text === '' ? [] : text.split(';');
}

/** Rows per block of a PackedText (a power of two, so a row's block is a shift). */
const BLOCK_BITS = 8;
const BLOCK_ROWS = 1 << BLOCK_BITS;
/** Longer cells are kept as they are: 4,096 of them still make a block of at most 256 Mi characters. */
const LONG_CELL = 1 << 16;

/** What reports need of a list of rows: its length, and to go through it. Arrays and Rows both are. */
