/**
 * scanJsonRpc against JSON.parse, differentially: on random, mutated and adversarial byte strings,
 * the scanner finds a document valid exactly when `JSON.parse` of its fatal UTF-8 decoding
 * succeeds (the BOM kept: `ignoreBOM`, so that a leading U+FEFF reaches JSON.parse, which rejects
 * it), what it extracts is what the parsed value holds, and every chunking gives the same result.
 */
import fc from 'fast-check';
import { scanJsonRpc } from '../../operators/json-scanner';
import type { JsonKind, JsonRpcScan, JsonScanResult, ScannedValue } from '../../operators/json-scan-result';
import { concat, cutAt, oneByteChunks } from './support';

const encoder = new TextEncoder();
const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8 = (text: string): Uint8Array => encoder.encode(text);

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

/** The oracle. */
function parse(bytes: Uint8Array): Parsed {
  try {
    return { ok: true, value: JSON.parse(fatal.decode(bytes)) };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

function kindOf(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonKind;
}

const isObject = (value: unknown): value is Record<string, unknown> => kindOf(value) === 'object';

/** A member reported with kind, text and value: the text must parse back to the value. */
function expectScalarMember(scanned: ScannedValue | undefined, parsed: Record<string, unknown>, name: string): void {
  if (!Object.hasOwn(parsed, name)) return expect(scanned).toBeUndefined();
  const value = parsed[name];
  expect(scanned?.kind).toBe(kindOf(value));
  if (typeof value === 'object' && value !== null) return expect(scanned).toEqual({ kind: kindOf(value) });
  expect(scanned?.value).toEqual(value); // toEqual tells -0 from 0
  expect(JSON.parse(scanned!.text!)).toEqual(value);
}

function expectKindMember(scanned: ScannedValue | undefined, parsed: Record<string, unknown>, name: string): void {
  if (!Object.hasOwn(parsed, name)) expect(scanned).toBeUndefined();
  else expect(scanned).toEqual({ kind: kindOf(parsed[name]) });
}

function expectTyped<T extends string | number>(found: T | undefined, holder: unknown, name: string, type: 'string' | 'number'): void {
  const value = isObject(holder) && Object.hasOwn(holder, name) ? holder[name] : undefined;
  expect(found).toEqual(typeof value === type ? value : undefined);
}

/** What the scan must say of a document JSON.parse gave `value` for. */
function expectMembers(scan: JsonRpcScan, value: unknown): void {
  expect(scan.top).toBe(kindOf(value));
  if (!isObject(value)) {
    expect(Object.keys(scan).sort()).toEqual(['bytes', 'duplicateKeys', 'ok', 'top']);
    return;
  }
  expectScalarMember(scan.jsonrpc, value, 'jsonrpc');
  expectScalarMember(scan.id, value, 'id');
  expectScalarMember(scan.method, value, 'method');
  expectKindMember(scan.params, value, 'params');
  expectKindMember(scan.result, value, 'result');
  expectKindMember(scan.error, value, 'error');
  expectTyped(scan.errorCode, value['error'], 'code', 'number');
  const params = value['params'];
  expectTyped(scan.paramsName, params, 'name', 'string');
  expectTyped(scan.paramsUri, params, 'uri', 'string');
  expectTyped(scan.protocolVersion, isObject(params) ? params['_meta'] : undefined, 'io.modelcontextprotocol/protocolVersion', 'string');
}

/** The whole check for one byte string; `cuts` picks one random chunking. */
function expectAgrees(bytes: Uint8Array, cuts: readonly number[] = []): JsonScanResult {
  const scan = scanJsonRpc(bytes);
  const parsed = parse(bytes);
  if (scan.ok !== parsed.ok) {
    throw new Error(`disagree on ${JSON.stringify(Array.from(bytes))}: scanner ${JSON.stringify(scan)}, JSON.parse ${JSON.stringify(parsed)}`);
  }
  if (scan.ok && parsed.ok) {
    expect(scan.bytes).toBe(bytes.length);
    expectMembers(scan, parsed.value);
  } else if (!scan.ok) {
    expect(scan.offset).toBeGreaterThanOrEqual(0);
    expect(scan.offset).toBeLessThanOrEqual(bytes.length);
  }
  expect(scanJsonRpc(cutAt(bytes, cuts))).toEqual(scan);
  expect(scanJsonRpc(oneByteChunks(bytes))).toEqual(scan);
  expect(scanJsonRpc(misaligned(bytes, cuts.length % 4))).toEqual(scan);
  return scan;
}

/** `bytes` at offset `shift` of a larger buffer: the word loop must not care about alignment. */
function misaligned(bytes: Uint8Array, shift: number): Uint8Array {
  const buffer = new Uint8Array(bytes.length + shift);
  buffer.set(bytes, shift);
  return buffer.subarray(shift);
}

// ---- generators ----

/** Characters of every UTF-8 length, JSON escapes' targets, and lone surrogates (JSON.stringify escapes them). */
const textChar = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', '€', '中', '😀', '\ufeff', '\u2028', '\ud800', '\udfff') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
);
const text = (maxLength = 12) => fc.string({ unit: textChar, maxLength });

/**
 * A JSON string literal for `value`, each code point written raw (as JSON.stringify writes it)
 * or as `\uXXXX` escapes, as `escapes` says: keys must be compared decoded.
 */
function literal(value: string, escapes: readonly boolean[]): string {
  let out = '"';
  let i = 0;
  for (const point of value) {
    if (escapes.length > 0 && escapes[i++ % escapes.length]) {
      for (let u = 0; u < point.length; u++) out += '\\u' + point.charCodeAt(u).toString(16).padStart(4, '0');
    } else {
      out += JSON.stringify(point).slice(1, -1);
    }
  }
  return out + '"';
}
const escapes = fc.array(fc.boolean(), { maxLength: 4 });
const stringText = fc.tuple(text(), escapes).map(([value, mask]) => literal(value, mask));

/** RFC 8259 §6 numbers, every part optional where the grammar allows: huge ones included. */
const numberText = fc
  .tuple(
    fc.constantFrom('', '-'),
    fc.oneof(fc.constant('0'), fc.tuple(fc.integer({ min: 1, max: 9 }), fc.stringMatching(/^[0-9]{0,25}$/)).map(([d, rest]) => `${d}${rest}`)),
    fc.option(fc.stringMatching(/^[0-9]{1,20}$/), { nil: undefined }),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.stringMatching(/^[0-9]{1,4}$/)), { nil: undefined }),
  )
  .map(([sign, int, frac, exp]) => `${sign}${int}${frac === undefined ? '' : '.' + frac}${exp === undefined ? '' : exp.join('')}`);

const ws = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n  ');
const scalarText = fc.oneof(numberText, stringText, fc.constantFrom('true', 'false', 'null', '1e400', '-0', '18446744073709551616'));
const anyText = fc.oneof({ weight: 3, arbitrary: scalarText }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) });

interface ObjectText {
  text: string;
  keys: string[];
}
/** An object whose keys come mostly from `names` (often repeated), written with random escapes and blanks. */
function objectOf(names: readonly string[], value: fc.Arbitrary<string>): fc.Arbitrary<ObjectText> {
  const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: text(6) });
  return fc.array(fc.tuple(key, escapes, value, ws, ws), { maxLength: 7 }).map((members) => ({
    text: '{' + members.map(([k, mask, v, a, b]) => `${a}${literal(k, mask)}${b}:${a}${v}${b}`).join(',') + '}',
    keys: members.map(([k]) => k),
  }));
}
const metaText = objectOf(['io.modelcontextprotocol/protocolVersion', 'progressToken', 'io.modelcontextprotocol/x'], anyText).map((o) => o.text);
const errorText = objectOf(['code', 'message', 'data'], fc.oneof(anyText, numberText)).map((o) => o.text);
const paramsText = fc.oneof(
  objectOf(['name', 'uri', '_meta', 'arguments'], fc.oneof(anyText, metaText)).map((o) => o.text),
  fc.array(fc.oneof(anyText, metaText), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  anyText,
);
/** Something shaped like a JSON-RPC message, with the keys it was written with. */
const messageText = objectOf(['jsonrpc', 'id', 'method', 'params', 'result', 'error', '__proto__'], fc.oneof(anyText, paramsText, errorText));

/** Top-level keys that occur more than once, in the order of their second occurrence. */
function duplicatesOf(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const key of keys) {
    if (seen.has(key) && !duplicates.includes(key)) duplicates.push(key);
    seen.add(key);
  }
  return duplicates;
}

/** Long strings (past the 64-byte word-loop threshold) of mixed content, as a result. */
const longMessage = fc
  .array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('abcdefgh', 'x', ' ', '0123') }, { weight: 1, arbitrary: textChar }), { minLength: 10, maxLength: 120 })
  .map((parts) => `{"jsonrpc":"2.0","id":1,"result":{"text":${JSON.stringify(parts.join(''))}}}`);

/** Several long strings in a row: a closing quote is followed by more content in the same word. */
const longArray = fc
  .array(fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom('abcdefg', 'xy', ' ') }, { weight: 1, arbitrary: textChar }), { maxLength: 30 }), { minLength: 1, maxLength: 6 })
  .map((strings) => JSON.stringify(strings.map((parts) => parts.join(''))));

const validDocument = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }).map((v) => JSON.stringify(v, null, 1)),
  messageText.map((m) => m.text),
  longMessage,
  longArray,
);

/** Bytes that matter to the grammar or to UTF-8. */
const interestingByte = fc.oneof(
  fc.constantFrom(...Array.from('"\\{}[],:0123456789-+.eEutrfalsn \t\n\r/', (c) => c.charCodeAt(0))),
  fc.constantFrom(0x00, 0x1f, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x0c, 0x0b),
  fc.integer({ min: 0, max: 255 }),
);
const mutation = fc.record({ at: fc.nat(), op: fc.constantFrom('replace', 'insert', 'delete', 'truncate', 'repeat'), byte: interestingByte });
type Mutation = { at: number; op: string; byte: number };

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = Array.from(bytes);
  for (const { at, op, byte } of mutations) {
    const i = out.length === 0 ? 0 : at % (out.length + (op === 'insert' ? 1 : 0));
    if (op === 'replace' && out.length > 0) out[i] = byte;
    else if (op === 'insert') out.splice(i, 0, byte);
    else if (op === 'delete') out.splice(i, 1);
    else if (op === 'truncate') out = out.slice(0, i);
    else if (op === 'repeat') out.splice(i, 0, ...out.slice(i, i + (byte % 8)));
  }
  return Uint8Array.from(out);
}

/** Token soup: near-JSON built from pieces that meet every state of the scanner, and raw bytes. */
const token = fc.oneof(
  fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '"a"', '"id"', '"method"', '1', '0', '-', '.', 'e', 'E', '+', '01', '1.5', 'true', 'fals', 'null', 'nul'),
  fc.constantFrom(' ', '\n', '\\', '\\u', '\\ud800', '\\u00e9', '\\n', '\\x', 'ab', '00e9', 'é', '😀', '\ufeff', '\u2028', '\t', '\u0000', '\f', '\u00a0'),
  interestingByte.map((b) => String.fromCharCode(b)),
);
const soup = fc.array(fc.tuple(token, fc.boolean()), { maxLength: 30 }).map((tokens) =>
  // A token is added as its UTF-8 (or, for a single char below 256, sometimes as that raw byte).
  concat(tokens.map(([t, raw]) => (raw && t.length === 1 && t.charCodeAt(0) < 256 ? Uint8Array.of(t.charCodeAt(0)) : utf8(t)))),
);

/**
 * A lead byte followed, most often, by as many bytes as it announces: the first from either side
 * of every RFC 3629 bound (7F|80, 8F|90, 9F|A0, BF|C0), the others mostly valid continuations.
 */
const leadByte = fc.constantFrom(0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xff);
const announced = (lead: number): number => (lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0);
const sequence = fc
  .tuple(leadByte, fc.constantFrom(0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0), fc.array(fc.constantFrom(0x80, 0xbf, 0xbf, 0x80, 0x22, 0xc2), { minLength: 2, maxLength: 2 }), fc.constantFrom(0, 0, 0, 0, -1, 1))
  // Usually the announced length; sometimes one byte short or one too many.
  .map(([lead, second, rest, skew]) => [lead, second, ...rest].slice(0, 1 + Math.max(0, announced(lead) + skew)));
/** One probed sequence among valid characters (one invalid piece would hide the others). */
const rawString = fc
  .tuple(fc.constantFrom('', 'abcdefgh'.repeat(9)), text(4), sequence, text(4), fc.constantFrom('', 'abcd'.repeat(20)))
  .map(([before, left, probe, right, after]) =>
    concat([utf8(JSON.stringify(['' + before + left]).slice(0, -2)), Uint8Array.from(probe), utf8(JSON.stringify([right + after]).slice(2))]),
  );

const cuts = fc.array(fc.nat({ max: 400 }), { maxLength: 6 });

// ---- properties ----

describe('scanJsonRpc agrees with JSON.parse (fatal UTF-8 decoding)', () => {
  it('on valid documents: random JSON values, message-shaped objects, long mixed strings', () => {
    fc.assert(
      fc.property(validDocument, cuts, (doc, at) => {
        expect(expectAgrees(utf8(doc), at).ok).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('on message-shaped objects: extraction, and duplicate keys compared decoded', () => {
    fc.assert(
      fc.property(messageText, cuts, (message, at) => {
        const scan = expectAgrees(utf8(message.text), at);
        expect(scan).toMatchObject({ ok: true, duplicateKeys: duplicatesOf(message.keys) });
      }),
      { numRuns: 1500 },
    );
  });

  it('on valid documents with random byte mutations', () => {
    fc.assert(
      fc.property(validDocument, fc.array(mutation, { minLength: 1, maxLength: 3 }), cuts, (doc, mutations, at) => {
        expectAgrees(mutate(utf8(doc), mutations), at);
      }),
      { numRuns: 3000 },
    );
  });

  it('on token soup and raw bytes', () => {
    fc.assert(
      fc.property(fc.oneof(soup, fc.uint8Array({ maxLength: 24 })), cuts, (bytes, at) => {
        expectAgrees(bytes, at);
      }),
      { numRuns: 3000 },
    );
  });

  it('on UTF-8 sequences at every RFC 3629 bound, inside long and short strings', () => {
    fc.assert(
      fc.property(rawString, cuts, (bytes, at) => {
        expectAgrees(bytes, at);
      }),
      { numRuns: 3000 },
    );
  });

  it('on adversarial cases', () => {
    const texts = [
      '"\\ud800"', '"\\udfff\\ud800"', '{"id":"\\ud83d"}', '"\\u0000"', '"\u0000"', '"\\u000"', '"\\u00G0"', '"\\U0041"',
      '-0', '-0.0', '1E+2', '1e-2', '01', '-01', '1.', '.5', '+1', '1e', '1e+', '--1', '0x10', 'Infinity', 'NaN', '1_000',
      '18446744073709551616', '1e400', '-1e400', '1e-400', '123456789012345678901234567890.5e-5',
      '\ufeff{}', '{}\ufeff', '\u00a0{}', '{}\u2028', '\u000b1', '\u000c1', '[1,]', '{"a":1,}', '[,1]', '{,}', '{"a"}', '{"a":}', '{"a" "b"}',
      '{"id":999,"id":2}', '{"\\u0069d":1,"id":2}', '{"__proto__":{"id":1},"id":2}', 'true', 'truex', 'nulll', '[]]', '[[]', '{}}', '',
      ' ', '"', '"\\"', '"\\\\"', "'a'", '"\t"', '"\u007f"', '"\u{10ffff}"', '"😀"', '["\\/"]',
    ];
    const bytes: Uint8Array[] = texts.map(utf8);
    const raw = [
      [0x22, 0xc0, 0x80, 0x22], [0x22, 0xc1, 0xbf, 0x22], [0x22, 0xe0, 0x9f, 0xbf, 0x22], [0x22, 0xe0, 0xa0, 0x80, 0x22],
      [0x22, 0xed, 0x9f, 0xbf, 0x22], [0x22, 0xed, 0xa0, 0x80, 0x22], [0x22, 0xed, 0xbf, 0xbf, 0x22], [0x22, 0xee, 0x80, 0x80, 0x22],
      [0x22, 0xf0, 0x8f, 0xbf, 0xbf, 0x22], [0x22, 0xf0, 0x90, 0x80, 0x80, 0x22], [0x22, 0xf4, 0x8f, 0xbf, 0xbf, 0x22],
      [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xf5, 0x80, 0x80, 0x80, 0x22], [0x22, 0xf8, 0x88, 0x80, 0x80, 0x80, 0x22], [0x22, 0xe4, 0xb8, 0x22], [0x22, 0xe4, 0x22],
      [0x22, 0xf0, 0x9f, 0x98, 0x22], [0x22, 0x80, 0x22], [0x22, 0xff, 0x22], [0x22, 0xfe, 0x22], [0xef, 0xbb, 0xbf, 0x31],
      [0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x31, 0x7d, 0xc2], [0x31, 0x20, 0xc2, 0xa0],
    ];
    for (const r of raw) bytes.push(Uint8Array.from(r));
    for (const depth of [1000, 100_000]) {
      bytes.push(utf8('['.repeat(depth) + ']'.repeat(depth)));
      bytes.push(utf8('{"a":'.repeat(depth) + '[]' + '}'.repeat(depth)));
      bytes.push(utf8('['.repeat(depth) + ']'.repeat(depth - 1)));
      bytes.push(utf8('{"params":'.repeat(depth) + '{"name":"deep"}' + '}'.repeat(depth)));
    }
    for (const b of bytes) expectAgrees(b, [1, 3, 7]);
  });

  it('on every byte: alone in a string, after a backslash, in a \\u escape, after each UTF-8 lead byte', () => {
    for (let b = 0; b < 256; b++) {
      expectAgrees(Uint8Array.of(0x22, b, 0x22), [2]);
      expectAgrees(Uint8Array.of(0x22, 0x5c, b, 0x22), [2]);
      expectAgrees(Uint8Array.of(0x22, 0x5c, 0x75, 0x30, b, 0x30, 0x30, 0x22), [4]);
      expectAgrees(Uint8Array.of(b), []);
      for (const lead of [0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf1, 0xf4]) {
        const tail = lead >= 0xf0 ? [0x80, 0x80] : lead >= 0xe0 ? [0x80] : [];
        expectAgrees(Uint8Array.of(0x22, lead, b, ...tail, 0x22), [2]);
      }
    }
  });
});
