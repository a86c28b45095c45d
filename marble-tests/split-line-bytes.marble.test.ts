import { map, type OperatorFunction } from 'rxjs';
import { LineTooLongError, splitLineBytes, type SplitLineBytesOptions } from '../operators';
import { newScheduler, utf8 } from './helpers';

/** Lines as text (segments joined and decoded), errors as themselves: marbles compare values. */
const asText = map((line: readonly Uint8Array[] | LineTooLongError) =>
  line instanceof LineTooLongError ? line : new TextDecoder().decode(Buffer.concat(line as Uint8Array[])),
);
const split = (options: SplitLineBytesOptions = {}): OperatorFunction<Uint8Array, string | LineTooLongError> => (source) =>
  source.pipe(splitLineBytes(options as SplitLineBytesOptions & { onOversize: 'emit' }), asText);

describe('splitLineBytes (marbles)', () => {
  it('splits on LF, several lines per chunk, and completes with the source', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a---|', { a: utf8('one\ntwo\n') });
      expectObservable(source.pipe(split())).toBe('(xy)|', { x: 'one', y: 'two' });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('splits on CRLF without keeping the CR, also when the CR ends one chunk and the LF starts the next', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-|', { a: utf8('one\r\ntwo\r'), b: utf8('\nthree') });
      expectObservable(source.pipe(split())).toBe('x-y-(z|)', { x: 'one', y: 'two', z: 'three' });
    });
  });

  it('keeps a lone CR inside a line, and emits empty lines as empty', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a----|', { a: utf8('a\rb\n\n\r\n') });
      expectObservable(source.pipe(split())).toBe('(xyz)|', { x: 'a\rb', y: '', z: '' });
    });
  });

  it('collects a line spanning chunks, a code point cut between them included, as segments (views of large pieces)', () => {
    const lines: Array<readonly Uint8Array[]> = [];
    const big = new Uint8Array(4096).fill(0x61);
    const euro = utf8('€');
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c-|', { a: big, b: Uint8Array.of(euro[0]!, euro[1]!), c: Uint8Array.of(euro[2]!, 0x0a) });
      expectObservable(source.pipe(split())).toBe('----x-|', { x: 'a'.repeat(4096) + '€' });
      source.pipe(splitLineBytes()).subscribe((line) => lines.push(line));
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]![0]!.buffer).toBe(big.buffer); // the 4 KiB piece is not copied
  });

  it('keeps a pending line per subscription, and drops it on a source error', () => {
    newScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot('a-b-|', { a: utf8('early '), b: utf8('late\n') });
      expectObservable(source.pipe(split()), '-^').toBe('--y-|', { y: 'late' });
      const failing = cold('a-#', { a: utf8('x\npartial') }, new Error('boom'));
      expectObservable(failing.pipe(split())).toBe('x-#', { x: 'x' }, new Error('boom'));
    });
  });

  describe('maxLineBytes', () => {
    it('accepts a line of exactly the limit, a trailing CR not counted even while it waits for its LF', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-b-c-|', { a: utf8('abcde\n'), b: utf8('fghij\r'), c: utf8('\n') });
        expectObservable(source.pipe(split({ maxLineBytes: 5 }))).toBe('x---y-|', { x: 'abcde', y: 'fghij' });
      });
    });

    it('counts bytes: é is 2, 😀 is 4', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-b-c|', { a: utf8('ééé\n'), b: utf8('😀é\n'), c: utf8('éééa\n') });
        expectObservable(source.pipe(split({ maxLineBytes: 6, onOversize: 'emit' }))).toBe('a-b-c|', { a: 'ééé', b: '😀é', c: new LineTooLongError(6) });
      });
    });

    it('errors as soon as an unterminated line outgrows the limit (default mode)', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-b-|', { a: utf8('abc'), b: utf8('defgh') });
        expectObservable(source.pipe(split({ maxLineBytes: 5 }))).toBe('--#', {}, new LineTooLongError(5));
      });
    });

    it("in 'emit' mode emits the error in place of the line, discards the rest of it and goes on", () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a-b-c-|', { a: utf8('ok\nlonger'), b: utf8('junk\nyes'), c: utf8('\nend') });
        expectObservable(source.pipe(split({ maxLineBytes: 3, onOversize: 'emit' }))).toBe('(oe)y-(z|)', { o: 'ok', e: new LineTooLongError(3), y: 'yes', z: 'end' });
      });
    });

    it('keeps the first 256 characters of an over-long line as its head, decoded (U+FFFD for invalid bytes)', () => {
      const seen: unknown[] = [];
      const line = new Uint8Array([0xff, ...utf8('{"id":7,"x":"' + '中'.repeat(400) + '"}\n')]);
      newScheduler().run(({ cold }) => {
        cold('a|', { a: line }).pipe(splitLineBytes({ maxLineBytes: 100, onOversize: 'emit' })).subscribe((v) => seen.push(v));
      });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toBeInstanceOf(LineTooLongError);
      expect((seen[0] as LineTooLongError).head).toBe(('\uFFFD{"id":7,"x":"' + '中'.repeat(400)).slice(0, 256));
    });
  });
});
