/**
 * Runtime-agnostic stream operators (Uint8Array, TextDecoder and RxJS only): they run in Node and
 * in browsers alike. Nothing here imports from `src/`.
 */
export { decodeUtf8, type DecodeUtf8Options } from './decode-utf8';
export { splitLines, type SplitLinesOptions } from './split-lines';
export { parseNdjson } from './parse-ndjson';
export { parseSse } from './parse-sse';
export { SseParser, type SseEvent, type SseCursor, type SseParserOptions } from './sse-parser';
export { parseSseBytes } from './parse-sse-bytes';
export { SseByteParser, type SseByteEvent } from './sse-byte-parser';
export { parseJsonRpc } from './parse-json-rpc';
export * from './json-rpc';
export { jsonArrayItems } from './json-array-items';
export * from './errors';
export { utf8Length, exceedsUtf8 } from './utf8-length';
