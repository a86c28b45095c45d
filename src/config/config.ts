import { parseArgs } from 'node:util';
import { buildOAuthConfig, OAUTH_OPTIONS, type OAuthConfig } from '../auth/oauth-config';
import { parseLogLevel, type LogFormat, type LogLevel } from '../log/logger';
import { parseHeader } from './header-values';
import { resolveServerUrl } from './server-url';
import { DEFAULTS } from '../core/defaults';
import type { TransportMode } from '../core/transport-mode';

/** Everything the bridge needs, resolved from flags and environment variables. */
export interface BridgeConfig {
  url: string;
  transport: TransportMode;
  /** Translate between MCP revisions when host and server share none (auto), or never (passthrough). */
  protocol: 'auto' | 'passthrough';
  /** Extra request headers, Authorization included when `--auth` is set. */
  headers: Record<string, string>;
  /** Response timeout per request (ms), reset by every message of that request; 0 = none. */
  timeoutMs: number;
  connectTimeoutMs: number;
  concurrency: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
  logFile?: string;
  /** Request body encoding: application/json, application/x-www-form-urlencoded, or auto. */
  contentType: string;
  tls: { caFile?: string; certFile?: string; keyFile?: string; insecure: boolean };
  http2: boolean;
  poolSize: number;
  poolIdleTimeoutMs: number;
  maxMessageBytes: number;
  shutdownTimeoutMs: number;
  retry: { attempts: number; baseMs: number; maxMs: number };
  /** Run against the built-in demo MCP server instead of --url. */
  demo: boolean;
  /** OAuth sign-in and --auth-command (src/auth/oauth-config.ts). */
  oauth: OAuthConfig;
}

/** A configuration the bridge cannot run with: printed on stderr, exit status 2. */
export class ConfigError extends Error {}

/** What the CLI should do instead of bridging. */
export type ConfigOutcome = { kind: 'run'; config: BridgeConfig } | { kind: 'help' } | { kind: 'version' };

const OPTIONS = {
  url: { type: 'string' },
  auth: { type: 'string' },
  header: { type: 'string', short: 'H', multiple: true },
  timeout: { type: 'string' },
  'connect-timeout': { type: 'string' },
  concurrency: { type: 'string' },
  'log-level': { type: 'string' },
  'log-file': { type: 'string' },
  'log-format': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'content-type': { type: 'string' },
  'mcp-content-type': { type: 'string', short: 'c' },
  'tls-cert': { type: 'string' },
  'client-cert': { type: 'string' },
  'client-key': { type: 'string' },
  insecure: { type: 'boolean' },
  http2: { type: 'boolean' },
  'http-pool-size': { type: 'string' },
  'http-pool-idle-timeout': { type: 'string' },
  // The Rust wrapper's on/off switch; a per-worker pool has no meaning here (one shared pool).
  'http-pool-per-worker': { type: 'boolean' },
  'max-message-bytes': { type: 'string' },
  'shutdown-timeout': { type: 'string' },
  retries: { type: 'string' },
  'retry-base': { type: 'string' },
  'retry-max': { type: 'string' },
  transport: { type: 'string' },
  protocol: { type: 'string' },
  'no-url-rewrite': { type: 'boolean' },
  demo: { type: 'boolean' },
  ...OAUTH_OPTIONS,
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off', '']);

/**
 * `--flag=true` / `--flag=false` for boolean flags (as scripts written for the reference wrappers
 * pass them: the Rust wrapper's `--http-pool-per-worker=true`), turned into the bare flag or
 * nothing; util.parseArgs would reject the value. Other values are left for it to reject.
 */
function booleanFlagValues(argv: readonly string[]): string[] {
  return argv.flatMap((arg) => {
    const m = /^--([a-z0-9-]+)=(.*)$/i.exec(arg);
    const option = m ? (OPTIONS as Record<string, { type: string }>)[m[1]!] : undefined;
    if (!m || option?.type !== 'boolean') return [arg];
    const value = truthOf(m[2]!);
    return value === undefined ? [arg] : value ? [`--${m[1]}`] : [];
  });
}

/** Resolves flags and environment (flags win) into a configuration, or says why it cannot. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ConfigOutcome {
  let parsed;
  try {
    parsed = parseArgs({ args: booleanFlagValues(argv), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\nRun with --help for usage.`);
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  if (v.version) return { kind: 'version' };
  if (parsed.positionals.length > 1) throw new ConfigError(`unexpected arguments: ${parsed.positionals.slice(1).join(' ')}`);

  const demo = v.demo === true;
  // mcp-remote style `mcp-rx-bridge <url>` is accepted too.
  const rawUrl = v.url ?? parsed.positionals[0] ?? env.MCP_SERVER_URL;
  if (!demo && (rawUrl === undefined || rawUrl.trim() === '')) {
    throw new ConfigError('no server URL: pass --url <url> or set MCP_SERVER_URL (or try --demo)');
  }
  const url = demo ? 'http://127.0.0.1/' : resolveServerUrl(rawUrl!.trim(), v['no-url-rewrite'] !== true);

  const headers: Record<string, string> = {};
  for (const spec of v.header ?? []) {
    const [name, value] = parseHeader(spec, env);
    headers[name] = value;
  }
  const auth = v.auth ?? env.MCP_AUTH;
  // Refused like -H (header-values.ts): axios would strip a CR/LF silently and send another
  // credential than the one given. The value is a secret: it is not quoted.
  if (auth !== undefined && /[\u0000-\u0008\u000a-\u001f\u007f]/.test(auth)) {
    throw new ConfigError(`${v.auth !== undefined ? '--auth' : 'MCP_AUTH'}: the value contains a line break or another control character`);
  }
  if (auth !== undefined && auth !== '') headers.Authorization = auth;

  const levelRaw = v['log-level'] ?? env.MCP_WRAPPER_LOG_LEVEL ?? env.LOG_LEVEL;
  let logLevel: LogLevel = 'warn';
  if (levelRaw !== undefined) {
    const level = parseLogLevel(levelRaw);
    if (level === undefined) throw new ConfigError(`--log-level must be one of off, error, warn, info, debug; got ${JSON.stringify(levelRaw)}`);
    logLevel = level;
  }
  if (v.quiet) logLevel = 'off';
  const logFormat = v['log-format'] ?? env.LOG_FORMAT ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') throw new ConfigError(`--log-format must be text or json; got ${JSON.stringify(logFormat)}`);

  const transport = v.transport ?? env.MCP_TRANSPORT ?? DEFAULTS.transport;
  if (transport !== 'auto' && transport !== 'streamable-http' && transport !== 'sse') {
    throw new ConfigError(`--transport must be auto, streamable-http or sse; got ${JSON.stringify(transport)}`);
  }

  const protocol = v.protocol ?? env.MCP_PROTOCOL ?? DEFAULTS.protocol;
  if (protocol !== 'auto' && protocol !== 'passthrough') throw new ConfigError(`--protocol must be auto or passthrough; got ${JSON.stringify(protocol)}`);

  const certFile = v['client-cert'] ?? env.CLIENT_CERT;
  const keyFile = v['client-key'] ?? env.CLIENT_KEY;
  if ((certFile === undefined) !== (keyFile === undefined)) throw new ConfigError('--client-cert and --client-key go together');

  return {
    kind: 'run',
    config: {
      url,
      transport,
      protocol,
      headers,
      timeoutMs: seconds('--timeout', v.timeout ?? env.MCP_TOOL_CALL_TIMEOUT, DEFAULTS.timeoutMs / 1000, true),
      connectTimeoutMs: seconds('--connect-timeout', v['connect-timeout'] ?? env.MCP_CONNECT_TIMEOUT, DEFAULTS.connectTimeoutMs / 1000, false),
      concurrency: integer('--concurrency', v.concurrency ?? env.CONCURRENCY, DEFAULTS.concurrency, 1),
      logLevel,
      logFormat,
      logFile: v['log-file'] ?? env.MCP_LOG_FILE,
      contentType: (v['content-type'] ?? v['mcp-content-type'] ?? env.MCP_CONTENT_TYPE ?? env.FORGE_CONTENT_TYPE ?? DEFAULTS.contentType).trim(),
      tls: {
        caFile: v['tls-cert'] ?? env.TLS_CERT,
        certFile,
        keyFile,
        insecure: v.insecure === true || flag('INSECURE', env.INSECURE) || flag('SKIP_SSL_VERIFY', env.SKIP_SSL_VERIFY),
      },
      http2: v.http2 === true || flag('HTTP2', env.HTTP2),
      poolSize: integer('--http-pool-size', v['http-pool-size'] ?? env.HTTP_POOL_SIZE, 0, 0),
      poolIdleTimeoutMs: seconds('--http-pool-idle-timeout', v['http-pool-idle-timeout'] ?? env.HTTP_POOL_IDLE_TIMEOUT, DEFAULTS.poolIdleTimeoutMs / 1000, false),
      maxMessageBytes: integer('--max-message-bytes', v['max-message-bytes'] ?? env.MCP_MAX_MESSAGE_BYTES, DEFAULTS.maxMessageBytes, 1024),
      shutdownTimeoutMs: seconds('--shutdown-timeout', v['shutdown-timeout'], DEFAULTS.shutdownTimeoutMs / 1000, true),
      retry: {
        attempts: integer('--retries', v.retries ?? env.MCP_RETRIES, DEFAULTS.retry.attempts, 1),
        baseMs: seconds('--retry-base', v['retry-base'], DEFAULTS.retry.baseMs / 1000, true),
        maxMs: seconds('--retry-max', v['retry-max'], DEFAULTS.retry.maxMs / 1000, true),
      },
      demo,
      oauth: buildOAuthConfig(v, env, Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'), (m) => new ConfigError(m)),
    },
  };
}

function seconds(name: string, raw: string | undefined, fallback: number, allowZero: boolean): number {
  if (raw === undefined || raw.trim() === '') return fallback * 1000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new ConfigError(`${name} must be a number of seconds${allowZero ? ' (0 = none)' : ' > 0'}; got ${JSON.stringify(raw)}`);
  return Math.round(n * 1000);
}

function integer(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be a whole number >= ${min}; got ${JSON.stringify(raw)}`);
  return n;
}

function flag(name: string, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  const value = truthOf(raw);
  if (value === undefined) throw new ConfigError(`${name} must be true or false; got ${JSON.stringify(raw)}`);
  return value;
}

/** A true/false word (1, yes, on, ...), or undefined when it is none. */
function truthOf(raw: string): boolean | undefined {
  const word = raw.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}
