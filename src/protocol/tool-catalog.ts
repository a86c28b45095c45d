import { headerValue } from './header-value';

/** What the bridge knows of one tool from the `tools/list` results that passed through it. */
export interface ToolFacts {
  /** `annotations.readOnlyHint` or `annotations.idempotentHint`: calling it twice does no harm. */
  repeatable: boolean;
  /** Arguments mirrored into `Mcp-Param-{header}` headers (x-mcp-header), by property path. */
  headerParams: readonly HeaderParam[];
}

export interface HeaderParam {
  /** The chain of `properties` keys from the schema root to the annotated property. */
  path: readonly string[];
  header: string;
}

/** A tool definition excluded from what the host sees, and why (logged as a warning). */
export interface RejectedTool {
  name: string;
  reason: string;
}

/** RFC 9110 §5.6.2 `tchar`: the characters of a header field name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const PRIMITIVE_TYPES = new Set(['string', 'integer', 'boolean']);
/** JSON Schema keywords whose values are subschemas (or maps/arrays of them) other than `properties`. */
const SUBSCHEMA_KEYWORDS = [
  'items', 'prefixItems', 'additionalItems', 'contains', 'additionalProperties', 'patternProperties', 'propertyNames',
  'unevaluatedProperties', 'unevaluatedItems', 'dependentSchemas', 'dependencies', '$defs', 'definitions',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else',
];
/** Deeper schemas than this are not searched further (a hostile schema must not exhaust the stack). */
const MAX_DEPTH = 64;

/**
 * The tools of the server, learned from every `tools/list` result (every page) that passes
 * through: which tools are safe to call twice (retry policy), and which arguments go into
 * `Mcp-Param-*` headers (MCP 2026-07-28, streamable-http.md "Custom Headers from Tool Parameters").
 */
export class ToolCatalog {
  private readonly tools = new Map<string, ToolFacts>();

  /**
   * Learns the tools of one `tools/list` result. Returns the tools to exclude from what the host
   * sees: a definition whose `x-mcp-header` annotations break the spec's constraints MUST be left
   * out of the list by a Streamable HTTP client.
   */
  learn(result: unknown): RejectedTool[] {
    const tools = (result as { tools?: unknown } | null)?.tools;
    if (!Array.isArray(tools)) return [];
    const rejected: RejectedTool[] = [];
    for (const tool of tools) {
      if (tool === null || typeof tool !== 'object') continue;
      const { name, inputSchema, annotations } = tool as { name?: unknown; inputSchema?: unknown; annotations?: unknown };
      if (typeof name !== 'string') continue;
      const found = headerParamsOf(inputSchema);
      if (typeof found === 'string') {
        rejected.push({ name, reason: found });
        this.tools.delete(name);
        continue;
      }
      const hints = (annotations ?? {}) as { readOnlyHint?: unknown; idempotentHint?: unknown };
      this.tools.set(name, { repeatable: hints.readOnlyHint === true || hints.idempotentHint === true, headerParams: found });
    }
    return rejected;
  }

  facts(name: string): ToolFacts | undefined {
    return this.tools.get(name);
  }

  /** The `Mcp-Param-*` headers of a call to `name` with `args` (a header whose value is absent or null is omitted). */
  paramHeaders(name: string, args: unknown): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const param of this.tools.get(name)?.headerParams ?? []) {
      const text = headerText(valueAt(args, param.path));
      if (text !== undefined) headers[`Mcp-Param-${param.header}`] = headerValue(text);
    }
    return headers;
  }
}

/** The annotated parameters of an input schema, or why the annotations make the tool invalid. */
function headerParamsOf(schema: unknown): HeaderParam[] | string {
  const params: HeaderParam[] = [];
  const seen = new Set<string>();
  const visit = (node: unknown, path: string[], reachable: boolean, depth: number): string | undefined => {
    if (node === null || typeof node !== 'object' || depth > MAX_DEPTH) return undefined;
    if (Array.isArray(node)) {
      for (const item of node) {
        const problem = visit(item, path, false, depth + 1);
        if (problem) return problem;
      }
      return undefined;
    }
    const s = node as Record<string, unknown>;
    if ('x-mcp-header' in s) {
      const header = s['x-mcp-header'];
      const where = path.length > 0 ? path.join('.') : '(root)';
      if (!reachable || path.length === 0) return `x-mcp-header on ${where} is not reachable through "properties" alone`;
      if (typeof header !== 'string' || !TOKEN.test(header)) return `x-mcp-header ${JSON.stringify(header)} on ${where} is not an HTTP header name token`;
      if (typeof s.type !== 'string' || !PRIMITIVE_TYPES.has(s.type)) return `x-mcp-header on ${where} is on a parameter of type ${JSON.stringify(s.type)} (only string, integer, boolean)`;
      if (seen.has(header.toLowerCase())) return `x-mcp-header ${JSON.stringify(header)} is used twice`;
      seen.add(header.toLowerCase());
      params.push({ path, header });
    }
    const properties = s.properties;
    if (properties !== null && typeof properties === 'object' && !Array.isArray(properties)) {
      for (const [key, child] of Object.entries(properties as Record<string, unknown>)) {
        const problem = visit(child, [...path, key], reachable, depth + 1);
        if (problem) return problem;
      }
    }
    for (const keyword of SUBSCHEMA_KEYWORDS) {
      const sub = s[keyword];
      if (sub === undefined) continue;
      // Maps of subschemas (patternProperties, $defs, ...) and single subschemas alike.
      const children = sub !== null && typeof sub === 'object' && !Array.isArray(sub) && !looksLikeSchema(sub) ? Object.values(sub) : [sub];
      for (const child of children) {
        const problem = visit(child, path, false, depth + 1);
        if (problem) return problem;
      }
    }
    return undefined;
  };
  const problem = visit(schema, [], true, 0);
  return problem ?? params;
}

/** A schema object (as opposed to a map of name → schema), told by its usual keywords. */
function looksLikeSchema(value: object): boolean {
  return ['type', 'properties', 'x-mcp-header', '$ref', 'items', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', 'not'].some((k) => k in value);
}

function valueAt(args: unknown, path: readonly string[]): unknown {
  let value = args;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A parameter value as header text: strings as they are, safe integers in decimal, booleans in lower case. */
function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}
