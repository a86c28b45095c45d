/**
 * Issue #14, 2026-07-28 host → 2025-only server: ModernHostOnLegacyServer driven directly, over the
 * CLI's `--transport auto` connection (Streamable HTTP with the 2025 session machinery), against a
 * real SDK v1 server (test/fixtures/sdk-v1/legacy-server.mjs, stateful sessions, 2025-11-25 only).
 */
import { join } from 'node:path';
import { Observable, filter, firstValueFrom, lastValueFrom, take, timeout, toArray } from 'rxjs';
import { classifyJsonRpc, type ClassifiedMessage } from '../../operators';
import { Logger } from '../../src/log/logger';
import { createConnection } from '../../src/session/create-connection';
import { ModernHostOnLegacyServer, type ModernHostOnLegacyServerOptions } from '../../src/translate/modern-host-on-legacy-server';
import { startFixtureServer } from '../helpers/fixture-process';
import { fixtureClientOptions } from '../helpers/fixture-upstream';

jest.setTimeout(60_000);

const SERVER = join(__dirname, '..', 'fixtures', 'sdk-v1', 'legacy-server.mjs');
const MODERN = '2026-07-28';
const CLIENT_INFO = { name: 'modern-test-host', version: '2.0.0' };
const CAPABILITIES = { elicitation: { form: {} }, roots: {} };

/** The 2026 per-request envelope, plus the host's own `_meta` keys. */
const env = (extra: Record<string, unknown> = {}) => ({
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
  'io.modelcontextprotocol/clientCapabilities': CAPABILITIES,
  ...extra,
});
const msg = (value: unknown): ClassifiedMessage => classifyJsonRpc(JSON.stringify(value));
const req = (id: number | string, method: string, params: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) =>
  msg({ jsonrpc: '2.0', id, method, params: { ...params, _meta: env(meta) } });
const call = (id: number | string, name: string, args: Record<string, unknown> = {}, meta: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  req(id, 'tools/call', { name, arguments: args, ...extra }, meta);
const all = (source: Observable<ClassifiedMessage>, ms = 20_000) => lastValueFrom(source.pipe(toArray(), timeout(ms)));
const resultOf = (m: ClassifiedMessage | undefined) => (m?.kind === 'response' && 'result' in m.message ? m.message.result : undefined) as Record<string, any> | undefined;
const textOf = (m: ClassifiedMessage | undefined) => (resultOf(m)?.content as Array<{ text: string }> | undefined)?.[0]?.text;
const last = <T>(xs: T[]) => xs[xs.length - 1];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LegacyServer {
  url: string;
  /** `event <name> <json>` lines from the server's stderr. */
  events(name?: string): Array<{ name: string; data: any }>;
  /** Forgets the events so far (one server for every test). */
  reset(): void;
  waitFor(name: string, count?: number, ms?: number): Promise<Array<{ name: string; data: any }>>;
  stop(): Promise<void>;
}

async function startLegacyServer(transport: 'streamable-http' | 'sse' = 'streamable-http'): Promise<LegacyServer> {
  const { url, log, stop } = await startFixtureServer('SDK v1 server', SERVER, ['--transport', transport]);
  let from = 0;
  const events = (name?: string) =>
    log()
      .slice(from)
      .split('\n')
      .filter((l) => l.startsWith('event '))
      .map((l) => {
        const [, n, ...rest] = l.split(' ');
        return { name: n, data: JSON.parse(rest.join(' ')) };
      })
      .filter((e) => name === undefined || e.name === name);
  return {
    url,
    events,
    reset: () => (from = log().length),
    waitFor: async (name, count = 1, ms = 5000) => {
      const deadline = Date.now() + ms;
      while (events(name).length < count && Date.now() < deadline) await sleep(20);
      return events(name);
    },
    stop,
  };
}

const autoConnection = (url: string, logger: Logger) => createConnection('auto', { ...fixtureClientOptions(url, logger, 'modern-host-test'), serverStream: true });

describe('ModernHostOnLegacyServer against the SDK v1 (2025-only) server', () => {
  let server: LegacyServer;
  let conn: ModernHostOnLegacyServer | undefined;
  const logger = Logger.silent();

  beforeAll(async () => {
    server = await startLegacyServer();
  });
  beforeEach(() => server.reset());
  afterEach(async () => {
    await conn?.close(500);
    conn = undefined;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const connect = (options: ModernHostOnLegacyServerOptions = {}) => (conn = new ModernHostOnLegacyServer(autoConnection(server.url, logger), logger, options));

  /** A tools/call answered input_required: its requestState and the requests it asks. */
  const inputRequired = (m: ClassifiedMessage | undefined) => {
    const r = resultOf(m)!;
    expect(r.resultType).toBe('input_required');
    return { requestState: r.requestState as string, inputRequests: r.inputRequests as Record<string, { method: string; params: any }> };
  };
  const accept = (inputRequests: Record<string, unknown>, name = 'Ada') =>
    Object.fromEntries(Object.keys(inputRequests).map((k) => [k, { action: 'accept', content: { confirm: true, name } }]));

  it('answers server/discover from one initialize (the host identity from _meta), then notifications/initialized', async () => {
    const c = connect();
    const [answer] = await all(c.send(req('d1', 'server/discover')));
    expect(JSON.parse(answer.text)).toEqual({
      jsonrpc: '2.0',
      id: 'd1',
      result: {
        resultType: 'complete',
        supportedVersions: [MODERN],
        capabilities: { resources: { subscribe: true, listChanged: true }, tools: { listChanged: true }, logging: {} },
        instructions: 'A 2025-only fixture server.',
        _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'rx-bridge-sdk-v1-fixture', version: '1.0.0' } },
        ttlMs: 0,
        cacheScope: 'private',
      },
    });
    // A second discover and a tool call: still the one session.
    await all(c.send(req('d2', 'server/discover')));
    expect(textOf(last(await all(c.send(call(1, 'echo', { text: 'hi' })))))).toBe('echo: hi');
    const inits = server.events('initialize');
    expect(inits).toEqual([{ name: 'initialize', data: { protocolVersion: '2025-11-25', clientInfo: CLIENT_INFO, capabilities: CAPABILITIES } }]);
    expect(await server.waitFor('initialized')).toHaveLength(1);
  });

  it('a pinned host whose first request is not discover: requests written at once wait for the one handshake', async () => {
    const c = connect();
    const answers = await Promise.all([all(c.send(req(1, 'tools/list'))), all(c.send(call(2, 'echo', { text: 'a' }))), all(c.send(call(3, 'echo', { text: 'b' })))]);
    const names = (resultOf(last(answers[0]))!.tools as Array<{ name: string }>).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'countdown', 'confirm', 'big', 'slow', 'gate', 'touch']));
    // A 2026 list result is a CacheableResult: a 2025 server's is not to be cached.
    expect(resultOf(last(answers[0]))).toEqual(expect.objectContaining({ resultType: 'complete', ttlMs: 0, cacheScope: 'private' }));
    expect(resultOf(last(answers[1]))!.ttlMs).toBeUndefined();
    expect(textOf(last(answers[1]))).toBe('echo: a');
    expect(textOf(last(answers[2]))).toBe('echo: b');
    expect(server.events('initialize')).toHaveLength(1);
  });

  it('keeps the host id text exactly (beyond 2^53) and its own _meta keys; the 2026 keys stay off the wire and the request stays on the session', async () => {
    const c = connect();
    const big = classifyJsonRpc(`{"jsonrpc":"2.0","id":18446744073709551616,"method":"tools/call","params":{"name":"whoami","arguments":{},"_meta":${JSON.stringify(env({ progressToken: 'p-1', 'com.example/trace': 'x' }))}}}`);
    const [answer] = await all(c.send(big));
    expect(answer.text.startsWith('{"jsonrpc":"2.0","id":18446744073709551616,"result":')).toBe(true);
    const who = JSON.parse(textOf(answer)!);
    expect(who.meta).toEqual({ progressToken: 'p-1', 'com.example/trace': 'x' });
    expect(typeof who.sessionId).toBe('string');
  });

  it('turns a changed _meta log level into one logging/setLevel before the request', async () => {
    const c = connect();
    const first = JSON.parse(textOf(last(await all(c.send(call(1, 'whoami', {}, { 'io.modelcontextprotocol/logLevel': 'debug' })))))!);
    expect(first.logLevel).toBe('debug');
    await all(c.send(call(2, 'whoami', {}, { 'io.modelcontextprotocol/logLevel': 'debug' })));
    const third = JSON.parse(textOf(last(await all(c.send(call(3, 'whoami', {}, { 'io.modelcontextprotocol/logLevel': 'error' })))))!);
    expect(third.logLevel).toBe('error');
    expect(server.events('setLevel').map((e) => e.data.level)).toEqual(['debug', 'error']);
  });

  it('relays progress in order, before the result', async () => {
    const c = connect();
    const replies = await all(c.send(call(7, 'countdown', { steps: 5, delayMs: 10 }, { progressToken: 7 })));
    const progress = replies.filter((m) => m.kind === 'notification' && m.method === 'notifications/progress');
    expect(progress.map((m) => (m.kind === 'notification' ? (m.message.params as { progress: number }).progress : 0))).toEqual([1, 2, 3, 4, 5]);
    expect(last(replies).kind).toBe('response');
    expect(textOf(last(replies))).toBe('countdown done: 5');
  });

  it.each(['call', 'get'])('MRTR: an elicitation on the %s stream becomes input_required; the retry answers it and continues the same call', async (via) => {
    const c = connect();
    const [first] = await all(c.send(call(10, 'confirm', { action: 'deploy', via })));
    expect(JSON.parse(first.text).id).toBe(10);
    const { requestState, inputRequests } = inputRequired(first);
    expect(Object.values(inputRequests)).toEqual([
      { method: 'elicitation/create', params: expect.objectContaining({ message: 'Really deploy?', requestedSchema: expect.any(Object) }) },
    ]);
    const replies = await all(c.send(call(11, 'confirm', { action: 'deploy', via }, {}, { inputResponses: accept(inputRequests), requestState })));
    expect(JSON.parse(last(replies).text).id).toBe(11);
    expect(resultOf(last(replies))!.resultType).toBe('complete');
    expect(textOf(last(replies))).toBe('confirmed deploy by Ada: true');
    // The same requestState is spent.
    const [again] = await all(c.send(call(12, 'confirm', { action: 'deploy', via }, {}, { inputResponses: accept(inputRequests), requestState })));
    expect(again.kind === 'response' && 'error' in again.message && again.message.error.code).toBe(-32602);
  });

  it('MRTR: progress of the continued call comes under the retry\'s own progress token', async () => {
    const c = connect();
    const [first] = await all(c.send(call(13, 'confirm', { action: 'go' }, { progressToken: 'first' })));
    const { requestState, inputRequests } = inputRequired(first);
    const replies = await all(c.send(call(14, 'confirm', { action: 'go' }, { progressToken: 'second' }, { inputResponses: accept(inputRequests), requestState })));
    const progress = replies.filter((m) => m.kind === 'notification' && m.method === 'notifications/progress').map((m) => JSON.parse(m.text).params);
    expect(progress).toEqual([{ progressToken: 'second', progress: 1, total: 1 }]);
    expect(textOf(last(replies))).toBe('confirmed go by Ada: true');
  });

  it('MRTR: roots/list during a call; a capability the request does not declare is refused to the server, not asked of the host', async () => {
    const c = connect();
    const [first] = await all(c.send(call(15, 'roots')));
    const { requestState, inputRequests } = inputRequired(first);
    expect(Object.values(inputRequests)).toEqual([{ method: 'roots/list' }]);
    const key = Object.keys(inputRequests)[0];
    const replies = await all(c.send(call(16, 'roots', {}, {}, { inputResponses: { [key]: { roots: [{ uri: 'file:///work' }] } }, requestState })));
    expect(textOf(last(replies))).toBe('roots: file:///work');
    // This request declares elicitation only (the session was initialized with roots too).
    const [refused] = await all(c.send(call(17, 'roots', {}, { 'io.modelcontextprotocol/clientCapabilities': { elicitation: {} } })));
    expect(resultOf(refused)!.resultType).toBe('complete');
    expect(resultOf(refused)!.isError).toBe(true);
    expect(textOf(refused)).toContain('did not declare the roots capability');
  });

  it('MRTR: requests sent together go out as one map; a later round is another input_required', async () => {
    const c = connect();
    const [first] = await all(c.send(call(20, 'confirm', { action: 'ship', parallel: 2, rounds: 2 })));
    const round1 = inputRequired(first);
    expect(Object.keys(round1.inputRequests)).toHaveLength(2);
    const [second] = await all(c.send(call(21, 'confirm', { action: 'ship', parallel: 2, rounds: 2 }, {}, { inputResponses: accept(round1.inputRequests, 'A'), requestState: round1.requestState })));
    const round2 = inputRequired(second);
    expect(Object.values(round2.inputRequests).map((r) => r.params.message)).toEqual(['Really ship? (round 2, 1)', 'Really ship? (round 2, 2)']);
    const replies = await all(c.send(call(22, 'confirm', { action: 'ship', parallel: 2, rounds: 2 }, {}, { inputResponses: accept(round2.inputRequests, 'B'), requestState: round2.requestState })));
    expect(textOf(last(replies))).toBe('confirmed ship by A: true; confirmed ship by A: true; confirmed ship by B: true; confirmed ship by B: true');
  });

  it('MRTR: an unknown requestState is -32602; a parked call the host never retries is aborted after the timeout', async () => {
    const c = connect({ parkTimeoutMs: 300 });
    const [unknown] = await all(c.send(call(30, 'confirm', { action: 'x' }, {}, { inputResponses: {}, requestState: 'nope' })));
    expect(unknown.kind === 'response' && 'error' in unknown.message && unknown.message.error).toEqual({ code: -32602, message: 'Invalid params: requestState is unknown or expired' });
    const [first] = await all(c.send(call(31, 'confirm', { action: 'x' })));
    const { requestState, inputRequests } = inputRequired(first);
    await sleep(600);
    const [late] = await all(c.send(call(32, 'confirm', { action: 'x' }, {}, { inputResponses: accept(inputRequests), requestState })));
    expect(late.kind === 'response' && 'error' in late.message && late.message.error.code).toBe(-32602);
  });

  it('subscriptions/listen: resources/subscribe upstream, the acknowledgement, tagged changes from the GET stream, unsubscribe when the host leaves', async () => {
    const c = connect();
    await all(c.send(req('d', 'server/discover')));
    const seen: ClassifiedMessage[] = [];
    const listen = c.send(req('listen:0', 'subscriptions/listen', { notifications: { toolsListChanged: true, promptsListChanged: true, resourceSubscriptions: ['demo://counter'] } }));
    const sub = listen.subscribe((m) => seen.push(m));
    const ackDeadline = Date.now() + 5000;
    while (seen.length === 0 && Date.now() < ackDeadline) await sleep(10);
    expect(JSON.parse(seen[0].text)).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/subscriptions/acknowledged',
      // No prompts capability on this server: not honoured.
      params: { notifications: { toolsListChanged: true, resourceSubscriptions: ['demo://counter'] }, _meta: { 'io.modelcontextprotocol/subscriptionId': 'listen:0' } },
    });
    expect(server.events('subscribe')).toEqual([{ name: 'subscribe', data: { uri: 'demo://counter' } }]);
    await all(c.send(call(40, 'touch')));
    await all(c.send(call(41, 'change-tools')));
    const deadline = Date.now() + 5000;
    while (seen.length < 3 && Date.now() < deadline) await sleep(20);
    expect(seen.slice(1).map((m) => JSON.parse(m.text))).toEqual([
      { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'demo://counter', _meta: { 'io.modelcontextprotocol/subscriptionId': 'listen:0' } } },
      { jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: { _meta: { 'io.modelcontextprotocol/subscriptionId': 'listen:0' } } },
    ]);
    sub.unsubscribe();
    expect(await server.waitFor('unsubscribe')).toEqual([{ name: 'unsubscribe', data: { uri: 'demo://counter' } }]);
  });

  it('close() ends a listen stream with a result, and DELETEs the session', async () => {
    const c = connect();
    const listen = firstValueFrom(c.send(req(5, 'subscriptions/listen', { notifications: { toolsListChanged: true } })).pipe(filter((m) => m.kind === 'response'), timeout(10_000)));
    await sleep(300);
    await c.close(2000);
    conn = undefined;
    expect(JSON.parse((await listen).text)).toEqual({ jsonrpc: '2.0', id: 5, result: { resultType: 'complete', _meta: { 'io.modelcontextprotocol/subscriptionId': 5 } } });
    expect(await server.waitFor('delete')).toHaveLength(1);
  });

  it('a host that leaves a call (cancellation) cancels it upstream with notifications/cancelled', async () => {
    const c = connect();
    await all(c.send(req('d', 'server/discover')));
    const sub = c.send(call(50, 'slow', { ms: 10_000, tag: 'left' })).subscribe();
    await sleep(500);
    sub.unsubscribe();
    const cancelled = await server.waitFor('cancelled');
    expect(cancelled.map((e) => e.data.tag)).toEqual(['left']);
  });

  it('a 2 MiB result, and ten concurrent calls in flight together', async () => {
    const c = connect();
    const big = last(await all(c.send(call(60, 'big'))));
    expect(Buffer.byteLength(textOf(big)!)).toBe(2 * 1024 * 1024);
    const group = `g${Date.now()}`;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => all(c.send(call(70 + i, 'gate', { group, n: 10, timeoutMs: 4000 })))));
    expect(answers.map((a) => textOf(last(a)))).toEqual(Array(10).fill(`gate ${group}: 10 together`));
  });

  it('server requests outside any call: ping is answered, roots/list refused (the host cannot be asked)', async () => {
    const c = connect();
    expect(textOf(last(await all(c.send(call(80, 'later')))))).toBe('later scheduled');
    const roots = await server.waitFor('roots-result');
    expect(server.events('ping-result')).toEqual([{ name: 'ping-result', data: { ok: true, result: {} } }]);
    expect(roots[0].data.ok).toBe(false);
  });

  it('an error answer from the server reaches the host under its id', async () => {
    const c = connect();
    const [answer] = await all(c.send(req('e1', 'prompts/get', { name: 'nope' })));
    expect(JSON.parse(answer.text).id).toBe('e1');
    expect(answer.kind === 'response' && 'error' in answer.message).toBe(true);
  });

  it('the host sees its own messages only once (take(1) of the answer completes)', async () => {
    const c = connect();
    const answer = await firstValueFrom(c.send(call(90, 'echo', { text: 'once' })).pipe(filter((m) => m.kind === 'response'), take(1), timeout(10_000)));
    expect(textOf(answer)).toBe('echo: once');
  });
});

describe('ModernHostOnLegacyServer against the SDK v1 server on the deprecated HTTP+SSE transport (--transport auto falls back)', () => {
  let server: LegacyServer;
  let conn: ModernHostOnLegacyServer | undefined;
  const logger = Logger.silent();

  beforeAll(async () => {
    server = await startLegacyServer('sse');
  });
  afterEach(async () => {
    await conn?.close(500);
    conn = undefined;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('discover, a call, an elicitation round trip (the request arrives on the one SSE stream) and a listen', async () => {
    const c = (conn = new ModernHostOnLegacyServer(autoConnection(server.url, logger), logger));
    const [discover] = await all(c.send(req('d', 'server/discover')));
    expect(resultOf(discover)!.supportedVersions).toEqual([MODERN]);
    expect(textOf(last(await all(c.send(call(1, 'echo', { text: 'over sse' })))))).toBe('echo: over sse');

    const [first] = await all(c.send(call(2, 'confirm', { action: 'fallback' })));
    const r = resultOf(first)!;
    expect(r.resultType).toBe('input_required');
    const answers = Object.fromEntries(Object.keys(r.inputRequests).map((k) => [k, { action: 'accept', content: { confirm: true, name: 'Sse' } }]));
    const replies = await all(c.send(call(3, 'confirm', { action: 'fallback' }, {}, { inputResponses: answers, requestState: r.requestState })));
    expect(textOf(last(replies))).toBe('confirmed fallback by Sse: true');

    const seen: ClassifiedMessage[] = [];
    const sub = c.send(req('L', 'subscriptions/listen', { notifications: { resourceSubscriptions: ['demo://counter'] } })).subscribe((m) => seen.push(m));
    const deadline = Date.now() + 5000;
    while (seen.length === 0 && Date.now() < deadline) await sleep(10);
    await all(c.send(call(4, 'touch')));
    while (seen.length < 2 && Date.now() < deadline + 5000) await sleep(10);
    sub.unsubscribe();
    expect(seen.map((m) => (m.kind === 'notification' ? m.method : m.kind))).toEqual(['notifications/subscriptions/acknowledged', 'notifications/resources/updated']);
  });
});
