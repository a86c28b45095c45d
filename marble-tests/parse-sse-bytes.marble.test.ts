import { map, type Observable } from 'rxjs';
import { parseSseBytes, SseEventTooLargeError, type SseByteEvent, type SseCursor } from '../operators';
import { bytes, newScheduler, utf8 } from './helpers';

// Same expectations as parse-sse.marble.test.ts, on bytes: the WHATWG event-stream interpretation,
// https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

interface TextEvent {
  data: string;
  event?: string;
  id?: string;
  retry?: number;
}

/** An event with its data decoded, to compare with plain values. */
function toText(e: SseByteEvent): TextEvent {
  const joined = new Uint8Array(e.dataBytes);
  let at = 0;
  for (const segment of e.data) {
    joined.set(segment, at);
    at += segment.length;
  }
  const out: TextEvent = { data: new TextDecoder('utf-8', { ignoreBOM: true }).decode(joined) };
  if (e.event !== undefined) out.event = e.event;
  if (e.id !== undefined) out.id = e.id;
  if (e.retry !== undefined) out.retry = e.retry;
  return out;
}

/** The UTF-8 encoding of each value, for cold/hot sources. */
function encoded(values: Record<string, string>): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, utf8(v)]));
}

const parsed = (options?: Parameters<typeof parseSseBytes>[0]) => (source: Observable<Uint8Array>) =>
  source.pipe(parseSseBytes(options), map(toText));

describe('parseSseBytes (marbles)', () => {
  it('emits one event per blank-line-terminated block and completes with the source', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-|', encoded({ a: 'data: hello\n\n', b: 'event: ping\ndata: x\n\n' }));
      expectObservable(source.pipe(parsed())).toBe('a-b-|', { a: { data: 'hello' }, b: { event: 'ping', data: 'x' } });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('emits the first data line as a view into its chunk, later short lines copied together, with length and line count', () => {
    const chunk = utf8('data: héllo\ndata\rdata: x\n\n');
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a|', { a: chunk });
      // The two separators and the short `x` line are copied into one block of their own.
      const segments = [chunk.subarray(6, 12), Uint8Array.of(10, 10, 120)];
      expectObservable(source.pipe(parseSseBytes())).toBe('x|', { x: { data: segments, dataBytes: 9, dataLines: 3 } });
    });
    const events: SseByteEvent[] = [];
    newScheduler().run(({ cold }) => {
      cold('a|', { a: chunk }).pipe(parseSseBytes()).subscribe((e) => events.push(e));
    });
    expect(events[0].data[0].buffer).toBe(chunk.buffer);
    expect(events[0].data[1].buffer).not.toBe(chunk.buffer);
  });

  it('keeps parser state per subscription: a late subscriber to a hot source starts afresh', () => {
    newScheduler().run(({ hot, expectObservable }) => {
      const source = hot('a-b-c-|', encoded({ a: 'data: 1\n', b: '\n', c: 'data: 2\n\n' }));
      expectObservable(source.pipe(parsed())).toBe('--x-y-|', { x: { data: '1' }, y: { data: '2' } });
      // Joining after 'data: 1', the blank line it sees first has no data to dispatch.
      expectObservable(source.pipe(parsed()), '-^').toBe('----y-|', { y: { data: '2' } });
    });
  });

  it('propagates a source error without dispatching the open event', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-#', encoded({ a: 'data: done\n\ndata: open\n' }), new Error('reset'));
      expectObservable(source.pipe(parsed())).toBe('a-#', { a: { data: 'done' } }, new Error('reset'));
    });
  });

  it('emits the event still open when the source completes', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const unterminatedLine = cold('a|', encoded({ a: 'data: open' }));
      expectObservable(unterminatedLine.pipe(parsed())).toBe('-(x|)', { x: { data: 'open' } });
      const noBlankLine = cold('a|', encoded({ a: 'data: a\ndata: b\n' }));
      expectObservable(noBlankLine.pipe(parsed())).toBe('-(x|)', { x: { data: 'a\nb' } });
      const spanning = cold('a-b|', encoded({ a: 'data: op', b: 'en€' }));
      expectObservable(spanning.pipe(parsed())).toBe('---(x|)', { x: { data: 'open€' } });
    });
  });

  it('joins multi-line data with \\n; a bare `data` line adds an empty line', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a|', encoded({ a: 'data: a\ndata: b\ndata\n\n' }));
      expectObservable(source.pipe(parsed())).toBe('x|', { x: { data: 'a\nb\n' } });
    });
  });

  it('joins a line split across chunks, even inside its field name or a code point', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const chunks = { a: utf8('da'), b: utf8('ta: 1'), c: bytes(0xe2, 0x82), d: bytes(0xac, 0x0a, 0x65, 0x76), e: utf8('ent: t\n\n') };
      expectObservable(cold('a-b-c-d-e|', chunks).pipe(parsed())).toBe('--------x|', { x: { data: '1€', event: 't' } });
    });
  });

  it('accepts CR, LF and CRLF line ends, mixed in one stream', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c|', encoded({ a: 'data: a\rdata: b\r\r', b: 'data: c\r\n\r\n', c: 'data: d\r\ndata: e\n\r' }));
      const expected = { a: { data: 'a\nb' }, b: { data: 'c' }, c: { data: 'd\ne' } };
      expectObservable(source.pipe(parsed())).toBe('a-b-c|', expected);
    });
  });

  it('treats a CRLF split across chunks as one line end, even with an empty chunk between', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const blank = cold('a-b-c|', encoded({ a: 'data: a\r', b: '\n\r', c: '\n' }));
      expectObservable(blank.pipe(parsed())).toBe('--x--|', { x: { data: 'a' } });
      // Were the LF taken as a second line end, 'a' and 'b' would be two events.
      const gap = cold('a-b-c|', encoded({ a: 'data: a\r', b: '', c: '\ndata: b\n\n' }));
      expectObservable(gap.pipe(parsed())).toBe('----x|', { x: { data: 'a\nb' } });
      // A CR ending a chunk is a line end on its own when no LF follows.
      const lone = cold('a-b|', encoded({ a: 'data: a\r', b: 'data: b\n\n' }));
      expectObservable(lone.pipe(parsed())).toBe('--x|', { x: { data: 'a\nb' } });
    });
  });

  it('skips one BOM at stream start only: a second BOM is part of the field name', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const one = cold('a|', encoded({ a: '\uFEFFdata: a\n\n' }));
      expectObservable(one.pipe(parsed())).toBe('x|', { x: { data: 'a' } });
      const two = cold('a|', encoded({ a: '\uFEFF\uFEFFdata: a\n\n' }));
      expectObservable(two.pipe(parsed())).toBe('-|');
      const later = cold('a-b|', encoded({ a: 'data: x\n\n', b: '\uFEFFdata: y\n\n' }));
      expectObservable(later.pipe(parsed())).toBe('a--|', { a: { data: 'x' } });
      // A U+FEFF opening a value is kept.
      const inValue = cold('a|', encoded({ a: 'event: \uFEFFe\ndata: \uFEFFd\n\n' }));
      expectObservable(inValue.pipe(parsed())).toBe('x|', { x: { event: '\uFEFFe', data: '\uFEFFd' } });
    });
  });

  it('skips a BOM split across the first chunks, and keeps bytes that only began like one', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const split = cold('a-b-c-d|', { a: bytes(), b: bytes(0xef), c: bytes(0xbb), d: bytes(0xbf, ...utf8('data: z\n\n')) });
      expectObservable(split.pipe(parsed())).toBe('------x|', { x: { data: 'z' } });
      const alone = cold('a-b|', { a: bytes(0xef, 0xbb, 0xbf), b: utf8('data: z\n\n') });
      expectObservable(alone.pipe(parsed())).toBe('--x|', { x: { data: 'z' } });
      // EF BB then "data": not a BOM, so the first field name is EF BB 64 61 74 61 (unknown).
      const partial = cold('a-b|', { a: bytes(0xef, 0xbb), b: utf8('data: no\n\ndata: yes\n\n') });
      expectObservable(partial.pipe(parsed())).toBe('--x|', { x: { data: 'yes' } });
      // EF then a line end: EF is a line of its own, and the next line is read as usual.
      const lineOfEf = cold('a-b|', { a: bytes(0xef), b: utf8('\ndata: yes\n\n') });
      expectObservable(lineOfEf.pipe(parsed())).toBe('--x|', { x: { data: 'yes' } });
    });
  });

  it('ignores comment lines, and a block of only comments dispatches nothing', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b|', encoded({ a: ':keepalive\n\n', b: ': note\ndata: a\n:\n\n' }));
      expectObservable(source.pipe(parsed())).toBe('--b|', { b: { data: 'a' } });
      const spanning = cold('a-b|', encoded({ a: ': data', b: ': x\ndata: y\n\n' }));
      expectObservable(spanning.pipe(parsed())).toBe('--y|', { y: { data: 'y' } });
    });
  });

  it('removes exactly one space after the colon, and none when there is none', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c-d|', encoded({ a: 'data:a\n\n', b: 'data:  two\n\n', c: 'data: \n\n', d: 'data:\tt\n\n' }));
      const expected = { a: { data: 'a' }, b: { data: ' two' }, c: { data: '' }, d: { data: '\tt' } };
      expectObservable(source.pipe(parsed())).toBe('a-b-c-d|', expected);
    });
  });

  it('sets the event type per event; an empty type or a block without data emits no type or nothing', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold(
        'a-b-c-d|',
        encoded({
          a: 'event: update\ndata: 1\n\n',
          b: 'data: 2\n\n', // the type is reset after each dispatch
          c: 'event: lonely\n\n', // no data: nothing is dispatched
          d: 'event:\ndata: 4\n\n', // empty type: the default "message", left out
        }),
      );
      const expected = { a: { event: 'update', data: '1' }, b: { data: '2' }, d: { data: '4' } };
      expectObservable(source.pipe(parsed())).toBe('a-b---d|', expected);
    });
  });

  it('decodes the event type, invalid bytes becoming U+FFFD', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a|', { a: bytes(...utf8('event: é'), 0xff, 0x0a, ...utf8('data: x\n\n')) });
      expectObservable(source.pipe(parsed())).toBe('x|', { x: { event: 'é\uFFFD', data: 'x' } });
    });
  });

  it('ignores unknown fields, case variants and a space before the colon', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a|', encoded({ a: 'foo: bar\nDATA: x\ndata : y\n retry: 5\ndatadata: q\ndata: z\n\n' }));
      expectObservable(source.pipe(parsed())).toBe('x|', { x: { data: 'z' } });
    });
  });

  it('emits `id` on the event that carried it, ignores an id containing NUL, and keeps the last id in the cursor', () => {
    const cursor: SseCursor = { lastEventId: '' };
    const seen: string[] = [];
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const source = cold(
        'a-b-c-d|',
        encoded({
          a: 'id: 7\ndata: a\n\n',
          b: 'id: 1\u00002\ndata: b\n\n', // NUL: the whole field is ignored
          c: 'data: c\n\n',
          d: 'id: 9\n\n', // no data, but the last event ID buffer is still committed
        }),
      );
      const events = source.pipe(parsed({ cursor }));
      const expected = { a: { id: '7', data: 'a' }, b: { data: 'b' }, c: { data: 'c' } };
      expectObservable(events).toBe('a-b-c--|', expected);
      // Read one frame after each chunk was parsed.
      cold('-a-b-c-d|').subscribe(() => seen.push(cursor.lastEventId));
      flush();
    });
    expect(seen).toEqual(['7', '7', '7', '9']);
    expect(cursor.lastEventId).toBe('9');
  });

  it('resets the last event ID with an empty `id` field, and starts from the cursor given', () => {
    const cursor: SseCursor = { lastEventId: 'resume-1' };
    const seen: string[] = [];
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const source = cold('a-b|', encoded({ a: 'data: a\n\n', b: 'id\ndata: b\n\n' }));
      expectObservable(source.pipe(parsed({ cursor }))).toBe('a-b|', { a: { data: 'a' }, b: { id: '', data: 'b' } });
      cold('-a-b|').subscribe(() => seen.push(cursor.lastEventId));
      flush();
    });
    expect(seen).toEqual(['resume-1', '']);
    expect(cursor.lastEventId).toBe('');
  });

  it('takes `retry` only when it is all ASCII digits, on the next event and in the cursor', () => {
    const cursor: SseCursor = { lastEventId: '' };
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const source = cold(
        'a-b-c|',
        encoded({
          a: 'retry: 1500\ndata: a\n\n',
          b: 'retry: 15x\nretry: -1\nretry: 1.5\nretry:\nretry:  100\nretry: ١٢\ndata: b\n\n',
          c: 'retry:250\n\n', // no event to carry it: only the cursor sees it
        }),
      );
      expectObservable(source.pipe(parsed({ cursor }))).toBe('a-b--|', { a: { retry: 1500, data: 'a' }, b: { data: 'b' } });
      flush();
    });
    expect(cursor.retryMs).toBe(250);
  });

  describe('maxEventBytes', () => {
    it('accepts joined data of exactly the limit and errors beyond it', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-b-c|', encoded({ a: 'data: 0123456789\n\n', b: 'data: 01234\ndata: 56789\n\n', c: 'x' }));
        expectObservable(source.pipe(parsed({ maxEventBytes: 10 }))).toBe('a-#', { a: { data: '0123456789' } }, new SseEventTooLargeError(10));
      });
    });

    it('errors while an unterminated line outgrows the limit, before its line end', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-b-c|', encoded({ a: 'data: 0123', b: '4', c: '\n\n' }));
        expectObservable(source.pipe(parsed({ maxEventBytes: 10 }))).toBe('--#', {}, new SseEventTooLargeError(10));
      });
    });

    it('counts the pending line together with the data already joined', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        // 5 bytes of data, then 6 pending: 11 > 10.
        const source = cold('a-b|', encoded({ a: 'data: 01234\n', b: 'data: ' }));
        expectObservable(source.pipe(parsed({ maxEventBytes: 10 }))).toBe('--#', {}, new SseEventTooLargeError(10));
      });
    });

    it('counts the limit in bytes, invalid ones included', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        // ééé is 6 bytes; 😀éa is 7 bytes. FF FF FF FF FF FF is 6 bytes (18 once decoded).
        const source = cold('a-b-c|', { a: utf8('data: ééé\n\n'), b: bytes(...utf8('data: '), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 10, 10), c: utf8('data: 😀éa\n\n') });
        const expected = { a: { data: 'ééé' }, b: { data: '\uFFFD'.repeat(6) } };
        expectObservable(source.pipe(parsed({ maxEventBytes: 6 }))).toBe('a-b-#', expected, new SseEventTooLargeError(6));
      });
    });

    it('errors with a real SseEventTooLargeError carrying the limit', () => {
      let error: unknown;
      newScheduler().run(({ cold }) => {
        cold('a|', { a: utf8('data: 0123456789\n') }).pipe(parseSseBytes({ maxEventBytes: 4 })).subscribe({ error: (e) => (error = e) });
      });
      expect(error).toBeInstanceOf(SseEventTooLargeError);
      expect(error).toMatchObject({ frame: 'event', limit: 4, unit: 'bytes' });
    });
  });
});
