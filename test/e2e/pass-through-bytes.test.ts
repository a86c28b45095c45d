/**
 * Issue #14 item 5: where host and server share a revision, the bridge translates nothing: each
 * message reaches the server byte for byte as the host wrote it (spacing, key order, escapes,
 * number spellings), for a 2025 session and for 2026-07-28 stateless traffic alike.
 */
import { useHarness } from '../helpers/cli-kit';
import { json, result } from '../helpers/http-server';
import { initializeResult } from '../helpers/session-server';

const MODERN = [
  '{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"h","version":"1"}}}}',
  '{ "jsonrpc" : "2.0", "id" : 2, "method" : "tools/call", "params" : { "name" : "grüße", "arguments" : { "n" : 1.50, "s" : "\\u00e9\\n" }, "_meta" : { "io.modelcontextprotocol/protocolVersion" : "2026-07-28", "io.modelcontextprotocol/clientCapabilities" : {} } } }',
];
const LEGACY = [
  '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"h","version":"1"}}}',
  '{"jsonrpc":"2.0","method":"notifications/initialized"}',
  '{"jsonrpc": "2.0", "id": 18446744073709551616, "method": "tools/call", "params": {"name": "x", "arguments": {"big": 1e400}}}',
];

describe('pass-through is byte for byte', () => {
  const h = useHarness();

  test.each([
    ['2026-07-28 host on a 2026-07-28 server', MODERN],
    ['2025 host on a 2025 server', LEGACY],
  ])('%s: every POST body is the host line as written', async (_title, lines) => {
    const srv = await h.mcpServer((req, res) => {
      const m = req.json as { id?: unknown; method?: string } | undefined;
      if (m?.method === 'initialize') return json(res, result(m.id, initializeResult()), 200, { 'Mcp-Session-Id': 's1' });
      if (m?.id === undefined) return void res.writeHead(202).end();
      // The raw id text goes back as written too (a 2^64 id does not survive JSON.parse).
      const idText = /"id"\s*:\s*([^,}\s]+)/.exec(req.body)![1];
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"jsonrpc":"2.0","id":${idText},"result":{}}`);
    });
    const run = h.cli(['--url', srv.url]);
    for (const line of lines) run.sendRaw(line + '\n');
    run.end();
    await run.exited;
    const posts = srv.requests.filter((r) => r.method === 'POST').map((r) => r.body);
    expect(posts).toEqual(lines);
    expect(run.lines).toHaveLength(lines.filter((l) => l.includes('"id"')).length);
  });
});
