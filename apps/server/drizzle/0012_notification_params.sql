ALTER TABLE "notifications" ADD COLUMN "params" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
-- Hand-written: the notifications stored before this migration get the parameters their text
-- was made of, from their data and the rows it names, so every reader's client renders them too.
UPDATE notifications n SET params = jsonb_strip_nulls(jsonb_build_object(
  'order_number', n.data->>'order_number',
  'client_name', o.client_name,
  'total_amount', (n.data->>'total_amount')::numeric,
  'from', n.data->>'from',
  'to', n.data->>'to',
  'amount', (n.data->>'amount')::numeric,
  'method', n.data->>'method',
  'payment_status', n.data->>'payment_status',
  'paid_amount', (n.data->>'paid_amount')::numeric))
FROM orders o
WHERE n.kind IN ('commande_nouvelle', 'commande_statut', 'paiement_enregistre')
  AND o.id::text = n.data->>'order_id';
--> statement-breakpoint
UPDATE notifications n SET params = jsonb_strip_nulls(jsonb_build_object(
  'product_name', p.name,
  'unit', p.unit,
  'quantity', (n.data->>'quantity')::numeric,
  'min_stock_level', (n.data->>'min_stock_level')::numeric,
  'lot_code', n.data->>'lot_code',
  'expiry_date', n.data->>'expiry_date',
  'days_left', CASE WHEN n.kind = 'lot_expiration_proche'
    THEN (n.data->>'expiry_date')::date - (n.created_at AT TIME ZONE 'Africa/Ouagadougou')::date END))
FROM products p
WHERE n.kind IN ('stock_bas', 'rupture_stock', 'lot_expiration_proche', 'lot_expire')
  AND p.id::text = n.data->>'product_id';
--> statement-breakpoint
UPDATE notifications SET params = jsonb_build_object('count', jsonb_array_length(COALESCE(data->'rejected', '[]'::jsonb)))
WHERE kind = 'sync_rejetee';
