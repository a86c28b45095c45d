/**
 * Issue #13 items 1, 2 and 4 on the wire: what the bridge POSTs for 2026-07-28 traffic, recorded by
 * the SDK v2 fixture server (`--record`: every HTTP request's method, headers and body summary).
 */
import { runCli } from '../helpers/cli-process';
import { runSdkV2Host, startSdkV2Server, type RecordedRequest, type SdkV2Server } from '../helpers/sdk-v2';

const V = '2026-07-28';
const META = {
  'io.modelcontextprotocol/protocolVersion': V,
  'io.modelcontextprotocol/clientInfo': { name: 'wire-test', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const b64 = (s: string) => `=?base64?${Buffer.from(s, 'utf8').toString('base64')}?=`;
const header = (r: RecordedRequest, name: string) => r.headers[name.toLowerCase()];

/** Rules every 2026-07-28 POST must follow, whatever its method. */
function expectModernPost(r: RecordedRequest) {
  const what = `${r.method} ${r.rpc?.method ?? '(no body)'} id=${String(r.rpc?.id)}`;
  expect({ what, method: r.method }).toEqual({ what, method: 'POST' });
  expect({ what, session: header(r, 'mcp-session-id'), lastEventId: header(r, 'last-event-id') }).toEqual({ what, session: undefined, lastEventId: undefined });
  if (r.rpc?.method !== undefined && r.rpc.id !== undefined) {
    expect({ what, version: header(r, 'mcp-protocol-version'), method: header(r, 'mcp-method') }).toEqual({ what, version: V, method: r.rpc.method });
    if (['tools/call', 'prompts/get', 'resources/read'].includes(r.rpc.method)) {
      const source = r.rpc.name ?? r.rpc.uri ?? '';
      const plain = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(source) && !(source.startsWith('=?base64?') && source.endsWith('?='));
      expect({ what, name: header(r, 'mcp-name') }).toEqual({ what, name: plain ? source : b64(source) });
    }
  }
}

describe('wire 2026-07-28: raw JSON-RPC lines through the CLI to the modern-only SDK v2 server', () => {
  let server: SdkV2Server;

  beforeAll(async () => {
    server = await startSdkV2Server('modern', { record: true });
  }, 30000);

  afterAll(async () => {
    await server?.stop();
  });

  test('headers derived from each message; Mcp-Param-Region learned from tools/list; no session, GET or DELETE', async () => {
    const run = runCli(['--url', server.url, '--timeout', '10']);
    const lines: Array<Record<string, unknown>> = [];
    // One at a time: the tools/list answer must have passed through before the region call.
    const ask = async (message: Record<string, unknown>) => {
      run.send(message);
      const got = await run.waitForLines(lines.length + 1, 15000);
      lines.push(JSON.parse(got[lines.length]) as Record<string, unknown>);
    };
    await ask({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: META } });
    await ask({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: META } });
    await ask({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'region', arguments: { region: 'Zürich 東京', query: 'q' }, _meta: META } });
    await ask({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'region', arguments: { region: 'us-west1', query: 'q' }, _meta: META } });
    await ask({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'region', arguments: { region: ' padded ', query: 'q' }, _meta: META } });
    await ask({ jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'grüße', arguments: {}, _meta: META } });
    await ask({ jsonrpc: '2.0', id: 7, method: 'resources/read', params: { uri: 'demo://counter', _meta: META } });
    run.end();
    expect(await run.exited).toEqual({ code: 0, signal: null });

    // Every request answered with a result (no -32020 HeaderMismatch relayed).
    expect(lines.map((l) => [l.id, 'result' in l ? 'result' : JSON.stringify(l.error)])).toEqual([1, 2, 3, 4, 5, 6, 7].map((id) => [id, 'result']));

    const recorded = server.recorded();
    expect(recorded.map((r) => `${r.method} ${r.rpc?.method} ${r.status}`)).toEqual([
      'POST server/discover 200',
      'POST tools/list 200',
      'POST tools/call 200',
      'POST tools/call 200',
      'POST tools/call 200',
      'POST tools/call 200',
      'POST resources/read 200',
    ]);
    for (const r of recorded) expectModernPost(r);
    const regionHeaders = recorded.filter((r) => r.rpc?.name === 'region').map((r) => header(r, 'mcp-param-region'));
    expect(regionHeaders).toEqual([b64('Zürich 東京'), 'us-west1', b64(' padded ')]);
    expect(header(recorded[5], 'mcp-name')).toBe('=?base64?Z3LDvMOfZQ==?=');
    expect(header(recorded[6], 'mcp-name')).toBe('demo://counter');
  }, 60000);
});

describe('wire 2026-07-28: the SDK v2 host (pinned) through the CLI', () => {
  let server: SdkV2Server;
  let recorded: RecordedRequest[];

  beforeAll(async () => {
    server = await startSdkV2Server('modern', { record: true });
    await runSdkV2Host({ url: server.url, via: 'bridge', negotiation: 'pin', bridgeArgs: ['--timeout', '2'], holdMs: 3500 });
    recorded = server.recorded();
  }, 180000);

  afterAll(async () => {
    await server?.stop();
  });

  test('the host got past discovery (its calls reached the server)', () => {
    expect(recorded.some((r) => r.rpc?.method === 'tools/call')).toBe(true);
  });

  test('every request is a 2026-07-28 POST with MCP-Protocol-Version, Mcp-Method, Mcp-Name; no session id', () => {
    expect(recorded.length).toBeGreaterThan(0);
    for (const r of recorded) expectModernPost(r);
  });

  test('no initialize, no GET stream, no DELETE', () => {
    expect(recorded.filter((r) => r.method !== 'POST').map((r) => r.method)).toEqual([]);
    expect(recorded.filter((r) => r.rpc?.method === 'initialize' || r.rpc?.method === 'notifications/initialized')).toEqual([]);
  });

  test('Mcp-Param-Region mirrors the x-mcp-header argument (plain ASCII and =?base64?…?=)', () => {
    const region = recorded.filter((r) => r.rpc?.method === 'tools/call' && r.rpc.name === 'region');
    expect(region.map((r) => [r.rpc?.arguments?.region, header(r, 'mcp-param-region'), r.status])).toEqual([
      ['us-west1', 'us-west1', 200],
      ['Zürich 東京', b64('Zürich 東京'), 200],
    ]);
  });

  test('the non-ASCII tool name goes out as Mcp-Name: =?base64?…?=', () => {
    const g = recorded.filter((r) => r.rpc?.method === 'tools/call' && r.rpc.name === 'grüße');
    expect(g.map((r) => [header(r, 'mcp-name'), r.status])).toEqual([['=?base64?Z3LDvMOfZQ==?=', 200]]);
  });

  test('subscriptions/listen: held past --timeout, closed by the bridge (stream close = cancellation) when the host cancels or exits', () => {
    const listens = recorded.filter((r) => r.rpc?.method === 'subscriptions/listen');
    expect(listens.length).toBeGreaterThanOrEqual(2);
    // The first was held 3.5 s (past --timeout 2), then the host closed it: the bridge closed the
    // HTTP stream (no response was written, so the server saw the connection end early).
    expect(listens.map((r) => r.closedEarly)).toEqual(listens.map(() => true));
  });
});
