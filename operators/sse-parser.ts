import { SseEventTooLargeError } from './errors';
import { SseFields } from './sse-fields';
import type { SseParserOptions } from './sse-options';
import { TextAccumulator } from './text-accumulator';
import { utf8Length } from './utf8-length';

/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `data` lines of the event joined with "\n" (may be empty: `data:` with no value). */
  data: string;
  /** The `event` field, when the event had a non-empty one. */
  event?: string;
  /** The `id` field, when this event carried one (without NUL). See `SseCursor` for the last one. */
  id?: string;
  /** A valid `retry` field (milliseconds) seen since the previous event. */
  retry?: number;
}

const LF = 10;
const COLON = 58;
const SPACE = 32;
const BOM = 0xfeff;

/**
 * The WHATWG event-stream interpretation as a push parser: `feed` text, events come out of
 * `onEvent`, `end` flushes an event still open when the stream ends (the reference wrapper
 * delivers it and servers that end the body abruptly rely on it).
 *
 * Hot path: each chunk is searched once for CR and once for LF, and those positions are reused
 * until passed, so a chunk costs O(length) whatever its line endings (searching both on every
 * line is quadratic when one kind is rare). A line spanning chunks is held as fragments and
 * joined once when its terminator arrives.
 */
export class SseParser extends SseFields {
  private atStreamStart = true;
  /** The previous chunk ended in CR: an LF opening the next chunk belongs to it. */
  private afterCr = false;
  /** The line that spans chunks so far. */
  private readonly pending = new TextAccumulator();
  /** UTF-8 bytes of `pending` once `pendingCounted`, and of data[0, dataCounted): see checkSize. */
  private pendingCounted = false;
  private pendingBytes = 0;
  private dataCounted = 0;
  private dataBytes = 0;
  private data = '';
  private dataLines = 0;

  constructor(
    private readonly onEvent: (event: SseEvent) => void,
    options: SseParserOptions = {},
  ) {
    super(options);
  }

  /** Parses one chunk of text. Throws `SseEventTooLargeError` when an event outgrows the cap. */
  feed(chunk: string): void {
    let pos = 0;
    if (this.atStreamStart && chunk.length > 0) {
      this.atStreamStart = false;
      if (chunk.charCodeAt(0) === BOM) pos = 1;
    }
    if (this.afterCr && chunk.length > 0) {
      this.afterCr = false;
      if (chunk.charCodeAt(pos) === LF) pos++;
    }
    let cr = chunk.indexOf('\r', pos);
    let lf = chunk.indexOf('\n', pos);
    if (cr === -1) {
      pos = this.feedLf(chunk, pos, lf);
      lf = -1;
    }
    while (cr !== -1 || lf !== -1) {
      const end = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      if (this.pending.length > 0) {
        const line = this.takePending(chunk.slice(pos, end));
        this.line(line, 0, line.length);
      } else {
        this.line(chunk, pos, end);
      }
      pos = end + 1;
      if (end === cr) {
        if (pos === chunk.length) this.afterCr = true;
        else if (chunk.charCodeAt(pos) === LF) pos++;
        cr = chunk.indexOf('\r', pos);
      }
      if (lf !== -1 && lf < pos) lf = chunk.indexOf('\n', pos);
    }
    if (pos < chunk.length) {
      const rest = pos === 0 ? chunk : chunk.slice(pos);
      this.pending.push(rest);
      this.checkSize(rest);
    }
  }

  /**
   * The common case, a chunk without CR and no line pending: lines end at LF only, `data:` lines
   * are recognised by their prefix and a lone `data:` line followed by a blank line is dispatched
   * without going through `line` twice. Returns where the unterminated rest of the chunk starts.
   */
  private feedLf(chunk: string, pos: number, lf: number): number {
    if (lf !== -1 && this.pending.length > 0) {
      const line = this.takePending(chunk.slice(pos, lf));
      this.line(line, 0, line.length);
      pos = lf + 1;
      lf = chunk.indexOf('\n', pos);
    }
    while (lf !== -1) {
      if (lf === pos) {
        this.dispatch();
      } else if (isData(chunk, pos) && chunk.charCodeAt(pos + 4) === COLON) {
        const valueStart = chunk.charCodeAt(pos + 5) === SPACE ? pos + 6 : pos + 5;
        const value = valueStart >= lf ? '' : chunk.slice(valueStart, lf);
        this.data = this.dataLines === 0 ? value : this.data + '\n' + value;
        this.dataLines++;
        this.checkSize();
        if (chunk.charCodeAt(lf + 1) === LF) {
          this.dispatch();
          lf++;
        }
      } else if (isId(chunk, pos) && chunk.charCodeAt(pos + 2) === COLON) {
        const valueStart = chunk.charCodeAt(pos + 3) === SPACE ? pos + 4 : pos + 3;
        this.setId(valueStart >= lf ? '' : chunk.slice(valueStart, lf));
      } else if (isEvent(chunk, pos) && chunk.charCodeAt(pos + 5) === COLON) {
        const valueStart = chunk.charCodeAt(pos + 6) === SPACE ? pos + 7 : pos + 6;
        this.eventType = valueStart >= lf ? '' : chunk.slice(valueStart, lf);
      } else {
        this.line(chunk, pos, lf);
      }
      pos = lf + 1;
      lf = chunk.indexOf('\n', pos);
    }
    return pos;
  }

  /** End of stream: the unterminated last line is processed and an open event dispatched. */
  end(): void {
    if (this.pending.length > 0) {
      const line = this.takePending();
      this.line(line, 0, line.length);
    }
    this.dispatch();
  }

  /** The line that spanned chunks, ending with `last`, joined once; the pending state is cleared. */
  private takePending(last = ''): string {
    this.pendingCounted = false;
    this.pendingBytes = 0;
    return this.pending.take(last);
  }

  /** Processes `text[start, end)`, one line without its terminator. */
  private line(text: string, start: number, end: number): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    const first = text.charCodeAt(start);
    if (first === COLON) return; // comment
    // Searched up to the line end only: `text.indexOf(':', start)` runs on to the next colon in
    // the chunk, which is quadratic over a chunk of colon-less lines (a bare `data` is valid).
    let colon = start + 1;
    while (colon < end && text.charCodeAt(colon) !== COLON) colon++;
    let value: string;
    if (colon === end) {
      value = '';
    } else {
      const valueStart = text.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1;
      value = valueStart >= end ? '' : text.slice(valueStart, end);
    }
    // Field names are matched in place, by length and then char codes: slicing each name out
    // allocated a string per line, which cost 3-7% of parse throughput on small events.
    switch (colon - start) {
      case 4:
        if (isData(text, start)) {
          this.data = this.dataLines === 0 ? value : this.data + '\n' + value;
          this.dataLines++;
          this.checkSize();
        }
        return;
      case 5:
        if (isEvent(text, start)) {
          this.eventType = value;
        } else if (isRetry(text, start)) {
          this.setRetry(value);
        }
        return;
      case 2:
        if (isId(text, start)) this.setId(value);
        return;
      default:
        return; // unknown fields are ignored
    }
  }

  private dispatch(): void {
    let event: SseEvent | undefined;
    if (this.dataLines > 0) {
      event = { data: this.data };
      if (this.eventType !== '') event.event = this.eventType;
      if (this.eventId !== undefined) event.id = this.eventId;
      if (this.retry !== undefined) event.retry = this.retry;
    }
    this.data = '';
    this.dataLines = 0;
    this.dataCounted = 0;
    this.dataBytes = 0;
    this.endEvent();
    if (event !== undefined) this.onEvent(event);
  }

  /**
   * The cap is in UTF-8 bytes. Nothing is counted while the event is under a third of it (3 bytes
   * per UTF-16 unit at most); past that, each character is counted once, incrementally.
   */
  private checkSize(fresh = ''): void {
    const units = this.pending.length + this.data.length;
    if (units * 3 <= this.max) return;
    if (units <= this.max) {
      this.dataBytes += utf8Length(this.data, this.dataCounted);
      this.dataCounted = this.data.length;
      // Only `fresh` (the fragment just pushed) is new since the last check, once counting began.
      if (this.pendingCounted) this.pendingBytes += utf8Length(fresh);
      else if (this.pending.length > 0) {
        this.pendingBytes = this.pending.utf8Length();
        this.pendingCounted = true;
      }
      if (this.dataBytes + this.pendingBytes <= this.max) return;
    }
    this.pending.clear();
    this.pendingCounted = false;
    this.pendingBytes = 0;
    this.data = '';
    this.dataLines = 0;
    this.dataCounted = 0;
    this.dataBytes = 0;
    throw new SseEventTooLargeError(this.max);
  }
}

// Whether the field name at `text[start]` is "data", "event", "retry" or "id"; the caller has
// checked its length. Char codes: a 61, d 64, e 65, i 69, n 6e, r 72, t 74, v 76, y 79.
function isData(text: string, start: number): boolean {
  return text.charCodeAt(start) === 0x64 && text.charCodeAt(start + 1) === 0x61 && text.charCodeAt(start + 2) === 0x74 && text.charCodeAt(start + 3) === 0x61;
}
function isEvent(text: string, start: number): boolean {
  return (
    text.charCodeAt(start) === 0x65 &&
    text.charCodeAt(start + 1) === 0x76 &&
    text.charCodeAt(start + 2) === 0x65 &&
    text.charCodeAt(start + 3) === 0x6e &&
    text.charCodeAt(start + 4) === 0x74
  );
}
function isRetry(text: string, start: number): boolean {
  return (
    text.charCodeAt(start) === 0x72 &&
    text.charCodeAt(start + 1) === 0x65 &&
    text.charCodeAt(start + 2) === 0x74 &&
    text.charCodeAt(start + 3) === 0x72 &&
    text.charCodeAt(start + 4) === 0x79
  );
}
function isId(text: string, start: number): boolean {
  return text.charCodeAt(start) === 0x69 && text.charCodeAt(start + 1) === 0x64;
}
