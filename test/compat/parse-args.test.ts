/**
 * Reference: test_parse_args_with_env, test_parse_args_missing_url, test_settings_defaults, and
 * the flags / environment variables of both reference wrappers (Python mcpgateway.wrapper and the
 * Rust contextforge-stdio-wrapper), as mapped in docs/migrating-from-mcpgateway-wrapper.md.
 */
import { loadConfig, type BridgeConfig } from '../../src/config/config';
import { runCli } from '../helpers/cli-process';
import { json, startServer } from '../helpers/http-server';
import { ok, ping, posts } from './support';

function config(argv: string[], env: Record<string, string> = {}): BridgeConfig {
  const outcome = loadConfig(argv, env);
  if (outcome.kind !== 'run') throw new Error(`expected a run configuration, got ${outcome.kind}`);
  return outcome.config;
}

const URL = ['--url', 'http://x/mcp'];

describe('parse_args', () => {
  test('parse_args_with_env: MCP_SERVER_URL and MCP_AUTH come from the environment (CLI)', async () => {
    const server = await startServer((req, res) => (req.method === 'POST' ? json(res, ok(req.json.id)) : void res.writeHead(405).end()), '/servers/uuid');
    try {
      const run = runCli([], { MCP_SERVER_URL: server.url, MCP_AUTH: 'Bearer 123' });
      run.send(ping(1));
      run.end();
      const { code } = await run.exited;
      expect(code).toBe(0);
      const seen = posts(server.requests);
      expect(seen.map((r) => r.url)).toEqual(['/servers/uuid/mcp/']);
      expect(seen.map((r) => r.headers.authorization)).toEqual(['Bearer 123']);
      expect(run.lines).toEqual([JSON.stringify(ok(1))]);
    } finally {
      await server.close();
    }
  });

  test('parse_args_with_env: the same through loadConfig', () => {
    const c = config([], { MCP_SERVER_URL: 'http://localhost:4444/servers/uuid', MCP_AUTH: 'Bearer 123' });
    expect(c.url).toBe('http://localhost:4444/servers/uuid/mcp/');
    expect(c.headers).toEqual({ Authorization: 'Bearer 123' });
  });

  test('parse_args_with_env: --url and --auth win over MCP_SERVER_URL and MCP_AUTH', () => {
    const c = config(['--url', 'http://a/servers/u1', '--auth', 'Bearer flag'], { MCP_SERVER_URL: 'http://b/servers/u2', MCP_AUTH: 'Bearer env' });
    expect(c.url).toBe('http://a/servers/u1/mcp/');
    expect(c.headers).toEqual({ Authorization: 'Bearer flag' });
  });

  test('parse_args_missing_url: no URL exits with status 2 and a message on stderr (CLI)', async () => {
    const run = runCli([], {});
    run.end();
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.stderr()).toBe('mcp-rx-bridge: no server URL: pass --url <url> or set MCP_SERVER_URL (or try --demo)\n');
    expect(run.lines).toEqual([]);
  });

  test('parse_args_missing_url: an empty MCP_SERVER_URL counts as missing (CLI)', async () => {
    const run = runCli([], { MCP_SERVER_URL: '  ' });
    run.end();
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.stderr()).toBe('mcp-rx-bridge: no server URL: pass --url <url> or set MCP_SERVER_URL (or try --demo)\n');
  });

  test('settings_defaults: timeout 60 s, concurrency 10, JSON bodies, verification on', () => {
    const c = config(URL);
    expect({ timeoutMs: c.timeoutMs, connectTimeoutMs: c.connectTimeoutMs, concurrency: c.concurrency, contentType: c.contentType, insecure: c.tls.insecure, headers: c.headers }).toEqual({
      timeoutMs: 60_000,
      connectTimeoutMs: 15_000,
      concurrency: 10,
      contentType: 'application/json',
      insecure: false,
      headers: {},
    });
  });

  test('parse_args (Python): --timeout / MCP_TOOL_CALL_TIMEOUT, --log-level / MCP_WRAPPER_LOG_LEVEL, CONCURRENCY, FORGE_CONTENT_TYPE, SKIP_SSL_VERIFY', () => {
    expect(config([...URL, '--timeout', '120']).timeoutMs).toBe(120_000);
    expect(config(URL, { MCP_TOOL_CALL_TIMEOUT: '2.5' }).timeoutMs).toBe(2_500);
    expect(config([...URL, '--log-level', 'DEBUG']).logLevel).toBe('debug');
    expect(config(URL, { MCP_WRAPPER_LOG_LEVEL: 'WARNING' }).logLevel).toBe('warn');
    expect(config(URL, { CONCURRENCY: '3' }).concurrency).toBe(3);
    expect(config(URL, { FORGE_CONTENT_TYPE: 'application/x-www-form-urlencoded' }).contentType).toBe('application/x-www-form-urlencoded');
    expect(config(URL, { SKIP_SSL_VERIFY: 'true' }).tls.insecure).toBe(true);
    expect(config(URL, { SKIP_SSL_VERIFY: 'false' }).tls.insecure).toBe(false);
  });

  test('parse_args (Rust): --concurrency, LOG_LEVEL, --log-file / MCP_LOG_FILE, --tls-cert / TLS_CERT, -c / --mcp-content-type / MCP_CONTENT_TYPE', () => {
    expect(config([...URL, '--concurrency', '4']).concurrency).toBe(4);
    expect(config(URL, { LOG_LEVEL: 'trace' }).logLevel).toBe('debug');
    expect(config(URL, { LOG_LEVEL: 'off' }).logLevel).toBe('off');
    expect(config([...URL, '--log-file', '/tmp/w.log']).logFile).toBe('/tmp/w.log');
    expect(config(URL, { MCP_LOG_FILE: '/tmp/e.log' }).logFile).toBe('/tmp/e.log');
    expect(config([...URL, '--tls-cert', '/etc/ca.pem']).tls.caFile).toBe('/etc/ca.pem');
    expect(config(URL, { TLS_CERT: '/etc/env-ca.pem' }).tls.caFile).toBe('/etc/env-ca.pem');
    expect(config([...URL, '-c', 'application/x-www-form-urlencoded']).contentType).toBe('application/x-www-form-urlencoded');
    expect(config([...URL, '--mcp-content-type', 'auto']).contentType).toBe('auto');
    expect(config(URL, { MCP_CONTENT_TYPE: 'auto' }).contentType).toBe('auto');
  });

  test('parse_args (Rust): --http-pool-size, --http-pool-idle-timeout, --http2 / HTTP2, --insecure / INSECURE', () => {
    const c = config([...URL, '--http-pool-size', '8', '--http-pool-idle-timeout', '30', '--http2', '--insecure']);
    expect({ poolSize: c.poolSize, poolIdleTimeoutMs: c.poolIdleTimeoutMs, http2: c.http2, insecure: c.tls.insecure }).toEqual({
      poolSize: 8,
      poolIdleTimeoutMs: 30_000,
      http2: true,
      insecure: true,
    });
    const e = config(URL, { HTTP_POOL_SIZE: '6', HTTP_POOL_IDLE_TIMEOUT: '45', HTTP2: 'true', INSECURE: 'true' });
    expect({ poolSize: e.poolSize, poolIdleTimeoutMs: e.poolIdleTimeoutMs, http2: e.http2, insecure: e.tls.insecure }).toEqual({
      poolSize: 6,
      poolIdleTimeoutMs: 45_000,
      http2: true,
      insecure: true,
    });
  });

  test('parse_args (Rust): --http-pool-per-worker is accepted as a bare flag, as the Rust wrapper takes it', () => {
    expect(() => config([...URL, '--http-pool-per-worker'])).not.toThrow();
    expect(() => config([...URL, '--http-pool-per-worker=true'])).not.toThrow();
    expect(() => config([...URL, '--http-pool-per-worker=false'])).not.toThrow();
    expect(() => config(URL, { HTTP_POOL_PER_WORKER: 'true' })).not.toThrow();
  });

  test('parse_args: boolean flags take =true / =false as well; another value is an error', () => {
    expect(config([...URL, '--insecure=true']).tls.insecure).toBe(true);
    expect(config([...URL, '--insecure=false']).tls.insecure).toBe(false);
    expect(config([...URL, '--http2=1']).http2).toBe(true);
    expect(() => config([...URL, '--insecure=maybe'])).toThrow(/does not take an argument/);
  });

  test('parse_args: the mcp-remote style positional URL is accepted', () => {
    expect(config(['http://x/servers/uuid']).url).toBe('http://x/servers/uuid/mcp/');
  });
});
