/**
 * Start-up cost of a stdio bridge: the time from spawn to its answer to the host's first
 * `initialize` (written to stdin right after the spawn, as a host does), and its resident memory
 * (VmRSS of the node process) once that answer is out and once it is idle (initialized + a ping
 * round trip, then 300 ms of nothing).
 *
 *   node dist/bench/startup.js [--runs=10] [--bridges=this,mcp-remote,supergateway]
 *        [--cli=path/to/cli.js]   (this bridge's script; default bin/mcp-rx-bridge.js)
 */
import { BridgeProcess, BRIDGES, type BridgeName, withTimeout } from './bridge-process';
import { startMockServer } from './mock-server';
import type { StartupRow } from './report';
import { elapsedMs, MiB, median, round, sleep } from './stats';

export interface StartupRun {
  /** spawn -> the initialize answer line on stdout, ms. */
  ms: number;
  /** VmRSS when the initialize answer arrived, and after initialized + ping + 300 ms idle, bytes. */
  rssAtAnswer: number;
  idleRss: number;
}

const INITIALIZE = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'mcp-rx-bridge-bench', version: '1.0.0' } };

/** One spawn of `name` against `url`, measured. */
export async function startupOnce(name: BridgeName, url: string, extra: { script?: string } = {}): Promise<StartupRun> {
  const t0 = process.hrtime.bigint();
  const bridge = BridgeProcess.spawn(name, url, extra.script ? { script: extra.script } : {});
  try {
    const answer = await withTimeout(bridge.request('initialize', INITIALIZE), 30_000, `${name}: initialize`);
    const ms = elapsedMs(t0, answer.at);
    const rssAtAnswer = bridge.memory()?.rss ?? NaN;
    if (answer.isError || answer.kind !== 'response') throw new Error(`${name}: initialize failed: ${JSON.stringify(answer.message ?? answer.head)}`);
    bridge.notify('notifications/initialized');
    await withTimeout(bridge.request('ping', {}), 30_000, `${name}: ping`);
    await sleep(300);
    const idleRss = bridge.memory()?.rss ?? NaN;
    return { ms, rssAtAnswer, idleRss };
  } finally {
    await bridge.kill();
  }
}

/** `runs` spawns of `name`, one after the other; medians. */
export async function measureStartup(name: BridgeName, url: string, runs: number, extra: { script?: string } = {}): Promise<StartupRow> {
  const all: StartupRun[] = [];
  let note: string | undefined;
  for (let i = 0; i < runs; i++) {
    try {
      all.push(await startupOnce(name, url, extra));
    } catch (err) {
      note = (err as Error).message.slice(0, 300);
    }
  }
  const toMiB = (b: number) => round(b / MiB, 1);
  return {
    target: name,
    runs: all.length,
    startMs: round(median(all.map((r) => r.ms)), 1),
    rssAtAnswerMiB: toMiB(median(all.map((r) => r.rssAtAnswer))),
    idleRssMiB: toMiB(median(all.map((r) => r.idleRss))),
    startMsRuns: all.map((r) => round(r.ms, 1)),
    idleRssMiBRuns: all.map((r) => toMiB(r.idleRss)),
    ...(note ? { note } : {}),
  };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const opt = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const runs = Number(opt('runs') ?? 10);
  const aliases: Record<string, BridgeName> = { this: 'this bridge', 'mcp-remote': 'mcp-remote', supergateway: 'supergateway', floor: 'minimal relay' };
  const names = (opt('bridges') ?? 'this').split(',').map((s) => aliases[s.trim()] ?? (s.trim() as BridgeName));
  for (const n of names) if (!BRIDGES[n]) throw new Error(`unknown bridge ${n}`);
  const script = opt('cli');
  void (async () => {
    const server = await startMockServer();
    try {
      for (const name of names) {
        const s = await measureStartup(name, server.url, runs, name === 'this bridge' && script ? { script } : {});
        console.log(JSON.stringify(s));
      }
    } finally {
      await server.close();
    }
    process.exit(0);
  })();
}
