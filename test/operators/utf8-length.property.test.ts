import fc from 'fast-check';
import { exceedsUtf8, utf8Length } from '../../operators';

const encoded = (text: string) => new TextEncoder().encode(text).length;

describe('utf8Length', () => {
  it('equals the encoded size of any range, lone surrogates included (they encode as U+FFFD)', () => {
    // Long strings too, so that ranges cross the 16 Ki-unit counting windows.
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', minLength: 16000, maxLength: 40000 }));
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (s, a, b) => {
        const [start, end] = [a % (s.length + 1), b % (s.length + 1)].sort((x, y) => x - y) as [number, number];
        expect(utf8Length(s, start, end)).toBe(encoded(s.slice(start, end)));
      }),
      { numRuns: 300 },
    );
  });

  it('does not split a surrogate pair at a window edge', () => {
    const text = 'a' + '😀'.repeat(20000); // pairs straddle 16 Ki: each must count 4, not 3 + 3
    expect(utf8Length(text)).toBe(1 + 4 * 20000);
  });

  it('exceedsUtf8 agrees with the encoded size around the cap', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.nat({ max: 1000 }), (s, max) => {
        expect(exceedsUtf8(s, max)).toBe(encoded(s) > max);
      }),
    );
  });
});
