import { SseEventTooLargeError } from './errors';
import { SegmentList } from './segment-list';
import { SseFields } from './sse-fields';
import type { SseParserOptions } from './sse-options';

/** One dispatched server-sent event, its data left as the bytes received. */
export interface SseByteEvent {
  /**
   * The event's data as received (UTF-8 bytes), data lines joined by LF: a list of segments whose
   * concatenation is the data. Segments are views (`subarray`) into the fed chunks, never copies;
   * a segment may be the shared one-byte LF separator (do not write to it). Empty list when the
   * data is empty.
   */
  data: Uint8Array[];
  /** Total length in bytes of `data`. */
  dataBytes: number;
  /** How many `data` lines the event had (1: the data contains no LF). Always >= 1. */
  dataLines: number;
  /** The `event` field, when the event had a non-empty one (decoded; invalid bytes become U+FFFD). */
  event?: string;
  /** The `id` field, when this event carried one without NUL (decoded). See `SseCursor` for the last one. */
  id?: string;
  /** A valid `retry` field (milliseconds) seen since the previous event. */
  retry?: number;
}

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
/** The UTF-8 BOM, EF BB BF. */
const BOM = [0xef, 0xbb, 0xbf];
/** Joins data lines (copied into the data's block: a CR or CRLF line end has no LF to point at). */
const LF_SEGMENT = Uint8Array.of(LF);
/**
 * Short values (event, id, retry) only. `ignoreBOM`: a U+FEFF opening a value is kept, as it is
 * by `SseParser` behind a decoder that leaves BOMs alone; not fatal: invalid bytes become U+FFFD.
 * Each call decodes a whole value (no `stream`), so one decoder serves every parser.
 */
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
/** Values up to this length are decoded in JS when they are ASCII (see decodeValue). */
const SHORT_VALUE = 32;
/** The first bytes of a line that spans chunks: enough for the longest known name, a colon and a space. */
const HEAD_BYTES = 7;
const head = new Uint8Array(HEAD_BYTES);

// What `field` found: the kind in the low 3 bits, the value's offset from the line start above.
const NONE = 0;
const DATA = 1;
const EVENT = 2;
const ID = 3;
const RETRY = 4;

/**
 * `SseParser` on bytes: the WHATWG event-stream interpretation framed directly on the UTF-8
 * chunks of a response body, with each event's data kept as views into those chunks (no
 * decoding, no copy), so that it can be written out as received. After UTF-8 decoding it gives
 * exactly the events and cursor `SseParser` gives on the decoded stream: CR, LF and CRLF are
 * single bytes that never occur inside a multi-byte sequence, and neither do the colon and space
 * that delimit names and values, so framing the bytes and decoding the pieces is the same as
 * decoding first.
 *
 * The chunks must not be modified after `feed`: the events' data, and a line that spans chunks,
 * are views into them. A view keeps its whole chunk's memory alive as long as it is held, and the
 * cap (`maxEventBytes`) counts the bytes of the views, not the chunks behind them. Pieces under
 * 512 bytes (a trickled line, many short data lines) are copied together instead, so that memory
 * stays proportional to the bytes held (see SegmentList).
 *
 * Hot path: each chunk is searched with its own `indexOf` (on Node, a chunk is a Buffer, whose
 * `indexOf` is a native memchr), once for CR and once for LF, and those positions are reused
 * until passed, so a chunk costs O(length) whatever its line endings. A line that spans chunks is
 * held as a list of views; only its first bytes (the field name) are copied when it ends, never
 * its value: a 64 MiB data line in 16 KiB chunks is 4096 views.
 */
export class SseByteParser extends SseFields {
  private atStreamStart = true;
  /** How many bytes of the BOM the stream has started with so far, and their chunks (see skipBom). */
  private bomMatched = 0;
  private bomChunks: Uint8Array[] = [];
  /** The previous chunk ended in CR: an LF opening the next chunk belongs to it. */
  private afterCr = false;
  /** The line that spans chunks. */
  private pending = new SegmentList();
  /** The event's data so far. */
  private data = new SegmentList();
  private dataLines = 0;
  /** The last non-empty event type: servers repeat one or two, reused rather than decoded again. */
  private lastType = '';

  constructor(
    private readonly onEvent: (event: SseByteEvent) => void,
    options: SseParserOptions = {},
  ) {
    super(options);
  }

  /**
   * Parses one chunk of bytes, which is kept (views): do not modify it afterwards. Throws
   * `SseEventTooLargeError` when an event outgrows the cap.
   */
  feed(chunk: Uint8Array): void {
    const length = chunk.length;
    if (length === 0) return;
    let pos = 0;
    if (this.atStreamStart) {
      pos = this.skipBom(chunk);
      if (pos === -1) return;
    }
    if (this.afterCr) {
      this.afterCr = false;
      if (chunk[pos] === LF) pos++;
    }
    let cr = chunk.indexOf(CR, pos);
    let lf = chunk.indexOf(LF, pos);
    if (cr === -1) {
      pos = this.feedLf(chunk, pos, lf);
      lf = -1;
    }
    while (cr !== -1 || lf !== -1) {
      const end = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      if (this.pending.bytes > 0) {
        if (end > pos) this.pending.push(chunk.subarray(pos, end));
        this.takePending();
      } else {
        this.line(chunk, pos, end);
      }
      pos = end + 1;
      if (end === cr) {
        if (pos === length) this.afterCr = true;
        else if (chunk[pos] === LF) pos++;
        cr = chunk.indexOf(CR, pos);
      }
      if (lf !== -1 && lf < pos) lf = chunk.indexOf(LF, pos);
    }
    if (pos < length) {
      this.pending.push(pos === 0 ? chunk : chunk.subarray(pos));
      if (this.pending.bytes + this.data.bytes > this.max) this.tooLarge();
    }
  }

  /**
   * The common case, a chunk without CR: lines end at LF only, and a blank line right after a
   * line (LF LF, the end of most events) is dispatched without another search. Returns where the
   * unterminated rest of the chunk starts.
   */
  private feedLf(chunk: Uint8Array, pos: number, lf: number): number {
    if (lf !== -1 && this.pending.bytes > 0) {
      if (lf > pos) this.pending.push(chunk.subarray(pos, lf));
      this.takePending();
      pos = lf + 1;
      lf = chunk.indexOf(LF, pos);
    }
    while (lf !== -1) {
      this.line(chunk, pos, lf);
      if (chunk[lf + 1] === LF) {
        this.dispatch();
        lf++;
      }
      pos = lf + 1;
      lf = chunk.indexOf(LF, pos);
    }
    return pos;
  }

  /** End of stream: the unterminated last line is processed and an open event dispatched. */
  end(): void {
    if (this.atStreamStart) this.notBom();
    if (this.pending.bytes > 0) this.takePending();
    this.dispatch();
  }

  /**
   * At stream start: the position after a BOM in `chunk`, 0 when the stream does not start with
   * one, or -1 when the chunk is all BOM so far (the BOM can be split across the first chunks:
   * those chunks are held until it is complete or ruled out).
   */
  private skipBom(chunk: Uint8Array): number {
    let at = 0;
    while (this.bomMatched < 3 && at < chunk.length && chunk[at] === BOM[this.bomMatched]) {
      this.bomMatched++;
      at++;
    }
    if (this.bomMatched === 3) {
      this.atStreamStart = false;
      this.bomChunks = [];
      return at;
    }
    if (at === chunk.length) {
      this.bomChunks.push(chunk);
      return -1;
    }
    this.notBom();
    return 0;
  }

  /** What looked like the start of a BOM was not one: those bytes begin the first line. */
  private notBom(): void {
    this.atStreamStart = false;
    for (const held of this.bomChunks) this.pending.push(held);
    this.bomChunks = [];
  }

  /**
   * Processes `buf[start, end)`, one line without its terminator, held in one chunk. `buf[end]`
   * is the terminator or past the view. The usual fields are recognised by their prefix (name and
   * colon) first; `field` sorts out the rest.
   */
  private line(buf: Uint8Array, start: number, end: number): void {
    if (start === end) {
      this.dispatch();
    } else if (buf[start + 4] === COLON && isData(buf, start)) {
      this.appendData(buf, buf[start + 5] === SPACE ? start + 6 : start + 5, end);
    } else if (buf[start + 2] === COLON && buf[start] === 0x69 && buf[start + 1] === 0x64) {
      this.setId(decodeValue(buf, buf[start + 3] === SPACE ? start + 4 : start + 3, end));
    } else if (buf[start + 5] === COLON && isEvent(buf, start)) {
      this.setEventType(decodeValue(buf, buf[start + 6] === SPACE ? start + 7 : start + 6, end, this.lastType));
    } else if (buf[start] !== COLON) {
      // Not a comment: a field without a space after its colon, `retry`, or an unknown one.
      const found = field(buf, start, end);
      const kind = found & 7;
      if (kind === NONE) return;
      const valueStart = start + (found >> 3);
      if (kind === DATA) this.appendData(buf, valueStart, end);
      else this.setField(kind, decodeValue(buf, valueStart, end, kind === EVENT ? this.lastType : ''));
    }
  }

  /**
   * Processes the line held in `pending` (its terminator has arrived or the stream ended) and
   * clears it. The field name is found in a copy of the first bytes; a data value is taken as
   * views, other values (short) are joined and decoded.
   */
  private takePending(): void {
    const total = this.pending.bytes;
    const parts = this.pending.take();
    if (parts.length === 1) {
      this.line(parts[0], 0, total);
      return;
    }
    let copied = 0;
    for (let i = 0; copied < HEAD_BYTES && i < parts.length; i++) {
      const part = parts[i];
      for (let j = 0; j < part.length && copied < HEAD_BYTES; j++) head[copied++] = part[j];
    }
    if (head[0] === COLON) return; // comment
    const found = field(head, 0, copied);
    const kind = found & 7;
    if (kind === NONE) return;
    // The value: skip its offset across the parts, then the rest of that part and all later ones.
    let skip = found >> 3;
    let first = 0;
    while (first < parts.length && skip >= parts[first].length) skip -= parts[first++].length;
    if (kind === DATA) {
      if (this.dataLines > 0) this.data.push(LF_SEGMENT);
      if (first < parts.length) {
        this.data.push(skip === 0 ? parts[first] : parts[first].subarray(skip));
        for (let i = first + 1; i < parts.length; i++) this.data.push(parts[i]);
      }
      this.dataLines++;
      if (this.data.bytes > this.max) this.tooLarge();
      return;
    }
    let value = '';
    if (first < parts.length) {
      const bytes = new Uint8Array(total - (found >> 3));
      let at = 0;
      for (let i = first; i < parts.length; i++) {
        const part = i === first ? parts[i].subarray(skip) : parts[i];
        bytes.set(part, at);
        at += part.length;
      }
      value = decoder.decode(bytes);
    }
    this.setField(kind, value);
  }

  /** A data line's value `buf[start, end)` (start may pass end: empty value), appended as a view. */
  private appendData(buf: Uint8Array, start: number, end: number): void {
    // The first line is always kept as a view: one per event is bounded by the events themselves,
    // and copying it cost 80 % of the throughput on small events (a typed array per event).
    if (this.dataLines > 0) this.data.push(LF_SEGMENT);
    if (end > start) this.data.push(buf.subarray(start, end), this.dataLines === 0);
    this.dataLines++;
    // Nothing is pending here: a completed line has left `pending`.
    if (this.data.bytes > this.max) this.tooLarge();
  }

  /** An `event`, `id` or `retry` field with its decoded value, as in `SseParser.line`. */
  private setField(kind: number, value: string): void {
    if (kind === EVENT) {
      this.setEventType(value);
    } else if (kind === ID) {
      this.setId(value);
    } else {
      this.setRetry(value);
    }
  }

  private setEventType(value: string): void {
    this.eventType = value;
    if (value !== '') this.lastType = value;
  }

  private dispatch(): void {
    let event: SseByteEvent | undefined;
    if (this.dataLines > 0) {
      // Made whole rather than grown: a property added to an object literal costs a new backing store.
      const { dataLines, eventType, eventId } = this;
      const dataBytes = this.data.bytes;
      // The receiver owns the list: the next event starts a new one.
      const data = this.data.take();
      if (eventType !== '') {
        event = eventId !== undefined ? { data, dataBytes, dataLines, event: eventType, id: eventId } : { data, dataBytes, dataLines, event: eventType };
      } else {
        event = eventId !== undefined ? { data, dataBytes, dataLines, id: eventId } : { data, dataBytes, dataLines };
      }
      if (this.retry !== undefined) event.retry = this.retry;
      this.dataLines = 0;
    }
    this.endEvent();
    if (event !== undefined) this.onEvent(event);
  }

  /** The cap is exact here: bytes of the pending line plus bytes of the joined data. */
  private tooLarge(): never {
    this.pending.clear();
    this.data.clear();
    this.dataLines = 0;
    throw new SseEventTooLargeError(this.max);
  }
}

/**
 * `buf[start, end)` decoded (empty when `start >= end`). `cached` is returned when the bytes are
 * its characters, all ASCII (a repeated event type). Short ASCII values (ids, types) are built in
 * JS, up to 8 characters in one `String.fromCharCode` call: a `TextDecoder` call, with the view it
 * needs, costs about three times as much, and appending a character at a time allocates a string
 * per character (ids alone cost a third of the throughput on small events that way).
 */
function decodeValue(buf: Uint8Array, start: number, end: number, cached = ''): string {
  const length = end - start;
  if (length <= 0) return '';
  if (length === cached.length) {
    let i = 0;
    while (i < length && buf[start + i] < 0x80 && buf[start + i] === cached.charCodeAt(i)) i++;
    if (i === length) return cached;
  }
  if (length > SHORT_VALUE) return decoder.decode(buf.subarray(start, end));
  let any = 0;
  for (let i = start; i < end; i++) any |= buf[i];
  if (any >= 0x80) return decoder.decode(buf.subarray(start, end));
  const b = buf;
  const s = start;
  switch (length) {
    case 1: return String.fromCharCode(b[s]);
    case 2: return String.fromCharCode(b[s], b[s + 1]);
    case 3: return String.fromCharCode(b[s], b[s + 1], b[s + 2]);
    case 4: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
  }
  let text = '';
  let i = start;
  for (; i + 4 <= end; i += 4) text += String.fromCharCode(buf[i], buf[i + 1], buf[i + 2], buf[i + 3]);
  for (; i < end; i++) text += String.fromCharCode(buf[i]);
  return text;
}

/**
 * The known field the line `buf[start, end)` sets (the line is neither empty nor a comment) and
 * where its value starts, packed as `kind | offset << 3` (offset from `start`) so that the hot path
 * allocates nothing; `NONE` for an unknown field. Known names are at most 5 bytes, so only the
 * first 6 bytes are searched for the colon: a line without one among them sets an unknown field
 * whatever follows, and a long colon-less line is not scanned to its end.
 */
function field(buf: Uint8Array, start: number, end: number): number {
  const limit = end - start < 6 ? end : start + 6;
  let colon = start + 1;
  while (colon < limit && buf[colon] !== COLON) colon++;
  let valueStart: number;
  if (colon < limit) valueStart = colon + 1 < end && buf[colon + 1] === SPACE ? colon + 2 : colon + 1;
  else if (colon === end) valueStart = end; // no colon: the whole line is the name, the value is empty
  else return NONE;
  let kind = NONE;
  switch (colon - start) {
    case 4:
      if (isData(buf, start)) kind = DATA;
      break;
    case 5:
      if (isEvent(buf, start)) kind = EVENT;
      else if (isRetry(buf, start)) kind = RETRY;
      break;
    case 2:
      if (buf[start] === 0x69 && buf[start + 1] === 0x64) kind = ID;
      break;
  }
  return kind === NONE ? NONE : kind | ((valueStart - start) << 3);
}

// Whether the name at `buf[start]` is "data", "event" or "retry"; the caller has checked its
// length (or the colon after it). Bytes: a 61, d 64, e 65, i 69, n 6e, r 72, t 74, v 76, y 79.
function isData(buf: Uint8Array, start: number): boolean {
  return buf[start] === 0x64 && buf[start + 1] === 0x61 && buf[start + 2] === 0x74 && buf[start + 3] === 0x61;
}
function isEvent(buf: Uint8Array, start: number): boolean {
  return buf[start] === 0x65 && buf[start + 1] === 0x76 && buf[start + 2] === 0x65 && buf[start + 3] === 0x6e && buf[start + 4] === 0x74;
}
function isRetry(buf: Uint8Array, start: number): boolean {
  return buf[start] === 0x72 && buf[start + 1] === 0x65 && buf[start + 2] === 0x74 && buf[start + 3] === 0x72 && buf[start + 4] === 0x79;
}
