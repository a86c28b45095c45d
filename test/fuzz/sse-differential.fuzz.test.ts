/**
 * Byte-level differential fuzzing of our SSE parsing against eventsource-parser.
 *
 * Random BYTES (SSE-shaped pieces, multi-byte UTF-8, truncated and invalid sequences, NUL, BOM
 * bytes, raw noise) are cut into random chunks, often inside a UTF-8 sequence or a CRLF, and fed
 * to `decodeUtf8()` + `parseSse()`. The reference decodes the same bytes at once with
 * TextDecoder (invalid bytes → U+FFFD, a leading BOM dropped) and feeds eventsource-parser.
 * Both must report the same events as {data, event, id}.
 *
 * Normalisations (deliberate differences):
 * - we dispatch the event still open at end of stream; eventsource-parser (like the spec) does
 *   not, so it is fed `text + "\n\n"`;
 * - eventsource-parser strips a BOM by looking for the three chars "\u00EF\u00BB\u00BF" in the
 *   decoded text instead of U+FEFF: inputs whose decoded text starts with either are skipped.
 */
import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { from } from 'rxjs';
import { decodeUtf8, parseSse, SseParser, type SseEvent } from '../../operators';
import { concat } from '../operators/support';

type Event = { data: string; event: string | null; id: string | null };

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);

function reference(text: string): Event[] {
  const events: Event[] = [];
  const parser = createParser({ onEvent: (e) => events.push({ data: e.data, event: e.event ?? null, id: e.id ?? null }) });
  parser.feed(text + '\n\n');
  return events;
}

const normalise = (e: SseEvent): Event => ({ data: e.data, event: e.event ?? null, id: e.id ?? null });

/** decodeUtf8() + parseSse() over byte chunks; must complete without error. */
function oursFromBytes(chunks: Uint8Array[]): Event[] {
  const events: Event[] = [];
  let outcome = 'pending';
  from(chunks)
    .pipe(decodeUtf8(), parseSse())
    .subscribe({ next: (e) => events.push(normalise(e)), error: (err: unknown) => (outcome = `error ${String(err)}`), complete: () => (outcome = 'complete') });
  expect(outcome).toBe('complete');
  return events;
}

/** SseParser pushed text chunks directly (cuts may split a surrogate pair). */
function oursFromText(chunks: string[]): Event[] {
  const events: Event[] = [];
  const parser = new SseParser((e) => events.push(normalise(e)));
  for (const c of chunks) parser.feed(c);
  parser.end();
  return events;
}

function cutBytes(input: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)).filter((c) => c > 0 && c < input.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    out.push(input.slice(start, p));
    start = p;
  }
  out.push(input.slice(start));
  return out;
}

function cutText(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)).filter((c) => c > 0 && c < text.length))].sort((a, b) => a - b);
  return [0, ...points].map((start, i) => text.slice(start, i < points.length ? points[i] : text.length));
}

const skipped = (text: string) => text.startsWith('\uFEFF') || text.startsWith('\u00EF\u00BB\u00BF');

// --- generators: byte pieces ---------------------------------------------------------------
const lineEnd = fc.constantFrom('\n', '\r', '\r\n').map(bytes);
const fieldName = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('data', 'data', 'data', 'event', 'id', 'retry') },
  { weight: 2, arbitrary: fc.constantFrom('', 'dat', 'Data', 'data ', 'id ', 'ev\u00e9nt', '\uFEFFdata', 'da\u0000ta') },
);
const separator = fc.constantFrom(': ', ':', ':  ', '', '::', ': \t');
/** Multi-byte UTF-8 (2, 3, 4 bytes), truncated sequences, overlongs, encoded surrogates, stray bytes. */
const utf8Oddity = fc.constantFrom(
  bytes('é'),
  bytes('€'),
  bytes('中'),
  bytes('😀'),
  Uint8Array.of(0xc3), // truncated 2-byte
  Uint8Array.of(0xe2, 0x82), // truncated 3-byte
  Uint8Array.of(0xf0, 0x9f, 0x98), // truncated 4-byte
  Uint8Array.of(0xc0, 0xaf), // overlong '/'
  Uint8Array.of(0xed, 0xa0, 0x80), // encoded lone surrogate
  Uint8Array.of(0xf4, 0x90, 0x80, 0x80), // above U+10FFFF
  Uint8Array.of(0x80), // stray continuation
  Uint8Array.of(0xff),
  Uint8Array.of(0xfe),
  Uint8Array.of(0xef, 0xbb, 0xbf), // BOM bytes, mid-stream
  Uint8Array.of(0xc3, 0xaf, 0xc2, 0xbb, 0xc2, 0xbf), // "ï»¿" as text
  Uint8Array.of(0x00),
  Uint8Array.of(0x0d),
  Uint8Array.of(0x0a),
);
const valueBytes = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 6 }).map(bytes) }, { weight: 2, arbitrary: utf8Oddity }, { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{1,4}$/).map(bytes) }), {
    maxLength: 4,
  })
  .map(concat);
const fieldLine = fc.tuple(fieldName.map(bytes), separator.map(bytes), valueBytes, lineEnd).map(concat);
const comment = fc.tuple(fc.constantFrom(':', ': ').map(bytes), valueBytes, lineEnd).map(concat);
const piece = fc.oneof(
  { weight: 8, arbitrary: fieldLine },
  { weight: 6, arbitrary: lineEnd },
  { weight: 1, arbitrary: comment },
  { weight: 2, arbitrary: utf8Oddity },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }) },
);
const stream = fc.array(piece, { maxLength: 60, size: 'medium' }).map(concat);
/** Chunk cuts: none, random offsets, or every byte. */
const cuts: fc.Arbitrary<number[] | 'every'> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.nat(), { maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant([] as number[]) },
  { weight: 1, arbitrary: fc.constant('every' as const) },
);

function check(input: Uint8Array, cutSpec: number[] | 'every'): void {
  const text = new TextDecoder().decode(input);
  fc.pre(!skipped(text));
  compare(input, text, cutSpec);
}

function compare(input: Uint8Array, text: string, cutSpec: number[] | 'every'): void {
  const expected = reference(text);
  const chunks = cutSpec === 'every' ? Array.from(input, (b) => Uint8Array.of(b)) : cutBytes(input, cutSpec);
  expect(oursFromBytes(chunks)).toEqual(expected);
}

describe('SSE: decodeUtf8 + parseSse vs TextDecoder + eventsource-parser, on random bytes', () => {
  it('agrees on random byte streams cut into random chunks', () => {
    fc.assert(
      fc.property(stream, cuts, (input, cutSpec) => check(input, cutSpec)),
      { numRuns: 3000 },
    );
  });

  it('agrees on pure noise bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 8 }), (input, cutSpec) => check(input, cutSpec)),
      { numRuns: 2000 },
    );
  });

  it('SseParser fed text cut anywhere (even inside a surrogate pair) agrees as well', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), (input, cutSpec) => {
        const text = new TextDecoder().decode(input);
        fc.pre(!skipped(text));
        expect(oursFromText(cutText(text, cutSpec))).toEqual(reference(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees on hand-picked byte cases, in one chunk and one byte per chunk', () => {
    const cases: Uint8Array[] = [
      concat([Uint8Array.of(0xef, 0xbb, 0xbf), bytes('data: after a BOM\n\n')]), // BOM bytes at the start: dropped by both
      concat([bytes('data: a'), Uint8Array.of(0xe2, 0x82), bytes('\r\n\r\n')]), // truncated sequence before CRLF
      concat([bytes('id: 1'), Uint8Array.of(0x00), bytes('2\ndata: x\n\n')]), // NUL in id: ignored
      concat([bytes('data: '), Uint8Array.of(0xf0, 0x9f, 0x98, 0x80), bytes('\rdata:\r\r')]), // emoji, CR endings
      concat([bytes('event: '), Uint8Array.of(0xff), bytes('\ndata: y')]), // open event at end of stream
      concat([bytes('data: z\r')]), // a CR at the very end
      concat([bytes('x'), Uint8Array.of(0xef, 0xbb, 0xbf), bytes('data: no\n\ndata: yes\n\n')]), // U+FEFF inside a field name
    ];
    for (const input of cases) {
      const text = new TextDecoder().decode(input);
      expect(skipped(text)).toBe(false);
      compare(input, text, []);
      compare(input, text, 'every');
    }
  });
});
