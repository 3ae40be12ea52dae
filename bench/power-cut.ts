/**
 * Power cut: a real Gapal server on PostgreSQL is killed with SIGKILL while phones push every kind
 * of sync mutation (creations, direct sales, edits, payments, cancellations, status changes) and a
 * manager delivers through the API, then restarted; several times. After each restart:
 *   - the batches cut off in flight are sent again with the same ids: each mutation is applied
 *     now or answered `duplicate` (it had committed, its answer lost: counted and printed);
 *   - then EVERYTHING every phone ever sent is sent again: each mutation must answer `duplicate`
 *     with the outcome it first got (applied or rejected, same order, same reason);
 *   - the database holds exactly what the phones were told (support/power-cut-checks.ts): one
 *     order per applied creation and no other, one payment per applied payment, the last
 *     applied edit, cancellations, every acknowledged delivery, one stored result per answered
 *     mutation, the devices' sequences;
 *   - the stock ledger invariants hold (stock = movements = lots, chains unbroken, nothing < 0,
 *     a delivered order took its items exactly once, any other nothing).
 *
 *   node scripts/with-postgres.mjs node --import tsx bench/power-cut.ts   (exits 1 on failure)
 * Env: DATABASE_URL (an admin URL; a database is created and dropped), POWER_CUT_ROUNDS (3; 1 with
 * BENCH_QUICK=1).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '../apps/server/src/db/client.ts';
import { findLedgerProblems } from '../apps/server/src/ops/ledger-invariants.ts';
import { type BenchDatabase, benchSize, withBenchDatabase } from './support/bench-server.ts';
import { findEffectProblems } from './support/power-cut-checks.ts';
import {
  Acknowledgements,
  type Mutation,
  managerBatch,
  type Phone,
  pushBatch,
  vendorBatch,
} from './support/power-cut-phones.ts';
import { ADMIN, call, freePort, killServer, login, ok, startServer } from './support/power-cut-server.ts';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const rounds = benchSize('POWER_CUT_ROUNDS', 3, 1);
const VENDORS = 6;

const acks = new Acknowledgements();
let failures = 0;
const fail = (message: string, detail?: unknown) => {
  failures += 1;
  console.error(`  FAIL ${message}${detail === undefined ? '' : ` ${JSON.stringify(detail).slice(0, 500)}`}`);
};

async function main() {
  await withBenchDatabase('gapal_powercut', cutPowerRounds, adminUrl);
  if (failures > 0) {
    console.error(`Power cut: ${failures} failures`);
    process.exit(1);
  }
  console.log(
    `Power cut: OK (${acks.outcomes.size} mutations answered and re-sent, ${acks.committedUnacknowledged} of them committed without their answer, ${acks.deliveries.size} acknowledged deliveries; nothing lost, doubled or changed)`,
  );
}

async function cutPowerRounds({ name: database, url }: BenchDatabase) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gapal-powercut-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  try {
    server = await startServer(url, dataDir, port);
    const setup = await prepare(base);
    const phones = [...setup.vendors, setup.managerPhone];
    console.log(
      `Power cut on ${database}: ${rounds} rounds, ${VENDORS} vendor phones and a manager's phone pushing, two manager sessions delivering`,
    );

    for (let round = 1; round <= rounds; round += 1) {
      const stop = { now: false };
      const load = [
        ...setup.vendors.map((phone) =>
          pushLoop(base, phone, setup, stop, () => vendorBatch(phone, setup.productIds)),
        ),
        pushLoop(base, setup.managerPhone, setup, stop, () =>
          managerBatch(setup.managerPhone, setup.vendors),
        ),
        // Deliveries through the API (the batched delivery queue) in flight when the power goes.
        ...[1, 2].map(() => deliverLoop(base, setup.managerToken, setup.vendors, stop)),
      ];
      // Cut at a random moment, once the load is well under way.
      await sleep(2500 + Math.floor(Math.random() * 3500));
      await killServer(server);
      stop.now = true;
      await Promise.all(load);
      const cutOff = phones.filter((phone) => phone.inFlight).length;

      server = await startServer(url, dataDir, port);
      const unacknowledgedBefore = acks.committedUnacknowledged;
      const failuresBefore = failures;
      await resendInFlight(base, phones, setup.vendors);
      await resendEverything(base, phones, setup.vendors);
      await verify(url, phones);
      const verdict =
        failures === failuresBefore
          ? 'all re-sent as duplicates of their first outcome; database and ledger as answered'
          : `${failures - failuresBefore} FAILURES`;
      console.log(
        `  round ${round}: killed with ${cutOff} push batches in flight, ` +
          `${acks.committedUnacknowledged - unacknowledgedBefore} mutations had committed unanswered; ` +
          `applied/rejected ${summary(phones)}; ${acks.deliveries.size} deliveries acknowledged; ${verdict}`,
      );
    }
  } finally {
    if (server) await killServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type Setup = Awaited<ReturnType<typeof prepare>>;

/** A phone pushes batch after batch; a batch the server did not answer stays `inFlight`. */
async function pushLoop(
  base: string,
  phone: Phone,
  setup: Setup,
  stop: { now: boolean },
  batch: () => Mutation[],
) {
  while (!stop.now && !phone.inFlight) {
    const mutations = batch();
    if (mutations.length === 0) {
      await sleep(20);
      continue;
    }
    phone.inFlight = mutations;
    const response = await pushBatch(base, phone, mutations).catch(() => null);
    if (!response) return; // The server died with this batch in flight: sent again after restart.
    phone.inFlight = null;
    acks.record(phone, mutations, response, setup.vendors);
  }
}

const walked = new Set<string>();

/**
 * A manager walks vendors' orders to `livree` through the API; only a 200 counts as acknowledged.
 * The phones change the same orders meanwhile, so a 409 is an answer too, not a failure.
 */
async function deliverLoop(base: string, token: string, vendors: Phone[], stop: { now: boolean }) {
  while (!stop.now) {
    const next = vendors.flatMap((phone) => phone.orders).find((order) => !walked.has(order.orderId));
    if (!next) {
      await sleep(20);
      continue;
    }
    walked.add(next.orderId);
    for (const status of ['en_preparation', 'en_cours', 'livree']) {
      const response = await call(base, 'PATCH', `/api/orders/${next.orderId}/status/`, token, {
        status,
      }).catch(() => null);
      if (!response) return;
      if (response.status === 409) break;
      if (response.status !== 200) {
        fail(`moving an order to ${status} answered ${response.status}`, response.body);
        break;
      }
      if (status === 'livree') acks.deliveries.add(next.orderId);
    }
  }
}

async function resendInFlight(base: string, phones: Phone[], vendors: Phone[]) {
  for (const phone of phones) {
    if (!phone.inFlight) continue;
    acks.record(phone, phone.inFlight, await pushBatch(base, phone, phone.inFlight), vendors);
    phone.inFlight = null;
  }
}

/** Every mutation ever sent, again, in order: each must be a `duplicate` of its first outcome. */
async function resendEverything(base: string, phones: Phone[], vendors: Phone[]) {
  for (const phone of phones) {
    for (let start = 0; start < phone.sent.length; start += 100) {
      const batch = phone.sent.slice(start, start + 100);
      acks.record(phone, batch, await pushBatch(base, phone, batch), vendors);
    }
  }
}

async function verify(url: string, phones: Phone[]) {
  for (const problem of acks.problems.splice(0)) fail(problem);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 4 });
  try {
    for (const problem of await findEffectProblems(database.db, phones, acks)) fail(problem);
    const ledger = await findLedgerProblems(database.db);
    if (ledger.length > 0) fail('ledger or order invariants broken', ledger.slice(0, 5));
  } finally {
    await database.close();
  }
}

/** `create_order 120/3` …: applied/rejected per mutation name, over every phone. */
function summary(phones: Phone[]): string {
  const counts = new Map<string, [number, number]>();
  for (const mutation of phones.flatMap((phone) => phone.sent)) {
    const name =
      mutation.name === 'create_order' && mutation.args.direct_sale ? 'direct_sale' : mutation.name;
    const entry = counts.get(name) ?? [0, 0];
    entry[acks.statusOf(mutation.id)?.status === 'applied' ? 0 : 1] += 1;
    counts.set(name, entry);
  }
  return [...counts].map(([name, [applied, rejected]]) => `${name} ${applied}/${rejected}`).join(', ');
}

async function prepare(base: string) {
  const adminToken = (await login(base, ADMIN.username, ADMIN.password)).token;
  const sites = await ok(base, 'GET', '/api/sites/', adminToken);
  const siteId = (sites.items ?? sites)[0].id as string;
  const password = 'power-cut-password';
  const user = (role: string, name: string) =>
    ok(
      base,
      'POST',
      '/api/users/',
      adminToken,
      { username: name, full_name: name, role, site_id: siteId, password },
      201,
    );
  await user('gestionnaire_stocks', 'stocks');
  await user('gestionnaire_commandes', 'commandes');
  const productIds: string[] = [];
  for (const name of ['Lait caillé', 'Yaourt nature', 'Dèguè']) {
    const body = { name, unit: 'pot', unit_price: 400, shelf_life_days: 20 };
    productIds.push((await ok(base, 'POST', '/api/products/', adminToken, body, 201)).id);
  }
  const stockToken = (await login(base, 'stocks', password)).token;
  const entry = {
    reference: 'BL-COUPURE',
    items: productIds.map((id) => ({ product_id: id, quantity: 1_000_000 })),
  };
  await ok(base, 'POST', '/api/stock/entry/', stockToken, entry, 201);
  const phone = async (name: string, serial: string): Promise<Phone> => {
    const session = await login(base, name, password, serial);
    return {
      name,
      token: session.token,
      deviceId: session.deviceId!,
      nextSeq: 1,
      inFlight: null,
      sent: [],
      orders: [],
    };
  };
  const vendors: Phone[] = [];
  for (let i = 1; i <= VENDORS; i += 1) {
    await user('vendeur', `vendeur${i}`);
    vendors.push(await phone(`vendeur${i}`, `PHONE-${i}`));
  }
  const managerPhone = await phone('commandes', 'PHONE-MANAGER');
  return {
    vendors,
    managerPhone,
    productIds,
    managerToken: (await login(base, 'commandes', password)).token,
  };
}

main().catch((error: unknown) => {
  console.error('Power cut FAILED:', error);
  process.exit(1);
});
