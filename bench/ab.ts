/**
 * Before/after comparison of two builds of this bridge on the per-request workloads only, in
 * interleaved runs (the machine is shared: two runs minutes apart are not comparable, two runs
 * seconds apart mostly are). Each round runs, in an order rotated every round: direct HTTP, then
 * for each build the sequential small-request latency (JSON answers) and N pipelined requests
 * through a fresh process (req/s and the bridge's CPU µs per request from /proc). Medians over rounds.
 *
 *   node dist/bench/ab.js <a.js> <b.js> [--rounds=5] [--calls=2000] [--burst=10000] [--kind=json|sse]
 *     a.js / b.js: bridge scripts (e.g. a copy of dist/cli.bundle.js built from the commit before)
 */
import * as path from 'node:path';
import { BridgeProcess } from './bridge-process';
import { DirectClient } from './direct-client';
import { startMockServer, type MockServerHandle } from './mock-server';
import { median, percentile, rotate } from './stats';
import { concurrentDirect, latencyBridge, latencyDirect, pipelinedBridge, type ResponseKind } from './workloads';

interface Sample {
  p50: number;
  rps: number;
  cpuUs: number;
}

async function spawnReady(script: string, server: MockServerHandle): Promise<BridgeProcess> {
  // The 100-line relay (the floor) takes its URL as its one argument.
  const bridge = path.basename(script) === 'minimal-relay.js' ? BridgeProcess.spawn('minimal relay', server.url) : BridgeProcess.spawn('this bridge', server.url, { script });
  await bridge.initialize(30_000);
  return bridge;
}

async function runOne(script: string, server: MockServerHandle, kind: ResponseKind, calls: number, burst: number): Promise<Sample> {
  const latency = await spawnReady(script, server);
  let p50: number;
  try {
    await latencyBridge(latency, kind, Math.min(300, calls));
    p50 = percentile(await latencyBridge(latency, kind, calls), 50);
  } finally {
    await latency.close();
  }
  const bridge = await spawnReady(script, server);
  try {
    const cpu0 = bridge.cpuMs() ?? NaN;
    const result = await pipelinedBridge(bridge, burst, kind, 300_000);
    const cpu1 = bridge.cpuMs() ?? NaN;
    if (result.errors > 0 || result.answered !== burst) throw new Error(`${script}: ${result.errors} error(s), ${result.answered}/${burst} answered`);
    return { p50, rps: burst / (result.ms / 1000), cpuUs: ((cpu1 - cpu0) * 1000) / burst };
  } finally {
    await bridge.kill();
  }
}

async function main(argv: string[]): Promise<void> {
  const scripts = argv.filter((a) => !a.startsWith('--')).map((s) => path.resolve(s));
  const opt = (name: string, fallback: number) => Number(argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const kind = (argv.find((a) => a.startsWith('--kind='))?.split('=')[1] ?? 'json') as ResponseKind;
  const rounds = opt('rounds', 5);
  const calls = opt('calls', 2000);
  const burst = opt('burst', 10000);
  if (scripts.length < 1) {
    console.error('usage: node dist/bench/ab.js <a.js> [b.js ...] [--rounds=5] [--calls=2000] [--burst=10000] [--kind=json|sse]');
    process.exit(2);
  }
  const server = await startMockServer();
  const direct = new DirectClient(server.url, 10);
  await direct.initialize();
  await latencyDirect(direct, kind, 300);
  const samples = new Map<string, Sample[]>();
  const directP50: number[] = [];
  const directRps: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const target of rotate(['direct', ...scripts], round)) {
        if (target === 'direct') {
          directP50.push(percentile(await latencyDirect(direct, kind, calls), 50));
          const b = await concurrentDirect(direct, burst, kind, 10);
          directRps.push(burst / (b.ms / 1000));
          continue;
        }
        const s = await runOne(target, server, kind, calls, burst);
        samples.set(target, [...(samples.get(target) ?? []), s]);
        process.stderr.write(`round ${round + 1} ${path.basename(path.dirname(target))}/${path.basename(target)}: p50 ${s.p50.toFixed(3)} ms, ${Math.round(s.rps)} req/s, ${Math.round(s.cpuUs)} µs CPU/request\n`);
      }
    }
  } finally {
    direct.close();
    await server.close();
  }
  const d50 = median(directP50);
  console.log(`${rounds} round(s), ${calls} sequential ${kind} calls, ${burst} pipelined; medians`);
  console.log(`| build | p50 (ms) | overhead p50 over direct (ms) | req/s | CPU µs/request |`);
  console.log(`|---|---:|---:|---:|---:|`);
  console.log(`| direct | ${d50.toFixed(3)} | – | ${Math.round(median(directRps))} | – |`);
  for (const script of scripts) {
    const s = samples.get(script) ?? [];
    const p50 = median(s.map((x) => x.p50));
    console.log(
      `| ${path.relative(process.cwd(), script)} | ${p50.toFixed(3)} | ${(p50 - d50).toFixed(3)} | ${Math.round(median(s.map((x) => x.rps)))} | ${Math.round(median(s.map((x) => x.cpuUs)))} |`,
    );
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
