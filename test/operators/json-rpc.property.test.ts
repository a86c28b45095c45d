/**
 * classifyJsonRpc / parseJsonRpc must never throw, whatever arrives on stdin or from a server:
 * every text gets a classification, and an invalid one carries the error to answer with.
 */
import fc from 'fast-check';
import { from } from 'rxjs';
import { classifyJsonRpc, ErrorCode, parseJsonRpc, type ClassifiedMessage } from '../../operators';

const anyValue = fc.oneof(fc.jsonValue(), fc.constant(null));
const id = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
/** Objects that look like JSON-RPC, with every member optional and often of the wrong type. */
const nearMessage = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), anyValue),
    id: fc.oneof(id, anyValue),
    method: fc.oneof(fc.string(), anyValue),
    params: anyValue,
    result: anyValue,
    error: fc.oneof(fc.record({ code: fc.integer(), message: fc.string() }), anyValue),
    // Computed key: an own "__proto__" member, as JSON.parse creates it (a plain key would set the prototype).
    ['__proto__']: anyValue,
  },
  { requiredKeys: [] },
);
const text = fc.oneof(
  fc.string(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  nearMessage.map((m) => JSON.stringify(m)),
  nearMessage.map((m) => JSON.stringify(m).slice(0, -1)), // truncated: not JSON
);

/** Invariants every classification must satisfy. */
function checkInvariants(raw: string, c: ClassifiedMessage): void {
  expect(c.text).toBe(raw.trim());
  if (c.kind === 'invalid') {
    expect([ErrorCode.ParseError, ErrorCode.InvalidRequest]).toContain(c.error.error.code);
    expect(c.error).toMatchObject({ jsonrpc: '2.0', id: c.id });
    if (c.error.error.code === ErrorCode.ParseError) expect(c.id).toBeNull();
  } else if (c.kind === 'request') {
    expect(['string', 'number']).toContain(typeof c.id);
    expect(c.message).toMatchObject({ jsonrpc: '2.0', id: c.id, method: c.method });
  }
}

describe('JSON-RPC classification never throws', () => {
  it('classifies any text, with consistent invalid errors', () => {
    fc.assert(
      fc.property(text, (raw) => checkInvariants(raw, classifyJsonRpc(raw))),
      { numRuns: 2000 },
    );
  });

  it('classifies well-formed requests as requests, whatever their structured params', () => {
    // JSON-RPC 2.0 §4.2: params, when present, are an object or an array (null is let through as absent).
    const params = fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue()), fc.constant(null));
    const request = fc.record({ jsonrpc: fc.constant('2.0'), id, method: fc.string(), params }, { requiredKeys: ['jsonrpc', 'id', 'method'] });
    fc.assert(
      fc.property(request, (message) => {
        const text = JSON.stringify(message);
        // The id as it travels: JSON turns -0 into 0.
        const sent = JSON.parse(text) as typeof message;
        expect(classifyJsonRpc(text)).toMatchObject({ kind: 'request', id: sent.id, method: message.method });
      }),
    );
  });

  it('classifies requests and notifications with scalar params as -32600, carrying the id', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
    const message = fc.record({ jsonrpc: fc.constant('2.0'), id, method: fc.string(), params: scalar }, { requiredKeys: ['jsonrpc', 'method', 'params'] });
    fc.assert(
      fc.property(message, (m) => {
        const text = JSON.stringify(m);
        const sent = JSON.parse(text) as typeof m;
        expect(classifyJsonRpc(text)).toMatchObject({ kind: 'invalid', id: sent.id ?? null, error: { error: { code: ErrorCode.InvalidRequest } } });
      }),
    );
  });

  it('parseJsonRpc emits one value per non-blank text and completes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(text, fc.constantFrom('', ' ', '\r\n'))), (texts) => {
        const out: ClassifiedMessage[] = [];
        let completed = false;
        from(texts)
          .pipe(parseJsonRpc())
          .subscribe({ next: (c) => out.push(c), complete: () => (completed = true) });
        expect(completed).toBe(true);
        expect(out.map((c) => c.text)).toEqual(texts.map((t) => t.trim()).filter((t) => t.length > 0));
      }),
      { numRuns: 300 },
    );
  });
});
