CREATE TABLE "order_delivery_issues" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"message" text NOT NULL,
	"details" jsonb,
	"recorded_by" uuid NOT NULL,
	"device_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "order_delivery_issues" ADD CONSTRAINT "order_delivery_issues_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_delivery_issues" ADD CONSTRAINT "order_delivery_issues_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_delivery_issues" ADD CONSTRAINT "order_delivery_issues_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Hand-written: a refusal recorded on an order is a change of that order for the sync pull
-- (its vendor's phone gets the order again, with the issue), as 0008's orders trigger logs.
CREATE FUNCTION sync_log_order_delivery_issues() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_changes (stream, entity_id, site_id, user_id)
  SELECT 'order', o.id, o.site_id, o.created_by FROM new_rows n JOIN orders o ON o.id = n.order_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER order_delivery_issues_sync_log_insert AFTER INSERT ON order_delivery_issues
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_order_delivery_issues();
--> statement-breakpoint
CREATE TRIGGER order_delivery_issues_sync_log_update AFTER UPDATE ON order_delivery_issues
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_order_delivery_issues();
