/**
 * Backpressure from stdout to the server socket: while the host does not read stdout, the bridge
 * must stop reading the response instead of buffering it, so memory stays bounded however much
 * the server has to send; once the host reads again, every message arrives.
 */
import { readFileSync } from 'node:fs';
import { exitOf, posts, sleep, useHarness, waitFor, writeAsync } from '../helpers/cli-kit';

const h = useHarness();
const MiB = 1024 * 1024;

/** VmHWM (peak RSS) and VmRSS of a live process, in bytes. */
function memoryOf(pid: number): { peak: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { peak: kib('VmHWM'), rss: kib('VmRSS') };
}

describe('stdout backpressure', () => {
  test('~256 MiB of SSE events with a host that stops reading for 5 s: peak RSS stays bounded and every line arrives', async () => {
    const payload = 'x'.repeat(64 * 1024 - 120);
    const note = `{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"${payload}"}}`;
    const event = Buffer.from(`data: ${note}\n\n`);
    const count = Math.ceil((256 * MiB) / event.length);
    const answer = '{"jsonrpc":"2.0","id":1,"result":{"done":true}}';
    let written = 0;
    let finished = false;
    const server = await h.mcpServer(async (_r, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      for (let i = 0; i < count; i++) {
        await writeAsync(res, event);
        written += event.length;
      }
      res.end(`data: ${answer}\n\n`);
      finished = true;
    });

    const run = h.rawCli(['--url', server.url], {}, { paused: true, keep: false });
    run.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: {} });
    await waitFor(() => posts(server).length === 1 && written > 0, 'the server to start streaming');

    // The host does not read stdout for 5 s.
    await sleep(5000);
    const during = memoryOf(run.child.pid!);
    const writtenWhilePaused = written;

    run.resume();
    await run.waitForNewlines(count + 1, 50000);
    const after = memoryOf(run.child.pid!);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });

    // The server was held back while nobody read: far less than the whole body left it.
    expect(writtenWhilePaused).toBeLessThan(64 * MiB);
    expect(finished).toBe(true);
    // Every message arrived, whole.
    expect(run.newlines).toBe(count + 1);
    expect(run.bytes).toBe(count * (note.length + 1) + answer.length + 1);
    // Peak resident memory stayed far below the 256 MiB that went through.
    expect(during.rss).toBeLessThan(200 * MiB);
    expect(after.peak).toBeLessThan(200 * MiB);
  });
});
