ALTER TABLE "instances" ADD COLUMN "session_resets" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "session_resets_applied" integer DEFAULT 0 NOT NULL;