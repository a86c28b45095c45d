/**
 * DPoP (RFC 9449): tokens bound to a key the bridge holds, so that a token copied out of the
 * store or a log is useless without the key. One ES256 key per server sign-in, kept in the
 * server's record (mode 0600, beside the tokens it protects): a restart keeps using it, because
 * the refresh token of a public client is bound to it too. Token requests get their proofs from
 * oauth4webapi's DPoP handle; MCP requests get theirs from `dpopProof` below.
 */

/** ES256: the one algorithm every DPoP server supports (RFC 9449 section 5 examples, FAPI 2). */
export const DPOP_ALG = 'ES256';
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** The key as stored: a private P-256 JWK (its public half is x and y). */
export type StoredDpopKey = Record<string, string>;

export interface DpopKey {
  pair: CryptoKeyPair;
  /** The public JWK that goes into every proof's header. */
  publicJwk: { kty: string; crv: string; x: string; y: string };
}

export async function generateDpopKey(): Promise<{ key: DpopKey; stored: StoredDpopKey }> {
  const pair = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as Record<string, string>;
  const stored: StoredDpopKey = { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y!, d: jwk.d! };
  return { key: await importDpopKey(stored), stored };
}

/** The stored key, back as WebCrypto keys (the private one not extractable). */
export async function importDpopKey(stored: StoredDpopKey): Promise<DpopKey> {
  const publicJwk = { kty: stored.kty!, crv: stored.crv!, x: stored.x!, y: stored.y! };
  const privateKey = await crypto.subtle.importKey('jwk', { ...publicJwk, d: stored.d }, ECDSA_P256, false, ['sign']);
  const publicKey = await crypto.subtle.importKey('jwk', publicJwk, ECDSA_P256, true, ['verify']);
  return { pair: { privateKey, publicKey }, publicJwk };
}

/**
 * A proof for one HTTP request (RFC 9449 section 4.2): `htm` the method, `htu` the URL without
 * query and fragment, `ath` the SHA-256 of the access token it accompanies, and the server's
 * latest nonce when it asked for one. WebCrypto's ECDSA signature is already the JWS form (r || s).
 */
export async function dpopProof(key: DpopKey, method: string, url: string, accessToken: string, nonce?: string): Promise<string> {
  const target = new URL(url);
  target.search = '';
  target.hash = '';
  const header = { typ: 'dpop+jwt', alg: DPOP_ALG, jwk: key.publicJwk };
  const payload: Record<string, unknown> = {
    // The global Web Crypto (as below), not node:crypto's import: that one would be loaded with the
    // CLI's bundle at every start-up (~5 ms, 0.6 MiB), by bridges that never see DPoP.
    jti: crypto.randomUUID(),
    htm: method.toUpperCase(),
    htu: target.href,
    iat: Math.floor(Date.now() / 1000),
    ath: base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken)))),
  };
  if (nonce !== undefined) payload.nonce = nonce;
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = new Uint8Array(await crypto.subtle.sign(SIGN, key.pair.privateKey, new TextEncoder().encode(input)));
  return `${input}.${base64url(signature)}`;
}

function base64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}
