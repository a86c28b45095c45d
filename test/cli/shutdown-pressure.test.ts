/**
 * Issue #18 item 3, lifecycle under pressure: a signal after stdin EOF shortens the running
 * shutdown deadline to the signal's grace; a flood of notifications against a slow server pauses
 * stdin instead of filling memory (every queued message counts, not only requests).
 */
import { readFileSync } from 'node:fs';
import { exitOf, parseLine, sleep, useHarness, waitFor } from '../helpers/cli-kit';

/** Peak resident memory of a process (VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

describe('shutdown and pressure', () => {
  const h = useHarness();

  test('SIGTERM after stdin EOF: the 30 s deadline gives way to the 3 s grace; the open request is answered', async () => {
    const held: Array<() => void> = [];
    const srv = await h.mcpServer((_req, res) => void held.push(() => res.destroy()));
    const run = h.cli(['--url', srv.url, '--shutdown-timeout', '30']);
    run.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow' } });
    await waitFor(() => held.length === 1, 'the call to reach the server');
    run.end();
    // The EOF deadline (30 s) is running now; the signal must bring it forward.
    await sleep(300);
    run.child.kill('SIGTERM');
    // exitOf's own bound (10 s) is far below the 30 s the old code waited.
    const exit = await exitOf(run, 10_000);
    expect(exit.signal).toBeNull();
    expect(run.lines.map(parseLine)).toEqual([expect.objectContaining({ id: 1, error: expect.objectContaining({ code: -32603 }) })]);
    expect(run.stderr()).not.toContain('still running');
    held.forEach((drop) => drop());
  }, 20_000);

  test('a flood of notifications to a slow server pauses stdin; memory stays bounded', async () => {
    const srv = await h.mcpServer((_req, res) => void setTimeout(() => res.writeHead(202).end(), 200));
    const run = h.cli(['--url', srv.url]);
    const note = Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(200) } }) + '\n');
    const batch = Buffer.concat(Array.from({ length: 1000 }, () => note));
    let written = 0;
    let stalled = false;
    // Write with backpressure (as a host's pipe would), until the bridge stops reading for 1.5 s.
    while (written < 1_000_000) {
      const ok = run.child.stdin.write(batch);
      written += 1000;
      if (!ok) {
        const drained = await Promise.race([new Promise<boolean>((r) => run.child.stdin.once('drain', () => r(true))), sleep(1500).then(() => false)]);
        if (!drained) {
          stalled = true;
          break;
        }
      }
    }
    expect(stalled).toBe(true);
    expect(written).toBeLessThan(1_000_000);
    expect(peakRssMiB(run.child.pid!)).toBeLessThan(200);
    run.child.kill('SIGKILL');
  }, 60_000);
});
