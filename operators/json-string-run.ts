import { HEX_DIGIT, LEAD, PLAIN, SIMPLE_ESCAPE, STRING_BYTE, UTF8_LENGTH, UTF8_SECOND_HIGH, UTF8_SECOND_LOW } from './json-byte-classes';

/**
 * The 4-byte words of a chunk, for the word loop of `skipStringRun`: an Int32Array over the
 * chunk's bytes from its first 4-aligned one (`start`, an index into the chunk). Built once per
 * chunk, only for chunks long enough to pay for the view (see json-scanner.ts).
 */
export interface ChunkWords {
  words: Int32Array;
  start: number;
}

export function chunkWords(chunk: Uint8Array): ChunkWords {
  const start = (4 - (chunk.byteOffset & 3)) & 3;
  const count = chunk.length > start ? (chunk.length - start) >> 2 : 0;
  return { words: new Int32Array(chunk.buffer, chunk.byteOffset + start, count), start };
}

/**
 * The index of the first byte at or after `i` (before `n`) that the string fast path cannot
 * accept on its own: a closing quote, an escape or a UTF-8 sequence not wholly inside the chunk,
 * or anything invalid. Everything it skips is certainly valid string content (RFC 8259 §7
 * `char`); what it stops at, the scanner's byte-at-a-time state machine decides, so this
 * function only has to be fast and never to accept too much.
 *
 * Why words: a byte loop over a 256-entry table ran at ~1.0 GB/s on long ASCII strings (Node 20);
 * testing four bytes per load with SWAR bit tricks runs at ~2.5 GB/s (bench/json-scanner.bench.ts).
 */
export function skipStringRun(chunk: Uint8Array, i: number, n: number, aligned: ChunkWords | undefined): number {
  for (;;) {
    if (aligned !== undefined) i = skipPlainWords(chunk, i, n, aligned);
    while (i < n && STRING_BYTE[chunk[i]!] === PLAIN) i++;
    if (i >= n) return i;
    const b = chunk[i]!;
    const kind = STRING_BYTE[b];
    if (kind === LEAD) {
      // A whole sequence in this chunk: checked here. RFC 3629 bounds on the second byte, then UTF8-tail.
      const length = UTF8_LENGTH[b]!;
      if (i + length > n) return i;
      const second = chunk[i + 1]!;
      if (second < UTF8_SECOND_LOW[b]! || second > UTF8_SECOND_HIGH[b]!) return i;
      if (length > 2 && (chunk[i + 2]! & 0xc0) !== 0x80) return i;
      if (length > 3 && (chunk[i + 3]! & 0xc0) !== 0x80) return i;
      i += length;
    } else if (b === 0x5c) {
      // An escape wholly in this chunk: `\" \\ \/ \b \f \n \r \t`, or `\u` and four hex digits.
      if (i + 1 >= n) return i;
      const e = chunk[i + 1]!;
      if (SIMPLE_ESCAPE[e] === 1) i += 2;
      else if (e === 0x75 && i + 5 < n && HEX_DIGIT[chunk[i + 2]!]! & HEX_DIGIT[chunk[i + 3]!]! & HEX_DIGIT[chunk[i + 4]!]! & HEX_DIGIT[chunk[i + 5]!]!) i += 6;
      else return i;
    } else {
      return i; // the closing quote, a control character, or a byte that starts no character
    }
  }
}

/**
 * Skips plain string bytes (0x20-0x7F but `"` and `\`) four at a time. For a word `w`, with
 * `hasZero(v) = (v - 0x01010101) & ~v & 0x80808080` (non-zero exactly when a byte of v is 0):
 *
 * - `w & 0x80808080`: a byte >= 0x80;
 * - `(w - 0x20202020) & ~w & 0x80808080`: a byte < 0x20 (the same borrow trick, exact for n <= 0x80);
 * - `hasZero(w ^ 0x22222222)`, `hasZero(w ^ 0x5c5c5c5c)`: a `"` or a `\`.
 *
 * Byte order does not matter: each test asks whether any byte matches. A word that fails is
 * left to the byte loop, which finds which byte it was.
 */
function skipPlainWords(chunk: Uint8Array, i: number, n: number, aligned: ChunkWords): number {
  const start = aligned.start;
  if (i < start) return i;
  // Up to three bytes to reach a word boundary.
  while (((i - start) & 3) !== 0) {
    if (i >= n || STRING_BYTE[chunk[i]!] !== PLAIN) return i;
    i++;
  }
  const words = aligned.words;
  const count = words.length;
  let k = (i - start) >> 2;
  while (k < count) {
    const w = words[k]!;
    const quote = w ^ 0x22222222;
    const backslash = w ^ 0x5c5c5c5c;
    const bad =
      w |
      ((w - 0x20202020) & ~w) |
      ((quote - 0x01010101) & ~quote) |
      ((backslash - 0x01010101) & ~backslash);
    if ((bad & 0x80808080) !== 0) break;
    k++;
  }
  return start + (k << 2);
}
