/**
 * Issue #14, 2025 host → 2026-only server: LegacyHostOnModernServer driven directly, over the real
 * Streamable HTTP client, against the SDK v2 fixture server in modern-only mode (2025 traffic
 * refused with -32022), plus a scripted inner connection for what that server cannot show.
 */
import { EMPTY, Observable, Subject, filter, firstValueFrom, lastValueFrom, of, timeout, toArray } from 'rxjs';
import { classifyJsonRpc, type ClassifiedMessage } from '../../operators';
import type { McpConnection } from '../../src/core/connection';
import { Logger } from '../../src/log/logger';
import { StreamableHttpClient } from '../../src/session/streamable-http-client';
import { LegacyHostOnModernServer, type LegacyHostOptions } from '../../src/translate/legacy-host-on-modern-server';
import { fixtureClientOptions } from '../helpers/fixture-upstream';
import { startSdkV2Server, type SdkV2Server } from '../helpers/sdk-v2';

jest.setTimeout(60_000);

const msg = (value: unknown): ClassifiedMessage => classifyJsonRpc(JSON.stringify(value));
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: { elicitation: {} }, clientInfo: { name: 'legacy-test-host', version: '1.2.3' } },
};
const call = (id: number | string, name: string, args: Record<string, unknown> = {}, meta?: Record<string, unknown>) =>
  msg({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) } });
const all = (source: Observable<ClassifiedMessage>) => lastValueFrom(source.pipe(toArray(), timeout(20_000)));
const textOf = (m: ClassifiedMessage | undefined) => ((m?.kind === 'response' && 'result' in m.message ? m.message.result : {}) as { content?: Array<{ text: string }> }).content?.[0]?.text;
const body = (m: ClassifiedMessage | undefined): unknown => JSON.parse(m!.text);

const realClient = (url: string, logger: Logger) =>
  new StreamableHttpClient({ ...fixtureClientOptions(url, logger, 'legacy-host-test'), resumeAttempts: 0, serverStream: false });

describe('LegacyHostOnModernServer against the SDK v2 modern-only server', () => {
  let server: SdkV2Server;
  let conn: LegacyHostOnModernServer | undefined;
  const logger = Logger.silent();

  beforeAll(async () => {
    server = await startSdkV2Server('modern', { record: true });
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    await conn?.close(500);
    conn = undefined;
  });

  async function connect(init: Record<string, unknown> = INITIALIZE, options: LegacyHostOptions = {}) {
    conn = new LegacyHostOnModernServer(realClient(server.url, logger), logger, options);
    const replies = await all(conn.send(msg(init)));
    expect(await all(conn.send(msg({ jsonrpc: '2.0', method: 'notifications/initialized' })))).toEqual([]);
    return { conn, init: replies };
  }

  /** Runs a request, answering each server request with `answer(request)` the way the bridge routes host answers. */
  function withHost(c: LegacyHostOnModernServer, req: ClassifiedMessage, answer: (r: Extract<ClassifiedMessage, { kind: 'request' }>) => unknown) {
    const seen: ClassifiedMessage[] = [];
    return new Promise<ClassifiedMessage[]>((resolve, reject) => {
      c.send(req)
        .pipe(timeout(20_000))
        .subscribe({
          next: (m) => {
            seen.push(m);
            if (m.kind === 'request') {
              // The host answers through send(), in the bridge's one-way lane; nothing comes back.
              void all(c.send(msg({ jsonrpc: '2.0', id: m.id, ...(answer(m) as object) }))).then((back) => expect(back).toEqual([]));
            }
          },
          error: reject,
          complete: () => resolve(seen),
        });
    });
  }

  test('initialize is answered from server/discover: the host version, the server capabilities and info', async () => {
    const { init } = await connect();
    expect(init).toHaveLength(1);
    const answer = JSON.parse(init[0]!.text) as { id: number; result: Record<string, unknown> };
    expect(answer.id).toBe(0);
    expect(answer.result.protocolVersion).toBe('2025-06-18');
    expect(answer.result.serverInfo).toEqual({ name: 'rx-bridge-sdk-v2-fixture', version: '1.0.0' });
    expect(answer.result.capabilities).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true, listChanged: true } });
    // The server saw a 2026 discover carrying the host's identity, never the 2025 initialize.
    const discover = server.recorded().filter((r) => r.rpc?.method === 'server/discover');
    expect(discover.length).toBeGreaterThan(0);
    expect(discover.at(-1)!.headers['mcp-protocol-version']).toBe('2026-07-28');
    expect(server.recorded().some((r) => r.rpc?.method === 'initialize')).toBe(false);
  });

  test('a version that is not a 2025 handshake revision is answered with 2025-11-25', async () => {
    const { init } = await connect({ ...INITIALIZE, params: { ...INITIALIZE.params, protocolVersion: '2099-01-01' } });
    expect((JSON.parse(init[0]!.text) as { result: { protocolVersion: string } }).result.protocolVersion).toBe('2025-11-25');
  });

  test('ping and logging/setLevel are answered locally; the level and the envelope go on later requests, host _meta kept', async () => {
    const { conn } = await connect();
    const since = Date.now();
    expect((await all(conn.send(msg({ jsonrpc: '2.0', id: 'p', method: 'ping' })))).map((m) => m.text)).toEqual(['{"jsonrpc":"2.0","id":"p","result":{}}']);
    expect((await all(conn.send(msg({ jsonrpc: '2.0', id: 1, method: 'logging/setLevel', params: { level: 'debug' } })))).map((m) => m.text)).toEqual([
      '{"jsonrpc":"2.0","id":1,"result":{}}',
    ]);
    await new Promise((r) => setTimeout(r, 100));
    // Nothing went upstream for them (the held listen stream of this connection is still open, so unrecorded).
    expect(server.recorded().filter((r) => r.at >= since)).toEqual([]);
    // (The fixture's whoami tool cannot read its context; the scripted test below checks the whole envelope.)
    await all(conn.send(call(2, 'echo', { text: 'x' }, { progressToken: 'tok' })));
    await waitUntil(() => server.recorded().some((r) => r.at >= since && r.rpc?.name === 'echo'), 'the echo POST recorded');
    const sent = server.recorded().find((r) => r.at >= since && r.rpc?.name === 'echo')!;
    expect(sent.rpc).toMatchObject({ method: 'tools/call', id: 2, name: 'echo', metaProtocolVersion: '2026-07-28' });
    expect(sent.headers).toMatchObject({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' });
    expect(sent.headers['mcp-session-id']).toBeUndefined();
  });

  test('tools/list and tools/call go upstream under the host id; results pass as the server sent them', async () => {
    const { conn } = await connect();
    const list = await all(conn.send(msg({ jsonrpc: '2.0', id: 'list', method: 'tools/list' })));
    const tools = (JSON.parse(list[0]!.text) as { result: { tools: Array<{ name: string }> } }).result.tools.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(['echo', 'countdown', 'confirm', 'big', 'touch']));
    const echo = await all(conn.send(call(7, 'echo', { text: 'hi' })));
    expect(echo).toHaveLength(1);
    expect(textOf(echo[0])).toBe('echo: hi');
  });

  test('progress notifications reach the host in order, before the answer', async () => {
    const { conn } = await connect();
    const replies = await all(conn.send(call(3, 'countdown', { steps: 5, delayMs: 5 }, { progressToken: 'p3' })));
    const progress = replies.filter((m) => m.kind === 'notification' && m.method === 'notifications/progress').map((m) => (body(m) as { params: { progress: number } }).params.progress);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(replies.at(-1)!.kind).toBe('response');
    expect(textOf(replies.at(-1))).toBe('countdown done: 5');
  });

  test('MRTR: input_required becomes elicitation/create to the host; the retry completes under the host id', async () => {
    const { conn } = await connect();
    const before = server.recorded().filter((r) => r.rpc?.name === 'confirm').length;
    const seen = await withHost(conn, call(4, 'confirm', { action: 'deploy' }), () => ({ result: { action: 'accept', content: { confirm: true, name: 'Ada' } } }));
    expect(seen.map((m) => m.kind)).toEqual(['request', 'response']);
    const ask = seen[0] as Extract<ClassifiedMessage, { kind: 'request' }>;
    expect(ask.method).toBe('elicitation/create');
    expect(ask.id).toMatch(/^rx-input-\d+$/);
    expect(ask.message.params).toMatchObject({ message: 'Really deploy?', requestedSchema: { type: 'object' } });
    expect(JSON.stringify(ask.message.params)).not.toContain('io.modelcontextprotocol');
    expect(seen[1]!.kind === 'response' && seen[1]!.id).toBe(4);
    expect(textOf(seen[1])).toBe('confirmed deploy by Ada: true (era modern, state "state-for-deploy")');
    // Two upstream POSTs: the original (host id) and the retry (a new id); the host's answer never went upstream.
    // (The server records a request when its response ends, which may be just after the client read it.)
    await waitUntil(() => server.recorded().filter((r) => r.rpc?.name === 'confirm').length >= before + 2, 'both confirm POSTs recorded');
    const calls = server.recorded().filter((r) => r.rpc?.name === 'confirm').slice(before);
    expect(calls.map((r) => r.rpc!.id)).toEqual([4, expect.stringMatching(/^rx-retry-\d+$/)]);
    expect(server.recorded().some((r) => r.rpc?.hasResult === true)).toBe(false);
  });

  test('MRTR: a host without the elicitation capability: the server refuses (-32021 naming it), and the host is never asked', async () => {
    const { conn } = await connect({ ...INITIALIZE, params: { ...INITIALIZE.params, capabilities: {} } });
    const seen: ClassifiedMessage[] = [];
    const failure = await new Promise<unknown>((resolve) => conn.send(call(5, 'confirm', { action: 'x' })).subscribe({ next: (m) => seen.push(m), error: resolve, complete: () => resolve(undefined) }));
    expect(seen).toEqual([]);
    // The bridge relays this body under the host's id (core/error-response.ts).
    expect(failure).toMatchObject({ status: 400, jsonRpcError: { code: -32021, data: { requiredCapabilities: { elicitation: { form: {} } } } } });
  });

  test('MRTR: the rounds are bounded (a host that keeps declining gets an error, not a loop)', async () => {
    const { conn } = await connect(INITIALIZE, { maxInputRounds: 3 });
    const seen = await withHost(conn, call(6, 'confirm', { action: 'x' }), () => ({ result: { action: 'decline' } }));
    expect(seen.filter((m) => m.kind === 'request')).toHaveLength(2);
    const last = seen.at(-1)!;
    expect(last.kind === 'response' && last.id).toBe(6);
    expect((body(last) as { error: { message: string } }).error.message).toContain('after 3 rounds');
  });

  test('MRTR: cancelling the host request withdraws the server request, and a late answer goes nowhere', async () => {
    const { conn } = await connect();
    const notices: ClassifiedMessage[] = [];
    const watching = conn.serverMessages$.subscribe((m) => notices.push(m));
    const asked = new Subject<ClassifiedMessage>();
    const running = conn.send(call(8, 'confirm', { action: 'y' })).subscribe((m) => asked.next(m));
    const ask = await firstValueFrom(asked.pipe(timeout(10_000)));
    const cancelledAt = Date.now();
    running.unsubscribe();
    expect(notices.map((m) => [m.kind === 'notification' && m.method, (body(m) as { params?: { requestId?: unknown } }).params?.requestId])).toEqual([
      ['notifications/cancelled', ask.kind === 'request' && ask.id],
    ]);
    expect(await all(conn.send(msg({ jsonrpc: '2.0', id: (ask as { id: string }).id, result: { action: 'accept', content: { confirm: true, name: 'late' } } })))).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    // No retry went upstream after the cancellation.
    expect(server.recorded().filter((r) => r.rpc?.name === 'confirm' && r.at >= cancelledAt)).toEqual([]);
    watching.unsubscribe();
  });

  test('resources/subscribe holds a listen stream: touch reaches the host as notifications/resources/updated; unsubscribe stops it', async () => {
    const { conn } = await connect();
    const updates: ClassifiedMessage[] = [];
    const watching = conn.serverMessages$.pipe(filter((m) => m.kind === 'notification' && m.method === 'notifications/resources/updated')).subscribe((m) => updates.push(m));
    const sub = await all(conn.send(msg({ jsonrpc: '2.0', id: 's', method: 'resources/subscribe', params: { uri: 'demo://counter' } })));
    expect(sub.map((m) => m.text)).toEqual(['{"jsonrpc":"2.0","id":"s","result":{}}']);
    await all(conn.send(call(9, 'touch')));
    await waitUntil(() => updates.length > 0);
    expect(JSON.parse(updates[0]!.text)).toEqual({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'demo://counter' } });
    expect(await all(conn.send(msg({ jsonrpc: '2.0', id: 'u', method: 'resources/unsubscribe', params: { uri: 'demo://counter' } })))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    const count = updates.length;
    await all(conn.send(call(10, 'touch')));
    await new Promise((r) => setTimeout(r, 500));
    expect(updates.length).toBe(count);
    watching.unsubscribe();
  });

  test('a listen stream for list changes opens after initialize (the server advertises listChanged) and closes with close()', async () => {
    const since = Date.now();
    const listens = () => server.recorded().filter((r) => r.rpc?.method === 'subscriptions/listen' && r.at >= since);
    const { conn } = await connect();
    await new Promise((r) => setTimeout(r, 300));
    // The server records a request when it ends: the held stream is still open.
    expect(listens()).toEqual([]);
    await conn.close(500);
    await waitUntil(() => listens().length > 0, 'the listen stream to end');
    expect(listens().at(-1)).toMatchObject({ closedEarly: true, headers: { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'subscriptions/listen' } });
  });

  test('a 2 MiB result and 10 concurrent calls', async () => {
    const { conn } = await connect();
    const big = await all(conn.send(call(11, 'big')));
    expect(textOf(big[0])!.length).toBeGreaterThan(1_000_000);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => all(conn.send(call(100 + i, 'gate', { group: 'legacy-ten', n: 10, timeoutMs: 5000 })))));
    expect(answers.map((a) => textOf(a[0]))).toEqual(Array.from({ length: 10 }, () => 'gate legacy-ten: 10 together'));
  });
});

describe('LegacyHostOnModernServer with a scripted server', () => {
  const logger = Logger.silent();

  /** An inner connection answering each request with `answer(request)` (as one reply). */
  function scripted(answer: (req: Extract<ClassifiedMessage, { kind: 'request' }>) => unknown) {
    const sent: ClassifiedMessage[] = [];
    let closed = 0;
    const inner: McpConnection = {
      send: (m) => {
        sent.push(m);
        return m.kind === 'request' ? of(msg({ jsonrpc: '2.0', id: m.id, ...(answer(m) as object) })) : EMPTY;
      },
      serverMessages$: EMPTY,
      close: async () => void closed++,
    };
    return { inner, sent, closed: () => closed };
  }

  test('a failed server/discover answers the host initialize with that error, under the host id', async () => {
    const s = scripted(() => ({ error: { code: -32603, message: 'boom' } }));
    const conn = new LegacyHostOnModernServer(s.inner, logger);
    const replies = await all(conn.send(msg(INITIALIZE)));
    expect(replies.map((m) => m.text)).toEqual(['{"jsonrpc":"2.0","id":0,"error":{"code":-32603,"message":"boom"}}']);
    expect(s.sent.map((m) => m.kind === 'request' && m.method)).toEqual(['server/discover']);
    const meta = (body(s.sent[0]) as { params: { _meta: Record<string, unknown> } }).params._meta;
    expect(meta).toEqual({
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'legacy-test-host', version: '1.2.3' },
      // 2025 "elicitation: {}" means form mode: spelled out for the 2026 server.
      'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
    });
    await conn.close();
    expect(s.closed()).toBe(1);
  });

  test('sampling and roots input requests, and a round with only requestState', async () => {
    let round = 0;
    const s = scripted((req) => {
      if (req.method === 'server/discover') return { result: { capabilities: {}, _meta: {} } };
      round++;
      const params = req.message.params as Record<string, unknown>;
      if (round === 1) return { result: { resultType: 'input_required', requestState: 'r1' } };
      if (round === 2) {
        expect(params).toMatchObject({ requestState: 'r1', inputResponses: {} });
        return {
          result: {
            resultType: 'input_required',
            inputRequests: { llm: { method: 'sampling/createMessage', params: { messages: [], maxTokens: 5 } }, where: { method: 'roots/list', params: {} } },
          },
        };
      }
      expect(params.requestState).toBeUndefined();
      expect(params.inputResponses).toEqual({ llm: { role: 'assistant', content: { type: 'text', text: 'ok' } }, where: { roots: [{ uri: 'file:///w' }] } });
      return { result: { resultType: 'complete', messages: [] } };
    });
    const conn = new LegacyHostOnModernServer(s.inner, logger);
    await all(conn.send(msg({ ...INITIALIZE, params: { ...INITIALIZE.params, capabilities: { sampling: {}, roots: { listChanged: true } } } })));
    const seen: ClassifiedMessage[] = [];
    await new Promise<void>((resolve, reject) =>
      conn.send(msg({ jsonrpc: '2.0', id: 'g', method: 'prompts/get', params: { name: 'p' } })).subscribe({
        next: (m) => {
          seen.push(m);
          if (m.kind !== 'request') return;
          const result = m.method === 'roots/list' ? { roots: [{ uri: 'file:///w' }] } : { role: 'assistant', content: { type: 'text', text: 'ok' } };
          conn.send(msg({ jsonrpc: '2.0', id: m.id, result })).subscribe();
        },
        error: reject,
        complete: resolve,
      }),
    );
    expect(seen.filter((m) => m.kind === 'request').map((m) => m.kind === 'request' && m.method)).toEqual(['sampling/createMessage', 'roots/list']);
    expect(seen.at(-1)!.text).toBe('{"jsonrpc":"2.0","id":"g","result":{"resultType":"complete","messages":[]}}');
    const upstreamIds = s.sent.filter((m) => m.kind === 'request' && m.method === 'prompts/get').map((m) => m.kind === 'request' && m.id);
    expect(upstreamIds).toEqual(['g', expect.stringMatching(/^rx-retry-/), expect.stringMatching(/^rx-retry-/)]);
    expect(new Set(upstreamIds).size).toBe(3);
    await conn.close();
  });

  test("a host's error answer to an input request answers the original request with an error naming it", async () => {
    const s = scripted((req) =>
      req.method === 'server/discover'
        ? { result: { capabilities: {} } }
        : { result: { resultType: 'input_required', inputRequests: { q: { method: 'elicitation/create', params: { message: 'm', requestedSchema: { type: 'object', properties: {} } } } } } },
    );
    const conn = new LegacyHostOnModernServer(s.inner, logger);
    await all(conn.send(msg(INITIALIZE)));
    const seen: ClassifiedMessage[] = [];
    await new Promise<void>((resolve) =>
      conn.send(call(1, 'x')).subscribe({
        next: (m) => {
          seen.push(m);
          if (m.kind === 'request') conn.send(msg({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'nope' } })).subscribe();
        },
        complete: resolve,
      }),
    );
    const error = (body(seen.at(-1)) as { error: { code: number; message: string; data: { inputRequest: string } } }).error;
    expect(error).toMatchObject({ code: -32601, data: { inputRequest: 'q' } });
    expect(error.message).toContain('elicitation/create');
    await conn.close();
  });

  test('the envelope: host info and capabilities, the level from logging/setLevel, host _meta keys kept; ping answered here', async () => {
    const s = scripted((req) => (req.method === 'server/discover' ? { result: { capabilities: {} } } : { result: { content: [] } }));
    const conn = new LegacyHostOnModernServer(s.inner, logger);
    await all(conn.send(msg({ ...INITIALIZE, params: { ...INITIALIZE.params, capabilities: { sampling: {} } } })));
    await all(conn.send(msg({ jsonrpc: '2.0', id: 'p', method: 'ping' })));
    await all(conn.send(call(1, 'a', {}, { progressToken: 'tok' })));
    await all(conn.send(msg({ jsonrpc: '2.0', id: 2, method: 'logging/setLevel', params: { level: 'debug' } })));
    await all(conn.send(call(3, 'a', {}, { progressToken: 7, traceparent: '00-x-y-01' })));
    const metas = s.sent.filter((m) => m.kind === 'request' && m.method === 'tools/call').map((m) => (body(m) as { params: { _meta: unknown } }).params._meta);
    const envelope = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'legacy-test-host', version: '1.2.3' },
      'io.modelcontextprotocol/clientCapabilities': { sampling: {} },
    };
    expect(metas).toEqual([
      { progressToken: 'tok', ...envelope },
      { progressToken: 7, traceparent: '00-x-y-01', ...envelope, 'io.modelcontextprotocol/logLevel': 'debug' },
    ]);
    expect(s.sent.map((m) => m.kind === 'request' && m.method)).toEqual(['server/discover', 'tools/call', 'tools/call']);
    await conn.close();
  });

  test('an id beyond 2^53 goes upstream as written, and the final answer after a retry carries it as written', async () => {
    const big = '18446744073709551616';
    let rounds = 0;
    const s = scripted((req) => {
      if (req.method === 'server/discover') return { result: { capabilities: {} } };
      return ++rounds === 1 ? { result: { resultType: 'input_required', inputRequests: { r: { method: 'roots/list', params: {} } } } } : { result: { content: [], resultType: 'complete' } };
    });
    const conn = new LegacyHostOnModernServer(s.inner, logger);
    await all(conn.send(msg({ ...INITIALIZE, params: { ...INITIALIZE.params, capabilities: { roots: {} } } })));
    const seen: ClassifiedMessage[] = [];
    await new Promise<void>((resolve) =>
      conn.send(classifyJsonRpc(`{"jsonrpc":"2.0","id":${big},"method":"tools/call","params":{"name":"x"}}`)).subscribe({
        next: (m) => {
          seen.push(m);
          if (m.kind === 'request') conn.send(msg({ jsonrpc: '2.0', id: m.id, result: { roots: [] } })).subscribe();
        },
        complete: resolve,
      }),
    );
    expect(s.sent[1]!.text.startsWith(`{"jsonrpc":"2.0","id":${big},"method":"tools/call"`)).toBe(true);
    expect(seen.at(-1)!.text).toBe(`{"jsonrpc":"2.0","id":${big},"result":{"content":[],"resultType":"complete"}}`);
    await conn.close();
  });

  test('an input request the host did not declare is refused with the host id, naming the capability (even if the server does not check)', async () => {
    const s = scripted((req) =>
      req.method === 'server/discover'
        ? { result: { capabilities: {} } }
        : { result: { resultType: 'input_required', inputRequests: { llm: { method: 'sampling/createMessage', params: { messages: [], maxTokens: 1 } } } } },
    );
    const conn = new LegacyHostOnModernServer(s.inner, logger);
    await all(conn.send(msg(INITIALIZE)));
    const replies = await all(conn.send(call(1, 'x')));
    expect(replies).toHaveLength(1);
    expect(body(replies[0])).toMatchObject({ id: 1, error: { code: -32021, data: { requiredCapabilities: { sampling: {} }, inputRequest: 'llm' } } });
    expect((body(replies[0]) as { error: { message: string } }).error.message).toContain('"sampling"');
    await conn.close();
  });

  test('notifications go upstream with the envelope; initialized and cancelled do not; an unknown host answer is dropped', async () => {
    const s = scripted(() => ({ result: {} }));
    const conn = new LegacyHostOnModernServer(s.inner, logger);
    await all(conn.send(msg({ jsonrpc: '2.0', method: 'notifications/initialized' })));
    await all(conn.send(msg({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } })));
    await all(conn.send(msg({ jsonrpc: '2.0', id: 'nobody', result: {} })));
    await all(conn.send(msg({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' })));
    expect(s.sent.map((m) => m.text)).toEqual([
      expect.stringContaining('"method":"notifications/roots/list_changed","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"'),
    ]);
    await conn.close();
  });

  test('the held listen stream is reopened with the union of URIs and drops the acknowledgement and subscription id', async () => {
    const listens: Array<{ filter: unknown; stop: Subject<void> }> = [];
    const inner: McpConnection = {
      send: (m) => {
        if (m.kind !== 'request') return EMPTY;
        if (m.method === 'server/discover') return of(msg({ jsonrpc: '2.0', id: m.id, result: { capabilities: { resources: { subscribe: true } } } }));
        const params = m.message.params as { notifications: unknown };
        const stop = new Subject<void>();
        listens.push({ filter: params.notifications, stop });
        return new Observable<ClassifiedMessage>((o) => {
          o.next(msg({ jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { notifications: params.notifications, _meta: { 'io.modelcontextprotocol/subscriptionId': m.id } } }));
          const t = setTimeout(() => o.next(msg({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'a://1', _meta: { 'io.modelcontextprotocol/subscriptionId': m.id } } })), 10);
          return () => clearTimeout(t);
        });
      },
      serverMessages$: EMPTY,
      close: async () => undefined,
    };
    const conn = new LegacyHostOnModernServer(inner, logger);
    const notes: string[] = [];
    conn.serverMessages$.subscribe((m) => notes.push(m.text));
    await all(conn.send(msg(INITIALIZE)));
    // No listChanged advertised: no stream until the first subscription.
    expect(listens).toHaveLength(0);
    await all(conn.send(msg({ jsonrpc: '2.0', id: 1, method: 'resources/subscribe', params: { uri: 'a://1' } })));
    await all(conn.send(msg({ jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri: 'a://2' } })));
    await all(conn.send(msg({ jsonrpc: '2.0', id: 3, method: 'resources/subscribe', params: { uri: 'a://2' } })));
    expect(listens.map((l) => (l.filter as { resourceSubscriptions: string[] }).resourceSubscriptions)).toEqual([['a://1'], ['a://1', 'a://2']]);
    expect(listens[1]!.filter).toMatchObject({ toolsListChanged: true, promptsListChanged: true, resourcesListChanged: true });
    await waitUntil(() => notes.length > 0);
    expect(notes[0]).toBe('{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"a://1"}}');
    await all(conn.send(msg({ jsonrpc: '2.0', id: 4, method: 'resources/unsubscribe', params: { uri: 'a://1' } })));
    await all(conn.send(msg({ jsonrpc: '2.0', id: 5, method: 'resources/unsubscribe', params: { uri: 'a://2' } })));
    expect(listens).toHaveLength(3);
    await conn.close();
  });

  test('a server without subscriptions/listen (-32601) is not asked again until the subscriptions change', async () => {
    let listens = 0;
    const inner: McpConnection = {
      send: (m) => {
        if (m.kind !== 'request') return EMPTY;
        if (m.method === 'server/discover') return of(msg({ jsonrpc: '2.0', id: m.id, result: { capabilities: { tools: { listChanged: true } } } }));
        listens++;
        return of(msg({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'Method not found' } }));
      },
      serverMessages$: EMPTY,
      close: async () => undefined,
    };
    const conn = new LegacyHostOnModernServer(inner, logger, { relistenDelayMs: 10 });
    await all(conn.send(msg(INITIALIZE)));
    await new Promise((r) => setTimeout(r, 200));
    expect(listens).toBe(1);
    await conn.close();
  });

  test('a listen refused in band answers resources/subscribe with that error', async () => {
    const inner: McpConnection = {
      send: (m) => {
        if (m.kind !== 'request') return EMPTY;
        if (m.method === 'server/discover') return of(msg({ jsonrpc: '2.0', id: m.id, result: { capabilities: {} } }));
        return of(msg({ jsonrpc: '2.0', id: m.id, error: { code: -32603, message: 'Subscription limit reached' } }));
      },
      serverMessages$: EMPTY,
      close: async () => undefined,
    };
    const conn = new LegacyHostOnModernServer(inner, logger, { relistenDelayMs: 10 });
    await all(conn.send(msg(INITIALIZE)));
    const replies = await all(conn.send(msg({ jsonrpc: '2.0', id: 1, method: 'resources/subscribe', params: { uri: 'a://1' } })));
    expect(replies.map((m) => m.text)).toEqual(['{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"Subscription limit reached"}}']);
    await conn.close();
  });
});

async function waitUntil(condition: () => boolean, what = 'the condition', ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
