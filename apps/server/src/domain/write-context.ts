/**
 * The one way to write. Every command (an HTTP route, a sync mutation, a delivery batch, a daily
 * job, the bootstrap) runs its change through `runWrite`, which opens the transaction, hands the
 * work a `WriteContext`, commits, and only then publishes the live events the work queued. A
 * service that writes takes the context as its first argument, so it can't be called outside
 * a write:
 *
 *   // a route: the route opens the write, the service does the work inside it
 *   async (request) => runWrite(deps, actorOf(request), (ctx) => recordPayment(ctx, id, request.body))
 *
 *   // a service: SQL through the repos on ctx.tx, audit and notifications through ctx
 *   export async function recordPayment(ctx: WriteContext, id: string, input: PaymentInput) {
 *     const before = await lockOrder(ctx.tx, id);                 // repos take ctx.tx
 *     …; await recordAudit(ctx, { action: 'order.payment', … });   // the actor comes from ctx
 *     await notifyPaymentRecorded(ctx, order, …);                   // stored now, pushed after commit
 *     ctx.publishAfterCommit({ channels, message });                // a bare live event, likewise
 *   }
 *
 *   // a sync mutation: the push's actor and device, one write per mutation, the mutation itself
 *   // in a savepoint whose events are dropped if it rolls back
 *   await runWrite(deps, actor, async (ctx) => { …; await ctx.savepoint((inner) => apply(inner, m)); });
 *
 *   // a job or the bootstrap: no user, a system actor (it writes the audit rows' request id)
 *   await runWrite(deps, systemActor('expiry-check'), (ctx) => notify(ctx, items), { now });
 *
 * Dates: `ctx.clock` is the business clock (`now`, the business `timeZone`, `today` there), read
 * once per write; nothing else asks for the time zone. Services read with `db` (no context) and
 * write only with one.
 *
 * Why events are exact without re-reading the database: each attempt of a retried transaction
 * collects its own events and a savepoint's are kept only if it is released, so once the commit
 * returns, everything collected is committed. A crash between the commit and the publication
 * loses only the live push (clients refetch on reconnect). Drizzle has no commit hook and NOTIFY
 * would tie the fan-out to PostgreSQL instead of Redis, hence the collector.
 */
import { type Database, type Db, type FinishTransaction, finishOnReturn } from '../db/client.ts';
import { postgresErrorCode } from '../db/database-errors.ts';
import { todayIn } from '../lib/dates.ts';
import type { RealtimeEvent } from '../realtime/bus.ts';
import type { SessionEnd } from '../realtime/session-end.ts';
import type { Actor } from './actor.ts';

/** Who writes: a signed-in user (`Actor`), or a job or the bootstrap, known by a request id only. */
export type WriteActor = Pick<Actor, 'requestId' | 'ip'> & Partial<Pick<Actor, 'userId' | 'deviceId'>>;

/** The business clock of one write: read once, in the configured time zone. */
export type BusinessClock = {
  readonly now: Date;
  readonly timeZone: string;
  /** `YYYY-MM-DD` in `timeZone`. */
  readonly today: string;
};

export type WriteContext<A extends WriteActor = Actor> = {
  /** The open transaction (or savepoint); repos take it as their first argument. */
  readonly tx: Db;
  readonly actor: A;
  readonly clock: BusinessClock;
  /** What the write is, for the hooks and logs (`order.create`, `sync.push`, `expiry-check`…). */
  readonly name: string;
  /** Queues a live event; it goes to the bus once the transaction has committed, never otherwise. */
  publishAfterCommit(event: RealtimeEvent): void;
  /** Queues ended sessions (realtime/session-end.ts): their sockets close once the transaction has committed, never otherwise. */
  endSessionsAfterCommit(...ends: SessionEnd[]): void;
  /** Runs `work` in a savepoint: a failure rolls back its statements and drops its events, and is rethrown. */
  savepoint<T>(work: (ctx: WriteContext<A>) => Promise<T>): Promise<T>;
  /** The same write (transaction, clock, events) acting as another actor (the demo stock's manager). */
  actingAs<B extends WriteActor>(actor: B): WriteContext<B>;
};

/**
 * Runs inside every write after its work and before its commit (`throw` rolls it back). The app
 * has no hook of its own; the pipeline test registers a probe event here in each kind of command.
 */
export type WriteHook = (ctx: WriteContext<WriteActor>) => void | Promise<void>;

/** What `runWrite` needs; `AppDeps` has it all. */
export type WriteDeps = {
  db: Db;
  bus: { publish(event: RealtimeEvent): Promise<void>; publishSessionEnd(end: SessionEnd): Promise<void> };
  config: { timeZone: string };
  writeHooks?: ReadonlySet<WriteHook>;
};

export type WriteOptions = {
  /** See `WriteContext.name`; defaults to `write`. */
  name?: string;
  /** Tries, retried on a serialization failure or a deadlock (5; the sync path retries by itself: 1). */
  attempts?: number;
  /** The clock's instant (a job run for a given day, tests); defaults to now. */
  now?: Date;
  /**
   * No transaction: `work` runs its statements on the database, each committing on its own, for a
   * write that is ONE statement (the sync fast path); its events go out once `work` returns.
   */
  autocommit?: boolean;
  /** Hands over the publication instead of waiting for it (a delivery batch answers first). */
  publishing?: (published: Promise<void>) => void;
};

/** What a write publishes after its commit: live events and ended sessions. */
type AfterCommit = RealtimeEvent | { sessionEnd: SessionEnd };

const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 5;

/** Who acts for a job or the bootstrap: no user; the name is the audit rows' request id. */
export function systemActor(name: string): WriteActor {
  return { requestId: name, ip: '127.0.0.1' };
}

/** The business clock at `now` in `timeZone`. */
export function businessClock(timeZone: string, now = new Date()): BusinessClock {
  return { now, timeZone, today: todayIn(timeZone, now) };
}

/**
 * Runs `work` in a transaction (retried on a serialization failure or a deadlock, each attempt with
 * a fresh context), commits, then publishes the events `work` queued. Nothing is published when it
 * rolls back. Returns what `work` returned, or throws what it threw.
 */
export function runWrite<T, A extends WriteActor = Actor>(
  deps: WriteDeps,
  actor: A,
  work: (ctx: WriteContext<A>) => Promise<T>,
  options: WriteOptions = {},
): Promise<T> {
  const open = options.autocommit
    ? <R>(body: (tx: Db, finish: FinishTransaction) => Promise<R>) => body(deps.db, finishOnReturn)
    : <R>(body: (tx: Db, finish: FinishTransaction) => Promise<R>) =>
        deps.db.transaction((tx) => body(tx, finishOnReturn));
  return execute(deps, actor, options, open, (ctx) => work(ctx));
}

/**
 * `runWrite` in a pipelined transaction (`Database.pipelinedTransaction`): `work` calls
 * `finish(last)` to send COMMIT right behind its last statement. For the delivery batches.
 */
export function runPipelinedWrite<T, A extends WriteActor = Actor>(
  deps: WriteDeps & { database: Pick<Database, 'pipelinedTransaction'> },
  actor: A,
  work: (ctx: WriteContext<A>, finish: FinishTransaction) => Promise<T>,
  options: WriteOptions = {},
): Promise<T> {
  return execute(deps, actor, options, (body) => deps.database.pipelinedTransaction(body), work);
}

type Open = <R>(body: (tx: Db, finish: FinishTransaction) => Promise<R>) => Promise<R>;

async function execute<T, A extends WriteActor>(
  deps: WriteDeps,
  actor: A,
  options: WriteOptions,
  open: Open,
  work: (ctx: WriteContext<A>, finish: FinishTransaction) => Promise<T>,
): Promise<T> {
  const clock = businessClock(deps.config.timeZone, options.now);
  const name = options.name ?? 'write';
  const hooks = deps.writeHooks;
  const attempts = options.attempts ?? ATTEMPTS;
  for (let attempt = 1; ; attempt += 1) {
    const events: AfterCommit[] = [];
    try {
      const result = await open(async (tx, finish) => {
        const ctx = contextOf(tx, actor, clock, name, events);
        if (!hooks || hooks.size === 0) return work(ctx, finish);
        let hooked = false;
        const runHooks = async () => {
          hooked = true;
          for (const hook of hooks) await hook(ctx);
        };
        const value = await work(ctx, async (last) => {
          try {
            await runHooks();
          } catch (error) {
            last.catch(() => undefined);
            throw error;
          }
          return finish(last);
        });
        if (!hooked) await runHooks();
        return value;
      });
      if (events.length > 0) {
        const published = publishAll(deps.bus, events);
        if (options.publishing) options.publishing(published);
        else await published;
      }
      return result;
    } catch (error) {
      const code = postgresErrorCode(error);
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

function contextOf<A extends WriteActor>(
  tx: Db,
  actor: A,
  clock: BusinessClock,
  name: string,
  events: AfterCommit[],
): WriteContext<A> {
  return {
    tx,
    actor,
    clock,
    name,
    publishAfterCommit: (event) => {
      events.push(event);
    },
    endSessionsAfterCommit: (...ends) => {
      for (const end of ends) events.push({ sessionEnd: end });
    },
    async savepoint(work) {
      const own: AfterCommit[] = [];
      const result = await tx.transaction((savepoint) => work(contextOf(savepoint, actor, clock, name, own)));
      events.push(...own);
      return result;
    },
    actingAs: (other) => contextOf(tx, other, clock, name, events),
  };
}

/** The bus never throws (a lost live event is refetched by REST); this never does either. */
async function publishAll(bus: WriteDeps['bus'], events: readonly AfterCommit[]): Promise<void> {
  await Promise.all(
    events.map((event) =>
      ('sessionEnd' in event ? bus.publishSessionEnd(event.sessionEnd) : bus.publish(event)).catch(
        () => undefined,
      ),
    ),
  );
}
