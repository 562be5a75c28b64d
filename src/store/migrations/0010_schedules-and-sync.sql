ALTER TABLE "integrations" ADD COLUMN "schedule" text DEFAULT '0 3 * * *' NOT NULL;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "sync_state" jsonb;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "alert_email" text;--> statement-breakpoint
ALTER TABLE "scans" ADD COLUMN "mode" text;