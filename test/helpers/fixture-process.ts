/**
 * The fixture scripts (test/fixtures/**\/*.mjs, ES modules) as child processes of a jest test: a
 * server that prints `{"url":...}` on its first stdout line, and a host that prints one JSON line per
 * result and exits. Both run `node <script>` with only PATH in the environment, so nothing of the
 * test runner's leaks into them (or into the bridge a host spawns).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const spawnFixture = (script: string, args: string[]) =>
  spawn(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });

export interface FixtureServer {
  url: string;
  /** The server's stderr so far (fixture servers log their events there). */
  log(): string;
  /** Kills the server (if still running) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts a fixture server and waits for its URL line; `name` says which, in the error when it
 * exits first or prints nothing within `timeoutMs` (then it is killed).
 */
export async function startFixtureServer(name: string, script: string, args: string[] = [], timeoutMs = 20_000): Promise<FixtureServer> {
  const child = spawnFixture(script, args);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      const nl = stdout.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve((JSON.parse(stdout.slice(0, nl)) as { url: string }).url);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening; stderr:\n${stderr}`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    url,
    log: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

export interface HostOutput<Line> {
  /** The JSON lines of its stdout, in order. */
  lines: Line[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The bridge's stderr (its log), which the host wrote to its --bridge-stderr file. */
  bridgeLog: string;
}

/**
 * Runs a host fixture once to its end (it spawns the bridge itself, as a real host does), with
 * `--bridge-stderr` pointed at a temporary file, and parses its JSON lines. Every wait inside a
 * host is bounded; `killAfterMs` is the backstop.
 */
export async function runHostFixture<Line = Record<string, unknown>>(script: string, args: string[], killAfterMs: number): Promise<HostOutput<Line>> {
  const dir = mkdtempSync(join(tmpdir(), 'rx-bridge-host-'));
  const bridgeLogFile = join(dir, 'bridge.log');
  const child = spawnFixture(script, [...args, '--bridge-stderr', bridgeLogFile]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const killTimer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  clearTimeout(killTimer);
  const lines = stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
  const bridgeLog = existsSync(bridgeLogFile) ? readFileSync(bridgeLogFile, 'utf8') : '';
  rmSync(dir, { recursive: true, force: true });
  return { lines, exitCode, stdout, stderr, bridgeLog };
}

/** `--bridge-arg=<a>` for each argument the host passes on to the bridge after `--url <url>`. */
export const bridgeArgFlags = (bridgeArgs: readonly string[]) => bridgeArgs.map((a) => `--bridge-arg=${a}`);
