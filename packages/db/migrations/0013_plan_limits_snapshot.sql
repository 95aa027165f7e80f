ALTER TABLE "instances" ADD COLUMN "applied_plan_id" text;--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "applied_cpu_millis" integer;--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "applied_memory_mb" integer;--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "applied_disk_mb" integer;--> statement-breakpoint
-- Until now every reconcile gave a running bot its plan's current limits: that is what live instances run with.
UPDATE "instances" SET "applied_plan_id" = "plans"."id", "applied_cpu_millis" = "plans"."cpu_millis", "applied_memory_mb" = "plans"."memory_mb", "applied_disk_mb" = "plans"."disk_mb" FROM "plans" WHERE "plans"."id" = "instances"."plan_id" AND "instances"."deleted_at" IS NULL;
