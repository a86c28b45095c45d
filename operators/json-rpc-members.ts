import type { JsonKind, JsonRpcScan, ScannedValue } from './json-scan-result';

/**
 * The members the scanner extracts, at exactly these paths (and no others, so that the cost of
 * scanning does not depend on what the message holds):
 *
 *     jsonrpc, id, method           kind, text, value
 *     params, result, error         kind
 *     error.code                    number
 *     params.name, params.uri       string
 *     params._meta["io.modelcontextprotocol/protocolVersion"]   string
 *
 * The scanner tags each open object with the path it is at (a `Level`), and each value with the
 * member it is the value of (a `Member`); both are small integers kept on its stack.
 */
// Plain constants rather than `const enum`: they survive isolated-module builds (esbuild, ts-jest).
export const Level = { None: 0, Top: 1, Params: 2, Error: 3, Meta: 4 } as const;
export type Level = (typeof Level)[keyof typeof Level];

export const Member = {
  None: 0,
  Jsonrpc: 1,
  Id: 2,
  Method: 3,
  Params: 4,
  Result: 5,
  Error: 6,
  ErrorCode: 7,
  ParamsName: 8,
  ParamsUri: 9,
  Meta: 10,
  ProtocolVersion: 11,
} as const;
export type Member = (typeof Member)[keyof typeof Member];

const TOP_MEMBERS = new Map<string, Member>([
  ['jsonrpc', Member.Jsonrpc],
  ['id', Member.Id],
  ['method', Member.Method],
  ['params', Member.Params],
  ['result', Member.Result],
  ['error', Member.Error],
]);
const PARAMS_MEMBERS = new Map<string, Member>([
  ['name', Member.ParamsName],
  ['uri', Member.ParamsUri],
  ['_meta', Member.Meta],
]);
const ERROR_MEMBERS = new Map<string, Member>([['code', Member.ErrorCode]]);
const META_MEMBERS = new Map<string, Member>([['io.modelcontextprotocol/protocolVersion', Member.ProtocolVersion]]);
const MEMBERS_AT: ReadonlyArray<ReadonlyMap<string, Member> | undefined> = [undefined, TOP_MEMBERS, PARAMS_MEMBERS, ERROR_MEMBERS, META_MEMBERS];

/** Which member a key (decoded) names in an object at `level`. */
export function memberFor(level: Level, key: string): Member {
  return MEMBERS_AT[level]?.get(key) ?? Member.None;
}

/** Whether the scanner should keep a member's scalar value as text (the others are reported by kind). */
export function capturesScalar(member: Member): boolean {
  return member !== Member.Params && member !== Member.Result && member !== Member.Error && member !== Member.Meta;
}

/** The level an object value of `member` opens. */
export function levelOf(member: Member): Level {
  return member === Member.Params ? Level.Params : member === Member.Error ? Level.Error : member === Member.Meta ? Level.Meta : Level.None;
}

const NO_KEYS: readonly string[] = [];

/**
 * The extracted members, filled as the scanner meets them. A key met again replaces what its
 * earlier value gave (including what was read inside it: a second `params` clears `params.name`),
 * so that the result describes the value `JSON.parse` would keep.
 */
export class JsonRpcMembers {
  private readonly found: Omit<JsonRpcScan, 'ok' | 'top' | 'bytes' | 'duplicateKeys'> = {};
  private topKeys: Set<string> | undefined;
  private duplicates: string[] | undefined;

  /** A top-level key, for duplicate detection (undefined: too long to compare). */
  topKey(key: string | undefined): void {
    if (key === undefined) return;
    const keys = (this.topKeys ??= new Set());
    if (!keys.has(key)) keys.add(key);
    else if (this.duplicates === undefined) this.duplicates = [key];
    else if (!this.duplicates.includes(key)) this.duplicates.push(key);
  }

  /** A key naming `member` was met: whatever an earlier occurrence gave is forgotten. */
  keyMet(member: Member): void {
    const found = this.found;
    switch (member) {
      case Member.Jsonrpc: found.jsonrpc = undefined; break;
      case Member.Id: found.id = undefined; break;
      case Member.Method: found.method = undefined; break;
      case Member.Result: found.result = undefined; break;
      case Member.Error: found.error = undefined; found.errorCode = undefined; break;
      case Member.Params: found.params = found.paramsName = found.paramsUri = found.protocolVersion = undefined; break;
      case Member.ErrorCode: found.errorCode = undefined; break;
      case Member.ParamsName: found.paramsName = undefined; break;
      case Member.ParamsUri: found.paramsUri = undefined; break;
      case Member.Meta: found.protocolVersion = undefined; break;
      case Member.ProtocolVersion: found.protocolVersion = undefined; break;
    }
  }

  /**
   * The value of `member`: its kind, and for a captured scalar its text as written (undefined
   * when it was too long to capture).
   */
  value(member: Member, kind: JsonKind, text: string | undefined): void {
    const found = this.found;
    const scanned: ScannedValue = text === undefined ? { kind } : { kind, text, value: scalarValue(kind, text) };
    switch (member) {
      case Member.Jsonrpc: found.jsonrpc = scanned; break;
      case Member.Id: found.id = scanned; break;
      case Member.Method: found.method = scanned; break;
      case Member.Params: found.params = scanned; break;
      case Member.Result: found.result = scanned; break;
      case Member.Error: found.error = scanned; break;
      case Member.ErrorCode: if (kind === 'number' && scanned.value !== undefined) found.errorCode = scanned.value as number; break;
      case Member.ParamsName: if (kind === 'string' && scanned.value !== undefined) found.paramsName = scanned.value as string; break;
      case Member.ParamsUri: if (kind === 'string' && scanned.value !== undefined) found.paramsUri = scanned.value as string; break;
      case Member.ProtocolVersion: if (kind === 'string' && scanned.value !== undefined) found.protocolVersion = scanned.value as string; break;
    }
  }

  result(top: JsonKind, bytes: number): JsonRpcScan {
    const scan: JsonRpcScan = { ok: true, top, bytes, duplicateKeys: this.duplicates ?? NO_KEYS };
    for (const [name, value] of Object.entries(this.found)) if (value !== undefined) (scan as unknown as Record<string, unknown>)[name] = value;
    return scan;
  }
}

/** A scalar's value from its (validated) text. */
function scalarValue(kind: JsonKind, text: string): string | number | boolean | null {
  switch (kind) {
    case 'string': return decodeJsonString(text);
    case 'number': return Number(text); // for JSON's number grammar, the same rounding as JSON.parse
    case 'boolean': return text === 'true';
    default: return null;
  }
}

/** A validated JSON string literal (with its quotes) as its value: escapes only need JSON.parse. */
export function decodeJsonString(literal: string): string {
  return literal.indexOf('\\') === -1 ? literal.slice(1, -1) : (JSON.parse(literal) as string);
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Captured bytes (already validated as UTF-8) as text. Short ASCII, the usual key or id, is built
 * in JS: TextDecoder costs a native call per use.
 */
export function decodeCaptured(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= 32) {
    let text = '';
    for (let i = 0; i < n; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) return decoder.decode(bytes);
      text += String.fromCharCode(b);
    }
    return text;
  }
  return decoder.decode(bytes);
}
