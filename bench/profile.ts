/**
 * Runs this bridge under one bench workload with `node --cpu-prof`, then prints the top
 * self-time functions (mapped to the TypeScript sources).
 *
 *   node dist/bench/profile.js <workload> [--size=<n>] [--dir=/tmp/prof] [--top=20] [--save]
 *     workloads: latency-json | latency-sse (n calls, default 5000),
 *                pipelined (n requests, default 10000),
 *                message (n MiB, default 64) | events (n MiB, default 1024)
 *     --text=mixed: the message or events filled with mixed UTF-8 and JSON escapes (default ascii)
 *   --save also writes the summary to bench/results/profiles/<workload>.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BridgeProcess, ROOT } from './bridge-process';
import { renderSummary, summarizeCpuProfile } from './cpuprofile';
import { startMockServer } from './mock-server';
import { MiB, mbPerSecond, median } from './stats';
import { latencyBridge, pipelinedBridge, streamBridge } from './workloads';

async function main(argv: string[]): Promise<void> {
  const workload = argv[0];
  const opt = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const dir = path.resolve(opt('dir') ?? '/tmp/prof');
  const top = Number(opt('top') ?? 20);
  const size = opt('size') !== undefined ? Number(opt('size')) : undefined;
  const textKind = opt('text') === 'mixed' ? 'mixed' : 'ascii';
  const workloads = ['latency-json', 'latency-sse', 'pipelined', 'message', 'events'];
  if (!workload || !workloads.includes(workload)) {
    console.error(`usage: node dist/bench/profile.js <${workloads.join('|')}> [--size=n] [--dir=/tmp/prof] [--top=20]`);
    process.exit(2);
  }
  fs.mkdirSync(dir, { recursive: true });
  const before = new Set(fs.readdirSync(dir));
  const server = await startMockServer();
  const bytes = (size ?? (workload === 'message' ? 64 : 1024)) * MiB;
  let headline = '';
  const bridge = BridgeProcess.spawn('this bridge', server.url, {
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    ...(workload === 'message' ? { maxMessageBytes: bytes + MiB } : {}),
  });
  try {
    await bridge.initialize();
    if (workload === 'latency-json' || workload === 'latency-sse') {
      const times = await latencyBridge(bridge, workload === 'latency-json' ? 'json' : 'sse', size ?? 5000);
      headline = `${workload}: ${times.length} calls, median ${median(times).toFixed(3)} ms`;
    } else if (workload === 'pipelined') {
      const n = size ?? 10000;
      const burst = await pipelinedBridge(bridge, n, 'json', 300_000);
      headline = `pipelined: ${n} requests in ${burst.ms.toFixed(0)} ms = ${Math.round(n / (burst.ms / 1000))} req/s`;
    } else {
      const result = await streamBridge(bridge, workload as 'message' | 'events', bytes, 300_000, textKind);
      headline = `${workload} of ${bytes / MiB} MiB (${textKind}): ${mbPerSecond(bytes, result.ms).toFixed(1)} MB/s, peak RSS ${((bridge.memory()?.hwm ?? 0) / MiB).toFixed(1)} MiB`;
    }
  } finally {
    // A normal exit (stdin closed) so that V8 writes the profile.
    await bridge.close(30_000);
    await server.close();
  }
  const fresh = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
  if (fresh.length === 0) throw new Error(`no profile was written to ${dir}`);
  const text = [
    `# CPU profile of this bridge: ${workload}`,
    '',
    `${new Date().toISOString()} · Node ${process.version} · load average ${os.loadavg().map((v) => v.toFixed(2)).join('/')}`,
    '',
    headline,
    '',
    ...fresh.map((file) => `${renderSummary(summarizeCpuProfile(path.join(dir, file), top))}\n\nprofile: ${path.join(dir, file)}`),
    '',
  ].join('\n');
  console.log(text);
  if (argv.includes('--save')) {
    const out = path.join(ROOT, 'bench', 'results', 'profiles', `${workload}.md`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
    console.log(`saved: ${path.relative(process.cwd(), out)}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
