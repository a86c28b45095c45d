/**
 * classifyValue's plain-code path for well-formed messages against the ts-pattern rules it
 * shortcuts (classifyByRules): on every value, the same classification (kind, id, method,
 * message, error answer). The rules are the reference; the fast path may only agree with them.
 */
import fc from 'fast-check';
import { classifyByRules, classifyValue } from '../../operators/json-rpc';

const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
const id = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.constant(undefined), fc.boolean(), fc.object(), fc.array(fc.integer()));
const error = fc.oneof(
  fc.record({ code: fc.integer(), message: fc.string() }),
  fc.record({ code: fc.integer(), message: fc.string(), data: fc.jsonValue() }),
  fc.record({ code: scalar, message: scalar }, { requiredKeys: [] }),
  scalar,
  fc.array(fc.integer()),
);
/** Every member optional (absent, or present as undefined), often of the wrong type. */
const nearMessage = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('1.0'), scalar),
    id,
    method: fc.oneof(fc.string(), scalar, fc.object()),
    params: fc.oneof(fc.object(), fc.array(fc.jsonValue()), scalar),
    result: fc.oneof(fc.jsonValue(), scalar),
    error,
  },
  { requiredKeys: [] },
);
const anything = fc.oneof(nearMessage, fc.jsonValue(), fc.array(nearMessage), scalar);

test('the fast path and the rules classify every value alike', () => {
  fc.assert(
    fc.property(anything, (value) => {
      expect(classifyValue(value, 'text')).toEqual(classifyByRules(value, 'text'));
    }),
    { numRuns: 20_000 },
  );
});

test('the shapes the fast path takes, and ones it leaves to the rules', () => {
  const cases: unknown[] = [
    { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } },
    { jsonrpc: '2.0', id: 'a', method: 'ping' },
    { jsonrpc: '2.0', method: 'notifications/progress', params: [] },
    { jsonrpc: '2.0', id: 1, result: {} },
    { jsonrpc: '2.0', id: null, result: undefined },
    { jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'x' } },
    { jsonrpc: '2.0', id: 1, method: 'm', params: 'scalar' },
    { jsonrpc: '2.0', method: 'm', id: null },
    { jsonrpc: '2.0', method: 'm', id: undefined },
    { jsonrpc: '2.0', id: 1, result: 1, error: { code: 1, message: 'x' } },
    { jsonrpc: '2.0', id: 1, method: 5, result: 1 },
    { jsonrpc: '2.0', id: 1 },
    { jsonrpc: '2.0', id: 1, error: { code: '1', message: 'x' } },
  ];
  for (const value of cases) expect(classifyValue(value, 't')).toEqual(classifyByRules(value, 't'));
});
