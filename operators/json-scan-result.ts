/** What `scanJsonRpc` / `JsonRpcScanner` report (see json-scanner.ts). */

/** A JSON value's type, as its first byte tells it. */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/**
 * One member value the scanner looked at. Objects and arrays are reported by kind only; a
 * scalar also by its source text and decoded value, unless it is longer than `maxCaptureBytes`
 * (then `text` and `value` are absent: no routing decision needs a longer one).
 */
export interface ScannedValue {
  kind: JsonKind;
  /**
   * The value exactly as written (a string with its quotes and escapes as received; a number
   * with its spelling: `18446744073709551616`, `1e400`, `-0`), ready to splice into JSON the
   * bridge writes itself.
   */
  text?: string;
  /**
   * The value as `JSON.parse` gives it: the decoded string, the number (`Number(text)`: so
   * `18446744073709551616` is 18446744073709552000 and `1e400` is Infinity: use `text` to write
   * it back), the boolean, or null.
   */
  value?: string | number | boolean | null;
}

/**
 * A valid JSON document (valid UTF-8, RFC 8259 as `JSON.parse` accepts it) and what routing needs
 * of it. Members are read from a top-level object only; when a key occurs more than once, what is
 * reported is its last occurrence, as `JSON.parse` keeps it, and the key is in `duplicateKeys`.
 */
export interface JsonRpcScan {
  ok: true;
  /** The top-level value's kind: 'object' for a message, 'array' for a batch. */
  top: JsonKind;
  /** Bytes scanned. */
  bytes: number;
  /** Top-level `jsonrpc`, `id` and `method`: kind, text and value. */
  jsonrpc?: ScannedValue;
  id?: ScannedValue;
  method?: ScannedValue;
  /** Top-level `params`, `result` and `error`: kind only (never captured: they can be huge). */
  params?: ScannedValue;
  result?: ScannedValue;
  error?: ScannedValue;
  /** `error.code`, when `error` is an object and its `code` a number. */
  errorCode?: number;
  /** `params.name` (tools/call, prompts/get) and `params.uri` (resources/read), when strings. */
  paramsName?: string;
  paramsUri?: string;
  /** MCP 2026-07-28: `params._meta["io.modelcontextprotocol/protocolVersion"]`, when a string. */
  protocolVersion?: string;
  /**
   * Top-level keys (decoded: `"\u0069d"` is `id`) that occur more than once, each listed once, in
   * the order their second occurrence was met. Keys longer than `maxCaptureBytes` as written are
   * not compared. Empty for a top level that is not an object.
   */
  duplicateKeys: readonly string[];
}

/** Not valid JSON, or not valid UTF-8. */
export interface JsonScanError {
  ok: false;
  /** Byte offset of the byte that made the document invalid (the input's length when it ended too early). */
  offset: number;
  /** As `JSON.parse` words it, with a byte offset: `Expected ':' after property name in JSON at position 5`. */
  message: string;
}

export type JsonScanResult = JsonRpcScan | JsonScanError;

export interface JsonScanOptions {
  /** Longest scalar or key (bytes as written) whose text is captured. Default 4096. */
  maxCaptureBytes?: number;
}
