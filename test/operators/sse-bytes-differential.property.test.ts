/**
 * Differential test: `SseByteParser` (framing on bytes) against `SseParser` (framing on text) fed
 * the decoding of the same bytes, on random valid and malformed streams cut into random chunks.
 * Claimed: after UTF-8 decoding of the data, the same events and the same final cursor, whatever
 * the chunking; every data segment either a view into a fed chunk or a block the parser copied
 * small pieces into (at most 16 KiB), and memory proportional to the bytes held.
 *
 * The reference decodes with a streaming `TextDecoder` with `ignoreBOM: true` (as `decodeUtf8()`
 * does, and as Node's StringDecoder behaves): `SseParser` must see the BOM to strip it itself.
 *
 * The cap (`maxEventBytes`) is counted on raw bytes by one and on decoded text by the other, and
 * the text parser sees other chunk boundaries (the decoder holds back split code points), so the
 * exact boundary may differ; both must agree well below it and well above it.
 */
import fc from 'fast-check';
import { SseByteParser, SseParser, type SseByteEvent, type SseCursor, type SseEvent } from '../../operators';
import { byteStream, chunkings, concat, cutAt, describeError, lineEnd, oneByteChunks, smallText } from './support';

const encoder = new TextEncoder();
const dataDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

interface Run<E> {
  events: E[];
  cursor: SseCursor;
  error?: string;
}

/** The reference: `SseParser` on the streaming decoding of `chunks`. */
function textRun(chunks: readonly Uint8Array[], maxEventBytes?: number): Run<SseEvent> {
  const cursor: SseCursor = { lastEventId: '' };
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e), { cursor, maxEventBytes });
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  try {
    for (const chunk of chunks) {
      const text = decoder.decode(chunk, { stream: true });
      if (text.length > 0) parser.feed(text);
    }
    const tail = decoder.decode();
    if (tail.length > 0) parser.feed(tail);
    parser.end();
  } catch (err) {
    return { events, cursor, error: describeError(err) };
  }
  return { events, cursor };
}

function byteRun(chunks: readonly Uint8Array[], maxEventBytes?: number): Run<SseByteEvent> {
  const cursor: SseCursor = { lastEventId: '' };
  const events: SseByteEvent[] = [];
  const parser = new SseByteParser((e) => events.push(e), { cursor, maxEventBytes });
  try {
    for (const chunk of chunks) parser.feed(chunk);
    parser.end();
  } catch (err) {
    return { events, cursor, error: describeError(err) };
  }
  return { events, cursor };
}

/** A byte event as `SseParser` would give it. */
function decoded(e: SseByteEvent): SseEvent {
  const out: SseEvent = { data: dataDecoder.decode(concat(e.data)) };
  if (e.event !== undefined) out.event = e.event;
  if (e.id !== undefined) out.id = e.id;
  if (e.retry !== undefined) out.retry = e.retry;
  return out;
}

/** The most a block of copied small pieces holds (SegmentList's MAX_BLOCK). */
const MAX_BLOCK = 16 * 1024;

/**
 * Every segment is non-empty, and either a view inside one of `chunks` or a copy (a block of small
 * pieces, in a buffer of its own that no chunk shares); the counts add up.
 */
function assertViews(events: readonly SseByteEvent[], chunks: readonly Uint8Array[]): void {
  for (const e of events) {
    let bytes = 0;
    let lfs = 0;
    for (const seg of e.data) {
      expect(seg.length).toBeGreaterThan(0);
      bytes += seg.length;
      for (const b of seg) if (b === 10) lfs++;
      const inChunk = chunks.some(
        (c) => seg.buffer === c.buffer && seg.byteOffset >= c.byteOffset && seg.byteOffset + seg.length <= c.byteOffset + c.length,
      );
      if (!inChunk) {
        expect(seg.length).toBeLessThanOrEqual(MAX_BLOCK);
        expect(chunks.some((c) => c.buffer === seg.buffer)).toBe(false);
      }
    }
    expect(e.dataBytes).toBe(bytes);
    expect(e.data.length === 0).toBe(bytes === 0);
    // Values never hold an LF (it ends a line): every LF in the data is a separator.
    expect(e.dataLines).toBe(lfs + 1);
  }
}

function assertSame(bytes: Uint8Array, chunks: readonly Uint8Array[]): void {
  const reference = textRun(chunks);
  const ours = byteRun(chunks);
  expect(ours.error).toBeUndefined();
  expect(reference.error).toBeUndefined();
  expect(ours.events.map(decoded)).toEqual(reference.events);
  expect(ours.cursor).toEqual(reference.cursor);
  assertViews(ours.events, chunks);
  // The chunks were only read: concatenated they are still the input.
  expect(concat(chunks)).toEqual(bytes);
}

/** Streams often start with a BOM, a partial one, or two. */
const bomPrefix = fc.constantFrom<number[]>([], [], [], [0xef, 0xbb, 0xbf], [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], [0xef], [0xef, 0xbb], [0xef, 0xbb, 0x0a]);
const stream = fc.tuple(bomPrefix, byteStream(30)).map(([bom, rest]) => concat([Uint8Array.from(bom), rest]));

/** Chunks with their own buffers (as Node's socket reads are), some of them Buffers. */
function ownBuffers(chunks: readonly Uint8Array[], asBuffers: boolean): Uint8Array[] {
  return chunks.map((c) => (asBuffers ? Buffer.from(c) : c.slice()));
}

describe('SseByteParser vs SseParser on the decoded bytes', () => {
  it('gives the same events and cursor on random streams, whatever the chunking', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat({ max: 300 }), { maxLength: 12 }), (bytes, cuts) => {
        for (const { name, chunks } of chunkings(bytes, cuts)) {
          try {
            assertSame(bytes, chunks);
          } catch (err) {
            throw new Error(`${name}: ${String(err)}`);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('keeps data as views into chunks that have their own buffers, Buffers included', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat({ max: 300 }), { maxLength: 12 }), fc.boolean(), (bytes, cuts, asBuffers) => {
        assertSame(bytes, ownBuffers(cutAt(bytes, cuts), asBuffers));
        assertSame(bytes, ownBuffers(oneByteChunks(bytes), asBuffers));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees on the tricky cases, checked explicitly', () => {
    const cases: Array<string | number[]> = [
      'data: a\r\n\r\ndata:b\rdata:  c\n\n', // CR, LF, CRLF; one space removed, not two
      'data: a\r', // CR at the very end
      'id: 1\u00002\ndata: x\n\nid\ndata: y\n\n', // NUL id ignored; empty id kept as ''
      'retry: 10\nretry: 1x\nretry: -5\ndata: r\n\nretry:  20\ndata: s\n\n', // retry digits only
      'event: e\nevent:\ndata: t\n\n', // last event field wins, even when empty
      'foo: bar\ndata\ndata\n\nid\nevent\nretry\ndata', // unknown field; colon-less known names
      ': comment\n:\ndata: 😀 中\r', // comments, unicode, open event at end of stream
      '\uFEFF\uFEFFdata: two boms\n\n\uFEFFdata: x\n\ndata: \uFEFFkept\n\n', // one BOM skipped, at the start only
      'event: \uFEFFtype\nid: \uFEFF\ndata: z\n\n', // a U+FEFF opening a value is kept
      'data:\n\ndata: \n\ndata:  \n\n', // empty values
      'datadata: no\n\ndata:x:y\n\nid:: x\ndata: w\n\n', // colon search; second colon is part of the value
      [0xef, 0xbb, 0x0a, 0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0x31, 0x0a, 0x0a], // a partial BOM is a line
      [0x64, 0x61, 0x74, 0x61, 0x3a, 0xe2, 0x82, 0x0d, 0x69, 0x64, 0x3a, 0xf0, 0x9f, 0x0a, 0x0a], // truncated sequences before CR, LF
      [0x65, 0x76, 0x65, 0x6e, 0x74, 0x3a, 0xc3, 0x0a, 0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0xfe, 0xc3], // invalid bytes; truncated at the end
    ];
    for (const input of cases) {
      const bytes = typeof input === 'string' ? encoder.encode(input) : Uint8Array.from(input);
      for (const { name, chunks } of chunkings(bytes, [])) {
        try {
          assertSame(bytes, chunks);
        } catch (err) {
          throw new Error(`${JSON.stringify(input)}, ${name}: ${String(err)}`);
        }
      }
    }
  });

  it('keeps memory proportional to the data when it arrives a byte at a time or in many short lines', () => {
    // 100 KiB of data as 1-byte chunks, then as 20,000 lines of 4 bytes: views would cost ~100
    // bytes of object each; the small pieces must be copied into blocks instead.
    const trickled = encoder.encode(`data: ${'y'.repeat(100 * 1024)}\n\n`);
    const slow = byteRun(oneByteChunks(trickled)).events;
    expect(slow).toHaveLength(1);
    expect(slow[0].dataBytes).toBe(100 * 1024);
    expect(slow[0].data.length).toBeLessThanOrEqual(Math.ceil((100 * 1024) / MAX_BLOCK) + 2);
    const manyLines = encoder.encode(`${'data: abcd\n'.repeat(20000)}\n`);
    const lines = byteRun([manyLines]).events;
    expect(lines[0].dataLines).toBe(20000);
    expect(lines[0].dataBytes).toBe(20000 * 5 - 1);
    expect(lines[0].data.length).toBeLessThanOrEqual(Math.ceil((20000 * 5) / MAX_BLOCK) + 2);
    expect(new TextDecoder().decode(concat(lines[0].data))).toBe(Array(20000).fill('abcd').join('\n'));
  });

  it('keeps a data line that spans chunks as one view per chunk', () => {
    const chunk = encoder.encode('x'.repeat(1024));
    const chunks = [encoder.encode('data: '), ...Array.from({ length: 64 }, () => chunk), encoder.encode('\n\n')];
    const { events } = byteRun(chunks);
    expect(events).toHaveLength(1);
    expect(events[0].dataBytes).toBe(64 * 1024);
    expect(events[0].data).toHaveLength(64);
    for (const seg of events[0].data) expect(seg).toBe(chunk);
  });
});

/**
 * The longest stretch of `bytes` between two blank lines: an upper bound on what either parser
 * holds for one event (its pending line plus its data), in raw bytes. A line end at `i` ends a
 * blank line when the previous line end finished just before it: after an LF, or a CR after a CR.
 */
function longestBlock(bytes: Uint8Array): number {
  let longest = 0;
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 10 && b !== 13) continue;
    if (i === 0 || bytes[i - 1] === 10 || (bytes[i - 1] === 13 && b === 13)) {
      longest = Math.max(longest, i - start);
      start = i + 1;
    }
  }
  return Math.max(longest, bytes.length - start);
}

/** A data line long enough for the cap to matter, with multi-byte characters. */
const longDataLine = fc
  .tuple(fc.constantFrom('data: ', 'data:', 'data'), fc.string({ unit: fc.constantFrom('x', 'é', '€', '😀', ' ', ':'), minLength: 20, maxLength: 200 }), lineEnd)
  .map((parts) => encoder.encode(parts.join('')));
const capStream = fc
  .array(fc.oneof(byteStream(6), longDataLine, lineEnd.map((s) => encoder.encode(s)), smallText().map((s) => encoder.encode(s))), { maxLength: 12 })
  .map(concat);

describe('SseByteParser vs SseParser: maxEventBytes', () => {
  it('both error when an event has more data bytes than the cap, neither when every event is well below it', () => {
    fc.assert(
      fc.property(capStream, fc.array(fc.nat({ max: 2000 }), { maxLength: 12 }), fc.nat({ max: 1000 }), fc.boolean(), (bytes, cuts, slack, above) => {
        const chunks = cutAt(bytes, cuts);
        const uncapped = byteRun(chunks);
        const largestData = Math.max(0, ...uncapped.events.map((e) => e.dataBytes));
        // Decoding turns a raw byte into at most 3 (U+FFFD): 3x the block bounds the text parser too.
        const cap = above ? slack % Math.max(1, largestData) : 3 * longestBlock(bytes) + slack;
        const ours = byteRun(chunks, cap);
        const reference = textRun(chunks, cap);
        if (above && largestData > 0) {
          expect(ours.error).toBe(`SseEventTooLargeError(event exceeds the limit of ${cap} bytes)`);
          expect(reference.error).toBe(ours.error);
        } else if (!above) {
          expect(ours.error).toBeUndefined();
          expect(reference.error).toBeUndefined();
          expect(ours.events.map(decoded)).toEqual(reference.events);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('on valid UTF-8 (raw and decoded sizes equal), agrees whenever the cap is a few bytes off the largest event', () => {
    fc.assert(
      fc.property(capStream, fc.array(fc.nat({ max: 2000 }), { maxLength: 12 }), fc.integer({ min: 4, max: 200 }), fc.boolean(), (raw, cuts, margin, above) => {
        // Valid UTF-8 only: re-encode the decoding (invalid bytes become U+FFFD, 3 bytes).
        const bytes = encoder.encode(new TextDecoder('utf-8', { ignoreBOM: true }).decode(raw));
        const chunks = cutAt(bytes, cuts);
        const largestData = Math.max(0, ...byteRun(chunks).events.map((e) => e.dataBytes));
        const cap = above ? largestData - margin : longestBlock(bytes) + margin;
        if (cap < 0) return;
        const ours = byteRun(chunks, cap);
        const reference = textRun(chunks, cap);
        expect(ours.error === undefined).toBe(!above);
        expect(reference.error === undefined).toBe(!above);
      }),
      { numRuns: 1000 },
    );
  });
});
