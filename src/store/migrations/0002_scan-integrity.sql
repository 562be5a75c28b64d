ALTER TABLE "integrations" ADD COLUMN "query_plan" jsonb;--> statement-breakpoint
ALTER TABLE "scans" ADD COLUMN "parts" jsonb;--> statement-breakpoint
ALTER TABLE "scans" ADD COLUMN "holder" text;--> statement-breakpoint
ALTER TABLE "scans" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
-- Written by hand: stores from before single flight may hold several running scans of one integration; all but the newest are recorded as abandoned so the index below can be built.
UPDATE "scans" SET "status" = 'failed', "finished_at" = now(), "reason" = 'abandoned: another scan of the integration started while it ran' WHERE "status" = 'running' AND "id" NOT IN (SELECT max("id") FROM "scans" WHERE "status" = 'running' GROUP BY "integration_id");--> statement-breakpoint
CREATE UNIQUE INDEX "scans_one_running_unique" ON "scans" USING btree ("integration_id") WHERE "scans"."status" = 'running';