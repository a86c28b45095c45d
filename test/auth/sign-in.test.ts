/**
 * OAuth sign-in end to end: the real CLI against a real authorization server (oidc-provider,
 * with registration, PKCE, rotating refresh tokens, resource indicators, device flow, client
 * credentials) and a protected MCP server that validates JWT access tokens for its audience.
 * The browser step is played by fixtures/follow-browser.mjs through BROWSER.
 */
import { statSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliRun } from '../helpers/cli-process';
import { exitOf, useHarness, waitFor } from '../helpers/cli-kit';
import { browserEnv, browserRuns, callTool, FIXTURES, initialize, startOAuthServers, storedRecord, tempDir, type OAuthServers } from './oauth-kit';

jest.setTimeout(60_000);

const h = useHarness();
let servers: OAuthServers;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  servers = await startOAuthServers();
});
afterAll(async () => {
  await servers?.stop();
  for (const c of cleanups.splice(0)) c();
});

type Message = Record<string, any>;

async function answer(run: CliRun, id: number, timeoutMs = 30_000): Promise<Message> {
  await waitFor(() => run.messages().some((m) => m.id === id), `an answer with id ${id}; stderr:\n${run.stderr()}`, timeoutMs);
  return run.messages().find((m) => m.id === id)!;
}

function bridge(store: string, log: string, extra: string[] = [], env: Record<string, string> = {}): CliRun {
  return h.cli(['--url', servers.mcpUrl, '--oauth-store', store, '--auth-timeout', '30', '--log-level', 'debug', ...extra], { ...browserEnv(log), ...env });
}

/** initialize and an echo call, both answered by the protected server, then a clean exit with nothing else on stdout. */
async function initializeAndEcho(run: CliRun): Promise<void> {
  run.send(initialize(0));
  run.send(callTool(1, 'echo'));
  expect((await answer(run, 0)).result.serverInfo.name).toBe('protected');
  expect((await answer(run, 1)).result.content[0].text).toBe('echo: test-user');
  run.end();
  expect((await exitOf(run)).code).toBe(0);
  // One answer per request, nothing else on stdout.
  expect(run.messages().map((m) => m.id)).toEqual([0, 1]);
}

/** Signs in with a first bridge (initialize + echo) and stops it: the store then holds tokens. */
async function signedInStore(): Promise<{ store: string; log: string }> {
  const store = tempDir('oauth-store-', cleanups);
  const log = join(store, 'browser.log');
  const run = bridge(store, log);
  run.send(initialize(0));
  expect((await answer(run, 0)).result).toBeDefined();
  run.end();
  await exitOf(run);
  return { store, log };
}

describe('authorization code sign-in (browser)', () => {
  test('first sign-in: discovery, registration, PKCE, the URL on stderr, tokens stored 0600', async () => {
    const store = tempDir('oauth-store-', cleanups);
    const log = join(store, 'browser.log');
    const before = await servers.stats();
    const run = bridge(store, log);
    await initializeAndEcho(run);
    expect(browserRuns(log)).toBe(1);
    const stderr = run.stderr();
    expect(stderr).toMatch(/sign in to 127\.0\.0\.1:\d+ in your browser/);
    expect(stderr).toMatch(/code_challenge_method=S256/);
    expect(stderr).toMatch(/resource=http%3A%2F%2F127\.0\.0\.1/);
    const after = await servers.stats();
    expect(after.registrations - before.registrations).toBe(1);
    expect(after.authorization_code - before.authorization_code).toBe(1);
    const record = storedRecord(store);
    expect(record.resource).toBe(servers.mcpUrl);
    expect(record.issuer).toBe(servers.issuer);
    expect(typeof record.refreshToken).toBe('string');
    for (const dir of ['servers', 'clients']) {
      expect(statSync(join(store, dir)).mode & 0o777).toBe(0o700);
      for (const f of readdirSync(join(store, dir))) expect(statSync(join(store, dir, f)).mode & 0o777).toBe(0o600);
    }
  });

  test('restart with stored tokens: no browser, no new grant', async () => {
    const { store, log } = await signedInStore();
    const opened = browserRuns(log);
    const before = await servers.stats();
    const run = bridge(store, log);
    run.send(initialize(0));
    run.send(callTool(1, 'echo'));
    expect((await answer(run, 1)).result.content[0].text).toBe('echo: test-user');
    run.end();
    await exitOf(run);
    expect(browserRuns(log)).toBe(opened);
    const after = await servers.stats();
    expect(after.authorization_code).toBe(before.authorization_code);
    expect(after.refresh_token).toBe(before.refresh_token);
  });

  test('expired access token mid-session: silent refresh, the request in flight and the new one both answered', async () => {
    const { store, log } = await signedInStore();
    const opened = browserRuns(log);
    const rotatedFrom = storedRecord(store).refreshToken;
    const before = await servers.stats();
    const run = bridge(store, log);
    run.send(initialize(0));
    await answer(run, 0);
    run.send(callTool(1, 'slow'));
    // The slow call is held at the server with the first access token.
    while ((await servers.stats()).slowWaiting === 0) await new Promise((r) => setTimeout(r, 20));
    await servers.expire();
    run.send(callTool(2, 'echo'));
    expect((await answer(run, 2)).result.content[0].text).toBe('echo: test-user');
    await servers.release();
    expect((await answer(run, 1)).result.content[0].text).toBe('slow: test-user');
    run.end();
    await exitOf(run);
    const after = await servers.stats();
    expect(after.refresh_token - before.refresh_token).toBe(1);
    expect(browserRuns(log)).toBe(opened);
    // The rotated refresh token replaced the old one in the store.
    expect(storedRecord(store).refreshToken).not.toBe(rotatedFrom);
    expect(run.messages().filter((m) => m.id === 2)).toHaveLength(1);
  });

  test('revoked refresh token: cleared, a clear message, and a new sign-in', async () => {
    const { store, log } = await signedInStore();
    const opened = browserRuns(log);
    const record = storedRecord(store);
    const revoke = await fetch(`${servers.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: String(record.refreshToken), client_id: String(record.clientId) }),
    });
    expect(revoke.status).toBe(200);
    await servers.expire();
    const run = bridge(store, log);
    run.send(initialize(0));
    expect((await answer(run, 0)).result).toBeDefined();
    run.end();
    await exitOf(run);
    expect(run.stderr()).toMatch(/refresh token was refused \(invalid_grant/);
    expect(browserRuns(log)).toBe(opened + 1);
    expect(storedRecord(store).refreshToken).not.toBe(record.refreshToken);
  });

  test('two bridge processes refresh at once: one refresh at the server, both keep working', async () => {
    const { store, log } = await signedInStore();
    const a = bridge(store, log);
    const b = bridge(store, log);
    a.send(initialize(0));
    b.send(initialize(0));
    await answer(a, 0);
    await answer(b, 0);
    await servers.expire();
    const before = await servers.stats();
    a.send(callTool(1, 'echo'));
    b.send(callTool(1, 'echo'));
    expect((await answer(a, 1)).result.content[0].text).toBe('echo: test-user');
    expect((await answer(b, 1)).result.content[0].text).toBe('echo: test-user');
    a.send(callTool(2, 'echo'));
    b.send(callTool(2, 'echo'));
    expect((await answer(a, 2)).result).toBeDefined();
    expect((await answer(b, 2)).result).toBeDefined();
    a.end();
    b.end();
    await exitOf(a);
    await exitOf(b);
    const after = await servers.stats();
    expect(after.refresh_token - before.refresh_token).toBe(1);
    expect(after.authorization_code).toBe(before.authorization_code);
  });

  test('403 insufficient_scope: step-up sign-in for the union of scopes, then the call succeeds', async () => {
    const { store, log } = await signedInStore();
    const opened = browserRuns(log);
    const run = bridge(store, log);
    run.send(initialize(0));
    run.send(callTool(1, 'write'));
    expect((await answer(run, 1)).result.content[0].text).toBe('write: test-user');
    run.end();
    await exitOf(run);
    expect(browserRuns(log)).toBe(opened + 1);
    expect(String(storedRecord(store).requestedScope).split(' ').sort()).toEqual(['mcp:read', 'mcp:write', 'offline_access']);
  });

  test('--oauth-logout removes the stored tokens; the next run signs in again', async () => {
    const { store, log } = await signedInStore();
    const opened = browserRuns(log);
    const revocations = (await servers.stats()).revocations;
    const out = h.cli(['--url', servers.mcpUrl, '--oauth-store', store, '--oauth-logout']);
    expect((await exitOf(out)).code).toBe(0);
    // The refresh token was revoked at the authorization server (RFC 7009), not just forgotten.
    expect((await servers.stats()).revocations).toBe(revocations + 1);
    expect(out.lines.filter((l) => l !== '')).toEqual([]);
    expect(out.stderr()).toContain(`signed out of ${servers.mcpUrl}`);
    expect(readdirSync(join(store, 'servers')).filter((f) => f.endsWith('.json'))).toEqual([]);
    const run = bridge(store, log);
    run.send(initialize(0));
    expect((await answer(run, 0)).result).toBeDefined();
    run.end();
    await exitOf(run);
    expect(browserRuns(log)).toBe(opened + 1);
  });
});

describe('other grants', () => {
  test('device code: the verification URL and code on stderr, approved elsewhere, no browser here', async () => {
    const store = tempDir('oauth-store-', cleanups);
    const log = join(store, 'browser.log');
    const run = bridge(store, log, ['--device-code']);
    run.send(initialize(0));
    await waitFor(() => /open (\S+) and enter the code/.test(run.stderr()), `the device code on stderr:\n${run.stderr()}`);
    const url = /open (\S+) and enter the code/.exec(run.stderr())![1]!;
    // The user, on another device: open the URL, confirm.
    const { spawnSync } = await import('node:child_process');
    const approve = spawnSync(process.execPath, [join(FIXTURES, 'follow-browser.mjs'), url], { encoding: 'utf8', timeout: 20_000 });
    expect(approve.status).toBe(0);
    expect((await answer(run, 0, 40_000)).result).toBeDefined();
    run.end();
    await exitOf(run);
    expect(browserRuns(log)).toBe(0);
    expect((await servers.stats())['urn:ietf:params:oauth:grant-type:device_code']).toBeGreaterThanOrEqual(1);
  });

  test('client credentials with client_secret_basic', async () => {
    const store = tempDir('oauth-store-', cleanups);
    const run = bridge(store, join(store, 'browser.log'), ['--client-credentials', '--static-oauth-client-info', JSON.stringify({ client_id: 'm2m-secret', client_secret: 'm2m-secret-value-0123456789' })]);
    run.send(initialize(0));
    run.send(callTool(1, 'echo'));
    expect((await answer(run, 1)).result.content[0].text).toBe('echo: m2m-secret');
    run.end();
    await exitOf(run);
    expect(run.stderr()).not.toContain('m2m-secret-value-0123456789');
  });

  test('client credentials with private_key_jwt (--oauth-private-key)', async () => {
    const store = tempDir('oauth-store-', cleanups);
    const pem = join(store, 'key.pem');
    writeFileSync(pem, servers.privateKeyPem, { mode: 0o600 });
    const run = bridge(store, join(store, 'browser.log'), ['--client-credentials', '--static-oauth-client-info', '{"client_id":"m2m-jwt"}', '--oauth-private-key', pem]);
    run.send(initialize(0));
    run.send(callTool(1, 'echo'));
    expect((await answer(run, 1)).result.content[0].text).toBe('echo: m2m-jwt');
    run.end();
    await exitOf(run);
  });
});

describe('secrets', () => {
  test('no token, code or secret issued by the servers appears in any log line at debug level', async () => {
    const { store, log } = await signedInStore();
    // Refresh, a revoked refresh token and a new sign-in, step-up, client credentials: every
    // kind of secret passes through the bridge while it logs at debug level.
    await servers.expire();
    const run = bridge(store, log);
    run.send(initialize(0));
    await answer(run, 0);
    run.send(callTool(1, 'write'));
    await answer(run, 1);
    run.end();
    await exitOf(run);
    const m2m = bridge(tempDir('oauth-store-', cleanups), log, ['--client-credentials', '--static-oauth-client-info', JSON.stringify({ client_id: 'm2m-secret', client_secret: 'm2m-secret-value-0123456789' })]);
    m2m.send(initialize(0));
    await answer(m2m, 0);
    m2m.end();
    await exitOf(m2m);
    const record = storedRecord(store);
    const issued = [...(await servers.issued()), String(record.refreshToken), String(record.accessToken), 'm2m-secret-value-0123456789'];
    // The recording works: the stored refresh token is among the issued values.
    expect(await servers.issued()).toContain(String(record.refreshToken));
    const logs = run.stderr() + m2m.stderr();
    expect(logs).toMatch(/DEBUG/);
    for (const secret of issued) expect(logs).not.toContain(secret);
  });
});

describe('DPoP (RFC 9449)', () => {
  test('--dpop: tokens bound to a key; the server nonce is learned without a second answer; a restart and a refresh keep the key; the token alone is useless', async () => {
    const store = tempDir('oauth-store-', cleanups);
    const log = join(store, 'browser.log');
    const before = await servers.stats();
    const run = bridge(store, log, ['--dpop']);
    await initializeAndEcho(run);
    // The authorization request bound the code to the key (dpop_jkt).
    expect(run.stderr()).toMatch(/dpop_jkt=[\w-]{43}/);
    const record = storedRecord(store) as { tokenType: string; accessToken: string; dpopKey: Record<string, string> };
    expect(record.tokenType.toLowerCase()).toBe('dpop');
    expect(Object.keys(record.dpopKey).sort()).toEqual(['crv', 'd', 'kty', 'x', 'y']);
    const mid = await servers.stats();
    expect(mid.dpopRequests - before.dpopRequests).toBeGreaterThanOrEqual(3);
    expect(mid.dpopNonceChallenges - before.dpopNonceChallenges).toBe(1);

    // Copied out of the store, the token is refused as a Bearer token.
    const stolen = await fetch(servers.mcpUrl, { method: 'POST', headers: { Authorization: `Bearer ${record.accessToken}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: JSON.stringify(initialize(9)) });
    expect(stolen.status).toBe(401);
    expect((await servers.stats()).bearerWithBoundToken - mid.bearerWithBoundToken).toBe(1);

    // A restart without --dpop uses the stored key; an expired token is refreshed with a proof.
    await servers.expire();
    const again = bridge(store, log);
    again.send(initialize(0));
    again.send(callTool(1, 'echo'));
    expect((await answer(again, 0)).result).toBeDefined();
    expect((await answer(again, 1)).result.content[0].text).toBe('echo: test-user');
    again.end();
    expect((await exitOf(again)).code).toBe(0);
    expect(again.messages().map((m) => m.id)).toEqual([0, 1]);
    expect(browserRuns(log)).toBe(1);
    const after = await servers.stats();
    expect(after.refresh_token - mid.refresh_token).toBe(1);
    expect((storedRecord(store) as { dpopKey: Record<string, string> }).dpopKey.d).toBe(record.dpopKey.d);
    // The private key is a secret like the tokens: never in a log line.
    for (const out of [run.stderr(), again.stderr()]) expect(out).not.toContain(record.dpopKey.d);
  });
});
