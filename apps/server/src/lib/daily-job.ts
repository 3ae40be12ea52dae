import { Cron } from 'croner';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

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

export type DailyJobHandle = {
  /** When the next daily run is due (croner's schedule in the job's time zone). */
  nextRun(): Date | null;
  /** Stops the schedule and waits for a run in progress. */
  stop(): Promise<void>;
};

/**
 * Runs a job now, then every day at its hour in the business time zone (croner: `0 H * * *`,
 * time zone and daylight-saving changes handled there). `stop` waits for a run in progress, so the
 * database can be closed after it. A failed run is logged and retried the next day; runs never
 * overlap (a run due while one is still going waits for it).
 */
export function startDailyJob(job: DailyJob): DailyJobHandle {
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
  // unref: the schedule alone does not keep a process (a test, a CLI) alive.
  const schedule = new Cron(`0 ${job.hour} * * *`, { timezone: job.timeZone, unref: true }, () =>
    run('daily'),
  );

  return {
    nextRun: () => schedule.nextRun(),
    async stop() {
      stopped = true;
      schedule.stop();
      await running;
    },
  };
}

/** Starts a daily job when the app is ready and stops it (waiting for a run) when the app closes. */
export function registerDailyJob(
  app: FastifyInstance,
  start: (log: FastifyBaseLogger) => Pick<DailyJobHandle, 'stop'>,
): void {
  let job: Pick<DailyJobHandle, 'stop'> | undefined;
  app.addHook('onReady', async () => {
    job = start(app.log);
  });
  app.addHook('onClose', async () => {
    await job?.stop();
  });
}
