DROP INDEX "identity_versions_object_idx";--> statement-breakpoint
DROP INDEX "identity_versions_added_idx";--> statement-breakpoint
DROP INDEX "scan_facts_scan_idx";--> statement-breakpoint
CREATE INDEX "scan_facts_scan_id_idx" ON "scan_facts" USING btree ("scan_id");