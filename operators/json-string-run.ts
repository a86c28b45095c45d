import { CHAR, END, STRING_DFA } from './json-string-dfa';

/**
 * The 4-byte words of a chunk, for `skipPlainWords`: an Int32Array over the chunk's bytes from
 * its first 4-aligned one (`start`, an index into the chunk). Built once per chunk, only for
 * chunks long enough to pay for the view (see json-scanner.ts).
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

/** Where a string scan stands between calls: the DFA state, and the one before the last byte (for error messages). */
export class StringCursor {
  state = CHAR;
  before = CHAR;
}

/** Bytes run through the DFA between two tries of the word loop. */
const DFA_STRETCH = 64;

/**
 * Runs string content from `i` through the DFA (json-string-dfa.ts) until the closing quote, an
 * invalid byte (`cursor.state` END or INVALID, the return value just past that byte) or the end
 * of the chunk (`n`, any other state: the string goes on in the next chunk).
 *
 * Long runs of plain ASCII go four bytes at a time (skipPlainWords): on a 64 MiB ASCII string
 * the DFA alone runs at ~455 MB/s, with words at ~2,200 MB/s (CPU time, Node 20),
 * while mixed text loses ~3 % to the failed tries (bench/json-scanner.bench.ts). Between
 * characters (state CHAR) the word loop is tried every DFA_STRETCH bytes, so mixed text pays
 * for one failed try per stretch at most.
 */
export function scanString(chunk: Uint8Array, i: number, n: number, aligned: ChunkWords | undefined, cursor: StringCursor): number {
  let s = cursor.state;
  for (;;) {
    if (s === CHAR && aligned !== undefined) i = skipPlainWords(chunk, i, n, aligned);
    const stop = n - i > DFA_STRETCH ? i + DFA_STRETCH : n;
    while (i < stop) {
      const before = s;
      s = STRING_DFA[(s << 8) | chunk[i++]!]!;
      if (s >= END) {
        cursor.state = s;
        cursor.before = before;
        return i;
      }
    }
    if (i >= n) {
      cursor.state = s;
      return i;
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
 * left to the DFA, which reads it byte by byte.
 */
function skipPlainWords(chunk: Uint8Array, i: number, n: number, aligned: ChunkWords): number {
  const start = aligned.start;
  if (i < start) return i;
  // Up to three bytes to reach a word boundary (row CHAR of the DFA: CHAR again for plain ASCII).
  while (((i - start) & 3) !== 0) {
    if (i >= n || STRING_DFA[chunk[i]!] !== CHAR) return i;
    i++;
  }
  const words = aligned.words;
  const count = words.length;
  let k = (i - start) >> 2;
  while (k < count) {
    const w = words[k]!;
    const quote = w ^ 0x22222222;
    const backslash = w ^ 0x5c5c5c5c;
    const bad = w | ((w - 0x20202020) & ~w) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash);
    if ((bad & 0x80808080) !== 0) break;
    k++;
  }
  return start + (k << 2);
}
