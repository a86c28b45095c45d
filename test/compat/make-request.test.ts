/**
 * Reference: test_make_request_retries, test_make_request_success.
 * Difference: the reference retries forward_once after any exception, also after the server
 * started answering (a tool call can run twice); we never retry once response bytes arrived.
 */
import { json, sse } from '../helpers/http-server';
import { bridge, note, ok, ping, posts } from './support';

const FAST = ['--retry-base', '0.01', '--retry-max', '0.02'];

describe('make_request', () => {
  test('make_request_retries: a request failing with 503 is retried, then answered with exactly one error', async () => {
    const out = await bridge((_req, res) => json(res, '', 503), [ping(1)], { args: ['--retries', '3', ...FAST], env: { LOG_LEVEL: 'info' } });
    expect(posts(out.requests)).toHaveLength(3);
    expect(posts(out.requests).map((r) => r.body)).toEqual(Array(3).fill(JSON.stringify(ping(1))));
    expect(out.lines).toEqual([
      JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'HTTP 503 Service Unavailable', data: { status: 503, body: '' } } }),
    ]);
    expect(out.stderr.match(/ INFO HTTP 503: retrying in \d+ ms \(attempt \d of 3\)/g)).toHaveLength(2);
  });

  test('make_request_retries: the default is 5 attempts in all', async () => {
    const out = await bridge((_req, res) => json(res, '', 503), [ping(1)], { args: FAST });
    expect(posts(out.requests)).toHaveLength(5);
    expect(out.messages.map((m) => (m.error as { code: number }).code)).toEqual([-32000]);
  });

  test('make_request_retries: a 503 then a success gives the success only', async () => {
    let n = 0;
    const out = await bridge((req, res) => (++n === 1 ? json(res, '', 503) : json(res, ok(req.json.id))), [ping(1)], { args: FAST });
    expect(posts(out.requests)).toHaveLength(2);
    expect(out.lines).toEqual([JSON.stringify(ok(1))]);
  });

  test('make_request_retries: a status the server ran the request for (500) is not retried', async () => {
    const out = await bridge((_req, res) => json(res, '', 500), [ping(1)], { args: FAST });
    expect(posts(out.requests)).toHaveLength(1);
    expect(out.lines).toHaveLength(1);
  });

  test('make_request_success: a successful request is sent once', async () => {
    const out = await bridge((req, res) => json(res, ok(req.json.id)), [ping(1)], { args: FAST });
    expect(posts(out.requests)).toHaveLength(1);
    expect(out.lines).toEqual([JSON.stringify(ok(1))]);
  });

  test('make_request: a response timeout (--timeout) gives one -32001 error and is not retried (difference: reference retries, then "max retries exceeded")', async () => {
    const out = await bridge(() => undefined, [ping(1)], { args: ['--timeout', '0.3', ...FAST] });
    expect(posts(out.requests)).toHaveLength(1);
    expect(out.lines).toEqual([
      JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32001, message: 'Request timed out: no response within 0.3 s (--timeout)', data: { timeoutMs: 300 } } }),
    ]);
  });

  test('make_request: a reset mid-body is not retried: one POST, one error line (difference)', async () => {
    const out = await bridge(
      (_req, res) => {
        sse(res);
        res.write(`data: ${JSON.stringify(note('partial'))}\n\n`, () => setImmediate(() => res.socket?.destroy()));
      },
      [ping(1)],
      { args: FAST },
    );
    expect(posts(out.requests)).toHaveLength(1);
    expect(out.messages).toEqual([
      note('partial'),
      { jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'Upstream request failed: aborted (ECONNRESET)', data: { code: 'ECONNRESET' } } },
    ]);
  });
});
