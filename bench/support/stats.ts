import { loadavg } from 'node:os';

/** The value at quantile `q` (0–1) of `values` (nearest rank below; `q = 1` is the maximum). */
export function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The 1, 5 and 15 minute load averages, as `"1.2 0.8 0.5"`. */
export function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');
}
