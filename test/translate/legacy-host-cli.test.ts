/**
 * Issue #14, 2025 host → 2026-only server, as raw JSON-RPC lines through the built CLI (no flag):
 * what an SDK host does not show on its own — cancelling a call while the host is being asked for
 * input, ids the bridge answers itself, lines in order. Needs dist/ (built by `pretest`).
 */
import { useHarness, waitFor } from '../helpers/cli-kit';
import { startSdkV2Server, type SdkV2Server } from '../helpers/sdk-v2';

jest.setTimeout(60_000);

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: { elicitation: {} }, clientInfo: { name: 'raw-host', version: '1' } },
};

describe('2025 host lines through the CLI to the SDK v2 modern-only server', () => {
  const h = useHarness();
  let server: SdkV2Server;

  beforeAll(async () => {
    server = await startSdkV2Server('modern', { record: true });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('cancelling a call while the host is asked for input: the server request is withdrawn, the call gets no answer, nothing is retried', async () => {
    const cli = h.cli(['--url', server.url]);
    cli.send(INITIALIZE);
    cli.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await cli.waitForLines(1);
    cli.send({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'confirm', arguments: { action: 'drop' } } });
    const [, ask] = (await cli.waitForLines(2)).map((l) => JSON.parse(l) as { id?: string; method?: string; params?: Record<string, unknown> });
    expect(ask).toMatchObject({ method: 'elicitation/create', id: expect.stringMatching(/^rx-input-\d+$/), params: { message: 'Really drop?' } });
    const cancelledAt = Date.now();
    cli.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 5, reason: 'user gave up' } });
    const withdrawn = JSON.parse((await cli.waitForLines(3))[2]!) as Record<string, unknown>;
    expect(withdrawn).toEqual({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: ask!.id, reason: 'the request that needed this input ended' } });
    // A late answer from the host goes nowhere; the bridge still answers what it is asked.
    cli.send({ jsonrpc: '2.0', id: ask!.id, result: { action: 'accept', content: { confirm: true, name: 'late' } } });
    cli.send({ jsonrpc: '2.0', id: 6, method: 'ping' });
    expect(JSON.parse((await cli.waitForLines(4))[3]!)).toEqual({ jsonrpc: '2.0', id: 6, result: {} });
    cli.end();
    expect((await cli.exited).code).toBe(0);
    expect(cli.messages().filter((m) => m.id === 5)).toEqual([]);
    await waitFor(() => server.recorded().some((r) => r.rpc?.method === 'subscriptions/listen' && r.at >= cancelledAt - 60_000), 'the listen stream recorded');
    expect(server.recorded().filter((r) => r.rpc?.name === 'confirm' && r.at >= cancelledAt)).toEqual([]);
    expect(server.recorded().filter((r) => r.rpc?.hasResult === true || r.rpc?.method === 'notifications/cancelled')).toEqual([]);
  });

  test('ids the bridge answers itself go back as the host wrote them; malformed subscribe params are -32602', async () => {
    const cli = h.cli(['--url', server.url]);
    // (The initialize keeps a small id: it reaches the server as the era probe, and the SDK server refuses ids beyond 2^53.)
    cli.send({ ...INITIALIZE, params: { ...INITIALIZE.params, protocolVersion: '2025-03-26' } });
    cli.sendRaw('{"jsonrpc":"2.0","id":18446744073709551617,"method":"ping"}\n');
    cli.send({ jsonrpc: '2.0', id: 'sub', method: 'resources/subscribe', params: {} });
    const lines = await cli.waitForLines(3);
    cli.end();
    expect((await cli.exited).code).toBe(0);
    const init = lines.find((l) => l.startsWith('{"jsonrpc":"2.0","id":0,'));
    expect(JSON.parse(init!)).toMatchObject({ result: { protocolVersion: '2025-03-26', serverInfo: { name: 'rx-bridge-sdk-v2-fixture' } } });
    expect(lines).toContain('{"jsonrpc":"2.0","id":18446744073709551617,"result":{}}');
    expect(lines).toContain('{"jsonrpc":"2.0","id":"sub","error":{"code":-32602,"message":"resources/subscribe needs params.uri"}}');
  });
});
