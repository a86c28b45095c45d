import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * `npm run demo`: spawns the real CLI with `--demo` (it starts the built-in MCP server on
 * loopback) and pipes a scripted host session through it: initialize, initialized, tools/list,
 * a streaming tool call with progress, an echo, a malformed line. Prints each line both ways.
 */
const SCRIPT: unknown[] = [
  { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'demo-host', version: '1.0.0' } } },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 2, method: 'tools/list' },
  { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'countdown', arguments: { n: 3, delayMs: 300 }, _meta: { progressToken: 'demo-1' } } },
  { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'echo', arguments: { text: 'héllo wörld 🌍' } } },
  'this line is not JSON',
];

function main(): void {
  const cli = join(__dirname, '..', 'cli.js');
  const child = spawn(process.execPath, [cli, '--demo', '--log-level', 'info'], { stdio: ['pipe', 'pipe', 'inherit'] });
  createInterface({ input: child.stdout }).on('line', (line) => console.log(`← ${line}`));
  for (const message of SCRIPT) {
    const line = typeof message === 'string' ? message : JSON.stringify(message);
    console.log(`→ ${line}`);
    child.stdin.write(line + '\n');
  }
  child.stdin.end();
  child.on('exit', (code) => {
    console.log(`bridge exited with status ${code}`);
    process.exitCode = code ?? 1;
  });
}

main();
