-- The stock ledger's writes live in the database, so that a sale takes its stock in one round
-- trip (bench/RESULTS.md: a delivery was thirteen). The rules are those of
-- src/features/stock/stock-ledger.service.ts, which calls these functions and documents them.

-- Appends movements in the order given and sets the lots and levels they change. Each
-- movement's stock and lot "before" is the previous one's "after" (the chain), counted from
-- the rows as they are now: the caller holds the products' stock level locks.
CREATE FUNCTION ledger_write(
  p_site uuid, p_type movement_type, p_reference text, p_order uuid, p_user uuid, p_device uuid,
  p_reason text, p_products uuid[], p_lots uuid[], p_deltas int[], p_overrides boolean[]
) RETURNS TABLE (id bigint, product_id uuid, lot_id uuid, quantity int, stock_before int, stock_after int,
  expired_override boolean)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
  WITH entry AS (
    SELECT e.product_id, e.lot_id, e.delta, e.expired_override, e.pos
    FROM unnest(p_products, p_lots, p_deltas, p_overrides)
      WITH ORDINALITY AS e(product_id, lot_id, delta, expired_override, pos)
  ), chain AS (
    SELECT e.*,
      coalesce(s.quantity, 0) + coalesce(sum(e.delta) OVER (PARTITION BY e.product_id ORDER BY e.pos
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS stock_before,
      l.quantity + coalesce(sum(e.delta) OVER (PARTITION BY e.lot_id ORDER BY e.pos
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lot_before
    FROM entry e
    JOIN lots l ON l.id = e.lot_id
    LEFT JOIN stock_levels s ON s.product_id = e.product_id AND s.site_id = p_site
  ), lot_totals AS (
    UPDATE lots AS l SET quantity = l.quantity + t.delta, updated_at = now()
    FROM (SELECT e.lot_id, sum(e.delta)::int AS delta FROM entry e GROUP BY e.lot_id) AS t
    WHERE l.id = t.lot_id
  ), level_totals AS (
    UPDATE stock_levels AS s SET quantity = s.quantity + t.delta, updated_at = now()
    FROM (SELECT e.product_id, sum(e.delta)::int AS delta FROM entry e GROUP BY e.product_id) AS t
    WHERE s.product_id = t.product_id AND s.site_id = p_site
  )
  INSERT INTO stock_movements AS m (product_id, site_id, lot_id, type, quantity, stock_before, stock_after,
    lot_before, lot_after, reference, order_id, user_id, device_id, reason, expired_override)
  SELECT c.product_id, p_site, c.lot_id, p_type, c.delta, c.stock_before, c.stock_before + c.delta,
    c.lot_before, c.lot_before + c.delta, p_reference, p_order, p_user, p_device, p_reason, c.expired_override
  FROM chain c
  ORDER BY c.pos
  RETURNING m.id, m.product_id, m.lot_id, m.quantity, m.stock_before, m.stock_after, m.expired_override;
END $$;
--> statement-breakpoint

-- Takes stock out: locks the products' stock levels (product-id order, as every stock change)
-- and their lots, serves each line first-expired-first-out (or from the lot it names), and
-- writes the movements with ledger_write. Nothing is written when it raises:
--   GP001 a line can't be served: DETAIL is the shortages as JSON [{product_id, requested, available}]
--   GP002 a named lot is not this product's lot at this site
--   GP003 a named lot is expired and neither p_write_off nor p_allow_expired: DETAIL is the lot as JSON
-- Expired lots serve only a write-off or an allowed override; an override is flagged on its movement.
-- Each movement comes back with its lot and product, for the caller's audit and stock alerts.
CREATE FUNCTION ledger_take_stock(
  p_site uuid, p_type movement_type, p_reference text, p_order uuid, p_user uuid, p_device uuid,
  p_reason text, p_products uuid[], p_quantities int[], p_lots uuid[], p_write_off boolean,
  p_allow_expired boolean, p_today date
) RETURNS TABLE (id bigint, product_id uuid, lot_id uuid, quantity int, stock_before int, stock_after int,
  expired_override boolean, lot_code text, lot_expiry text, product_name text, product_unit text,
  min_stock_level int)
LANGUAGE plpgsql AS $$
DECLARE
  lot_ids uuid[];
  lot_products uuid[];
  lot_left int[];
  lot_expiries date[];
  served int[] := '{}';
  change_products uuid[] := '{}';
  change_lots uuid[] := '{}';
  change_deltas int[] := '{}';
  change_overrides boolean[] := '{}';
  use_expired boolean := p_write_off OR p_allow_expired;
  need int;
  took int;
  j int;
BEGIN
  PERFORM 1 FROM stock_levels s
  WHERE s.site_id = p_site AND s.product_id = ANY(p_products)
  ORDER BY s.product_id
  FOR UPDATE;

  SELECT array_agg(l.id ORDER BY l.product_id, l.expiry_date, l.created_at, l.id),
    array_agg(l.product_id ORDER BY l.product_id, l.expiry_date, l.created_at, l.id),
    array_agg(l.quantity ORDER BY l.product_id, l.expiry_date, l.created_at, l.id),
    array_agg(l.expiry_date ORDER BY l.product_id, l.expiry_date, l.created_at, l.id)
  INTO lot_ids, lot_products, lot_left, lot_expiries
  FROM (
    SELECT x.id, x.product_id, x.quantity, x.expiry_date, x.created_at FROM lots x
    WHERE x.site_id = p_site AND x.product_id = ANY(p_products)
      AND (x.quantity > 0 OR x.id = ANY(p_lots))
    FOR UPDATE
  ) AS l;

  FOR i IN 1 .. coalesce(array_length(p_products, 1), 0) LOOP
    need := p_quantities[i];
    IF p_lots[i] IS NOT NULL THEN
      j := array_position(lot_ids, p_lots[i]);
      IF j IS NULL OR lot_products[j] <> p_products[i] THEN
        RAISE EXCEPTION 'lot % not found', p_lots[i] USING ERRCODE = 'GP002';
      END IF;
      IF lot_expiries[j] < p_today AND NOT use_expired THEN
        RAISE EXCEPTION 'lot % expired', p_lots[i] USING ERRCODE = 'GP003',
          DETAIL = (SELECT json_build_object('lot_id', x.id, 'code', x.code, 'expiry_date', x.expiry_date::text)
                    FROM lots x WHERE x.id = p_lots[i])::text;
      END IF;
    END IF;
    FOR k IN 1 .. coalesce(array_length(lot_ids, 1), 0) LOOP
      EXIT WHEN need = 0;
      CONTINUE WHEN lot_products[k] <> p_products[i] OR lot_left[k] = 0
        OR (p_lots[i] IS NOT NULL AND lot_ids[k] <> p_lots[i])
        OR (p_lots[i] IS NULL AND lot_expiries[k] < p_today AND NOT use_expired);
      took := least(need, lot_left[k]);
      lot_left[k] := lot_left[k] - took;
      need := need - took;
      change_products := change_products || p_products[i];
      change_lots := change_lots || lot_ids[k];
      change_deltas := change_deltas || -took;
      -- A write-off of expired goods is the normal way out for them, not an override.
      change_overrides := change_overrides || (lot_expiries[k] < p_today AND NOT p_write_off);
    END LOOP;
    served := served || (p_quantities[i] - need);
  END LOOP;

  IF EXISTS (SELECT 1 FROM unnest(p_quantities, served) AS q(requested, got) WHERE q.got < q.requested) THEN
    RAISE EXCEPTION 'insufficient stock' USING ERRCODE = 'GP001', DETAIL = (
      SELECT json_agg(json_build_object('product_id', s.product_id, 'requested', s.requested,
        'available', s.available) ORDER BY s.first)::text
      FROM (
        SELECT q.product_id, sum(q.requested)::int AS requested, sum(q.got)::int AS available,
          min(q.pos) AS first
        FROM unnest(p_products, p_quantities, served) WITH ORDINALITY AS q(product_id, requested, got, pos)
        GROUP BY q.product_id
        HAVING sum(q.got) < sum(q.requested)
      ) AS s);
  END IF;

  RETURN QUERY
  SELECT w.id, w.product_id, w.lot_id, w.quantity, w.stock_before, w.stock_after, w.expired_override,
    l.code, l.expiry_date::text, p.name, p.unit, p.min_stock_level
  FROM ledger_write(p_site, p_type, p_reference, p_order, p_user, p_device, p_reason,
      change_products, change_lots, change_deltas, change_overrides) AS w
  JOIN lots l ON l.id = w.lot_id
  JOIN products p ON p.id = w.product_id
  ORDER BY w.id;
END $$;
--> statement-breakpoint

-- A lot's quantity changes only with its product's stock level, whose own trigger logs the
-- product already; what a lot adds is its expiry, and whether it counts for the nearest one.
DROP TRIGGER lots_sync_log_update ON lots;
--> statement-breakpoint
CREATE TRIGGER lots_sync_log_update AFTER UPDATE ON lots
  FOR EACH ROW WHEN (OLD.expiry_date IS DISTINCT FROM NEW.expiry_date OR (OLD.quantity > 0) IS DISTINCT FROM (NEW.quantity > 0))
  EXECUTE FUNCTION sync_log_site_stock();
