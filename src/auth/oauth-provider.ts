import type { Logger } from '../log/logger';
import type { AuthProvider } from './auth-provider';
import { clientIdentity, describe, identityFor, type ClientIdentity } from './client-identity';
import { crossAppAccessGrant } from './cross-app-access';
import { discover, OAuthError, type Discovered } from './discovery';
import { authorizationCodeGrant, clientCredentialsGrant, deviceCodeGrant, refreshGrant, type GrantContext } from './grants';
import { loopbackPort, startLoopbackCallback } from './loopback-callback';
import type { OAuthConfig } from './oauth-config';
import type { OAuthFetch } from './oauth-fetch';
import { DPOP_ALG, dpopProof, generateDpopKey, importDpopKey, type DpopKey, type StoredDpopKey } from './dpop';
import { oauthLib, type OAuth } from './oauth-lib';
import type { OAuthStore, ServerRecord } from './oauth-store';
import { loadPrivateKey } from './private-key';
import { coversScopes, initialScope, unionScopes } from './scopes';
import type { BearerChallenge } from './www-authenticate';

/** A token this close to its expiry is refreshed before it is used. */
const REFRESH_AHEAD_MS = 60_000;
/** After this many fresh credentials refused in a row, stop signing in for COOLDOWN_MS. */
const MAX_REJECTED = 2;
const COOLDOWN_MS = 5 * 60_000;
/** After a failed sign-in, the next one waits this long. */
const FAILURE_PAUSE_MS = 10_000;

export interface OAuthProviderOptions {
  config: OAuthConfig;
  serverUrl: string;
  store: OAuthStore;
  fetch: OAuthFetch;
  logger: Logger;
  announce(line: string): void;
  openUrl(url: string): void;
}

/**
 * OAuth 2.1 for one MCP server: tokens from the store at start (no browser after a restart),
 * refreshed ahead of expiry and on 401, a new sign-in when the refresh token is refused
 * (invalid_grant), step-up on insufficient_scope. One renewal at a time in this process (the
 * requests that got 401 meanwhile wait for it and then use its result), and one across
 * processes (the store's lock: a second bridge finds the first one's new tokens instead of
 * spending the same refresh token twice).
 */
export class OAuthProvider implements AuthProvider {
  private record?: ServerRecord;
  private loading?: Promise<void>;
  private busy?: Promise<boolean>;
  private rejectedInARow = 0;
  private cooldownUntil = 0;
  /** --oauth-private-key, loaded with the store (a bad key file is reported once, up front). */
  private privateKey?: OAuth.PrivateKey;
  /** RFC 9449: the key the current tokens are bound to, and the MCP server's latest DPoP nonce. */
  private dpopKey?: Promise<DpopKey>;
  private resourceNonce?: string;

  constructor(private readonly o: OAuthProviderOptions) {}

  async authorization(): Promise<string | undefined> {
    await this.load();
    const r = this.record;
    if (r?.accessToken && r.expiresAt !== undefined && r.expiresAt - Date.now() < REFRESH_AHEAD_MS && (r.refreshToken || unattended(this.o.config)) && !this.busy) {
      const used = r.accessToken;
      await this.exclusive(this.header(), () => this.renew(used, undefined));
    }
    return this.header();
  }

  async unauthorized(used: string | undefined, challenge: BearerChallenge | undefined): Promise<boolean> {
    // Without any OAuth flag, only a server that speaks OAuth (a Bearer challenge) starts it.
    if (this.o.config.mode === 'auto' && challenge === undefined) return false;
    await this.load();
    const current = this.header();
    if (current !== undefined && current !== used) return true;
    if (Date.now() < this.cooldownUntil) return false;
    return this.exclusive(used, () => this.renew(tokenOf(used), challenge));
  }

  async insufficientScope(used: string | undefined, challenge: BearerChallenge): Promise<boolean> {
    await this.load();
    const current = this.header();
    if (current !== undefined && current !== used) return true;
    const had = this.record?.requestedScope;
    // Asking again for scopes already asked for cannot help: a permanent refusal, not a loop.
    if (this.record !== undefined && coversScopes(had, challenge.scope)) {
      this.o.logger.warn(`the server requires scope "${challenge.scope ?? ''}", which was already requested: not asking again`);
      return false;
    }
    const wanted = unionScopes(had, challenge.scope);
    this.o.logger.info(`the server requires more scopes (${challenge.scope ?? 'unspecified'}): signing in again for "${wanted ?? ''}"`);
    return this.exclusive(used, () => this.signIn(tokenOf(used), challenge, wanted));
  }

  accepted(used: string | undefined): void {
    if (used !== undefined && used === this.header()) this.rejectedInARow = 0;
  }

  rejected(used: string | undefined): void {
    if (used === undefined || used !== this.header()) return;
    if (++this.rejectedInARow >= MAX_REJECTED) {
      this.cooldownUntil = Date.now() + COOLDOWN_MS;
      this.rejectedInARow = 0;
      this.o.logger.error(`the server refuses the new tokens too: not signing in again for ${COOLDOWN_MS / 60_000} minutes (check --resource and --oauth-scope)`);
    }
  }

  async proof(used: string, method: string, url: string): Promise<string | undefined> {
    if (!used.startsWith('DPoP ') || this.dpopKey === undefined) return undefined;
    return dpopProof(await this.dpopKey, method, url, used.slice(5), this.resourceNonce);
  }

  nonce(value: string): void {
    this.resourceNonce = value;
  }

  /** Forgets the tokens of this server (--oauth-logout). */
  async logout(): Promise<boolean> {
    return this.o.store.deleteServer(this.o.serverUrl);
  }

  /** RFC 9449 section 7.1: a DPoP-bound token goes in the DPoP scheme, with a proof beside it. */
  private header(): string | undefined {
    const r = this.record;
    if (!r?.accessToken) return undefined;
    return `${r.tokenType?.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer'} ${r.accessToken}`;
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      const record = await this.o.store.readServer(this.o.serverUrl).catch((err: Error) => {
        this.o.logger.warn(`cannot read the OAuth store ${this.o.store.dir}: ${err.message}`);
        return undefined;
      });
      if (record && this.usable(record)) this.adopt(record);
      if (this.o.config.privateKeyFile !== undefined) {
        this.privateKey = await loadPrivateKey(this.o.config.privateKeyFile).catch((err: Error) => {
          this.o.logger.error(`cannot use --oauth-private-key ${this.o.config.privateKeyFile}: ${err.message}`);
          return undefined;
        });
      }
    })();
    return this.loading;
  }

  /** A stored record is used only for the same resource override it was obtained with. */
  private usable(record: ServerRecord): boolean {
    return this.o.config.resource === undefined || record.resource === this.o.config.resource;
  }

  private adopt(record: ServerRecord): void {
    for (const s of [record.accessToken, record.refreshToken, record.dpopKey?.d]) if (s) this.o.logger.addSecret(s);
    if (record.dpopKey !== this.record?.dpopKey) this.dpopKey = record.dpopKey ? importDpopKey(record.dpopKey) : undefined;
    this.record = record;
  }

  /** One renewal at a time: later callers wait for it, then use its outcome. */
  private async exclusive(used: string | undefined, task: () => Promise<boolean>): Promise<boolean> {
    if (this.busy) {
      await this.busy;
      return this.header() !== undefined && this.header() !== used;
    }
    this.busy = task()
      .catch((err: Error) => {
        this.o.logger.error(`OAuth: ${err instanceof OAuthError ? err.message : describe(err)}`);
        // Requests that arrive right after a failed sign-in get the 401 instead of starting
        // another one each (a browser tab per request).
        this.cooldownUntil = Math.max(this.cooldownUntil, Date.now() + FAILURE_PAUSE_MS);
        return false;
      })
      .finally(() => {
        this.busy = undefined;
      });
    return this.busy;
  }

  /** Refresh when there is a refresh token; sign in when there is none or it was refused. */
  private async renew(usedToken: string | undefined, challenge: BearerChallenge | undefined): Promise<boolean> {
    if (this.record?.refreshToken) {
      const outcome = await this.refresh(usedToken);
      if (outcome === 'ok') return true;
      if (outcome === 'failed') return false;
    }
    return this.signIn(usedToken, challenge, undefined);
  }

  private async refresh(usedToken: string | undefined): Promise<'ok' | 'invalid' | 'failed'> {
    const { store, serverUrl, logger } = this.o;
    return store.withServerLock(serverUrl, 30_000, async () => {
      const fresh = (await store.readServer(serverUrl)) ?? this.record!;
      // Another bridge process refreshed while this one waited for the lock: use its tokens.
      if (fresh.accessToken && fresh.accessToken !== usedToken && !expiring(fresh) && this.usable(fresh)) {
        logger.info('OAuth: using the tokens another bridge process obtained');
        this.adopt(fresh);
        return 'ok';
      }
      if (!fresh.refreshToken) return 'invalid';
      const as = fresh.as as unknown as OAuth.AuthorizationServer;
      const identity = await identityFor(fresh.clientId, this.identityContext(as));
      if (identity === undefined) return 'invalid';
      this.adopt(fresh);
      try {
        const dpop = this.dpopKey ? oauthLib().DPoP(identity.client, (await this.dpopKey).pair) : undefined;
        const tokens = await refreshGrant({ as, identity, resource: fresh.resource, fetch: this.o.fetch, logger, dpop }, fresh.refreshToken);
        // A rotated refresh token replaces the old one; a server that does not rotate keeps it valid.
        await this.save({ ...fresh, ...tokenFields(tokens), refreshToken: tokens.refresh_token ?? fresh.refreshToken });
        logger.info('OAuth: access token refreshed');
        return 'ok';
      } catch (err) {
        if ((err as { error?: string }).error === 'invalid_grant') {
          logger.warn('OAuth: the refresh token was refused (invalid_grant: expired or revoked): signing in again');
          await this.save({ ...fresh, accessToken: undefined, refreshToken: undefined, expiresAt: undefined });
          return 'invalid';
        }
        logger.error(`OAuth: refreshing the access token failed: ${describe(err)}`);
        return 'failed';
      }
    });
  }

  private async signIn(usedToken: string | undefined, challenge: BearerChallenge | undefined, scope: string | undefined): Promise<boolean> {
    const { store, serverUrl, config, logger } = this.o;
    // The lock is held for the whole sign-in: a second bridge waits, then finds these tokens.
    return store.withServerLock(serverUrl, config.authTimeoutMs + 30_000, async () => {
      const fresh = await store.readServer(serverUrl);
      if (fresh?.accessToken && fresh.accessToken !== usedToken && !expiring(fresh) && this.usable(fresh) && coversScopes(fresh.requestedScope, scope)) {
        logger.info('OAuth: using the tokens another bridge process obtained');
        this.adopt(fresh);
        return true;
      }
      const found = await discover(serverUrl, challenge, this.o.fetch, logger, config.resource);
      const chosen = scope ?? initialScope({ configured: config.scope, challenge: challenge?.scope, resourceScopes: found.prm?.scopes_supported, serverScopes: found.as.scopes_supported, refreshable: !unattended(config) });
      const dpop = await this.dpopFor(found, challenge);
      logger.info(`OAuth: signing in at ${found.as.issuer} for ${found.resource} (${config.grant.replace(/_/g, ' ')}${dpop ? ', DPoP-bound tokens' : ''})`);
      const tokens = await this.grant(found, chosen, dpop?.key);
      await this.save({
        serverUrl,
        issuer: found.as.issuer,
        resource: found.resource,
        as: found.as as unknown as Record<string, unknown>,
        clientId: tokens.clientId,
        requestedScope: chosen,
        ...tokenFields(tokens.response),
        dpopKey: dpop?.stored,
      });
      this.rejectedInARow = 0;
      logger.info('OAuth: signed in');
      return true;
    });
  }

  /**
   * Whether to bind the tokens to a key (RFC 9449): asked for with --dpop, required by the
   * resource metadata (dpop_bound_access_tokens_required), or offered by the server's challenge;
   * possible when the authorization server signs DPoP with ES256. Required but impossible is an
   * error; merely offered falls back to Bearer.
   */
  private async dpopFor(found: Discovered, challenge: BearerChallenge | undefined): Promise<{ key: DpopKey; stored: StoredDpopKey } | undefined> {
    const required = this.o.config.dpop || found.prm?.dpop_bound_access_tokens_required === true;
    if (!required && challenge?.dpop !== true) return undefined;
    if (!found.as.dpop_signing_alg_values_supported?.includes(DPOP_ALG)) {
      if (!required) return undefined;
      throw new OAuthError(`${found.as.issuer} does not offer DPoP with ${DPOP_ALG} (dpop_signing_alg_values_supported), which ${this.o.config.dpop ? '--dpop asks for' : 'the server requires'}`);
    }
    return generateDpopKey();
  }

  private async grant(found: Discovered, scope: string | undefined, dpopKey: DpopKey | undefined): Promise<{ response: OAuth.TokenEndpointResponse; clientId: string }> {
    const { config } = this.o;
    const dpop = (client: OAuth.Client) => (dpopKey ? oauthLib().DPoP(client, dpopKey.pair) : undefined);
    const base = { as: found.as, resource: found.resource, scope, fetch: this.o.fetch, logger: this.o.logger, announce: this.o.announce, openUrl: this.o.openUrl, timeoutMs: config.authTimeoutMs };
    if (config.grant === 'authorization_code') {
      // Listen where the stored registration says (its redirect URI names the port), else on
      // --oauth-callback-port or a free port; a taken stored port means registering again.
      const stored = config.callbackPort === undefined ? loopbackPort((await this.o.store.readClient(found.as.issuer))?.redirect_uris) : undefined;
      const callback = await startLoopbackCallback(config.callbackPort ?? stored ?? 0).catch((err: NodeJS.ErrnoException) => {
        if (stored !== undefined && err.code === 'EADDRINUSE') return startLoopbackCallback(0);
        throw new OAuthError(`cannot listen for the sign-in callback on 127.0.0.1:${config.callbackPort ?? stored ?? 0}: ${err.message}`);
      });
      try {
        const identity = await clientIdentity({ ...this.identityContext(found.as), redirectUri: callback.redirectUri });
        this.logClient(identity);
        return { response: await authorizationCodeGrant({ ...base, identity, dpop: dpop(identity.client) }, callback), clientId: identity.client.client_id };
      } finally {
        await callback.close();
      }
    }
    const identity = await clientIdentity(this.identityContext(found.as));
    this.logClient(identity);
    const ctx: GrantContext = { ...base, identity, dpop: dpop(identity.client) };
    const response =
      config.grant === 'device_code' ? await deviceCodeGrant(ctx)
      : config.grant === 'cross_app_access' ? await crossAppAccessGrant(ctx, config.crossAppAccess!)
      : await clientCredentialsGrant(ctx);
    return { response, clientId: identity.client.client_id };
  }

  private logClient(identity: ClientIdentity): void {
    this.o.logger.info(`OAuth: client ${identity.client.client_id} (${identity.source})`);
  }

  private identityContext(as: OAuth.AuthorizationServer) {
    return { config: this.o.config, as, store: this.o.store, fetch: this.o.fetch, logger: this.o.logger, privateKey: this.privateKey };
  }

  private async save(record: ServerRecord): Promise<void> {
    this.adopt(record);
    await this.o.store.writeServer(record);
  }
}

function tokenFields(tokens: OAuth.TokenEndpointResponse): Pick<ServerRecord, 'accessToken' | 'refreshToken' | 'expiresAt' | 'tokenType'> {
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: typeof tokens.expires_in === 'number' ? Date.now() + tokens.expires_in * 1000 : undefined,
    tokenType: tokens.token_type,
  };
}

/**
 * Grants that need nobody (client credentials, cross-app access): a token about to expire is
 * obtained again ahead of time even without a refresh token, and offline_access is not asked for.
 */
function unattended(config: OAuthConfig): boolean {
  return config.grant === 'client_credentials' || config.grant === 'cross_app_access';
}

/** The token of an Authorization value, without its scheme. */
function tokenOf(used: string | undefined): string | undefined {
  return used?.replace(/^(Bearer|DPoP) /, '');
}

function expiring(record: ServerRecord): boolean {
  return record.expiresAt !== undefined && record.expiresAt - Date.now() < REFRESH_AHEAD_MS;
}
