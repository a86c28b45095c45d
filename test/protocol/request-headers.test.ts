/** The MCP headers of a POST, derived from the message (streamable-http.md "Request Metadata"). */
import { classifyJsonRpc } from '../../operators';
import { isRepeatable } from '../../src/protocol/repeatable';
import { requestHeaders } from '../../src/protocol/request-headers';
import { ToolCatalog } from '../../src/protocol/tool-catalog';

const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
const msg = (value: object) => classifyJsonRpc(JSON.stringify({ jsonrpc: '2.0', ...value }));

describe('requestHeaders', () => {
  const tools = new ToolCatalog();
  tools.learn({ tools: [{ name: 'grüße', inputSchema: { type: 'object', properties: { to: { type: 'string', 'x-mcp-header': 'To' } } } }] });

  test('a 2026 tools/call: version from _meta, method, encoded name, Mcp-Param', () => {
    const m = msg({ id: 1, method: 'tools/call', params: { name: 'grüße', arguments: { to: 'Welt' }, _meta: META } });
    expect(requestHeaders(m, tools, '2025-06-18')).toEqual({
      'MCP-Protocol-Version': '2026-07-28',
      'Mcp-Method': 'tools/call',
      'Mcp-Name': '=?base64?Z3LDvMOfZQ==?=',
      'Mcp-Param-To': 'Welt',
    });
  });

  test('resources/read names its uri; prompts/get its name; other methods no name', () => {
    expect(requestHeaders(msg({ id: 2, method: 'resources/read', params: { uri: 'file:///a b', _meta: META } }), tools, undefined)['Mcp-Name']).toBe('file:///a b');
    expect(requestHeaders(msg({ id: 3, method: 'prompts/get', params: { name: 'p', _meta: META } }), tools, undefined)['Mcp-Name']).toBe('p');
    expect(requestHeaders(msg({ id: 4, method: 'tools/list', params: { _meta: META } }), tools, undefined)).toEqual({ 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/list' });
  });

  test('a 2025 message gets only the negotiated version (its wire stays as it was)', () => {
    expect(requestHeaders(msg({ method: 'notifications/initialized' }), tools, '2025-06-18')).toEqual({ 'MCP-Protocol-Version': '2025-06-18' });
    expect(requestHeaders(msg({ id: 1, method: 'initialize', params: {} }), tools, undefined)).toEqual({});
    expect(requestHeaders(msg({ id: 2, method: 'tools/call', params: { name: 'grüße', arguments: { to: 'x' } } }), tools, '2025-11-25')).toEqual({ 'MCP-Protocol-Version': '2025-11-25' });
  });

  test('a 2026 notification carries its method', () => {
    expect(requestHeaders(msg({ method: 'notifications/cancelled', params: { requestId: 1, _meta: META } }), tools, undefined)).toEqual({ 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'notifications/cancelled' });
  });
});

describe('isRepeatable', () => {
  const tools = new ToolCatalog();
  tools.learn({ tools: [{ name: 'look', annotations: { readOnlyHint: true } }, { name: 'send', annotations: {} }] });
  test.each([
    ['initialize', { id: 1, method: 'initialize', params: {} }, true],
    ['tools/list', { id: 1, method: 'tools/list' }, true],
    ['resources/templates/list', { id: 1, method: 'resources/templates/list' }, true],
    ['server/discover', { id: 1, method: 'server/discover', params: { _meta: META } }, true],
    ['a read-only tool', { id: 1, method: 'tools/call', params: { name: 'look' } }, true],
    ['a tool without hints', { id: 1, method: 'tools/call', params: { name: 'send' } }, false],
    ['a tool never listed', { id: 1, method: 'tools/call', params: { name: 'unknown' } }, false],
    ['an unknown method', { id: 1, method: 'x/do' }, false],
    ['a notification', { method: 'notifications/cancelled', params: { requestId: 1 } }, true],
  ])('%s', (_title, value, expected) => {
    expect(isRepeatable(msg(value), tools)).toBe(expected);
  });
});
