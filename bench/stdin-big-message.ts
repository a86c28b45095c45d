/**
 * One big host message through the CLI: a tools/call whose argument is a mixed UTF-8 text with
 * JSON escapes (bench/mock-server.ts's MIXED_UNIT: ASCII, accents, CJK, emoji, `\n \" \\ \u00e9`),
 * written to the bridge's stdin and POSTed to a loopback server that reads the whole body.
 *
 * Reported per run: MB/s (message bytes / time from the first byte written to the answer line on
 * stdout), the bridge's peak RSS from `/usr/bin/time -v` ("Maximum resident set size") and its
 * CPU time (user + system, start-up included: see the baseline run). The
 * server checks that the body it got is the message byte for byte (SHA-256), as the bridge
 * forwards a host line as written. A tiny message first gives the bridge's baseline RSS.
 *
 * Run: `npm run build && node dist/bench/stdin-big-message.js`
 * (MIB=64 message size in MiB, RUNS=3, BENCH_CLI=dist/cli.bundle.js the script to run).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { MiB, median, round } from './lib/measure';
import { mixedFill } from './mock-server';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.resolve(ROOT, process.env.BENCH_CLI ?? 'dist/cli.bundle.js');
const SIZE = Number(process.env.MIB ?? 64) * MiB;
const RUNS = Number(process.env.RUNS ?? 3);
/** Written to the pipe in pieces of this size, as a host's runtime would. */
const WRITE = 64 * 1024;

/** A tools/call of exactly `size` bytes: the envelope, and the rest mixed text in `arguments.text`. */
function message(size: number): Buffer {
  const head = Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"');
  const tail = Buffer.from('"}}}');
  const fill = size - head.length - tail.length;
  // mixedFill ends in 'x' padding: whole units only, so no escape or character is cut.
  return Buffer.concat([head, mixedFill(fill), tail]);
}

interface Upstream {
  url: string;
  bodies: Array<{ bytes: number; sha256: string }>;
  close(): Promise<void>;
}

/** A loopback MCP endpoint that reads every body to its end and answers each request with a tiny result. */
async function upstream(): Promise<Upstream> {
  const bodies: Upstream['bodies'] = [];
  const server = http.createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      bodies.push({ bytes, sha256: hash.digest('hex') });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ok"}]}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface Run {
  ms: number;
  peakRssKiB: number;
  /** The bridge's user + system CPU time over its whole life, start-up included. */
  cpuS: number;
  answer: string;
}

/** One bridge process: writes `msg`, waits for its answer, ends stdin, reads /usr/bin/time's report. */
async function runOnce(url: string, msg: Buffer): Promise<Run> {
  const child = spawn('/usr/bin/time', ['-v', process.execPath, CLI, '--url', url, '--log-level', 'off', '--max-message-bytes', String(msg.length + MiB)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const answered = new Promise<{ line: string; at: bigint }>((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lf = out.indexOf('\n');
      if (lf !== -1) resolve({ line: out.slice(0, lf), at: process.hrtime.bigint() });
    });
  });
  // Give the bridge time to start, so that start-up is not billed to the message.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const t0 = process.hrtime.bigint();
  for (let at = 0; at < msg.length; at += WRITE) {
    if (!child.stdin.write(msg.subarray(at, Math.min(at + WRITE, msg.length)))) await new Promise((resolve) => child.stdin.once('drain', resolve));
  }
  child.stdin.write('\n');
  const { line, at } = await answered;
  child.stdin.end();
  const code = await exited;
  const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  if (code !== 0 || !peak) throw new Error(`bridge exited with ${code}: ${stderr.slice(-2000)}`);
  const cpu = (name: string) => Number(new RegExp(`${name} time \\(seconds\\): ([\\d.]+)`).exec(stderr)?.[1] ?? NaN);
  return { ms: Number(at - t0) / 1e6, peakRssKiB: Number(peak[1]), cpuS: cpu('User') + cpu('System'), answer: line };
}

async function main(): Promise<void> {
  const server = await upstream();
  try {
    const tiny = await runOnce(server.url, message(1024));
    console.log(`baseline (1 KiB message): peak RSS ${round(tiny.peakRssKiB / 1024)} MiB, CPU ${round(tiny.cpuS, 2)} s`);
    const msg = message(SIZE);
    const sha256 = createHash('sha256').update(msg).digest('hex');
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      server.bodies.length = 0;
      const run = await runOnce(server.url, msg);
      const body = server.bodies[0];
      if (!body || body.bytes !== msg.length || body.sha256 !== sha256) throw new Error(`the server got ${JSON.stringify(body)}, not the ${msg.length} bytes written`);
      if (!run.answer.includes('"result"')) throw new Error(`unexpected answer: ${run.answer.slice(0, 300)}`);
      runs.push(run);
      console.log(`run ${i + 1}: ${round(SIZE / MiB / (run.ms / 1000))} MB/s (${round(run.ms)} ms), peak RSS ${round(run.peakRssKiB / 1024)} MiB, bridge CPU ${round(run.cpuS, 2)} s`);
    }
    const mbps = median(runs.map((r) => SIZE / MiB / (r.ms / 1000)));
    const peak = Math.max(...runs.map((r) => r.peakRssKiB)) / 1024;
    console.log(`${SIZE / MiB} MiB mixed UTF-8 host message via ${path.relative(ROOT, CLI)}: median ${round(mbps)} MB/s, peak RSS ${round(peak)} MiB (max of ${RUNS})`);
  } finally {
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
