/**
 * stdin fuzzing with fast-check, through the real CLI: batches of random byte lines (invalid
 * UTF-8, control characters, lone-surrogate escapes, random JSON, batches, deeply nested
 * arrays/objects up to 100k levels, lines of several MiB around --max-message-bytes) mixed with
 * valid requests and notifications.
 *
 * One bridge process serves every batch (a fresh one only after a failed run, so that shrinking
 * starts clean). For each line an independent model says what must happen:
 * - blank (after UTF-8 decoding, one CR dropped, JS trim): nothing;
 * - longer than --max-message-bytes (UTF-16 code units of the decoded line, as documented in
 *   operators/split-lines.ts): one -32600 error, id null;
 * - not JSON: one -32700 error, id null; a JSON array (batch): each member as if on its own line
 *   (an empty batch, or a batch inside a batch: one -32600 error, id null);
 * - JSON that is no JSON-RPC message: one -32600 error, with its id when it has a usable one;
 * - a request: forwarded (the trimmed text, byte for byte) and answered once with the server's
 *   answer; a notification or response: forwarded, nothing on stdout.
 * The error lines must come in stdin order, the server must see exactly the forwarded texts, and
 * at the end the bridge exits 0 without a stack trace.
 */
import fc from 'fast-check';
import { startServer, type TestServer } from '../helpers/http-server';
import { spawnBridge, stackFrames, waitFor, within, type Bridge } from '../helpers/chaos-kit';
import { concat } from '../operators/support';

const MAX = 1024 * 1024; // --max-message-bytes
const RUNS = 20;
const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);

// --- line specs: printable descriptions, expanded to bytes at run time ----------------------
type Spec =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'request'; lead: string; params: Uint8Array; trail: string }
  | { kind: 'notification'; lead: string; params: Uint8Array; trail: string }
  | { kind: 'huge'; fill: 'a' | '中' | 'request' | 'string'; size: number }
  | { kind: 'deep'; shape: 'array' | 'object' | 'unbalanced' | 'request'; depth: number };

const noLf = (b: Uint8Array) => b.filter((x) => x !== 0x0a);

const invalidUtf8 = fc.constantFrom(
  Uint8Array.of(0xff),
  Uint8Array.of(0xc3),
  Uint8Array.of(0xe2, 0x82),
  Uint8Array.of(0xf0, 0x9f, 0x98),
  Uint8Array.of(0xc0, 0xaf),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0x80, 0x80),
  Uint8Array.of(0xef, 0xbb, 0xbf),
);
const controlChar = fc.integer({ min: 0, max: 31 }).filter((c) => c !== 10).map((c) => Uint8Array.of(c));
const escapes = fc.constantFrom('\\ud800', '\\udfff', '\\udc00\\ud800', '\\u0000', '\\u001f', '\\u2028', '\\uFEFF', '\\"', '\\\\', '\\/');
/** A JSON string literal with odd content: invalid UTF-8 bytes, escapes, raw control characters. */
const oddString = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ maxLength: 5 }).map((s) => bytes(JSON.stringify(s).slice(1, -1))) },
      { weight: 2, arbitrary: invalidUtf8 },
      { weight: 2, arbitrary: escapes.map(bytes) },
      { weight: 1, arbitrary: controlChar }, // raw: makes the JSON invalid unless it is a tab... it is invalid either way
    ),
    { maxLength: 6 },
  )
  .map((parts) => concat([bytes('"'), ...parts, bytes('"')]));
/** params: random JSON, or an object holding an odd string. */
const params = fc.oneof(
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }).map((j) => bytes(j)) },
  { weight: 2, arbitrary: oddString.map((s) => concat([bytes('{"text":'), s, bytes('}')])) },
);
const blankish = fc.constantFrom('', ' ', '\t', '\r', '  \t ', '\u00a0', '\uFEFF', '\u2028', '\u3000');
const lead = fc.constantFrom('', '', ' ', '\t', '\uFEFF', '\u00a0');
const trail = fc.constantFrom('', '', ' ', '\r', ' \r', '\t');

const spec: fc.Arbitrary<Spec> = fc.oneof(
  // noise
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 120 }).map((b) => ({ kind: 'bytes' as const, bytes: noLf(b) })) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map((s) => ({ kind: 'bytes' as const, bytes: noLf(bytes(s)) })) },
  { weight: 2, arbitrary: fc.array(fc.oneof(controlChar, invalidUtf8), { minLength: 1, maxLength: 10 }).map((p) => ({ kind: 'bytes' as const, bytes: concat(p) })) },
  // JSON that is not JSON-RPC, and near misses
  { weight: 3, arbitrary: fc.json({ maxDepth: 3 }).map((j) => ({ kind: 'bytes' as const, bytes: bytes(j) })) },
  { weight: 2, arbitrary: oddString.map((s) => ({ kind: 'bytes' as const, bytes: s })) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(
        '[]',
        '[{"jsonrpc":"2.0","id":1,"method":"ping"}]',
        '{"jsonrpc":"1.0","id":7,"method":"ping"}',
        '{"jsonrpc":"2.0","id":null,"method":"ping"}',
        '{"jsonrpc":"2.0","id":{},"method":"ping"}',
        '{"jsonrpc":"2.0","id":8,"method":5}',
        '{"jsonrpc":"2.0","id":"r","result":1,"error":{"code":1,"message":"m"}}',
        '{"jsonrpc":"2.0","id":9}',
        '{"jsonrpc":"2.0","method":"tools/call","params":{"a":1},',
        '{"jsonrpc":"2.0","id":"\\ud800","method":',
        'null',
        '"\\udc00"',
        '1e400',
        '{"id":"orphan"}',
      )
      .map((t) => ({ kind: 'bytes' as const, bytes: bytes(t) })),
  },
  // blank lines
  { weight: 2, arbitrary: blankish.map((t) => ({ kind: 'bytes' as const, bytes: bytes(t) })) },
  // valid messages (ids assigned at run time)
  { weight: 6, arbitrary: fc.record({ lead, params, trail }).map((r) => ({ kind: 'request' as const, ...r })) },
  { weight: 2, arbitrary: fc.record({ lead, params, trail }).map((r) => ({ kind: 'notification' as const, ...r })) },
  // huge lines around the cap, deep nesting
  {
    weight: 1,
    arbitrary: fc.record({
      fill: fc.constantFrom('a' as const, '中' as const, 'request' as const, 'string' as const),
      size: fc.oneof(fc.integer({ min: MAX - 64, max: MAX + 64 }), fc.integer({ min: 1024, max: 3 * MAX })),
    }).map((r) => ({ kind: 'huge' as const, ...r })),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      shape: fc.constantFrom('array' as const, 'object' as const, 'unbalanced' as const, 'request' as const),
      depth: fc.constantFrom(10, 1000, 100_000),
    }).map((r) => ({ kind: 'deep' as const, ...r })),
  },
);

/** The line's bytes (never an LF); `id` for the valid-message kinds. */
function expand(s: Spec, id: string): Uint8Array {
  const idJson = JSON.stringify(id);
  switch (s.kind) {
    case 'bytes':
      return s.bytes;
    case 'request':
      return concat([bytes(s.lead), bytes(`{"jsonrpc":"2.0","id":${idJson},"method":"tools/call","params":`), noLf(s.params), bytes('}' + s.trail)]);
    case 'notification':
      return concat([bytes(s.lead), bytes('{"jsonrpc":"2.0","method":"notifications/message","params":'), noLf(s.params), bytes('}' + s.trail)]);
    case 'huge': {
      if (s.fill === 'a') return bytes('a'.repeat(s.size));
      if (s.fill === '中') return bytes('中'.repeat(Math.ceil(s.size / 3)));
      const head = s.fill === 'request' ? `{"jsonrpc":"2.0","id":${idJson},"method":"tools/call","params":{"pad":"` : '"';
      const tail = s.fill === 'request' ? '"}}' : '"';
      return bytes(head + 'x'.repeat(Math.max(0, s.size - head.length - tail.length)) + tail);
    }
    case 'deep': {
      const n = s.depth;
      if (s.shape === 'array') return bytes('['.repeat(n) + ']'.repeat(n));
      if (s.shape === 'object') return bytes('{"a":'.repeat(n) + '0' + '}'.repeat(n));
      if (s.shape === 'unbalanced') return bytes('[{"a":'.repeat(n));
      return bytes(`{"jsonrpc":"2.0","id":${idJson},"method":"tools/call","params":${'['.repeat(n)}${']'.repeat(n)}}`);
    }
  }
}

type Expectation =
  | { kind: 'none' }
  | { kind: 'error'; code: number; id: string | number | null }
  | { kind: 'request'; text: string; id: string | number }
  | { kind: 'oneway'; text: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';

/** The independent model of one stdin line: what each message in it leads to. */
function model(line: Uint8Array): Expectation[] {
  let text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(line);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  // The cap counts UTF-8 bytes of the decoded line; the error keeps an id that leads the line.
  if (new TextEncoder().encode(text).length > MAX) {
    const lead = /^\{"jsonrpc":"2\.0","id":("(?:[^"\\]|\\.)*"|-?\d+)[,}]/.exec(text.slice(0, 256));
    return [{ kind: 'error', code: -32600, id: lead ? (JSON.parse(lead[1]!) as string | number) : null }];
  }
  const trimmed = text.trim();
  if (trimmed === '') return [{ kind: 'none' }];
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return [{ kind: 'error', code: -32700, id: null }];
  }
  if (!Array.isArray(value)) return [modelMessage(value, trimmed)];
  // A batch: its members one by one. The generated arrays are compact (fc.json, constants), so a
  // member's text as written is its JSON.stringify.
  const batchError: Expectation = { kind: 'error', code: -32600, id: null };
  if (value.length === 0) return [batchError];
  return value.map((member: unknown) => (Array.isArray(member) ? batchError : modelMessage(member, JSON.stringify(member))));
}

/** One JSON value that is not an array, written as `trimmed`. */
function modelMessage(value: unknown, trimmed: string): Expectation {
  // JSON-RPC 2.0 §4.2: params, when present, is structured (an object or an array); null reads as absent.
  const unstructured = isObject(value) && 'params' in value && value.params !== null && typeof value.params !== 'object';
  if (isObject(value) && value.jsonrpc === '2.0' && !(typeof value.method === 'string' && unstructured)) {
    if (typeof value.method === 'string' && isId(value.id)) return { kind: 'request', text: trimmed, id: value.id };
    if (typeof value.method === 'string' && !('id' in value)) return { kind: 'oneway', text: trimmed };
    const responseId = isId(value.id) || value.id === null;
    if (responseId && !('method' in value)) {
      if ('result' in value && !('error' in value)) return { kind: 'oneway', text: trimmed };
      const e = value.error;
      if (!('result' in value) && isObject(e) && typeof e.code === 'number' && typeof e.message === 'string') return { kind: 'oneway', text: trimmed };
    }
  }
  return { kind: 'error', code: -32600, id: isObject(value) && isId(value.id) ? value.id : null };
}

interface Session {
  bridge: Bridge;
  server: TestServer;
  /** Lines and POSTs seen when the current batch started. */
  lineMark: number;
  postMark: number;
}

describe('stdin fuzzing through the CLI', () => {
  let session: Session | undefined;
  let counter = 0;
  const retired: Session[] = [];

  async function open(): Promise<Session> {
    const server = await startServer((r, res) => {
      const msg = r.json;
      if (isObject(msg) && isId(msg.id) && typeof msg.method === 'string') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { ok: true } }));
      } else {
        res.writeHead(202).end();
      }
    });
    const bridge = spawnBridge([
      '--url', server.url,
      '--transport', 'streamable-http',
      '--max-message-bytes', String(MAX),
      '--timeout', '60',
      '--concurrency', '10',
    ]);
    return { bridge, server, lineMark: 0, postMark: 0 };
  }

  afterAll(async () => {
    for (const s of [...retired, ...(session ? [session] : [])]) {
      s.bridge.kill();
      await s.server.close();
    }
  });

  test(`${RUNS} batches of random lines: one error per invalid line, nothing forwarded for it, valid requests answered`, async () => {
    let totals = { lines: 0, errors: 0, requests: 0, oneway: 0, blank: 0, bytes: 0 };
    let current: Promise<void> | undefined;
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 30, maxLength: 50 }), (specs) => (current = runBatch(specs))),
      { numRuns: RUNS, endOnFailure: false, interruptAfterTimeLimit: 150_000, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH } : {}) },
    );
    // fast-check's time limit stops waiting for a run, not the run itself: let the last one end
    // before checking what the process writes after stdin closes.
    await current?.catch(() => undefined);
    console.log(`stdin fuzz: ${JSON.stringify(totals)}`);

    // The last process: stdin closed, no extra line, exit 0, no stack trace.
    const s = session ?? (session = await open());
    const linesBefore = s.bridge.lines.length;
    const postsBefore = s.server.requests.length;
    s.bridge.end();
    expect(await within(s.bridge.finished, 30_000, 'bridge exit')).toEqual({ code: 0, signal: null });
    expect(s.bridge.lines.slice(linesBefore)).toEqual([]);
    expect(s.server.requests.length).toBe(postsBefore);
    expect(stackFrames(s.bridge.stderr())).toEqual([]);

    /** One batch of random lines written to the running bridge, checked against the model. */
    async function runBatch(specs: Spec[]): Promise<void> {
      if (!session) session = await open();
      const s = session;
      let ok = false;
      try {
        const lines = specs.map((sp) => expand(sp, `fuzz-${++counter}`));
        const expectations = lines.flatMap(model);
        const errors = expectations.flatMap((e) => (e.kind === 'error' ? [{ code: e.code, id: e.id }] : []));
        const requests = expectations.flatMap((e) => (e.kind === 'request' ? [e] : []));
        const forwarded = expectations.flatMap((e) => (e.kind === 'request' || e.kind === 'oneway' ? [e.text] : []));

        s.lineMark = s.bridge.lines.length;
        s.postMark = s.server.requests.length;
        for (const line of lines) await s.bridge.write(concat([line, Uint8Array.of(0x0a)]));

        const wantLines = errors.length + requests.length;
        await waitFor(
          () => s.bridge.lines.length - s.lineMark >= wantLines && s.server.requests.length - s.postMark >= forwarded.length,
          `${wantLines} stdout lines and ${forwarded.length} POSTs`,
          60_000,
        );
        const out = s.bridge.lines.slice(s.lineMark).map((l) => JSON.parse(l));
        // Error lines: one per invalid line, in stdin order.
        expect(out.filter((m) => 'error' in m).map((m) => ({ code: m.error.code, id: m.id }))).toEqual(errors);
        // Answers: one per valid request, the server's own.
        const answers = out.filter((m) => !('error' in m));
        expect(answers.map((m) => m.id).sort()).toEqual(requests.map((r) => r.id).sort());
        for (const a of answers) expect(a).toEqual({ jsonrpc: '2.0', id: a.id, result: { ok: true } });
        // The server saw exactly the valid messages' texts, nothing for the invalid lines.
        const posts = s.server.requests.slice(s.postMark);
        expect(posts.every((p) => p.method === 'POST')).toBe(true);
        expect(posts.map((p) => p.body).sort()).toEqual(forwarded.slice().sort());

        totals = {
          lines: totals.lines + lines.length,
          errors: totals.errors + errors.length,
          requests: totals.requests + requests.length,
          oneway: totals.oneway + forwarded.length - requests.length,
          blank: totals.blank + expectations.filter((e) => e.kind === 'none').length,
          bytes: totals.bytes + lines.reduce((n, l) => n + l.length + 1, 0),
        };
        ok = true;
      } finally {
        if (!ok) {
          // A failed run leaves the process in an unknown state: shrinking starts from a fresh one.
          retired.push(s);
          s.bridge.kill();
          session = undefined;
        }
      }
    }
  }, 240_000);
});
