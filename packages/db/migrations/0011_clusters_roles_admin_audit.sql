CREATE TABLE "admin_audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"outcome" text DEFAULT 'ok' NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text,
	"before" jsonb,
	"after" jsonb,
	"ip" text,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clusters" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"region" text DEFAULT '' NOT NULL,
	"credentials_encrypted" text NOT NULL,
	"registry" text,
	"storage_class" text,
	"status" text DEFAULT 'active' NOT NULL,
	"monthly_cost_cents" integer DEFAULT 0 NOT NULL,
	"capacity_memory_mb" integer,
	"capacity_cpu_millis" integer,
	"allocatable_memory_mb" integer,
	"allocatable_cpu_millis" integer,
	"last_checked_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clusters_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"id" text PRIMARY KEY NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"permissions" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_roles" (
	"user_id" text NOT NULL,
	"role_id" text NOT NULL,
	"granted_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_roles_user_id_role_id_pk" PRIMARY KEY("user_id","role_id")
);
--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "cluster_id" text;--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "target_cluster_id" text;--> statement-breakpoint
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_role_id_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "public"."roles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admin_audit_actor_idx" ON "admin_audit" USING btree ("actor_id","created_at");--> statement-breakpoint
CREATE INDEX "admin_audit_target_idx" ON "admin_audit" USING btree ("target_type","target_id");--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_target_cluster_id_clusters_id_fk" FOREIGN KEY ("target_cluster_id") REFERENCES "public"."clusters"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "instances_cluster_idx" ON "instances" USING btree ("cluster_id");--> statement-breakpoint
CREATE INDEX "instances_target_cluster_idx" ON "instances" USING btree ("target_cluster_id");--> statement-breakpoint
INSERT INTO "roles" ("id", "description", "permissions") VALUES
	('owner', 'Everything, granting roles included (ZAPDEPLOY_SUPERADMINS get it at start)', '{*}'),
	('clusters-admin', 'Clusters: see, add, change, cordon, drain, remove; move instances', '{clusters.read,clusters.write,instances.write}'),
	('clusters-viewer', 'Clusters: see only', '{clusters.read}')
ON CONFLICT ("id") DO NOTHING;
