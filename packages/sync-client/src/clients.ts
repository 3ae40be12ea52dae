import {
  foldClientName,
  phoneSearchDigits,
  type SyncClient,
  SyncClientSchema,
  type SyncCreateClientArgs,
  type SyncOrder,
  type SyncPullResponse,
} from '@gapal/shared';
import { Dexie } from 'dexie';
import { z } from 'zod';
import type { SyncDatabase } from './database.ts';
import { ordersView, recordMutation } from './local-writes.ts';
import { type OutboxEntry, OutboxEntrySchema, parseStoredRows } from './outbox.ts';

/**
 * The site's client directory on the phone (#27): the pull's clients, stored with their search
 * keys, and the clients the phone made itself (its `create_client` entries) until a pull brings
 * them. Read only when the vendor opens the client step, never at start-up.
 */

/** A pulled client with what the search looks at: its folded name and its phone's digits. */
export const StoredClientSchema = SyncClientSchema.extend({
  name_folded: z.string(),
  phone_digits: z.string(),
});
export type StoredClient = z.infer<typeof StoredClientSchema>;

/** What the client step shows of a client. */
export type DirectoryClient = {
  id: string;
  name: string;
  phone: string | null;
  area: string | null;
  kind: SyncClient['kind'];
  credit_limit: number | null;
  /** What they owe as of the last pull, FCFA (negative: credit); 0 for a client not yet sent. */
  balance: number;
  /** Made on this phone and not yet brought back by a pull. */
  local: boolean;
};

function phoneDigits(phone: string | null | undefined): string {
  return (phone ?? '').replace(/\D/g, '');
}

export function toStoredClient(client: SyncClient): StoredClient {
  return { ...client, name_folded: foldClientName(client.name), phone_digits: phoneDigits(client.phone) };
}

/** A pull page's clients and removals, inside the page's transaction (engine `savePage`). */
export async function storeClientPage(db: SyncDatabase, page: SyncPullResponse): Promise<void> {
  if (page.clients?.length) await db.clients.bulkPut(page.clients.map(toStoredClient));
  if (page.deleted_clients?.length) await db.clients.bulkDelete(page.deleted_clients);
}

function fromStored(client: StoredClient): DirectoryClient {
  return {
    id: client.id,
    name: client.name,
    phone: client.phone,
    area: client.area,
    kind: client.kind,
    credit_limit: client.credit_limit,
    balance: client.balance,
    local: false,
  };
}

/** The phone's own new clients still waiting for a pull, under the id the server gave if known. */
async function localClients(db: SyncDatabase): Promise<DirectoryClient[]> {
  const rows = await db.outbox
    .where('[name+seq]')
    .between(['create_client', Dexie.minKey], ['create_client', Dexie.maxKey])
    .toArray();
  return parseStoredRows(OutboxEntrySchema, rows, 'outbox').flatMap((entry: OutboxEntry) => {
    if (entry.name !== 'create_client' || entry.status === 'rejected') return [];
    const { args } = entry;
    return [
      {
        id: entry.client?.id ?? args.id,
        name: args.name,
        phone: args.phone ?? null,
        area: args.area ?? null,
        kind: args.kind ?? 'autre',
        credit_limit: args.credit_limit ?? null,
        balance: 0,
        local: true,
      },
    ];
  });
}

function matches(client: { name_folded: string; phone_digits: string }, name: string, digits: string) {
  return (
    (name !== '' && client.name_folded.includes(name)) ||
    (digits !== '' && client.phone_digits.includes(digits))
  );
}

/**
 * The search list: each pulled client's id and search keys only, read from the table the first
 * time the client step searches, then kept in memory and rebuilt only after the `clients` table
 * changed. A keystroke then scans strings in memory and reads by id only the rows it shows,
 * whatever the directory's size.
 */
type SearchEntry = { id: string; name_folded: string; phone_digits: string };
type SearchList = { version: number; entries: SearchEntry[] };

const searchLists = new WeakMap<SyncDatabase, SearchList>();
/** Bumped, per database name, by every committed write to its `clients` table (any tab). */
const clientVersions = new Map<string, number>();
let watching = false;

function watchClientWrites(): void {
  if (watching) return;
  watching = true;
  Dexie.on('storagemutated', (parts) => {
    for (const part of Object.keys(parts)) {
      const match = /^idb:\/\/(.+)\/clients\//.exec(part);
      if (match) clientVersions.set(match[1]!, (clientVersions.get(match[1]!) ?? 0) + 1);
    }
  });
}

/** Inside the search's read transaction: the kept list, or a new one if the table changed since. */
async function searchList(db: SyncDatabase): Promise<SearchEntry[]> {
  watchClientWrites();
  const version = clientVersions.get(db.name) ?? 0;
  const kept = searchLists.get(db);
  if (kept?.version === version) return kept.entries;
  // One `getAll` of the whole table: walking an index's keys takes a cursor step per row, far
  // slower on a phone than deserialising the rows in one call.
  const entries = (await db.clients.toArray()).map(({ id, name_folded, phone_digits }) => ({
    id,
    name_folded: String(name_folded ?? ''),
    phone_digits: String(phone_digits ?? ''),
  }));
  // The version read before the table: a write committed meanwhile makes the next search rebuild.
  searchLists.set(db, { version, entries });
  return entries;
}

async function matchingStored(db: SyncDatabase, name: string, digits: string, limit: number) {
  if (name === '' && digits === '') return db.clients.orderBy('updated_at').reverse().limit(limit).toArray();
  const ids: string[] = [];
  for (const entry of await searchList(db)) {
    if (!matches(entry, name, digits)) continue;
    ids.push(entry.id);
    if (ids.length === limit) break;
  }
  // The count is read so that a live query showing the results runs again when the directory
  // changes (the rows read by id alone would only watch those ids).
  const [rows] = await Promise.all([db.clients.bulkGet(ids), db.clients.count()]);
  return rows.filter((row) => row !== undefined);
}

/**
 * Clients whose name (accents, case and spacing ignored) or phone digits contain what was typed;
 * the most recently changed first when nothing is typed. The phone's own new
 * clients come first.
 */
export async function searchClients(db: SyncDatabase, query: string, limit = 20): Promise<DirectoryClient[]> {
  const name = foldClientName(query);
  const digits = phoneSearchDigits(query);
  return db.transaction('r', db.clients, db.outbox, async () => {
    const [mine, stored] = await Promise.all([localClients(db), matchingStored(db, name, digits, limit)]);
    const pulled = parseStoredRows(StoredClientSchema, stored, 'clients').map(fromStored);
    const known = new Set(pulled.map((client) => client.id));
    const shown = mine.filter(
      (client) =>
        !known.has(client.id) &&
        (name === '' && digits === ''
          ? true
          : matches(
              { name_folded: foldClientName(client.name), phone_digits: phoneDigits(client.phone) },
              name,
              digits,
            )),
    );
    return [...shown, ...pulled].slice(0, limit);
  });
}

/** One client of the directory (pulled, or made on the phone), by id. */
export async function directoryClient(db: SyncDatabase, id: string): Promise<DirectoryClient | undefined> {
  const stored = await db.clients.get(id);
  const [pulled] = parseStoredRows(StoredClientSchema, stored ? [stored] : [], 'clients');
  if (pulled) return fromStored(pulled);
  return (await localClients(db)).find((client) => client.id === id);
}

/** The client's orders on the phone (with its queued changes), newest first. */
export async function clientOrders(db: SyncDatabase, clientId: string, limit = 5): Promise<SyncOrder[]> {
  const orders = await ordersView(db);
  return orders.filter((order) => order.client_id === clientId).slice(0, limit);
}

/** Whether what the client owes is over their credit limit (a warning, never a block). */
export function overCreditLimit(client: Pick<DirectoryClient, 'balance' | 'credit_limit'>): boolean {
  return client.credit_limit !== null && client.balance > client.credit_limit;
}

/**
 * Queues a new client with the phone's UUID (checked with the shared contract first). The server
 * may keep another client with the same phone: the push result names it, orders queued for this
 * id go to it (the server follows the merge) and the next pull brings them under its id.
 */
export function recordNewClient(db: SyncDatabase, args: SyncCreateClientArgs): Promise<OutboxEntry> {
  return recordMutation(db, 'create_client', args);
}
