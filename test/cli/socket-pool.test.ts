/**
 * Sockets: requests never use more than --concurrency sockets (one per request slot); the GET
 * stream, notifications and the host's answers have a pool of their own.
 */
import type { Socket } from 'node:net';
import { result } from '../helpers/http-server';
import { exitOf, reply, sleep, useHarness } from '../helpers/cli-kit';

const h = useHarness();

test('60 pipelined requests at --concurrency 3 go over at most 3 sockets; notifications over others', async () => {
  const requestSockets = new Set<Socket>();
  const notificationSockets = new Set<Socket>();
  let inFlight = 0;
  let peakInFlight = 0;
  const server = await h.mcpServer(async (r, res, raw) => {
    const message = r.json as { id?: number; method: string };
    if (message.id === undefined) {
      notificationSockets.add(raw.socket);
      return reply(res, 202, undefined, '');
    }
    requestSockets.add(raw.socket);
    peakInFlight = Math.max(peakInFlight, ++inFlight);
    await sleep(5 + (message.id % 4) * 3);
    inFlight--;
    reply(res, 200, 'application/json', JSON.stringify(result(message.id, {})));
  });
  const run = h.cli(['--url', server.url, '--concurrency', '3']);
  for (let id = 1; id <= 60; id++) {
    run.send({ jsonrpc: '2.0', id, method: 'tools/call', params: {} });
    if (id % 10 === 0) run.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: id, progress: 1 } });
  }
  run.end();
  expect(await exitOf(run)).toEqual({ code: 0, signal: null });
  expect(run.lines).toHaveLength(60);
  expect(peakInFlight).toBe(3);
  expect(requestSockets.size).toBeLessThanOrEqual(3);
  for (const socket of notificationSockets) expect(requestSockets.has(socket)).toBe(false);
});
