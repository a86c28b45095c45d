/**
 * Reference: test_make_error_defaults_and_data, and the error paths of
 * test_forward_once_json_and_invalid / test_forward_once_ndjson_and_sse_and_http_error.
 * Difference: the reference answers with id "bridge"; we answer with the failed request's id.
 */
import { errorResponse } from '../../operators';
import { errorForRequest } from '../../src/core/error-response';
import { ShutdownError } from '../../src/core/errors';
import { json } from '../helpers/http-server';
import { bridge, invalidJson, ping } from './support';

describe('make_error (JSON-RPC error answers)', () => {
  test('make_error: default code is -32603 for an internal error, with the request id', () => {
    expect(errorForRequest(new Error('oops'), 7)).toEqual({ jsonrpc: '2.0', id: 7, error: { code: -32603, message: 'Internal error: oops' } });
    expect(errorForRequest(new ShutdownError(), 'a')).toEqual({
      jsonrpc: '2.0',
      id: 'a',
      error: { code: -32603, message: 'the bridge shut down before the server answered' },
    });
  });

  test('make_error: optional data is carried, and absent when not given', () => {
    expect(errorResponse(1, -32099, 'bad', { x: 1 })).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32099, message: 'bad', data: { x: 1 } } });
    const without = errorResponse(1, -32099, 'bad');
    expect(without).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32099, message: 'bad' } });
    expect('data' in without.error).toBe(false);
  });

  test('make_error: a JSON-RPC error from the server (non-2xx) reaches the host with its data (CLI)', async () => {
    const error = { code: -32099, message: 'bad', data: { x: 1 } };
    const out = await bridge((req, res) => json(res, { jsonrpc: '2.0', id: req.json.id, error }, 500), [ping(1)]);
    expect(out.messages).toEqual([{ jsonrpc: '2.0', id: 1, error }]);
    expect(out.code).toBe(0);
  });

  test('make_error: an HTTP error gives exactly one error line with the request id (difference: reference code = HTTP status, id "bridge")', async () => {
    const out = await bridge((_req, res) => json(res, '', 500), [ping(1)]);
    expect(out.lines).toEqual([
      JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'HTTP 500 Internal Server Error', data: { status: 500, body: '' } } }),
    ]);
    expect(out.code).toBe(0);
  });

  test('make_error: an HTTP error for a notification writes nothing on stdout, only a log line (difference: reference writes an error with id "bridge")', async () => {
    const out = await bridge((_req, res) => json(res, '', 500), [{ jsonrpc: '2.0', method: 'notifications/roots/list_changed' }]);
    expect(out.lines).toEqual([]);
    expect(out.stderr).toMatch(/ WARN notifications\/roots\/list_changed was not delivered: HTTP 500 Internal Server Error\n/);
    expect(out.code).toBe(0);
  });

  test('make_error: invalid JSON from the server gives exactly one error line with the request id (difference: reference -32700, id "bridge")', async () => {
    const out = await bridge((_req, res) => json(res, 'notjson'), [ping('req-1')]);
    expect(out.messages).toEqual([invalidJson('req-1', 'notjson')]);
    expect(out.lines).toHaveLength(1);
  });
});
