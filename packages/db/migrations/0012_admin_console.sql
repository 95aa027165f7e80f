CREATE TABLE "cluster_cost_periods" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cluster_id" text NOT NULL,
	"cluster_name" text NOT NULL,
	"monthly_cost_cents" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cost_lines" (
	"id" text PRIMARY KEY NOT NULL,
	"month" text NOT NULL,
	"label" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "paused_by_suspension" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "suspended_reason" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "max_instances" integer;--> statement-breakpoint
CREATE INDEX "cluster_cost_periods_cluster_idx" ON "cluster_cost_periods" USING btree ("cluster_id","started_at");--> statement-breakpoint
CREATE INDEX "cost_lines_month_idx" ON "cost_lines" USING btree ("month");--> statement-breakpoint
INSERT INTO "cluster_cost_periods" ("cluster_id", "cluster_name", "monthly_cost_cents", "started_at") SELECT "id", "name", "monthly_cost_cents", "created_at" FROM "clusters";
--> statement-breakpoint
INSERT INTO "roles" ("id", "description", "permissions") VALUES
	('area-clusters', 'Console area: clusters', '{clusters.read,clusters.write}'),
	('area-users', 'Console area: users', '{users.read,users.suspend}'),
	('area-instances', 'Console area: instances', '{instances.read,instances.write}'),
	('area-plans', 'Console area: plans', '{plans.read,plans.write}'),
	('area-finance', 'Console area: finance', '{finance.read}'),
	('area-admins', 'Console area: admins and the audit log', '{admins.manage,audit.read}')
ON CONFLICT ("id") DO NOTHING;
