/**
 * End to end over the legacy HTTP+SSE transport (2024-11-05): server-everything in `sse` mode
 * (GET /sse gives the `endpoint` event, messages are POSTed to /message?sessionId=...), our CLI
 * run with `--transport sse --url <.../sse>`, driven by the SDK Client over stdio.
 */
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { connectThroughBridge, progressAndAnswer, startEverything, type BridgedClient, type EverythingServer } from '../helpers/everything-server';

const texts = (result: unknown): string[] =>
  ((result as CallToolResult).content ?? []).filter((c) => c.type === 'text').map((c) => (c as { text: string }).text);

describe('e2e: SDK Client -> mcp-rx-bridge --transport sse -> server-everything (legacy HTTP+SSE)', () => {
  let server: EverythingServer;
  let bridged: BridgedClient;

  beforeAll(async () => {
    server = await startEverything('sse');
    bridged = await connectThroughBridge(['--transport', 'sse', '--url', server.url]);
  });

  afterAll(async () => {
    await bridged?.client.close().catch(() => undefined);
    await server?.stop();
  });

  test('initialize reaches the legacy server', () => {
    expect(bridged.client.getServerVersion()).toMatchObject({ name: 'mcp-servers/everything' });
    expect(server.log()).toMatch(/Client Connected: /);
  });

  test('listTools', async () => {
    const { tools } = await bridged.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation']));
  });

  test('echo with non-ASCII text', async () => {
    const message = 'héllo 🌍 日本';
    const result = await bridged.client.callTool({ name: 'echo', arguments: { message } });
    expect(texts(result)).toEqual([`Echo: ${message}`]);
  });

  test('trigger-long-running-operation: progress notifications before the result', async () => {
    const start = bridged.received.length;
    const progress: Progress[] = [];
    const result = await bridged.client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 4 } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    );
    expect(texts(result)).toEqual(['Long running operation completed. Duration: 1 seconds, Steps: 4.']);
    const raw = progressAndAnswer(bridged.received, start, (r) => texts(r)[0]?.startsWith('Long running operation completed') === true);
    expect(raw.progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    expect(raw.progress.every((p) => p.index < raw.answerIndex)).toBe(true);
    // The SDK may drop a progress notification that came in the same stdout chunk as the result.
    expect(progress.map((p) => [p.progress, p.total])).toEqual(raw.progress.slice(0, progress.length).map((p) => [p.progress, p.total]));
  });
});
