import type { Readable } from 'node:stream';
import type { Observable } from 'rxjs';
import { batchMembers, classifyLines, splitLineBytes, type ClassifiedMessage } from '../../operators';
import type { BackpressureGate } from '../core/backpressure';
import { fromReadable } from '../util/readable-observable';
import { decodeSegmentsNode } from './decode-segments-node';

/**
 * From this size on, a stdin line is classified from its bytes by the byte scanner and POSTed as
 * the bytes received, instead of decoded and JSON.parsed (operators/classify-lines.ts): the same
 * threshold, for the same measurement, as server answers (src/http/scanned-message.ts: the
 * scanner is 3-4x faster from 32 KiB, JSON.parse below 2 KiB). A 64 MiB tools/call of mixed
 * UTF-8 with escapes through the CLI to a loopback server (bench/stdin-big-message.ts, 9 runs
 * each, 2-core VM): decoded and parsed, median 21 MB/s, peak RSS 393-490 MiB, 2.5-2.8 s of
 * bridge CPU; on bytes, median 60 MB/s (44-76: the bench's own writer and server are then the
 * bottleneck, the bridge idles two thirds of the time), 118-119 MiB, 0.8-0.9 s of CPU, a third
 * of it the scan (start-up alone: 49 MiB, 0.2 s).
 */
export const SCAN_STDIN_FROM_BYTES = 16 * 1024;

/**
 * stdin as classified JSON-RPC messages: bytes → lines (LF or CRLF), split on the bytes → one
 * message per non-blank line, a batch's members one by one (see batchMembers). Lines under
 * SCAN_STDIN_FROM_BYTES are decoded and parsed as before; larger ones keep their bytes (`raw`),
 * with the text and the parsed value made only if something asks. An over-long line becomes an
 * `invalid` message (-32600) and reading goes on. `gate` pauses stdin while the bridge has too
 * much queued.
 */
export function stdinMessages(stdin: Readable, maxLineBytes: number, gate?: BackpressureGate): Observable<ClassifiedMessage> {
  return fromReadable(stdin, gate, () => 'pause').pipe(
    splitLineBytes({ maxLineBytes, onOversize: 'emit' }),
    classifyLines({ maxLineBytes, scanFromBytes: SCAN_STDIN_FROM_BYTES, decode: decodeSegmentsNode }),
    batchMembers(),
  );
}
