import type { Logger } from '../log/logger';
import type { OAuthConfig } from './oauth-config';
import type { OAuthFetch } from './oauth-fetch';
import { OAuthStore } from './oauth-store';

/**
 * --oauth-logout: forgets the tokens stored for the server (the client registration stays:
 * it identifies the bridge, not the user), after asking the authorization server to revoke the
 * refresh token when it has a revocation endpoint (RFC 7009) and the client needs no secret we
 * lack; revocation is best effort (`fetch` is the bridge's own HTTP stack, so proxy and TLS flags
 * apply, bounded by the caller's timeout). Exit status 0 whether or not there was anything stored.
 */
export async function oauthLogout(url: string, config: OAuthConfig, logger: Logger, fetch: OAuthFetch): Promise<number> {
  const store = new OAuthStore(config.storeDir);
  const record = await store.readServer(url);
  if (record?.refreshToken) logger.addSecret(record.refreshToken);
  if (record?.accessToken) logger.addSecret(record.accessToken);
  const endpoint = record?.as.revocation_endpoint;
  if (record?.refreshToken && typeof endpoint === 'string') {
    const registered = await store.readClient(record.issuer);
    const secret = config.staticClientInfo?.client_id === record.clientId ? config.staticClientInfo.client_secret : registered?.client_id === record.clientId ? (registered.client_secret as string | undefined) : undefined;
    const body = new URLSearchParams({ token: record.refreshToken, token_type_hint: 'refresh_token', client_id: record.clientId });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (secret !== undefined) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(record.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    try {
      const res = await fetch(endpoint, { method: 'POST', headers, body: body.toString() });
      await res.body?.cancel();
      logger.info(`OAuth: revocation answered ${res.status}`);
    } catch (err) {
      logger.info(`OAuth: revocation failed (${(err as Error).message}); the tokens are removed locally anyway`);
    }
  }
  const removed = await store.deleteServer(url);
  process.stderr.write(removed ? `mcp-rx-bridge: signed out of ${url} (tokens removed from ${config.storeDir})\n` : `mcp-rx-bridge: no stored sign-in for ${url} in ${config.storeDir}\n`);
  return 0;
}
