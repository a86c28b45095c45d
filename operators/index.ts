/**
 * Runtime-agnostic stream operators and the JSON-RPC message model: Uint8Array, TextDecoder, RxJS
 * and ts-pattern (which the model's classification uses) only, so they run in Node and in
 * browsers alike. Nothing here imports from `src/` or a Node built-in.
 */
export { decodeUtf8, type DecodeUtf8Options } from './decode-utf8';
export { splitLines, type SplitLinesOptions } from './split-lines';
export { splitLineBytes, type SplitLineBytesOptions } from './split-line-bytes';
export { classifyLines, decodeSegments, type ClassifyLinesOptions } from './classify-lines';
export { scannedHostMessage } from './scanned-host-message';
export { scannedMessage, type DecodeSegments, type KeepSegments } from './scanned-message';
export { parseNdjson } from './parse-ndjson';
export { parseSse } from './parse-sse';
export { SseParser, type SseEvent } from './sse-parser';
export type { SseCursor, SseParserOptions } from './sse-options';
export { parseSseBytes } from './parse-sse-bytes';
export { SseByteParser, type SseByteEvent } from './sse-byte-parser';
export { parseJsonRpc } from './parse-json-rpc';
export { pushParserOperator, type PushParser } from './push-parser';
export * from './json-rpc';
export { jsonArrayItems } from './json-array-items';
export { batchMembers, membersOf } from './batch-members';
export { scanJsonRpc, JsonRpcScanner } from './json-scanner';
export type { JsonRpcScan, JsonScanResult, JsonScanError, ScannedValue, JsonScanOptions, JsonKind } from './json-scan-result';
export { scanJsonRpcMessages, type ScannedMessage } from './scan-json-rpc-messages';
export { duplicateRoutingKeys, routingDuplicates } from './duplicate-keys';
export { idTextOf } from './id-text';
export * from './errors';
export { utf8Length, exceedsUtf8 } from './utf8-length';
