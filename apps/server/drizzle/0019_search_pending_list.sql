-- The search index's pending list (gin_pending_list_limit, 4 MB by default) is read whole by every
-- search until a write fills it or VACUUM empties it: 256 kB keeps both short (bench/RESULTS.md).
-- A storage parameter: no rebuild, the next writes use it.
ALTER INDEX "orders_search_trgm_idx" SET (gin_pending_list_limit = 256);
