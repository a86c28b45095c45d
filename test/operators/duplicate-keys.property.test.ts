/**
 * duplicateRoutingKeys decides most messages with a one-pass text pre-check and scans only the
 * suspicious ones: on every message text, it must report what the byte scanner alone reports
 * (routingDuplicates of scanJsonRpc's duplicate keys). Texts are built by hand so that routing
 * keys repeat at the top level, repeat only inside nested values or strings, and are spelled
 * with escapes (`"\u0069d"` is `id`).
 */
import fc from 'fast-check';
import { duplicateRoutingKeys, routingDuplicates } from '../../operators/duplicate-keys';
import { scanJsonRpc } from '../../operators/json-scanner';

const ROUTING = ['id', 'method', 'result', 'error', 'jsonrpc', 'params'];
/** A key as written between its quotes: plain, escaped, or another name. */
const keyText = fc.oneof(
  fc.constantFrom(...ROUTING),
  fc.constantFrom(...ROUTING).map((k) => `\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${k.slice(1)}`),
  fc.constantFrom('x', 'ids', 'Id', '_meta', 'progressToken'),
);
/** A value that may spell routing keys inside (nested members, string content). */
const valueText: fc.Arbitrary<string> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('1', '"2.0"', 'null', 'true', '"x \\"id\\": 1"', '"\\"method\\""', '"café 日本 🌍"'),
    fc.array(fc.tuple(keyText, tie('value') as fc.Arbitrary<string>), { maxLength: 3 }).map((members) => `{${members.map(([k, v]) => `"${k}":${v}`).join(',')}}`),
    fc.array(tie('value') as fc.Arbitrary<string>, { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  ),
})).value;
const messageText = fc
  .array(fc.tuple(keyText, valueText), { maxLength: 8 })
  .map((members) => `{${members.map(([k, v]) => `"${k}":${v}`).join(',')}}`);

describe('duplicateRoutingKeys', () => {
  it('agrees with the byte scanner on every message text', () => {
    fc.assert(
      fc.property(messageText, (text) => {
        const scan = scanJsonRpc(new TextEncoder().encode(text));
        expect(scan.ok).toBe(true);
        const expected = scan.ok ? routingDuplicates(scan.duplicateKeys) : [];
        expect([...duplicateRoutingKeys(text)].sort()).toEqual([...expected].sort());
      }),
      { numRuns: 5000 },
    );
  });

  it('finds a key repeated at the top level, plain or escaped, and not one repeated inside a value', () => {
    expect(duplicateRoutingKeys('{"jsonrpc":"2.0","id":999,"result":{},"id":2}')).toEqual(['id']);
    expect(duplicateRoutingKeys('{"jsonrpc":"2.0","id":1,"result":{},"\\u0069d":2}')).toEqual(['id']);
    expect(duplicateRoutingKeys('{"jsonrpc":"2.0","id":1,"result":{"id":2,"content":"\\"id\\":3"}}')).toEqual([]);
  });
});
