/** Timing helpers shared by benches: repeated runs in one process, reported as a median. */

export const MiB = 1024 * 1024;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Collects garbage between runs when node runs with --expose-gc, so one run's garbage is not billed to the next. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Wall time of one synchronous run, in milliseconds. */
export function timeMs(run: () => void): number {
  collectGarbage();
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** 1 MB = 2^20 bytes throughout, so that MB/s and ms/MB read against the MiB sizes of the inputs. */
export const mbPerSecond = (bytes: number, ms: number): number => bytes / MiB / (ms / 1000);
export const msPerMb = (bytes: number, ms: number): number => ms / (bytes / MiB);

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
