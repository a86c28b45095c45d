/**
 * Reference: test_ndjson_lines_basic_and_tail, test_ndjson_lines_skips_empty_chunk_and_blank_lines,
 * test_ndjson_lines_handles_split_delimiter_chunks, test_forward_once_fallback_parses_as_ndjson,
 * and the NDJSON branch of test_forward_once_ndjson_and_sse_and_http_error.
 * The bodies are JSON-RPC messages (we validate that; the reference forwards any JSON).
 */
import { bridge, chunked, invalidJson, note, ok, ping, raw } from './support';

const line = (m: unknown) => JSON.stringify(m);

describe('ndjson_lines', () => {
  test('ndjson_lines: basic lines and a last line without newline are all delivered', async () => {
    const out = await bridge(
      (req, res) => chunked(res, 'application/x-ndjson', [line(note('a')) + '\n' + line(note('b')) + '\n', line(ok(req.json.id, { c: 3 }))]),
      [ping(1)],
    );
    expect(out.lines).toEqual([line(note('a')), line(note('b')), line(ok(1, { c: 3 }))]);
  });

  test('ndjson_lines: an empty chunk and blank lines are skipped', async () => {
    const out = await bridge(
      (req, res) => chunked(res, 'application/x-ndjson', ['', line(note('a')) + '\n\n  \n' + line(ok(req.json.id)) + '\n']),
      [ping(1)],
    );
    expect(out.lines).toEqual([line(note('a')), line(ok(1))]);
  });

  test('ndjson_lines: a newline split across chunks (and a message split mid-JSON) is handled', async () => {
    const answer = line(ok(1, { c: 3 }));
    const out = await bridge(
      (_req, res) => chunked(res, 'application/x-ndjson', [line(note('a')), '\n' + line(note('b')) + '\n' + answer.slice(0, 20), answer.slice(20) + '\n']),
      [ping(1)],
    );
    expect(out.lines).toEqual([line(note('a')), line(note('b')), answer]);
  });

  test('ndjson_lines: CRLF line ends are accepted', async () => {
    const out = await bridge((req, res) => raw(res, 'application/x-ndjson', line(note('a')) + '\r\n' + line(ok(req.json.id)) + '\r\n'), [ping(1)]);
    expect(out.lines).toEqual([line(note('a')), line(ok(1))]);
  });

  test('forward_once_fallback_parses_as_ndjson: an unknown content type (text/plain) is read as NDJSON', async () => {
    const out = await bridge((req, res) => raw(res, 'text/plain', line(note('a')) + '\n' + line(ok(req.json.id, { b: 2 })) + '\n'), [ping(1)]);
    expect(out.lines).toEqual([line(note('a')), line(ok(1, { b: 2 }))]);
  });

  test('forward_once_fallback_parses_as_ndjson: a response without Content-Type is read as NDJSON', async () => {
    const out = await bridge(
      (req, res) => {
        res.writeHead(200);
        res.end(line(note('a')) + '\n' + line(ok(req.json.id)));
      },
      [ping(1)],
    );
    expect(out.lines).toEqual([line(note('a')), line(ok(1))]);
  });

  test('forward_once_ndjson: an invalid NDJSON line gives exactly one error line for the request', async () => {
    const out = await bridge((_req, res) => raw(res, 'application/x-ndjson', line(note('a')) + '\n{bad\n'), [ping(1)]);
    expect(out.messages).toEqual([note('a'), invalidJson(1, '{bad')]);
  });

  test('forward_once_ndjson: JSON that is not JSON-RPC gives one error line (difference: reference forwards any JSON)', async () => {
    const out = await bridge((_req, res) => raw(res, 'application/x-ndjson', '{"x":1}\n'), [ping(1)]);
    expect(out.messages).toEqual([
      { jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'Invalid response: the server sent JSON that is not a JSON-RPC 2.0 message', data: { body: '{"x":1}' } } },
    ]);
  });

  test('forward_once_ndjson: messages that arrive with the answer (same chunk) are forwarded too, in order', async () => {
    const out = await bridge((req, res) => raw(res, 'application/x-ndjson', line(ok(req.json.id)) + '\n' + line(note('late')) + '\n'), [ping(1)]);
    expect(out.lines).toEqual([line(ok(1)), line(note('late'))]);
  });
});
