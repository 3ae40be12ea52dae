CREATE TABLE "voice_notes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"duration_ms" integer NOT NULL,
	"byte_size" integer NOT NULL,
	"content_type" text NOT NULL,
	"sha256" text NOT NULL,
	"audio" "bytea" NOT NULL,
	"recorded_by" uuid NOT NULL,
	"device_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "voice_notes_size" CHECK ("voice_notes"."byte_size" > 0 AND "voice_notes"."byte_size" = octet_length("voice_notes"."audio")),
	CONSTRAINT "voice_notes_duration" CHECK ("voice_notes"."duration_ms" BETWEEN 1 AND 60000)
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "has_voice_note" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "voice_notes" ADD CONSTRAINT "voice_notes_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_notes" ADD CONSTRAINT "voice_notes_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_notes" ADD CONSTRAINT "voice_notes_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "voice_notes_order_idx" ON "voice_notes" USING btree ("order_id","created_at","id");