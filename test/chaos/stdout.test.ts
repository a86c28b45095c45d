/**
 * A slow or closed stdout.
 * (a) The host stops reading stdout for 5 s while ~256 MiB of SSE events stream through one
 *     response: backpressure must reach the server's socket (the bridge stops reading), memory
 *     stays bounded (peak RSS < 250 MiB), and every event arrives, in order, once reading resumes.
 * (b) The host closes its end of stdout while a response streams: the bridge exits with code 0,
 *     aborts the upstream response, and prints no stack trace.
 */
import type { ServerResponse } from 'node:http';
import { startServer } from '../helpers/http-server';
import { procStatusKiB, sleep, stackFrames, useCleanup, waitFor, within } from '../helpers/chaos-kit';

const h = useCleanup();
const REQUEST = { jsonrpc: '2.0', id: 'big-1', method: 'tools/call', params: { name: 'stream' } };

const EVENT_BYTES = 64 * 1024;
const EVENTS = 4096; // 4096 x 64 KiB = 256 MiB
const PAUSE_MS = 5000;
const PEAK_LIMIT_KIB = 250 * 1024;

/** Writes and waits for 'drain' when the socket buffer is full; false once the client has gone. */
function writeWithBackpressure(res: ServerResponse, chunk: string): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

const prefixOf = (seq: number) => `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"big-1","progress":${seq},"message":"`;

describe('stdout', () => {
  test(
    'paused for 5 s while 256 MiB stream through: bounded memory, backpressure to the socket, every event delivered in order',
    async () => {
      const pad = 'p'.repeat(EVENT_BYTES - 160);
      const eventText = (seq: number) => `${prefixOf(seq)}${pad}"}}`;
      const answer = JSON.stringify({ jsonrpc: '2.0', id: 'big-1', result: { events: EVENTS } });
      let serverBytes = 0;
      let serverDone = false;
      const server = await startServer(async (_r, res) => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        for (let seq = 1; seq <= EVENTS; seq++) {
          const chunk = `data: ${eventText(seq)}\n\n`;
          if (!(await writeWithBackpressure(res, chunk))) return;
          serverBytes += chunk.length;
        }
        res.end(`data: ${answer}\n\n`);
        serverDone = true;
      });
      h.defer(() => server.close());

      // stdout is checked as it streams (nothing kept): line k must be event k, whole.
      let partial: Buffer = Buffer.alloc(0);
      let received = 0;
      let answerSeen = false;
      const problems: string[] = [];
      const onLine = (line: Buffer) => {
        if (answerSeen) return void problems.push(`line after the answer: ${line.toString('utf8', 0, 80)}`);
        const head = line.toString('latin1', 0, 120);
        if (head.startsWith('{"jsonrpc":"2.0","id":"big-1"')) {
          answerSeen = true;
          if (line.toString('utf8') !== answer) problems.push(`answer differs: ${line.toString('utf8', 0, 200)}`);
          return;
        }
        received++;
        const expected = eventText(received);
        if (line.length !== expected.length || !head.startsWith(prefixOf(received))) {
          if (problems.length < 5) problems.push(`line ${received}: ${line.length} bytes, starts ${head}`);
        }
      };
      const bridge = h.bridge(['--url', server.url, '--transport', 'streamable-http', '--timeout', '0'], {
        keepLines: false,
        onChunk: (chunk) => {
          let data = partial.length > 0 ? Buffer.concat([partial, chunk]) : chunk;
          let lf = data.indexOf(10);
          while (lf !== -1) {
            onLine(data.subarray(0, lf));
            data = data.subarray(lf + 1);
            lf = data.indexOf(10);
          }
          partial = Buffer.from(data);
        },
      });

      await bridge.send(REQUEST);
      await waitFor(() => received >= 1, 'the first event', 20_000);
      bridge.child.stdout.pause();
      const receivedAtPause = received;
      let peakDuringPause = 0;
      for (let t = 0; t < PAUSE_MS; t += 250) {
        await sleep(250);
        peakDuringPause = Math.max(peakDuringPause, procStatusKiB(bridge.pid, 'VmRSS') ?? 0);
      }
      const serverBytesAtResume = serverBytes;
      const receivedAtResume = received;
      bridge.child.stdout.resume();

      await waitFor(() => answerSeen || problems.length > 0 || bridge.child.exitCode !== null, 'every event and the answer', 50_000);
      const peakKiB = procStatusKiB(bridge.pid, 'VmHWM');
      bridge.end();
      const exit = await within(bridge.finished, 20_000, 'bridge exit');
      console.log(
        `slow stdout: ${received} events of ${EVENT_BYTES} B (${((received * EVENT_BYTES) / 2 ** 20).toFixed(0)} MiB); ` +
          `server had written ${(serverBytesAtResume / 2 ** 20).toFixed(1)} MiB when reading resumed; ` +
          `RSS during the pause ≤ ${(peakDuringPause / 1024).toFixed(1)} MiB; peak RSS (VmHWM) ${((peakKiB ?? 0) / 1024).toFixed(1)} MiB`,
      );

      expect(problems).toEqual([]);
      expect(received).toBe(EVENTS);
      expect(answerSeen).toBe(true);
      expect(serverDone).toBe(true);
      // While the host did not read, the bridge did not either: the server was held back.
      expect(receivedAtResume).toBe(receivedAtPause);
      expect(serverBytesAtResume).toBeLessThan(64 * 2 ** 20);
      expect(peakKiB).toBeDefined();
      expect(peakKiB!).toBeLessThan(PEAK_LIMIT_KIB);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(stackFrames(bridge.stderr())).toEqual([]);
    },
    90_000,
  );

  test('closed by the host while a response streams: exit code 0, upstream aborted, no stack trace', async () => {
    let upstreamClosed = false;
    let eventsWritten = 0;
    const server = await startServer(async (_r, res) => {
      res.on('close', () => (upstreamClosed = true));
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      // Progress events until the client goes away (never the answer).
      while (!res.destroyed) {
        const ok = await writeWithBackpressure(
          res,
          `data: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p', progress: ++eventsWritten, message: 'x'.repeat(1000) } })}\n\n`,
        );
        if (!ok) return;
        await sleep(2);
      }
    });
    h.defer(() => server.close());
    const bridge = h.bridge(['--url', server.url, '--transport', 'streamable-http', '--timeout', '0', '--log-level', 'info']);
    await bridge.send(REQUEST);
    await waitFor(() => bridge.lineCount >= 5, 'a few streamed lines', 20_000);
    // The host's read end of the pipe goes away; stdin stays open.
    bridge.child.stdout.destroy();
    const exit = await within(bridge.exited, 20_000, 'bridge exit after stdout closed');
    expect(exit).toEqual({ code: 0, signal: null });
    await waitFor(() => upstreamClosed, 'the upstream response to be closed', 10_000);
    const stderr = bridge.stderr();
    expect(stderr).toMatch(/stdout closed \(EPIPE\)/);
    expect(stackFrames(stderr)).toEqual([]);
    expect(stderr).not.toMatch(/unexpected (error|rejection)/);
  }, 60_000);
});
