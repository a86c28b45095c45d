/**
 * End to end: the official SDK Client drives our CLI over stdio (StdioClientTransport), and the CLI
 * talks MCP Streamable HTTP to the reference server-everything, run as a child process.
 * Tool names are those of @modelcontextprotocol/server-everything 2026.x (checked by listTools).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  type CallToolResult,
  type CreateMessageRequest,
  type ElicitRequest,
  type LoggingMessageNotification,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { connectThroughBridge, progressAndAnswer, startEverything, waitUntil, type BridgedClient, type EverythingServer } from '../helpers/everything-server';

const DOCS = join(__dirname, '..', '..', 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'docs');
const ROOT = { uri: 'file:///tmp/mcp-rx-bridge-e2e-root', name: 'E2E Root' };
const SAMPLED_TEXT = 'sampled answer from the e2e host: 42';
const BASE_TOOLS = [
  'echo',
  'get-sum',
  'get-tiny-image',
  'trigger-long-running-operation',
  'toggle-simulated-logging',
  'toggle-subscriber-updates',
];
/** Registered by the server only for clients that declare sampling, elicitation and roots. */
const CONDITIONAL_TOOLS = ['trigger-sampling-request', 'trigger-elicitation-request', 'get-roots-list'];

const texts = (result: unknown): string[] =>
  ((result as CallToolResult).content ?? []).filter((c) => c.type === 'text').map((c) => (c as { text: string }).text);

describe('e2e: SDK Client -> mcp-rx-bridge (stdio) -> server-everything (Streamable HTTP)', () => {
  let server: EverythingServer;
  let bridged: BridgedClient;
  const samplingRequests: CreateMessageRequest['params'][] = [];
  const elicitRequests: ElicitRequest['params'][] = [];
  let rootsRequests = 0;
  const logs: LoggingMessageNotification['params'][] = [];
  const updatedUris: string[] = [];

  beforeAll(async () => {
    server = await startEverything('streamableHttp');
    bridged = await connectThroughBridge(
      ['--url', server.url, '--log-level', 'debug'],
      { sampling: {}, elicitation: {}, roots: { listChanged: true } },
      (client) => {
        client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
          samplingRequests.push(request.params);
          return { model: 'e2e-model', role: 'assistant', content: { type: 'text', text: SAMPLED_TEXT } };
        });
        client.setRequestHandler(ElicitRequestSchema, async (request) => {
          elicitRequests.push(request.params);
          return { action: 'accept', content: { name: 'Ada Lovelace', check: true } };
        });
        client.setRequestHandler(ListRootsRequestSchema, async () => {
          rootsRequests++;
          return { roots: [ROOT] };
        });
        client.setNotificationHandler(LoggingMessageNotificationSchema, async (n) => {
          logs.push(n.params);
        });
        client.setNotificationHandler(ResourceUpdatedNotificationSchema, async (n) => {
          updatedUris.push(n.params.uri);
        });
      },
    );
  });

  afterAll(async () => {
    await bridged?.client.close().catch(() => undefined);
    await server?.stop();
  });

  test('initialize: the server is server-everything and the negotiated session works', () => {
    expect(bridged.client.getServerVersion()).toMatchObject({ name: 'mcp-servers/everything' });
    expect(bridged.client.getServerCapabilities()).toMatchObject({ tools: {}, resources: { subscribe: true }, prompts: {}, logging: {} });
  });

  test('listTools lists the base tools and the capability-dependent ones', async () => {
    const { tools } = await bridged.client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining([...BASE_TOOLS, ...CONDITIONAL_TOOLS]));
    expect(new Set(names).size).toBe(names.length);
  });

  test('echo with non-ASCII text comes back byte for byte', async () => {
    const message = 'héllo 🌍 日本 — ünïcödé ✓ \u2028 "quotes" \\ back\nslash';
    const result = await bridged.client.callTool({ name: 'echo', arguments: { message } });
    expect(texts(result)).toEqual([`Echo: ${message}`]);
  });

  test('a ~2 MiB message each way (echo of a 2 MiB string)', async () => {
    const unit = 'abcdefghijklmnopqrstuvwxyz0123456789é🌍';
    const message = unit.repeat(Math.ceil((2 * 1024 * 1024) / Buffer.byteLength(unit)));
    expect(Buffer.byteLength(message)).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    const result = await bridged.client.callTool({ name: 'echo', arguments: { message } });
    const [text] = texts(result);
    expect(text.length).toBe(`Echo: ${message}`.length);
    expect(text === `Echo: ${message}`).toBe(true);
  });

  test('get-sum adds two numbers', async () => {
    const result = await bridged.client.callTool({ name: 'get-sum', arguments: { a: 19, b: 23 } });
    expect(texts(result)).toEqual(['The sum of 19 and 23 is 42.']);
  });

  test('get-tiny-image returns image content', async () => {
    const result = (await bridged.client.callTool({ name: 'get-tiny-image', arguments: {} })) as CallToolResult;
    const image = result.content.find((c) => c.type === 'image') as { type: 'image'; data: string; mimeType: string } | undefined;
    expect(image).toBeDefined();
    expect(image!.mimeType).toBe('image/png');
    const png = Buffer.from(image!.data, 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  test('trigger-long-running-operation: every progress notification arrives before the result', async () => {
    const start = bridged.received.length;
    const progress: Progress[] = [];
    const result = await bridged.client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 5 } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    );
    expect(texts(result)).toEqual(['Long running operation completed. Duration: 1 seconds, Steps: 5.']);
    // Order on the bridge's stdout: five progress notifications, then the result.
    const raw = progressAndAnswer(bridged.received, start, (r) => texts(r)[0]?.startsWith('Long running operation completed') === true);
    expect(raw.progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
      [5, 5],
    ]);
    expect(raw.progress.every((p) => p.index < raw.answerIndex)).toBe(true);
    // The SDK runs notification handlers a microtask late: one that came in the same stdout chunk
    // as the result is dropped by the SDK ("unknown token"), so onprogress sees a prefix.
    expect(progress.map((p) => [p.progress, p.total])).toEqual(raw.progress.slice(0, progress.length).map((p) => [p.progress, p.total]));
  });

  test('sampling: sampling/createMessage answered by the host in the middle of trigger-sampling-request', async () => {
    const before = samplingRequests.length;
    const result = await bridged.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'say 42', maxTokens: 17 } });
    expect(samplingRequests.length).toBe(before + 1);
    const asked = samplingRequests[before];
    expect(asked.maxTokens).toBe(17);
    expect(asked.messages[0].content).toEqual({ type: 'text', text: 'Resource trigger-sampling-request context: say 42' });
    const [text] = texts(result);
    expect(text.startsWith('LLM sampling result: \n')).toBe(true);
    expect(JSON.parse(text.slice('LLM sampling result: \n'.length))).toEqual({
      model: 'e2e-model',
      role: 'assistant',
      content: { type: 'text', text: SAMPLED_TEXT },
    });
  });

  test('elicitation: elicitation/create answered by the host in the middle of trigger-elicitation-request', async () => {
    const before = elicitRequests.length;
    const result = await bridged.client.callTool({ name: 'trigger-elicitation-request', arguments: {} });
    expect(elicitRequests.length).toBe(before + 1);
    expect(elicitRequests[before].message).toBe('Please provide inputs for the following fields:');
    const all = texts(result);
    expect(all[0]).toBe('✅ User provided the requested information!');
    expect(all[1]).toBe('User inputs:\n- Name: Ada Lovelace\n- Agreed to terms: true');
  });

  test('roots/list: the server asks for the roots (on the GET stream) and get-roots-list shows them', async () => {
    // The server asks 350 ms after notifications/initialized, outside any call; the tool asks again
    // if that first ask was missed.
    const result = await bridged.client.callTool({ name: 'get-roots-list', arguments: {} });
    expect(rootsRequests).toBeGreaterThanOrEqual(1);
    const [text] = texts(result);
    expect(text).toContain('Current MCP Roots (1 total):');
    expect(text).toContain(`1. ${ROOT.name}\n   URI: ${ROOT.uri}`);
  });

  test('logging: setLoggingLevel, then notifications/message arrive on the GET stream outside any call', async () => {
    await bridged.client.setLoggingLevel('debug');
    const simulated = () => logs.filter((l) => typeof l.data === 'string' && /(-level message|level-message) - SessionId /.test(l.data));
    const before = simulated().length;
    const started = await bridged.client.callTool({ name: 'toggle-simulated-logging', arguments: {} });
    expect(texts(started)[0]).toMatch(/^Started simulated, random-leveled logging for session /);
    try {
      // One at once, the next 5 s later (certainly outside any call).
      await waitUntil(() => simulated().length >= before + 2, 15000, 'two simulated log messages');
    } finally {
      const stopped = await bridged.client.callTool({ name: 'toggle-simulated-logging', arguments: {} });
      expect(texts(stopped)[0]).toMatch(/^Stopped simulated logging for session /);
    }
    for (const l of simulated()) {
      expect(['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']).toContain(l.level);
    }
  });

  test('resources: subscribe, then notifications/resources/updated for the subscribed URI', async () => {
    const uri = 'demo://resource/dynamic/text/1';
    await bridged.client.subscribeResource({ uri });
    const before = updatedUris.length;
    const started = await bridged.client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
    expect(texts(started)[0]).toMatch(/^Started simulated resource updated notifications for session /);
    try {
      await waitUntil(() => updatedUris.length > before, 15000, 'notifications/resources/updated');
      expect(updatedUris.slice(before)[0]).toBe(uri);
    } finally {
      await bridged.client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
      await bridged.client.unsubscribeResource({ uri });
    }
  });

  test('listResources / readResource / listResourceTemplates', async () => {
    const { resources } = await bridged.client.listResources();
    const uri = 'demo://resource/static/document/features.md';
    expect(resources.map((r) => r.uri)).toContain(uri);
    const read = await bridged.client.readResource({ uri });
    expect(read.contents).toEqual([{ uri, mimeType: 'text/markdown', text: readFileSync(join(DOCS, 'features.md'), 'utf8') }]);

    const dynamic = await bridged.client.readResource({ uri: 'demo://resource/dynamic/text/7' });
    expect(dynamic.contents).toHaveLength(1);
    expect(dynamic.contents[0]).toMatchObject({ uri: 'demo://resource/dynamic/text/7', mimeType: 'text/plain' });
    expect((dynamic.contents[0] as { text: string }).text).toMatch(/^Resource 7: This is a plaintext resource created at /);

    const { resourceTemplates } = await bridged.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(
      expect.arrayContaining(['demo://resource/dynamic/text/{resourceId}', 'demo://resource/dynamic/blob/{resourceId}']),
    );
  });

  test('listPrompts / getPrompt', async () => {
    const { prompts } = await bridged.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['simple-prompt', 'args-prompt', 'completable-prompt', 'resource-prompt']));
    const simple = await bridged.client.getPrompt({ name: 'simple-prompt' });
    expect(simple.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'This is a simple prompt without arguments.' } }]);
    const args = await bridged.client.getPrompt({ name: 'args-prompt', arguments: { city: 'Zürich', state: 'ZH' } });
    expect(args.messages).toEqual([{ role: 'user', content: { type: 'text', text: "What's weather in Zürich, ZH?" } }]);
  });

  test('complete: prompt argument and resource template completions', async () => {
    const department = await bridged.client.complete({ ref: { type: 'ref/prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'E' } });
    expect(department.completion.values).toEqual(['Engineering']);
    const name = await bridged.client.complete({
      ref: { type: 'ref/prompt', name: 'completable-prompt' },
      argument: { name: 'name', value: '' },
      context: { arguments: { department: 'Sales' } },
    });
    expect(name.completion.values).toEqual(['David', 'Eve', 'Frank']);
    const id = await bridged.client.complete({
      ref: { type: 'ref/resource', uri: 'demo://resource/dynamic/text/{resourceId}' },
      argument: { name: 'resourceId', value: '12' },
    });
    expect(id.completion.values).toEqual(['12']);
  });

  test('50 concurrent tool calls are all answered correctly', async () => {
    const calls = Array.from({ length: 50 }, (_, i) =>
      bridged.client.callTool({ name: 'get-sum', arguments: { a: i, b: 1000 * i } }).then((r) => texts(r)),
    );
    const results = await Promise.all(calls);
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => [`The sum of ${i} and ${1000 * i} is ${1001 * i}.`]));
  });

  test('ping', async () => {
    await expect(bridged.client.ping()).resolves.toEqual({});
  });
});

describe('e2e: client.close() ends the bridge, which DELETEs its session', () => {
  let server: EverythingServer;

  beforeAll(async () => {
    server = await startEverything('streamableHttp');
  });

  afterAll(async () => {
    await server?.stop();
  });

  test('the bridge exits 0 on its own and the server sees the session terminated', async () => {
    const bridged = await connectThroughBridge(['--url', server.url, '--log-level', 'debug']);
    const result = await bridged.client.callTool({ name: 'echo', arguments: { message: 'bye' } });
    expect(texts(result)).toEqual(['Echo: bye']);

    const sessionId = /session ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/.exec(bridged.stderr())?.[1];
    expect(sessionId).toBeDefined();
    expect(server.log()).toContain(`Session initialized with ID: ${sessionId}`);

    // The transport's child process: record how it ends, and whether the transport had to kill it.
    const child = (bridged.transport as unknown as { _process?: ChildProcess })._process!;
    const kills: unknown[] = [];
    const kill = child.kill.bind(child);
    child.kill = (signal?: NodeJS.Signals | number) => {
      kills.push(signal);
      return kill(signal);
    };
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

    await bridged.client.close();
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(kills).toEqual([]);
    await server.waitForLog(new RegExp(`Received session termination request for session ${sessionId}`), 10000);
    expect(bridged.stderr()).toContain(`session ${sessionId} closed: HTTP 200`);
  });
});

describe('e2e: the host answers to server requests are not starved by --concurrency', () => {
  let server: EverythingServer;
  let bridged: BridgedClient | undefined;

  beforeAll(async () => {
    server = await startEverything('streamableHttp');
  });

  afterAll(async () => {
    await bridged?.client.close().catch(() => undefined);
    await server?.stop();
  });

  // Every slot is taken by a tools/call that waits for its sampling/createMessage to be answered;
  // the host's answers must still reach the server (they are not requests that can wait for a slot).
  test('3 concurrent trigger-sampling-request calls with --concurrency 2 all complete', async () => {
    bridged = await connectThroughBridge(['--url', server.url, '--concurrency', '2', '--timeout', '10'], { sampling: {} }, (client) => {
      client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
        const asked = (request.params.messages[0].content as { text: string }).text;
        return { model: 'e2e-model', role: 'assistant', content: { type: 'text', text: `answer to ${asked}` } };
      });
    });
    const results = await Promise.allSettled(
      [0, 1, 2].map((i) => bridged!.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: `p${i}` } }).then((r) => texts(r)[0])),
    );
    expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : String(r.reason)))).toEqual(['ok', 'ok', 'ok']);
    results.forEach((r, i) => {
      expect((r as PromiseFulfilledResult<string>).value).toContain(`answer to Resource trigger-sampling-request context: p${i}`);
    });
  });
});
