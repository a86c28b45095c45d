/**
 * The browser step in a real browser: BROWSER runs fixtures/chromium-browser.mjs, which opens the
 * authorization URL in headless Chromium (Debian's, through playwright-core, as in
 * test/browser/); oidc-provider's redirects lead it to the bridge's loopback callback.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitOf, useHarness, waitFor } from '../helpers/cli-kit';
import { callTool, FIXTURES, initialize, startOAuthServers, tempDir, type OAuthServers } from './oauth-kit';

jest.setTimeout(90_000);
const CHROMIUM = '/usr/bin/chromium';
const h = useHarness();
const cleanups: Array<() => void> = [];
let servers: OAuthServers;

beforeAll(async () => {
  servers = await startOAuthServers();
});
afterAll(async () => {
  await servers?.stop();
  cleanups.forEach((c) => c());
});

(existsSync(CHROMIUM) ? test : test.skip)('sign-in completed by headless Chromium through BROWSER', async () => {
  const store = tempDir('oauth-chromium-', cleanups);
  const log = join(store, 'browser.log');
  const run = h.cli(['--url', servers.mcpUrl, '--oauth-store', store, '--auth-timeout', '60', '--log-level', 'info'], {
    BROWSER: `${process.execPath} ${join(FIXTURES, 'chromium-browser.mjs')}`,
    BROWSER_LOG: log,
    CHROMIUM,
  });
  run.send(initialize(0));
  run.send(callTool(1, 'echo'));
  await waitFor(() => run.messages().some((m) => m.id === 1), `the answer; stderr:\n${run.stderr()}`, 60_000);
  expect(run.messages().find((m) => m.id === 1)!.result).toEqual({ content: [{ type: 'text', text: 'echo: test-user' }] });
  run.end();
  expect((await exitOf(run)).code).toBe(0);
  // The browser process logs the page it landed on on its own schedule: wait for the line.
  const landed = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  await waitFor(() => /landed: /.test(landed()), `the browser's landing page; log:\n${landed()}`, 30_000);
  expect(landed()).toMatch(/landed: .*Signed in to the MCP server/);
});
