/**
 * The end-to-end workloads, each for a spawned bridge and for the direct baseline. Shared by
 * run-all.ts (measurement) and profile.ts (the same workload under `--cpu-prof`).
 */
import { BridgeProcess, withTimeout, type Line } from './bridge-process';
import type { DirectClient } from './direct-client';
import { WRITE_BYTES, type TextKind } from './mock-server';
import { elapsedMs } from './stats';

export type ResponseKind = 'json' | 'sse';

function toolCall(name: string, args: Record<string, unknown> = {}, meta?: Record<string, unknown>): Record<string, unknown> {
  return meta ? { name, arguments: args, _meta: meta } : { name, arguments: args };
}

function check(line: Line, what: string): void {
  if (line.isError || line.kind !== 'response') throw new Error(`${what}: unexpected answer ${JSON.stringify(line.message ?? line.head)}`);
}

/** `n` sequential tools/calls; the round-trip time of each, in ms. */
export async function latencyBridge(bridge: BridgeProcess, kind: ResponseKind, n: number): Promise<number[]> {
  const times: number[] = [];
  const params = toolCall(kind);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const line = await bridge.request('tools/call', params);
    times.push(elapsedMs(t0, line.at));
    if (i === 0) check(line, `${bridge.name} ${kind}`);
  }
  return times;
}

export async function latencyDirect(client: DirectClient, kind: ResponseKind, n: number): Promise<number[]> {
  const times: number[] = [];
  const params = toolCall(kind);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const answer = await client.request('tools/call', params);
    times.push(elapsedMs(t0));
    if (answer.status !== 200) throw new Error(`direct ${kind}: HTTP ${answer.status}`);
  }
  return times;
}

export interface BurstResult {
  ms: number;
  answered: number;
  errors: number;
}

/** Writes `n` tools/call lines to stdin at once and waits for every answer. */
export async function pipelinedBridge(bridge: BridgeProcess, n: number, kind: ResponseKind, capMs: number): Promise<BurstResult> {
  const firstId = bridge.id();
  const lines: string[] = [];
  const params = JSON.stringify(toolCall(kind));
  for (let i = 0; i < n; i++) lines.push(`{"jsonrpc":"2.0","id":${firstId + 1 + i},"method":"tools/call","params":${params}}`);
  for (let i = 0; i < n; i++) bridge.id();
  let answered = 0;
  let errors = 0;
  let t1 = 0n;
  const done = new Promise<void>((resolve) => {
    bridge.onResponse = (line) => {
      if (typeof line.id !== 'number' || line.id <= firstId || line.id > firstId + n) return;
      answered++;
      if (line.isError) errors++;
      if (answered === n) {
        t1 = line.at;
        resolve();
      }
    };
  });
  const t0 = process.hrtime.bigint();
  bridge.write(lines.join('\n') + '\n');
  try {
    await withTimeout(Promise.race([done, bridge.expect(-1)]), capMs, `${bridge.name}: ${n} pipelined requests`);
  } finally {
    bridge.onResponse = undefined;
  }
  return { ms: elapsedMs(t0, t1), answered, errors };
}

/** `n` requests from `concurrency` keep-alive loops. */
export async function concurrentDirect(client: DirectClient, n: number, kind: ResponseKind, concurrency: number): Promise<BurstResult> {
  let next = 0;
  let errors = 0;
  const params = toolCall(kind);
  const t0 = process.hrtime.bigint();
  const loop = async () => {
    while (next < n) {
      next++;
      const answer = await client.request('tools/call', params);
      if (answer.status !== 200) errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { ms: elapsedMs(t0), answered: n, errors };
}

export type StreamWorkload = 'message' | 'events';

export interface StreamResult {
  ms: number;
  /** Notification lines the bridge wrote (events workload), and the answer line's size. */
  forwardedEvents: number;
  answerBytes: number;
  stdoutBytes: number;
}

function streamParams(workload: StreamWorkload, bytes: number, progressToken: string, text: TextKind): Record<string, unknown> {
  const kind = text === 'mixed' ? { text } : {};
  return workload === 'message' ? toolCall('big', { bytes, ...kind }) : toolCall('events', { bytes, eventBytes: WRITE_BYTES, ...kind }, { progressToken });
}

/** One big SSE answer (or a long run of SSE events) through a bridge; text 'mixed': see mock-server.ts. */
export async function streamBridge(bridge: BridgeProcess, workload: StreamWorkload, bytes: number, capMs: number, text: TextKind = 'ascii'): Promise<StreamResult> {
  bridge.resetCounts();
  const stdout0 = bridge.splitter.bytes;
  const id = bridge.id();
  const t0 = process.hrtime.bigint();
  const line = await withTimeout(bridge.request('tools/call', streamParams(workload, bytes, `bench-${id}`, text), id), capMs, `${bridge.name}: ${workload} of ${bytes} bytes`);
  const ms = elapsedMs(t0, line.at);
  if (line.isError || line.kind !== 'response') throw new Error(`${bridge.name}: answered with ${line.message ? JSON.stringify(line.message).slice(0, 300) : line.head}`);
  return { ms, forwardedEvents: bridge.notifications, answerBytes: line.bytes, stdoutBytes: bridge.splitter.bytes - stdout0 };
}

export async function streamDirect(client: DirectClient, workload: StreamWorkload, bytes: number, text: TextKind = 'ascii'): Promise<StreamResult> {
  const t0 = process.hrtime.bigint();
  const answer = await client.request('tools/call', streamParams(workload, bytes, 'direct', text));
  const ms = elapsedMs(t0);
  if (answer.status !== 200) throw new Error(`direct ${workload}: HTTP ${answer.status}`);
  return { ms, forwardedEvents: 0, answerBytes: 0, stdoutBytes: answer.bytes };
}
