/**
 * Reference: test_sse_events_* (comments, multi-line data, blank events, unterminated tails),
 * test_forward_once_sse_empty_payload_continues_and_breaks_on_shutdown,
 * test_forward_once_sse_invalid_json, test_forward_once_sse_invalid_json_maps_to_parse_error,
 * and the SSE branch of test_forward_once_ndjson_and_sse_and_http_error.
 */
import { bridge, chunked, invalidJson, noAnswer, note, ok, ping } from './support';

const SSE = 'text/event-stream';
const line = (m: unknown) => JSON.stringify(m);
const event = (m: unknown) => `data: ${line(m)}\n\n`;

describe('sse_events', () => {
  test('forward_once (SSE): one data event with a JSON-RPC answer is written', async () => {
    const out = await bridge((req, res) => chunked(res, SSE, [event(ok(req.json.id, { foo: 42 }))]), [ping(1)]);
    expect(out.lines).toEqual([line(ok(1, { foo: 42 }))]);
  });

  test('sse_events: events split across chunks are reassembled', async () => {
    const a = event(note('first'));
    const b = event(ok(1, { v: 'second' }));
    const out = await bridge((_req, res) => chunked(res, SSE, [a.slice(0, 9), a.slice(9, 30), a.slice(30) + b.slice(0, 5), b.slice(5, b.length - 1), '\n']), [ping(1)]);
    expect(out.lines).toEqual([line(note('first')), line(ok(1, { v: 'second' }))]);
  });

  test('sse_events: comment lines are ignored and multi-line data is joined', async () => {
    const out = await bridge(
      (_req, res) => chunked(res, SSE, [':keepalive\n', 'data: {"jsonrpc":"2.0",\n', 'data: "method":"notifications/message","params":{"level":"info","data":"first"}}\n\n', `: another comment\n${event(ok(1))}`]),
      [ping(1)],
    );
    expect(out.lines).toEqual([line(note('first')), line(ok(1))]);
  });

  test('sse_events: `data` without a value gives an empty payload, which is skipped (not forwarded)', async () => {
    const out = await bridge((req, res) => chunked(res, SSE, ['', ': comment\n\n', 'data\n\n', 'data:\n\n', event(note('foo')), event(ok(req.json.id, { bar: 2 }))]), [ping(1)]);
    expect(out.lines).toEqual([line(note('foo')), line(ok(1, { bar: 2 }))]);
  });

  test('sse_events: an unterminated last `data:` line at end of stream is delivered', async () => {
    const out = await bridge((req, res) => chunked(res, SSE, [event(note('one')), `data: ${line(ok(req.json.id, { tail: true }))}`]), [ping(1)]);
    expect(out.lines).toEqual([line(note('one')), line(ok(1, { tail: true }))]);
  });

  test('sse_events: an unterminated `data` tail without colon is an empty payload, skipped; the request gets one error', async () => {
    const out = await bridge((_req, res) => chunked(res, SSE, [`event: message\n${event(note('one'))}`, 'data']), [ping(1)]);
    expect(out.messages).toEqual([note('one'), noAnswer(1)]);
  });

  test('sse_events: a trailing comment at end of stream is ignored', async () => {
    // No answer in the body: the request is then answered with one error (the reference writes
    // nothing); a tail mistaken for data would give an "invalid JSON" error instead.
    const out = await bridge((_req, res) => chunked(res, SSE, [event(note('one')), ': this is a comment']), [ping(1)]);
    expect(out.messages).toEqual([note('one'), noAnswer(1)]);
  });

  test('sse_events: a trailing non-data field at end of stream is ignored', async () => {
    const out = await bridge((_req, res) => chunked(res, SSE, [event(note('one')), 'event: message']), [ping(1)]);
    expect(out.messages).toEqual([note('one'), noAnswer(1)]);
  });

  test('forward_once_sse_invalid_json: `data: notjson` gives exactly one error line for the request id', async () => {
    const out = await bridge((_req, res) => chunked(res, SSE, ['data: notjson\n\n']), [ping(5)]);
    expect(out.lines).toEqual([line(invalidJson(5, 'notjson'))]);
  });

  test('forward_once_sse_invalid_json_maps_to_parse_error: `data: {not-json}` gives one error line (difference: -32000, not -32700)', async () => {
    const out = await bridge((_req, res) => chunked(res, SSE, [event(note('before')), 'data: {not-json}\n\n', event(ok(1))]), [ping(1)]);
    expect(out.messages).toEqual([note('before'), invalidJson(1, '{not-json}')]);
  });

  test('sse_events: events of another type than `message` are not forwarded (difference)', async () => {
    const out = await bridge((req, res) => chunked(res, SSE, [`event: ping\n${event(note('other'))}`, `event: message\n${event(ok(req.json.id))}`]), [ping(1)]);
    expect(out.lines).toEqual([line(ok(1))]);
  });
});
