CREATE TABLE "checkouts" (
	"id" text PRIMARY KEY NOT NULL,
	"instance_id" text NOT NULL,
	"owner_id" text,
	"plan_id" text NOT NULL,
	"method" text NOT NULL,
	"kind" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"mp_payment_id" text,
	"mp_preapproval_id" text,
	"mp_preference_id" text,
	"pix_qr_code" text,
	"pix_qr_base64" text,
	"redirect_url" text,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instance_billing" (
	"instance_id" text PRIMARY KEY NOT NULL,
	"owner_id" text,
	"plan_id" text NOT NULL,
	"state" text DEFAULT 'awaiting_payment' NOT NULL,
	"method" text,
	"paid_until" timestamp with time zone,
	"grace_until" timestamp with time zone,
	"suspended_at" timestamp with time zone,
	"purge_at" timestamp with time zone,
	"preapproval_id" text,
	"scheduled_plan_id" text,
	"reminded_for" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"resource_id" text NOT NULL,
	"request_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" text PRIMARY KEY NOT NULL,
	"instance_id" text NOT NULL,
	"checkout_id" text,
	"mp_payment_id" text NOT NULL,
	"plan_id" text NOT NULL,
	"method" text NOT NULL,
	"kind" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"status" text NOT NULL,
	"status_detail" text,
	"period_start" timestamp with time zone,
	"period_end" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"reversed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_mp_payment_id_unique" UNIQUE("mp_payment_id")
);
--> statement-breakpoint
ALTER TABLE "checkouts" ADD CONSTRAINT "checkouts_instance_id_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkouts" ADD CONSTRAINT "checkouts_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_billing" ADD CONSTRAINT "instance_billing_instance_id_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_billing" ADD CONSTRAINT "instance_billing_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_billing" ADD CONSTRAINT "instance_billing_scheduled_plan_id_plans_id_fk" FOREIGN KEY ("scheduled_plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_instance_id_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_checkout_id_checkouts_id_fk" FOREIGN KEY ("checkout_id") REFERENCES "public"."checkouts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "checkouts_instance_idx" ON "checkouts" USING btree ("instance_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "checkouts_mp_payment_idx" ON "checkouts" USING btree ("mp_payment_id");--> statement-breakpoint
CREATE INDEX "instance_billing_state_idx" ON "instance_billing" USING btree ("state","paid_until");--> statement-breakpoint
CREATE UNIQUE INDEX "instance_billing_preapproval_idx" ON "instance_billing" USING btree ("preapproval_id");--> statement-breakpoint
CREATE INDEX "payment_notifications_pending_idx" ON "payment_notifications" USING btree ("next_attempt_at") WHERE "payment_notifications"."processed_at" is null;--> statement-breakpoint
CREATE INDEX "payments_instance_idx" ON "payments" USING btree ("instance_id","created_at");