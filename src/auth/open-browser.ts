import { spawn } from 'node:child_process';
import type { Logger } from '../log/logger';

/**
 * Opens `url` in the user's browser: the command in BROWSER when set (its words, then the URL;
 * or with `%s` replaced by the URL), else the platform's opener (open, xdg-open, rundll32 on
 * Windows, which needs no shell quoting of `&`). The caller has printed the URL already, so a
 * missing opener is only worth a debug line: sign-in goes on with the URL the user copies.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv, logger: Logger): void {
  const [command, ...args] = browserCommand(url, env);
  try {
    const child = spawn(command!, args, { stdio: 'ignore', detached: process.platform !== 'win32', windowsHide: true });
    child.on('error', (err) => logger.debug(`could not start a browser (${command}): ${err.message}`));
    child.unref();
  } catch (err) {
    logger.debug(`could not start a browser (${command}): ${(err as Error).message}`);
  }
}

export function browserCommand(url: string, env: NodeJS.ProcessEnv): string[] {
  const browser = env.BROWSER?.trim();
  if (browser) {
    // BROWSER may list several commands separated by ':' (the sensible-browser convention);
    // the first one is used. A path with ':' in it is not supported.
    const first = browser.split(':')[0]!.trim();
    const words = first.split(/\s+/);
    return words.some((w) => w.includes('%s')) ? words.map((w) => w.replace('%s', url)) : [...words, url];
  }
  if (process.platform === 'darwin') return ['open', url];
  if (process.platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler', url];
  return ['xdg-open', url];
}
