-- Every sort of the dashboard's order list reads an index, on a million orders as on a thousand
-- (bench/RESULTS.md, ninth session): each is (site, key, created_at, id), all DESC, for the sort
-- (the key, then newest first, then id) and for the filter on the key (newest first). The priority
-- and the total get theirs; the status index turns DESC; the delivery date's index holds the
-- sort's expression (no date last) and serves its range filter too.
DROP INDEX "orders_site_delivery_idx";--> statement-breakpoint
DROP INDEX "orders_site_status_created_idx";--> statement-breakpoint
CREATE INDEX "orders_site_priority_created_idx" ON "orders" USING btree ("site_id","priority" DESC NULLS LAST,"created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "orders_site_total_created_idx" ON "orders" USING btree ("site_id","total_amount" DESC NULLS LAST,"created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "orders_site_delivery_created_idx" ON "orders" USING btree ("site_id",(coalesce("delivery_date", 'infinity'::date)) DESC NULLS LAST,"created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "orders_site_status_created_idx" ON "orders" USING btree ("site_id","delivery_status" DESC NULLS LAST,"created_at" DESC NULLS LAST,"id" DESC NULLS LAST);
