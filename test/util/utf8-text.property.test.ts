/**
 * utf8Text (src/util/utf8-text.ts) decodes mid-sized non-ASCII text with ICU instead of V8: on
 * every input it must give exactly Buffer#toString('utf8'), invalid UTF-8 included (lone and
 * paired surrogates encoded in UTF-8, overlong forms, code points above U+10FFFF, truncated
 * sequences, stray continuation bytes, a BOM), at every size around its thresholds.
 */
import fc from 'fast-check';
import { utf8Text } from '../../src/util/utf8-text';

/** Pieces of text, valid and not, as bytes. */
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => Buffer.from(s, 'utf8')) },
  { weight: 3, arbitrary: fc.constantFrom('日本語のテキスト', 'café ', '😀🎉', '\\u00e9 \\" ', 'plain ascii words ').map((s) => Buffer.from(s, 'utf8')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      [0xed, 0xa0, 0x80], // a surrogate, encoded
      [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80], // a surrogate pair, encoded (CESU-8)
      [0xc0, 0x80], // overlong NUL
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xe2, 0x82], // truncated
      [0x80], // stray continuation
      [0xff],
      [0xef, 0xbb, 0xbf], // BOM
    ).map((bytes) => Buffer.from(bytes)),
  },
);

describe('utf8Text', () => {
  it('gives what Buffer#toString gives, around the ICU thresholds', () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 12 * 1024 }), (pieces, pad) => {
        // Padded with ASCII so that sizes fall below, at and above the 8 KiB threshold.
        const bytes = Buffer.concat([Buffer.from('x'.repeat(pad)), ...pieces]);
        expect(utf8Text(bytes)).toBe(bytes.toString('utf8'));
      }),
      { numRuns: 1500 },
    );
  });

  it('takes the ICU path for valid non-ASCII text, and its result is the same', () => {
    const text = 'héllo 日本 😀 '.repeat(2000);
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.length).toBeGreaterThan(8 * 1024);
    expect(utf8Text(bytes)).toBe(text);
    const broken = Buffer.concat([bytes, Buffer.from([0xed, 0xa0, 0x80])]);
    expect(utf8Text(broken)).toBe(broken.toString('utf8'));
  });
});
