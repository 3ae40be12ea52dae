CREATE TYPE "public"."client_kind" AS ENUM('boutique', 'maquis', 'revendeur', 'particulier', 'autre');--> statement-breakpoint
CREATE TABLE "clients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"site_id" uuid NOT NULL,
	"name" text NOT NULL,
	"name_key" text GENERATED ALWAYS AS (btrim(lower(regexp_replace(regexp_replace(normalize(name, NFD), '[\u0300-\u036f]', '', 'g'), '\s+', ' ', 'g')))) STORED NOT NULL,
	"phone" text,
	"area" text,
	"address" text,
	"kind" "client_kind" DEFAULT 'autre' NOT NULL,
	"notes" text,
	"credit_limit" integer,
	"is_active" boolean DEFAULT true NOT NULL,
	"merged_into_id" uuid,
	"created_by" uuid NOT NULL,
	"device_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "clients_credit_limit_nonneg" CHECK ("clients"."credit_limit" >= 0),
	CONSTRAINT "clients_merged_inactive" CHECK ("clients"."merged_into_id" IS NULL OR ("clients"."merged_into_id" <> "clients"."id" AND NOT "clients"."is_active"))
);
--> statement-breakpoint
ALTER TABLE "sync_changes" DROP CONSTRAINT "sync_changes_stream";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "client_id" uuid;--> statement-breakpoint
ALTER TABLE "clients" ADD CONSTRAINT "clients_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients" ADD CONSTRAINT "clients_merged_into_id_clients_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients" ADD CONSTRAINT "clients_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients" ADD CONSTRAINT "clients_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "clients_site_phone_key" ON "clients" USING btree ("site_id","phone") WHERE "clients"."phone" IS NOT NULL AND "clients"."merged_into_id" IS NULL;--> statement-breakpoint
CREATE INDEX "clients_site_name_idx" ON "clients" USING btree ("site_id","name_key","id");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_client_created_idx" ON "orders" USING btree ("client_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "sync_changes" ADD CONSTRAINT "sync_changes_stream" CHECK ("sync_changes"."stream" IN ('category', 'product', 'order', 'client'));--> statement-breakpoint
-- Hand-written: the orders taken before the directory get their clients (#27), per site: orders
-- with the same phone (normalised to +226…, as normalizePhone in packages/shared/src/clients.ts)
-- are one client; an order without a readable phone joins the one phone client of the site whose
-- orders bear the same name (lower case, accents stripped, spaces collapsed, as foldClientName),
-- else the orders without a phone of that name make one client. A client takes the name of its
-- latest order (with the phone, for a phone client; spaces collapsed), the address of its latest
-- order that has one, and its creator, device and date from its first order.
CREATE TEMP TABLE client_migration_orders AS
WITH raw AS (
  SELECT o.id, o.site_id, o.client_name, o.delivery_address, o.created_by, o.device_id, o.created_at,
    btrim(o.client_phone) AS typed,
    regexp_replace(coalesce(o.client_phone, ''), '\D', '', 'g') AS digits,
    btrim(lower(regexp_replace(regexp_replace(normalize(o.client_name, NFD), '[\u0300-\u036f]', '', 'g'), '\s+', ' ', 'g'))) AS name_key
  FROM orders o
), international AS (
  SELECT raw.*,
    CASE
      WHEN typed IS NULL OR typed !~ '^(\+|00)?[0-9][0-9 ./-]*[0-9]$' THEN NULL
      WHEN typed LIKE '+%' THEN digits
      WHEN typed LIKE '00%' THEN substr(digits, 3)
      WHEN length(digits) = 8 THEN '226' || digits
      WHEN length(digits) = 11 AND digits LIKE '226%' THEN digits
    END AS number
  FROM raw
)
SELECT id AS order_id, site_id, client_name, delivery_address, created_by, device_id, created_at, name_key,
  CASE
    WHEN number IS NULL OR (number LIKE '226%' AND length(number) <> 11) OR length(number) NOT BETWEEN 8 AND 15
      THEN NULL
    ELSE '+' || number
  END AS phone,
  NULL::text AS group_key
FROM international;
--> statement-breakpoint
UPDATE client_migration_orders SET group_key = 'p' || phone WHERE phone IS NOT NULL;
--> statement-breakpoint
-- A name borne by the orders of exactly one phone client of the site joins that client.
UPDATE client_migration_orders m SET group_key = 'p' || named.phone
FROM (
  SELECT site_id, name_key, min(phone) AS phone
  FROM client_migration_orders WHERE phone IS NOT NULL
  GROUP BY site_id, name_key HAVING count(DISTINCT phone) = 1
) named
WHERE m.phone IS NULL AND m.site_id = named.site_id AND m.name_key = named.name_key;
--> statement-breakpoint
UPDATE client_migration_orders SET group_key = 'n' || name_key WHERE group_key IS NULL;
--> statement-breakpoint
CREATE TEMP TABLE client_migration_groups AS
SELECT gen_random_uuid() AS client_id, g.site_id, g.group_key,
  CASE WHEN g.group_key LIKE 'p%' THEN substr(g.group_key, 2) END AS phone,
  latest.client_name AS name,
  (SELECT m.delivery_address FROM client_migration_orders m
    WHERE m.site_id = g.site_id AND m.group_key = g.group_key AND m.delivery_address IS NOT NULL
    ORDER BY m.created_at DESC, m.order_id DESC LIMIT 1) AS address,
  first.created_by, first.device_id, first.created_at, latest.created_at AS updated_at
FROM (SELECT DISTINCT site_id, group_key FROM client_migration_orders) g
CROSS JOIN LATERAL (
  SELECT regexp_replace(btrim(m.client_name), '\s+', ' ', 'g') AS client_name, m.created_at
  FROM client_migration_orders m
  WHERE m.site_id = g.site_id AND m.group_key = g.group_key
  ORDER BY m.phone IS NULL, m.created_at DESC, m.order_id DESC LIMIT 1
) latest
CROSS JOIN LATERAL (
  SELECT m.created_by, m.device_id, m.created_at FROM client_migration_orders m
  WHERE m.site_id = g.site_id AND m.group_key = g.group_key
  ORDER BY m.created_at, m.order_id LIMIT 1
) first;
--> statement-breakpoint
INSERT INTO clients (id, site_id, name, phone, address, created_by, device_id, created_at, updated_at)
SELECT client_id, site_id, name, phone, address, created_by, device_id, created_at, updated_at
FROM client_migration_groups;
--> statement-breakpoint
UPDATE orders o SET client_id = g.client_id
FROM client_migration_orders m
JOIN client_migration_groups g ON g.site_id = m.site_id AND g.group_key = m.group_key
WHERE o.id = m.order_id;
--> statement-breakpoint
DROP TABLE client_migration_groups;
--> statement-breakpoint
DROP TABLE client_migration_orders;
