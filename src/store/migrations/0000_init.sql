CREATE TABLE "identity_versions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "identity_versions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"integration_id" uuid NOT NULL,
	"object_id" text NOT NULL,
	"kind" text NOT NULL,
	"app_id" text NOT NULL,
	"display_name" text NOT NULL,
	"hash" text NOT NULL,
	"data" jsonb NOT NULL,
	"added_scan_id" integer NOT NULL,
	"added_seq" integer NOT NULL,
	"ended_scan_id" integer,
	"ended_seq" integer,
	"end_reason" text
);
--> statement-breakpoint
CREATE TABLE "integrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"provider" text NOT NULL,
	"tenant_id" text NOT NULL,
	"client_id" text NOT NULL,
	"auth" jsonb NOT NULL,
	"cloud" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integrations_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "scan_facts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "scan_facts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"scan_id" integer NOT NULL,
	"aspect" text NOT NULL,
	"object_id" text NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scans" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "scans_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"integration_id" uuid NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"reason" text,
	"summary" jsonb,
	"changes" jsonb,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"seq" integer,
	CONSTRAINT "scans_status_check" CHECK ("scans"."status" in ('running', 'succeeded', 'partial', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "identity_versions" ADD CONSTRAINT "identity_versions_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_facts" ADD CONSTRAINT "scan_facts_scan_id_scans_id_fk" FOREIGN KEY ("scan_id") REFERENCES "public"."scans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scans" ADD CONSTRAINT "scans_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "identity_versions_open_unique" ON "identity_versions" USING btree ("integration_id","object_id") WHERE "identity_versions"."ended_seq" is null;--> statement-breakpoint
CREATE INDEX "identity_versions_object_idx" ON "identity_versions" USING btree ("integration_id","object_id","added_seq");--> statement-breakpoint
CREATE INDEX "identity_versions_added_idx" ON "identity_versions" USING btree ("integration_id","added_seq");--> statement-breakpoint
CREATE INDEX "identity_versions_app_idx" ON "identity_versions" USING btree ("app_id");--> statement-breakpoint
CREATE INDEX "identity_versions_name_idx" ON "identity_versions" USING btree (lower("display_name"));--> statement-breakpoint
CREATE INDEX "identity_versions_object_id_idx" ON "identity_versions" USING btree ("object_id");--> statement-breakpoint
CREATE INDEX "scan_facts_scan_idx" ON "scan_facts" USING btree ("scan_id","aspect","object_id");--> statement-breakpoint
CREATE INDEX "scans_integration_idx" ON "scans" USING btree ("integration_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "scans_integration_seq_unique" ON "scans" USING btree ("integration_id","seq");