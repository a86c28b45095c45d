import { match, P } from 'ts-pattern';
import type { JsonRpcScan } from './json-scan-result';

/** JSON-RPC 2.0 message shapes, as MCP uses them (ids are strings or numbers, never null). */
export type JsonRpcId = string | number;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: JsonRpcId;
  method: string;
  params?: unknown;
}
export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: unknown;
}
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}
export interface JsonRpcSuccess {
  jsonrpc: '2.0';
  id: JsonRpcId;
  result: unknown;
}
export interface JsonRpcErrorResponse {
  jsonrpc: '2.0';
  id: JsonRpcId | null;
  error: JsonRpcErrorObject;
}
export type JsonRpcResponse = JsonRpcSuccess | JsonRpcErrorResponse;
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/** Standard and MCP error codes the bridge answers with. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Implementation-defined server error: upstream HTTP failures, network errors. */
  ServerError: -32000,
  /** MCP's request timeout. */
  RequestTimeout: -32001,
} as const;

/**
 * A message classified once, so that every later decision is an exhaustive `match` on `kind`.
 * `text` is the message's own text (trimmed), forwarded as is rather than re-serialised.
 */
export type ClassifiedMessage = (
  | { kind: 'request'; id: JsonRpcId; method: string; message: JsonRpcRequest; text: string }
  | { kind: 'notification'; method: string; message: JsonRpcNotification; text: string }
  | { kind: 'response'; id: JsonRpcId | null; message: JsonRpcResponse; text: string }
  | { kind: 'batch'; items: unknown[]; text: string }
  | { kind: 'invalid'; id: JsonRpcId | null; error: JsonRpcErrorResponse; text: string }
) & {
  /**
   * The same message as the UTF-8 bytes it arrived in, when they can be forwarded as they are:
   * one line, valid UTF-8, no blanks around it. A writer that takes bytes should prefer these to
   * `text` (no re-encoding). Segments are views into the received chunks.
   */
  raw?: readonly Uint8Array[];
  /**
   * What the byte scanner found, when the message was classified from its bytes instead of being
   * parsed (a large stdin line, see scannedHostMessage): routing facts (`params.name`, the `_meta`
   * protocol version, the id as written) readable without `message`, which is then parsed only if
   * something asks for it.
   */
  scan?: JsonRpcScan;
};

/** A map key for an id that keeps 1 and "1" apart (JSON-RPC ids match by type and value). */
export function idKey(id: JsonRpcId): string {
  return typeof id === 'number' ? `n:${id}` : `s:${id}`;
}

export function errorResponse(id: JsonRpcId | null, code: number, message: string, data?: unknown): JsonRpcErrorResponse {
  const error: JsonRpcErrorObject = data === undefined ? { code, message } : { code, message, data };
  return { jsonrpc: '2.0', id, error };
}

const anyId = P.union(P.string, P.number);

/**
 * Params that JSON-RPC 2.0 §4.2 forbids: present and not a structured value (an object or an
 * array). `null` is let through as if absent: some encoders write an absent optional as null,
 * and the server answers it with an error under the request's id anyway.
 */
const scalarParams = { params: P.union(P.string, P.number, P.boolean) };

/**
 * Classifies one JSON text. Never throws: text that is not JSON is `invalid` with a -32700 parse
 * error (id null); JSON that is not a JSON-RPC 2.0 message is `invalid` with -32600, carrying
 * the message's id when one can be read so that the sender can match the error.
 */
export function classifyJsonRpc(raw: string): ClassifiedMessage {
  const text = raw.trim();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return invalid(text, null, ErrorCode.ParseError, `Parse error: ${reason}`);
  }
  return classifyValue(value, text);
}

/** Classifies an already parsed value; `text` is what will be forwarded for it. */
export function classifyValue(value: unknown, text: string): ClassifiedMessage {
  return classifyCommon(value, text) ?? classifyByRules(value, text);
}

/**
 * The well-formed request, notification and response, by plain property checks: every host
 * request and server answer goes through here, and ts-pattern's matcher cost about 24 µs of each
 * round trip in the 10,000-pipelined profile (6.5 µs for a tools/call and its answer in a warm
 * loop, against 0.04 µs for these checks). Undefined for anything else, which the rules
 * below classify; for what it does classify it gives exactly their answer (a fast-check
 * differential test holds the two together: test/operators/classify-value.property.test.ts).
 */
function classifyCommon(value: unknown, text: string): ClassifiedMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return undefined;
  const id = m.id;
  const idOk = typeof id === 'string' || typeof id === 'number';
  if (typeof m.method === 'string') {
    const params = m.params;
    if (typeof params === 'string' || typeof params === 'number' || typeof params === 'boolean') return undefined;
    if (idOk) return { kind: 'request', id: id as JsonRpcId, method: m.method, message: value as JsonRpcRequest, text };
    return 'id' in m ? undefined : { kind: 'notification', method: m.method, message: value as JsonRpcNotification, text };
  }
  if ('method' in m || !(idOk || id === null)) return undefined;
  const hasResult = 'result' in m;
  const hasError = 'error' in m;
  if (hasResult && !hasError) return { kind: 'response', id: id as JsonRpcId | null, message: value as JsonRpcSuccess, text };
  const error = m.error as { code?: unknown; message?: unknown } | null;
  if (hasError && !hasResult && typeof error === 'object' && error !== null && typeof error.code === 'number' && typeof error.message === 'string') {
    return { kind: 'response', id: id as JsonRpcId | null, message: value as JsonRpcErrorResponse, text };
  }
  return undefined;
}

/** The JSON-RPC 2.0 rules, each shape with the error it earns (exported for the differential test). */
export function classifyByRules(value: unknown, text: string): ClassifiedMessage {
  return match<unknown, ClassifiedMessage>(value)
    .with(P.array(), (items) => ({ kind: 'batch', items, text }))
    .with({ jsonrpc: '2.0', method: P.string, ...scalarParams }, (message) =>
      invalid(text, readableId(message), ErrorCode.InvalidRequest, 'Invalid Request: "params" must be an object or an array'),
    )
    .with({ jsonrpc: '2.0', method: P.string, id: anyId }, (message) => ({
      kind: 'request',
      id: message.id,
      method: message.method,
      message: message as JsonRpcRequest,
      text,
    }))
    .with({ jsonrpc: '2.0', method: P.string, id: P.optional(P.nullish) }, (message) =>
      'id' in message
        ? invalid(text, null, ErrorCode.InvalidRequest, 'Invalid Request: id must be a string or a number')
        : { kind: 'notification', method: message.method, message: message as JsonRpcNotification, text },
    )
    .with({ jsonrpc: '2.0', id: P.union(anyId, null), result: P._ }, (message) =>
      'error' in message || 'method' in message
        ? invalid(text, message.id, ErrorCode.InvalidRequest, 'Invalid Request: a response has either result or error')
        : { kind: 'response', id: message.id, message: message as JsonRpcSuccess, text },
    )
    .with({ jsonrpc: '2.0', id: P.union(anyId, null), error: { code: P.number, message: P.string } }, (message) =>
      'method' in message
        ? invalid(text, message.id, ErrorCode.InvalidRequest, 'Invalid Request: a response has no method')
        : { kind: 'response', id: message.id, message: message as JsonRpcErrorResponse, text },
    )
    .otherwise((other) => invalid(text, readableId(other), ErrorCode.InvalidRequest, describeInvalid(other)));
}

function invalid(text: string, id: JsonRpcId | null, code: number, message: string): ClassifiedMessage {
  return { kind: 'invalid', id, error: errorResponse(id, code, message), text };
}

/** The id of a malformed message, when it has a usable one: lets the sender match the error. */
function readableId(value: unknown): JsonRpcId | null {
  return match(value)
    .with({ id: anyId }, ({ id }) => id)
    .otherwise(() => null);
}

function describeInvalid(value: unknown): string {
  return match(value)
    .with(P.nullish, () => 'Invalid Request: expected a JSON-RPC object, got null')
    .with(P.union(P.string, P.number, P.boolean), (v) => `Invalid Request: expected a JSON-RPC object, got ${typeof v}`)
    .with({ jsonrpc: P.not('2.0') }, () => 'Invalid Request: "jsonrpc" must be "2.0"')
    .with({ method: P.not(P.string).and(P.not(undefined)) }, () => 'Invalid Request: "method" must be a string')
    .otherwise(() => 'Invalid Request: not a JSON-RPC 2.0 request, notification or response');
}
