/**
 * Reference: test_install_signal_handlers_runs (SIGINT/SIGTERM start a graceful shutdown),
 * test_main_async_cancels_inflight_tasks, test_main_async_smoke.
 * Difference: at stdin EOF (and on a signal) the reference cancels in-flight requests, whose
 * answers are lost; we let them finish within --shutdown-timeout (a signal: at most 3 s), then
 * answer whatever is still open with one error each.
 */
import { runCli, type CliRun } from '../helpers/cli-process';
import { json, startServer, type TestServer } from '../helpers/http-server';
import { deferred, ok, ping, posts, waitForStderr } from './support';

interface Held {
  server: TestServer;
  /** Resolves when the n-th POST has reached the server. */
  arrived: Promise<void>;
  /** Lets the server answer the held POSTs. */
  release: () => void;
}

/** A server that holds every POST until `release()`, then answers it. */
async function holdingServer(): Promise<Held> {
  const arrived = deferred();
  const gate = deferred();
  const server = await startServer(async (req, res) => {
    if (req.method !== 'POST') return void res.writeHead(405).end();
    arrived.resolve();
    await gate.promise;
    json(res, ok(req.json.id, { late: true }));
  });
  return { server, arrived: arrived.promise, release: () => gate.resolve() };
}

async function signalDuringRequest(signal: 'SIGINT' | 'SIGTERM'): Promise<{ run: CliRun; held: Held; code: number | null; sig: NodeJS.Signals | null }> {
  const held = await holdingServer();
  try {
    const run = runCli(['--url', held.server.url], { LOG_LEVEL: 'info' });
    run.send(ping(1));
    await held.arrived;
    run.child.kill(signal);
    await waitForStderr(run, (s) => s.includes(` INFO ${signal}: finishing in-flight requests, then exiting\n`), `${signal} handled`);
    // Input after the signal is no longer read.
    run.send(ping(2));
    held.release();
    const { code, signal: sig } = await run.exited;
    return { run, held, code, sig };
  } finally {
    await held.server.close();
  }
}

describe('main_async / _install_signal_handlers: shutdown', () => {
  test('_install_signal_handlers: SIGINT is handled: exit 0 and the in-flight answer is still printed', async () => {
    const { run, held, code, sig } = await signalDuringRequest('SIGINT');
    expect({ code, sig }).toEqual({ code: 0, sig: null });
    expect(run.lines).toEqual([JSON.stringify(ok(1, { late: true }))]);
    expect(posts(held.server.requests).map((r) => r.json)).toEqual([ping(1)]);
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  });

  test('_install_signal_handlers: SIGTERM is handled: exit 0 and the in-flight answer is still printed', async () => {
    const { run, held, code, sig } = await signalDuringRequest('SIGTERM');
    expect({ code, sig }).toEqual({ code: 0, sig: null });
    expect(run.lines).toEqual([JSON.stringify(ok(1, { late: true }))]);
    expect(posts(held.server.requests).map((r) => r.json)).toEqual([ping(1)]);
  });

  test('_install_signal_handlers: a second SIGINT exits at once with status 130', async () => {
    const held = await holdingServer();
    try {
      const run = runCli(['--url', held.server.url], { LOG_LEVEL: 'info' });
      run.send(ping(1));
      await held.arrived;
      run.child.kill('SIGINT');
      await waitForStderr(run, (s) => s.includes(' INFO SIGINT: finishing in-flight requests'), 'first SIGINT handled');
      run.child.kill('SIGINT');
      const { code, signal } = await run.exited;
      expect({ code, signal }).toEqual({ code: 130, signal: null });
      expect(run.lines).toEqual([]);
    } finally {
      held.release();
      await held.server.close();
    }
  });

  test('main_async_cancels_inflight_tasks: at stdin EOF in-flight requests still finish (difference: reference cancels them)', async () => {
    const held = await holdingServer();
    try {
      const run = runCli(['--url', held.server.url], { LOG_LEVEL: 'info' });
      run.send(ping(1));
      await held.arrived;
      run.end();
      await waitForStderr(run, (s) => s.includes(' INFO input ended: waiting up to 30000 ms for 1 request(s)\n'), 'EOF seen');
      held.release();
      const { code, signal } = await run.exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(run.lines).toEqual([JSON.stringify(ok(1, { late: true }))]);
    } finally {
      await held.server.close();
    }
  });

  test('main_async_cancels_inflight_tasks: past --shutdown-timeout an open request is answered with one error, exit 0', async () => {
    const held = await holdingServer();
    try {
      const run = runCli(['--url', held.server.url, '--shutdown-timeout', '0.2']);
      run.send(ping(1));
      await held.arrived;
      run.end();
      const { code, signal } = await run.exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(run.lines).toEqual([JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'the bridge shut down before the server answered' } })]);
    } finally {
      held.release();
      await held.server.close();
    }
  });

  test('main_async_smoke: a message is forwarded and answered, then EOF ends the process with 0', async () => {
    const server = await startServer((req, res) => (req.method === 'POST' ? json(res, ok(req.json.id)) : void res.writeHead(405).end()));
    try {
      const run = runCli(['--url', server.url]);
      run.send(ping('smoke'));
      await run.waitForLines(1);
      run.end();
      const { code, signal } = await run.exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(run.lines).toEqual([JSON.stringify(ok('smoke'))]);
      expect(posts(server.requests)).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
