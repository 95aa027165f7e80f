CREATE TABLE "session_transfers" (
	"id" text PRIMARY KEY NOT NULL,
	"instance_id" text NOT NULL,
	"direction" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"archive_sealed" text,
	"bytes" integer,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "session_transfers" ADD CONSTRAINT "session_transfers_instance_id_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "session_transfers_instance_idx" ON "session_transfers" USING btree ("instance_id","status");