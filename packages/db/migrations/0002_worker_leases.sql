CREATE TABLE "worker_leases" (
	"resource" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"fence" integer DEFAULT 1 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "restart_requests" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "status_changed_at" timestamp with time zone DEFAULT now() NOT NULL;