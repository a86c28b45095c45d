import type { Logger } from '../log/logger';
import type { AuthProvider } from './auth-provider';
import { runTokenCommand } from './token-command';

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

  private async run(): Promise<boolean> {
    const out = await runTokenCommand(this.command, this.timeoutMs, this.logger, '--auth-command');
    if (out === undefined) return false;
    this.value = /^[A-Za-z][\w-]*\s+\S/.test(out) ? out : `Bearer ${out}`;
    this.logger.info('--auth-command gave a new token');
    return true;
  }
}
