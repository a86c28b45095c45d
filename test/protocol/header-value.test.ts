/** streamable-http.md "Value Encoding": the spec's own table, and the edges around it. */
import { headerValue } from '../../src/protocol/header-value';

describe('headerValue', () => {
  test.each([
    ['us-west1', 'us-west1'],
    ['Hello, 世界', '=?base64?SGVsbG8sIOS4lueVjA==?='],
    [' padded ', '=?base64?IHBhZGRlZCA=?='],
    ['line1\nline2', '=?base64?bGluZTEKbGluZTI=?='],
    ['=?base64?literal?=', '=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?='],
  ])('the spec table: %j -> %s', (value, header) => {
    expect(headerValue(value)).toBe(header);
  });

  test.each([
    ['inner spaces stay plain', 'a b\tc', 'a b\tc'],
    ['a trailing tab is encoded', 'x\t', '=?base64?eAk=?='],
    ['DEL is encoded', 'a\x7f', '=?base64?YX8=?='],
    ['latin-1 is encoded (Node would send it as one byte)', 'grüße', '=?base64?Z3LDvMOfZQ==?='],
    ['an emoji', '🚀', '=?base64?8J+agA==?='],
    ['the sentinel prefix alone stays plain', '=?base64?', '=?base64?'],
  ])('%s', (_title, value, header) => {
    expect(headerValue(value)).toBe(header);
  });

  test('decodes back to the UTF-8 of the value', () => {
    const value = ' Zürich 東京 🚀\r\n';
    const encoded = headerValue(value);
    expect(Buffer.from(encoded.slice('=?base64?'.length, -2), 'base64').toString('utf8')).toBe(value);
  });
});
