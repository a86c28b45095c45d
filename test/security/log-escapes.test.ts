/**
 * Terminal escapes in logs (#18 item 3): text from the server (an invalid JSON body quoted in a
 * parse error, a status text, the GET stream) reaches the log; no control character may reach
 * stderr raw, in either format, at any level. Escaped as \uXXXX, a json line still parses back to
 * the original text.
 */
import { Logger } from '../../src/log/logger';
import { startServer } from '../helpers/http-server';
import { useCleanup, within } from '../helpers/chaos-kit';

/** Every character the logger must escape (the line's own LF excepted). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = 'clear\x1b[2J title\x1b]0;pwned\x07 csi\x9b31m del\x7f nul\x00 tab\t ls\u2028 bidi\u202e!';

function capture(format: 'text' | 'json', secrets: string[] = []) {
  const lines: string[] = [];
  const logger = new Logger({ level: 'debug', format, secrets, sink: (l) => lines.push(l) });
  return { logger, lines };
}

describe('the logger escapes control characters', () => {
  test('text format: in the message and in fields', () => {
    const { logger, lines } = capture('text');
    logger.warn(`invalid JSON: ${HOSTILE}`, { statusText: HOSTILE });
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(RAW_CONTROL);
    expect(line).toContain('clear\\u001b[2J title\\u001b]0;pwned\\u0007 csi\\u009b31m del\\u007f nul\\u0000 tab\\u0009 ls\\u2028 bidi\\u202e!');
  });

  test('json format: DEL, C1 and U+2028 too (JSON.stringify leaves them raw); the line parses back to the original', () => {
    const { logger, lines } = capture('json');
    logger.error(HOSTILE, { body: HOSTILE });
    const line = lines[0]!;
    expect(line.slice(0, -1)).not.toMatch(RAW_CONTROL);
    const parsed = JSON.parse(line) as { msg: string; body: string };
    expect(parsed.body).toBe(HOSTILE);
    expect(parsed.msg).toBe(HOSTILE);
  });

  test('redaction still sees the secret as given', () => {
    const { logger, lines } = capture('text', ['Bearer tok\u009bEN-123456']);
    logger.info('echo: Bearer tok\u009bEN-123456');
    expect(lines[0]).toContain('echo: ***');
    expect(lines[0]).not.toContain('EN-123456');
  });
});

describe('the CLI', () => {
  const h = useCleanup();

  test('an invalid JSON body full of escapes, at the default level: stderr has none raw', async () => {
    const server = await startServer((r, res) => {
      const body = `{"jsonrpc":"2.0","id":${JSON.stringify(r.json?.id ?? null)},"result": ${HOSTILE}`;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
    h.defer(() => server.close());
    const bridge = h.bridge(['--url', server.url, '--transport', 'streamable-http', '--retries', '1']);
    await bridge.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } });
    bridge.end();
    expect(await within(bridge.finished, 30_000, 'bridge exit')).toEqual({ code: 0, signal: null });
    expect(bridge.lines).toHaveLength(1);
    expect(bridge.stderr()).toContain('clear\\u001b[2J');
    expect(bridge.stderr().replace(/\n/g, '')).not.toMatch(RAW_CONTROL);
  });
});
