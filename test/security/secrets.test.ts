/**
 * Secrets never reach the logs: the Authorization value (--auth / MCP_AUTH, and the credential
 * inside it) and every --header value stay off stderr and off --log-file, at every level and in
 * both formats, including when the server echoes them back (401 body, WWW-Authenticate, an
 * invalid JSON body) and when the server cannot be reached.
 *
 * Each test first checks that the secrets really went out (the server saw them) and that logs
 * were written, so that "nothing leaked" cannot pass vacuously.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type SeenRequest } from '../helpers/http-server';
import { closedPort, leakedIn, parseLine, stackFrames, useCleanup, within } from '../helpers/chaos-kit';

const TOKEN = 'tok-9f8e7d6c5b4a-SECRET';
const AUTH = `Bearer ${TOKEN}`;
const HEADER = 'hdr-value-1a2b3c-SECRET';
/** Everything that must never be logged: the Authorization value, its credential, the header value. */
const SECRETS = [AUTH, TOKEN, HEADER];
const REQUEST = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } };

const h = useCleanup();

/** A server that rejects every request with 401 and echoes every secret it was given. */
async function echoing401() {
  const server = await startServer((r: SeenRequest, res) => {
    const auth = String(r.headers.authorization ?? '');
    const key = String(r.headers['x-api-key'] ?? '');
    const credential = auth.replace(/^Bearer /, '');
    res.writeHead(401, {
      'Content-Type': 'application/json',
      'WWW-Authenticate': `Bearer error="invalid_token", error_description="token ${credential} expired"`,
    });
    res.end(JSON.stringify({ error: 'unauthorized', youSent: { authorization: auth, token: credential, 'x-api-key': key } }));
  });
  h.defer(() => server.close());
  return server;
}

async function runOnce(args: string[], env: Record<string, string> = {}) {
  const bridge = h.bridge(args, { env });
  await bridge.send(REQUEST);
  bridge.end();
  const exit = await within(bridge.finished, 30_000, 'bridge exit');
  return { bridge, exit, stderr: bridge.stderr() };
}

function expectOneErrorLine(lines: string[], code = -32000): void {
  expect(lines).toHaveLength(1);
  const msg = parseLine(lines[0]!);
  expect(msg.id).toBe(1);
  expect(msg.error?.code).toBe(code);
}

describe('secrets stay out of the logs', () => {
  const configs: Array<[string, string[]]> = [
    ['debug, text', ['--log-level', 'debug']],
    ['info, text', ['--log-level', 'info']],
    ['warn, text', ['--log-level', 'warn']],
    ['debug, json', ['--log-level', 'debug', '--log-format', 'json']],
  ];

  test.each(configs)('401 echoing the token and the header value (%s)', async (_name, logArgs) => {
    const server = await echoing401();
    const { bridge, exit, stderr } = await runOnce(['--url', server.url, '--auth', AUTH, '-H', `X-Api-Key: ${HEADER}`, '--transport', 'streamable-http', ...logArgs]);
    expect(exit).toEqual({ code: 0, signal: null });
    // The secrets went out...
    expect(server.requests.map((r) => [r.headers.authorization, r.headers['x-api-key']])).toEqual([[AUTH, HEADER]]);
    expectOneErrorLine(bridge.lines);
    // ...logs were written (the 401 is reported at warn)...
    expect(stderr).toMatch(/401/);
    // ...and none of them is in the logs.
    expect(leakedIn(stderr, SECRETS)).toEqual([]);
    expect(stackFrames(stderr)).toEqual([]);
  });

  test('MCP_AUTH and a ${VAR}-expanded --header, debug level', async () => {
    const server = await echoing401();
    const { bridge, exit, stderr } = await runOnce(
      ['--url', server.url, '-H', 'X-Api-Key: ${API_KEY}', '--log-level', 'debug', '--transport', 'streamable-http'],
      { MCP_AUTH: AUTH, API_KEY: HEADER },
    );
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.requests.map((r) => [r.headers.authorization, r.headers['x-api-key']])).toEqual([[AUTH, HEADER]]);
    expectOneErrorLine(bridge.lines);
    expect(stderr).toMatch(/DEBUG/);
    expect(leakedIn(stderr, SECRETS)).toEqual([]);
  });

  test.each([
    ['text', []],
    ['json', ['--log-format', 'json']],
  ])('unreachable server, debug level (%s)', async (_name, formatArgs) => {
    const port = await closedPort();
    const { bridge, exit, stderr } = await runOnce([
      '--url', `http://127.0.0.1:${port}/mcp`,
      '--auth', AUTH,
      '-H', `X-Api-Key: ${HEADER}`,
      '--log-level', 'debug',
      '--retry-base', '0.001',
      '--retry-max', '0.01',
      '--transport', 'streamable-http',
      ...formatArgs,
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    expectOneErrorLine(bridge.lines);
    expect(parseLine(bridge.lines[0]!).error?.data?.code).toBe('ECONNREFUSED');
    expect(stderr).toMatch(/ECONNREFUSED/);
    expect(leakedIn(stderr, SECRETS)).toEqual([]);
  });

  test('--log-file at debug level: the file has the logs, and no secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-log-'));
    h.defer(() => rmSync(dir, { recursive: true, force: true }));
    const logFile = join(dir, 'bridge.log');
    const server = await echoing401();
    const { bridge, exit, stderr } = await runOnce([
      '--url', server.url, '--auth', AUTH, '-H', `X-Api-Key: ${HEADER}`, '--log-level', 'debug', '--log-file', logFile, '--transport', 'streamable-http',
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    expectOneErrorLine(bridge.lines);
    const log = readFileSync(logFile, 'utf8');
    expect(log).toMatch(/DEBUG POST/);
    expect(log).toMatch(/401/);
    expect(leakedIn(log, SECRETS)).toEqual([]);
    expect(leakedIn(stderr, SECRETS)).toEqual([]);
  });

  test('a 200 whose invalid JSON body is the bare credential: the credential is not logged', async () => {
    // The logger knows the whole Authorization value ("Bearer <token>"); the credential alone,
    // echoed by a server, must not slip through. V8 quotes an invalid JSON text of up to 20
    // characters whole in its error message, so a short API key is echoed entirely.
    const token = 'k3y-SECRET-0042';
    const server = await startServer((r, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(String(r.headers.authorization).replace(/^Bearer /, ''));
    });
    h.defer(() => server.close());
    const { bridge, exit, stderr } = await runOnce(['--url', server.url, '--auth', `Bearer ${token}`, '--log-level', 'warn', '--transport', 'streamable-http']);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${token}`]);
    expectOneErrorLine(bridge.lines);
    expect(stderr).toMatch(/invalid JSON/);
    expect(leakedIn(stderr, [`Bearer ${token}`, token])).toEqual([]);
  });

  test('--log-format json: a header value with a quote and a backslash is not logged in its JSON-escaped form', async () => {
    const odd = 'q"uo\\te-SECRET-55';
    const server = await startServer((r, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(String(r.headers['x-api-key']));
    });
    h.defer(() => server.close());
    const { bridge, exit, stderr } = await runOnce(['--url', server.url, '-H', `X-Api-Key: ${odd}`, '--log-format', 'json', '--transport', 'streamable-http']);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.requests.map((r) => r.headers['x-api-key'])).toEqual([odd]);
    expectOneErrorLine(bridge.lines);
    expect(stderr).toMatch(/invalid JSON/);
    expect(leakedIn(stderr, [odd])).toEqual([]);
  });
});
