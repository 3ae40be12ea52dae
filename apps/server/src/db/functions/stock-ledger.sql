-- The stock rule: the only code that changes stock levels, lots and the ledger (stock_movements).
-- src/features/stock/stock-ledger.service.ts calls these two functions and turns what they raise
-- into the API's errors; its tests (features/stock/*.test.ts) check every rule below on both
-- databases. They live in the database so that a sale or a batch of deliveries takes its stock in
-- one round trip (bench/RESULTS.md).
--
-- Lock order. Every stock change first locks the stock_levels rows of its products at the site,
-- in product-id order (ledger_take_stock below, or lockStockLevels in stock-ledger.repo.ts for
-- entries, returns and adjustments). Two transactions therefore never wait on each other in a
-- cycle, and one product's level lock serializes everything under it: its lots, its ledger chain.
-- Lots are locked after the levels, never before.
--
-- First-expired-first-out (FEFO). An exit line that names no lot is served from the product's
-- lots at the site in order of expiry date, then creation, then id: the lot that expires first
-- goes first, and a line may span several lots.
--
-- Expired lots. A lot whose expiry date is before the business day (p_today, in the business time
-- zone) serves only a write-off (a loss, `perte`) or a document whose user may override (a manager,
-- checked by the service and audited); such an override is flagged on its movement. Otherwise an
-- unnamed line skips expired lots (and may come up short), and a line naming an expired lot is
-- refused (GP003).
--
-- The chain. Each movement records the product's stock and the lot's quantity before and after
-- it; a movement's "before" is the previous movement's "after" (ops/ledger-invariants.ts checks
-- it). Movement ids are assigned under the level lock, so per product and site id order is chain
-- order.
--
-- Applied by src/db/sql-sources.ts (CREATE OR REPLACE: the argument and result types are fixed;
-- changing them takes a DROP FUNCTION IF EXISTS of the old signature in this file).

-- Appends movements in the order given and sets the lots and levels they change, in one
-- statement. Each movement has its own reference document, order, user and device. The caller
-- holds the products' stock level locks, and every product has its stock level row at the site
-- (a missing one is an error, not a zero).
CREATE OR REPLACE FUNCTION ledger_write(
  p_site uuid, p_type movement_type, p_reason text,
  p_products uuid[], p_lots uuid[], p_deltas int[], p_overrides boolean[],
  p_references text[], p_orders uuid[], p_users uuid[], p_devices uuid[]
) RETURNS TABLE (id bigint, order_id uuid, product_id uuid, lot_id uuid, quantity int, stock_before int,
  stock_after int, expired_override boolean)
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(p_products) AS e(product_id)
             WHERE NOT EXISTS (SELECT 1 FROM stock_levels s WHERE s.product_id = e.product_id AND s.site_id = p_site)) THEN
    RAISE EXCEPTION 'ledger_write: a product has no stock level row at site %', p_site;
  END IF;
  RETURN QUERY
  WITH entry AS (
    SELECT e.*
    FROM unnest(p_products, p_lots, p_deltas, p_overrides, p_references, p_orders, p_users, p_devices)
      WITH ORDINALITY AS e(product_id, lot_id, delta, expired_override, reference, order_id, user_id, device_id, pos)
  ), chain AS (
    -- The chain: a movement's "before" is the row's quantity now plus the deltas of the movements
    -- given before it for the same product (or lot).
    SELECT e.*,
      s.quantity + coalesce(sum(e.delta) OVER (PARTITION BY e.product_id ORDER BY e.pos
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS stock_before,
      l.quantity + coalesce(sum(e.delta) OVER (PARTITION BY e.lot_id ORDER BY e.pos
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lot_before
    FROM entry e
    JOIN lots l ON l.id = e.lot_id
    JOIN stock_levels s ON s.product_id = e.product_id AND s.site_id = p_site
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
    c.lot_before, c.lot_before + c.delta, c.reference, c.order_id, c.user_id, c.device_id, p_reason,
    c.expired_override
  FROM chain c
  ORDER BY c.pos
  RETURNING m.id, m.order_id, m.product_id, m.lot_id, m.quantity, m.stock_before, m.stock_after,
    m.expired_override;
END $$;

-- Takes stock out for groups of lines: every exit (a sale, a delivery, a loss, a batch of
-- deliveries) goes through here. p_groups[i] is line i's group (1-based); a group is one
-- document, with its reference, order, user and device, and whether it may take expired lots.
-- A line with p_lots[i] null is served first-expired-first-out; one naming a lot is served from
-- that lot only.
--
-- Groups are served in order and each is served whole or refused whole: a group with a line that
-- can't be served writes nothing and comes back as one row with its `grp` and `shortages`
-- ([{product_id, requested, available}], the other columns null), while the other groups are
-- served. The served groups' movements are written with one ledger_write and come back with
-- their `grp`, lot and product, for the caller's audit and stock alerts (`shortages` null).
--
-- Raises (nothing is written):
--   GP002 a named lot is not this product's lot at this site
--   GP003 a named lot is expired and neither p_write_off nor the group's allowance: DETAIL is the
--         lot as JSON {lot_id, code, expiry_date}
CREATE OR REPLACE FUNCTION ledger_take_stock(
  p_site uuid, p_type movement_type, p_reason text, p_write_off boolean, p_today date,
  p_references text[], p_orders uuid[], p_users uuid[], p_devices uuid[], p_allow_expired boolean[],
  p_groups int[], p_products uuid[], p_quantities int[], p_lots uuid[]
) RETURNS TABLE (id bigint, order_id uuid, product_id uuid, lot_id uuid, quantity int, stock_before int,
  stock_after int, expired_override boolean, lot_code text, lot_expiry text, product_name text,
  product_unit text, min_stock_level int, grp int, shortages json)
LANGUAGE plpgsql AS $$
DECLARE
  -- The locked lots of the products, FEFO-sorted (see below), as parallel arrays.
  lot_ids uuid[];
  lot_products uuid[];
  lot_left int[];
  lot_expiries date[];
  before_group int[];
  served int[] := array_fill(0, ARRAY[coalesce(array_length(p_products, 1), 0)]);
  group_products uuid[];
  group_lots uuid[];
  group_deltas int[];
  group_overrides boolean[];
  group_short boolean;
  change_products uuid[] := '{}';
  change_lots uuid[] := '{}';
  change_deltas int[] := '{}';
  change_overrides boolean[] := '{}';
  change_references text[] := '{}';
  change_orders uuid[] := '{}';
  change_users uuid[] := '{}';
  change_devices uuid[] := '{}';
  change_groups int[] := '{}';
  n int;
  refused int[] := '{}';
  use_expired boolean;
  need int;
  took int;
  j int;
  k int;
BEGIN
  -- Lock order: the products' stock levels first, in product-id order, as every stock change.
  PERFORM 1 FROM stock_levels s
  WHERE s.site_id = p_site AND s.product_id = ANY(p_products)
  ORDER BY s.product_id
  FOR UPDATE;

  -- Then their lots that hold stock (and the named ones, to check them), sorted for FEFO: by
  -- product, then soonest expiry first, then oldest, then id so that the order is total.
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

  FOR g IN 1 .. coalesce(array_length(p_orders, 1), 0) LOOP
    -- A write-off takes expired goods as a matter of course; any other exit only when allowed.
    use_expired := p_write_off OR p_allow_expired[g];
    -- What the lots hold before this group, to put back if the group is refused.
    before_group := lot_left;
    group_products := '{}';
    group_lots := '{}';
    group_deltas := '{}';
    group_overrides := '{}';
    group_short := false;
    FOR i IN 1 .. coalesce(array_length(p_products, 1), 0) LOOP
      CONTINUE WHEN p_groups[i] <> g;
      need := p_quantities[i];
      IF p_lots[i] IS NOT NULL THEN
        j := array_position(lot_ids, p_lots[i]);
        IF j IS NULL OR lot_products[j] <> p_products[i] THEN
          RAISE EXCEPTION 'lot % not found', p_lots[i] USING ERRCODE = 'GP002';
        END IF;
        -- Expiry refusal: a named expired lot is an error, not a shortage.
        IF lot_expiries[j] < p_today AND NOT use_expired THEN
          RAISE EXCEPTION 'lot % expired', p_lots[i] USING ERRCODE = 'GP003',
            DETAIL = (SELECT json_build_object('lot_id', x.id, 'code', x.code, 'expiry_date', x.expiry_date::text)
                      FROM lots x WHERE x.id = p_lots[i])::text;
        END IF;
      END IF;
      -- FEFO: the product's lots are consecutive, soonest expiry first; take from each in turn
      -- until the line is served. An unnamed line skips expired lots unless they may be used.
      k := array_position(lot_products, p_products[i]);
      WHILE k IS NOT NULL AND k <= array_length(lot_ids, 1) AND lot_products[k] = p_products[i] AND need > 0 LOOP
        IF lot_left[k] > 0
          AND (p_lots[i] IS NULL OR lot_ids[k] = p_lots[i])
          AND (p_lots[i] IS NOT NULL OR lot_expiries[k] >= p_today OR use_expired) THEN
          took := least(need, lot_left[k]);
          lot_left[k] := lot_left[k] - took;
          need := need - took;
          group_products := group_products || p_products[i];
          group_lots := group_lots || lot_ids[k];
          group_deltas := group_deltas || -took;
          -- A write-off of expired goods is the normal way out for them, not an override.
          group_overrides := group_overrides || (lot_expiries[k] < p_today AND NOT p_write_off);
        END IF;
        k := k + 1;
      END LOOP;
      served[i] := p_quantities[i] - need;
      group_short := group_short OR need > 0;
    END LOOP;
    IF group_short THEN
      -- Refused whole: its lots give back what it took, for the groups after it.
      lot_left := before_group;
      refused := refused || g;
    ELSE
      change_products := change_products || group_products;
      change_lots := change_lots || group_lots;
      change_deltas := change_deltas || group_deltas;
      change_overrides := change_overrides || group_overrides;
      n := coalesce(array_length(group_products, 1), 0);
      change_references := change_references || array_fill(p_references[g], ARRAY[n]);
      change_orders := change_orders || array_fill(p_orders[g], ARRAY[n]);
      change_users := change_users || array_fill(p_users[g], ARRAY[n]);
      change_devices := change_devices || array_fill(p_devices[g], ARRAY[n]);
      change_groups := change_groups || array_fill(g, ARRAY[n]);
    END IF;
  END LOOP;

  IF coalesce(array_length(change_products, 1), 0) > 0 THEN
    RETURN QUERY
    -- ledger_write inserts the changes in the order given, so the n-th movement by id is change n.
    SELECT w.id, w.order_id, w.product_id, w.lot_id, w.quantity, w.stock_before, w.stock_after,
      w.expired_override, l.code, l.expiry_date::text, p.name, p.unit, p.min_stock_level,
      change_groups[(row_number() OVER (ORDER BY w.id))::int], NULL::json
    FROM ledger_write(p_site, p_type, p_reason, change_products, change_lots, change_deltas, change_overrides,
        change_references, change_orders, change_users, change_devices) AS w
    JOIN lots l ON l.id = w.lot_id
    JOIN products p ON p.id = w.product_id
    ORDER BY w.id;
  END IF;

  -- One row per refused group: per product, what it asked and what the lots could give it.
  RETURN QUERY
  SELECT NULL::bigint, NULL::uuid, NULL::uuid, NULL::uuid, NULL::int, NULL::int, NULL::int, NULL::boolean,
    NULL::text, NULL::text, NULL::text, NULL::text, NULL::int, s.grp,
    json_agg(json_build_object('product_id', s.product_id, 'requested', s.requested, 'available', s.available)
      ORDER BY s.first)
  FROM (
    SELECT q.grp, q.product_id, sum(q.requested)::int AS requested, sum(q.got)::int AS available,
      min(q.pos) AS first
    FROM unnest(p_groups, p_products, p_quantities, served) WITH ORDINALITY AS q(grp, product_id, requested, got, pos)
    WHERE q.grp = ANY(refused)
    GROUP BY q.grp, q.product_id
    HAVING sum(q.got) < sum(q.requested)
  ) AS s
  GROUP BY s.grp
  ORDER BY s.grp;
END $$;
