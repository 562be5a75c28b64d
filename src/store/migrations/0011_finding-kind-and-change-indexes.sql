ALTER TABLE "findings" ADD COLUMN "kind" text DEFAULT 'application' NOT NULL;--> statement-breakpoint
CREATE INDEX "identity_versions_added_idx" ON "identity_versions" USING btree ("integration_id","added_seq");--> statement-breakpoint
CREATE INDEX "identity_versions_ended_idx" ON "identity_versions" USING btree ("integration_id","ended_seq") WHERE "identity_versions"."ended_seq" is not null;