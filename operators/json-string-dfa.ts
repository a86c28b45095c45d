/**
 * JSON string content (everything between the quotes) as a DFA over bytes: the next state is
 * `STRING_DFA[state << 8 | byte]`, one table load per byte, whatever the byte. Grammar, RFC 8259 §7:
 *
 *     string = quotation-mark *char quotation-mark
 *     char = unescaped / escape ( %x22 / %x5C / %x2F / %x62 / %x66 / %x6E / %x72 / %x74 / %x75 4HEXDIG )
 *     unescaped = %x20-21 / %x23-5B / %x5D-10FFFF
 *
 * with `unescaped` above U+007F as UTF-8, RFC 3629 §4:
 *
 *     UTF8-2 = %xC2-DF UTF8-tail
 *     UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) / %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
 *     UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) / %xF4 %x80-8F 2( UTF8-tail )
 *     UTF8-tail = %x80-BF
 *
 * (so no overlong forms, no UTF-8-encoded surrogates, nothing above U+10FFFF), and `4HEXDIG` in
 * either case: any code unit, lone surrogates included, as JSON.parse accepts.
 *
 * Why a DFA: a branch per byte class (is it ASCII, a lead byte, an escape?) mispredicts on
 * mixed text; on a 64 MiB mixed payload the branchy loop ran at ~230 MB/s (CPU time, Node 20),
 * the table at ~450 MB/s (and the same on any content: one load per byte).
 */
/** Between characters. */
export const CHAR = 0;
/** One, two or three UTF8-tail bytes to go. */
export const TAIL1 = 1;
export const TAIL2 = 2;
export const TAIL3 = 3;
/** After E0, ED, F0, F4: the next byte has narrower bounds than UTF8-tail. */
export const AFTER_E0 = 4;
export const AFTER_ED = 5;
export const AFTER_F0 = 6;
export const AFTER_F4 = 7;
/** After `\`. */
export const ESCAPE = 8;
/** In `\u`, four, three, two or one hex digits to go. */
export const HEX4 = 9;
export const HEX3 = 10;
export const HEX2 = 11;
export const HEX1 = 12;
/** The closing quote was the last byte read. States from here on stop the scan. */
export const END = 13;
/** The last byte read is not allowed here. */
export const INVALID = 14;

export const STRING_DFA = new Uint8Array(15 << 8).fill(INVALID);

function on(state: number, from: number, to: number, next: number): void {
  for (let b = from; b <= to; b++) STRING_DFA[(state << 8) | b] = next;
}
on(CHAR, 0x20, 0x7f, CHAR); // unescaped ASCII (the controls 00-1F stay INVALID)
on(CHAR, 0x22, 0x22, END);
on(CHAR, 0x5c, 0x5c, ESCAPE);
on(CHAR, 0xc2, 0xdf, TAIL1);
on(CHAR, 0xe0, 0xe0, AFTER_E0);
on(CHAR, 0xe1, 0xec, TAIL2);
on(CHAR, 0xed, 0xed, AFTER_ED);
on(CHAR, 0xee, 0xef, TAIL2);
on(CHAR, 0xf0, 0xf0, AFTER_F0);
on(CHAR, 0xf1, 0xf3, TAIL3);
on(CHAR, 0xf4, 0xf4, AFTER_F4);
on(TAIL1, 0x80, 0xbf, CHAR);
on(TAIL2, 0x80, 0xbf, TAIL1);
on(TAIL3, 0x80, 0xbf, TAIL2);
on(AFTER_E0, 0xa0, 0xbf, TAIL1);
on(AFTER_ED, 0x80, 0x9f, TAIL1);
on(AFTER_F0, 0x90, 0xbf, TAIL2);
on(AFTER_F4, 0x80, 0x8f, TAIL2);
for (const c of '"\\/bfnrt') on(ESCAPE, c.charCodeAt(0), c.charCodeAt(0), CHAR);
on(ESCAPE, 0x75, 0x75, HEX4); // u
for (const [state, next] of [[HEX4, HEX3], [HEX3, HEX2], [HEX2, HEX1], [HEX1, CHAR]] as const) {
  on(state, 0x30, 0x39, next);
  on(state, 0x41, 0x46, next);
  on(state, 0x61, 0x66, next);
}

/** Why a byte led to INVALID from `state`, worded as JSON.parse words it where it has a word. */
export function invalidReason(state: number, byte: number): string {
  const hex = `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  if (state === ESCAPE) return 'Bad escaped character';
  if (state >= HEX4 && state <= HEX1) return 'Bad Unicode escape';
  if (state !== CHAR) return `Invalid UTF-8 continuation byte ${hex}`;
  return byte < 0x20 ? 'Bad control character in string literal' : `Invalid UTF-8 start byte ${hex}`;
}
