/** Small statistics and formatting helpers for the end-to-end benches. */
import * as os from 'node:os';

export const MiB = 1024 * 1024;

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const round = (value: number, digits = 3): number => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

export const elapsedMs = (from: bigint, to = process.hrtime.bigint()): number => Number(to - from) / 1e6;

/** 1 MB = 2^20 bytes throughout, so MB/s and ms/MB read against the MiB sizes of the inputs. */
export const mbPerSecond = (bytes: number, ms: number): number => bytes / MiB / (ms / 1000);
export const msPerMb = (bytes: number, ms: number): number => ms / (bytes / MiB);

/** Rotates `items` by `by`, so that every target goes first in some round. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const k = ((by % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export interface MachineInfo {
  cores: number;
  cpu: string;
  node: string;
  platform: string;
  totalMemGiB: number;
  /** 1/5/15-minute load averages: the machine is shared, so other work may be running. */
  loadAvgStart: number[];
  loadAvgEnd?: number[];
}

export function machineInfo(): MachineInfo {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemGiB: round(os.totalmem() / 1024 ** 3, 1),
    loadAvgStart: os.loadavg().map((v) => round(v, 2)),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
