import { from } from 'rxjs';
import { classifyJsonRpc, classifyLines, errorResponse, LineTooLongError, type ClassifiedMessage } from '../operators';
import { newScheduler, utf8 } from './helpers';

/** What a reader sees of a message; `text` and `message` of a scanned one are computed on reading. */
const seen = (m: ClassifiedMessage) => ({ ...m, raw: m.raw?.map((s) => new TextDecoder().decode(s)).join(''), scan: m.scan?.ok });

describe('classifyLines (marbles)', () => {
  const big = `{"jsonrpc":"2.0","id":1e400,"method":"tools/call","params":{"name":"echo","arguments":{"text":"${'é\\n'.repeat(20)}"}}}`;
  const small = '{"jsonrpc":"2.0","method":"notifications/initialized"}';

  it('parses lines under the threshold as text, scans the others on their bytes (kept as raw, JSON blanks trimmed), skips blanks', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c-|', { a: [utf8(small)], b: [utf8(' \t'), utf8(big.slice(0, 30)), utf8(big.slice(30) + ' ')], c: [utf8('  ')] });
      expectObservable(source.pipe(classifyLines({ scanFromBytes: 64 }))).toBe('a-b---|', {
        a: classifyJsonRpc(small),
        b: expect.objectContaining({ kind: 'request', id: Infinity, method: 'tools/call', raw: expect.any(Array), scan: expect.objectContaining({ ok: true, paramsName: 'echo' }) }),
      });
    });
    // Read, the scanned message is what the text path makes of the line, and its bytes are the line's.
    const out: ClassifiedMessage[] = [];
    from([[utf8(big.slice(0, 30)), utf8(big.slice(30) + '\r ')]]).pipe(classifyLines({ scanFromBytes: 64 })).subscribe((m) => out.push(m));
    expect(out.map(seen)).toEqual([{ ...classifyJsonRpc(big), raw: big, scan: true }]);
  });

  it('takes the text path for what it does not scan, so that errors are worded as for small lines', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const broken = big.slice(0, -1); // unterminated: JSON.parse's wording, in characters
      const batch = `[${big},${small}]`;
      const withNbsp = `\u00a0${big}`;
      const source = cold('a-b-c|', { a: [utf8(broken)], b: [utf8(batch)], c: [utf8(withNbsp)] });
      expectObservable(source.pipe(classifyLines({ scanFromBytes: 64 }))).toBe('a-b-c|', {
        a: classifyJsonRpc(broken),
        b: classifyJsonRpc(batch),
        c: expect.objectContaining({ kind: 'request', text: big }),
      });
    });
  });

  it('turns an over-long line into -32600 under the id its head shows, and re-measures decoded lines as splitLines did', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      // 4 invalid bytes are 4 U+FFFD: 12 bytes of text, over a cap of 10 that the 4 raw bytes are under.
      const source = cold('a-b|', { a: new LineTooLongError(10, '{"id":"x","method":"m"'), b: [Uint8Array.of(0xff, 0xff, 0xff, 0xff)] });
      const error = (id: string | null) => ({
        kind: 'invalid',
        id,
        text: '',
        error: errorResponse(id, -32600, 'Invalid Request: message exceeds the limit of 10 bytes (--max-message-bytes)'),
      });
      expectObservable(source.pipe(classifyLines({ maxLineBytes: 10 }))).toBe('a-b|', { a: error('x'), b: error(null) });
    });
  });

  it('answers an over-long line whose id is no valid JSON string with id null, and goes on (it used to end stdin)', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b|', { a: new LineTooLongError(10, '{"id":"\\x","method":"m"'), b: [utf8(small)] });
      expectObservable(source.pipe(classifyLines())).toBe('a-b|', {
        a: expect.objectContaining({ kind: 'invalid', id: null }),
        b: classifyJsonRpc(small),
      });
    });
  });
});
