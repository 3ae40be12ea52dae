ALTER TYPE "public"."payment_method" ADD VALUE 'avoir';--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT "orders_paid_le_total";--> statement-breakpoint
ALTER TABLE "payments" DROP CONSTRAINT "payments_amount_pos";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "returned_amount" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "credit_source_id" uuid;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_credit_source_id_payments_id_fk" FOREIGN KEY ("credit_source_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payments_credit_source_key" ON "payments" USING btree ("credit_source_id");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_money_range" CHECK ("orders"."paid_amount" >= 0 AND "orders"."paid_amount" <= "orders"."total_amount" AND "orders"."returned_amount" >= 0 AND "orders"."returned_amount" <= "orders"."total_amount");--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_amount_nonzero" CHECK ("payments"."amount" <> 0);--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_credit_linked" CHECK (("payments"."credit_source_id" IS NOT NULL) = ("payments"."method"::text = 'avoir' AND "payments"."amount" > 0));--> statement-breakpoint
-- What already came back, at the order's unit prices; the payment status then follows what is due.
UPDATE "orders" o SET "returned_amount" = r.amount,
  "payment_status" = CASE
    WHEN o."paid_amount" >= o."total_amount" - r.amount THEN 'payee'::payment_status
    WHEN o."paid_amount" = 0 THEN 'non_payee'::payment_status
    ELSE 'partielle'::payment_status END
FROM (SELECT "order_id", sum("returned_quantity" * "unit_price")::int AS amount
      FROM "order_items" WHERE "returned_quantity" > 0 GROUP BY "order_id") r
WHERE o."id" = r."order_id";
