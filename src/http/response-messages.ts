import { EMPTY, Observable, filter, map, type OperatorFunction } from 'rxjs';
import {
  FrameTooLargeError,
  classifyValue,
  duplicateRoutingKeys,
  jsonArrayItems,
  parseNdjson,
  parseSseBytes,
  splitLines,
  type ClassifiedMessage,
  type SseByteEvent,
  type SseCursor,
} from '../../operators';
import { UpstreamProtocolError } from '../core/errors';
import type { BackpressureGate, ReleaseMode } from '../core/backpressure';
import { SCAN_FROM_BYTES } from '../core/scan-threshold';
import type { HttpResponse, ResponseBody } from './http-types';
import { duplicateKeysError, scannedServerMessage } from './scanned-message';

/** How a response body carries messages. */
export type BodyFormat = 'none' | 'sse' | 'json' | 'ndjson';

export interface ReadOptions {
  maxMessageBytes: number;
  gate?: BackpressureGate;
  /** Filled with the SSE stream's last event id and retry time, for resumption. */
  cursor?: SseCursor;
  /** What to do with the body when unsubscribed early (see fromReadable). */
  release?: () => ReleaseMode;
}

/** The media type of a Content-Type header, lower case, parameters dropped. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Which parser a response needs. 202 and 204 never carry messages; SSE and JSON are recognised
 * by media type (`+json` suffixes too); NDJSON and anything unknown are read line by line, as
 * the reference wrapper does (an empty body then simply yields nothing). Plain comparisons, not
 * ts-pattern: this runs for every response, and the match cost ~9 µs of a request's CPU.
 */
export function bodyFormat(status: number, contentType: string | undefined): BodyFormat {
  if (status === 202 || status === 204 || status === 205 || status === 304) return 'none';
  const media = mediaTypeOf(contentType);
  if (media === 'text/event-stream') return 'sse';
  if (media === 'application/json' || media.endsWith('+json')) return 'json';
  return 'ndjson';
}

/**
 * Every JSON-RPC message of a 2xx response body, classified, in the order it arrived, each as
 * soon as it is complete. Invalid JSON, or JSON that is not a JSON-RPC message, errors the
 * stream with `UpstreamProtocolError`; an over-size frame with a `FrameTooLargeError`.
 */
export function responseMessages(res: HttpResponse, options: ReadOptions): Observable<ClassifiedMessage> {
  const bytes = () => res.body.chunks(options.gate, options.release);
  const text = () => res.body.text(options.gate, options.release);
  const max = options.maxMessageBytes;
  const format = bodyFormat(res.status, res.headers['content-type']);
  switch (format) {
    case 'none':
      res.body.discard(); // so that the keep-alive socket returns to the pool
      return EMPTY;
    case 'sse':
      // Framed on the bytes: each event's data stays in the received chunks, is decoded once for
      // JSON.parse, and can be written out as it came (see sseMessage).
      return bytes().pipe(
        parseSseBytes({ maxEventBytes: max, cursor: options.cursor }),
        // Only `message` events carry JSON-RPC; an empty data payload carries nothing.
        filter((e) => (e.event === undefined || e.event === 'message') && !isBlank(e, res.body)),
        map((e) => sseMessage(e, res.body)),
      );
    case 'json':
      return bytes().pipe(jsonBody(max, res.body));
    case 'ndjson':
      return text().pipe(splitLines({ maxLineBytes: max }), parseNdjson(), map((record) => toMessage(record)));
    default:
      return unknownFormat(format);
  }
}

function unknownFormat(format: never): never {
  throw new Error(`unknown body format ${String(format)}`);
}

/**
 * One SSE event's message. Its bytes are attached as `raw` when they spell exactly `text`: one
 * data line (no LF inside), nothing trimmed, and valid UTF-8 (an invalid byte would have decoded
 * to U+FFFD; a genuine U+FFFD just takes the text path). Writing them saves re-encoding the text,
 * and a large message is then held as its bytes, its text and its parsed value, not once more.
 */
function sseMessage(e: SseByteEvent, body: ResponseBody): ClassifiedMessage {
  const scanned = e.dataLines === 1 && e.dataBytes >= SCAN_FROM_BYTES ? scannedServerMessage(e.data, body) : undefined;
  if (scanned !== undefined) return scanned;
  const data = body.decode(e.data, e.dataBytes);
  const message = toMessage(data, e.dataLines === 1 ? e.data : undefined);
  if (e.dataLines === 1 && message.text.length === data.length && data.indexOf('\uFFFD') === -1) message.raw = e.data;
  return message;
}

/** Whether an event's data is empty or blank (as `String.prototype.trim` sees blanks). */
function isBlank(e: SseByteEvent, body: ResponseBody): boolean {
  for (const segment of e.data) {
    for (let i = 0; i < segment.length; i++) {
      const byte = segment[i]!;
      if (byte >= 0x80) return body.decode(e.data, e.dataBytes).trim().length === 0; // maybe Unicode blanks
      if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0b && byte !== 0x0c && byte !== 0x0d) return false;
    }
  }
  return true;
}

/** Validates one message text and classifies it; the text is kept (folded to one line). */
export function toMessage(raw: string, bytes?: readonly Uint8Array[]): ClassifiedMessage {
  const text = raw.trim();
  return classified(parseServerJson(text), text, text.length === raw.length ? bytes : undefined);
}

/** JSON.parse for what the server sent: invalid JSON is an UpstreamProtocolError. */
function parseServerJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UpstreamProtocolError(`the server sent invalid JSON (${(err as Error).message})`, snippet(text));
  }
}

/** Classifies a parsed server message kept as `text`; anything but a single message is an error. */
function classified(value: unknown, text: string, bytes?: readonly Uint8Array[]): ClassifiedMessage {
  const message = classifyValue(value, foldLines(text));
  if (message.kind === 'invalid' || message.kind === 'batch') {
    throw new UpstreamProtocolError(`the server sent JSON that is not a JSON-RPC 2.0 message`, snippet(text));
  }
  const duplicates = duplicateRoutingKeys(text, bytes);
  if (duplicates.length > 0) throw duplicateKeysError(duplicates, snippet(text));
  return message;
}

/**
 * Newlines can only stand between JSON tokens (raw control characters are invalid inside
 * strings), and so can the blanks around them: dropping such runs keeps the JSON identical and
 * puts it on one line, without re-serialising (which would alter number spellings).
 */
export function foldLines(text: string): string {
  return text.includes('\n') || text.includes('\r') ? text.replace(/[ \t]*[\r\n][ \t\r\n]*/g, '') : text;
}

export function snippet(text: string, max = 1024): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}

/** A body read whole: its chunks and their total size. */
interface WholeBody {
  chunks: Uint8Array[];
  size: number;
}

/**
 * The messages of a JSON body: the body is collected whole (a JSON document is only complete at
 * its end), capped, then its messages are emitted (see jsonBodyMessages). One operator rather than
 * a collector and a concatMap: every JSON answer goes through it.
 */
function jsonBody(max: number, body: ResponseBody): OperatorFunction<Uint8Array, ClassifiedMessage> {
  return (source) =>
    new Observable<ClassifiedMessage>((subscriber) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      return source.subscribe({
        next(chunk) {
          size += chunk.length;
          if (size > max) subscriber.error(new FrameTooLargeError('message', max, 'bytes'));
          else chunks.push(chunk);
        },
        error(err: unknown) {
          subscriber.error(err);
        },
        complete() {
          let messages: ClassifiedMessage[];
          try {
            messages = jsonBodyMessages({ chunks, size }, body);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          for (const message of messages) subscriber.next(message);
          subscriber.complete();
        },
      });
    });
}

/**
 * The messages of a JSON body: one message, each element of a batch array (its text as written,
 * so that big integers and number spellings survive), or none when the body is empty.
 */
function jsonBodyMessages(whole: WholeBody, body: ResponseBody): ClassifiedMessage[] {
  const scanned = whole.size >= SCAN_FROM_BYTES ? scannedServerMessage(whole.chunks, body) : undefined;
  if (scanned !== undefined) return [scanned];
  const decoded = body.decode(whole.chunks, whole.size);
  const text = decoded.trim();
  if (text.length === 0) return [];
  const value = parseServerJson(text);
  if (!Array.isArray(value)) {
    const message = classified(value, text, text.length === decoded.length ? whole.chunks : undefined);
    // As for SSE (see sseMessage): a compact body with nothing to trim is forwarded as its bytes.
    if (message.text.length === decoded.length && decoded.indexOf('\uFFFD') === -1) message.raw = whole.chunks;
    return [message];
  }
  const found = jsonArrayItems(text);
  const texts = found.length === value.length ? found : value.map((item) => JSON.stringify(item));
  return value.map((item, i) => classified(item, texts[i]!));
}

/** Joins chunks once and decodes them (invalid UTF-8 becomes U+FFFD). */
export function decodeWhole(chunks: readonly Uint8Array[], size: number): string {
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0]);
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(all);
}
