/**
 * The parameters of a `Bearer` (RFC 6750 section 3, RFC 9728 section 5.1) or `DPoP` (RFC 9449
 * section 7.1) challenge in WWW-Authenticate: what a 401 or 403 tells the client about where to
 * sign in and which scopes it needs.
 */
export interface BearerChallenge {
  error?: string;
  errorDescription?: string;
  /** Space-separated scopes the server requires for this request. */
  scope?: string;
  /** URL of the protected resource metadata (RFC 9728). */
  resourceMetadata?: string;
  /** The server also (or only) offers the DPoP scheme: sender-constrained tokens are accepted. */
  dpop?: boolean;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * The Bearer challenge in a WWW-Authenticate value (else the DPoP one: a server that takes
 * DPoP-bound tokens only sends that), or undefined when there is neither. Several challenges may
 * share one header ("Basic realm=x, Bearer scope=..."): a small scanner rather than a regular
 * expression, because quoted values may contain commas and escaped quotes.
 */
export function bearerChallenge(header: string | undefined): BearerChallenge | undefined {
  if (header === undefined) return undefined;
  const challenges = parseChallenges(header);
  const dpop = challenges.find((c) => c.scheme.toLowerCase() === 'dpop');
  const chosen = challenges.find((c) => c.scheme.toLowerCase() === 'bearer') ?? dpop;
  if (chosen === undefined) return undefined;
  const p = chosen.params;
  return {
    error: p.error,
    errorDescription: p.error_description,
    scope: p.scope,
    resourceMetadata: p.resource_metadata,
    ...(dpop ? { dpop: true } : {}),
  };
}

/** RFC 9449 section 9: the server wants a DPoP proof carrying the nonce it sent (DPoP-Nonce). */
export function dpopNonceRequired(header: string | undefined): boolean {
  if (header === undefined) return false;
  return parseChallenges(header).some((c) => c.scheme.toLowerCase() === 'dpop' && c.params.error === 'use_dpop_nonce');
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const n = header.length;
  const skip = (chars: string) => {
    while (i < n && chars.includes(header[i]!)) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && TOKEN.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  while (i < n) {
    skip(' \t,');
    const name = token();
    if (name === '') {
      i++; // a stray character: skip it rather than loop forever
      continue;
    }
    skip(' \t');
    if (header[i] === '=' && out.length > 0) {
      i++;
      skip(' \t');
      let value: string;
      if (header[i] === '"') {
        i++;
        value = '';
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i++];
        }
        i++; // closing quote
      } else {
        const start = i;
        while (i < n && header[i] !== ',' && header[i] !== ' ') i++;
        value = header.slice(start, i);
      }
      out[out.length - 1]!.params[name.toLowerCase()] = value;
    } else {
      // A token68 after another scheme ("Negotiate abc==") reads as a junk parameter of that
      // scheme, which is harmless: only Bearer's and DPoP's parameters are used.
      out.push({ scheme: name, params: {} });
    }
  }
  return out;
}
