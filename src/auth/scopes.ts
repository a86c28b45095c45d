/** Scope strings as sets: the MCP scope selection strategy and step-up (authorization spec). */

export function scopeSet(scope: string | undefined): Set<string> {
  return new Set((scope ?? '').split(/\s+/).filter((s) => s !== ''));
}

/** The union of scope strings, in first-seen order; undefined when empty (scope omitted). */
export function unionScopes(...scopes: Array<string | undefined>): string | undefined {
  const all = new Set<string>();
  for (const s of scopes) for (const one of scopeSet(s)) all.add(one);
  return all.size === 0 ? undefined : [...all].join(' ');
}

/** True when every scope of `wanted` is in `have`. */
export function coversScopes(have: string | undefined, wanted: string | undefined): boolean {
  const h = scopeSet(have);
  return [...scopeSet(wanted)].every((s) => h.has(s));
}

/**
 * The scope of a first authorization: `--oauth-scope` when given; else the challenge's `scope`;
 * else the resource's `scopes_supported`; else none (omitted, never invented). `offline_access`
 * is added only when the authorization server lists it and a scope is being requested at all:
 * it asks for a refresh token, and an AS that does not support it would reject the request.
 */
export function initialScope(options: {
  configured?: string;
  challenge?: string;
  resourceScopes?: readonly string[];
  serverScopes?: readonly string[];
  /** A user grant (a refresh token is wanted); false for client credentials. */
  refreshable: boolean;
}): string | undefined {
  const base = options.configured ?? options.challenge ?? (options.resourceScopes && options.resourceScopes.length > 0 ? options.resourceScopes.join(' ') : undefined);
  if (base === undefined) return undefined;
  const offline = options.refreshable && options.serverScopes?.includes('offline_access') ? 'offline_access' : undefined;
  return unionScopes(base, offline);
}
