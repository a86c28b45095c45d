/**
 * Reference: test_send_to_stdout_json_and_str, test_send_to_stdout_oserror,
 * test_send_to_stdout_oserror_other_errno (a failed write on stdout starts an orderly shutdown).
 */
import { spawn } from 'node:child_process';
import { CLI } from '../helpers/cli-process';
import { json, startServer } from '../helpers/http-server';
import { bridge, ok, ping } from './support';

describe('send_to_stdout', () => {
  test('send_to_stdout: one message per line; compact server JSON is written exactly as sent', async () => {
    const out = await bridge((req, res) => json(res, ok(req.json.id, { a: 1, s: 'x y' })), [ping(1)]);
    expect(out.lines).toEqual(['{"jsonrpc":"2.0","id":1,"result":{"a":1,"s":"x y"}}']);
  });

  test('send_to_stdout: pretty-printed server JSON becomes one line, the same value (difference: folded, not re-serialised)', async () => {
    const answer = { jsonrpc: '2.0', id: 1, result: { a: [1, 2], b: { c: 'x y', big: 12345678901234567890 } } };
    const pretty = JSON.stringify(answer, null, 2).replace('12345678901234567000', '12345678901234567890');
    const out = await bridge((_req, res) => json(res, pretty), [ping(1)]);
    expect(out.lines).toHaveLength(1);
    expect(JSON.parse(out.lines[0]!)).toEqual(answer);
    // Line breaks and the indentation after them go; the server's own spelling (spaces after
    // colons, the 20-digit integer) stays, where the reference re-serialises with orjson.
    expect(out.lines[0]).toBe('{"jsonrpc": "2.0","id": 1,"result": {"a": [1,2],"b": {"c": "x y","big": 12345678901234567890}}}');
  });

  test('send_to_stdout: non-ASCII text is written as UTF-8, unescaped, both ways', async () => {
    const text = 'héllo 中文 😀';
    const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text } } };
    const out = await bridge((req, res) => json(res, ok(req.json.id, { text: req.json.params.arguments.text })), [call]);
    expect(out.requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([JSON.stringify(call)]);
    expect(out.lines).toEqual([`{"jsonrpc":"2.0","id":1,"result":{"text":"${text}"}}`]);
  });

  test('send_to_stdout: EPIPE on stdout starts an orderly shutdown: exit 0, no stack trace', async () => {
    const server = await startServer((req, res) => {
      if (req.method !== 'POST') return void res.writeHead(405).end();
      json(res, ok(req.json.id));
    });
    try {
      const child = spawn(process.execPath, [CLI, '--url', server.url], {
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (c: string) => (stderr += c));
      child.stdin.on('error', () => undefined);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      // The host goes away: the read side of the bridge's stdout is closed.
      child.stdout.destroy();
      let id = 0;
      let done = false;
      void exited.then(() => (done = true));
      // Keep sending until the bridge notices (its next write fails) and exits.
      while (!done) {
        child.stdin.write(JSON.stringify(ping(++id)) + '\n');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 50))]);
      }
      const { code, signal } = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(stderr).toMatch(/ INFO stdout closed \(EPIPE\): shutting down\n/);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stderr).not.toMatch(/unexpected (error|rejection)/);
      expect(server.requests.filter((r) => r.method === 'POST').length).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
    }
  });
});
