import { desc, sql } from 'drizzle-orm';
import { type Db, queryPrepared } from '../../db/client.ts';
import { orderSearchKey, orders } from '../../db/schema.ts';
import { containsPattern } from '../../db/sql-helpers.ts';

/**
 * Which part of a search the trigram index is given (`orders_search_trgm_idx`, read by
 * order-list.repo.ts). For the whole text of a search of several words the index intersects
 * every trigram's list of orders, and a word most orders share costs the most: on 1 M orders
 * all named `Client N`, `Client 1234` read 1 667 index pages (21 ms) where `1234` alone read a
 * few dozen (about 2 ms), for the same 550 orders once each is checked against the whole text.
 * So for several words the index gets the rarest one, and the list checks the whole text on each
 * field of the orders it finds.
 *
 * Which word is rarest is counted in the newest orders (`SAMPLE_ORDERS`, read from
 * `orders_created_idx`), not taken from PostgreSQL's statistics: on a bulk load not analyzed yet
 * those have no text to go on, and a pattern's estimate came from its length alone, so the longest
 * word looked the rarest (`client` in `Client 1234`, which every order holds: 42 searches a
 * second on 1 M orders, 287 once analyzed). A count in real rows needs no statistics and is
 * closer than a histogram's guess; the choice decides only what the index reads, never which
 * orders match.
 */

/** Each word is counted in the sample: the longest few are weighed, the others not. */
const MAX_WORDS = 4;
/** The newest orders a search's words are counted in (about 2 ms on 1 M orders). */
export const SAMPLE_ORDERS = 2_000;

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

/**
 * The word of `search` found in the fewest of the newest orders, or none when the search has
 * fewer than two such words (the whole text is then as good). Ties go to the longer word.
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
  const word = await rarestWord(db, words);
  // The dashboard asks the page and the count of each search, and again on each refresh: the
  // choice is kept a while.
  if (chosen.size >= 1_000) chosen.clear();
  chosen.set(key, { word, at: performance.now() });
  return word;
}

/** How long a word chosen for a search is reused before the orders are counted again. */
const CHOICE_TTL_MS = 60_000;
/** Per database (each app has its own): one database's orders say nothing of another's. */
const chosenByDatabase = new WeakMap<Db, Map<string, { word: string; at: number }>>();

let sampleText: string | undefined;

/** `words` is longest first (searchWords), so the first of the least found is the longest. */
async function rarestWord(db: Db, words: string[]): Promise<string> {
  sampleText ??= sampleStatement(db);
  const counts = await queryPrepared<{ position: number; matches: number }>(
    db,
    'order_search_word_sample',
    sampleText,
    [words.map(containsPattern)],
  );
  const matches = new Map(counts.map((row) => [Number(row.position), Number(row.matches)]));
  let best = 0;
  for (let i = 1; i < words.length; i += 1) {
    if ((matches.get(i + 1) ?? 0) < (matches.get(best + 1) ?? 0)) best = i;
  }
  return words[best]!;
}

/** One statement: how many of the newest orders hold each pattern, by its position (from 1). */
function sampleStatement(db: Db): string {
  const newest = db
    .select({ key: sql`${orderSearchKey(orders)}`.as('key') })
    .from(orders)
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .toSQL().sql;
  // A constant limit (not a placeholder): planned for the first rows, read from the index.
  return `WITH sample AS MATERIALIZED (${newest} LIMIT ${SAMPLE_ORDERS})
    SELECT w.position::int AS position,
      (SELECT count(*) FROM sample WHERE sample.key ILIKE w.pattern)::int AS matches
    FROM unnest($1::text[]) WITH ORDINALITY AS w(pattern, position)`;
}
