/**
 * stdin split and classified on bytes (splitLineBytes + classifyLines, large lines through the
 * byte scanner) against the text pipeline it replaced (decodeUtf8 + splitLines + parseJsonRpc),
 * on random lines: JSON-RPC messages and near misses (duplicate and escaped keys, scalar params,
 * ids as written: 1e400, 2^64, -0), batches, blanks that only String#trim knows (NBSP, BOM),
 * invalid UTF-8 inside strings, cut into random chunks, with and without a size cap. Every
 * message must come out the same (kind, id, method, text, parsed value, error answer; see
 * recoveredId for the one exception), a scanned one's bytes must be its text's, and the scan
 * threshold must not matter (0: every line scanned).
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { from, type Observable } from 'rxjs';
import {
  batchMembers,
  classifyLines,
  decodeUtf8,
  parseJsonRpc,
  splitLineBytes,
  splitLines,
  type ClassifiedMessage,
} from '../../operators';
import { decodeSegmentsNode } from '../../src/stdio/decode-segments-node';
import { byteStream, chunkings, concat, cutAt } from './support';

const encoder = new TextEncoder();

function run(chunks: Uint8Array[], pipe: (source: Observable<Uint8Array>) => Observable<ClassifiedMessage>): ClassifiedMessage[] {
  const out: ClassifiedMessage[] = [];
  let failed: unknown;
  pipe(from(chunks)).subscribe({ next: (m) => out.push(m), error: (err: unknown) => (failed = err) });
  if (failed !== undefined) throw failed;
  return out;
}

const textPipeline = (max: number) => (source: Observable<Uint8Array>) =>
  source.pipe(decodeUtf8(), splitLines({ maxLineBytes: max, onOversize: 'emit' }), parseJsonRpc(), batchMembers());
const bytePipeline = (max: number, scanFrom: number, node: boolean) => (source: Observable<Uint8Array>) =>
  source.pipe(
    splitLineBytes({ maxLineBytes: max, onOversize: 'emit' }),
    classifyLines({ maxLineBytes: max, scanFromBytes: scanFrom, ...(node ? { decode: decodeSegmentsNode } : {}) }),
    batchMembers(),
  );

/** What a consumer can read of a message (reading `text` and `message` computes them on a scanned one). */
function view(m: ClassifiedMessage): Record<string, unknown> {
  const seen: Record<string, unknown> = { kind: m.kind, text: m.text };
  if ('id' in m) seen.id = m.id;
  if ('method' in m) seen.method = m.method;
  if (m.kind === 'invalid') seen.error = m.error;
  else if (m.kind === 'batch') seen.items = m.items;
  else seen.message = m.message;
  return seen;
}

const OVERSIZE = /^Invalid Request: message exceeds the limit/;

/**
 * The one allowed difference. An over-long line is cut off once what has arrived of it passes the
 * cap, and its id is looked for in what arrived by then. The text path counted the decoded text,
 * where an invalid byte weighs the 3 bytes of its U+FFFD; bytes are counted as bytes, so a line
 * with invalid UTF-8 may be cut a chunk later, with more of its head seen: an id the text path
 * missed may be found (never another one: peekId answers only from a complete id). Such a
 * message is compared as if the id had been missed.
 */
function recoveredId(actual: Record<string, unknown>, expected: Record<string, unknown> | undefined): Record<string, unknown> {
  const error = (actual.error as { error?: { message?: string } } | undefined)?.error;
  if (expected?.id !== null || actual.id === null || !OVERSIZE.test(error?.message ?? '')) return actual;
  return { ...actual, id: null, error: { ...(actual.error as object), id: null } };
}

const key = fc.constantFrom('"jsonrpc"', '"id"', '"method"', '"params"', '"result"', '"error"', '"\\u0069d"', '"x"');
const value = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('"2.0"', '"tools/call"', '"notifications/progress"', '1', '18446744073709551616', '1e400', '-0', 'null', 'true', '"a\\"b"', '"héllo 中 😀"', '[]', '{}') },
  { weight: 1, arbitrary: fc.constantFrom('{"name":"t","arguments":{"q":"é\\n"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}', '{"code":-32000,"message":"m"}', '"x') },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
);
const looseObject = fc.array(fc.tuple(key, value).map(([k, v]) => `${k}:${v}`), { maxLength: 6 }).map((members) => `{${members.join(',')}}`);
const wellFormed = fc
  .record({
    id: fc.option(fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.constant(null)), { nil: undefined }),
    method: fc.option(fc.constantFrom('tools/call', 'ping', 'notifications/cancelled'), { nil: undefined }),
    params: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
    result: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
  })
  .map((fields) => JSON.stringify({ jsonrpc: '2.0', ...fields }));
const message = fc.oneof(
  { weight: 4, arbitrary: wellFormed },
  { weight: 3, arbitrary: looseObject.map((o) => (o === '{}' ? o : `{"jsonrpc":"2.0",${o.slice(1)}`)) },
  { weight: 1, arbitrary: fc.array(wellFormed, { maxLength: 3 }).map((items) => `[${items.join(',')}]`) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const pad = fc.constantFrom('', '', ' ', '\t', ' \t ', '\u00a0', '\uFEFF', '\r');
const invalidBytes = fc.constantFrom(Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0xe2, 0x82), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xef, 0xbb, 0xbf));
/** One line's bytes: a padded message, sometimes with invalid UTF-8 spliced in (often inside a string). */
const line = fc
  .tuple(pad, message, pad, fc.option(fc.tuple(fc.nat(), invalidBytes), { freq: 4, nil: undefined }))
  .map(([before, text, after, splice]) => {
    const bytes = encoder.encode(before + text + after);
    if (splice === undefined) return bytes;
    const at = splice[0] % (bytes.length + 1);
    return concat([bytes.subarray(0, at), splice[1], bytes.subarray(at)]);
  });
const stream = fc
  .tuple(fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n')), { maxLength: 8 }), fc.boolean())
  .map(([lines, closed]) => {
    const parts = lines.flatMap(([bytes, end]) => [bytes, encoder.encode(end)]);
    if (!closed && parts.length > 0) parts.pop();
    return concat(parts);
  });

describe('stdin on bytes against stdin on text', () => {
  it('gives the same messages for every line, chunking, cap and scan threshold', () => {
    fc.assert(
      fc.property(
        stream,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom(Infinity, 8, 40, 120),
        fc.constantFrom(0, 1, 32, Infinity),
        fc.boolean(),
        (bytes, cuts, max, scanFrom, node) => {
          // The same chunks for both: an over-long line's head (where its id is looked for) is
          // what had arrived when the cap was passed, in both pipelines.
          const chunks = cutAt(bytes, cuts.map((c) => c % (bytes.length + 1)));
          const expected = run(chunks, textPipeline(max)).map(view);
          const messages = run(chunks, bytePipeline(max, scanFrom, node));
          const actual = messages.map(view).map((m, i) => recoveredId(m, expected[i]));
          if (!isDeepStrictEqual(actual, expected)) throw new Error(`${JSON.stringify(actual)}\n!==\n${JSON.stringify(expected)}`);
          for (const m of messages) {
            if (m.raw === undefined) continue;
            expect(Buffer.from(concat(m.raw))).toEqual(Buffer.from(encoder.encode(m.text)));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('scans the lines at or above the threshold only, and reads neither text nor value until asked', () => {
    let decoded = 0;
    const decode = (segments: readonly Uint8Array[]) => {
      decoded++;
      return new TextDecoder().decode(concat(segments));
    };
    const big = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"t","arguments":{"text":"${'é'.repeat(600)}"}}}`;
    const small = '{"jsonrpc":"2.0","id":8,"method":"ping"}';
    const messages = run([encoder.encode(` ${big} \r\n${small}\n`)], (s) =>
      s.pipe(splitLineBytes(), classifyLines({ scanFromBytes: 1024, decode }), batchMembers()),
    );
    expect(messages.map((m) => m.kind)).toEqual(['request', 'request']);
    const [scanned, parsed] = messages as Array<Extract<ClassifiedMessage, { kind: 'request' }>>;
    expect(decoded).toBe(1); // the small line only
    expect(scanned!.raw).toBeDefined();
    expect(scanned!.scan?.paramsName).toBe('t');
    expect(parsed!.raw).toBeUndefined();
    expect({ id: scanned!.id, method: scanned!.method }).toEqual({ id: 7, method: 'tools/call' });
    expect(decoded).toBe(1);
    expect(scanned!.message).toEqual(JSON.parse(big));
    expect(scanned!.text).toBe(big);
    expect(decoded).toBe(2); // once, for both
  });
});

describe('splitLineBytes', () => {
  it('frames the same lines whatever the chunking, and the same as splitLines on the decoded text', () => {
    const lines = (chunks: Uint8Array[]) => {
      const out: string[] = [];
      from(chunks).pipe(splitLineBytes()).subscribe((line) => out.push(Buffer.from(concat(line)).toString('latin1')));
      return out;
    };
    fc.assert(
      fc.property(byteStream(), fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const whole = lines([bytes]);
        for (const { name, chunks } of chunkings(bytes, cuts)) {
          const got = lines(chunks);
          if (!isDeepStrictEqual(got, whole)) throw new Error(`${name}: ${JSON.stringify(got)} !== ${JSON.stringify(whole)}`);
        }
        const texts: string[] = [];
        from([bytes]).pipe(decodeUtf8(), splitLines()).subscribe((line) => texts.push(line));
        expect(whole.map((line) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(Buffer.from(line, 'latin1')))).toEqual(texts);
      }),
      { numRuns: 500 },
    );
  });
});

describe('decodeSegmentsNode', () => {
  it('decodes as TextDecoder does, however the bytes are split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(), { maxLength: 4 }), (bytes, cuts) => {
        const segments = cutAt(bytes, cuts.map((c) => c % (bytes.length + 1)));
        expect(decodeSegmentsNode(segments, bytes.length)).toBe(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
      }),
      { numRuns: 5000 },
    );
  });
});
