-- The sync change log: every change a device may pull appends a row to sync_changes in the same
-- transaction, so the log can never disagree with the data. The pull
-- (src/features/sync/sync-pull.repo.ts) reads the current rows of the entities named, below the
-- oldest transaction still running, so rows committed out of order are never skipped.
--
-- A row names one entity (`entity_id`), and more with `entity_ids` (orders, or stock levels,
-- written by one statement); the pull reads them all.
--
-- Streams: 'order' (for the order's site and its vendor), 'client' (for the client's site),
-- 'product' and 'category' (for every site; a product's stock and nearest expiry for its site
-- only).
--
-- The busy triggers (orders, stock levels, delivery issues) fire once per statement with a
-- transition table: a batch of deliveries updates dozens of orders and stock levels in one
-- statement each, and their change-log rows are then one insert (bench/RESULTS.md). A trigger
-- with transition tables has one event, so inserts and updates get one trigger each.

-- Orders: a new or changed order, for its site and the vendor who created it. One row per
-- statement for each (site, vendor): `entity_id` is its first order, `entity_ids` the others
-- (null when alone). A phone's push of 20 orders is one statement, so one row, not 20: about
-- 330 bytes of WAL per order less (the row and its three index entries), bench/RESULTS.md.
CREATE OR REPLACE FUNCTION sync_log_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_changes (stream, entity_id, entity_ids, site_id, user_id)
  SELECT 'order', ids[1], CASE WHEN cardinality(ids) > 1 THEN ids[2:] END, site_id, created_by
  FROM (SELECT array_agg(n.id) AS ids, n.site_id, n.created_by FROM new_rows n
    GROUP BY n.site_id, n.created_by) g;
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER orders_sync_log_insert AFTER INSERT ON orders
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_orders();

CREATE OR REPLACE TRIGGER orders_sync_log_update AFTER UPDATE ON orders
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_orders();

-- A refusal recorded on an order (a delivery short of stock) is a change of that order: its
-- vendor's phone gets the order again, with the issue.
CREATE OR REPLACE FUNCTION sync_log_order_delivery_issues() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_changes (stream, entity_id, site_id, user_id)
  SELECT 'order', o.id, o.site_id, o.created_by FROM new_rows n JOIN orders o ON o.id = n.order_id;
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER order_delivery_issues_sync_log_insert AFTER INSERT ON order_delivery_issues
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_order_delivery_issues();

CREATE OR REPLACE TRIGGER order_delivery_issues_sync_log_update AFTER UPDATE ON order_delivery_issues
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_order_delivery_issues();

-- The catalogue: products and categories, for every site (a soft-deleted product is an update;
-- the pull sends it as a tombstone). TG_ARGV[0] is the stream.
CREATE OR REPLACE FUNCTION sync_log_catalog() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_changes (stream, entity_id)
  VALUES (TG_ARGV[0], CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER products_sync_log AFTER INSERT OR UPDATE OR DELETE ON products
  FOR EACH ROW EXECUTE FUNCTION sync_log_catalog('product');

CREATE OR REPLACE TRIGGER categories_sync_log AFTER INSERT OR UPDATE OR DELETE ON categories
  FOR EACH ROW EXECUTE FUNCTION sync_log_catalog('category');

-- Stock on hand and the nearest expiry are per site: a product row for that site only.
CREATE OR REPLACE FUNCTION sync_log_site_stock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_changes (stream, entity_id, site_id) VALUES ('product', NEW.product_id, NEW.site_id);
  RETURN NULL;
END $$;

-- One row per statement for each site, as for orders: a delivery batch changes some thirty
-- products' stock in one statement, and logs one row for them, not thirty.
CREATE OR REPLACE FUNCTION sync_log_site_stock_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_changes (stream, entity_id, entity_ids, site_id)
  SELECT 'product', ids[1], CASE WHEN cardinality(ids) > 1 THEN ids[2:] END, site_id
  FROM (SELECT array_agg(n.product_id ORDER BY n.product_id) AS ids, n.site_id
    FROM new_rows n JOIN old_rows o ON o.product_id = n.product_id AND o.site_id = n.site_id
    WHERE o.quantity IS DISTINCT FROM n.quantity
    GROUP BY n.site_id) g;
  RETURN NULL;
END $$;

-- A new stock level row is a product appearing at the site.
CREATE OR REPLACE TRIGGER stock_levels_sync_log_insert AFTER INSERT ON stock_levels
  FOR EACH ROW EXECUTE FUNCTION sync_log_site_stock();

-- A stock level whose quantity changed (once per statement: a batch updates many).
CREATE OR REPLACE TRIGGER stock_levels_sync_log_update AFTER UPDATE ON stock_levels
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_site_stock_rows();

-- A lot's quantity changes only with its product's stock level, whose own trigger logs the
-- product already; what a lot adds is its expiry, and whether it counts for the nearest one
-- (it holds stock or no longer does).
CREATE OR REPLACE TRIGGER lots_sync_log_update AFTER UPDATE ON lots
  FOR EACH ROW WHEN (OLD.expiry_date IS DISTINCT FROM NEW.expiry_date OR (OLD.quantity > 0) IS DISTINCT FROM (NEW.quantity > 0))
  EXECUTE FUNCTION sync_log_site_stock();

-- Clients (issue #27): every client of the site, for every device of the site (the phone searches
-- them offline). A deactivated or merged one is a change too: the pull sends it as a removal.
CREATE OR REPLACE FUNCTION sync_log_clients() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_changes (stream, entity_id, site_id)
  SELECT 'client', n.id, n.site_id FROM new_rows n;
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER clients_sync_log_insert AFTER INSERT ON clients
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_clients();

CREATE OR REPLACE TRIGGER clients_sync_log_update AFTER UPDATE ON clients
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_clients();

-- A client's balance and last order come down with it: a new order of the client, or one whose
-- amounts (total, returned, paid), cancellation or client changed, is a change of the client
-- (both, when it moved). A delivery or a preparation step changes none of it and logs nothing.
CREATE OR REPLACE FUNCTION sync_log_order_clients() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sync_changes (stream, entity_id, site_id)
    SELECT DISTINCT 'client', n.client_id, n.site_id FROM new_rows n WHERE n.client_id IS NOT NULL;
  ELSE
    INSERT INTO sync_changes (stream, entity_id, site_id)
    SELECT DISTINCT 'client', changed.client_id, changed.site_id
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    CROSS JOIN LATERAL (VALUES (n.client_id, n.site_id), (o.client_id, o.site_id)) AS changed(client_id, site_id)
    WHERE changed.client_id IS NOT NULL
      AND (n.total_amount, n.returned_amount, n.paid_amount, n.delivery_status = 'annulee', n.client_id)
        IS DISTINCT FROM (o.total_amount, o.returned_amount, o.paid_amount, o.delivery_status = 'annulee', o.client_id);
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER orders_client_sync_log_insert AFTER INSERT ON orders
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_order_clients();

CREATE OR REPLACE TRIGGER orders_client_sync_log_update AFTER UPDATE ON orders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_order_clients();
