import { LineTooLongError, splitLines } from '../operators';
import { newScheduler } from './helpers';

describe('splitLines (marbles)', () => {
  it('splits on LF, several lines per chunk, and completes with the source', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a---|', { a: 'one\ntwo\n' });
      expectObservable(source.pipe(splitLines())).toBe('(xy)|', { x: 'one', y: 'two' });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('splits on CRLF without keeping the CR', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a---|', { a: 'one\r\ntwo\r\n' });
      expectObservable(source.pipe(splitLines())).toBe('(xy)|', { x: 'one', y: 'two' });
    });
  });

  it('treats a CR ending one chunk and an LF starting the next as one terminator', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-|', { a: 'one\r', b: '\ntwo' });
      expectObservable(source.pipe(splitLines())).toBe('--x-(y|)', { x: 'one', y: 'two' });
    });
  });

  it('keeps a lone CR inside a line: only LF and CRLF terminate (NDJSON framing)', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a|', { a: 'a\rb\n' });
      expectObservable(source.pipe(splitLines())).toBe('x|', { x: 'a\rb' });
    });
  });

  it('joins a line that spans several chunks', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c-|', { a: 'he', b: 'll', c: 'o\nw' });
      expectObservable(source.pipe(splitLines())).toBe('----x-(y|)', { x: 'hello', y: 'w' });
    });
  });

  it('emits a last line without terminator on completion, and nothing more after a final LF', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const open = cold('a--|', { a: 'x\ny' });
      expectObservable(open.pipe(splitLines())).toBe('x--(y|)', { x: 'x', y: 'y' });
      const closed = cold('a--|', { a: 'x\n' });
      expectObservable(closed.pipe(splitLines())).toBe('x--|', { x: 'x' });
    });
  });

  it('emits empty lines as empty strings', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a----|', { a: '\n\r\nz\n' });
      expectObservable(source.pipe(splitLines())).toBe('(xyz)|', { x: '', y: '', z: 'z' });
    });
  });

  it('keeps a pending line per subscription: a late subscriber to a hot source starts afresh', () => {
    newScheduler().run(({ hot, expectObservable }) => {
      const source = hot('a-b-|', { a: 'early ', b: 'late\n' });
      expectObservable(source.pipe(splitLines())).toBe('--x-|', { x: 'early late' });
      expectObservable(source.pipe(splitLines()), '-^').toBe('--y-|', { y: 'late' });
    });
  });

  it('propagates a source error and drops the unterminated line', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-#', { a: 'x\npartial' }, new Error('boom'));
      expectObservable(source.pipe(splitLines())).toBe('x-#', { x: 'x' }, new Error('boom'));
    });
  });

  describe('maxLineBytes', () => {
    it('accepts a line of exactly the limit, a trailing CR not counted, even when the CR waits for its LF', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        // 'abcde\r' is max+1 long while pending: it must not count as oversize yet.
        const source = cold('a-b-c-|', { a: 'abcde\n', b: 'fghij\r', c: '\n' });
        expectObservable(source.pipe(splitLines({ maxLineBytes: 5 }))).toBe('x---y-|', { x: 'abcde', y: 'fghij' });
      });
    });

    it('errors with LineTooLongError at max + 1 (default mode)', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('a-b-c|', { a: 'ok\n', b: 'abcdef\n', c: 'never\n' });
        expectObservable(source.pipe(splitLines({ maxLineBytes: 5 }))).toBe('x-#', { x: 'ok' }, new LineTooLongError(5));
        expectSubscriptions(source.subscriptions).toBe('^-!');
      });
    });

    it('errors as soon as the unterminated line outgrows the limit, before its LF arrives', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-b-|', { a: 'abc', b: 'defgh' });
        expectObservable(source.pipe(splitLines({ maxLineBytes: 5 }))).toBe('--#', {}, new LineTooLongError(5));
      });
    });

    it('errors on an oversize last line at completion', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-|', { a: 'abcdef' }); // 6 = max + 1: still pending, checked on completion
        expectObservable(source.pipe(splitLines({ maxLineBytes: 5 }))).toBe('--#', {}, new LineTooLongError(5));
      });
    });

    it("in 'emit' mode emits the error in place of the line, discards the rest of it and goes on", () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-b-c-|', { a: 'ok\nlonger', b: 'junk\nyes', c: '\nend' });
        const lines = source.pipe(splitLines({ maxLineBytes: 3, onOversize: 'emit' }));
        expectObservable(lines).toBe('(oe)y-(z|)', { o: 'ok', e: new LineTooLongError(3), y: 'yes', z: 'end' });
      });
    });

    it("in 'emit' mode handles an oversize line complete within one chunk and one left open at completion", () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-b-|', { a: 'toolong\nok\n', b: 'abcd' });
        const lines = source.pipe(splitLines({ maxLineBytes: 3, onOversize: 'emit' }));
        expectObservable(lines).toBe('(eo)(f|)', { e: new LineTooLongError(3), o: 'ok', f: new LineTooLongError(3) });
      });
    });

    it('counts the limit in UTF-8 bytes, not UTF-16 units', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        // é is 2 bytes (1 unit), 😀 is 4 bytes (2 units): all three lines are 3 or 4 units long.
        const source = cold('a-b-c|', { a: 'ééé\n', b: '😀é\n', c: 'éééa\n' });
        const lines = source.pipe(splitLines({ maxLineBytes: 6, onOversize: 'emit' }));
        expectObservable(lines).toBe('a-b-c|', { a: 'ééé', b: '😀é', c: new LineTooLongError(6) });
      });
    });

    it('counts an unterminated line in UTF-8 bytes too, erroring before its LF', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-b-|', { a: 'ééé\r', b: 'é' }); // 7 bytes = max + 1 may still end in CRLF; 9 may not
        expectObservable(source.pipe(splitLines({ maxLineBytes: 6 }))).toBe('--#', {}, new LineTooLongError(6));
      });
    });

    it("emits a real LineTooLongError instance in 'emit' mode", () => {
      const seen: unknown[] = [];
      newScheduler().run(({ cold }) => {
        cold('a|', { a: 'abcd\n' })
          .pipe(splitLines({ maxLineBytes: 3, onOversize: 'emit' }))
          .subscribe((value) => seen.push(value));
      });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toBeInstanceOf(LineTooLongError);
      // `head`: the start of the line, where a request's id usually is, for the error answer.
      expect(seen[0]).toMatchObject({ frame: 'line', limit: 3, unit: 'bytes', head: 'abcd' });
    });
  });
});
