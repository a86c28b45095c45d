import { exec } from 'node:child_process';
import type { Logger } from '../log/logger';

/**
 * Runs a command whose stdout is one secret line (a token, an ID token): the output joins the
 * logger's redaction list before anything else sees it, the command's stderr goes to ours, and
 * a failure is logged without the output. Resolves with the line, or undefined on failure.
 * `what` names the flag in the messages (--auth-command, --idp-id-token-command).
 */
export function runTokenCommand(command: string, timeoutMs: number, logger: Logger, what: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = exec(command, { timeout: timeoutMs, maxBuffer: 64 * 1024, windowsHide: true }, (err, stdout) => {
      const out = String(stdout).trim();
      if (out !== '') logger.addSecret(out);
      if (err) {
        logger.error(`${what} failed (${err.killed ? 'timed out' : `exit status ${String(err.code)}`})`);
        return resolve(undefined);
      }
      if (out === '' || /[\r\n]/.test(out)) {
        logger.error(`${what} printed no token (expected one line on stdout)`);
        return resolve(undefined);
      }
      resolve(out);
    });
    child.stderr?.pipe(process.stderr, { end: false });
    child.stdin?.end();
  });
}
