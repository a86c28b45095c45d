import { scanJsonRpcMessages } from '../operators/scan-json-rpc-messages';
import { newScheduler, utf8 } from './helpers';

describe('scanJsonRpcMessages (marbles)', () => {
  it('scans each message, whole or in segments, keeping its bytes; invalid ones are values, not errors', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const request = utf8('{"jsonrpc":"2.0","id":18446744073709551616,"method":"tools/call","params":{"name":"search"}}');
      const response = [utf8('{"jsonrpc":"2.0","id":"a\\u0062","res'), utf8('ult":{"text":"é'), Uint8Array.of(0xf0, 0x9f), Uint8Array.of(0x98, 0x80), utf8('"}}')];
      const invalid = Uint8Array.of(0x22, 0xc0, 0xaf, 0x22);
      const source = cold('a-b-c|', { a: request, b: response, c: invalid });
      expectObservable(source.pipe(scanJsonRpcMessages())).toBe('a-b-c|', {
        a: {
          bytes: request,
          scan: {
            ok: true,
            top: 'object',
            bytes: request.length,
            jsonrpc: { kind: 'string', text: '"2.0"', value: '2.0' },
            id: { kind: 'number', text: '18446744073709551616', value: 18446744073709551616 },
            method: { kind: 'string', text: '"tools/call"', value: 'tools/call' },
            params: { kind: 'object' },
            paramsName: 'search',
            duplicateKeys: [],
          },
        },
        b: {
          bytes: response,
          scan: {
            ok: true,
            top: 'object',
            bytes: response.reduce((n, s) => n + s.length, 0),
            jsonrpc: { kind: 'string', text: '"2.0"', value: '2.0' },
            id: { kind: 'string', text: '"a\\u0062"', value: 'ab' },
            result: { kind: 'object' },
            duplicateKeys: [],
          },
        },
        c: { bytes: invalid, scan: { ok: false, offset: 1, message: 'Invalid UTF-8 start byte 0xC0 in JSON at position 1' } },
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('passes maxCaptureBytes on, and errors and completion through', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const long = utf8(`{"id":"${'x'.repeat(40)}"}`);
      const source = cold('a-#', { a: long }, new Error('boom'));
      expectObservable(source.pipe(scanJsonRpcMessages({ maxCaptureBytes: 16 }))).toBe(
        'a-#',
        { a: { bytes: long, scan: { ok: true, top: 'object', bytes: long.length, id: { kind: 'string' }, duplicateKeys: [] } } },
        new Error('boom'),
      );
    });
  });
});
