import type { Readable } from 'node:stream';
import type { Observable } from 'rxjs';
import { batchMembers, parseJsonRpc, splitLines, type ClassifiedMessage } from '../../operators';
import type { BackpressureGate } from '../core/backpressure';
import { fromReadable } from '../util/readable-observable';
import { decodeUtf8Node } from '../util/string-decoder-operator';

/**
 * stdin as classified JSON-RPC messages: bytes → incremental UTF-8 → lines (LF or CRLF) → one
 * message per non-blank line, a batch's members one by one (see batchMembers). An over-long line
 * becomes an `invalid` message (-32600) and reading goes on. `gate` pauses stdin while the bridge
 * has too much queued.
 */
export function stdinMessages(stdin: Readable, maxLineBytes: number, gate?: BackpressureGate): Observable<ClassifiedMessage> {
  return fromReadable(stdin, gate, () => 'pause').pipe(decodeUtf8Node(), splitLines({ maxLineBytes, onOversize: 'emit' }), parseJsonRpc(), batchMembers());
}
