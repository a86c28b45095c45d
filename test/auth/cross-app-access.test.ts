/**
 * Cross-app access (SEP-990, Enterprise-Managed Authorization) through the real CLI, against
 * three real loopback servers: an enterprise IdP (RFC 8693 token exchange: ID token -> ID-JAG),
 * the MCP server's authorization server (RFC 7523 JWT bearer grant: ID-JAG -> access token) and
 * an MCP server that answers 401 with a resource_metadata challenge. The official conformance
 * scenario (conformance.test.ts) checks the wire details; this suite checks what a user lives
 * with: an ID token file that a login helper rewrites, a token that stops working mid-session,
 * an IdP that refuses, and no token or secret in a debug log.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { exitOf, reply, useHarness, waitFor } from '../helpers/cli-kit';
import type { SeenRequest } from '../helpers/http-server';
import { callTool, initialize, tempDir } from './oauth-kit';

const h = useHarness();
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((c) => c()));

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ID_JAG = 'urn:ietf:params:oauth:token-type:id-jag';
const CLIENT = { client_id: 'mcp-client', client_secret: 'mcp-secret-ssssssss' };
const IDP_CLIENT = { client_id: 'idp-client', client_secret: 'idp-secret-iiiiiiii' };

interface World {
  mcpUrl: string;
  asIssuer: string;
  idpIssuer: string;
  /** ID tokens the IdP accepts right now. */
  validIdTokens: Set<string>;
  /** Access tokens the MCP server accepts right now. */
  validAccess: Set<string>;
  exchanges: Array<Record<string, string>>;
  bearerGrants: Array<Record<string, string>>;
  issued: string[];
}

function form(req: SeenRequest): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(req.body));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  reply(res, status, 'application/json', JSON.stringify(body));
}

async function startWorld(): Promise<World> {
  const w = { validIdTokens: new Set<string>(), validAccess: new Set<string>(), exchanges: [], bearerGrants: [], issued: [] } as unknown as World;
  let n = 0;
  const idp = await h.server((req, res) => {
    if (req.url === '/.well-known/oauth-authorization-server') return json(res, 200, { issuer: w.idpIssuer, token_endpoint: `${w.idpIssuer}/token`, token_endpoint_auth_methods_supported: ['client_secret_post'] });
    if (req.url !== '/token') return json(res, 404, {});
    const f = form(req);
    w.exchanges.push(f);
    if (f.grant_type !== EXCHANGE || f.client_id !== IDP_CLIENT.client_id || f.client_secret !== IDP_CLIENT.client_secret) return json(res, 400, { error: 'invalid_client' });
    if (!w.validIdTokens.has(f.subject_token)) return json(res, 400, { error: 'invalid_grant', error_description: 'ID token expired' });
    const jag = `jag-${++n}-jjjjjjjj`;
    w.issued.push(jag);
    json(res, 200, { access_token: jag, issued_token_type: ID_JAG, token_type: 'N_A', expires_in: 300 });
  }, '');
  w.idpIssuer = idp.url;
  const as = await h.server((req, res) => {
    if (req.url === '/.well-known/oauth-authorization-server') {
      return json(res, 200, { issuer: w.asIssuer, token_endpoint: `${w.asIssuer}/token`, grant_types_supported: [JWT_BEARER], token_endpoint_auth_methods_supported: ['client_secret_basic'] });
    }
    if (req.url !== '/token') return json(res, 404, {});
    const f = form(req);
    w.bearerGrants.push({ ...f, authorization: String(req.headers.authorization ?? '') });
    const basic = `Basic ${Buffer.from(`${CLIENT.client_id}:${CLIENT.client_secret}`).toString('base64')}`;
    if (req.headers.authorization !== basic) return json(res, 401, { error: 'invalid_client' });
    if (f.grant_type !== JWT_BEARER || f.assertion !== w.issued[w.issued.length - 1]) return json(res, 400, { error: 'invalid_grant' });
    const access = `access-${n}-aaaaaaaa`;
    w.validAccess.add(access);
    w.issued.push(access);
    json(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 3600 });
  }, '');
  w.asIssuer = as.url;
  const mcp = await h.server((req, res) => {
    if (req.method === 'GET' && req.url === '/.well-known/oauth-protected-resource/mcp') return json(res, 200, { resource: w.mcpUrl, authorization_servers: [w.asIssuer] });
    if (req.method !== 'POST') return reply(res, 405, undefined, '');
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!w.validAccess.has(token)) {
      res.setHeader('WWW-Authenticate', `Bearer resource_metadata="${w.mcpUrl.replace('/mcp', '/.well-known/oauth-protected-resource/mcp')}"`);
      return json(res, 401, { error: 'invalid_token' });
    }
    const msg = req.json as { id: number; method: string };
    const result = msg.method === 'initialize' ? { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } : { content: [] };
    json(res, 200, { jsonrpc: '2.0', id: msg.id, result });
  });
  w.mcpUrl = mcp.url;
  return w;
}

function args(w: World, store: string, idToken: string[]): string[] {
  return [
    '--url', w.mcpUrl, '--oauth-store', store, '--log-level', 'debug',
    '--static-oauth-client-info', JSON.stringify(CLIENT),
    '--idp-issuer', w.idpIssuer, '--idp-client-info', JSON.stringify(IDP_CLIENT),
    ...idToken,
  ];
}

test('ID token -> ID-JAG -> access token; a refused token mid-session runs the exchange again with the rewritten ID token file; no secret in the debug log', async () => {
  const w = await startWorld();
  const dir = tempDir('xaa-', cleanups);
  const idTokenFile = join(dir, 'id-token');
  writeFileSync(idTokenFile, 'id-token-one-11111111\n');
  w.validIdTokens.add('id-token-one-11111111');
  const run = h.cli(args(w, join(dir, 'store'), ['--idp-id-token', `@${idTokenFile}`]));
  run.send(initialize(0));
  await waitFor(() => run.messages().some((m) => m.id === 0), `initialize answered; stderr:\n${run.stderr()}`);

  // The exchange at the IdP: the ID token for an ID-JAG meant for the MCP server's authorization
  // server (audience: its issuer) and for the MCP server (resource).
  expect(w.exchanges).toHaveLength(1);
  expect(w.exchanges[0]).toMatchObject({
    grant_type: EXCHANGE,
    requested_token_type: ID_JAG,
    subject_token: 'id-token-one-11111111',
    subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    audience: w.asIssuer,
    resource: w.mcpUrl,
  });
  expect(w.bearerGrants[0]).toMatchObject({ grant_type: JWT_BEARER, assertion: 'jag-1-jjjjjjjj', resource: w.mcpUrl });

  // The login helper rewrites the ID token; the server stops accepting the access token.
  w.validIdTokens.clear();
  w.validIdTokens.add('id-token-two-22222222');
  writeFileSync(idTokenFile, 'id-token-two-22222222\n');
  w.validAccess.clear();
  run.send(callTool(1, 'x'));
  await waitFor(() => run.messages().some((m) => m.id === 1), `tools/call answered; stderr:\n${run.stderr()}`);
  run.end();
  await exitOf(run);

  expect(run.messages().map((m) => [m.id, 'result' in m])).toEqual([
    [0, true],
    [1, true],
  ]);
  expect(w.exchanges.map((e) => e.subject_token)).toEqual(['id-token-one-11111111', 'id-token-two-22222222']);
  const log = run.stderr();
  for (const secret of ['id-token-one-11111111', 'id-token-two-22222222', ...w.issued, CLIENT.client_secret, IDP_CLIENT.client_secret]) expect(log).not.toContain(secret);
  expect(log).toMatch(/ID-JAG/);
});

test('an ID token the IdP refuses: the request gets one error answer and stderr says to give a fresh ID token', async () => {
  const w = await startWorld();
  const dir = tempDir('xaa-refused-', cleanups);
  const run = h.cli(args(w, join(dir, 'store'), []), { MCP_IDP_ID_TOKEN: 'id-token-stale-33333333' });
  run.send(initialize(0));
  await waitFor(() => run.messages().some((m) => m.id === 0), `initialize answered; stderr:\n${run.stderr()}`);
  run.end();
  await exitOf(run);
  const answers = run.messages();
  expect(answers).toHaveLength(1);
  expect(answers[0]).toHaveProperty('error');
  expect(w.bearerGrants).toHaveLength(0);
  expect(run.stderr()).toMatch(/the identity provider refused the token exchange: invalid_grant: ID token expired \(the ID token is expired or not for this client: give a fresh one\)/);
  expect(run.stderr()).not.toContain('id-token-stale-33333333');
});

test.each([
  [['--idp-issuer', 'https://idp.example', '--idp-client-info', '{"client_id":"i"}', '--static-oauth-client-info', '{"client_id":"c"}'], /needs the ID token/],
  [['--idp-id-token', 't', '--idp-client-info', '{"client_id":"i"}', '--static-oauth-client-info', '{"client_id":"c"}'], /exactly one of --idp-issuer/],
  [['--idp-id-token', 't', '--idp-issuer', 'http://idp.example', '--idp-client-info', '{"client_id":"i"}', '--static-oauth-client-info', '{"client_id":"c"}'], /must be an https URL/],
  [['--idp-id-token', 't', '--idp-issuer', 'https://idp.example', '--static-oauth-client-info', '{"client_id":"c"}'], /needs --idp-client-info/],
  [['--idp-id-token', 't', '--idp-issuer', 'https://idp.example', '--idp-client-info', '{"client_id":"i"}'], /needs --static-oauth-client-info/],
  [['--idp-id-token', 't', '--idp-issuer', 'https://idp.example', '--idp-client-info', '{"client_id":"i"}', '--static-oauth-client-info', '{"client_id":"c"}', '--device-code'], /exclude each other/],
])('cross-app access flags %j are refused with a clear message (exit 2)', async (flags, message) => {
  const run = h.cli(['--url', 'http://127.0.0.1:9/mcp', ...flags]);
  expect((await exitOf(run)).code).toBe(2);
  expect(run.stderr()).toMatch(message);
});
