import { promises as fs, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as lockfile from 'proper-lockfile';

/** What is kept for one MCP server: where it signs in, and the tokens it gave. */
export interface ServerRecord {
  serverUrl: string;
  /** The authorization server that issued the tokens: tokens are never sent after it changes. */
  issuer: string;
  /** The RFC 8707 resource the tokens are for. */
  resource: string;
  /** The authorization server's metadata, so that a restart refreshes without discovery. */
  as: Record<string, unknown>;
  /** The client identity used with that issuer (client_id and how it authenticates). */
  clientId: string;
  /** The scope that was requested (for step-up: new requests ask for the union). */
  requestedScope?: string;
  accessToken?: string;
  refreshToken?: string;
  /** Epoch milliseconds; undefined when the server gave no expires_in. */
  expiresAt?: number;
  tokenType?: string;
  /** RFC 9449: the private key the tokens are bound to (a P-256 JWK), when they are. */
  dpopKey?: Record<string, string>;
}

/** A dynamically registered client, kept per authorization server (issuer), never reused with another. */
export interface ClientRecord {
  issuer: string;
  client: Record<string, unknown>;
}

/**
 * Files under one directory, mode 0600 in a 0700 directory: `servers/<hash of the server URL>.json`
 * holds the tokens of one server (with the issuer inside: a record for another issuer is ignored),
 * `clients/<hash of the issuer>.json` a client registration. Every write goes to a temporary file
 * that is then renamed over the old one, so a reader (another bridge process) sees the old or the
 * new content, never half of it: a rotated refresh token is never lost to a torn write.
 */
export class OAuthStore {
  constructor(readonly dir: string) {}

  serverFile(serverUrl: string): string {
    return join(this.dir, 'servers', `${digest(serverUrl)}.json`);
  }

  clientFile(issuer: string): string {
    return join(this.dir, 'clients', `${digest(issuer)}.json`);
  }

  async readServer(serverUrl: string): Promise<ServerRecord | undefined> {
    // No servers/ directory, no record: known without hashing the URL, so that a bridge that never
    // signed in does not load node:crypto for it (see `digest`).
    if (absent(join(this.dir, 'servers'))) return undefined;
    const record = await readJson<ServerRecord>(this.serverFile(serverUrl));
    return record?.serverUrl === serverUrl ? record : undefined;
  }

  writeServer(record: ServerRecord): Promise<void> {
    return writeJsonAtomic(this.serverFile(record.serverUrl), record);
  }

  async deleteServer(serverUrl: string): Promise<boolean> {
    return remove(this.serverFile(serverUrl));
  }

  async readClient(issuer: string): Promise<Record<string, unknown> | undefined> {
    const record = await readJson<ClientRecord>(this.clientFile(issuer));
    return record?.issuer === issuer ? record.client : undefined;
  }

  writeClient(issuer: string, client: Record<string, unknown>): Promise<void> {
    return writeJsonAtomic(this.clientFile(issuer), { issuer, client } satisfies ClientRecord);
  }

  deleteClient(issuer: string): Promise<boolean> {
    return remove(this.clientFile(issuer));
  }

  /**
   * Runs `task` holding the cross-process lock of one server's record: two bridges for the same
   * server never refresh (or sign in) at once; the second waits, then finds the first one's tokens.
   * The lock is a directory next to the file (proper-lockfile), refreshed while held and taken
   * over when its holder died (stale after 20 s without refresh).
   */
  async withServerLock<T>(serverUrl: string, waitMs: number, task: () => Promise<T>): Promise<T> {
    const file = this.serverFile(serverUrl);
    await fs.mkdir(join(this.dir, 'servers'), { recursive: true, mode: 0o700 });
    const release = await lockfile.lock(file, {
      realpath: false,
      stale: 20_000,
      update: 5_000,
      retries: { retries: Math.max(1, Math.ceil(waitMs / 250)), factor: 1, minTimeout: 250, maxTimeout: 250 },
      onCompromised: () => undefined,
    });
    try {
      return await task();
    } finally {
      await release().catch(() => undefined);
    }
  }
}

/**
 * node:crypto is required where it is used, not imported: the CLI's bundle would load it at every
 * start-up (~15 modules, ~5 ms and 0.6 MiB on the machine of the bench), and a bridge that never
 * signed in reads no record (readServer) and so hashes nothing.
 */
function nodeCrypto(): typeof import('node:crypto') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:crypto') as typeof import('node:crypto');
}

function digest(text: string): string {
  return nodeCrypto().createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** Whether `path` does not exist (any other answer, an error included, is left to the read). */
function absent(path: string): boolean {
  try {
    statSync(path);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * A record is read synchronously: the first request waits for this read (the token it may hold),
 * and the file is a few hundred bytes. fs.promises would load fs/promises (with readline and the
 * fs watchers) and start libuv's thread pool for four round trips (open, stat, read, close) before
 * the bridge's first connect (fs/promises alone: ~0.4 MiB and ~2.5 ms, on the machine of the
 * bench). With a servers/ directory present the bridge idles at 47.9 MiB, 0.6 MiB above one
 * without (node:crypto, for the file name); its start-up time was within the noise of one without.
 */
async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const dir = join(file, '..');
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${nodeCrypto().randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
}

async function remove(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
