/**
 * Byte tables for the JSON scanner's structural states (json-scanner.ts): one lookup per byte
 * instead of a chain of comparisons. String content has its own DFA (json-string-dfa.ts).
 */

/** RFC 8259 §2: `ws = *( %x20 / %x09 / %x0A / %x0D )`. Nothing else: not U+FEFF, not U+00A0, not FF or VT. */
export const WHITESPACE = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0a, 0x0d]) WHITESPACE[b] = 1;

/** RFC 8259 §6: `DIGIT = %x30-39`. */
export const DIGIT = new Uint8Array(256);
for (let b = 0x30; b <= 0x39; b++) DIGIT[b] = 1;
