/**
 * --auth-command: the token comes from a command, run before the first request and again when
 * the server answers 401 (the request is then sent again once, so the host sees one answer).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitOf, reply, useHarness, waitFor } from '../helpers/cli-kit';
import { callTool, initialize, tempDir } from './oauth-kit';

const h = useHarness();
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((c) => c()));

test('the command runs once at start and once more after a 401; every request gets one answer', async () => {
  const dir = tempDir('auth-command-', cleanups);
  const tokenFile = join(dir, 'token');
  const runs = join(dir, 'runs');
  writeFileSync(tokenFile, 'token-one-aaaaaaaa');
  writeFileSync(runs, '');
  let accepted = 'token-one-aaaaaaaa';
  const seen: string[] = [];
  const server = await h.mcpServer((r, res) => {
    const auth = String(r.headers.authorization ?? '');
    seen.push(auth);
    if (auth !== `Bearer ${accepted}`) return reply(res, 401, 'application/json', '{"error":"invalid_token"}');
    const msg = r.json as { id: number; method: string };
    const result = msg.method === 'initialize' ? { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } : { content: [] };
    reply(res, 200, 'application/json', JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }));
  });
  // The "company CLI": prints the current token, records each run.
  const command = `${process.execPath} -e "require('fs').appendFileSync('${runs}','run\\\\n'); process.stdout.write(require('fs').readFileSync('${tokenFile}','utf8'))"`;
  const run = h.cli(['--url', server.url, '--auth-command', command, '--log-level', 'debug']);
  run.send(initialize(0));
  await waitFor(() => run.messages().some((m) => m.id === 0), 'initialize answered');
  // The token is rotated: the old one is refused from now on.
  accepted = 'token-two-bbbbbbbb';
  writeFileSync(tokenFile, accepted);
  run.send(callTool(1, 'x'));
  await waitFor(() => run.messages().some((m) => m.id === 1), `tools/call answered; stderr:\n${run.stderr()}`);
  run.end();
  await exitOf(run);
  expect(run.messages().map((m) => [m.id, 'result' in m])).toEqual([
    [0, true],
    [1, true],
  ]);
  expect(readFileSync(runs, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  expect(seen.filter((a) => a === 'Bearer token-one-aaaaaaaa').length).toBeGreaterThanOrEqual(2);
  expect(seen).toContain('Bearer token-two-bbbbbbbb');
  // The tokens never reach the logs.
  expect(run.stderr()).not.toContain('token-one-aaaaaaaa');
  expect(run.stderr()).not.toContain('token-two-bbbbbbbb');
  appendFileSync(runs, '');
  if (process.env.SHOW_STDERR) process.stderr.write(run.stderr());
});

test('--auth-command and --auth together are refused (exit 2)', async () => {
  const run = h.cli(['--url', 'http://127.0.0.1:9/mcp', '--auth', 'Bearer x', '--auth-command', 'echo y']);
  expect((await exitOf(run)).code).toBe(2);
  expect(run.stderr()).toMatch(/--auth-command and --auth/);
});
