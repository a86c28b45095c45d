/**
 * Size caps (--max-message-bytes): an over-long stdin line, an over-size SSE event, an over-size
 * JSON body and an over-size NDJSON line each give exactly one clear error line (-32600 with id
 * null for stdin, -32000 with the request's id for responses), and the bridge keeps serving: the
 * next request is answered.
 */
import { startServer, type SeenRequest } from '../helpers/http-server';
import type { ServerResponse } from 'node:http';
import { parseLine, stackFrames, useCleanup, waitFor, within } from '../helpers/chaos-kit';

const MAX = 1024;
const ARGS = ['--max-message-bytes', String(MAX), '--transport', 'streamable-http', '--timeout', '20'];
const req = (id: number, name = 'echo') => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name } });
const ok = (id: number) => ({ jsonrpc: '2.0', id, result: { ok: true } });

const h = useCleanup();

/** Answers `tools/call` named "big" with an over-size message in the given format, anything else normally. */
async function capServer(format: 'sse' | 'json' | 'ndjson') {
  const server = await startServer((r: SeenRequest, res: ServerResponse) => {
    const id = r.json.id;
    if (r.json.params?.name !== 'big') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(ok(id)));
      return;
    }
    const big = JSON.stringify({ jsonrpc: '2.0', id, result: { pad: 'x'.repeat(4 * MAX) } });
    if (format === 'sse') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end(`data: ${big}\n\n`);
    } else if (format === 'json') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(big);
    } else {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.end(`${big}\n`);
    }
  });
  h.defer(() => server.close());
  return server;
}

describe('size caps', () => {
  test('an over-long stdin line: one -32600 line (with the id read from the line head, else null), nothing forwarded, the next request answered', async () => {
    const server = await capServer('json');
    const bridge = h.bridge(['--url', server.url, ...ARGS]);
    // A valid request too long for the cap (it must not be forwarded), then plain noise, then a good one.
    await bridge.write(JSON.stringify({ ...req(1), params: { pad: 'y'.repeat(2 * MAX) } }) + '\n');
    await bridge.write('z'.repeat(10 * MAX) + '\n');
    await bridge.send(req(2));
    bridge.end();
    expect(await within(bridge.finished, 30_000, 'bridge exit')).toEqual({ code: 0, signal: null });
    const lines = bridge.lines.map(parseLine);
    expect(lines).toHaveLength(3);
    lines.slice(0, 2).forEach((line, i) => {
      expect(line).toEqual({
        jsonrpc: '2.0',
        id: i === 0 ? 1 : null,
        error: { code: -32600, message: `Invalid Request: message exceeds the limit of ${MAX} bytes (--max-message-bytes)` },
      });
    });
    expect(lines[2]).toEqual(ok(2));
    expect(server.requests.map((r) => r.json)).toEqual([req(2)]);
    expect(stackFrames(bridge.stderr())).toEqual([]);
  });

  test.each([
    ['SSE event', 'sse' as const, 'event exceeds the limit of 1024 bytes'],
    ['JSON body', 'json' as const, 'message exceeds the limit of 1024 bytes'],
    ['NDJSON line', 'ndjson' as const, 'line exceeds the limit of 1024 bytes'],
  ])('an over-size %s: one -32000 line with the request id, then the next request is answered', async (_name, format, what) => {
    const server = await capServer(format);
    const bridge = h.bridge(['--url', server.url, ...ARGS]);
    await bridge.send(req(1, 'big'));
    // The next request only goes out once the first is answered: it proves the bridge still serves.
    await waitFor(() => bridge.lines.length >= 1, 'the answer to request 1', 20_000);
    await bridge.send(req(2));
    bridge.end();
    expect(await within(bridge.finished, 30_000, 'bridge exit')).toEqual({ code: 0, signal: null });
    const lines = bridge.lines.map(parseLine);
    expect(lines).toEqual([
      { jsonrpc: '2.0', id: 1, error: { code: -32000, message: `Response too large: ${what} (--max-message-bytes)`, data: { limit: MAX } } },
      ok(2),
    ]);
    expect(server.requests.map((r) => r.json)).toEqual([req(1, 'big'), req(2)]);
    expect(stackFrames(bridge.stderr())).toEqual([]);
  });
});
