/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.16), every client
 * scenario, with the bridge as the client's transport: fixtures/conformance-client.mjs is an MCP
 * SDK client that talks stdio to dist/src/cli.js and passes the OAuth flags a user would. The
 * suite's CLI needs fs.globSync (Node 22+): fixtures/globsync-preload.mjs supplies it on Node 20.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES, tempDir } from './oauth-kit';

jest.setTimeout(300_000);

const SUITE = join(__dirname, '..', '..', 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');

const SCENARIOS = [
  'initialize',
  'tools_call',
  'elicitation-sep1034-client-defaults',
  'sse-retry',
  'auth/metadata-default',
  'auth/metadata-var1',
  'auth/metadata-var2',
  'auth/metadata-var3',
  'auth/basic-cimd',
  'auth/scope-from-www-authenticate',
  'auth/scope-from-scopes-supported',
  'auth/scope-omitted-when-undefined',
  'auth/scope-step-up',
  'auth/scope-retry-limit',
  'auth/token-endpoint-auth-basic',
  'auth/token-endpoint-auth-post',
  'auth/token-endpoint-auth-none',
  'auth/pre-registration',
  'auth/2025-03-26-oauth-metadata-backcompat',
  'auth/2025-03-26-oauth-endpoint-fallback',
  'auth/resource-mismatch',
  'auth/offline-access-scope',
  'auth/offline-access-not-supported',
  'auth/client-credentials-jwt',
  'auth/client-credentials-basic',
  'auth/cross-app-access-complete-flow',
];

const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((c) => c()));

function runScenario(scenario: string, cwd: string): Promise<{ passed: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', join(FIXTURES, 'globsync-preload.mjs'), SUITE, 'client', '--command', `${process.execPath} ${join(FIXTURES, 'conformance-client.mjs')}`, '--scenario', scenario, '--timeout', '60000'],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve({ passed: /OVERALL: PASSED/.test(output), output });
    });
  });
}

test('every client scenario of the conformance suite passes through the CLI', async () => {
  const cwd = tempDir('conformance-', cleanups);
  const results = new Map<string, { passed: boolean; output: string }>();
  // The timing-sensitive SSE scenario runs alone; the others three at a time.
  results.set('sse-retry', await runScenario('sse-retry', cwd));
  const queue = SCENARIOS.filter((s) => s !== 'sse-retry');
  await Promise.all(
    [0, 1, 2].map(async () => {
      for (let s = queue.shift(); s !== undefined; s = queue.shift()) results.set(s, await runScenario(s, cwd));
    }),
  );
  const passed = SCENARIOS.filter((s) => results.get(s)!.passed);
  process.stderr.write(`conformance: ${passed.length}/${SCENARIOS.length} client scenarios pass through the bridge\n`);
  const failed = SCENARIOS.filter((s) => !results.get(s)!.passed);
  for (const s of failed) process.stderr.write(`--- ${s} ---\n${results.get(s)!.output.slice(-4000)}\n`);
  expect(failed).toEqual([]);
});
