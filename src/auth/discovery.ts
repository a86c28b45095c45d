import type { Logger } from '../log/logger';
import { oauthLib, type OAuth } from './oauth-lib';
import type { OAuthFetch } from './oauth-fetch';
import { canonicalResource, isLoopback, resourceCovers } from './resource-url';
import type { BearerChallenge } from './www-authenticate';

/** Protected resource metadata (RFC 9728), the fields used here. */
export interface ResourceMetadata {
  resource?: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  /** RFC 9728 section 2: the resource takes DPoP-bound access tokens only (RFC 9449). */
  dpop_bound_access_tokens_required?: boolean;
}

/** Where and how to sign in for one MCP server. */
export interface Discovered {
  /** The `resource` parameter (RFC 8707) sent on every authorization, token and refresh request. */
  resource: string;
  prm?: ResourceMetadata;
  as: OAuth.AuthorizationServer;
  /** True for a 2025-03-26 server (no resource metadata: the authorization server is the server's origin). */
  legacy: boolean;
}

/** Sign-in cannot proceed; the message says why (shown on stderr). */
export class OAuthError extends Error {
  override name = 'OAuthError';
}

/**
 * Discovery, in the order of the MCP authorization spec (2025-11-25 and 2026-07-28):
 * 1. protected resource metadata: the challenge's `resource_metadata`, else the path-aware
 *    well-known URL, else the root one; its `resource` must cover the server URL;
 * 2. its first authorization server's metadata: RFC 8414 then OpenID discovery, with path
 *    insertion for issuers with a path, the document's `issuer` identical to the one asked for;
 * 3. without resource metadata (2025-03-26 servers): the server's origin as the authorization
 *    server, metadata at its root, else the default endpoints /authorize, /token, /register.
 */
export async function discover(serverUrl: string, challenge: BearerChallenge | undefined, fetch: OAuthFetch, logger: Logger, resourceOverride?: string): Promise<Discovered> {
  const prm = await resourceMetadata(serverUrl, challenge, fetch, logger);
  if (prm !== undefined) {
    if (typeof prm.resource !== 'string' || !resourceCovers(prm.resource, serverUrl)) {
      throw new OAuthError(`the protected resource metadata is for ${JSON.stringify(prm.resource)}, not for ${serverUrl}: refusing to sign in`);
    }
    const issuer = prm.authorization_servers?.[0];
    if (typeof issuer !== 'string') throw new OAuthError('the protected resource metadata names no authorization server');
    const as = await serverMetadata(issuer, fetch, logger);
    if (as === undefined) throw new OAuthError(`no authorization server metadata found for ${issuer}`);
    return { resource: resourceOverride ?? prm.resource, prm, as, legacy: false };
  }
  // 2025-03-26: the MCP server's origin is the authorization server.
  const origin = new URL(serverUrl).origin;
  logger.info(`no protected resource metadata for ${serverUrl}: trying ${origin} as the authorization server (2025-03-26)`);
  const as = (await serverMetadata(origin, fetch, logger, true)) ?? {
    issuer: origin,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/token`,
    registration_endpoint: `${origin}/register`,
    // 2025-03-26 made PKCE mandatory, so its default endpoints support S256.
    code_challenge_methods_supported: ['S256'],
  };
  return { resource: resourceOverride ?? canonicalResource(serverUrl), as, legacy: true };
}

async function resourceMetadata(serverUrl: string, challenge: BearerChallenge | undefined, fetch: OAuthFetch, logger: Logger): Promise<ResourceMetadata | undefined> {
  const url = new URL(serverUrl);
  const candidates: string[] = [];
  // The challenge's URL first; the well-known ones only when it is absent or does not answer.
  if (challenge?.resourceMetadata) candidates.push(new URL(challenge.resourceMetadata, serverUrl).href);
  const path = url.pathname.replace(/\/$/, '');
  if (path !== '') candidates.push(`${url.origin}/.well-known/oauth-protected-resource${path}`);
  candidates.push(`${url.origin}/.well-known/oauth-protected-resource`);
  for (const candidate of candidates) {
    const doc = await getJson(candidate, fetch, logger);
    if (doc !== undefined) return doc as ResourceMetadata;
  }
  return undefined;
}

/** The well-known URLs for an issuer, in the spec's order. */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  if (path === '') return [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/**
 * An authorization server's metadata (RFC 8414, then OpenID discovery), its `issuer` identical to
 * the one asked for; undefined when no candidate URL serves one. Also finds the enterprise IdP of
 * cross-app access from --idp-issuer.
 */
export async function serverMetadata(issuer: string, fetch: OAuthFetch, logger: Logger, legacy = false): Promise<OAuth.AuthorizationServer | undefined> {
  const oauth = oauthLib();
  for (const candidate of metadataUrls(issuer)) {
    const res = await fetch(candidate, { method: 'GET', headers: { accept: 'application/json' } }).catch((err: Error) => {
      logger.debug(`authorization server metadata ${candidate}: ${err.message}`);
      return undefined;
    });
    if (res === undefined || res.status !== 200) {
      await res?.body?.cancel();
      continue;
    }
    if (legacy) {
      // The 2025-03-26 layout: metadata at the MCP server's root whose `issuer` may carry a path
      // (".../oauth"). It came from the MCP server's own origin, which is the trust anchor here,
      // so it is accepted when its issuer has that origin.
      const doc = (await res.json().catch(() => undefined)) as OAuth.AuthorizationServer | undefined;
      if (doc && typeof doc.issuer === 'string' && new URL(doc.issuer).origin === new URL(issuer).origin) return doc;
      continue;
    }
    try {
      return await oauth.processDiscoveryResponse(new URL(issuer), res);
    } catch (err) {
      logger.warn(`authorization server metadata at ${candidate} refused: ${(err as Error).message}`);
    }
  }
  return undefined;
}

async function getJson(url: string, fetch: OAuthFetch, logger: Logger): Promise<unknown> {
  try {
    const res = await fetch(url, { method: 'GET', headers: { accept: 'application/json' } });
    if (res.status !== 200) {
      await res.body?.cancel();
      return undefined;
    }
    return await res.json();
  } catch (err) {
    logger.debug(`${url}: ${(err as Error).message}`);
    return undefined;
  }
}

/** oauth4webapi refuses http endpoints; they are accepted on loopback only (local servers, tests). */
export function insecureAllowed(as: OAuth.AuthorizationServer): boolean {
  return isLoopback(as.issuer);
}
