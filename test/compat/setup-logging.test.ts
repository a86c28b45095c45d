/**
 * Reference: test_setup_logging_on_and_off, test_setup_logging_none_disables, and the module
 * contract "all JSON-RPC traffic on stdout, all logs on stderr".
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLogLevel } from '../../src/log/logger';
import { json } from '../helpers/http-server';
import { bridge, note, ok, ping, raw } from './support';

const LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z mcp-rx-bridge\[\d+\] (ERROR|WARN|INFO|DEBUG) /;

describe('setup_logging', () => {
  test('setup_logging: a level name enables logging at that level (case-insensitive)', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel('debug')).toBe('debug');
    expect(parseLogLevel('INFO')).toBe('info');
    expect(parseLogLevel('Warning')).toBe('warn');
    expect(parseLogLevel('WARN')).toBe('warn');
    expect(parseLogLevel('ERROR')).toBe('error');
    expect(parseLogLevel('CRITICAL')).toBe('error');
    expect(parseLogLevel('trace')).toBe('debug');
    expect(parseLogLevel(' info ')).toBe('info');
  });

  test('setup_logging: OFF / NONE / DISABLE / FALSE / 0 / empty disable logging', () => {
    for (const word of ['OFF', 'off', 'NONE', 'none', 'DISABLE', 'disable', 'FALSE', 'false', '0', '', '  ']) {
      expect([word, parseLogLevel(word)]).toEqual([word, 'off']);
    }
  });

  test('setup_logging: an unknown level is rejected (difference: reference falls back to INFO)', async () => {
    expect(parseLogLevel('verbose')).toBeUndefined();
    const out = await bridge(() => undefined, [], { env: { MCP_WRAPPER_LOG_LEVEL: 'verbose' } });
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('mcp-rx-bridge: --log-level must be one of off, error, warn, info, debug; got "verbose"\n');
    expect(out.requests).toEqual([]);
  });

  test('setup_logging: MCP_WRAPPER_LOG_LEVEL=OFF leaves stderr empty even when a request fails (CLI)', async () => {
    const out = await bridge((_req, res) => json(res, '', 500), [ping(1)], { env: { MCP_WRAPPER_LOG_LEVEL: 'OFF' } });
    expect(out.stderr).toBe('');
    expect(out.messages).toEqual([{ jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'HTTP 500 Internal Server Error', data: { status: 500, body: '' } } }]);
    expect(out.code).toBe(0);
  });

  test('setup_logging: an empty MCP_WRAPPER_LOG_LEVEL disables logging too (CLI)', async () => {
    const out = await bridge((_req, res) => json(res, '', 500), [ping(1)], { env: { MCP_WRAPPER_LOG_LEVEL: '' } });
    expect(out.stderr).toBe('');
    expect(out.lines).toHaveLength(1);
  });

  test('setup_logging: --log-file / MCP_LOG_FILE (Rust) sends the log lines to a file, none to stderr (CLI)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compat-log-'));
    try {
      const file = join(dir, 'wrapper.log');
      const out = await bridge((req, res) => json(res, ok(req.json.id)), [ping(1)], { env: { LOG_LEVEL: 'debug', MCP_LOG_FILE: file } });
      expect(out.stderr).toBe('');
      const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
      for (const line of lines) expect(line).toMatch(LOG_LINE);
      expect(lines.some((l) => l.includes(` DEBUG POST ${out.server.url} `))).toBe(true);
      expect(out.messages).toEqual([ok(1)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('setup_logging: the same failure is logged on stderr at the default level (control for the OFF test)', async () => {
    const out = await bridge((_req, res) => json(res, '', 500), [ping(1)]);
    const lines = out.stderr.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(LOG_LINE);
    expect(lines.some((l) => l.includes(' WARN ping (id 1) failed: HTTP 500 Internal Server Error'))).toBe(true);
  });

  test('setup_logging: LOG_LEVEL=debug writes debug lines on stderr (CLI)', async () => {
    const out = await bridge((req, res) => json(res, ok(req.json.id)), [ping(1)], { env: { LOG_LEVEL: 'debug' } });
    const lines = out.stderr.split('\n').filter((l) => l !== '');
    for (const line of lines) expect(line).toMatch(LOG_LINE);
    const debug = lines.filter((l) => / DEBUG /.test(l));
    expect(debug.some((l) => l.includes(` DEBUG POST ${out.server.url} {"bytes":${JSON.stringify(ping(1)).length}}`))).toBe(true);
    expect(debug.some((l) => l.includes(' DEBUG HTTP 200 application/json {"method":"POST"}'))).toBe(true);
    expect(out.messages).toEqual([ok(1)]);
  });

  test('setup_logging: MCP_WRAPPER_LOG_LEVEL wins over LOG_LEVEL', async () => {
    const out = await bridge((req, res) => json(res, ok(req.json.id)), [ping(1)], { env: { MCP_WRAPPER_LOG_LEVEL: 'off', LOG_LEVEL: 'debug' } });
    expect(out.stderr).toBe('');
    expect(out.messages).toEqual([ok(1)]);
  });

  test('setup_logging: logs only on stderr: at debug level every stdout line is a JSON-RPC message', async () => {
    const out = await bridge(
      (req, res) => raw(res, 'application/x-ndjson', JSON.stringify(note('n1')) + '\n', JSON.stringify(ok(req.json.id, { v: req.json.id })) + '\n'),
      [ping(1), ping(2), '{bad\n'],
      { env: { LOG_LEVEL: 'debug' } },
    );
    expect(out.stderr).not.toBe('');
    for (const line of out.lines) {
      const m = JSON.parse(line) as Record<string, unknown>;
      expect(m.jsonrpc).toBe('2.0');
    }
    expect(out.lines).toHaveLength(5);
    expect(out.messages.filter((m) => 'result' in m).sort((a, b) => (a.id as number) - (b.id as number))).toEqual([ok(1, { v: 1 }), ok(2, { v: 2 })]);
    expect(out.messages.filter((m) => 'method' in m)).toEqual([note('n1'), note('n1')]);
    expect(out.messages.filter((m) => 'error' in m).map((m) => (m.error as { code: number }).code)).toEqual([-32700]);
  });
});
