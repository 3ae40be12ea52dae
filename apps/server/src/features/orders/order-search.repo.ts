import { ilike, sql } from 'drizzle-orm';
import { type Db, queryPrepared } from '../../db/client.ts';
import { orderSearchKey, orders } from '../../db/schema.ts';
import { containsPattern } from '../../db/sql-helpers.ts';

/**
 * Which part of a search the trigram index is given (`orders_search_trgm_idx`, read by
 * order-list.repo.ts). For the whole text of a search of several words the index intersects
 * every trigram's list of orders, and a word most orders share costs the most: on 1 M orders
 * all named `Client N`, `Client 1234` read 1 667 index pages (21 ms) where `1234` alone read a
 * few dozen (about 2 ms), for the same 550 orders once each is checked against the whole text.
 * So for several words the index gets the one PostgreSQL's statistics expect in the fewest
 * orders, and the list checks the whole text on each field of the orders it finds.
 *
 * Only with statistics: before the index's text has any (a bulk load not yet analyzed),
 * PostgreSQL's estimate of a pattern comes from its length alone, so the longest word looked
 * the rarest (`client` in `Client 1234`, which every order holds: 385 ms a page on 112 000
 * orders). The index then gets the whole text, whose cost is bounded (its rarest trigrams cut the
 * rest).
 */

/** Each word's estimate is a round trip: the longest few are weighed, the others not. */
const MAX_WORDS = 4;

/**
 * The search's words that give the index something to read (three characters or more), longest
 * first, at most `MAX_WORDS`.
 */
export function searchWords(search: string): string[] {
  return [...new Set(search.toLowerCase().split(/\s+/))]
    .filter((word) => word.length >= 3)
    .sort((a, b) => b.length - a.length)
    .slice(0, MAX_WORDS);
}

let estimateText: string | undefined;

/**
 * The word of `search` PostgreSQL expects in the fewest orders (its planner's row estimate for
 * the index's text containing it), or none when the search has fewer than two such words (the
 * whole text is then as good). Ties go to the longer word.
 */
export async function searchIndexWord(db: Db, search: string | undefined): Promise<string | undefined> {
  const words = search ? searchWords(search) : [];
  if (words.length < 2) return undefined;
  const key = words.join(' ');
  let chosen = chosenByDatabase.get(db);
  if (!chosen) {
    chosen = new Map();
    chosenByDatabase.set(db, chosen);
  }
  const known = chosen.get(key);
  if (known && performance.now() - known.at < CHOICE_TTL_MS) return known.word;
  const word = (await hasSearchStatistics(db)) ? await rarestWord(db, words) : undefined;
  // The dashboard asks the page and the count of each search, and again on each refresh: the
  // choice is kept a while (it decides only what the index reads, never which orders match).
  if (chosen.size >= 1_000) chosen.clear();
  chosen.set(key, { word, at: performance.now() });
  return word;
}

/** How long a word chosen for a search is reused before PostgreSQL is asked again. */
const CHOICE_TTL_MS = 60_000;
/** Per database (each app has its own): one database's statistics say nothing of another's. */
const chosenByDatabase = new WeakMap<Db, Map<string, { word: string | undefined; at: number }>>();

/**
 * Whether ANALYZE has given the trigram index's text statistics (PostgreSQL keeps an expression
 * index's under the index's name), the only ones a pattern's estimate can come from.
 */
async function hasSearchStatistics(db: Db): Promise<boolean> {
  const [row] = await queryPrepared<{ analyzed: boolean }>(
    db,
    'order_search_statistics',
    `SELECT EXISTS (SELECT 1 FROM pg_stats
       WHERE schemaname = current_schema() AND tablename = 'orders_search_trgm_idx') AS analyzed`,
    [],
  );
  return row?.analyzed === true;
}

async function rarestWord(db: Db, words: string[]): Promise<string | undefined> {
  estimateText ??= `EXPLAIN (FORMAT JSON) ${
    db
      .select({ one: sql`1` })
      .from(orders)
      .where(ilike(orderSearchKey(orders), sql.placeholder('word')))
      .toSQL().sql
  }`;
  let best: { word: string; rows: number } | undefined;
  for (const word of words) {
    const [row] = await queryPrepared<{ 'QUERY PLAN': unknown }>(db, '', estimateText, [
      containsPattern(word),
    ]);
    const plan =
      typeof row?.['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row?.['QUERY PLAN'];
    const rows = Number((plan as [{ Plan: { 'Plan Rows': number } }] | undefined)?.[0]?.Plan['Plan Rows']);
    if (!Number.isFinite(rows)) return undefined;
    if (!best || rows < best.rows || (rows === best.rows && word.length > best.word.length))
      best = { word, rows };
  }
  return best?.word;
}
