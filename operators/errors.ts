/**
 * Typed errors raised by the stream operators. They carry the limit that was hit so that a
 * transport can turn them into a precise JSON-RPC error without parsing a message string.
 */

/** Base class: a frame (line, event, message) grew past its configured cap. */
export class FrameTooLargeError extends Error {
  constructor(
    /** What kind of frame overflowed: used in the message and by callers that map errors. */
    readonly frame: 'line' | 'event' | 'message',
    /** The configured cap, in the unit named by `unit`. */
    readonly limit: number,
    readonly unit: 'bytes' | 'characters' = 'characters',
  ) {
    super(`${frame} exceeds the limit of ${limit} ${unit}`);
    this.name = new.target.name;
  }
}

/** `splitLines` met a line longer than `maxLineBytes` (UTF-8 bytes). */
export class LineTooLongError extends FrameTooLargeError {
  constructor(
    limit: number,
    /** The line's first characters (the rest is discarded): where a request's id usually stands. */
    readonly head = '',
  ) {
    super('line', limit, 'bytes');
  }
}

/** `parseSse` buffered an event (pending line plus joined data) larger than `maxEventBytes`. */
export class SseEventTooLargeError extends FrameTooLargeError {
  constructor(limit: number) {
    super('event', limit, 'bytes');
  }
}
