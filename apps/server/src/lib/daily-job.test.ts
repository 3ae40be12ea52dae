import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { startDailyJob } from './daily-job.ts';

/** A logger that keeps what it is given, for the job's `done` / `failed` lines. */
function recordingLog() {
  const lines: { level: 'info' | 'error'; message: string; data: unknown }[] = [];
  const log = {
    info: (data: unknown, message: string) => lines.push({ level: 'info', message, data }),
    error: (data: unknown, message: string) => lines.push({ level: 'error', message, data }),
  } as unknown as FastifyBaseLogger;
  return { log, lines };
}

function hourAndMinuteIn(timeZone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

describe('daily jobs', () => {
  it('runs at start-up and logs the result', async () => {
    const { log, lines } = recordingLog();
    const job = startDailyJob({
      name: 'probe',
      hour: 2,
      timeZone: 'Africa/Ouagadougou',
      log,
      run: async () => 7,
    });
    await job.stop();
    expect(lines).toEqual([
      { level: 'info', message: 'probe done', data: { result: 7, reason: 'start-up' } },
    ]);
  });

  it('is next due at its hour in the business time zone, within a day', async () => {
    const { log } = recordingLog();
    for (const [timeZone, hour] of [
      ['Africa/Ouagadougou', 2],
      ['Asia/Kolkata', 2],
      ['America/New_York', 23],
    ] as const) {
      const before = Date.now();
      const job = startDailyJob({ name: 'probe', hour, timeZone, log, run: async () => null });
      const next = job.nextRun();
      await job.stop();
      expect(next).not.toBeNull();
      expect(hourAndMinuteIn(timeZone, next!)).toBe(`${String(hour).padStart(2, '0')}:00`);
      expect(next!.getTime()).toBeGreaterThan(before);
      expect(next!.getTime() - before).toBeLessThanOrEqual(25 * 3_600_000);
    }
  });

  it('logs a failed run without throwing, and stop waits for the run in progress', async () => {
    const { log, lines } = recordingLog();
    let release!: () => void;
    const job = startDailyJob({
      name: 'probe',
      hour: 2,
      timeZone: 'Africa/Ouagadougou',
      log,
      run: () =>
        new Promise((_, reject) => {
          release = () => reject(new Error('database gone'));
        }),
    });
    let stopped = false;
    const stopping = job.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(lines.map((line) => [line.level, line.message])).toEqual([['error', 'probe failed']]);
    expect(job.nextRun()).toBeNull();
  });
});
