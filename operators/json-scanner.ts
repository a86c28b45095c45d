import { DIGIT, WHITESPACE } from './json-byte-classes';
import { JsonRpcMembers, Level, Member, capturesScalar, decodeCaptured, decodeJsonString, levelOf, memberFor } from './json-rpc-members';
import type { JsonKind, JsonScanError, JsonScanOptions, JsonScanResult } from './json-scan-result';
import { END as STRING_END, INVALID as STRING_INVALID, invalidReason } from './json-string-dfa';
import { StringCursor, chunkWords, scanString } from './json-string-run';

/*
 * Scanner states. The structural ones (below STRING) skip whitespace first; RFC 8259 §2:
 *
 *     JSON-text = ws value ws
 *     begin-array = ws %x5B ws, begin-object = ws %x7B ws, end-array = ws %x5D ws,
 *     end-object = ws %x7D ws, name-separator = ws %x3A ws, value-separator = ws %x2C ws
 */
/** `value = false / null / true / object / array / number / string` (§3) is expected. */
const VALUE = 0;
/** After `[`: `array = begin-array [ value *( value-separator value ) ] end-array` (§5): a value or `]`. */
const ARRAY_FIRST = 1;
/** After `{`: `object = begin-object [ member *( value-separator member ) ] end-object` (§4): a name or `}`. */
const OBJECT_FIRST = 2;
/** After a `,` in an object: `member = string name-separator value`: a name, and no `}` (no trailing comma). */
const KEY = 3;
/** After a member's name: `name-separator`. */
const COLON = 4;
/** After a value inside a container: `value-separator` or the container's end. */
const AFTER = 5;
/** After the top-level value: `ws` only. */
const DONE = 6;
/** Inside a string (a name or a value): its content is run through the DFA of json-string-dfa.ts. */
const STRING = 7;
/*
 * Numbers, §6: `number = [ minus ] int [ frac ] [ exp ]`, `int = zero / ( digit1-9 *DIGIT )`,
 * `frac = decimal-point 1*DIGIT`, `exp = e [ minus / plus ] 1*DIGIT`. A number ends at the first
 * byte that cannot continue it, which is then read in the state after the value.
 */
/** After `-`: an `int` must follow. */
const MINUS = 8;
/** After a leading `0`: no more digits (no leading zeros), only `frac`, `exp` or the end. */
const ZERO = 9;
/** In `digit1-9 *DIGIT`. */
const INT = 10;
/** After `.`: `1*DIGIT` must follow. */
const DOT = 11;
/** In the fraction's digits. */
const FRAC = 12;
/** After `e` / `E`: a sign or a digit. */
const EXP = 13;
/** After the exponent's sign: a digit. */
const EXP_SIGN = 14;
/** In the exponent's digits. */
const EXP_DIGITS = 15;
/** Inside `false = %x66.61.6c.73.65`, `null = %x6e.75.6c.6c` or `true = %x74.72.75.65` (§3). */
const LITERAL = 16;
const FAILED = 17;

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const TRUE = ascii('true');
const FALSE = ascii('false');
const NULL = ascii('null');

/**
 * Below this length a chunk is scanned byte by byte only: the Int32Array view of its words costs
 * about as much as the word loop saves on a few dozen bytes.
 */
const WORDS_MIN_CHUNK = 64;
/** Open containers: one byte each (see `open`), grown by doubling. No depth limit (see the class). */
const INITIAL_DEPTH = 64;

/**
 * A one-pass JSON validator over UTF-8 bytes that extracts what JSON-RPC routing needs (see
 * JsonRpcScan), so that a large message can be forwarded as the bytes received without being
 * decoded into a string and parsed (which holds it about three times over).
 *
 * - Accepts exactly what `JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
 *   .decode(bytes))` accepts: RFC 8259 with JSON.parse's choices (any `\uXXXX`, lone surrogates
 *   included), and only valid UTF-8 (RFC 3629: no overlong forms, no encoded surrogates, nothing
 *   above U+10FFFF). A leading BOM is rejected, as JSON.parse rejects U+FEFF.
 * - Chunks may be cut anywhere, inside a UTF-8 sequence, an escape, a number or a literal: every
 *   state is resumable at any byte. No string is made of the document; only the few captured
 *   keys and scalars are decoded (up to `maxCaptureBytes` each).
 * - No depth limit, and no recursion: the open containers are a byte each on an explicit stack,
 *   so nesting costs one byte per level (100,000 levels: 100 KB) and the depth is bounded by the
 *   message size cap, as for JSON.parse (V8's parser is iterative too).
 *
 * Use: `feed` each chunk in order, then `end` once. Chunks are not kept (captured pieces are
 * copied), so they may be reused after `feed` returns.
 *
 * Speed (bench/json-scanner.bench.ts, 64 MiB messages, Node 20, CPU time on a loaded 2-core VM):
 * ~1.2-1.6 GB/s on ASCII string content, ~300-340 MB/s on mixed text (accents, CJK, emoji,
 * escapes), ~200 MB/s on structure-heavy JSON; decode + JSON.parse ran at ~110, ~60 and ~35 MB/s
 * and holds the message ~3 times. Its fixed cost (~3 µs) makes JSON.parse faster below ~2 KiB;
 * the two are level up to ~8 KiB, and from ~32 KiB the scanner is 3-10 times faster.
 */
export class JsonRpcScanner {
  private state = VALUE;
  /** Bytes fed before the current chunk. */
  private offset = 0;
  /** One byte per open container: bit 0 set for an array, its Level (objects only) above. */
  private stack = new Uint8Array(INITIAL_DEPTH);
  private depth = 0;
  private top: JsonKind = 'null';
  /** The string being read is a member's name. */
  private inKey = false;
  private readonly string = new StringCursor();
  private literal = TRUE;
  private literalAt = 0;
  /** The member named by the last name read at a tracked level, for the value that follows. */
  private pendingMember: Member = Member.None;
  /**
   * A key or a member's scalar being captured: where it started in the current chunk (0 when it
   * started in an earlier one, whose bytes are copied in `captured`), and for a scalar its member.
   */
  private capturing = false;
  private captureStart = 0;
  private captured: Uint8Array[] | undefined;
  private capturedBytes = 0;
  private captureMember: Member = Member.None;
  private captureKind: JsonKind = 'string';
  private failure: JsonScanError | undefined;
  private readonly members = new JsonRpcMembers();
  private readonly maxCapture: number;

  constructor(options: JsonScanOptions = {}) {
    this.maxCapture = options.maxCaptureBytes ?? 4096;
  }

  /** Scans the next chunk of the document. After a failure, chunks are ignored (`end` reports it). */
  feed(chunk: Uint8Array): void {
    let state = this.state;
    if (state === FAILED) return;
    const n = chunk.length;
    const aligned = n >= WORDS_MIN_CHUNK ? chunkWords(chunk) : undefined;
    let i = 0;
    while (i < n) {
      if (state === STRING) {
        // The hot path: the string's bytes through its DFA, until the closing quote or the chunk's end.
        const cursor = this.string;
        i = scanString(chunk, i, n, aligned, cursor);
        if (cursor.state === STRING_END) {
          cursor.state = 0;
          state = this.stringEnded(chunk, i);
        } else if (cursor.state === STRING_INVALID) {
          return this.fail(i - 1, invalidReason(cursor.before, chunk[i - 1]!));
        }
        continue;
      }
      const b = chunk[i]!;
      if (state < STRING && WHITESPACE[b] === 1) {
        i++;
        continue;
      }
      switch (state) {
        case VALUE:
        case ARRAY_FIRST:
          if (b === 0x22) {
            this.valueStarts('string', i);
            state = STRING;
          } else if (b === 0x7b) {
            this.open(false);
            state = OBJECT_FIRST;
          } else if (b === 0x5b) {
            this.open(true);
            state = ARRAY_FIRST;
          } else if (b === 0x5d && state === ARRAY_FIRST) {
            state = this.close();
          } else if (b === 0x2d || DIGIT[b] === 1) {
            this.valueStarts('number', i);
            state = b === 0x2d ? MINUS : b === 0x30 ? ZERO : INT;
          } else if (b === 0x74 || b === 0x66 || b === 0x6e) {
            this.valueStarts(b === 0x6e ? 'null' : 'boolean', i);
            this.literal = b === 0x74 ? TRUE : b === 0x66 ? FALSE : NULL;
            this.literalAt = 1;
            state = LITERAL;
          } else return this.fail(i, unexpected(b));
          i++;
          break;
        case OBJECT_FIRST:
        case KEY:
          if (b === 0x22) {
            this.keyStarts(i);
            state = STRING;
          } else if (b === 0x7d && state === OBJECT_FIRST) {
            state = this.close();
          } else return this.fail(i, state === KEY ? 'Expected double-quoted property name' : "Expected property name or '}'");
          i++;
          break;
        case COLON:
          if (b !== 0x3a) return this.fail(i, "Expected ':' after property name");
          state = VALUE;
          i++;
          break;
        case AFTER: {
          const inArray = (this.stack[this.depth - 1]! & 1) === 1;
          if (b === 0x2c) state = inArray ? VALUE : KEY;
          else if (b === (inArray ? 0x5d : 0x7d)) state = this.close();
          else return this.fail(i, inArray ? "Expected ',' or ']' after array element" : "Expected ',' or '}' after property value");
          i++;
          break;
        }
        case DONE:
          return this.fail(i, 'Unexpected non-whitespace character after JSON');
        case MINUS:
          if (DIGIT[b] !== 1) return this.fail(i, 'No number after minus sign');
          state = b === 0x30 ? ZERO : INT;
          i++;
          break;
        case INT:
        case FRAC:
        case EXP_DIGITS:
          while (i < n && DIGIT[chunk[i]!] === 1) i++;
          if (i < n) state = this.afterDigits(state, chunk, i);
          if (state === DOT || state === EXP) i++;
          break;
        case ZERO:
          state = this.afterDigits(state, chunk, i);
          if (state === DOT || state === EXP) i++;
          break;
        case DOT:
          if (DIGIT[b] !== 1) return this.fail(i, 'Unterminated fractional number');
          state = FRAC;
          i++;
          break;
        case EXP:
          if (b === 0x2b || b === 0x2d) state = EXP_SIGN;
          else if (DIGIT[b] === 1) state = EXP_DIGITS;
          else return this.fail(i, 'Exponent part is missing a number');
          i++;
          break;
        case EXP_SIGN:
          if (DIGIT[b] !== 1) return this.fail(i, 'Exponent part is missing a number');
          state = EXP_DIGITS;
          i++;
          break;
        case LITERAL:
          if (b !== this.literal[this.literalAt]) return this.fail(i, unexpected(b));
          i++;
          if (++this.literalAt === this.literal.length) state = this.scalarEnded(chunk, i);
          break;
      }
    }
    if (this.capturing) this.keepCaptured(chunk.subarray(this.captureStart, n));
    this.offset += n;
    this.state = state;
  }

  /** The end of the document: the scan's result. Call once, after the last `feed`. */
  end(): JsonScanResult {
    if (this.failure !== undefined) return this.failure;
    let state = this.state;
    if (state === ZERO || state === INT || state === FRAC || state === EXP_DIGITS) state = this.scalarEnded(undefined, 0);
    if (state === DONE) return this.members.result(this.top, this.offset);
    this.fail(0, endMessage(state));
    return this.failure!;
  }

  /**
   * The byte at `i` follows the digits of a number in `state` (INT, FRAC, EXP_DIGITS or ZERO):
   * it continues the number (`.`: DOT, `e`: EXP; the caller consumes it) or ends it (the new
   * state reads it again).
   */
  private afterDigits(state: number, chunk: Uint8Array, i: number): number {
    const b = chunk[i]!;
    if (b === 0x2e && (state === INT || state === ZERO)) return DOT;
    if ((b === 0x65 || b === 0x45) && state !== EXP_DIGITS) return EXP;
    return this.scalarEnded(chunk, i);
  }

  /** A value's first byte, at `i` of the current chunk: the top level's kind, or a member's value. */
  private valueStarts(kind: JsonKind, i: number): void {
    if (this.depth === 0) this.top = kind;
    const member = this.pendingMember;
    if (member === Member.None) return;
    this.pendingMember = Member.None;
    if (!capturesScalar(member)) {
      this.members.value(member, kind, undefined);
      return;
    }
    this.capturing = true;
    this.captureStart = i;
    this.captureMember = member;
    this.captureKind = kind;
  }

  /** `{` or `[`: pushed with the Level it opens (the top-level object, or a tracked member's object). */
  private open(isArray: boolean): void {
    let level: Level = Level.None;
    if (this.depth === 0) {
      this.top = isArray ? 'array' : 'object';
      if (!isArray) level = Level.Top;
    } else if (this.pendingMember !== Member.None) {
      const member = this.pendingMember;
      this.pendingMember = Member.None;
      this.members.value(member, isArray ? 'array' : 'object', undefined);
      if (!isArray) level = levelOf(member);
    }
    if (this.depth === this.stack.length) {
      const grown = new Uint8Array(this.stack.length * 2);
      grown.set(this.stack);
      this.stack = grown;
    }
    this.stack[this.depth++] = (level << 1) | (isArray ? 1 : 0);
  }

  /** `}` or `]`: the state after the container. */
  private close(): number {
    this.depth--;
    return this.depth === 0 ? DONE : AFTER;
  }

  /** A member name's opening quote at `i`: captured when its object is at a tracked path. */
  private keyStarts(i: number): void {
    this.inKey = true;
    if (this.stack[this.depth - 1]! >> 1 === Level.None) return;
    this.capturing = true;
    this.captureStart = i;
    this.captureMember = Member.None;
  }

  /** A string's closing quote, `end` just after it: the state that follows. */
  private stringEnded(chunk: Uint8Array, end: number): number {
    if (!this.inKey) return this.scalarEnded(chunk, end);
    this.inKey = false;
    if (this.capturing) {
      const literal = this.takeCaptured(chunk, end);
      const key = literal === undefined ? undefined : decodeJsonString(literal);
      const level = (this.stack[this.depth - 1]! >> 1) as Level;
      if (level === Level.Top) this.members.topKey(key);
      const member = key === undefined ? Member.None : memberFor(level, key);
      if (member !== Member.None) this.members.keyMet(member);
      this.pendingMember = member;
    }
    return COLON;
  }

  /** A scalar value ended just before `end` (of `chunk`; undefined at the end of input): the state that follows. */
  private scalarEnded(chunk: Uint8Array | undefined, end: number): number {
    if (this.capturing) {
      const text = this.takeCaptured(chunk, end);
      this.members.value(this.captureMember, this.captureKind, text);
    }
    return this.depth === 0 ? DONE : AFTER;
  }

  /** The captured bytes up to `end` of `chunk`, as text; undefined when longer than `maxCaptureBytes`. */
  private takeCaptured(chunk: Uint8Array | undefined, end: number): string | undefined {
    this.capturing = false;
    const tail = chunk === undefined ? new Uint8Array(0) : chunk.subarray(this.captureStart, end);
    const earlier = this.captured;
    const total = this.capturedBytes + tail.length;
    this.captured = undefined;
    this.capturedBytes = 0;
    if (total > this.maxCapture) return undefined;
    if (earlier === undefined) return decodeCaptured(tail);
    const whole = new Uint8Array(total);
    let at = 0;
    for (const piece of earlier) {
      whole.set(piece, at);
      at += piece.length;
    }
    whole.set(tail, at);
    return decodeCaptured(whole);
  }

  /** A capture goes on past this chunk: its bytes so far are copied (up to the cap, then only counted). */
  private keepCaptured(piece: Uint8Array): void {
    this.captureStart = 0;
    this.capturedBytes += piece.length;
    if (this.capturedBytes > this.maxCapture) this.captured = [];
    else (this.captured ??= []).push(piece.slice());
  }

  private fail(i: number, reason: string): void {
    const offset = this.offset + i;
    // As V8 words it: "<reason> in JSON at position N", "... after JSON at position N", or the end alone.
    const message = reason === END ? reason : reason.endsWith(' JSON') ? `${reason} at position ${offset}` : `${reason} in JSON at position ${offset}`;
    this.failure = { ok: false, offset, message };
    this.state = FAILED;
  }
}

const END = 'Unexpected end of JSON input';

function endMessage(state: number): string {
  if (state === STRING) return 'Unterminated string';
  if (state === MINUS) return 'No number after minus sign';
  if (state === DOT) return 'Unterminated fractional number';
  if (state === EXP || state === EXP_SIGN) return 'Exponent part is missing a number';
  return END;
}

function unexpected(b: number): string {
  return b > 0x20 && b < 0x7f ? `Unexpected token '${String.fromCharCode(b)}'` : `Unexpected byte ${hex(b)}`;
}

function hex(b: number): string {
  return `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Scans one whole document, given as one array or as the segments it was received in. */
export function scanJsonRpc(input: Uint8Array | readonly Uint8Array[], options?: JsonScanOptions): JsonScanResult {
  const scanner = new JsonRpcScanner(options);
  if (input instanceof Uint8Array) scanner.feed(input);
  else for (const segment of input) scanner.feed(segment);
  return scanner.end();
}
