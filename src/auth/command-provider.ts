import { exec } from 'node:child_process';
import type { Logger } from '../log/logger';
import type { AuthProvider } from './auth-provider';

/**
 * --auth-command: a command whose stdout is the token (a company CLI that mints JWTs, a secret
 * manager). Run before the first request and again on a 401 (once per rejected value: requests
 * that got 401 together share one run). A bare token becomes "Bearer <token>"; output that
 * already names a scheme ("Basic ...", "Bearer ...") is used as it is. The output joins the
 * logger's redaction list before it is used; the command's stderr goes to ours.
 */
export class CommandProvider implements AuthProvider {
  private value?: string;
  private busy?: Promise<boolean>;

  constructor(
    private readonly command: string,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async authorization(): Promise<string | undefined> {
    if (this.value === undefined) await this.exclusive(undefined);
    return this.value;
  }

  unauthorized(used: string | undefined): Promise<boolean> {
    if (this.value !== undefined && this.value !== used) return Promise.resolve(true);
    return this.exclusive(used);
  }

  insufficientScope(): Promise<boolean> {
    return Promise.resolve(false);
  }

  accepted(): void {}

  rejected(): void {
    this.logger.warn('the server refused the token --auth-command just printed');
  }

  private async exclusive(used: string | undefined): Promise<boolean> {
    if (this.busy) {
      await this.busy;
      return this.value !== undefined && this.value !== used;
    }
    this.busy = this.run().finally(() => (this.busy = undefined));
    return this.busy;
  }

  private run(): Promise<boolean> {
    return new Promise((resolve) => {
      const child = exec(this.command, { timeout: this.timeoutMs, maxBuffer: 64 * 1024, windowsHide: true }, (err, stdout) => {
        const out = String(stdout).trim();
        if (out !== '') this.logger.addSecret(out);
        if (err) {
          this.logger.error(`--auth-command failed (${err.killed ? 'timed out' : `exit status ${String(err.code)}`})`);
          return resolve(false);
        }
        if (out === '' || /[\r\n]/.test(out)) {
          this.logger.error('--auth-command printed no token (expected one line on stdout)');
          return resolve(false);
        }
        this.value = /^[A-Za-z][\w-]*\s+\S/.test(out) ? out : `Bearer ${out}`;
        this.logger.info('--auth-command gave a new token');
        resolve(true);
      });
      child.stderr?.pipe(process.stderr, { end: false });
      child.stdin?.end();
    });
  }
}
