/**
 * `--auth` / `MCP_AUTH` with a CR, LF or another control character (#18 item 3): axios would strip
 * the line break silently and send a credential other than the one given (or a smuggled header);
 * the bridge refuses it at start-up, exit 2, as `-H` does, without echoing the secret.
 */
import { ConfigError, loadConfig } from '../../src/config/config';
import { exitOf, posts, useHarness } from '../helpers/cli-kit';

const h = useHarness();
const URL_ARGS = ['--url', 'http://127.0.0.1:9/mcp'];

describe('an Authorization value with control characters', () => {
  test.each([
    ['CR LF (a smuggled header)', 'Bearer tok-SECRET-1\r\nX-Evil: 1'],
    ['a trailing LF', 'Bearer tok-SECRET-1\n'],
    ['a bare CR', 'Bearer tok\rSECRET-1'],
    ['NUL', 'Bearer tok\u0000SECRET-1'],
    ['ESC', 'Bearer tok\u001bSECRET-1'],
    ['DEL', 'Bearer tok\u007fSECRET-1'],
  ])('--auth with %s is refused, naming the flag and not the value', (_name, value) => {
    expect(() => loadConfig([...URL_ARGS, '--auth', value], {})).toThrow(ConfigError);
    expect(() => loadConfig([...URL_ARGS, '--auth', value], {})).toThrow(/^--auth: the value contains a line break or another control character$/);
    expect(() => loadConfig(URL_ARGS, { MCP_AUTH: value })).toThrow(/^MCP_AUTH: the value contains a line break/);
  });

  test('a tab is a legal header character: accepted', () => {
    const outcome = loadConfig([...URL_ARGS, '--auth', 'Bearer\ttok'], {});
    expect(outcome.kind).toBe('run');
  });

  test('the CLI exits 2 with the reason on stderr, sends nothing, and does not print the secret', async () => {
    const server = await h.mcpServer((_r, res) => void res.writeHead(500).end());
    const run = h.cli(['--url', server.url], { MCP_AUTH: 'Bearer tok-SECRET-1\r\nX-Evil: 1' });
    run.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    run.end();
    expect(await exitOf(run)).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain('MCP_AUTH: the value contains a line break or another control character');
    expect(run.stderr()).not.toContain('SECRET');
    expect(run.lines).toEqual([]);
    expect(posts(server)).toHaveLength(0);
  });
});
