import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { todayIn } from './dates.ts';

const TICK_MS = 60_000;

export type DailyJob = {
  /** For the log: `${name} done` / `${name} failed`. */
  name: string;
  /** Hour of the day (0–23) in `timeZone` when it runs, once a day. */
  hour: number;
  timeZone: string;
  log: FastifyBaseLogger;
  /** What it does; its result is logged. Several processes may run it: it must be safe to repeat. */
  run: () => Promise<unknown>;
};

/**
 * Runs a job now, then every day at its hour in the business time zone. `stop` waits for a run
 * in progress, so the database can be closed after it. A failed run is logged and retried the
 * next day.
 */
export function startDailyJob(job: DailyJob): { stop(): Promise<void> } {
  let lastScheduledDay: string | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const run = (reason: string) => {
    if (stopped) return;
    running = running.then(async () => {
      try {
        const result = await job.run();
        job.log.info({ result, reason }, `${job.name} done`);
      } catch (error) {
        job.log.error({ err: error }, `${job.name} failed`);
      }
    });
  };

  run('start-up');
  const timer = setInterval(() => {
    const now = new Date();
    const today = todayIn(job.timeZone, now);
    if (hourIn(job.timeZone, now) === job.hour && lastScheduledDay !== today) {
      lastScheduledDay = today;
      run('daily');
    }
  }, TICK_MS);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** Starts a daily job when the app is ready and stops it (waiting for a run) when the app closes. */
export function registerDailyJob(
  app: FastifyInstance,
  start: (log: FastifyBaseLogger) => { stop(): Promise<void> },
): void {
  let job: { stop(): Promise<void> } | undefined;
  app.addHook('onReady', async () => {
    job = start(app.log);
  });
  app.addHook('onClose', async () => {
    await job?.stop();
  });
}

function hourIn(timeZone: string, now: Date): number {
  return Number(
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(now),
  );
}
