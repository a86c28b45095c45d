/**
 * From this size on, a JSON-RPC message, a server's answer or a stdin line alike, is scanned on
 * its bytes (operators/json-scanner.ts: grammar, UTF-8 and the routing members in one pass) and
 * forwarded as the bytes received, instead of decoded and JSON.parsed just to be validated and
 * routed; the text and the parsed value are made only if something asks for them (the library's
 * Observable, a tools/list to learn, a translation). A large message is then held once, as its
 * bytes, instead of as bytes, text and parse copy.
 *
 * Measured CPU per message (bench/json-scanner.bench.ts, ONLY=threshold): even at 8 KiB, the
 * scanner 3-4x faster from 32 KiB (76 vs 243 µs mixed text), JSON.parse faster below 2 KiB;
 * 16 KiB leaves margin for the lazy parse a caller may still ask for. Through the CLI: a 34 MB
 * mixed-UTF-8 server answer, peak RSS 213-217 MiB decoded and parsed, 110-113 MiB scanned; a
 * 64 MiB mixed-UTF-8 tools/call from the host (bench/stdin-big-message.ts, 9 runs each), median
 * 21 MB/s, 393-490 MiB and 2.5-2.8 s of bridge CPU decoded and parsed, 60 MB/s, 118-119 MiB and
 * 0.8-0.9 s scanned (the bench's own writer and server are then the bottleneck).
 */
export const SCAN_FROM_BYTES = 16 * 1024;
