import { lastValueFrom, from, toArray } from 'rxjs';
import { SseEventTooLargeError, SseParser, splitLines, type SseEvent } from '../../operators';
import { TextAccumulator } from '../../operators/text-accumulator';

// Blocks form at 1 Mi UTF-16 units: these texts cross that boundary several times, so the
// folding path runs (the chunking property tests use small inputs that never reach it).
const MI = 1 << 20;

/** `count` fragments of `size` units cycling through ASCII, 2-, 3- and 4-byte characters. */
function fragments(count: number, size: number): string[] {
  const alphabet = ['a', 'é', '€', '😀'];
  return Array.from({ length: count }, (_, i) => alphabet[i % alphabet.length]!.repeat(Math.ceil(size / 2)).slice(0, size));
}

describe('TextAccumulator', () => {
  it('gives back exactly the pushed text across many blocks, with a last piece, and empties', () => {
    const parts = fragments(300, 16 * 1024 + 8); // ~4.7 Mi units; even: no surrogate pair is cut
    const acc = new TextAccumulator();
    for (const part of parts) acc.push(part);
    expect(acc.length).toBe(parts.join('').length);
    expect(acc.head(10)).toBe(parts.join('').slice(0, 10));
    expect(acc.utf8Length()).toBe(Buffer.byteLength(parts.join(''), 'utf8'));
    const text = acc.take('!end');
    expect(text).toBe(parts.join('') + '!end');
    expect(acc.length).toBe(0);
    expect(acc.take()).toBe('');
  });

  it('takes a single fragment without joining, and clears', () => {
    const acc = new TextAccumulator();
    acc.push('abc');
    expect(acc.take('d')).toBe('abcd');
    acc.push('x'.repeat(MI + 5));
    acc.clear();
    expect(acc.length).toBe(0);
    expect(acc.take()).toBe('');
  });
});

describe('long lines through the block path', () => {
  it('splitLines returns a 5 MiB line in 16 KiB chunks intact, and the next line', async () => {
    const line = 'x'.repeat(5 * MI - 3) + 'é€😀';
    const input = line + '\r\nnext\n';
    const chunks: string[] = [];
    for (let i = 0; i < input.length; i += 16 * 1024) chunks.push(input.slice(i, i + 16 * 1024));
    const lines = await lastValueFrom(from(chunks).pipe(splitLines(), toArray()));
    expect(lines).toHaveLength(2);
    expect(lines[0] === line).toBe(true); // not toEqual: a failure would print 5 MiB
    expect(lines[1]).toBe('next');
  });

  it('SseParser keeps a 3 MiB data line intact and enforces its byte cap on it', () => {
    const value = '€'.repeat(3 * MI);
    const feedAll = (parser: SseParser) => {
      const input = `data: ${value}\n\n`;
      for (let i = 0; i < input.length; i += 16 * 1024) parser.feed(input.slice(i, i + 16 * 1024));
      parser.end();
    };
    const events: SseEvent[] = [];
    feedAll(new SseParser((e) => events.push(e), { maxEventBytes: 3 * 3 * MI + 6 }));
    expect(events).toHaveLength(1);
    expect(events[0]!.data === value).toBe(true);
    // 100 KiB under the line's size in bytes (9 Mi), although only 3 Mi UTF-16 units: the pending
    // line crosses the cap while it is still being collected.
    expect(() => feedAll(new SseParser(() => undefined, { maxEventBytes: 3 * 3 * MI - 100 * 1024 }))).toThrow(SseEventTooLargeError);
  });
});
