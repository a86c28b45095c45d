/**
 * End-to-end bench: this bridge side by side with mcp-remote and supergateway, and direct
 * keep-alive HTTP as the baseline, all against one loopback mock MCP Streamable HTTP server
 * (bench/mock-server.ts, in a worker thread). Every bridge is spawned as `node <its bin js>`
 * and driven over stdin/stdout after initialize + notifications/initialized.
 *
 *   npm run bench                      full run (~15 min on 2 cores)
 *   BENCH_QUICK=1 npm run bench        smoke test (small sizes, one round; ~1-2 min)
 *   node dist/bench/run-all.js [--quick] [--only=startup,latency,throughput,streaming,scaling,operators]
 *        [--bridges=floor,this,mcp-remote,supergateway] [--rounds=N] [--peer-timeout=S] [--no-write]
 *        [--bursts=1000,10000] [--kinds=json,sse]
 *   (env: BENCH_QUICK, BENCH_ONLY, BENCH_BRIDGES, BENCH_ROUNDS, BENCH_PEER_TIMEOUT_S, BENCH_BURSTS, BENCH_KINDS)
 *   The per-request targets alone (small-request latency, 10,000 pipelined requests):
 *     node dist/bench/run-all.js --only=latency,throughput --kinds=json --bursts=10000 --no-write
 *
 * Phases (each measured interleaved between targets, in an order rotated every round, and
 * reported as medians over rounds):
 *  - latency: sequential tools/calls with JSON and with SSE answers: p50/p90/p99 and overhead
 *    over direct;
 *  - throughput: 1,000 and 10,000 requests written to stdin at once (direct: 10 concurrent
 *    loops), req/s and the TCP connections each target opened (server 'connection' events);
 *  - streaming: one 64 MiB SSE message and 1 GiB of 16 KiB SSE events: MB/s and the bridge's
 *    peak RSS (VmHWM of a fresh bridge process); peers are capped (120 s) and reported as not
 *    finished;
 *  - streaming runs each workload twice: text of 'x', and mixed text (1- to 4-byte UTF-8
 *    characters and JSON escapes, bench/mock-server.ts MIXED_UNIT) of the same byte count;
 *  - startup: each bridge spawned 10 times (3 quick): spawn to its answer to the first
 *    initialize, and VmRSS then and once idle (bench/startup.ts); this bridge runs as the package
 *    bin does (dist/cli.bundle.js when built; BENCH_CLI=dist/src/cli.js for the modules);
 *  - scaling: ms/MB of one 8, 64 and 512 MiB SSE message through this bridge;
 *  - operators: runOperatorBench() from ./operators.bench when it exists.
 * Output: markdown on stdout, bench/results/latest.json and bench/results/latency.svg.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { BridgeProcess, childPids, ROOT, thisBridgeScript, TimeoutError, type BridgeName } from './bridge-process';
import { DirectClient } from './direct-client';
import { startMockServer, type MockServerHandle } from './mock-server';
import {
  renderMarkdown,
  renderSvg,
  streamLabel,
  type BenchResults,
  type LatencyRow,
  type Percentiles,
  type ScalingRow,
  type StartupRow,
  type StreamRow,
  type TargetCheck,
  type TargetName,
  type ThroughputRow,
} from './report';
import { measureStartup } from './startup';
import { machineInfo, MiB, median, mbPerSecond, msPerMb, percentile, rotate, round, sleep } from './stats';
import {
  concurrentDirect,
  latencyBridge,
  latencyDirect,
  pipelinedBridge,
  streamBridge,
  streamDirect,
  type ResponseKind,
  type StreamResult,
  type StreamWorkload,
} from './workloads';
import type { TextKind } from './mock-server';

// --- settings --------------------------------------------------------------------------------

interface Settings {
  quick: boolean;
  phases: Set<string>;
  bridges: BridgeName[];
  rounds: number;
  latencyCalls: number;
  warmupCalls: number;
  bursts: number[];
  /** Answer kinds of the latency phase. */
  latencyKinds: ResponseKind[];
  concurrency: number;
  streamRounds: number;
  messageBytes: number;
  eventsBytes: number;
  scalingMiB: number[];
  scalingRuns: number;
  peerCapMs: number;
  /** A streaming run longer than this is not repeated in later rounds. */
  repeatBudgetMs: number;
  /** Cap for runs of this bridge (a hang is a failure, not a DNF). */
  ownCapMs: number;
  operatorRuns: number;
  /** Spawns per bridge in the start-up phase. */
  startupRuns: number;
  write: boolean;
}

const PHASES = ['startup', 'latency', 'throughput', 'streaming', 'scaling', 'operators'];
const BRIDGE_ALIASES: Record<string, BridgeName> = {
  this: 'this bridge',
  ours: 'this bridge',
  'this-bridge': 'this bridge',
  'mcp-remote': 'mcp-remote',
  supergateway: 'supergateway',
  floor: 'minimal relay',
  'minimal-relay': 'minimal relay',
};
/** V8's longest string (2^29 - 24 UTF-16 units): one message, one string. */
const MAX_STRING = (1 << 29) - 24;

function parseSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const flag = (name: string): string | undefined => {
    const hit = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (hit === undefined) return undefined;
    return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : 'true';
  };
  const quick = flag('quick') !== undefined || /^(1|true|yes)$/i.test(env.BENCH_QUICK ?? '');
  const only = (flag('only') ?? env.BENCH_ONLY ?? PHASES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const p of only) if (!PHASES.includes(p)) throw new Error(`unknown phase ${p} (phases: ${PHASES.join(', ')})`);
  const bridges = (flag('bridges') ?? env.BENCH_BRIDGES ?? 'floor,this,mcp-remote,supergateway').split(',').map((s) => {
    const name = BRIDGE_ALIASES[s.trim()];
    if (!name) throw new Error(`unknown bridge ${s} (floor, this, mcp-remote, supergateway)`);
    return name;
  });
  const num = (v: string | undefined, fallback: number) => (v === undefined || v === 'true' ? fallback : Number(v));
  const rounds = num(flag('rounds') ?? env.BENCH_ROUNDS, quick ? 1 : 3);
  const peerCapS = num(flag('peer-timeout') ?? env.BENCH_PEER_TIMEOUT_S, quick ? 30 : 120);
  const list = (v: string | undefined) => (v === undefined || v === 'true' ? undefined : v.split(',').map((x) => x.trim()).filter((x) => x !== ''));
  const bursts = list(flag('bursts') ?? env.BENCH_BURSTS)?.map(Number);
  if (bursts?.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`--bursts takes request counts: ${bursts.join(',')}`);
  const kinds = list(flag('kinds') ?? env.BENCH_KINDS);
  for (const k of kinds ?? []) if (k !== 'json' && k !== 'sse') throw new Error(`unknown answer kind ${k} (json, sse)`);
  return {
    quick,
    phases: new Set(only),
    bridges: [...new Set(bridges)],
    rounds,
    latencyCalls: quick ? 100 : 2000,
    warmupCalls: quick ? 20 : 300,
    bursts: bursts ?? (quick ? [200, 1000] : [1000, 10000]),
    latencyKinds: (kinds as ResponseKind[] | undefined) ?? ['json', 'sse'],
    concurrency: 10,
    streamRounds: rounds,
    messageBytes: quick ? 4 * MiB : 64 * MiB,
    eventsBytes: quick ? 32 * MiB : 1024 * MiB,
    scalingMiB: quick ? [1, 4, 16] : [8, 64, 512],
    scalingRuns: rounds,
    peerCapMs: peerCapS * 1000,
    repeatBudgetMs: quick ? 10_000 : 30_000,
    ownCapMs: quick ? 60_000 : 300_000,
    operatorRuns: quick ? 1 : 5,
    startupRuns: quick ? 3 : 10,
    write: flag('no-write') === undefined,
  };
}

// --- helpers ---------------------------------------------------------------------------------

const log = (text: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
const toMiB = (bytes: number | undefined) => (bytes === undefined || !Number.isFinite(bytes) ? undefined : round(bytes / MiB, 1));

function percentiles(times: number[]): Percentiles {
  return { p50: percentile(times, 50), p90: percentile(times, 90), p99: percentile(times, 99) };
}

async function spawnReady(name: BridgeName, server: MockServerHandle, extra: { maxMessageBytes?: number } = {}): Promise<BridgeProcess> {
  const bridge = BridgeProcess.spawn(name, server.url, extra);
  try {
    await bridge.initialize(30_000);
  } catch (err) {
    await bridge.kill();
    throw err;
  }
  return bridge;
}

/** Waits until sockets of closed bridges are gone, so that the next run's socket counts are its own. */
async function settleSockets(server: MockServerHandle, expectedOpen: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await server.stats()).open <= expectedOpen) return;
    await sleep(20);
  }
}

// --- phases ----------------------------------------------------------------------------------

async function latencyPhase(s: Settings, server: MockServerHandle, results: BenchResults): Promise<void> {
  log(`latency: ${s.rounds} round(s) x ${s.latencyCalls} calls per target and answer kind`);
  const targets: TargetName[] = ['direct', ...s.bridges];
  const bridges = new Map<TargetName, BridgeProcess>();
  const notes = new Map<TargetName, string>();
  for (const name of s.bridges) {
    try {
      bridges.set(name, await spawnReady(name, server));
    } catch (err) {
      notes.set(name, `failed to start: ${(err as Error).message}`);
    }
  }
  const direct = new DirectClient(server.url, 1);
  await direct.initialize();
  const runs = new Map<string, Percentiles[]>();
  const kinds = s.latencyKinds;
  for (let round = 0; round < s.rounds; round++) {
    for (const kind of kinds) {
      for (const target of rotate(targets, round + (kind === 'sse' ? 1 : 0))) {
        const key = `${target}/${kind}`;
        try {
          let times: number[];
          if (target === 'direct') {
            if (round === 0) await latencyDirect(direct, kind, s.warmupCalls);
            times = await latencyDirect(direct, kind, s.latencyCalls);
          } else {
            const bridge = bridges.get(target);
            if (!bridge || bridge.exited) continue;
            if (round === 0) await latencyBridge(bridge, kind, s.warmupCalls);
            times = await latencyBridge(bridge, kind, s.latencyCalls);
          }
          const p = percentiles(times);
          runs.set(key, [...(runs.get(key) ?? []), p]);
          log(`  latency ${key} round ${round + 1}: p50 ${p.p50.toFixed(3)} p90 ${p.p90.toFixed(3)} p99 ${p.p99.toFixed(3)} ms`);
        } catch (err) {
          notes.set(target, (err as Error).message);
          log(`  latency ${key}: ${(err as Error).message}`);
        }
      }
    }
  }
  direct.close();
  for (const bridge of bridges.values()) await bridge.close();
  const rows: LatencyRow[] = [];
  for (const kind of kinds) {
    const base = runs.get(`direct/${kind}`);
    const baseP = base ? { p50: median(base.map((r) => r.p50)), p99: median(base.map((r) => r.p99)) } : undefined;
    for (const target of targets) {
      const rs = runs.get(`${target}/${kind}`) ?? [];
      const p50 = median(rs.map((r) => r.p50));
      const p90 = median(rs.map((r) => r.p90));
      const p99 = median(rs.map((r) => r.p99));
      rows.push({
        target,
        kind,
        p50: round(p50),
        p90: round(p90),
        p99: round(p99),
        ...(target !== 'direct' && baseP ? { overheadP50: round(p50 - baseP.p50), overheadP99: round(p99 - baseP.p99) } : {}),
        runs: rs.map((r) => ({ p50: round(r.p50), p90: round(r.p90), p99: round(r.p99) })),
        ...(notes.has(target) ? { note: notes.get(target) } : {}),
      });
    }
  }
  results.latency = { calls: s.latencyCalls, rounds: s.rounds, rows };
}

async function throughputPhase(s: Settings, server: MockServerHandle, results: BenchResults): Promise<void> {
  log(`throughput: bursts of ${s.bursts.join(' and ')} requests, ${s.rounds} round(s)`);
  const targets: TargetName[] = ['direct', ...s.bridges];
  interface Run {
    rps: number;
    connections: number;
    peakOpen: number;
    postSockets: number;
    errors: number;
    cpuUsPerRequest?: number;
  }
  const runs = new Map<string, Run[]>();
  const notes = new Map<string, string>();
  const skip = new Set<string>();
  for (let round = 0; round < s.rounds; round++) {
    for (const n of s.bursts) {
      for (const target of rotate(targets, round)) {
        const key = `${target}/${n}`;
        if (skip.has(key)) continue;
        await settleSockets(server, 0);
        const before = await server.stats();
        let bridge: BridgeProcess | undefined;
        let direct: DirectClient | undefined;
        try {
          let burst;
          let cpuUs: number | undefined;
          if (target === 'direct') {
            direct = new DirectClient(server.url, s.concurrency);
            await direct.initialize();
            await server.resetPeak();
            burst = await concurrentDirect(direct, n, 'json', s.concurrency);
          } else {
            bridge = await spawnReady(target, server);
            await server.resetPeak();
            const cpu0 = bridge.cpuMs();
            burst = await pipelinedBridge(bridge, n, 'json', target === 'this bridge' ? s.ownCapMs : s.peerCapMs);
            const cpu1 = bridge.cpuMs();
            if (cpu0 !== undefined && cpu1 !== undefined) cpuUs = ((cpu1 - cpu0) * 1000) / n;
          }
          const after = await server.stats();
          const run: Run = {
            rps: n / (burst.ms / 1000),
            connections: after.connections - before.connections,
            peakOpen: after.peakOpen - before.open,
            postSockets: after.postSockets,
            errors: burst.errors,
            ...(cpuUs !== undefined ? { cpuUsPerRequest: cpuUs } : {}),
          };
          runs.set(key, [...(runs.get(key) ?? []), run]);
          log(
            `  ${key} round ${round + 1}: ${Math.round(run.rps)} req/s, ${run.connections} connection(s), peak ${run.peakOpen} open, ${run.postSockets} carried requests, ${run.errors} error(s)${cpuUs !== undefined ? `, ${Math.round(cpuUs)} µs CPU/request` : ''}`,
          );
        } catch (err) {
          const message = err instanceof TimeoutError ? `did not finish in ${Math.round((target === 'this bridge' ? s.ownCapMs : s.peerCapMs) / 1000)} s` : (err as Error).message;
          notes.set(key, message);
          if (err instanceof TimeoutError) skip.add(key);
          log(`  ${key}: ${message}`);
        } finally {
          direct?.close();
          if (bridge) await bridge.kill();
        }
      }
    }
  }
  const rows: ThroughputRow[] = [];
  for (const n of s.bursts) {
    const directRps = median((runs.get(`direct/${n}`) ?? []).map((r) => r.rps));
    for (const target of targets) {
      const rs = runs.get(`${target}/${n}`) ?? [];
      const rps = median(rs.map((r) => r.rps));
      rows.push({
        target,
        requests: n,
        rps: round(rps, 0),
        ...(target !== 'direct' && Number.isFinite(directRps) && rs.length > 0 ? { vsDirect: round(rps / directRps, 3) } : {}),
        connections: rs.length > 0 ? Math.max(...rs.map((r) => r.connections)) : NaN,
        peakOpenSockets: rs.length > 0 ? Math.max(...rs.map((r) => r.peakOpen)) : NaN,
        requestSockets: rs.length > 0 ? Math.max(...rs.map((r) => r.postSockets)) : NaN,
        runs: rs.map((r) => round(r.rps, 0)),
        ...(rs.some((r) => r.cpuUsPerRequest !== undefined) ? { cpuUsPerRequest: round(median(rs.map((r) => r.cpuUsPerRequest!).filter(Number.isFinite)), 0) } : {}),
        errors: rs.reduce((a, r) => a + r.errors, 0),
        ...(notes.has(`${target}/${n}`) ? { note: notes.get(`${target}/${n}`) } : {}),
      });
    }
  }
  results.throughput = { concurrency: s.concurrency, rounds: s.rounds, rows };
}

interface StreamRun {
  result?: StreamResult;
  cpuMs?: number;
  hwm?: number;
  idleRss?: number;
  error?: string;
  timedOut?: boolean;
}

/** One streaming run through a fresh bridge process (so VmHWM is this run's peak). */
async function streamOnce(name: BridgeName, server: MockServerHandle, workload: StreamWorkload, bytes: number, capMs: number, text: TextKind, maxMessageBytes?: number): Promise<StreamRun> {
  let bridge: BridgeProcess | undefined;
  let started: number | undefined;
  try {
    bridge = await spawnReady(name, server, maxMessageBytes ? { maxMessageBytes } : {});
    const children = childPids(bridge.pid);
    if (children.length > 0) log(`  note: ${name} (pid ${bridge.pid}) has child processes ${children.join(', ')}; RSS is the parent's`);
    const idleRss = bridge.memory()?.rss;
    const cpu0 = bridge.cpuMs();
    started = Date.now();
    const result = await streamBridge(bridge, workload, bytes, capMs, text);
    const cpu1 = bridge.cpuMs();
    return { result, hwm: bridge.memory()?.hwm, idleRss, ...(cpu0 !== undefined && cpu1 !== undefined ? { cpuMs: cpu1 - cpu0 } : {}) };
  } catch (err) {
    const hwm = bridge?.memory()?.hwm;
    if (err instanceof TimeoutError) return { timedOut: true, error: `did not finish in ${Math.round(capMs / 1000)} s`, hwm };
    const after = started !== undefined ? ` after ${Math.round((Date.now() - started) / 1000)} s` : '';
    return { error: `${(err as Error).message.slice(0, 300)}${after}`, hwm };
  } finally {
    if (bridge) await bridge.kill();
  }
}

async function streamingPhase(s: Settings, server: MockServerHandle, results: BenchResults): Promise<void> {
  log(`streaming: one ${s.messageBytes / MiB} MiB message and ${s.eventsBytes / MiB} MiB of events, ASCII and mixed UTF-8, ${s.streamRounds} round(s)`);
  const targets: TargetName[] = ['direct', ...s.bridges];
  const workloads: Array<{ workload: StreamWorkload; bytes: number; text: TextKind }> = [
    { workload: 'message', bytes: s.messageBytes, text: 'ascii' },
    { workload: 'events', bytes: s.eventsBytes, text: 'ascii' },
    { workload: 'message', bytes: s.messageBytes, text: 'mixed' },
    { workload: 'events', bytes: s.eventsBytes, text: 'mixed' },
  ];
  const keyOf = (target: TargetName, workload: StreamWorkload, text: TextKind) => `${target}/${workload}${text === 'mixed' ? '/mixed' : ''}`;
  const runs = new Map<string, StreamRun[]>();
  const skip = new Set<string>();
  const slow = new Set<string>();
  for (let round = 0; round < s.streamRounds; round++) {
    for (const { workload, bytes, text } of workloads) {
      for (const target of rotate(targets, round)) {
        const key = keyOf(target, workload, text);
        if (skip.has(key)) continue;
        let run: StreamRun;
        if (target === 'direct') {
          const direct = new DirectClient(server.url, 1);
          try {
            await direct.initialize();
            run = { result: await streamDirect(direct, workload, bytes, text) };
          } catch (err) {
            run = { error: (err as Error).message };
          } finally {
            direct.close();
          }
        } else {
          const cap = target === 'this bridge' ? s.ownCapMs : s.peerCapMs;
          run = await streamOnce(target, server, workload, bytes, cap, text);
          // A peer that did not finish once is not run again: it would only burn the cap again.
          // Nor is a run that took longer than the repeat budget (the time limit of a full run).
          if (run.timedOut) skip.add(key);
          else if (run.result && run.result.ms > s.repeatBudgetMs && round < s.streamRounds - 1) {
            skip.add(key);
            slow.add(key);
          }
        }
        runs.set(key, [...(runs.get(key) ?? []), run]);
        await settleSockets(server, 0);
        const mbps = run.result ? mbPerSecond(bytes, run.result.ms) : undefined;
        log(
          `  ${key} round ${round + 1}: ${mbps !== undefined ? `${mbps.toFixed(1)} MB/s` : run.error}${run.hwm ? `, peak RSS ${toMiB(run.hwm)} MiB` : ''}${run.result && workload === 'events' && target !== 'direct' ? `, ${run.result.forwardedEvents} events forwarded` : ''}`,
        );
      }
    }
  }
  const rows: StreamRow[] = [];
  for (const { workload, bytes, text } of workloads) {
    for (const target of targets) {
      const rs = runs.get(keyOf(target, workload, text)) ?? [];
      const ok = rs.filter((r) => r.result);
      const mbpsRuns = ok.map((r) => mbPerSecond(bytes, r.result!.ms));
      const hwms = rs.map((r) => r.hwm).filter((v): v is number => v !== undefined);
      const failed = rs.find((r) => !r.result);
      const expectedEvents = Math.max(1, Math.floor(bytes / (16 * 1024)));
      const forwarded = ok.length > 0 ? Math.min(...ok.map((r) => r.result!.forwardedEvents)) : undefined;
      let note = failed ? `${rs.length > 1 ? `${rs.length - ok.length} of ${rs.length} runs failed: ` : ''}${failed.error}` : slow.has(keyOf(target, workload, text))
          ? `1 run only (${Math.round(ok[0]!.result!.ms / 1000)} s; runs over ${s.repeatBudgetMs / 1000} s are not repeated)`
          : undefined;
      if (failed?.timedOut && failed.hwm) note += ` (peak RSS ${toMiB(failed.hwm)} MiB by then)`;
      if (workload === 'events' && target !== 'direct' && forwarded !== undefined && forwarded < expectedEvents) {
        note = [note, `forwarded ${forwarded} of ${expectedEvents} events to stdout (the rest were dropped)`].filter(Boolean).join('; ');
      }
      rows.push({
        target,
        workload,
        text,
        bytes,
        ...(mbpsRuns.length > 0 ? { mbps: round(median(mbpsRuns), 1) } : {}),
        runs: mbpsRuns.map((v) => round(v, 1)),
        ...(hwms.length > 0 ? { peakRssMiB: toMiB(Math.max(...hwms)) } : {}),
        ...(ok.length > 0 && ok[0]!.idleRss ? { idleRssMiB: toMiB(median(ok.map((r) => r.idleRss!))) } : {}),
        ...(ok.some((r) => r.cpuMs !== undefined) ? { cpuMsPerMb: round(median(ok.filter((r) => r.cpuMs !== undefined).map((r) => msPerMb(bytes, r.cpuMs!))), 2) } : {}),
        ...(workload === 'events' && target !== 'direct' ? { forwardedEvents: forwarded, expectedEvents } : {}),
        finished: ok.length > 0,
        ...(note ? { note } : {}),
      });
    }
  }
  results.streaming = { rounds: s.streamRounds, peerCapS: s.peerCapMs / 1000, rows };
}

/** Start-up: spawn to the first initialize answer, and RSS then and idle (bench/startup.ts). */
async function startupPhase(s: Settings, server: MockServerHandle, results: BenchResults): Promise<void> {
  log(`startup: ${s.startupRuns} spawns per bridge, one after the other`);
  const rows: StartupRow[] = [];
  for (const name of s.bridges) {
    const row = await measureStartup(name, server.url, s.startupRuns);
    rows.push(row);
    await settleSockets(server, 0);
    log(`  startup ${name}: ${row.startMs} ms to the initialize answer, RSS ${row.rssAtAnswerMiB} MiB then, ${row.idleRssMiB} MiB idle (${row.runs} runs)${row.note ? `; ${row.note}` : ''}`);
  }
  results.startup = { runs: s.startupRuns, rows };
}

async function scalingPhase(s: Settings, server: MockServerHandle, results: BenchResults): Promise<void> {
  log(`scaling: one SSE message of ${s.scalingMiB.join(', ')} MiB through this bridge, ${s.scalingRuns} run(s) each`);
  const rows: ScalingRow[] = [];
  let cap: string | undefined;
  // Sizes beyond V8's longest string cannot be one message: try the size once to record what the
  // bridge does, and measure the largest size that fits instead.
  const biggestFitting = Math.floor((MAX_STRING - 1024) / (4 * MiB)) * 4; // MiB, a multiple of 4
  const sizes: Array<{ sizeMiB: number; probeOnly: boolean }> = [];
  for (const sizeMiB of s.scalingMiB) {
    if (sizeMiB * MiB + 64 > MAX_STRING) {
      sizes.push({ sizeMiB, probeOnly: true });
      if (!s.scalingMiB.includes(biggestFitting)) sizes.push({ sizeMiB: biggestFitting, probeOnly: false });
      cap =
        `a message is one JS string on its way through the bridge (SSE data, JSON.parse input, the stdout line), and V8's longest string is 2^29 - 24 = ${MAX_STRING.toLocaleString('en-US')} UTF-16 units ` +
        `(24 bytes short of 512 MiB of ASCII), so a ${sizeMiB} MiB message (${(sizeMiB * MiB).toLocaleString('en-US')} bytes, plus the "data: " field name) cannot exist in it; ` +
        `measured at ${biggestFitting} MiB instead.`;
    } else sizes.push({ sizeMiB, probeOnly: false });
  }
  const maxMessageBytes = Math.max(...sizes.map((x) => x.sizeMiB)) * MiB + MiB;
  const baseline: number[] = [];
  for (const { sizeMiB, probeOnly } of sizes) {
    const bytes = sizeMiB * MiB;
    const runsMs: number[] = [];
    const hwms: number[] = [];
    let note: string | undefined;
    const count = probeOnly ? 1 : s.scalingRuns;
    for (let i = 0; i < count; i++) {
      // A fresh process per run (its own VmHWM), warmed up with a small message first so that
      // the JIT is not billed to the smallest size.
      let bridge: BridgeProcess | undefined;
      try {
        bridge = await spawnReady('this bridge', server, { maxMessageBytes });
        await streamBridge(bridge, 'message', Math.min(bytes, 8 * MiB), s.ownCapMs);
        const result = await streamBridge(bridge, 'message', bytes, s.ownCapMs);
        runsMs.push(result.ms);
        if (result.answerBytes < bytes) note = `answer line was ${result.answerBytes} bytes, expected >= ${bytes}`;
      } catch (err) {
        note = `${probeOnly ? 'as expected, failed: ' : ''}${(err as Error).message.slice(0, 300)}`;
        log(`  scaling ${sizeMiB} MiB: ${note}`);
        if (!probeOnly) break;
      } finally {
        const hwm = bridge?.memory()?.hwm;
        if (hwm) hwms.push(hwm);
        if (bridge) await bridge.kill();
        await settleSockets(server, 0);
      }
      if (runsMs.length > 0) log(`  scaling ${sizeMiB} MiB run ${i + 1}: ${msPerMb(bytes, runsMs.at(-1)!).toFixed(3)} ms/MB, peak RSS ${toMiB(hwms.at(-1))} MiB`);
    }
    const msmb = runsMs.map((ms) => msPerMb(bytes, ms));
    if (msmb.length > 0 && baseline.length === 0) baseline.push(median(msmb));
    const value = median(msmb);
    rows.push({
      sizeMiB,
      ...(msmb.length > 0 ? { msPerMb: round(value), mbps: round(1000 / value, 1), deviation: round(value / baseline[0]! - 1, 3) } : {}),
      ...(hwms.length > 0 ? { peakRssMiB: toMiB(Math.max(...hwms)) } : {}),
      runs: msmb.map((v) => round(v)),
      ...(note ? { note } : {}),
    });
  }
  const measured = rows.filter((r) => r.deviation !== undefined);
  results.scaling = {
    rows,
    flatWithin: 0.2,
    flat: measured.length > 1 && measured.every((r) => Math.abs(r.deviation!) <= 0.2),
    ...(cap ? { cap } : {}),
  };
}

interface OperatorBenchModule {
  runOperatorBench(options?: { runs?: number }): Promise<unknown>;
  renderMarkdown?(result: unknown): string;
}

async function operatorsPhase(s: Settings, results: BenchResults): Promise<void> {
  const file = path.join(__dirname, 'operators.bench.js');
  if (!fs.existsSync(file)) {
    results.operators = { skipped: 'skipped: bench/operators.bench.ts did not exist (not built) at the time of this run.' };
    return;
  }
  const mod = require(file) as Partial<OperatorBenchModule>;
  if (typeof mod.runOperatorBench !== 'function') {
    results.operators = { skipped: 'skipped: bench/operators.bench.ts does not export runOperatorBench().' };
    return;
  }
  log(`operators: runOperatorBench({ runs: ${s.operatorRuns} })`);
  const g = globalThis as { gc?: () => void };
  if (typeof g.gc !== 'function') {
    // The operator bench collects garbage between runs when it can: give it gc() as --expose-gc would.
    v8.setFlagsFromString('--expose-gc');
    g.gc = vm.runInNewContext('gc') as () => void;
  }
  try {
    const result = await mod.runOperatorBench({ runs: s.operatorRuns });
    results.operators = { result, ...(typeof mod.renderMarkdown === 'function' ? { markdown: mod.renderMarkdown(result) } : { markdown: '```json\n' + JSON.stringify(result, null, 2) + '\n```' }) };
  } catch (err) {
    results.operators = { skipped: `failed: ${(err as Error).message}` };
  }
}

// --- targets ---------------------------------------------------------------------------------

function checkTargets(s: Settings, r: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ours = 'this bridge';
  if (r.latency) {
    for (const kind of ['json', 'sse'] as const) {
      const row = r.latency.rows.find((x) => x.target === ours && x.kind === kind);
      if (!row || row.overheadP50 === undefined) continue;
      checks.push({ target: `latency overhead p50 (${kind.toUpperCase()})`, goal: '≤ 0.25 ms', measured: `${row.overheadP50.toFixed(3)} ms`, pass: row.overheadP50 <= 0.25 });
      checks.push({ target: `latency overhead p99 (${kind.toUpperCase()})`, goal: '≤ 1 ms', measured: `${row.overheadP99!.toFixed(3)} ms`, pass: row.overheadP99! <= 1 });
    }
  }
  if (r.throughput) {
    for (const n of s.bursts) {
      const row = r.throughput.rows.find((x) => x.target === ours && x.requests === n);
      if (!row || !Number.isFinite(row.rps)) continue;
      // Issue #17's target: ≥ 4,000 req/s, and at least twice the best peer in the same run.
      const bestPeer = Math.max(0, ...r.throughput.rows.filter((x) => x.requests === n && (x.target === 'mcp-remote' || x.target === 'supergateway') && Number.isFinite(x.rps)).map((x) => x.rps));
      checks.push({ target: `pipelined ${n.toLocaleString('en-US')} req/s`, goal: '≥ 4,000 req/s', measured: `${Math.round(row.rps)} req/s`, pass: row.rps >= 4000 });
      if (bestPeer > 0) {
        checks.push({ target: `pipelined ${n.toLocaleString('en-US')} vs best peer`, goal: '≥ 2× the best peer', measured: `${(row.rps / bestPeer).toFixed(2)}×`, pass: row.rps >= 2 * bestPeer });
      }
      if (row.vsDirect !== undefined) {
        checks.push({ target: `pipelined ${n.toLocaleString('en-US')} vs direct`, goal: `≥ 70% of direct at ${r.throughput.concurrency} concurrent`, measured: `${(row.vsDirect * 100).toFixed(0)}%`, pass: row.vsDirect >= 0.7 });
      }
      checks.push({
        target: `pipelined ${n.toLocaleString('en-US')} sockets`,
        goal: `requests over ≤ ${r.throughput.concurrency} sockets`,
        measured: `${row.requestSockets} carried them (peak ${row.peakOpenSockets} open, ${row.connections} opened in all)`,
        pass: row.requestSockets <= r.throughput.concurrency,
      });
    }
  }
  if (r.streaming) {
    for (const row of r.streaming.rows.filter((x) => x.target === ours)) {
      const what = streamLabel(row);
      checks.push({ target: `streaming ${what}`, goal: '≥ 300 MB/s', measured: row.mbps !== undefined ? `${row.mbps} MB/s` : (row.note ?? 'failed'), pass: (row.mbps ?? 0) >= 300 });
      const limit = row.workload === 'message' ? 2.5 * (row.bytes / MiB) + 60 : 100;
      checks.push({
        target: `peak RSS, ${what}`,
        goal: row.workload === 'message' ? `≤ 2.5 × message + 60 MiB = ${limit} MiB` : '≤ 100 MiB',
        measured: row.peakRssMiB !== undefined ? `${row.peakRssMiB} MiB` : '–',
        pass: row.peakRssMiB !== undefined && row.peakRssMiB <= limit,
      });
    }
  }
  if (r.startup) {
    const row = r.startup.rows.find((x) => x.target === ours);
    if (row && row.runs > 0) {
      checks.push({ target: 'idle RSS', goal: '≤ 45 MiB', measured: `${row.idleRssMiB} MiB (${row.rssAtAnswerMiB} MiB at the initialize answer)`, pass: row.idleRssMiB <= 45 });
      checks.push({ target: 'spawn to first initialize answer', goal: '≤ 100 ms', measured: `${row.startMs} ms`, pass: row.startMs <= 100 });
    }
  }
  if (r.scaling) {
    const measured = r.scaling.rows.filter((x) => x.deviation !== undefined);
    const worst = measured.reduce((a, x) => (Math.abs(x.deviation!) > Math.abs(a) ? x.deviation! : a), 0);
    checks.push({
      target: `ms/MB flat (${measured.map((x) => `${x.sizeMiB}`).join('/')} MiB)`,
      goal: '±20% of the smallest size',
      measured: `${measured.map((x) => x.msPerMb?.toFixed(2)).join(' / ')} ms/MB (worst ${(worst * 100).toFixed(0)}%)`,
      pass: r.scaling.flat === true,
    });
  }
  return checks;
}

// --- main ------------------------------------------------------------------------------------

export async function runAll(argv: string[], env: NodeJS.ProcessEnv): Promise<BenchResults> {
  const s = parseSettings(argv, env);
  const started = Date.now();
  const results: BenchResults = {
    date: new Date().toISOString(),
    mode: s.quick ? 'quick' : 'full',
    machine: machineInfo(),
    settings: {
      bridges: s.bridges,
      phases: [...s.phases],
      rounds: s.rounds,
      latencyCalls: s.latencyCalls,
      warmupCalls: s.warmupCalls,
      bursts: s.bursts,
      concurrency: s.concurrency,
      messageMiB: s.messageBytes / MiB,
      eventsMiB: s.eventsBytes / MiB,
      eventBytes: 16 * 1024,
      startupRuns: s.startupRuns,
      thisBridgeScript: path.relative(ROOT, thisBridgeScript()),
      scalingMiB: s.scalingMiB,
      peerCapS: s.peerCapMs / 1000,
      repeatBudgetS: s.repeatBudgetMs / 1000,
      versions: versions(),
    },
    notes: [
      'The mock server runs in a worker thread of the bench process; the bench process also reads each bridge\'s stdout. Bridges are spawned as `node <bin js>` (no npx/shell wrapper), so RSS is the bridge process\'s own.',
      'minimal relay (bench/minimal-relay.ts) is a reference floor, not a usable bridge: stdin lines POSTed over a keep-alive node:http Agent (10 in flight), SSE framed on bytes, answers written as Buffers; no validation, retries, timeouts or GET stream. It shows what the extra process hop alone costs on this machine.',
      'This bridge runs with its defaults (--concurrency 10: 10 sockets for requests, and a side pool of up to 4 for the GET stream and one-way messages) and --log-level off; mcp-remote with --transport http-only --silent; supergateway with --logLevel none.',
      'Latency: direct uses one keep-alive socket and reads each full body without parsing it; bridge times run from the write to stdin to the answer line on stdout.',
      'Events workload: each 16 KiB write is one complete `notifications/progress` SSE event; the answer follows as the last event. A bridge that does not forward notifications shows fewer events forwarded.',
      `The machine is shared with other agents: load average at start ${os.loadavg().map((v) => v.toFixed(2)).join('/')}.`,
    ],
  };
  const server = await startMockServer();
  log(`mock server at ${server.url}; ${results.machine.cores} cores, Node ${results.machine.node}, mode ${results.mode}`);
  try {
    if (s.phases.has('startup')) await startupPhase(s, server, results);
    if (s.phases.has('latency')) await latencyPhase(s, server, results);
    if (s.phases.has('throughput')) await throughputPhase(s, server, results);
    if (s.phases.has('streaming')) await streamingPhase(s, server, results);
    if (s.phases.has('scaling')) await scalingPhase(s, server, results);
    const stats = await server.stats();
    if (stats.withoutSession > 0) results.notes.push(`${stats.withoutSession} POST(s) came without the session id.`);
  } finally {
    await server.close();
  }
  if (s.phases.has('operators')) await operatorsPhase(s, results);
  results.targets = checkTargets(s, results);
  results.machine.loadAvgEnd = os.loadavg().map((v) => round(v, 2));
  results.durationS = round((Date.now() - started) / 1000, 1);
  return results;
}

function versions(): Record<string, string> {
  const read = (p: string) => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(ROOT, p), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    'mcp-rx-bridge': read('package.json'),
    'mcp-remote': read('node_modules/mcp-remote/package.json'),
    supergateway: read('node_modules/supergateway/package.json'),
    axios: read('node_modules/axios/package.json'),
  };
}

export function writeOutputs(results: BenchResults, dir = path.join(ROOT, 'bench', 'results')): { json: string; svg: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'latest.json');
  const svg = path.join(dir, 'latency.svg');
  fs.writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(svg, renderSvg(results));
  return { json, svg };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  // Fail fast on an unbuilt bridge.
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli.js'))) {
    console.error('dist/src/cli.js is missing: run `npm run build` first (npm run bench does).');
    process.exit(2);
  }
  runAll(argv, process.env)
    .then((results) => {
      console.log(renderMarkdown(results));
      if (!argv.includes('--no-write')) {
        const { json, svg } = writeOutputs(results);
        console.log(`\nJSON: ${path.relative(process.cwd(), json)}\nSVG:  ${path.relative(process.cwd(), svg)}`);
      }
      // Child processes and the worker are gone; exit even if a stray handle lingers.
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
