#!/usr/bin/env node
import { Subject } from 'rxjs';
import { authorizeSend } from './auth/create-authorization';
import { oauthLogout } from './auth/logout';
import { fetchOverSend } from './auth/oauth-fetch';
import { Bridge } from './bridge/bridge';
import { ConfigError, loadConfig, type BridgeConfig } from './config/config';
import { InvalidHeaderError } from './config/header-values';
import { InvalidServerUrlError } from './config/server-url';
import { USAGE } from './config/usage';
import type { DemoServer } from './demo/demo-server';
import { HttpTransport, PROXY_VARIABLES } from './http/http-transport';
import { fileSink } from './log/file-sink';
import { Logger } from './log/logger';
import { createConnection } from './session/create-connection';
import { EraRouter } from './translate/era-router';
import { translators } from './translate/translators';
import { LineWriter } from './stdio/line-writer';
import { stdinMessages } from './stdio/stdin-messages';
import { DEFAULTS, userAgent } from './core/defaults';
import { packageVersion } from './version';

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> & Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
/**
 * After a signal, the process ends within the grace plus this, whatever the server or the host
 * does (a server that stops reading, a host that stops reading stdout): answers owed by then are
 * written first when stdout takes them.
 */
const SIGNAL_HARD_STOP_EXTRA_MS = 2000;
/** --oauth-logout: revocation is best effort; a server that hangs must not hold the sign-out. */
const LOGOUT_TIMEOUT_MS = 5000;

/**
 * The CLI: configuration, then the bridge from stdin to the server and back to stdout, then an
 * orderly exit (stdout flushed before the process ends: exiting with writes pending cuts piped
 * output). Exit status: 0 after a normal end, 2 for a configuration error.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config: BridgeConfig;
  try {
    const outcome = loadConfig(argv, env);
    if (outcome.kind === 'help') return writeAndExit(process.stdout, USAGE, 0);
    if (outcome.kind === 'version') return writeAndExit(process.stdout, `${packageVersion()}\n`, 0);
    config = outcome.config;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof InvalidServerUrlError || err instanceof InvalidHeaderError) {
      return writeAndExit(process.stderr, `mcp-rx-bridge: ${err.message}\n`, 2);
    }
    throw err;
  }

  const logger = new Logger({
    level: config.logLevel,
    format: config.logFormat,
    sink: config.logFile ? fileSink(config.logFile) : undefined,
    // The proxy's credentials (HTTPS_PROXY=http://user:pass@host) are secrets too.
    secrets: [...Object.values(config.headers), ...[config.url, ...PROXY_VARIABLES.map((name) => env[name])].flatMap(urlSecrets)],
  });
  process.on('uncaughtException', (err) => logger.error(`unexpected error: ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => logger.error(`unexpected rejection: ${(err as Error)?.stack ?? String(err)}`));
  const transport = new HttpTransport(
    {
      // One socket per request slot; the GET stream and one-way messages have a pool of their
      // own (HttpRequest.lane), so a host's answer to a sampling request always finds a socket.
      maxSockets: config.poolSize > 0 ? config.poolSize : config.concurrency,
      idleTimeoutMs: config.poolIdleTimeoutMs,
      connectTimeoutMs: config.connectTimeoutMs,
      caFile: config.tls.caFile,
      certFile: config.tls.certFile,
      keyFile: config.tls.keyFile,
      insecure: config.tls.insecure,
      http2: config.http2,
      userAgent: userAgent(packageVersion()),
      sensitiveHeaders: Object.keys(config.headers),
    },
    logger,
  );
  // Revocation goes through the same HTTP stack as everything else (proxy, CA, client certificate).
  if (config.oauth.logout) return oauthLogout(config.url, config.oauth, logger, fetchOverSend((request) => transport.send(request), LOGOUT_TIMEOUT_MS));

  let demo: DemoServer | undefined;
  if (config.demo) {
    // Loaded only with --demo (a require() in a function stays lazy in the bundle too).
    const { startDemoServer } = require('./demo/demo-server') as typeof import('./demo/demo-server');
    demo = await startDemoServer();
    config = { ...config, url: demo.url };
    logger.info(`demo MCP server listening at ${demo.url}`);
  }
  if (config.tls.insecure) logger.warn('TLS certificate verification is OFF (--insecure): use only against servers you trust');
  logger.info(`bridging stdio to ${config.url}`);

  const stopInput$ = new Subject<void>();
  let graceMs = config.shutdownTimeoutMs;
  let bridge: Bridge | undefined;
  const writer = new LineWriter(process.stdout, (err) => {
    logger.info(`stdout closed (${(err as NodeJS.ErrnoException).code ?? err.message}): shutting down`);
    bridge?.abort();
  });

  const transportClient = createConnection(config.transport, {
    url: config.url,
    headers: config.headers,
    contentType: config.contentType,
    timeoutMs: config.timeoutMs,
    maxMessageBytes: config.maxMessageBytes,
    retry: config.retry,
    gate: writer.gate,
    logger,
    // OAuth sign-in / --auth-command (src/auth/): sets Authorization, renews it on 401 and sends again once.
    send: authorizeSend((request) => transport.send(request), { url: config.url, oauth: config.oauth, stderr: config.logLevel !== 'off' }, logger),
    serverStream: true,
  });
  // Hosts and servers of different MCP revisions: translated only when they share none (--protocol).
  const client = new EraRouter(transportClient, translators(logger), logger, config.protocol);
  bridge = new Bridge(client, writer, logger, { concurrency: config.concurrency, shutdownTimeoutMs: config.shutdownTimeoutMs, redact: (line) => logger.redact(line) });

  let signalled = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signalled++;
    if (signalled > 1) process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 15));
    logger.info(`${signal}: finishing in-flight requests, then exiting`);
    graceMs = Math.min(config.shutdownTimeoutMs, DEFAULTS.signalGraceMs);
    bridge?.shortenDeadline(graceMs);
    stopInput$.next();
    const hardStop = setTimeout(() => {
      logger.warn(`${signal}: still running ${graceMs + SIGNAL_HARD_STOP_EXTRA_MS} ms after the signal; exiting now`);
      process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 15));
    }, graceMs + SIGNAL_HARD_STOP_EXTRA_MS);
    hardStop.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  await bridge.run(stdinMessages(process.stdin, config.maxMessageBytes, bridge.inputGate), stopInput$, () => graceMs);
  process.stdin.pause();
  await client.close(DEFAULTS.closeDeadlineMs);
  await demo?.close();
  await writer.flush();
  logger.info(`done: ${writer.lines} line(s) written`);
  return 0;
}

/** A password in the URL (user:password@host) is a secret too, raw and percent-decoded. */
function urlSecrets(url: string | undefined): string[] {
  let password: string;
  try {
    password = url === undefined || url === '' ? '' : new URL(url).password;
  } catch {
    return [];
  }
  if (password === '') return [];
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // keep the raw form only
  }
  return [password, decoded];
}

function writeAndExit(stream: NodeJS.WriteStream, text: string, code: number): Promise<number> {
  return new Promise((resolve) => stream.write(text, () => resolve(code)));
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`mcp-rx-bridge: ${(err as Error)?.message ?? String(err)}\n`, () => process.exit(1));
    },
  );
}
