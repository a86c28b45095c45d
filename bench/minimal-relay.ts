/**
 * The floor: the least a stdio <-> Streamable HTTP relay in Node can do, used as a reference
 * target by the benches (not a usable bridge: no validation, retries, cancellation, timeouts,
 * GET stream or error answers). One line in, one POST over a keep-alive node:http Agent (at most
 * 10 in flight, like this bridge's default), every SSE `data:` payload or the JSON body out as
 * one line. All in Buffers, never decoded to strings; SSE is framed on bytes (LF only; the mock
 * server sends nothing else).
 *
 * What it measures: the cost of the extra process hop itself on this machine (two pipes, two
 * wake-ups, one more socket), which no bridge can go below.
 *
 *   node dist/bench/minimal-relay.js <url>
 */
import * as http from 'node:http';

const CONCURRENCY = 10;
const LF = 10;
const DATA = Buffer.from('data:');

function main(): void {
  const target = new URL(process.argv[2] ?? '');
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY + 2, maxFreeSockets: CONCURRENCY + 2, scheduling: 'lifo' });
  const out = process.stdout;
  let session: string | undefined;
  let inFlight = 0;
  const queue: Buffer[] = [];
  let stdinEnded = false;

  const finishIfDone = () => {
    if (stdinEnded && inFlight === 0 && queue.length === 0) {
      agent.destroy();
      out.write('', () => process.exit(0));
    }
  };

  /** Writes parts as one line (corked: one syscall); false while stdout is full. */
  const writeLine = (parts: Buffer[]): boolean => {
    out.cork();
    for (const part of parts) out.write(part);
    const ok = out.write('\n');
    process.nextTick(() => out.uncork());
    return ok;
  };

  /** Incremental SSE framing on bytes: each complete event's data lines go out as one line. */
  const sseReader = (res: http.IncomingMessage) => {
    let line: Buffer[] = [];
    let data: Buffer[] | undefined;
    const endLine = () => {
      const whole = line.length === 1 ? line[0]! : Buffer.concat(line);
      line = [];
      if (whole.length === 0) {
        // Backpressure: stop reading the socket while stdout is full.
        if (data && !writeLine(data) && !res.isPaused()) {
          res.pause();
          out.once('drain', () => res.resume());
        }
        data = undefined;
        return;
      }
      if (whole.subarray(0, DATA.length).equals(DATA)) {
        const value = whole[DATA.length] === 0x20 ? whole.subarray(DATA.length + 1) : whole.subarray(DATA.length);
        data = data ? [...data, Buffer.from('\n'), value] : [value];
      }
    };
    // Big data lines: the value is kept as the list of received chunks, joined only by writev.
    return (chunk: Buffer) => {
      let start = 0;
      let lf = chunk.indexOf(LF, start);
      while (lf !== -1) {
        line.push(chunk.subarray(start, lf));
        endLine();
        start = lf + 1;
        lf = chunk.indexOf(LF, start);
      }
      if (start < chunk.length) line.push(chunk.subarray(start));
    };
  };

  const send = (body: Buffer) => {
    inFlight++;
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'Content-Length': body.length,
    };
    if (session) headers['Mcp-Session-Id'] = session;
    const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'POST', headers }, (res) => {
      const sid = res.headers['mcp-session-id'];
      if (typeof sid === 'string') session = sid;
      const type = res.headers['content-type'] ?? '';
      const done = () => {
        inFlight--;
        pump();
        finishIfDone();
      };
      if (type.startsWith('text/event-stream')) {
        const feed = sseReader(res);
        res.on('data', feed);
        res.on('end', done);
      } else {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (chunks.length > 0) writeLine(chunks);
          done();
        });
      }
      res.on('error', done);
    });
    req.on('error', (err) => {
      process.stderr.write(`minimal-relay: ${err.message}\n`);
      inFlight--;
      pump();
    });
    req.end(body);
  };

  const pump = () => {
    while (inFlight < CONCURRENCY && queue.length > 0) send(queue.shift()!);
  };

  let pending: Buffer[] = [];
  process.stdin.on('data', (chunk: Buffer) => {
    let start = 0;
    let lf = chunk.indexOf(LF, start);
    while (lf !== -1) {
      pending.push(chunk.subarray(start, lf));
      const line = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      pending = [];
      if (line.length > 0) queue.push(line);
      start = lf + 1;
      lf = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
    pump();
  });
  process.stdin.on('end', () => {
    stdinEnded = true;
    finishIfDone();
  });
}

main();
