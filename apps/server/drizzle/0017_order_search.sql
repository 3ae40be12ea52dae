-- The order list's search (ILIKE on client name, phone and number) reads a trigram index.
-- pg_trgm is a trusted extension: the database owner may create it (PGlite loads it too, db/client.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "orders_search_trgm_idx" ON "orders" USING gin (("client_name" || ' ' || coalesce("client_phone", '') || ' ' || "number") gin_trgm_ops);
