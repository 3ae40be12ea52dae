-- The change log's busiest triggers fire once per statement instead of once per row: a batch of
-- deliveries (src/features/orders/order-delivery.service.ts) updates dozens of stock levels and
-- orders in one statement each, and their change-log rows are then one insert (bench/RESULTS.md).
-- What is logged does not change (0004_sync_change_log.sql).

CREATE FUNCTION sync_log_site_stock_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_changes (stream, entity_id, site_id)
  SELECT 'product', n.product_id, n.site_id
  FROM new_rows n JOIN old_rows o ON o.product_id = n.product_id AND o.site_id = n.site_id
  WHERE o.quantity IS DISTINCT FROM n.quantity;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER stock_levels_sync_log_update ON stock_levels;
--> statement-breakpoint
CREATE TRIGGER stock_levels_sync_log_update AFTER UPDATE ON stock_levels
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_site_stock_rows();
--> statement-breakpoint
CREATE FUNCTION sync_log_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_changes (stream, entity_id, site_id, user_id)
  SELECT 'order', n.id, n.site_id, n.created_by FROM new_rows n;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER orders_sync_log ON orders;
--> statement-breakpoint
DROP FUNCTION sync_log_order();
--> statement-breakpoint
-- A trigger with transition tables has one event: inserts and updates get one each.
CREATE TRIGGER orders_sync_log_insert AFTER INSERT ON orders
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_orders();
--> statement-breakpoint
CREATE TRIGGER orders_sync_log_update AFTER UPDATE ON orders
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_orders();
