import { appendFileSync, lstatSync } from 'node:fs';

/**
 * A log sink that appends to a file (`--log-file`). A symbolic link is refused, as the Rust
 * wrapper does: a log path must not be redirectable to a file the user did not name.
 */
export function fileSink(path: string): (line: string) => void {
  try {
    if (lstatSync(path).isSymbolicLink()) throw new Error(`--log-file ${path} is a symbolic link; refusing to write to it`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return (line) => appendFileSync(path, line);
}
