/**
 * Retry by what the request is (#18 item 1): sendWithRetry over the real HttpTransport against a
 * server that counts executions per id. A request that is not safe to repeat (a tools/call of a
 * tool without readOnlyHint/idempotentHint) is sent again only when it provably did not run, so
 * it never runs twice; a repeatable one keeps its retries. Each case runs on a fresh connection
 * and on a reused keep-alive connection.
 */
import { MaybeRanError } from '../../src/http/errors';
import { createClient, type Client } from './transport-kit';
import { startRetrySafetyServer, type Fault, type RetrySafetyServer } from './retry-safety-server';
import { closedPort } from '../helpers/chaos-kit';

let server: RetrySafetyServer;
let client: Client;
let nextId = 1;

beforeEach(async () => {
  server = await startRetrySafetyServer();
  client = createClient();
});
afterEach(() => server.close());

/** Puts one keep-alive connection in the client's pool, so that the next request reuses it. */
async function warm(): Promise<void> {
  expect(await client.call(server.url, `warm-${nextId++}`, true)).toEqual({ status: 200 });
}

/** Runs one tools/call under `faults` and returns its outcome, execution count and POST count. */
async function attempt(socket: 'fresh' | 'reused', repeatable: boolean, ...faults: Fault[]) {
  if (socket === 'reused') await warm();
  const before = server.log.length;
  const id = nextId++;
  server.script(...faults);
  const outcome = await client.call(server.url, id, repeatable);
  const posts = server.log.slice(before);
  if (socket === 'reused' && posts[0]?.fault !== 'reset-before-body') expect(posts[0]?.reused).toBe(true);
  if (socket === 'fresh') expect(posts[0]?.reused).toBe(false);
  const logs = client.logs.filter((l) => l.includes(`tools/call id ${id}`));
  return { id, outcome, executions: server.executed(id), posts: posts.length, logs };
}

describe.each(['fresh', 'reused'] as const)('a tools/call that is not safe to repeat, on a %s connection', (socket) => {
  test.each(['run-then-502', 'run-then-504', 'run-then-503'] as const)('%s: not re-sent; the response stands, flagged mayHaveRun', async (fault) => {
    const r = await attempt(socket, false, fault);
    expect(r.executions).toBe(1);
    expect(r.posts).toBe(1);
    expect(r.outcome).toEqual({ status: Number(fault.slice(-3)), mayHaveRun: true });
    expect(r.logs).toEqual([expect.stringMatching(/ INFO HTTP 50\d: not retrying tools\/call id \d+: .*may come after the request ran: it may have run/)]);
  });

  test('503 without Retry-After is not re-sent either (the client cannot tell it from one after running)', async () => {
    const r = await attempt(socket, false, 'declined-503');
    expect(r.executions).toBe(0);
    expect(r.posts).toBe(1);
    expect(r.outcome).toEqual({ status: 503, mayHaveRun: true });
  });

  test.each([
    ['declined-503-retry-after', /HTTP 503: retrying in \d+ ms \(attempt 2 of 5\): tools\/call id \d+, the server declined the request with Retry-After/],
    ['declined-429', /HTTP 429: retrying in \d+ ms \(attempt 2 of 5\): tools\/call id \d+, the server declined the request \(rate limited\)/],
    ['declined-408', /HTTP 408: retrying in \d+ ms \(attempt 2 of 5\): tools\/call id \d+, the server gave up waiting for the request/],
  ] as const)('%s: the server declined, so it is re-sent and runs once', async (fault, log) => {
    const r = await attempt(socket, false, fault, 'ok');
    expect(r.outcome).toEqual({ status: 200 });
    expect(r.executions).toBe(1);
    expect(r.posts).toBe(2);
    expect(r.logs).toEqual([expect.stringMatching(log)]);
  });
});

describe('resets of a request that is not safe to repeat', () => {
  test('reset before the body was read, fresh connection: not re-sent (the client cannot know it did not run); MaybeRanError', async () => {
    const r = await attempt('fresh', false, 'reset-before-body', 'ok');
    expect(r.executions).toBe(0);
    expect(r.posts).toBe(1);
    expect(r.outcome.error).toBeInstanceOf(MaybeRanError);
    const err = r.outcome.error as MaybeRanError;
    expect(err.mayHaveRun).toBe(true);
    expect(err.code).toBe('ECONNRESET');
    expect(err.message).toMatch(/: the request was sent and the server may have run it, so it was not sent again/);
    expect(r.logs).toEqual([expect.stringMatching(/ INFO .*ECONNRESET.*: not retrying tools\/call id \d+: the connection failed after the request was sent on a fresh connection/)]);
  });

  test('reset after the body was read and the tool ran, fresh connection: ran once, not re-sent; MaybeRanError', async () => {
    const r = await attempt('fresh', false, 'reset-after-body', 'ok');
    expect(r.executions).toBe(1);
    expect(r.posts).toBe(1);
    expect(r.outcome.error).toBeInstanceOf(MaybeRanError);
  });

  test('reset before any byte on a reused connection (the stale keep-alive race): re-sent once, runs once', async () => {
    const r = await attempt('reused', false, 'reset-before-body', 'ok');
    expect(r.outcome).toEqual({ status: 200 });
    expect(r.executions).toBe(1);
    expect(r.posts).toBe(2);
    expect(r.logs).toEqual([expect.stringMatching(/: retrying in 0 ms \(attempt 2 of 5\): tools\/call id \d+, a reused keep-alive socket closed before any response byte/)]);
  });

  test('the stale-socket rule applies once: a second reset before any byte is not re-sent', async () => {
    // Two connections in the pool: the retry after the first reset takes the other idle one.
    await Promise.all([warm(), warm()]);
    const id = nextId++;
    server.script('reset-before-body', 'reset-before-body', 'ok');
    const outcome = await client.call(server.url, id, false);
    expect(server.executed(id)).toBe(0);
    expect(outcome.error).toBeInstanceOf(MaybeRanError);
    expect(client.logs.filter((l) => l.includes(`tools/call id ${id}`))).toEqual([
      expect.stringMatching(/retrying in 0 ms .*stale socket, retried once/),
      expect.stringMatching(/not retrying tools\/call id \d+: the connection failed (again )?after the request was sent/),
    ]);
  });

  test('the real race: the server closes its idle connections just as the client reuses one; re-sent once, runs once', async () => {
    await warm();
    const before = server.log.length;
    const id = nextId++;
    // Same process: the client cannot have seen the FIN before it writes on the pooled socket.
    server.closeIdleConnections();
    const outcome = await client.call(server.url, id, false);
    expect(outcome).toEqual({ status: 200 });
    expect(server.executed(id)).toBe(1);
    expect(server.log.slice(before).map((a) => a.reused)).toEqual([false]);
    expect(client.logs.filter((l) => l.includes(`tools/call id ${id}`))).toEqual([expect.stringMatching(/a reused keep-alive socket closed before any response byte/)]);
  });

  test('known limit: a server that runs the tool and then drops a reused connection without a byte looks exactly like the stale race, so it is re-sent once', async () => {
    // At the socket level nothing tells this apart from a connection the server closed while it
    // was idle; the retry table accepts this one repeat (and only one).
    const r = await attempt('reused', false, 'reset-after-body', 'reset-after-body', 'ok');
    expect(server.ambiguousDrops.has(`n:${r.id}`)).toBe(true);
    expect(r.executions).toBe(2);
    expect(r.outcome.error).toBeInstanceOf(MaybeRanError);
  });

  test('after a stale-socket retry, a request that then fails for good still says it may have run (the first attempt may have)', async () => {
    const r = await attempt('reused', false, 'reset-after-body', 'declined-429', 'declined-429', 'declined-429', 'declined-429');
    expect(r.executions).toBe(1);
    expect(r.posts).toBe(5);
    expect(r.outcome).toEqual({ status: 429, mayHaveRun: true });
  });

  test('connection refused: never sent, so retried until the attempts run out; the socket error stands (not MaybeRanError)', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/mcp`;
    const outcome = await client.call(url, 'refused', false, { attempts: 3, baseMs: 1, maxMs: 2 });
    expect(outcome.error).not.toBeInstanceOf(MaybeRanError);
    expect((outcome.error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(client.logs.filter((l) => l.includes('tools/call id "refused"'))).toEqual([
      expect.stringMatching(/ECONNREFUSED.*: retrying in \d+ ms \(attempt 2 of 3\): tools\/call id "refused", the connection was never established, so the request was never sent/),
      expect.stringMatching(/ECONNREFUSED.*: retrying in \d+ ms \(attempt 3 of 3\)/),
    ]);
  });
});

describe.each(['fresh', 'reused'] as const)('a repeatable request (readOnlyHint) on a %s connection keeps its retries', (socket) => {
  test.each(['run-then-502', 'run-then-504', 'run-then-503', 'declined-503', 'reset-after-body'] as const)('%s, then ok: re-sent, answered 200', async (fault) => {
    const r = await attempt(socket, true, fault, 'ok');
    expect(r.outcome).toEqual({ status: 200 });
    expect(r.posts).toBe(2);
    expect(r.executions).toBe(fault === 'declined-503' ? 1 : 2);
    expect(r.logs).toEqual([expect.stringMatching(/: retrying in \d+ ms \(attempt 2 of 5\): tools\/call id \d+, safe to repeat/)]);
  });

  test('reset before the body, then ok: re-sent, runs once', async () => {
    const r = await attempt(socket, true, 'reset-before-body', 'ok');
    expect(r.outcome).toEqual({ status: 200 });
    expect(r.executions).toBe(1);
  });

  test('always 502: five attempts, then the 502 stands (not flagged: it was safe to repeat)', async () => {
    const r = await attempt(socket, true, 'run-then-502', 'run-then-502', 'run-then-502', 'run-then-502', 'run-then-502');
    expect(r.outcome).toEqual({ status: 502 });
    expect(r.posts).toBe(5);
  });
});
