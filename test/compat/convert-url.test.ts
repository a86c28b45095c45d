/**
 * Reference: test_convert_url_variants (and the convert_url doctests; the Rust wrapper's
 * normalize_url tests agree). Differences are listed in docs/migrating-from-mcpgateway-wrapper.md.
 */
import { resolveServerUrl, rewriteContextForgeUrl } from '../../src/config/server-url';
import { ok, posts, bridge, ping } from './support';
import { json } from '../helpers/http-server';

describe('convert_url (URL normalisation)', () => {
  test('convert_url: servers/uuid gains /mcp/', () => {
    expect(rewriteContextForgeUrl('http://x/servers/uuid')).toBe('http://x/servers/uuid/mcp/');
    expect(resolveServerUrl('http://x/servers/uuid', true)).toBe('http://x/servers/uuid/mcp/');
  });

  test('convert_url: servers/uuid/ gains mcp/ without a double slash (difference: reference gives //mcp/)', () => {
    expect(resolveServerUrl('http://x/servers/uuid/', true)).toBe('http://x/servers/uuid/mcp/');
    expect(rewriteContextForgeUrl('http://x/servers/uuid/')).toBe('http://x/servers/uuid/mcp/');
  });

  test('convert_url: servers/uuid/mcp gains its trailing slash', () => {
    expect(resolveServerUrl('http://x/servers/uuid/mcp', true)).toBe('http://x/servers/uuid/mcp/');
  });

  test('convert_url: servers/uuid/mcp/ is unchanged', () => {
    expect(resolveServerUrl('http://x/servers/uuid/mcp/', true)).toBe('http://x/servers/uuid/mcp/');
    expect(rewriteContextForgeUrl('http://x/servers/uuid/mcp/')).toBe('http://x/servers/uuid/mcp/');
  });

  test('convert_url: servers/uuid/sse becomes servers/uuid/mcp/', () => {
    expect(resolveServerUrl('http://x/servers/uuid/sse', true)).toBe('http://x/servers/uuid/mcp/');
  });

  test('convert_url: the doctest forms with host and port', () => {
    expect(resolveServerUrl('http://localhost:4444/servers/uuid', true)).toBe('http://localhost:4444/servers/uuid/mcp/');
    expect(resolveServerUrl('http://localhost:4444/servers/uuid/sse', true)).toBe('http://localhost:4444/servers/uuid/mcp/');
    expect(resolveServerUrl('http://localhost:4444/servers/uuid/mcp', true)).toBe('http://localhost:4444/servers/uuid/mcp/');
  });

  test('convert_url: URLs outside /servers/<id> are unchanged (difference: reference appends /mcp/ to every URL)', () => {
    expect(resolveServerUrl('http://x/rpc', true)).toBe('http://x/rpc');
    expect(resolveServerUrl('http://x/api/v1/endpoint', true)).toBe('http://x/api/v1/endpoint');
    expect(resolveServerUrl('https://example.com/mcp', true)).toBe('https://example.com/mcp');
    expect(rewriteContextForgeUrl('http://x/rpc')).toBe('http://x/rpc');
  });

  test('convert_url: a query string stays after the rewritten path (difference: reference appends /mcp/ after the query)', () => {
    expect(resolveServerUrl('http://x/servers/uuid?team=a', true)).toBe('http://x/servers/uuid/mcp/?team=a');
  });

  test('convert_url: no rewrite at all when disabled (resolveServerUrl(url, false))', () => {
    expect(resolveServerUrl('http://x/servers/uuid', false)).toBe('http://x/servers/uuid');
    expect(resolveServerUrl('http://x/servers/uuid/sse', false)).toBe('http://x/servers/uuid/sse');
  });

  test('convert_url: through the CLI the server sees /servers/<id>/mcp/', async () => {
    const out = await bridge((req, res) => json(res, ok(req.json.id)), [ping(1)], {
      path: '/servers/abc-123',
    });
    expect(posts(out.requests).map((r) => r.url)).toEqual(['/servers/abc-123/mcp/']);
    expect(out.messages).toEqual([ok(1)]);
    expect(out.code).toBe(0);
  });

  test('convert_url: --no-url-rewrite sends to the URL exactly as given (CLI)', async () => {
    const out = await bridge((req, res) => json(res, ok(req.json.id)), [ping(1)], {
      path: '/servers/abc-123',
      args: ['--no-url-rewrite'],
    });
    expect(posts(out.requests).map((r) => r.url)).toEqual(['/servers/abc-123']);
    expect(out.messages).toEqual([ok(1)]);
    expect(out.code).toBe(0);
  });
});
