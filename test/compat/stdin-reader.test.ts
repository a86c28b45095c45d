/**
 * Reference: test_stdin_reader_valid_and_invalid, test_stdin_reader_no_buffer_path.
 * Difference: the reference forwards an error object for an invalid line to the server; we
 * answer the host at once with -32700 (id null) and send nothing.
 */
import { json } from '../helpers/http-server';
import { bridge, ok, parseErrorOf, ping, posts } from './support';

describe('stdin_reader', () => {
  test('stdin_reader_valid_and_invalid: valid lines are forwarded as read', async () => {
    const first = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    const second = '{"jsonrpc": "2.0", "id": "two", "method": "tools/list", "params": {}}';
    const out = await bridge((req, res) => json(res, ok(req.json.id)), [`${first}\n${second}\n`], { args: ['--concurrency', '1'] });
    expect(posts(out.requests).map((r) => r.body)).toEqual([first, second]);
    expect(out.messages).toEqual([ok(1), ok('two')]);
  });

  test('stdin_reader_valid_and_invalid: an invalid line is answered with -32700 on stdout and not forwarded (difference)', async () => {
    const out = await bridge((req, res) => json(res, ok(req.json.id)), ['{bad json}\n']);
    expect(out.requests).toEqual([]);
    expect(out.lines).toEqual([JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: `Parse error: ${parseErrorOf('{bad json}')}` } })]);
    expect(out.code).toBe(0);
  });

  test('stdin_reader_valid_and_invalid: whitespace-only lines are skipped', async () => {
    const out = await bridge((req, res) => json(res, ok(req.json.id)), ['   \n', '\t\n', '\r\n', '\n', ping(1), '  \n']);
    expect(posts(out.requests).map((r) => r.body)).toEqual([JSON.stringify(ping(1))]);
    expect(out.lines).toEqual([JSON.stringify(ok(1))]);
  });

  test('stdin_reader_valid_and_invalid: valid, invalid, blank, then EOF: one forward, one parse error, exit 0', async () => {
    const out = await bridge((req, res) => json(res, ok(req.json.id)), [ping(1), '{bad json}\n', '   \n']);
    expect(posts(out.requests).map((r) => r.json)).toEqual([ping(1)]);
    expect(out.messages).toContainEqual(ok(1));
    expect(out.messages.filter((m) => 'error' in m).map((m) => [m.id, (m.error as { code: number }).code])).toEqual([[null, -32700]]);
    expect(out.lines).toHaveLength(2);
    expect(out.code).toBe(0);
  });

  test('stdin_reader: a JSON array (batch) is forwarded member by member, each answered with its id (difference: reference forwards the array as is)', async () => {
    const out = await bridge((req, res) => json(res, ok(req.json.id)), [[ping(1), ping(2)]]);
    expect(posts(out.requests).map((r) => r.json).sort((a, b) => a.id - b.id)).toEqual([ping(1), ping(2)]);
    expect(out.lines.slice().sort()).toEqual([JSON.stringify(ok(1)), JSON.stringify(ok(2))].sort());
  });

  test('stdin_reader_no_buffer_path: EOF ends reading and the process exits 0', async () => {
    const out = await bridge(() => undefined, []);
    expect({ code: out.code, signal: out.signal }).toEqual({ code: 0, signal: null });
    expect(out.lines).toEqual([]);
    expect(out.requests).toEqual([]);
  });

  test('stdin_reader: a last line without newline before EOF is still forwarded', async () => {
    const out = await bridge((req, res) => json(res, ok(req.json.id)), [JSON.stringify(ping(3))]);
    expect(posts(out.requests).map((r) => r.json)).toEqual([ping(3)]);
    expect(out.messages).toEqual([ok(3)]);
  });
});
