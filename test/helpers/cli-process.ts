import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** The built CLI (npm test builds dist/ first, in `pretest`). */
export const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');

export interface CliRun {
  child: ChildProcessWithoutNullStreams;
  /** Complete stdout lines so far. */
  lines: string[];
  /** Every byte written to stdout so far, as written (lines are decoded, replacing invalid UTF-8). */
  stdoutBytes(): Buffer;
  stderr: () => string;
  send(message: unknown): void;
  sendRaw(text: string): void;
  end(): void;
  /** Resolves with the exit code (or signal name) once the process exits and stdout is read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when at least `n` stdout lines have arrived. */
  waitForLines(n: number, timeoutMs?: number): Promise<string[]>;
  /** Parsed stdout lines. */
  messages(): Array<Record<string, unknown>>;
}

/** Spawns the real CLI with a clean environment (plus `env`) and collects its output. */
export function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  const stdoutChunks: Buffer[] = [];
  const decoder = new StringDecoder('utf8');
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutChunks.push(chunk);
    const parts = (partial + decoder.write(chunk)).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const stdoutDone = new Promise<void>((resolve) => child.stdout.on('end', () => resolve()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => void stdoutDone.then(() => resolve({ code, signal }))),
  );
  child.stdin.on('error', () => undefined);
  return {
    child,
    lines,
    stdoutBytes: () => Buffer.concat(stdoutChunks),
    stderr: () => stderr,
    send: (message) => child.stdin.write(JSON.stringify(message) + '\n'),
    sendRaw: (text) => child.stdin.write(text),
    end: () => child.stdin.end(),
    exited,
    messages: () => lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
    waitForLines(n, timeoutMs = 15000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} lines; got ${lines.length}: ${lines.join('\n')}\nstderr: ${stderr}`)), timeoutMs);
        const check = () => {
          if (lines.length >= n) {
            clearTimeout(timer);
            resolve(lines.slice());
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1.0.0' } },
} as const;
