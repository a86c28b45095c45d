/**
 * Chunking must not matter: network and pipe reads split the same bytes anywhere, including
 * inside a UTF-8 sequence or between the CR and LF of a CRLF. For random byte streams, every
 * pipeline below must give the same outcome for every chunking as for the whole buffer.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { map } from 'rxjs';
import { decodeUtf8, LineTooLongError, parseNdjson, parseSse, splitLines, type SseCursor } from '../../operators';
import { byteStream, chunkings, collect, concat, cutAt, oneByteChunks, trickyOffsets, type Outcome } from './support';

/** Errors emitted as values (emit mode) become comparable strings. */
const markOversize = map((v: string | LineTooLongError) => (v instanceof LineTooLongError ? `<LineTooLongError ${v.limit}>` : v));

const pipelines: Record<string, (chunks: Uint8Array[]) => Outcome<unknown>> = {
  'decodeUtf8+splitLines': (chunks) => collect(chunks, (s) => s.pipe(decodeUtf8(), splitLines())),
  'decodeUtf8+splitLines+parseNdjson': (chunks) => collect(chunks, (s) => s.pipe(decodeUtf8(), splitLines(), parseNdjson())),
  'decodeUtf8+splitLines(max 6, error)': (chunks) => collect(chunks, (s) => s.pipe(decodeUtf8(), splitLines({ maxLineBytes: 6 }))),
  'decodeUtf8+splitLines(max 6, emit)': (chunks) =>
    collect(chunks, (s) => s.pipe(decodeUtf8(), splitLines({ maxLineBytes: 6, onOversize: 'emit' }), markOversize)),
  // parseSse({ maxEventBytes }) is deliberately absent: its cap counts the unfinished line with
  // its field name, so whether an event at the limit passes depends on where the chunks end.
  'decodeUtf8+parseSse (events and final cursor)': (chunks) => {
    const cursor: SseCursor = { lastEventId: '' };
    const outcome: Outcome<unknown> = collect(chunks, (s) => s.pipe(decodeUtf8(), parseSse({ cursor })));
    return { ...outcome, values: [...outcome.values, { cursor }] };
  },
};

/** Checks every chunking of `bytes` against the single-chunk outcome, for every pipeline. */
function assertChunkingInvariant(bytes: Uint8Array, randomCuts: readonly number[]): void {
  for (const [pipeline, run] of Object.entries(pipelines)) {
    const whole = run([bytes]);
    for (const { name, chunks } of chunkings(bytes, randomCuts)) {
      const outcome = run(chunks);
      if (!isDeepStrictEqual(outcome, whole)) {
        // The message names the failing case; fast-check then shrinks the input.
        throw new Error(`${pipeline}, ${name}: ${JSON.stringify(outcome)} !== whole ${JSON.stringify(whole)}`);
      }
    }
  }
}

/** Reference for decodeUtf8+splitLines: decode in one go, split on LF, trim one CR per line. */
function referenceLines(bytes: Uint8Array): string[] {
  const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // a final LF ends the last line, it does not open one
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

describe('chunking invariance of the operator pipelines', () => {
  it('gives the same outcome for every chunking of random byte streams', () => {
    fc.assert(
      fc.property(byteStream(), fc.array(fc.nat({ max: 400 }), { maxLength: 12 }), (bytes, cuts) => {
        assertChunkingInvariant(bytes, cuts);
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same outcome when every code point and CRLF is cut in two', () => {
    // Appending a 4-byte emoji, a 3-byte char and a CRLF guarantees tricky offsets exist.
    const tricky = byteStream(12).map((bytes) => concat([bytes, new TextEncoder().encode('data: 😀€\r\n'), bytes]));
    fc.assert(
      fc.property(tricky, (bytes) => {
        expect(trickyOffsets(bytes).length).toBeGreaterThanOrEqual(4);
        assertChunkingInvariant(bytes, []);
      }),
      { numRuns: 60 },
    );
  });

  it('matches a one-shot reference for decodeUtf8+splitLines and parseNdjson', () => {
    fc.assert(
      fc.property(byteStream(), fc.array(fc.nat({ max: 400 }), { maxLength: 12 }), (bytes, cuts) => {
        const lines = referenceLines(bytes);
        const chunks = cutAt(bytes, cuts);
        expect(pipelines['decodeUtf8+splitLines'](chunks)).toEqual({ values: lines, completed: true });
        const records = lines.map((l) => l.trim()).filter((l) => l.length > 0);
        expect(pipelines['decodeUtf8+splitLines+parseNdjson'](chunks)).toEqual({ values: records, completed: true });
      }),
      { numRuns: 300 },
    );
  });

  it('handles hand-picked streams at every split and in 1-byte chunks', () => {
    const samples = [
      'data: 😀\r\n\r\nid: é\u0000\rdata:€\r\r',
      '\uFEFFdata: a\r\n: c\r\nretry: 12\n\n{"x":"中"}\r\n',
      'data: tooooooooooo long\r\nok\r\n',
      '\r\n\r\n\n\r\r',
    ];
    for (const text of samples) {
      const bytes = new TextEncoder().encode(text);
      assertChunkingInvariant(bytes, []);
      // Sanity check that the systematic chunkings really exist for these inputs.
      expect(oneByteChunks(bytes)).toHaveLength(bytes.length);
    }
  });
});
