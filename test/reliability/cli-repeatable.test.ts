/**
 * Retry by what the request is, end to end (#18 items 1-2): through `node dist/src/cli.js`, after
 * a tools/list that carries the annotations, a tools/call of a tool without readOnlyHint /
 * idempotentHint that gets a 502 after running is not re-sent and its error says the tool may
 * have run; the same fault on a readOnlyHint tool (or an idempotentHint one) is retried.
 */
import { exitOf, parseLine, useHarness } from '../helpers/cli-kit';
import { startRetrySafetyServer, type Fault, type RetrySafetyServer } from './retry-safety-server';

const h = useHarness();
let server: RetrySafetyServer;
beforeEach(async () => {
  server = await startRetrySafetyServer();
});
afterEach(() => server.close());

const call = (id: number, name: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

/** Each tools/call id meets `first` on its first arrival, then 'ok'. */
function firstArrival(first: Fault) {
  const seen = new Set<unknown>();
  server.decide = (a) => {
    if (seen.has(a.id)) return 'ok';
    seen.add(a.id);
    return first;
  };
}

async function session(calls: Array<[number, string]>) {
  const run = h.cli(['--url', server.url, '--transport', 'streamable-http', '--retry-base', '0.01', '--log-level', 'info']);
  run.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
  await run.waitForLines(1);
  run.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  run.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
  await run.waitForLines(2);
  for (const [id, name] of calls) run.send(call(id, name));
  run.end();
  expect(await exitOf(run)).toEqual({ code: 0, signal: null });
  const byId = new Map(run.lines.map(parseLine).map((m) => [m.id, m]));
  expect(run.lines).toHaveLength(2 + calls.length);
  return { byId, stderr: run.stderr() };
}

test.each(['run-then-502', 'run-then-504', 'run-then-503'] as const)(
  '%s after running: the unannotated tool runs once and its error says it may have run; read-only and idempotent tools are retried',
  async (fault) => {
    firstArrival(fault);
    const { byId, stderr } = await session([
      [2, 'write'],
      [3, 'read'],
      [4, 'put'],
    ]);
    expect(server.executed(2)).toBe(1);
    const err = byId.get(2)!.error!;
    expect(err.code).toBe(-32000);
    expect(err.message).toMatch(/may have run/);
    expect(err.data?.status).toBe(Number(fault.slice(-3)));
    expect(byId.get(3)!.result).toEqual({ content: [{ type: 'text', text: 'ran' }] });
    expect(byId.get(4)!.result).toEqual({ content: [{ type: 'text', text: 'ran' }] });
    expect(server.executed(3)).toBe(2);
    expect(server.executed(4)).toBe(2);
    expect(stderr).toMatch(/INFO HTTP 50\d: not retrying tools\/call id 2: /);
    expect(stderr).toMatch(/INFO HTTP 50\d: retrying in \d+ ms \(attempt 2 of 5\): tools\/call id 3, safe to repeat/);
  },
);

test.each(['reset-before-body', 'reset-after-body'] as const)(
  '%s on a fresh connection: the unannotated tool is not re-sent and its error says it may have run; the read-only tool is re-sent',
  async (fault) => {
    server.keepAlive = false;
    firstArrival(fault);
    const { byId, stderr } = await session([
      [2, 'write'],
      [3, 'read'],
    ]);
    expect(server.log.filter((a) => a.id === 2)).toHaveLength(1);
    expect(server.executed(2)).toBe(fault === 'reset-after-body' ? 1 : 0);
    expect(server.log.every((a) => !a.reused)).toBe(true);
    const err = byId.get(2)!.error!;
    expect(err.code).toBe(-32000);
    expect(err.message).toMatch(/may have run/);
    expect(byId.get(3)!.result).toBeDefined();
    expect(stderr).toMatch(/INFO .*: not retrying tools\/call id 2: the connection failed after the request was sent on a fresh connection/);
  },
);
