import type { Logger } from '../log/logger';
import { insecureAllowed, OAuthError } from './discovery';
import type { OAuthConfig, StaticClientInfo } from './oauth-config';
import type { OAuthFetch } from './oauth-fetch';
import { oauthLib, type OAuth } from './oauth-lib';
import type { OAuthStore } from './oauth-store';

/** Who the bridge is at one authorization server, and how it authenticates at its token endpoint. */
export interface ClientIdentity {
  client: OAuth.Client;
  auth: OAuth.ClientAuth;
  /** Where it came from, for the logs. */
  source: 'pre-registered' | 'metadata document' | 'stored registration' | 'dynamic registration';
}

export interface IdentityContext {
  config: OAuthConfig;
  as: OAuth.AuthorizationServer;
  store: OAuthStore;
  fetch: OAuthFetch;
  logger: Logger;
  privateKey?: OAuth.PrivateKey;
  /** The loopback redirect URI of the authorization code flow. */
  redirectUri?: string;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * The client identity, in the spec's order of preference: pre-registered
 * (--static-oauth-client-info); a Client ID Metadata Document (--client-metadata-url) when the
 * server advertises support; a registration stored for this issuer (reused only while it fits:
 * same redirect URI, same grant); dynamic client registration (RFC 7591) as the fallback.
 * Registrations are stored per issuer and never offered to another authorization server.
 */
export async function clientIdentity(ctx: IdentityContext): Promise<ClientIdentity> {
  const { config, as } = ctx;
  if (config.staticClientInfo) return preRegistered(config.staticClientInfo, as, ctx.privateKey);
  if (config.clientMetadataUrl && as.client_id_metadata_document_supported === true) {
    const method = ctx.privateKey ? 'private_key_jwt' : 'none';
    return { client: { client_id: config.clientMetadataUrl, token_endpoint_auth_method: method }, auth: clientAuth(method, undefined, ctx.privateKey), source: 'metadata document' };
  }
  const stored = await ctx.store.readClient(as.issuer);
  if (stored && fits(stored, config, ctx.redirectUri)) return fromRegistration(stored, ctx, 'stored registration');
  if (typeof as.registration_endpoint !== 'string') {
    throw new OAuthError(
      `${as.issuer} offers no dynamic client registration${config.clientMetadataUrl ? ' and no Client ID Metadata Documents' : ''}: pass --static-oauth-client-info with a client_id registered there`,
    );
  }
  return fromRegistration(await register(ctx), ctx, 'dynamic registration');
}

/**
 * A pre-registered client (--static-oauth-client-info, --idp-client-info): its own
 * token_endpoint_auth_method, else the one the server supports for the credentials at hand.
 */
export function preRegistered(info: StaticClientInfo, as: OAuth.AuthorizationServer, privateKey?: OAuth.PrivateKey): ClientIdentity {
  const method = info.token_endpoint_auth_method ?? chooseAuthMethod(as, info.client_secret !== undefined, privateKey !== undefined);
  return { client: { ...info, token_endpoint_auth_method: method }, auth: clientAuth(method, info.client_secret, privateKey), source: 'pre-registered' };
}

/** The identity of a stored record (refresh after a restart), or undefined when it is gone. */
export async function identityFor(clientId: string, ctx: IdentityContext): Promise<ClientIdentity | undefined> {
  if (ctx.config.staticClientInfo?.client_id === clientId || ctx.config.clientMetadataUrl === clientId) {
    return clientIdentity({ ...ctx, redirectUri: undefined });
  }
  const stored = await ctx.store.readClient(ctx.as.issuer);
  return stored?.client_id === clientId ? fromRegistration(stored, ctx, 'stored registration') : undefined;
}

function fits(stored: Record<string, unknown>, config: OAuthConfig, redirectUri: string | undefined): boolean {
  const grants = Array.isArray(stored.grant_types) ? (stored.grant_types as string[]) : ['authorization_code'];
  if (config.grant === 'device_code') return grants.includes(DEVICE_GRANT);
  if (!grants.includes('authorization_code')) return false;
  return redirectUri === undefined || (Array.isArray(stored.redirect_uris) && stored.redirect_uris.includes(redirectUri));
}

async function register(ctx: IdentityContext): Promise<Record<string, unknown>> {
  const oauth = oauthLib();
  const device = ctx.config.grant === 'device_code';
  const supported = ctx.as.token_endpoint_auth_methods_supported;
  // A public client when the server allows it (nothing to keep secret on the user's machine);
  // otherwise whichever secret-based method it supports.
  const method = ctx.privateKey ? 'private_key_jwt' : !supported || supported.includes('none') ? 'none' : supported.includes('client_secret_basic') ? 'client_secret_basic' : 'client_secret_post';
  const metadata: Record<string, unknown> = {
    client_name: 'mcp-rx-bridge',
    // Native: a CLI on the user's machine with a loopback redirect (OIDC registration would
    // otherwise default to "web" and refuse http://127.0.0.1).
    application_type: 'native',
    grant_types: device ? [DEVICE_GRANT, 'refresh_token'] : ['authorization_code', 'refresh_token'],
    response_types: device ? [] : ['code'],
    redirect_uris: device || ctx.redirectUri === undefined ? [] : [ctx.redirectUri],
    token_endpoint_auth_method: method,
    ...ctx.config.staticClientMetadata,
  };
  ctx.logger.info(`registering a client at ${ctx.as.registration_endpoint} (dynamic client registration)`);
  const res = await oauth.dynamicClientRegistrationRequest(ctx.as, metadata as Partial<OAuth.Client>, options(ctx));
  let client: Record<string, unknown>;
  try {
    // Read leniently: servers in the field omit client_secret_expires_at next to a secret,
    // which oauth4webapi's strict processing refuses; a client_id is what matters. Errors go
    // through oauth4webapi to get the server's error code and description.
    const body = res.status === 200 || res.status === 201 ? ((await res.clone().json().catch(() => undefined)) as Record<string, unknown> | undefined) : undefined;
    client = typeof body?.client_id === 'string' ? body : ((await oauth.processDynamicClientRegistrationResponse(res)) as Record<string, unknown>);
  } catch (err) {
    throw new OAuthError(`client registration at ${ctx.as.registration_endpoint} failed: ${describe(err)}`);
  }
  if (typeof client.client_secret === 'string') ctx.logger.addSecret(client.client_secret);
  if (typeof client.registration_access_token === 'string') ctx.logger.addSecret(client.registration_access_token);
  if (client.token_endpoint_auth_method === undefined) client.token_endpoint_auth_method = method;
  await ctx.store.writeClient(ctx.as.issuer, client);
  return client;
}

function fromRegistration(stored: Record<string, unknown>, ctx: IdentityContext, source: ClientIdentity['source']): ClientIdentity {
  const secret = typeof stored.client_secret === 'string' ? stored.client_secret : undefined;
  if (secret) ctx.logger.addSecret(secret);
  const method = typeof stored.token_endpoint_auth_method === 'string' ? stored.token_endpoint_auth_method : chooseAuthMethod(ctx.as, secret !== undefined, false);
  return { client: { ...(stored as OAuth.Client), token_endpoint_auth_method: method }, auth: clientAuth(method, secret, ctx.privateKey), source };
}

/** The token endpoint authentication the server supports, for the credentials at hand. */
export function chooseAuthMethod(as: OAuth.AuthorizationServer, hasSecret: boolean, hasKey: boolean): string {
  if (hasKey) return 'private_key_jwt';
  if (!hasSecret) return 'none';
  // RFC 8414: an absent list means client_secret_basic.
  const supported = as.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (supported.includes('client_secret_basic')) return 'client_secret_basic';
  if (supported.includes('client_secret_post')) return 'client_secret_post';
  return 'client_secret_basic';
}

function clientAuth(method: string, secret: string | undefined, key: OAuth.PrivateKey | undefined): OAuth.ClientAuth {
  const oauth = oauthLib();
  switch (method) {
    case 'client_secret_basic':
      return secretBasic(requireSecret(secret, method));
    case 'client_secret_post':
      return oauth.ClientSecretPost(requireSecret(secret, method));
    case 'private_key_jwt':
      if (key === undefined) throw new OAuthError('private_key_jwt needs --oauth-private-key');
      return oauth.PrivateKeyJwt(key);
    case 'none':
      return oauth.None();
    default:
      throw new OAuthError(`unsupported token_endpoint_auth_method ${JSON.stringify(method)}`);
  }
}

/**
 * client_secret_basic with the id and secret escaped by encodeURIComponent. oauth4webapi's own
 * escapes every non-alphanumeric character ("-" becomes %2D), as RFC 6749 2.3.1 literally says,
 * and servers in the field (the MCP SDK's, the conformance suite's) compare the header without
 * decoding it: ids and secrets made of letters, digits and "-._~" then work everywhere.
 */
function secretBasic(secret: string): OAuth.ClientAuth {
  return (_as, client, _body, headers) => {
    headers.set('authorization', `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(secret)}`).toString('base64')}`);
  };
}

function requireSecret(secret: string | undefined, method: string): string {
  if (secret === undefined) throw new OAuthError(`${method} needs a client_secret`);
  return secret;
}

/** oauth4webapi's request options: our fetch, and http allowed on loopback only. */
export function options(ctx: { as: OAuth.AuthorizationServer; fetch: OAuthFetch }): { [k: symbol]: unknown } {
  const oauth = oauthLib();
  return { [oauth.customFetch]: ctx.fetch, ...(insecureAllowed(ctx.as) ? { [oauth.allowInsecureRequests]: true } : {}) };
}

/** The options of a token request: those above, and the DPoP handle when tokens are bound to a key. */
export function tokenOptions(ctx: { as: OAuth.AuthorizationServer; fetch: OAuthFetch; dpop?: OAuth.DPoPHandle }): { [k: symbol]: unknown; DPoP?: OAuth.DPoPHandle } {
  return { ...options(ctx), ...(ctx.dpop ? { DPoP: ctx.dpop } : {}) };
}

/** An OAuth error as a line for stderr: the server's error code and description when it sent one. */
export function describe(err: unknown): string {
  const e = err as { error?: string; error_description?: string; message?: string; cause?: { error?: string; error_description?: string } };
  const code = e.error ?? e.cause?.error;
  const text = e.error_description ?? e.cause?.error_description;
  if (code) return text ? `${code}: ${text}` : code;
  return e.message ?? String(err);
}
