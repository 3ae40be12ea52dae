-- The ledger's three references to the product, the site and the lot become one, to the lot with
-- its product and site (lots_id_product_site_key): a movement's product and site must be its
-- lot's, and the lot's own references reach the product and the site. Every movement row paid a
-- lookup and a row lock per reference; the lot is already locked by the ledger write, so the one
-- left costs little (bench/RESULTS.md, seventh session).
ALTER TABLE "lots" ADD CONSTRAINT "lots_id_product_site_key" UNIQUE("id","product_id","site_id");
--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_lot_fk" FOREIGN KEY ("lot_id","product_id","site_id") REFERENCES "public"."lots"("id","product_id","site_id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "stock_movements" DROP CONSTRAINT "stock_movements_product_id_products_id_fk";
--> statement-breakpoint
ALTER TABLE "stock_movements" DROP CONSTRAINT "stock_movements_site_id_sites_id_fk";
--> statement-breakpoint
ALTER TABLE "stock_movements" DROP CONSTRAINT "stock_movements_lot_id_lots_id_fk";
