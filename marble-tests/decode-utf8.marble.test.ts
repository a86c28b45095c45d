import { decodeUtf8 } from '../operators';
import { bytes, newScheduler, utf8 } from './helpers';

// € is E2 82 AC, 😀 is F0 9F 98 80, é is C3 A9, the BOM is EF BB BF.
describe('decodeUtf8 (marbles)', () => {
  it('decodes each chunk and completes with the source', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-|', { a: utf8('hello '), b: utf8('wörld') });
      expectObservable(source.pipe(decodeUtf8())).toBe('-a-b-|', { a: 'hello ', b: 'wörld' });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('propagates a source error without flushing a pending partial sequence', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      // The trailing E2 would become U+FFFD on completion; an error must not invent it.
      const source = cold('a-#', { a: bytes(0x41, 0xe2) }, new Error('socket reset'));
      expectObservable(source.pipe(decodeUtf8())).toBe('a-#', { a: 'A' }, new Error('socket reset'));
    });
  });

  it('unsubscribes from the source when the consumer unsubscribes', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c-|', { a: utf8('1'), b: utf8('2'), c: utf8('3') });
      expectObservable(source.pipe(decodeUtf8()), '^--!').toBe('a-b', { a: '1', b: '2' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('joins a code point split across two chunks', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-|', { a: bytes(0x68, 0xc3), b: bytes(0xa9, 0x21) });
      expectObservable(source.pipe(decodeUtf8())).toBe('a-b-|', { a: 'h', b: 'é!' });
    });
  });

  it('joins a 3-byte and a 4-byte code point split across three chunks, emitting nothing meanwhile', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const euro = cold('a-b-c|', { a: bytes(0xe2), b: bytes(0x82), c: bytes(0xac) });
      expectObservable(euro.pipe(decodeUtf8())).toBe('----c|', { c: '€' });
      const emoji = cold('a-b-c|', { a: bytes(0xf0, 0x9f), b: bytes(0x98), c: bytes(0x80, 0x41) });
      expectObservable(emoji.pipe(decodeUtf8())).toBe('----c|', { c: '😀A' });
    });
  });

  it('replaces invalid bytes with U+FFFD', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c-|', {
        a: bytes(0x61, 0xff, 0x62), // never valid in UTF-8
        b: bytes(0x80), // lone continuation byte
        c: bytes(0xc0, 0x80), // overlong NUL: two errors, per the WHATWG decoder
      });
      expectObservable(source.pipe(decodeUtf8())).toBe('a-b-c-|', { a: 'a\uFFFDb', b: '\uFFFD', c: '\uFFFD\uFFFD' });
    });
  });

  it('ends an invalid sequence that spans chunks with U+FFFD and keeps the byte that broke it', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-|', { a: bytes(0xe2, 0x82), b: bytes(0x41) });
      expectObservable(source.pipe(decodeUtf8())).toBe('--b-|', { b: '\uFFFDA' });
    });
  });

  it('flushes a sequence truncated by completion as U+FFFD just before completing', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-|', { a: bytes(0x41, 0xf0, 0x9f, 0x98) });
      expectObservable(source.pipe(decodeUtf8())).toBe('a-(b|)', { a: 'A', b: '\uFFFD' });
    });
  });

  it('keeps a leading BOM by default (SSE strips it itself)', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a|', { a: bytes(0xef, 0xbb, 0xbf, 0x41) });
      expectObservable(source.pipe(decodeUtf8())).toBe('a|', { a: '\uFEFFA' });
    });
  });

  it('strips exactly one leading BOM with stripBom, even split across chunks', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const split = cold('a-b|', { a: bytes(0xef), b: bytes(0xbb, 0xbf, 0x41) });
      expectObservable(split.pipe(decodeUtf8({ stripBom: true }))).toBe('--b|', { b: 'A' });
      const twice = cold('a|', { a: bytes(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x41) });
      expectObservable(twice.pipe(decodeUtf8({ stripBom: true }))).toBe('a|', { a: '\uFEFFA' });
      // A BOM anywhere but the start is content (U+FEFF as a zero-width no-break space).
      const later = cold('a-b|', { a: utf8('A'), b: bytes(0xef, 0xbb, 0xbf) });
      expectObservable(later.pipe(decodeUtf8({ stripBom: true }))).toBe('a-b|', { a: 'A', b: '\uFEFF' });
    });
  });

  it('emits nothing for a stream that is only a stripped BOM', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a|', { a: bytes(0xef, 0xbb, 0xbf) });
      expectObservable(source.pipe(decodeUtf8({ stripBom: true }))).toBe('-|');
    });
  });

  it('emits nothing for empty chunks', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c|', { a: new Uint8Array(0), b: utf8('x'), c: new Uint8Array(0) });
      expectObservable(source.pipe(decodeUtf8())).toBe('--b--|', { b: 'x' });
    });
  });

  it('gives every subscription its own decoder, even when the operator value is shared', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const decode = decodeUtf8();
      // If the decoder were shared, the E2 82 left over by `first` would corrupt `second`.
      const first = cold('a---b|', { a: bytes(0xe2, 0x82), b: bytes(0xac) });
      const second = cold('-c|', { c: bytes(0x41) });
      expectObservable(first.pipe(decode)).toBe('----b|', { b: '€' });
      expectObservable(second.pipe(decode)).toBe('-c|', { c: 'A' });
    });
  });
});
