/**
 * Differential test: `parseSse` against eventsource-parser on random valid and malformed
 * streams. Both claim the WHATWG event-stream interpretation:
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 *
 * Normalised, deliberate differences:
 * (a) we dispatch the event still open at end of stream; eventsource-parser (like the spec,
 *     which discards it) does not, so it is fed `input + "\n\n"`, which dispatches that event;
 * (b) eventsource-parser looks for the BOM as the three chars EF BB BF of undecoded text rather
 *     than U+FEFF, so generated streams start with neither;
 * (c) events are compared as {data, event, id}; `retry` is compared separately.
 */
import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { from } from 'rxjs';
import { parseSse, type SseCursor, type SseEvent } from '../../operators';
import { lineEnd, smallText, sseFieldLine } from './support';

type Normalised = { data: string; event: string | null; id: string | null };
type LogEntry = { event: Normalised } | { retry: number };

/** eventsource-parser's view: events and retry values, in the order they were reported. */
function reference(input: string): LogEntry[] {
  const log: LogEntry[] = [];
  const parser = createParser({
    onEvent: (e) => log.push({ event: { data: e.data, event: e.event ?? null, id: e.id ?? null } }),
    onRetry: (retry) => log.push({ retry }),
  });
  parser.feed(input + '\n\n');
  return log;
}

/** Ours, fed in the given chunks; the cursor is read after completion. */
function ours(chunks: string[]): { events: SseEvent[]; cursor: SseCursor } {
  const cursor: SseCursor = { lastEventId: '' };
  const events: SseEvent[] = [];
  let completed = false;
  from(chunks)
    .pipe(parseSse({ cursor }))
    .subscribe({ next: (e) => events.push(e), complete: () => (completed = true) });
  expect(completed).toBe(true);
  return { events, cursor };
}

const comment = fc.tuple(fc.constantFrom(':', ': ', '::'), smallText(), lineEnd).map((p) => p.join(''));
const line = fc.oneof(
  { weight: 6, arbitrary: sseFieldLine },
  { weight: 2, arbitrary: lineEnd }, // blank line: dispatch
  { weight: 1, arbitrary: comment },
  { weight: 1, arbitrary: smallText(12) }, // raw text: stray CR/LF, colons, unterminated lines
);
/** A stream that starts with no BOM of either kind (difference (b)). */
const stream = fc
  .array(line, { maxLength: 40, size: 'medium' })
  .map((lines) => lines.join(''))
  .filter((s) => !s.startsWith('\uFEFF') && !s.startsWith('\u00EF\u00BB\u00BF'));

function cut(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < text.length))].sort((a, b) => a - b);
  return [0, ...points].map((start, i) => text.slice(start, i < points.length ? points[i] : text.length));
}

function assertSameAsReference(input: string, cuts: number[]): void {
  const log = reference(input);
  const { events, cursor } = ours(cut(input, cuts));

  const theirEvents = log.flatMap((entry) => ('event' in entry ? [entry.event] : []));
  expect(events.map((e) => ({ data: e.data, event: e.event ?? null, id: e.id ?? null }))).toEqual(theirEvents);

  // The reconnection time in effect at the end is the last valid `retry` either saw.
  const retries = log.flatMap((entry) => ('retry' in entry ? [entry.retry] : []));
  expect(cursor.retryMs).toBe(retries.length > 0 ? retries[retries.length - 1] : undefined);

  // An event's `retry` is the last valid one since the previous event. (The converse does not
  // hold: a retry in a block without data is dropped at that block's blank line.)
  let sincePrevious: number | undefined;
  let index = 0;
  for (const entry of log) {
    if ('retry' in entry) {
      sincePrevious = entry.retry;
      continue;
    }
    const mine = events[index++].retry;
    if (mine !== undefined) expect(mine).toBe(sincePrevious);
    sincePrevious = undefined;
  }
}

describe('parseSse vs eventsource-parser', () => {
  it('agrees on random valid and malformed streams, whatever the chunking', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat({ max: 600 }), { maxLength: 10 }), (input, cuts) => {
        assertSameAsReference(input, cuts);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees on the tricky cases, checked explicitly', () => {
    const cases = [
      'data: a\r\n\r\ndata:b\rdata:  c\n\n', // CR, LF, CRLF; one space removed, not two
      'id: 1\u00002\ndata: x\n\nid\ndata: y\n\n', // NUL id ignored; empty id kept as ''
      'retry: 10\nretry: 1x\nretry: -5\ndata: r\n\nretry:  20\ndata: s\n\n', // retry digits only
      'event: e\nevent:\ndata: t\n\n', // last event field wins, even when empty
      'foo: bar\ndata\ndata\n\n', // unknown field; bare `data` twice is "\n"
      ': comment\n:\ndata: 😀 中\r', // comments, unicode, open event at end of stream
      'x\uFEFFdata: not a bom\n\ndata: z', // U+FEFF after the start is a field-name char
    ];
    for (const input of cases) {
      assertSameAsReference(input, []);
      assertSameAsReference(input, Array.from(input, (_, i) => i)); // one UTF-16 unit per chunk
    }
  });
});
