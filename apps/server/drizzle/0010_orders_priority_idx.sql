-- The dashboard's priority filter reads its own index, as the status and payment filters do: on
-- the site's created-at index a rare priority read every newer order (bench/RESULTS.md, ninth session).
CREATE INDEX "orders_site_priority_created_idx" ON "orders" USING btree ("site_id","priority","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);
