/**
 * Orders two ISO 8601 timestamps of the same form (`toISOString()`, the server's `created_at`)
 * by time: their characters compare in time order. Not `localeCompare`, whose first call builds
 * the locale's collator, a cost paid on the phone's start-up path for nothing.
 */
export function compareTimestamps(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
