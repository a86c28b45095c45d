import { ErrorCode, parseJsonRpc, type ClassifiedMessage } from '../operators';
import { newScheduler } from './helpers';

/** The `invalid` value expected for `text`, with the error the sender must receive. */
function invalid(text: string, id: string | number | null, code: number, message: unknown): ClassifiedMessage {
  return { kind: 'invalid', id, text, error: { jsonrpc: '2.0', id, error: { code, message } } } as ClassifiedMessage;
}

describe('parseJsonRpc (marbles)', () => {
  it('classifies requests and notifications, forwarding the trimmed original text', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const request = '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}';
      const notification = '{"jsonrpc":"2.0","method":"notifications/initialized"}';
      const source = cold('a-b-|', { a: `  ${request}\r`, b: notification });
      expectObservable(source.pipe(parseJsonRpc())).toBe('a-b-|', {
        a: { kind: 'request', id: 1, method: 'tools/list', message: JSON.parse(request), text: request },
        b: { kind: 'notification', method: 'notifications/initialized', message: JSON.parse(notification), text: notification },
      });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('classifies success and error responses, with string ids and a null id on errors', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const success = '{"jsonrpc":"2.0","id":"a-1","result":{"ok":true}}';
      const failure = '{"jsonrpc":"2.0","id":null,"error":{"code":-32601,"message":"nope"}}';
      const source = cold('a-b|', { a: success, b: failure });
      expectObservable(source.pipe(parseJsonRpc())).toBe('a-b|', {
        a: { kind: 'response', id: 'a-1', message: JSON.parse(success), text: success },
        b: { kind: 'response', id: null, message: JSON.parse(failure), text: failure },
      });
    });
  });

  it('passes a batch through as items, without classifying them', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const batch = '[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","method":"b"}]';
      const source = cold('a|', { a: batch });
      expectObservable(source.pipe(parseJsonRpc())).toBe('a|', { a: { kind: 'batch', items: JSON.parse(batch), text: batch } });
    });
  });

  it('answers text that is not JSON with a -32700 parse error and id null', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a|', { a: '{"jsonrpc":"2.0","id":5,' });
      // The reason comes from JSON.parse, whose wording differs between Node versions.
      const expected = invalid('{"jsonrpc":"2.0","id":5,', null, ErrorCode.ParseError, expect.stringMatching(/^Parse error: ./));
      expectObservable(source.pipe(parseJsonRpc())).toBe('a|', { a: expected });
    });
  });

  it('answers invalid requests with -32600, keeping an id the sender can match', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const wrongVersion = '{"jsonrpc":"1.0","id":7,"method":"x"}';
      const numericMethod = '{"jsonrpc":"2.0","id":"s","method":42}';
      const both = '{"jsonrpc":"2.0","id":3,"result":1,"error":{"code":1,"message":"m"}}';
      const unreadableId = '{"jsonrpc":"2.0","id":{"n":1},"method":"x"}';
      const source = cold('a-b-c-d|', { a: wrongVersion, b: numericMethod, c: both, d: unreadableId });
      expectObservable(source.pipe(parseJsonRpc())).toBe('a-b-c-d|', {
        a: invalid(wrongVersion, 7, ErrorCode.InvalidRequest, 'Invalid Request: "jsonrpc" must be "2.0"'),
        b: invalid(numericMethod, 's', ErrorCode.InvalidRequest, 'Invalid Request: "method" must be a string'),
        c: invalid(both, 3, ErrorCode.InvalidRequest, 'Invalid Request: a response has either result or error'),
        d: invalid(unreadableId, null, ErrorCode.InvalidRequest, 'Invalid Request: not a JSON-RPC 2.0 request, notification or response'),
      });
    });
  });

  it('rejects a request whose id is null (MCP ids are strings or numbers)', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const text = '{"jsonrpc":"2.0","id":null,"method":"ping"}';
      const source = cold('a|', { a: text });
      const expected = invalid(text, null, ErrorCode.InvalidRequest, 'Invalid Request: id must be a string or a number');
      expectObservable(source.pipe(parseJsonRpc())).toBe('a|', { a: expected });
    });
  });

  it('rejects JSON values that are not objects', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c|', { a: 'null', b: '42', c: '"text"' });
      expectObservable(source.pipe(parseJsonRpc())).toBe('a-b-c|', {
        a: invalid('null', null, ErrorCode.InvalidRequest, 'Invalid Request: expected a JSON-RPC object, got null'),
        b: invalid('42', null, ErrorCode.InvalidRequest, 'Invalid Request: expected a JSON-RPC object, got number'),
        c: invalid('"text"', null, ErrorCode.InvalidRequest, 'Invalid Request: expected a JSON-RPC object, got string'),
      });
    });
  });

  it('skips blank texts', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c|', { a: '', b: ' \t\r\n', c: '{"jsonrpc":"2.0","method":"m"}' });
      const expected = { kind: 'notification', method: 'm', message: { jsonrpc: '2.0', method: 'm' }, text: '{"jsonrpc":"2.0","method":"m"}' };
      expectObservable(source.pipe(parseJsonRpc())).toBe('----c|', { c: expected });
    });
  });

  it('never errors on bad input: the stream keeps going and completes', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const junk = ['{', ']', 'undefined', '{"__proto__":{"id":1}}', '[', '\u0000', '{"jsonrpc":"2.0"}'];
      const values = Object.fromEntries(junk.map((text, i) => [String.fromCharCode(97 + i), text]));
      const source = cold('abcdefg|', values);
      const classified = source.pipe(parseJsonRpc());
      const kinds = Object.fromEntries(junk.map((_, i) => [String.fromCharCode(97 + i), expect.objectContaining({ kind: 'invalid' })]));
      expectObservable(classified).toBe('abcdefg|', kinds);
    });
  });

  it('propagates a source error', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-#', { a: '{"jsonrpc":"2.0","method":"m"}' }, new Error('eof'));
      const expected = { kind: 'notification', method: 'm', message: { jsonrpc: '2.0', method: 'm' }, text: '{"jsonrpc":"2.0","method":"m"}' };
      expectObservable(source.pipe(parseJsonRpc())).toBe('a-#', { a: expected }, new Error('eof'));
    });
  });
});
