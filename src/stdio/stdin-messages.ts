import type { Readable } from 'node:stream';
import type { Observable } from 'rxjs';
import { batchMembers, classifyLines, splitLineBytes, type ClassifiedMessage } from '../../operators';
import type { BackpressureGate } from '../core/backpressure';
import { SCAN_FROM_BYTES } from '../core/scan-threshold';
import { fromReadable } from '../util/readable-observable';
import { decodeSegmentsNode } from './decode-segments-node';

/**
 * stdin as classified JSON-RPC messages: bytes → lines (LF or CRLF), split on the bytes → one
 * message per non-blank line, a batch's members one by one (see batchMembers). Lines under
 * SCAN_FROM_BYTES (src/core/scan-threshold.ts) are decoded and parsed; larger ones keep their
 * bytes (`raw`), with the text and the parsed value made only if something asks. An over-long line becomes an
 * `invalid` message (-32600) and reading goes on. `gate` pauses stdin while the bridge has too
 * much queued.
 */
export function stdinMessages(stdin: Readable, maxLineBytes: number, gate?: BackpressureGate): Observable<ClassifiedMessage> {
  return fromReadable(stdin, gate, () => 'pause').pipe(
    splitLineBytes({ maxLineBytes, onOversize: 'emit' }),
    classifyLines({ maxLineBytes, scanFromBytes: SCAN_FROM_BYTES, decode: decodeSegmentsNode }),
    batchMembers(),
  );
}
