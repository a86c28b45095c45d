/**
 * Byte tables for the JSON scanner (see json-scanner.ts): one lookup per byte instead of a chain
 * of comparisons. Each table is built from the grammar text it implements.
 */

/**
 * What a byte means inside a JSON string. RFC 8259 §7:
 *
 *     string = quotation-mark *char quotation-mark
 *     char = unescaped / escape ( %x22 / %x5C / %x2F / %x62 / %x66 / %x6E / %x72 / %x74 / %x75 4HEXDIG )
 *     unescaped = %x20-21 / %x23-5B / %x5D-10FFFF
 *
 * and RFC 3629 §4 for the bytes of `unescaped` above U+007F:
 *
 *     UTF8-2 = %xC2-DF UTF8-tail
 *     UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) / %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
 *     UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) / %xF4 %x80-8F 2( UTF8-tail )
 *     UTF8-tail = %x80-BF
 *
 * (80-C1 and F5-FF never start a character: C0/C1 would be overlong, F5+ above U+10FFFF.)
 */
export const PLAIN = 0;
export const QUOTE = 1;
export const BACKSLASH = 2;
/** %x00-1F: a raw control character, which must be escaped. */
export const CONTROL = 3;
/** C2-F4: starts a 2-, 3- or 4-byte sequence (see UTF8_LENGTH). */
export const LEAD = 4;
/** 80-C1, F5-FF: never valid where a character starts. */
export const INVALID = 5;

export const STRING_BYTE = new Uint8Array(256);
/** Bytes in a sequence started by each lead byte (0 for a non-lead). */
export const UTF8_LENGTH = new Uint8Array(256);
/** Bounds of the byte after each lead byte: narrower than UTF8-tail after E0, ED, F0 and F4. */
export const UTF8_SECOND_LOW = new Uint8Array(256);
export const UTF8_SECOND_HIGH = new Uint8Array(256);

for (let b = 0; b < 256; b++) {
  let kind = PLAIN;
  if (b < 0x20) kind = CONTROL;
  else if (b === 0x22) kind = QUOTE;
  else if (b === 0x5c) kind = BACKSLASH;
  else if (b >= 0x80) kind = b >= 0xc2 && b <= 0xf4 ? LEAD : INVALID;
  STRING_BYTE[b] = kind;
  if (kind === LEAD) {
    UTF8_LENGTH[b] = b <= 0xdf ? 2 : b <= 0xef ? 3 : 4;
    UTF8_SECOND_LOW[b] = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80; // no overlong forms
    UTF8_SECOND_HIGH[b] = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf; // no surrogates, nothing above U+10FFFF
  }
}

/**
 * The characters allowed after a backslash, but `u` (which takes four hex digits). RFC 8259 §7:
 * `escape ( %x22 / %x5C / %x2F / %x62 / %x66 / %x6E / %x72 / %x74 / ...`, i.e. `" \ / b f n r t`.
 */
export const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;

/** RFC 5234 `HEXDIG`, either case as JSON.parse accepts: `DIGIT / "A" / "B" / "C" / "D" / "E" / "F"`. */
export const HEX_DIGIT = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;

/** RFC 8259 §2: `ws = *( %x20 / %x09 / %x0A / %x0D )`. Nothing else: not U+FEFF, not U+00A0. */
export const WHITESPACE = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0a, 0x0d]) WHITESPACE[b] = 1;

/** RFC 8259 §6: `DIGIT = %x30-39`. */
export const DIGIT = new Uint8Array(256);
for (let b = 0x30; b <= 0x39; b++) DIGIT[b] = 1;
