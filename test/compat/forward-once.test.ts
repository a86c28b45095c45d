/**
 * Reference: test_forward_once_json_and_invalid, test_forward_once_form_encoding_and_auth_header,
 * test_forward_once_form_encoding_non_dict_payload, test_forward_once_auto_detect_urlencode_and_json,
 * test_forward_once_concurrent_requests_keep_outputs_isolated.
 */
import { encodeBody } from '../../src/http/request-body';
import { json } from '../helpers/http-server';
import { bridge, invalidJson, noAnswer, ok, ping, posts } from './support';

const FORM = 'application/x-www-form-urlencoded';

describe('forward_once: application/json responses', () => {
  test('forward_once_json_and_invalid: a JSON body is written as one message', async () => {
    const out = await bridge((req, res) => json(res, ok(req.json.id, { ok: 123 })), [ping(1)]);
    expect(out.lines).toEqual([JSON.stringify(ok(1, { ok: 123 }))]);
    expect(out.code).toBe(0);
  });

  test('forward_once_json_and_invalid: an empty JSON body for a notification writes nothing', async () => {
    const out = await bridge((_req, res) => json(res, ''), [{ jsonrpc: '2.0', method: 'notifications/roots/list_changed' }]);
    expect(posts(out.requests)).toHaveLength(1);
    expect(out.lines).toEqual([]);
    expect(out.code).toBe(0);
  });

  test('forward_once_json_and_invalid: an empty JSON body for a request gives exactly one error line with its id (difference: reference writes nothing)', async () => {
    const out = await bridge((_req, res) => json(res, ''), [ping(9)]);
    expect(out.lines).toEqual([JSON.stringify(noAnswer(9))]);
  });

  test('forward_once_json_and_invalid: an invalid JSON body gives exactly one error line', async () => {
    const out = await bridge((_req, res) => json(res, 'notjson'), [ping(1)]);
    expect(out.lines).toEqual([JSON.stringify(invalidJson(1, 'notjson'))]);
  });

  test('forward_once_json_and_invalid: a JSON array body is written as one line per message (difference: reference writes the array as one line)', async () => {
    const out = await bridge((req, res) => json(res, [{ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'a' } }, ok(req.json.id)]), [ping(1)]);
    expect(out.lines).toEqual(['{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"a"}}', JSON.stringify(ok(1))]);
  });

  test('forward_once_concurrent_requests_keep_outputs_isolated: 10 requests, each answered once with its own id', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => i);
    const out = await bridge((req, res) => json(res, ok(req.json.id, { echo: req.json.id })), ids.map(ping));
    expect(posts(out.requests)).toHaveLength(10);
    expect(out.messages.map((m) => m.id as number).sort((a, b) => a - b)).toEqual(ids);
    for (const m of out.messages) expect(m).toEqual(ok(m.id as number, { echo: m.id }));
  });
});

describe('forward_once: request encoding', () => {
  test('forward_once_form_encoding_and_auth_header: form body, form Content-Type, Authorization still sent (CLI)', async () => {
    const out = await bridge((_req, res) => json(res, ok(1, { ok: true })), [ping(1)], {
      args: ['--content-type', FORM, '--auth', 'Bearer token'],
    });
    const [post] = posts(out.requests);
    expect(post!.body).toBe('jsonrpc=2.0&id=1&method=ping');
    expect(post!.headers['content-type']).toBe(FORM);
    expect(post!.headers.authorization).toBe('Bearer token');
    expect(out.lines).toEqual([JSON.stringify(ok(1, { ok: true }))]);
  });

  test('forward_once_form_encoding_and_auth_header: FORGE_CONTENT_TYPE selects the form encoding too (CLI)', async () => {
    const out = await bridge((_req, res) => json(res, ok(1)), [ping(1)], { env: { FORGE_CONTENT_TYPE: FORM, MCP_AUTH: 'Bearer env' } });
    const [post] = posts(out.requests);
    expect(post!.body).toBe('jsonrpc=2.0&id=1&method=ping');
    expect(post!.headers['content-type']).toBe(FORM);
    expect(post!.headers.authorization).toBe('Bearer env');
  });

  test('forward_once_form_encoding_and_auth_header: a flat object is form-encoded field by field', () => {
    expect(encodeBody('{"a":"b","c":1}', { a: 'b', c: 1 }, FORM)).toEqual({ body: 'a=b&c=1', contentType: FORM });
  });

  test('forward_once_form_encoding: booleans, null and nested values (difference: JSON spellings, not Python str())', () => {
    expect(encodeBody('', { t: true, n: null, s: 'x y&z', o: { k: [1] } }, FORM)).toEqual({
      body: 't=true&n=&s=x+y%26z&o=%7B%22k%22%3A%5B1%5D%7D',
      contentType: FORM,
    });
  });

  test('forward_once_form_encoding_non_dict_payload: a non-object payload is sent as its text', () => {
    expect(encodeBody('a=b', 'a=b', FORM)).toEqual({ body: 'a=b', contentType: FORM });
    expect(encodeBody('[1,2]', [1, 2], FORM)).toEqual({ body: '[1,2]', contentType: FORM });
  });

  test('forward_once_auto_detect_urlencode_and_json: an unrecognised setting auto-detects (flat → form, nested → JSON)', () => {
    expect(encodeBody('{"a":"b","c":1}', { a: 'b', c: 1 }, 'AUTO')).toEqual({ body: 'a=b&c=1', contentType: FORM });
    expect(encodeBody('{"a":{"nested":1}}', { a: { nested: 1 } }, 'AUTO')).toEqual({ body: '{"a":{"nested":1}}', contentType: 'application/json' });
    expect(encodeBody('{"a":"b"}', { a: 'b' }, 'text/whatever')).toEqual({ body: 'a=b', contentType: FORM });
  });

  test('forward_once_auto_detect_urlencode_and_json: application/json (the default) sends the line exactly as read', () => {
    const text = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    expect(encodeBody(text, JSON.parse(text), 'application/json')).toEqual({ body: text, contentType: 'application/json' });
  });

  test('forward_once_auto_detect_urlencode_and_json: through the CLI with --content-type auto', async () => {
    const call = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { x: 1 } } };
    const out = await bridge((req, res) => json(res, ok(req.json?.id ?? 1)), [ping(1), call], { args: ['--content-type', 'auto', '--concurrency', '1'] });
    const bodies = posts(out.requests).map((r) => [r.headers['content-type'], r.body]);
    expect(bodies).toEqual([
      [FORM, 'jsonrpc=2.0&id=1&method=ping'],
      ['application/json', JSON.stringify(call)],
    ]);
  });
});
