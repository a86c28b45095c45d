/** What the SSE parsers (text and bytes) are configured with, and what they report for resumption. */

/**
 * What a transport needs to resume a stream: the last event ID (persists across events, as the
 * WHATWG "last event ID buffer" does) and the reconnection time the server asked for.
 * Pass one in `SseParserOptions.cursor` and read it after the stream drops.
 */
export interface SseCursor {
  lastEventId: string;
  retryMs?: number;
}

export interface SseParserOptions {
  /** Cap on one event: its pending line plus its joined data, in UTF-8 bytes. Default: none. */
  maxEventBytes?: number;
  /** Updated as the stream is parsed; created fresh when not given. */
  cursor?: SseCursor;
}
