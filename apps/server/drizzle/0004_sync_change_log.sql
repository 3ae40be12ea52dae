-- The sync change log: every change a device may pull appends a row in the same transaction,
-- so the log can never disagree with the data. Pull reads the current rows of the entities named.
CREATE FUNCTION sync_log_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_changes (stream, entity_id, site_id, user_id)
  VALUES ('order', NEW.id, NEW.site_id, NEW.created_by);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER orders_sync_log AFTER INSERT OR UPDATE ON orders
  FOR EACH ROW EXECUTE FUNCTION sync_log_order();
--> statement-breakpoint
CREATE FUNCTION sync_log_catalog() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_changes (stream, entity_id)
  VALUES (TG_ARGV[0], CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER products_sync_log AFTER INSERT OR UPDATE OR DELETE ON products
  FOR EACH ROW EXECUTE FUNCTION sync_log_catalog('product');
--> statement-breakpoint
CREATE TRIGGER categories_sync_log AFTER INSERT OR UPDATE OR DELETE ON categories
  FOR EACH ROW EXECUTE FUNCTION sync_log_catalog('category');
--> statement-breakpoint
-- Stock on hand and the nearest expiry are per site: a product row for that site only.
CREATE FUNCTION sync_log_site_stock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_changes (stream, entity_id, site_id) VALUES ('product', NEW.product_id, NEW.site_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stock_levels_sync_log_insert AFTER INSERT ON stock_levels
  FOR EACH ROW EXECUTE FUNCTION sync_log_site_stock();
--> statement-breakpoint
CREATE TRIGGER stock_levels_sync_log_update AFTER UPDATE ON stock_levels
  FOR EACH ROW WHEN (OLD.quantity IS DISTINCT FROM NEW.quantity) EXECUTE FUNCTION sync_log_site_stock();
--> statement-breakpoint
CREATE TRIGGER lots_sync_log_update AFTER UPDATE ON lots
  FOR EACH ROW WHEN (OLD.expiry_date IS DISTINCT FROM NEW.expiry_date OR OLD.quantity IS DISTINCT FROM NEW.quantity)
  EXECUTE FUNCTION sync_log_site_stock();
