/**
 * A stdio bridge under test, spawned as `node <its bin js> ...` (never through npx or a shell, so
 * that the pid is the node process that does the work and /proc/<pid>/status is its own), and
 * driven over its stdin/stdout like an MCP host would.
 *
 * stdout is split into lines at the byte level. Small lines (<= 4 KiB) are parsed as JSON;
 * bigger ones are never materialised: only their length and first/last 256 bytes are kept, and
 * the id and kind are read from those (the benches' big payloads are runs of 'x' inside a string,
 * so the envelope is always at the ends). That keeps the bench process cheap while a bridge
 * pushes a GiB through it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type BridgeName = 'this bridge' | 'mcp-remote' | 'supergateway' | 'minimal relay';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface BridgeSpec {
  name: BridgeName;
  /** Arguments after `node` (script first). */
  args: (url: string, extra: BridgeExtra) => string[];
}

export interface BridgeExtra {
  /** For this bridge: --max-message-bytes. */
  maxMessageBytes?: number;
  /** Node options placed before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** For this bridge: the script to run instead of the package bin (e.g. dist/src/cli.js). */
  script?: string;
}

/**
 * This bridge's script: the package bin (what `npx mcp-rx-bridge` runs: the one-file bundle
 * dist/cli.bundle.js when built, else dist/src/cli.js), or BENCH_CLI when set.
 */
export function thisBridgeScript(): string {
  const fromEnv = process.env.BENCH_CLI;
  return fromEnv ? path.resolve(ROOT, fromEnv) : path.join(ROOT, 'bin', 'mcp-rx-bridge.js');
}

export const BRIDGES: Record<BridgeName, BridgeSpec> = {
  'this bridge': {
    name: 'this bridge',
    args: (url, extra) => [
      extra.script ?? thisBridgeScript(),
      '--url',
      url,
      '--log-level',
      'off',
      ...(extra.maxMessageBytes ? ['--max-message-bytes', String(extra.maxMessageBytes)] : []),
    ],
  },
  'mcp-remote': {
    name: 'mcp-remote',
    args: (url) => [path.join(ROOT, 'node_modules', 'mcp-remote', 'dist', 'proxy.js'), url, '--transport', 'http-only', '--silent'],
  },
  supergateway: {
    name: 'supergateway',
    args: (url) => [
      path.join(ROOT, 'node_modules', 'supergateway', 'dist', 'index.js'),
      '--streamableHttp',
      url,
      '--outputTransport',
      'stdio',
      '--logLevel',
      'none',
    ],
  },
  /** The floor (bench/minimal-relay.ts): what the process hop alone costs. */
  'minimal relay': {
    name: 'minimal relay',
    args: (url) => [path.join(ROOT, 'dist', 'bench', 'minimal-relay.js'), url],
  },
};

export interface Line {
  /** Byte length without the newline. */
  bytes: number;
  id: string | number | null | undefined;
  /** 'response' (has result or error), 'notification'/'request' (has method), or 'unknown'. */
  kind: 'response' | 'notification' | 'request' | 'unknown';
  isError: boolean;
  /** The parsed message, for small lines only. */
  message?: Record<string, unknown>;
  /** The first 256 bytes, for big lines only. */
  head?: string;
  at: bigint;
}

const SMALL = 4096;
const EDGE = 256;

function describeSmall(buf: Buffer, at: bigint): Line {
  try {
    const message = JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
    const hasMethod = typeof message.method === 'string';
    const kind = hasMethod ? ('id' in message ? 'request' : 'notification') : 'result' in message || 'error' in message ? 'response' : 'unknown';
    return { bytes: buf.length, id: message.id as Line['id'], kind, isError: 'error' in message, message, at };
  } catch {
    return { bytes: buf.length, id: undefined, kind: 'unknown', isError: false, at, head: buf.subarray(0, EDGE).toString('utf8') };
  }
}

function describeBig(bytes: number, head: string, tail: string, at: bigint): Line {
  const edges = head + '\u0000' + tail;
  const idMatch = /"id"\s*:\s*(-?\d+|"[^"]*"|null)/.exec(edges);
  const id = idMatch ? (JSON.parse(idMatch[1]!) as string | number | null) : undefined;
  const hasMethod = /"method"\s*:/.test(edges);
  const kind = hasMethod ? (id === undefined ? 'notification' : 'request') : /"(result|error)"\s*:/.test(edges) ? 'response' : 'unknown';
  return { bytes, id, kind, isError: /"error"\s*:\s*\{/.test(edges), at, head };
}

/** Splits a byte stream into `Line`s. */
export class LineSplitter {
  private small: Buffer[] = [];
  private length = 0;
  private head: Buffer | undefined;
  private tail = Buffer.alloc(0);
  lines = 0;
  bytes = 0;

  constructor(private readonly onLine: (line: Line) => void) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    let start = 0;
    let nl = chunk.indexOf(10, start);
    while (nl !== -1) {
      this.append(chunk, start, nl);
      this.finish();
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.append(chunk, start, chunk.length);
  }

  private append(chunk: Buffer, start: number, end: number): void {
    if (end <= start) return;
    const part = chunk.subarray(start, end);
    this.length += part.length;
    if (this.head === undefined) {
      if (this.length <= SMALL) {
        this.small.push(part);
        return;
      }
      const all = Buffer.concat([...this.small, part]);
      this.small = [];
      this.head = Buffer.from(all.subarray(0, EDGE));
      this.tail = Buffer.from(all.subarray(Math.max(0, all.length - EDGE)));
      return;
    }
    this.tail = part.length >= EDGE ? Buffer.from(part.subarray(part.length - EDGE)) : Buffer.concat([this.tail, part]).subarray(-EDGE);
  }

  private finish(): void {
    const at = process.hrtime.bigint();
    const length = this.length;
    let line: Line | undefined;
    if (this.head !== undefined) {
      line = describeBig(length, this.head.toString('latin1'), this.tail.toString('latin1'), at);
    } else if (length > 0) {
      line = describeSmall(this.small.length === 1 ? this.small[0]! : Buffer.concat(this.small), at);
    }
    this.small = [];
    this.head = undefined;
    this.tail = Buffer.alloc(0);
    this.length = 0;
    if (line) {
      this.lines++;
      this.onLine(line);
    }
  }
}

export class BridgeExitedError extends Error {}

interface Waiter {
  resolve: (line: Line) => void;
  reject: (err: Error) => void;
}

/** One spawned bridge. */
export class BridgeProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  private readonly waiters = new Map<string, Waiter>();
  private nextId = 1;
  exited = false;
  exitCode: number | null = null;
  stderrTail = '';
  /** Notification lines and their bytes (reset with `resetCounts`). */
  notifications = 0;
  notificationBytes = 0;
  responses = 0;
  readonly splitter: LineSplitter;
  private readonly exitPromise: Promise<void>;
  /** Called for every response (after the waiter, if any). */
  onResponse?: (line: Line) => void;

  private constructor(
    readonly name: BridgeName,
    url: string,
    extra: BridgeExtra,
  ) {
    const args = [...(extra.nodeArgs ?? []), ...BRIDGES[name].args(url, extra)];
    this.child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    });
    if (this.child.pid === undefined) throw new Error(`could not spawn ${name}`);
    this.pid = this.child.pid;
    this.splitter = new LineSplitter((line) => this.onLine(line));
    this.child.stdout!.on('data', (chunk: Buffer) => this.splitter.push(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    this.child.stdin!.on('error', () => undefined); // EPIPE after the bridge died: reported via exit
    this.exitPromise = new Promise((resolve) => {
      this.child.once('exit', (code) => {
        this.exited = true;
        this.exitCode = code;
        // Node's own warnings (MaxListenersExceededWarning and the like) say nothing about why it ended.
        const said = this.stderrTail
          .split('\n')
          .filter((l) => l.trim() !== '' && !/Warning|--trace-warnings|^\(node:\d+\)/.test(l))
          .join(' ')
          .slice(-300);
        const err = new BridgeExitedError(`${name} exited (code ${code})${said ? `: ${said}` : ''}`);
        for (const w of this.waiters.values()) w.reject(err);
        this.waiters.clear();
        resolve();
      });
    });
  }

  static spawn(name: BridgeName, url: string, extra: BridgeExtra = {}): BridgeProcess {
    return new BridgeProcess(name, url, extra);
  }

  private onLine(line: Line): void {
    if (line.kind === 'notification' || line.kind === 'request') {
      this.notifications++;
      this.notificationBytes += line.bytes;
      return;
    }
    this.responses++;
    const key = JSON.stringify(line.id);
    const waiter = this.waiters.get(key);
    if (waiter) {
      this.waiters.delete(key);
      waiter.resolve(line);
    }
    this.onResponse?.(line);
  }

  resetCounts(): void {
    this.notifications = 0;
    this.notificationBytes = 0;
    this.responses = 0;
  }

  id(): number {
    return this.nextId++;
  }

  write(text: string): boolean {
    return this.child.stdin!.write(text);
  }

  /** Sends a request and resolves with its answer line. */
  request(method: string, params: unknown, id = this.id()): Promise<Line> {
    const p = this.expect(id);
    this.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    return p;
  }

  /** Resolves with the answer to `id` when it comes. */
  expect(id: number | string): Promise<Line> {
    if (this.exited) return Promise.reject(new BridgeExitedError(`${this.name} has exited`));
    return new Promise<Line>((resolve, reject) => this.waiters.set(JSON.stringify(id), { resolve, reject }));
  }

  notify(method: string, params?: unknown): void {
    this.write(JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) }) + '\n');
  }

  /** initialize + notifications/initialized, as a host does; resolves once the session is up. */
  async initialize(timeoutMs = 30_000): Promise<void> {
    const answer = await withTimeout(
      this.request('initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'mcp-rx-bridge-bench', version: '1.0.0' },
      }),
      timeoutMs,
      `${this.name}: initialize`,
    );
    if (answer.isError || answer.kind !== 'response') throw new Error(`${this.name}: initialize failed: ${JSON.stringify(answer.message ?? answer.head)}`);
    this.notify('notifications/initialized');
    // One round trip more, so that the initialized notification (and any GET stream attempt) is
    // behind us before anything is measured.
    await withTimeout(this.request('ping', {}), timeoutMs, `${this.name}: ping`);
  }

  /** VmHWM (peak RSS) and VmRSS of the bridge process, in bytes; undefined once it has exited. */
  memory(): { hwm: number; rss: number } | undefined {
    return readMemory(this.pid);
  }

  /** CPU time used so far (user + system), ms. */
  cpuMs(): number | undefined {
    return readCpuMs(this.pid);
  }

  /** Ends stdin and waits for a normal exit; kills it (SIGTERM, then SIGKILL) if it does not go. */
  async close(graceMs = 3000): Promise<void> {
    if (this.exited) return;
    this.child.stdin!.end();
    if (await settles(this.exitPromise, graceMs)) return;
    this.child.kill('SIGTERM');
    if (await settles(this.exitPromise, 2000)) return;
    this.child.kill('SIGKILL');
    await this.exitPromise;
  }

  /** Kills it at once (a run that did not finish in time). */
  async kill(): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGKILL');
    await this.exitPromise;
  }
}

/** CPU time (user + system) the process has used so far, in ms; undefined once it has exited. */
export function readCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux build Node supports. */
const CLOCK_TICKS = 100;

export function readMemory(pid: number): { hwm: number; rss: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch {
    return undefined;
  }
}

/** The pids of a process's children (to check that no wrapper stands between us and the worker). */
export function childPids(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/))
      .filter((s) => s !== '')
      .map(Number);
  } catch {
    return [];
  }
}

export class TimeoutError extends Error {}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what}: did not finish in ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function settles(p: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
