import type { SseCursor, SseParserOptions } from './sse-options';

const DIGITS = /^[0-9]+$/;

/**
 * The per-event and per-stream state of the WHATWG event-stream interpretation that does not
 * depend on how lines are framed: the `event`, `id` and `retry` fields, and the last event ID
 * buffer. Shared by `SseParser` (text) and `SseByteParser` (bytes), so that the rules for those
 * fields live in one place.
 */
export abstract class SseFields {
  readonly cursor: SseCursor;
  /** Cap on one event (pending line plus data), in bytes. */
  protected readonly max: number;
  protected eventType = '';
  protected eventId: string | undefined;
  protected retry: number | undefined;
  /** The WHATWG "last event ID buffer": not reset between events. */
  private idBuffer: string;

  constructor(options: SseParserOptions) {
    this.cursor = options.cursor ?? { lastEventId: '' };
    this.idBuffer = this.cursor.lastEventId;
    this.max = options.maxEventBytes ?? Infinity;
  }

  /** An `id` field: ignored when it contains NUL, else both the event's id and the last event ID. */
  protected setId(value: string): void {
    if (value.indexOf('\0') !== -1) return;
    this.idBuffer = value;
    this.eventId = value;
  }

  /** A `retry` field: taken only when it is all ASCII digits; the cursor keeps it for reconnects. */
  protected setRetry(value: string): void {
    if (!DIGITS.test(value)) return;
    this.retry = parseInt(value, 10);
    this.cursor.retryMs = this.retry;
  }

  /** At a blank line: the last event ID becomes the cursor's, and the event's fields are reset. */
  protected endEvent(): void {
    this.cursor.lastEventId = this.idBuffer;
    this.eventType = '';
    this.eventId = undefined;
    this.retry = undefined;
  }
}
