/**
 * Plumbing for the sign-in suites: the real authorization server + protected MCP server fixture
 * (fixtures/oauth-servers.mjs, a child process: oidc-provider is an ES module), temporary token
 * stores, and the BROWSER command that plays the user (fixtures/follow-browser.mjs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const FIXTURES = join(__dirname, 'fixtures');

export interface OAuthServers {
  issuer: string;
  mcpUrl: string;
  control: string;
  privateKeyPem: string;
  stats(): Promise<Record<string, number>>;
  /** Every token, code and secret the servers issued or saw. */
  issued(): Promise<string[]>;
  /** The MCP server refuses every access token it has seen so far. */
  expire(): Promise<void>;
  /** Lets the held "slow" tool calls answer. */
  release(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOAuthServers(): Promise<OAuthServers> {
  const child: ChildProcess = spawn(process.execPath, [join(FIXTURES, 'oauth-servers.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.resume();
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`oauth-servers.mjs exited (${code})`)));
  });
  const info = JSON.parse(line) as { issuer: string; mcpUrl: string; control: string; privateKeyPem: string };
  const call = async (path: string, method = 'GET') => (await fetch(`${info.control}${path}`, { method })).json();
  return {
    ...info,
    stats: () => call('/control/stats') as Promise<Record<string, number>>,
    issued: () => call('/control/issued') as Promise<string[]>,
    expire: async () => void (await call('/control/expire', 'POST')),
    release: async () => void (await call('/control/release', 'POST')),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/** A temporary directory, removed by `cleanup`. */
export function tempDir(prefix: string, cleanups: Array<() => void>): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** BROWSER for the bridge: the follower script, recording each run in `log`. */
export function browserEnv(log: string): Record<string, string> {
  return { BROWSER: `${process.execPath} ${join(FIXTURES, 'follow-browser.mjs')}`, BROWSER_LOG: log };
}

/** How many times the browser was opened (lines in the log). */
export function browserRuns(log: string): number {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').length : 0;
}

/** The one server record in a store. */
export function storedRecord(store: string): Record<string, unknown> {
  const dir = join(store, 'servers');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (files.length !== 1) throw new Error(`expected one record in ${dir}, found ${files.length}`);
  return JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as Record<string, unknown>;
}

export const initialize = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'oauth-test', version: '1' } },
});
export const callTool = (id: number, name: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
