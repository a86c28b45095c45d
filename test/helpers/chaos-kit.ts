/**
 * Plumbing for test/chaos, test/fuzz and test/security (not a test file): a bridge process that
 * hands each stdout line to a callback (or only counts bytes, for outputs of hundreds of MiB),
 * peak-RSS reads from /proc, a seeded PRNG, condition waits, and per-suite cleanup.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CLI } from './cli-process';
import { sleep, waitFor, within } from './wait';

export { sleep, waitFor, within };




/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit FNV-1a hash of a string, mixed with a seed: per-key randomness independent of arrival order. */
export function hash32(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A process's memory figures from /proc/<pid>/status, in KiB (undefined once it has exited). */
export function procStatusKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface Bridge {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  /** Every complete stdout line, when `keepLines` (the default). */
  lines: string[];
  lineCount: number;
  stdoutBytes: number;
  stderr(): string;
  /** Writes raw bytes or text to stdin; resolves when handed to the pipe (honours backpressure). */
  write(data: string | Uint8Array): Promise<void>;
  send(message: unknown): Promise<void>;
  end(): void;
  /** Exit code and signal, from the 'exit' event (does not wait for stdout to end). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Exit, once stdout has ended too (every line collected). */
  finished: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Keep every stdout line in `lines` (default true). */
  keepLines?: boolean;
  /** Called with each complete stdout line (without its LF). */
  onLine?: (line: string) => void;
  /** Called with each raw stdout chunk (before line splitting); when given, no line splitting happens. */
  onChunk?: (chunk: Buffer) => void;
}

/** The CLI under test: dist/src/cli.js, or CHAOS_CLI (e.g. a patched build, to check a suspected fix). */
export const BRIDGE_CLI = process.env.CHAOS_CLI || CLI;

/** Spawns the built CLI with a clean environment (PATH plus `env`). */
export function spawnBridge(args: string[], options: SpawnOptions = {}): Bridge {
  const child = spawn(process.execPath, [BRIDGE_CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...(options.env ?? {}) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const keep = options.keepLines ?? true;
  const lines: string[] = [];
  let dead = false;
  const drainWaiters = new Set<() => void>();
  child.on('exit', () => {
    dead = true;
    for (const wake of drainWaiters) wake();
    drainWaiters.clear();
  });
  let partial = '';
  let stderr = '';
  const bridge: Bridge = {
    child,
    pid: child.pid!,
    lines,
    lineCount: 0,
    stdoutBytes: 0,
    stderr: () => stderr,
    write: (data) =>
      new Promise<void>((resolve) => {
        if (dead || child.stdin.destroyed || child.stdin.writableEnded) return resolve();
        if (child.stdin.write(data)) return resolve();
        // A dead child never drains: its exit settles the wait too.
        drainWaiters.add(resolve);
        child.stdin.once('drain', () => {
          drainWaiters.delete(resolve);
          resolve();
        });
      }),
    send: (message) => bridge.write(JSON.stringify(message) + '\n'),
    end: () => child.stdin.end(),
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
    finished: undefined as never,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  child.stdout.on('data', (chunk: Buffer) => {
    bridge.stdoutBytes += chunk.length;
    if (options.onChunk) return options.onChunk(chunk);
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      bridge.lineCount++;
      if (keep) lines.push(line);
      options.onLine?.(line);
    }
  });
  child.stdout.on('error', () => undefined);
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined);
  const stdoutEnded = new Promise<void>((resolve) => {
    child.stdout.on('end', () => resolve());
    child.stdout.on('close', () => resolve());
  });
  bridge.finished = bridge.exited.then(async (outcome) => {
    await stdoutEnded;
    if (partial !== '') {
      bridge.lineCount++;
      if (keep) lines.push(partial);
      options.onLine?.(partial);
      partial = '';
    }
    return outcome;
  });
  return bridge;
}

/** Lines of stderr that look like a JavaScript stack frame. */
export function stackFrames(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^\s{4}at /.test(l));
}

/** Per-suite cleanup: bridges killed and closables closed after each test, pass or fail. */
export function useCleanup() {
  const bridges: Bridge[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const b of bridges.splice(0)) b.kill();
    for (const close of closers.splice(0).reverse()) await close();
  });
  return {
    bridge(args: string[], options?: SpawnOptions): Bridge {
      const b = spawnBridge(args, options);
      bridges.push(b);
      return b;
    },
    defer(close: () => Promise<void> | void): void {
      closers.push(close);
    },
  };
}

export type JsonLine = { jsonrpc?: unknown; id?: unknown; result?: any; error?: { code: number; message: string; data?: any }; method?: string; params?: any };

/** Parses a stdout line, failing with the line itself in the message. */
export function parseLine(line: string): JsonLine {
  try {
    return JSON.parse(line) as JsonLine;
  } catch (err) {
    throw new Error(`stdout line is not JSON (${(err as Error).message}): ${line.slice(0, 300)}`);
  }
}

/** A free loopback port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every form a secret could show up in: as is, and JSON-escaped (a JSON log line, a JSON string). */
export function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  return [...forms];
}

/** The secret forms found in `text` (empty when none leaked). */
export function leakedIn(text: string, secrets: readonly string[]): string[] {
  return secretForms(secrets).filter((form) => text.includes(form));
}
