/**
 * scanJsonRpc: the extracted members, exact values, and the errors (byte offsets and messages).
 * The differential property tests against JSON.parse are in json-scanner.property.test.ts.
 */
import { JsonRpcScanner, scanJsonRpc } from '../../operators/json-scanner';
import type { JsonScanResult } from '../../operators/json-scan-result';
import { cutAt, oneByteChunks } from './support';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const scan = (text: string, maxCaptureBytes?: number): JsonScanResult => scanJsonRpc(utf8(text), { maxCaptureBytes });

describe('scanJsonRpc: extraction', () => {
  it('reads a request: jsonrpc, id, method, params and the MCP params members', () => {
    const text =
      '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"search","arguments":{"name":"inner","uri":"x"},' +
      '"_meta":{"progressToken":1,"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}';
    expect(scan(text)).toEqual({
      ok: true,
      top: 'object',
      bytes: text.length,
      jsonrpc: { kind: 'string', text: '"2.0"', value: '2.0' },
      id: { kind: 'number', text: '7', value: 7 },
      method: { kind: 'string', text: '"tools/call"', value: 'tools/call' },
      params: { kind: 'object' },
      paramsName: 'search',
      protocolVersion: '2026-07-28',
      duplicateKeys: [],
    });
  });

  it('keeps ids as written: big integers, 1e400, -0, escaped strings', () => {
    expect(scan('{"id":18446744073709551616}')).toMatchObject({ id: { kind: 'number', text: '18446744073709551616', value: 18446744073709551616 } });
    expect(scan('{"id":1e400}')).toMatchObject({ id: { kind: 'number', text: '1e400', value: Infinity } });
    expect(scan('{"id":-0}')).toMatchObject({ id: { kind: 'number', text: '-0', value: -0 } });
    expect(scan('{"id":1E+2}')).toMatchObject({ id: { kind: 'number', text: '1E+2', value: 100 } });
    expect(scan('{"id":"a\\u0062"}')).toMatchObject({ id: { kind: 'string', text: '"a\\u0062"', value: 'ab' } });
    expect(scan('{"id":"\\ud800é😀"}')).toMatchObject({ id: { kind: 'string', text: '"\\ud800é😀"', value: '\ud800é😀' } });
    expect(scan('{"id":null}')).toMatchObject({ id: { kind: 'null', text: 'null', value: null } });
    expect(scan('{"id":true}')).toMatchObject({ id: { kind: 'boolean', text: 'true', value: true } });
    expect(scan('{"id":{"a":1}}')).toMatchObject({ id: { kind: 'object' } });
    expect(scan('{"id":[1]}')).toMatchObject({ id: { kind: 'array' } });
  });

  it('compares keys decoded: "\\u0069d" is id', () => {
    expect(scan('{"\\u0069d":3,"m\\u0065thod":"x"}')).toMatchObject({ id: { text: '3', value: 3 }, method: { value: 'x' } });
  });

  it('reads responses: result or error, and error.code', () => {
    expect(scan('{"jsonrpc":"2.0","id":"r","result":"a huge string, never captured"}')).toEqual({
      ok: true,
      top: 'object',
      bytes: 67,
      jsonrpc: { kind: 'string', text: '"2.0"', value: '2.0' },
      id: { kind: 'string', text: '"r"', value: 'r' },
      result: { kind: 'string' },
      duplicateKeys: [],
    });
    expect(scan('{"jsonrpc":"2.0","id":1,"error":{"message":"m","code":-32601,"data":{"code":5}}}')).toMatchObject({
      error: { kind: 'object' },
      errorCode: -32601,
    });
    expect(scan('{"error":{"code":"x"}}')).not.toHaveProperty('errorCode');
  });

  it('reports the type of params (JSON-RPC wants structured params)', () => {
    expect(scan('{"params":5}')).toMatchObject({ params: { kind: 'number' } });
    expect(scan('{"params":[1,{"name":"x"}]}')).toMatchObject({ params: { kind: 'array' } });
    expect(scan('{"params":[1,{"name":"x"}]}')).not.toHaveProperty('paramsName');
    expect(scan('{"params":{"uri":"file:///a%20b","name":7}}')).toEqual(expect.objectContaining({ paramsUri: 'file:///a%20b' }));
    expect(scan('{"params":{"name":7}}')).not.toHaveProperty('paramsName');
  });

  it('reads members at exactly their paths', () => {
    const nested = '{"result":{"id":9,"method":"no","params":{"name":"no"}},"x":{"params":{"name":"no"}},"params":{"a":{"name":"no","_meta":{"io.modelcontextprotocol/protocolVersion":"no"}}}}';
    const found = scan(nested);
    expect(found).toEqual({ ok: true, top: 'object', bytes: nested.length, result: { kind: 'object' }, params: { kind: 'object' }, duplicateKeys: [] });
  });

  it('reports duplicate top-level keys, and the last occurrence as JSON.parse keeps it', () => {
    expect(scan('{"id":999,"id":2,"method":"a","\\u0069d":3,"x":1,"x":2,"method":"b"}')).toMatchObject({
      id: { text: '3', value: 3 },
      method: { value: 'b' },
      duplicateKeys: ['id', 'x', 'method'],
    });
    // A later params replaces everything read inside the earlier one.
    const replaced = scan('{"params":{"name":"a","_meta":{"io.modelcontextprotocol/protocolVersion":"v"}},"params":5}');
    expect(replaced).toMatchObject({ params: { kind: 'number' }, duplicateKeys: ['params'] });
    expect(replaced).not.toHaveProperty('paramsName');
    expect(replaced).not.toHaveProperty('protocolVersion');
    // Nested duplicates are not reported; the last one wins.
    expect(scan('{"params":{"name":"a","name":"b"}}')).toMatchObject({ paramsName: 'b', duplicateKeys: [] });
  });

  it('reports a batch as an array, without members', () => {
    expect(scan(' [{"id":1,"method":"a"}] ')).toEqual({ ok: true, top: 'array', bytes: 25, duplicateKeys: [] });
    expect(scan('"x"')).toEqual({ ok: true, top: 'string', bytes: 3, duplicateKeys: [] });
    expect(scan('-1.5e3')).toEqual({ ok: true, top: 'number', bytes: 6, duplicateKeys: [] });
  });

  it('does not capture members longer than maxCaptureBytes', () => {
    const long = 'x'.repeat(100);
    expect(scan(`{"id":"${long}","method":"m"}`, 50)).toEqual(expect.objectContaining({ id: { kind: 'string' }, method: { kind: 'string', text: '"m"', value: 'm' } }));
    expect(scan(`{"${long}":1,"${long}":2}`, 50)).toMatchObject({ duplicateKeys: [] });
    expect(scan(`{"${long}":1,"${long}":2}`, 500)).toMatchObject({ duplicateKeys: [long] });
  });

  it('gives the same result however the bytes are cut', () => {
    const text = '{"jsonrpc":"2.0","id":"\\u00e9é😀","method":"tools/call","params":{"name":"n\\n","_meta":{"io.modelcontextprotocol/protocolVersion":"v"}},"id":12.5e-1}';
    const bytes = utf8(text);
    const whole = scanJsonRpc(bytes);
    expect(whole).toMatchObject({ ok: true, id: { text: '12.5e-1', value: 1.25 }, duplicateKeys: ['id'] });
    expect(scanJsonRpc(oneByteChunks(bytes))).toEqual(whole);
    for (let at = 1; at < bytes.length; at++) expect(scanJsonRpc(cutAt(bytes, [at]))).toEqual(whole);
  });

  it('lets the chunks be reused after feed (captured pieces are copied)', () => {
    const bytes = utf8('{"method":"abcdef"}');
    const scanner = new JsonRpcScanner();
    const buffer = new Uint8Array(4);
    for (let at = 0; at < bytes.length; at += 4) {
      const piece = bytes.subarray(at, at + 4);
      buffer.set(piece);
      scanner.feed(buffer.subarray(0, piece.length));
      buffer.fill(0x41);
    }
    expect(scanner.end()).toMatchObject({ method: { value: 'abcdef' } });
  });
});

describe('scanJsonRpc: errors', () => {
  const cases: Array<[string, number, string]> = [
    ['', 0, 'Unexpected end of JSON input'],
    ['{"a":}', 5, "Unexpected token '}' in JSON at position 5"],
    ['{"a":1,}', 7, 'Expected double-quoted property name in JSON at position 7'],
    ['[1,]', 3, "Unexpected token ']' in JSON at position 3"],
    ['01', 1, 'Unexpected non-whitespace character after JSON at position 1'],
    ['[01]', 2, "Expected ',' or ']' after array element in JSON at position 2"],
    ['1.', 2, 'Unterminated fractional number in JSON at position 2'],
    ['.5', 0, "Unexpected token '.' in JSON at position 0"],
    ['-', 1, 'No number after minus sign in JSON at position 1'],
    ['1e', 2, 'Exponent part is missing a number in JSON at position 2'],
    ['1e+x', 3, 'Exponent part is missing a number in JSON at position 3'],
    ['"\\x"', 2, 'Bad escaped character in JSON at position 2'],
    ['"\\u12g4"', 5, 'Bad Unicode escape in JSON at position 5'],
    ['"a\u0001"', 2, 'Bad control character in string literal in JSON at position 2'],
    ['{"a" 1}', 5, "Expected ':' after property name in JSON at position 5"],
    ['{1:2}', 1, "Expected property name or '}' in JSON at position 1"],
    ['{"a":1 "b"}', 7, "Expected ',' or '}' after property value in JSON at position 7"],
    ['1 2', 2, 'Unexpected non-whitespace character after JSON at position 2'],
    ['"abc', 4, 'Unterminated string in JSON at position 4'],
    ['tru', 3, 'Unexpected end of JSON input'],
    ['trUe', 2, "Unexpected token 'U' in JSON at position 2"],
    ['\uFEFF1', 0, 'Unexpected byte 0xEF in JSON at position 0'],
    ['\u00a01', 0, 'Unexpected byte 0xC2 in JSON at position 0'],
    ['[1]\f', 3, 'Unexpected non-whitespace character after JSON at position 3'],
  ];
  it.each(cases)('%j: at %d, %s', (text, offset, message) => {
    expect(scan(text)).toEqual({ ok: false, offset, message });
  });

  const invalidUtf8: Array<[string, number[], number, string]> = [
    ['a lone continuation byte', [0x22, 0x80, 0x22], 1, 'Invalid UTF-8 start byte 0x80 in JSON at position 1'],
    ['an overlong 2-byte form (C0 AF)', [0x22, 0xc0, 0xaf, 0x22], 1, 'Invalid UTF-8 start byte 0xC0 in JSON at position 1'],
    ['an overlong 3-byte form (E0 80 AF)', [0x22, 0xe0, 0x80, 0xaf, 0x22], 2, 'Invalid UTF-8 continuation byte 0x80 in JSON at position 2'],
    ['an overlong 4-byte form (F0 80 80 AF)', [0x22, 0xf0, 0x80, 0x80, 0xaf, 0x22], 2, 'Invalid UTF-8 continuation byte 0x80 in JSON at position 2'],
    ['a UTF-8 encoded surrogate (ED A0 80)', [0x22, 0xed, 0xa0, 0x80, 0x22], 2, 'Invalid UTF-8 continuation byte 0xA0 in JSON at position 2'],
    ['above U+10FFFF (F4 90 80 80)', [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], 2, 'Invalid UTF-8 continuation byte 0x90 in JSON at position 2'],
    ['F5', [0x22, 0xf5, 0x80, 0x80, 0x80, 0x22], 1, 'Invalid UTF-8 start byte 0xF5 in JSON at position 1'],
    ['a truncated sequence (E4 B8 ")', [0x22, 0xe4, 0xb8, 0x22], 3, 'Invalid UTF-8 continuation byte 0x22 in JSON at position 3'],
    ['a sequence cut by the end', [0x22, 0xe4, 0xb8], 3, 'Unterminated string in JSON at position 3'],
    ['0xFF', [0x22, 0xff, 0x22], 1, 'Invalid UTF-8 start byte 0xFF in JSON at position 1'],
  ];
  it.each(invalidUtf8)('rejects %s', (_name, bytes, offset, message) => {
    const data = Uint8Array.from(bytes);
    expect(scanJsonRpc(data)).toEqual({ ok: false, offset, message });
    expect(scanJsonRpc(oneByteChunks(data))).toEqual({ ok: false, offset, message });
  });

  it('accepts what JSON.parse accepts at the edges', () => {
    for (const text of ['"\\ud800"', '"\\udc00\\ud800"', '"\\u0000"', '-0', '1E+2', '1e-0', '0.0e0', ' \t\r\n[ ]\n', '{}', '""', '"\u007f"', '"\u{10ffff}"']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(scan(text)).toMatchObject({ ok: true });
    }
  });

  it('supports deep nesting without recursion (100,000 levels)', () => {
    const depth = 100_000;
    const text = '['.repeat(depth) + '{"a":' + '{"b":'.repeat(depth) + '1' + '}'.repeat(depth + 1) + ']'.repeat(depth);
    expect(scan(text)).toMatchObject({ ok: true, top: 'array' });
    expect(scan(text.slice(0, -1))).toMatchObject({ ok: false, message: 'Unexpected end of JSON input' });
  });

  it('ignores chunks fed after a failure', () => {
    const scanner = new JsonRpcScanner();
    scanner.feed(utf8('{]'));
    scanner.feed(utf8('}'));
    expect(scanner.end()).toEqual({ ok: false, offset: 1, message: "Expected property name or '}' in JSON at position 1" });
  });
});
