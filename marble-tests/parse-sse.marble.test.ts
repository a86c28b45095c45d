import { parseSse, SseEventTooLargeError, type SseCursor } from '../operators';
import { newScheduler } from './helpers';

// Expected behaviour follows the WHATWG event-stream interpretation:
// https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
describe('parseSse (marbles)', () => {
  it('emits one event per blank-line-terminated block and completes with the source', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-|', { a: 'data: hello\n\n', b: 'event: ping\ndata: x\n\n' });
      expectObservable(source.pipe(parseSse())).toBe('a-b-|', { a: { data: 'hello' }, b: { event: 'ping', data: 'x' } });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('keeps parser state per subscription: a late subscriber to a hot source starts afresh', () => {
    newScheduler().run(({ hot, expectObservable }) => {
      const source = hot('a-b-c-|', { a: 'data: 1\n', b: '\n', c: 'data: 2\n\n' });
      expectObservable(source.pipe(parseSse())).toBe('--x-y-|', { x: { data: '1' }, y: { data: '2' } });
      // Joining after 'data: 1', the blank line it sees first has no data to dispatch.
      expectObservable(source.pipe(parseSse()), '-^').toBe('----y-|', { y: { data: '2' } });
    });
  });

  it('propagates a source error without dispatching the open event', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-#', { a: 'data: done\n\ndata: open\n' }, new Error('reset'));
      expectObservable(source.pipe(parseSse())).toBe('a-#', { a: { data: 'done' } }, new Error('reset'));
    });
  });

  it('emits the event still open when the source completes', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const unterminatedLine = cold('a|', { a: 'data: open' });
      expectObservable(unterminatedLine.pipe(parseSse())).toBe('-(x|)', { x: { data: 'open' } });
      const noBlankLine = cold('a|', { a: 'data: a\ndata: b\n' });
      expectObservable(noBlankLine.pipe(parseSse())).toBe('-(x|)', { x: { data: 'a\nb' } });
    });
  });

  it('joins multi-line data with \\n; a bare `data` line adds an empty line', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a|', { a: 'data: a\ndata: b\ndata\n\n' });
      expectObservable(source.pipe(parseSse())).toBe('x|', { x: { data: 'a\nb\n' } });
    });
  });

  it('accepts CR, LF and CRLF line ends, mixed in one stream', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c|', { a: 'data: a\rdata: b\r\r', b: 'data: c\r\n\r\n', c: 'data: d\r\ndata: e\n\r' });
      const expected = { a: { data: 'a\nb' }, b: { data: 'c' }, c: { data: 'd\ne' } };
      expectObservable(source.pipe(parseSse())).toBe('a-b-c|', expected);
    });
  });

  it('treats a CRLF split across chunks as one line end, even with an empty chunk between', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const blank = cold('a-b-c|', { a: 'data: a\r', b: '\n\r', c: '\n' });
      expectObservable(blank.pipe(parseSse())).toBe('--x--|', { x: { data: 'a' } });
      // Were the LF taken as a second line end, 'a' and 'b' would be two events.
      const gap = cold('a-b-c|', { a: 'data: a\r', b: '', c: '\ndata: b\n\n' });
      expectObservable(gap.pipe(parseSse())).toBe('----x|', { x: { data: 'a\nb' } });
      // A CR ending a chunk is a line end on its own when no LF follows.
      const lone = cold('a-b|', { a: 'data: a\r', b: 'data: b\n\n' });
      expectObservable(lone.pipe(parseSse())).toBe('--x|', { x: { data: 'a\nb' } });
    });
  });

  it('skips one BOM at stream start only: a second BOM is part of the field name', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const one = cold('a|', { a: '\uFEFFdata: a\n\n' });
      expectObservable(one.pipe(parseSse())).toBe('x|', { x: { data: 'a' } });
      const two = cold('a|', { a: '\uFEFF\uFEFFdata: a\n\n' });
      expectObservable(two.pipe(parseSse())).toBe('-|');
      const later = cold('a-b|', { a: 'data: x\n\n', b: '\uFEFFdata: y\n\n' });
      expectObservable(later.pipe(parseSse())).toBe('a--|', { a: { data: 'x' } });
      // Empty chunks do not count as the start having passed; the BOM may arrive alone.
      const afterEmpty = cold('a-b-c|', { a: '', b: '\uFEFF', c: 'data: z\n\n' });
      expectObservable(afterEmpty.pipe(parseSse())).toBe('----c|', { c: { data: 'z' } });
    });
  });

  it('ignores comment lines, and a block of only comments dispatches nothing', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b|', { a: ':keepalive\n\n', b: ': note\ndata: a\n:\n\n' });
      expectObservable(source.pipe(parseSse())).toBe('--b|', { b: { data: 'a' } });
    });
  });

  it('removes exactly one space after the colon, and none when there is none', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c-d|', { a: 'data:a\n\n', b: 'data:  two\n\n', c: 'data: \n\n', d: 'data:\tt\n\n' });
      const expected = { a: { data: 'a' }, b: { data: ' two' }, c: { data: '' }, d: { data: '\tt' } };
      expectObservable(source.pipe(parseSse())).toBe('a-b-c-d|', expected);
    });
  });

  it('sets the event type per event; an empty type or a block without data emits no type or nothing', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c-d|', {
        a: 'event: update\ndata: 1\n\n',
        b: 'data: 2\n\n', // the type is reset after each dispatch
        c: 'event: lonely\n\n', // no data: nothing is dispatched
        d: 'event:\ndata: 4\n\n', // empty type: the default "message", left out
      });
      const expected = { a: { event: 'update', data: '1' }, b: { data: '2' }, d: { data: '4' } };
      expectObservable(source.pipe(parseSse())).toBe('a-b---d|', expected);
    });
  });

  it('ignores unknown fields, case variants and a space before the colon', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a|', { a: 'foo: bar\nDATA: x\ndata : y\n retry: 5\ndata: z\n\n' });
      expectObservable(source.pipe(parseSse())).toBe('x|', { x: { data: 'z' } });
    });
  });

  it('emits `id` on the event that carried it, ignores an id containing NUL, and keeps the last id in the cursor', () => {
    const cursor: SseCursor = { lastEventId: '' };
    const seen: string[] = [];
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const source = cold('a-b-c-d|', {
        a: 'id: 7\ndata: a\n\n',
        b: 'id: 1\u00002\ndata: b\n\n', // NUL: the whole field is ignored
        c: 'data: c\n\n',
        d: 'id: 9\n\n', // no data, but the last event ID buffer is still committed
      });
      const events = source.pipe(parseSse({ cursor }));
      const expected = { a: { id: '7', data: 'a' }, b: { data: 'b' }, c: { data: 'c' } };
      expectObservable(events).toBe('a-b-c--|', expected);
      // Read one frame after each chunk was parsed.
      cold('-a-b-c-d|').subscribe(() => seen.push(cursor.lastEventId));
      flush();
    });
    expect(seen).toEqual(['7', '7', '7', '9']);
    expect(cursor.lastEventId).toBe('9');
  });

  it('resets the last event ID with an empty `id` field', () => {
    const cursor: SseCursor = { lastEventId: 'resume-1' };
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const source = cold('a-b|', { a: 'data: a\n\n', b: 'id\ndata: b\n\n' });
      expectObservable(source.pipe(parseSse({ cursor }))).toBe('a-b|', { a: { data: 'a' }, b: { id: '', data: 'b' } });
      flush();
    });
    expect(cursor.lastEventId).toBe('');
  });

  it('takes `retry` only when it is all ASCII digits, on the next event and in the cursor', () => {
    const cursor: SseCursor = { lastEventId: '' };
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const source = cold('a-b-c|', {
        a: 'retry: 1500\ndata: a\n\n',
        b: 'retry: 15x\nretry: -1\nretry: 1.5\nretry:\nretry:  100\ndata: b\n\n',
        c: 'retry:250\n\n', // no event to carry it: only the cursor sees it
      });
      expectObservable(source.pipe(parseSse({ cursor }))).toBe('a-b--|', { a: { retry: 1500, data: 'a' }, b: { data: 'b' } });
      flush();
    });
    expect(cursor.retryMs).toBe(250);
  });

  describe('maxEventBytes', () => {
    it('accepts joined data of exactly the limit and errors beyond it', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-b-c|', { a: 'data: 0123456789\n\n', b: 'data: 01234\ndata: 56789\n\n', c: 'x' });
        expectObservable(source.pipe(parseSse({ maxEventBytes: 10 }))).toBe('a-#', { a: { data: '0123456789' } }, new SseEventTooLargeError(10));
      });
    });

    it('errors while an unterminated line outgrows the limit, before its line end', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-b-c|', { a: 'data: 0123', b: '4', c: '\n\n' });
        expectObservable(source.pipe(parseSse({ maxEventBytes: 10 }))).toBe('--#', {}, new SseEventTooLargeError(10));
      });
    });

    it('counts the limit in UTF-8 bytes, not UTF-16 units', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        // ééé is 6 bytes in 3 units; 😀éa is 7 bytes in 4 units.
        const source = cold('a-b|', { a: 'data: ééé\n\n', b: 'data: 😀éa\n\n' });
        expectObservable(source.pipe(parseSse({ maxEventBytes: 6 }))).toBe('a-#', { a: { data: 'ééé' } }, new SseEventTooLargeError(6));
      });
    });

    it('errors with a real SseEventTooLargeError carrying the limit', () => {
      let error: unknown;
      newScheduler().run(({ cold }) => {
        cold('a|', { a: 'data: 0123456789\n' }).pipe(parseSse({ maxEventBytes: 4 })).subscribe({ error: (e) => (error = e) });
      });
      expect(error).toBeInstanceOf(SseEventTooLargeError);
      expect(error).toMatchObject({ frame: 'event', limit: 4, unit: 'bytes' });
    });
  });
});
