ALTER TABLE "session_transfers" ADD COLUMN "expires_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Archives move from the row to sealed files; those kept in rows cannot be carried over in SQL: they expire.
UPDATE "session_transfers" SET "status" = 'expired', "error" = 'archive_moved' WHERE "archive_sealed" IS NOT NULL OR "status" = 'pending';--> statement-breakpoint
ALTER TABLE "session_transfers" DROP COLUMN "archive_sealed";