/**
 * Flags and environment variables as the CLI sees them: errors exit 2, the URL and credentials
 * come from the environment, headers expand ${VAR}, secrets stay out of logs, and logging never
 * touches stdout.
 */
import { exitOf, packageJsonVersion, parseLine, posts, reply, useHarness } from '../helpers/cli-kit';
import { result } from '../helpers/http-server';

const h = useHarness();
const ok = () => h.mcpServer((r, res) => reply(res, 200, 'application/json', JSON.stringify(result(r.json.id, { ok: true }))));

describe('configuration', () => {
  test('no URL: exit 2 and stderr names MCP_SERVER_URL', async () => {
    const run = h.cli([]);
    expect(await exitOf(run)).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain('MCP_SERVER_URL');
    expect(run.lines).toEqual([]);
  });

  test('--url ftp://x: exit 2 with the reason on stderr', async () => {
    const run = h.cli(['--url', 'ftp://x']);
    expect(await exitOf(run)).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toBe('mcp-rx-bridge: --url must be http:// or https://, got ftp://\n');
    expect(run.lines).toEqual([]);
  });

  test('MCP_SERVER_URL and MCP_AUTH from the environment are used', async () => {
    const server = await ok();
    const run = h.cli([], { MCP_SERVER_URL: server.url, MCP_AUTH: 'Bearer env-token-1' });
    run.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([JSON.stringify(result(1, { ok: true }))]);
    expect(posts(server)).toHaveLength(1);
    expect(posts(server)[0]!.url).toBe('/mcp');
    expect(posts(server)[0]!.headers.authorization).toBe('Bearer env-token-1');
  });

  test('--header "X-Key: ${TOKEN}" expands from the environment; Accept still lists JSON and SSE', async () => {
    const server = await ok();
    const run = h.cli(['--url', server.url, '--header', 'X-Key: ${TOKEN}', '-H', 'X-Plain:literal'], { TOKEN: 'tok-from-env' });
    run.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const seen = posts(server)[0]!.headers;
    expect(seen['x-key']).toBe('tok-from-env');
    expect(seen['x-plain']).toBe('literal');
    expect(seen['content-type']).toBe('application/json');
    const accept = String(seen.accept).split(',').map((t) => t.trim().split(';')[0]);
    expect(accept).toEqual(expect.arrayContaining(['application/json', 'text/event-stream']));
    expect(seen.authorization).toBeUndefined();
  });

  test('at --log-level debug, the Authorization and header token values never appear on stderr', async () => {
    const server = await h.mcpServer((r, res) => {
      // The error body echoes the credentials: it may reach the host, never the logs.
      if (r.json.id === 4) return reply(res, 401, 'text/plain', `denied: ${String(r.headers.authorization)} / ${String(r.headers['x-key'])}`);
      return reply(res, 200, 'application/json', JSON.stringify(result(r.json.id, {})));
    });
    const run = h.cli(['--url', server.url, '--log-level', 'debug', '--auth', 'Bearer sekrit-auth-123', '--header', 'X-Key: ${TOKEN}'], {
      TOKEN: 'tok-secret-456',
    });
    run.send({ jsonrpc: '2.0', id: 3, method: 'ping' });
    run.send({ jsonrpc: '2.0', id: 4, method: 'ping' });
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(posts(server)[0]!.headers.authorization).toBe('Bearer sekrit-auth-123');
    expect(posts(server)[0]!.headers['x-key']).toBe('tok-secret-456');
    const stderr = run.stderr();
    expect(stderr).toContain('DEBUG');
    expect(stderr).toContain('HTTP 401');
    expect(stderr).not.toContain('sekrit-auth-123');
    expect(stderr).not.toContain('tok-secret-456');
  });

  test('at --log-level debug, a password given in the URL (user:password@host) never appears on stderr', async () => {
    const server = await ok();
    const url = server.url.replace('http://', 'http://alice:pw-s3cret-99@');
    const run = h.cli(['--url', url, '--log-level', 'debug']);
    run.send({ jsonrpc: '2.0', id: 6, method: 'ping' });
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([JSON.stringify(result(6, { ok: true }))]);
    // The credentials were used (as Basic auth) ...
    expect(posts(server)[0]!.headers.authorization).toBe(`Basic ${Buffer.from('alice:pw-s3cret-99').toString('base64')}`);
    // ... and logging happened, but without them.
    expect(run.stderr()).toContain('DEBUG');
    expect(run.stderr()).not.toContain('pw-s3cret-99');
  });

  test('--quiet (even with --log-level debug): stderr stays empty while a failure is answered', async () => {
    const server = await h.mcpServer((_r, res) => reply(res, 500, 'text/plain', 'boom'));
    const run = h.cli(['--url', server.url, '--log-level', 'debug', '--quiet']);
    run.sendRaw('not json\n');
    run.send({ jsonrpc: '2.0', id: 5, method: 'ping' });
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines.map(parseLine).map((m) => [m.id, m.error?.code])).toEqual([
      [null, -32700],
      [5, -32000],
    ]);
    expect(run.stderr()).toBe('');
  });

  test('at --log-level debug every stdout line is JSON (logs go to stderr only)', async () => {
    const server = await h.mcpServer((r, res) => {
      if (r.json.id === 'e') return reply(res, 503, 'text/plain', 'nope');
      if (r.json.id === 's') {
        return reply(res, 200, 'text/event-stream', `data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"s","progress":1}}\n\ndata: ${JSON.stringify(result('s', {}))}\n\n`);
      }
      return reply(res, 200, 'application/json', JSON.stringify(result(r.json.id, { ok: 1 })));
    });
    const run = h.cli(['--url', server.url, '--log-level', 'debug', '--retries', '2', '--retry-base', '0.01']);
    run.send({ jsonrpc: '2.0', id: 'j', method: 'ping' });
    run.send({ jsonrpc: '2.0', id: 's', method: 'tools/call' });
    run.send({ jsonrpc: '2.0', id: 'e', method: 'ping' });
    run.sendRaw('{bad\n');
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toHaveLength(5);
    const parsed = run.lines.map((l) => JSON.parse(l) as { jsonrpc: string });
    for (const m of parsed) expect(m.jsonrpc).toBe('2.0');
    expect(run.stderr()).toMatch(/DEBUG POST /);
    expect(run.stderr()).toMatch(/INFO HTTP 503: retrying/);
  });

  test('--help exits 0 and prints the usage on stdout', async () => {
    const run = h.cli(['--help']);
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const out = run.lines.join('\n');
    expect(run.lines[0]).toBe('mcp-rx-bridge: MCP stdio <-> Streamable HTTP bridge');
    expect(out).toContain('Usage:');
    expect(out).toContain('--url <url>');
    expect(out).toContain('--max-message-bytes');
    expect(run.stderr()).toBe('');
  });

  test('--version prints the package.json version', async () => {
    const run = h.cli(['--version']);
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([packageJsonVersion()]);
    expect(run.stderr()).toBe('');
  });
});
