ALTER TABLE "checkouts" ADD COLUMN "basis_plan_id" text;--> statement-breakpoint
ALTER TABLE "checkouts" ADD COLUMN "basis_paid_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "refund_status" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "refund_reason" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "refund_next_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "payment_notifications_resource_idx" ON "payment_notifications" USING btree ("topic","resource_id");--> statement-breakpoint
CREATE INDEX "payments_refund_due_idx" ON "payments" USING btree ("refund_next_at") WHERE "payments"."refund_status" = 'due';